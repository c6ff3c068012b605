/**
 * `list` and `plan` when discovery finds nothing, finds files in the wrong place, or finds files that
 * do not parse (issue 15, "Silent or late"); run in-process through the CLI dispatcher.
 */
import { mkdir, writeFile } from 'node:fs/promises';
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

const valid = (name: string) =>
  `metadata = {\n name = "${name}"\n versions = { trixie = { "18" = { package = "1.0-1", sql = "1.0" } } }\n}\n`;

async function extension(root: string, folder: string, text = valid(folder), dockerfile = true) {
  await mkdir(path.join(root, folder), { recursive: true });
  await writeFile(path.join(root, folder, 'metadata.hcl'), text);
  if (dockerfile) await writeFile(path.join(root, folder, 'Dockerfile'), 'FROM scratch\n');
}

describe('list and plan where there is no extension', () => {
  it.each(['list', 'plan'])('%s says where it looked and suggests --root, and fails', async (command) => {
    const dir = await tempDir('ext-nothing-');
    const r = await cli([command], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: no extension found under ${dir}: no direct sub-folder holds a metadata.hcl; run in the folder of your extension folders or pass --root DIR (create one with \`ext-actions create NAME\`)\n`,
    );
  });

  it.each(['list', 'plan'])(
    '%s names metadata.hcl files found too deep, and the --root for them',
    async (command) => {
      const dir = await tempDir('ext-deep-');
      await extension(path.join(dir, 'extensions'), 'pgvector');
      const r = await cli([command], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `found ${path.join('extensions', 'pgvector', 'metadata.hcl')}: not extensions`,
      );
      expect(r.stderr).toContain(`use --root ${path.join(dir, 'extensions')} for those`);
    },
  );

  it('list warns about a misplaced metadata.hcl beside real extensions', async () => {
    const dir = await tempDir('ext-mixed-');
    await extension(dir, 'pgvector');
    await extension(path.join(dir, 'more'), 'pgaudit');
    const r = await cli(['list'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pgvector\n');
    expect(r.stderr).toContain(`warning: ${path.join('more', 'pgaudit', 'metadata.hcl')}: not extensions`);
  });
});

describe('list reads every metadata.hcl', () => {
  it('fails on a file that does not parse, naming it (as upstream get-targets does)', async () => {
    const dir = await tempDir('ext-broken-');
    await extension(dir, 'good');
    await extension(dir, 'broken', 'metadata = {\n name = "broken"\n');
    const r = await cli(['list'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${path.join(dir, 'broken', 'metadata.hcl')}: HCL syntax error`);
  });

  it('fails on a folder name CloudNativePG refuses', async () => {
    const dir = await tempDir('ext-name-');
    await extension(dir, 'Upper', valid('upper'));
    const r = await cli(['list', '--format', 'json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir}: folder "Upper" (holds metadata.hcl): expected lower-case letters`);
  });
});

describe('plan-time checks', () => {
  it('plan refuses a missing Dockerfile, a missing required extension and a misspelled field at once', async () => {
    const dir = await tempDir('ext-plan-checks-');
    await extension(dir, 'nodocker', valid('nodocker'), false);
    await extension(
      dir,
      'needs',
      valid('needs').replace('name = "needs"', 'name = "needs"\n required_extensions = ["postgis"]'),
    );
    const r = await cli(['plan', '--timestamp', '2026-01-01T00:00:00Z'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'nodocker', 'Dockerfile')}: not found`);
    expect(r.stderr).toContain(
      `${path.join(dir, 'needs', 'metadata.hcl')}: metadata.required_extensions[0]: expected the folder name of another extension`,
    );

    const typo = await tempDir('ext-plan-typo-');
    await extension(
      typo,
      'demo',
      valid('demo').replace('name = "demo"', 'name = "demo"\n licences = ["MIT"]'),
    );
    const t = await cli(['plan', '--timestamp', '2026-01-01T00:00:00Z'], typo);
    expect(t.code).toBe(2);
    expect(t.stderr).toBe(
      `error: ${path.join(typo, 'demo', 'metadata.hcl')}: metadata.licences: not a known field; did you mean licenses?\n`,
    );
  });
});
