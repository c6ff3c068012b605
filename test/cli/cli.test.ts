/** `ext-actions` as a new user meets it: help, version, "did you mean", and messages naming real flags. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { commandSpecs } from '../../src/cli/specs.js';

const repo = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'ext-cli-ux-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  let code: number;
  try {
    code = await runCli(args, {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      stdin: async () => '',
      cwd: repo,
      env: { ...process.env, CI: '', GITHUB_ACTIONS: '', ...env },
    });
  } catch (err) {
    // runCli throws only on bugs: the bin reports those as exit code 70.
    stderr += String(err);
    code = 70;
  }
  return { code, stdout, stderr };
}

describe('ext-actions --help and --version', () => {
  it('--version prints the package version', async () => {
    const version = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string })
      .version;
    for (const flag of ['--version', '-V']) {
      const r = await cli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`ext-actions ${version}\n`);
    }
  });

  it.each(commandSpecs.map((s) => s.name))(
    '%s --help shows one line per option with its default, and an example',
    async (name) => {
      const r = await cli([name, '--help']);
      expect(r.code).toBe(0);
      const spec = commandSpecs.find((s) => s.name === name)!;
      for (const [flag, o] of Object.entries(spec.options)) {
        const line = r.stdout.split('\n').find((l) => l.trimStart().startsWith(`--${flag}`));
        expect(line, `--${flag} in\n${r.stdout}`).toBeDefined();
        if (o.default !== undefined) {
          expect(line).toContain('(default: ');
          // The spec's default itself, shown as-is (an empty default reads "none"), ending the line.
          const shown = o.default === '' ? 'none' : o.default;
          expect(line!.endsWith(` (default: ${shown})`), `--${flag}: ${line}`).toBe(true);
        }
      }
      expect(r.stdout).toMatch(new RegExp(`^examples?:\\n  (ext-actions|npx|git) .*${name}`, 'm'));
    },
  );

  it.each(commandSpecs.map((s) => s.name))(
    '%s parses exactly the options its help lists (an unknown one is bad input, exit 2)',
    async (name) => {
      const r = await cli([name, '--zz-not-an-option', 'x']);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).not.toContain('differ from those its help lists');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`ext-actions ${name}: unknown option --zz-not-an-option`);
    },
  );
});

describe('did you mean', () => {
  it('suggests the closest command and flag', async () => {
    const command = await cli(['bak']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^ext-actions: unknown command "bak"; did you mean "bake"\?/);
    const flag = await cli(['plan', '--extensions', 'pgvector']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown option --extensions; did you mean --extension?');
    const typo = await cli(['bake', '--dryrun']);
    expect(typo.stderr).toContain('did you mean --dry-run?');
  });
});

describe('messages name the flag the user typed', () => {
  it.each([
    [['init', '--dir', 'no/such/repo'], /^error: --dir: "no\/such\/repo" is not a folder/m, '--root'],
    [
      ['e2e', '--extension', 'pgvector', '--root', 'extensions', '--cnpg', 'foo'],
      /^error: --cnpg: /m,
      'input "',
    ],
    [
      ['e2e', '--extension', 'pgvector', '--root', 'extensions', '--node-image', 'foo'],
      /^error: --node-image: /m,
      'input "',
    ],
    [['bake', '--root', 'extensions', '--set', 'bogus'], /^error: --set: /m, 'input "'],
    [
      ['bake', '--root', 'extensions', '--mode', 'merge', '--push'],
      /^error: --images FILE: expected the "images" outputs/m,
      'input "',
    ],
    [
      ['bake', '--root', 'extensions', '--mode', 'merge'],
      /^error: --push: needed with --mode merge/m,
      'set push: true',
    ],
  ] as const)('%j', async (args, message, not) => {
    const r = await cli([...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain(not);
  });
});

describe('values as shells and users write them', () => {
  it('--extension pgvector/ (tab completion) and --registry ghcr.io/acme/ are taken without the slash', async () => {
    const r = await cli([
      'plan',
      '--root',
      'extensions/',
      '--extension',
      'pgvector/',
      '--registry',
      'ghcr.io/acme/',
      '--format',
      'matrix',
      '--timestamp',
      '2026-03-04T05:06:07Z',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const matrix = JSON.parse(r.stdout) as { extension?: string; repository?: string }[];
    expect(matrix.length).toBeGreaterThan(0);
    expect(JSON.stringify(matrix)).toContain('ghcr.io/acme/pgvector-testing');
    expect(JSON.stringify(matrix)).not.toContain('acme//');
  });
});

describe('--base-image', () => {
  it.each([
    [
      'foo',
      /^error: --base-image: expected an image reference with the placeholders \{pgMajor\} and \{distro\}.*; no \{pgMajor\} or \{distro\} in "foo"/m,
    ],
    ['pg:{pgmajor}-{distro}', /^error: --base-image: .*unknown placeholder \{pgmajor\}/m],
    ['pg:{pgMajor}', /^error: --base-image: .*no \{distro\} in/m],
    [
      'Pg/UPPER:{pgMajor}-{distro}',
      /^error: --base-image: "Pg\/UPPER:\{pgMajor\}-\{distro\}" is not an image reference once filled in/m,
    ],
  ])('refuses %s in plan and bake alike', async (template, message) => {
    for (const command of ['plan', 'bake']) {
      const args = [command, '--root', 'extensions', '--extension', 'pgvector', '--base-image', template];
      const r = await cli(command === 'bake' ? [...args, '--dry-run'] : args);
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('takes a template with both placeholders', async () => {
    const r = await cli([
      'plan',
      '--root',
      'extensions',
      '--extension',
      'pgvector',
      '--base-image',
      'registry.test/pg:{pgMajor}-standard-{distro}',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('registry.test/pg:18-standard-trixie');
  });
});

describe('values --image', () => {
  it('refuses what is not an image reference, offline too', async () => {
    const r = await cli([
      'values',
      '--root',
      'extensions',
      '--extension',
      'pgvector',
      '--image',
      'not a ref',
      '--distro',
      'trixie',
      '--pg-major',
      '18',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --image: .*got "not a ref"/m);
    expect(r.stdout).toBe('');
  });

  it('warns when the reference names another extension or distro', async () => {
    const r = await cli([
      'values',
      '--root',
      'extensions',
      '--extension',
      'pgvector',
      '--image',
      'ghcr.io/acme/pgaudit:18.0-18-bookworm',
      '--distro',
      'trixie',
      '--pg-major',
      '18',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: image ghcr.io/acme/pgaudit:18.0-18-bookworm may not be pgvector');
    expect(r.stderr).toContain('its tag says bookworm, not trixie');
  });
});

describe('an unreachable registry', () => {
  it('connection refused on the loopback fails at once with a hint and exit code 3 (bad input stays 2)', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const ref = `127.0.0.1:${port}/pgvector-testing:0.8.1-18-trixie`;
    for (const args of [
      ['inspect', ref],
      ['verify-layout', ref],
      ['values', '--root', 'extensions', '--extension', 'pgvector', '--image', ref],
      ['promote', `127.0.0.1:${port}/a@sha256:${'0'.repeat(64)}`, `127.0.0.1:${port}/b`],
    ]) {
      const started = Date.now();
      const r = await cli(args);
      expect(Date.now() - started, args.join(' ')).toBeLessThan(3000);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toContain(`connection refused: nothing listens on 127.0.0.1:${port}`);
      expect(r.stderr).not.toMatch(/^retry /m);
    }
    const bad = await cli(['inspect', 'not a ref']);
    expect(bad.code).toBe(2);
  });
});
