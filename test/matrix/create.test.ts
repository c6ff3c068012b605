/** `ext-actions create` on names with `_` and on names CloudNativePG refuses (issue 15 defect 3, issue 14 #7). */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { tempDir } from '../support/tmp.js';

async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdin: () => Promise.resolve(''),
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

describe('ext-actions create', () => {
  it('scaffolds pg_cron with a Debian package name (no "_"), and says the name is derived', async () => {
    const dir = await tempDir('ext-create-');
    const r = await cli(['create', 'pg_cron'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const metadata = await readFile(path.join(dir, 'pg_cron', 'metadata.hcl'), 'utf8');
    expect(metadata).toContain('name                     = "pg_cron"');
    expect(metadata).toContain('// renovate: suite=trixie-pgdg depName=postgresql-18-pg-cron\n');
    const dockerfile = await readFile(path.join(dir, 'pg_cron', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('"postgresql-${PG_MAJOR}-pg-cron=${EXT_VERSION}"');
    expect(r.stdout).toContain(
      "package: postgresql-%version%-pg-cron (derived from NAME; check the Debian name, e.g. apt-cache search --names-only '^postgresql-18-.*cron', and rerun with --package-name if it differs)",
    );
    // The real PGDG name differs (postgresql-18-cron): --package-name takes it, and nothing is guessed.
    const named = await cli(
      ['create', 'pg_cron', '--root', 'other', '--package-name', 'postgresql-%version%-cron'],
      dir,
    );
    expect(named.code).toBe(0);
    expect(named.stdout).not.toContain('derived from NAME');
    expect(await readFile(path.join(dir, 'other', 'pg_cron', 'metadata.hcl'), 'utf8')).toContain(
      'depName=postgresql-18-cron\n',
    );
  });

  it.each([
    [
      'a trailing "-"',
      'cron-',
      'NAME: expected lower-case letters, digits, "-" or "_", starting and ending with a letter or digit',
    ],
    [
      '60 characters',
      'c'.repeat(60),
      'NAME: expected at most 59 characters (CloudNativePG extension names), got 60',
    ],
    ['a line break', 'cron\nx', 'NAME: expected lower-case letters'],
  ])('refuses a name with %s and writes nothing', async (_, name, message) => {
    const dir = await tempDir('ext-create-bad-');
    const r = await cli(['create', name], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(await readdir(dir)).toEqual([]);
  });
});
