/**
 * The `ext-actions` CLI as users run it: the committed bundle (dist/cli/index.js), in a child process,
 * on the example extensions and on scaffolded ones.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'dist/cli/index.js');

function cli(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repo,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DATE_EPOCH: '', ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let work: string;
beforeAll(async () => {
  work = await tempDir('ext-cli-');
  await cp(path.join(repo, 'extensions'), path.join(work, 'extensions'), { recursive: true });
});

describe('ext-actions list', () => {
  it('lists the example extensions, sorted', () => {
    const r = cli(['list', '--root', 'extensions']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pgaudit\npgrouting\npgvector\npostgis\nwal2json\n');
    expect(JSON.parse(cli(['list', '--root', 'extensions', '--format', 'json']).stdout)).toEqual([
      'pgaudit',
      'pgrouting',
      'pgvector',
      'postgis',
      'wal2json',
    ]);
  });
});

describe('ext-actions plan', () => {
  it('prints the bake definition by default, with the local defaults', () => {
    const r = cli([
      'plan',
      '--root',
      'extensions',
      '--extension',
      'postgis',
      '--timestamp',
      '2026-03-04T05:06:07Z',
      '--revision',
      'deadbeef',
    ]);
    expect(r.code).toBe(0);
    const bake = JSON.parse(r.stdout);
    expect(bake.group.default.targets).toEqual(['postgis-3_6_4-18-bookworm', 'postgis-3_6_4-18-trixie']);
    const t = bake.target['postgis-3_6_4-18-trixie'];
    expect(t.context).toBe('extensions/postgis/');
    expect(t.tags).toEqual([
      'localhost:5000/postgis-extension-testing:3.6.4-18-trixie',
      'localhost:5000/postgis-extension-testing:3.6.4-202603040506-18-trixie',
    ]);
    expect(t.args.POSTGIS_MAJOR).toBe('3');
    expect(t.labels['org.opencontainers.image.revision']).toBe('deadbeef');
  });

  it('uses SOURCE_DATE_EPOCH when no --timestamp is given', () => {
    const r = cli(['plan', '--root', 'extensions', '--extension', 'pgvector', '--format', 'matrix'], {
      env: { SOURCE_DATE_EPOCH: '1772600767' },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].tags[1]).toBe(
      'localhost:5000/pgvector-testing:0.8.6-202603040506-18-bookworm',
    );
  });

  it('prints a table and writes the bake file the build uses', async () => {
    const out = path.join(work, 'plan.json');
    const r = cli(
      [
        'plan',
        '--root',
        'extensions',
        '--format',
        'table',
        '--bake-file',
        out,
        '--registry',
        'ghcr.io/acme',
        '--environment',
        'production',
      ],
      { cwd: work },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TARGET +PLATFORMS +SQL +TAGS\n/);
    expect(r.stdout).toContain('10 targets');
    const bake = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(bake.target)).toHaveLength(10);
    expect(bake.target['wal2json-2_6-18-trixie'].tags[0]).toBe('ghcr.io/acme/wal2json:2.6-18-trixie');
  });

  it.each([
    [
      ['plan', '--root', 'extensions', '--environment', 'staging'],
      '--environment: expected one of testing, production, got "staging"',
    ],
    [
      ['plan', '--root', 'extensions', '--format', 'yaml'],
      '--format: expected one of bake, matrix, table, got "yaml"',
    ],
    [['plan', '--root', 'extensions', '--timestamp', 'noon'], '--timestamp: expected an RFC 3339 time'],
    [['plan', '--root', 'extensions', '--extension', 'pg_nope'], 'extension "pg_nope" not found under'],
    [['plan', '--root', 'nowhere'], 'root folder'],
    [['plan', '--bogus'], 'unknown option --bogus'],
    [['plan', '--root', 'extensions', '--registry', 'http://x'], '--registry: expected a registry host'],
  ])('rejects %j with one message and no stack trace', (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('ext-actions changed', () => {
  it('reads changed paths from stdin', () => {
    const r = cli(['changed', '--root', 'extensions', '--files', '-'], {
      input: 'extensions/postgis/Dockerfile\nREADME.md\n',
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['pgrouting', 'postgis']);
    expect(r.stderr).toContain('pgrouting: requires postgis');
  });

  it('compares two git refs, and treats an all-zero base as "everything"', async () => {
    const env = {
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    };
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: work, env: { ...process.env, ...env }, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    await writeFile(path.join(work, 'extensions/pgaudit/README.md'), 'changed\n');
    git('commit', '-q', '-am', 'pgaudit docs');
    const r = cli(['changed', '--root', 'extensions', '--base', 'HEAD~1', '--format', 'lines'], {
      cwd: work,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('pgaudit\n');
    const first = cli(
      ['changed', '--root', 'extensions', '--base', '0000000000000000000000000000000000000000'],
      { cwd: work },
    );
    expect(JSON.parse(first.stdout)).toEqual(['pgaudit', 'pgrouting', 'pgvector', 'postgis', 'wal2json']);
  });

  it('--files takes paths relative to the repository or to --root, and absolute ones inside it', () => {
    const changed = (input: string) =>
      cli(['changed', '--root', 'extensions', '--files', '-', '--format', 'lines'], { input });
    for (const input of [
      `${repo}/extensions/pgvector/metadata.hcl\n`,
      'pgvector/metadata.hcl\n',
      'extensions/pgvector/metadata.hcl\n',
      './extensions/pgvector/Dockerfile\n',
    ]) {
      const r = changed(input);
      expect(r.code, `${input}: ${r.stderr}`).toBe(0);
      expect(r.stdout, input).toBe('pgvector\n');
      expect(r.stderr).not.toMatch(/^: /m);
    }
  });

  it('--files refuses paths outside the repository, naming them all', () => {
    const r = cli(['changed', '--root', 'extensions', '--files', '-'], {
      input: '/etc/passwd\n../elsewhere/x.hcl\nextensions/pgvector/metadata.hcl\n',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: --files: 2 paths are outside the repository \S+: \/etc\/passwd, \.\.\/elsewhere\/x\.hcl/m,
    );
    expect(r.stdout).toBe('');
  });

  it('needs exactly one of --base and --files', () => {
    const r = cli(['changed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give either --base REF or --files -');
  });
});

describe('ext-actions create', () => {
  it('scaffolds a folder that plan rejects until the placeholders are filled in, then accepts', async () => {
    const made = cli(
      [
        'create',
        'pg-demo',
        '--root',
        'extensions',
        '--distros',
        'trixie',
        '--versions',
        '17,18',
        '--package-name',
        'postgresql-%version%-demo',
      ],
      { cwd: work },
    );
    expect(made.code).toBe(0);
    const file = path.join(work, 'extensions/pg-demo/metadata.hcl');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('// renovate: suite=trixie-pgdg depName=postgresql-17-demo');
    expect(text).toContain('// renovate: suite=trixie-pgdg depName=postgresql-18-demo extractVersion=');
    const dockerfile = await readFile(path.join(work, 'extensions/pg-demo/Dockerfile'), 'utf8');
    expect(dockerfile).toContain('FROM scratch');
    expect(dockerfile).toContain('USER 65532:65532');
    expect(dockerfile).toContain('"postgresql-${PG_MAJOR}-demo=${EXT_VERSION}"');

    const rejected = cli(['plan', '--root', 'extensions', '--extension', 'pg-demo'], { cwd: work });
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain(
      'metadata.versions.trixie["17"].package: the placeholder "<package-version-here>" is not filled in',
    );

    await writeFile(
      file,
      text.replaceAll('<package-version-here>', '1.2.0-1.pgdg13+1').replaceAll('<sql-version-here>', '1.2'),
    );
    const accepted = cli(['plan', '--root', 'extensions', '--extension', 'pg-demo', '--format', 'matrix'], {
      cwd: work,
    });
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout).map((e: { target: string }) => e.target)).toEqual([
      'pg-demo-1_2_0-17-trixie',
      'pg-demo-1_2_0-18-trixie',
    ]);
  });

  it('refuses an existing folder and a bad name', () => {
    expect(cli(['create', 'pgvector', '--root', 'extensions']).stderr).toContain('already exists');
    const bad = cli(['create', 'Bad Name']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('NAME: expected lower-case letters');
  });
});

describe('ext-actions: files that cannot be read or written', () => {
  it.each([
    [
      ['changed', '--root', 'extensions', '--files', 'missing.txt'],
      /^error: --files: cannot read missing\.txt \(ENOENT\)/,
    ],
    [
      ['plan', '--root', 'extensions', '--bake-file', 'no/such/dir/plan.json'],
      /^error: --bake-file: cannot write no\/such\/dir\/plan\.json \(ENOENT\)/,
    ],
    [
      ['create', 'pg-x', '--root', 'extensions/pgvector/metadata.hcl'],
      /^error: --root: cannot create .*pg-x \(ENOTDIR\)/,
    ],
  ])('%j names the flag and the file, without a stack trace', (args, message) => {
    const r = cli(args, { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe('ext-actions', () => {
  it('shows help and rejects unknown commands', () => {
    expect(cli(['--help']).stdout).toContain('usage: ext-actions <command>');
    const r = cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });
});

describe('ext-actions create, when the folder cannot be written', () => {
  it('fails with one message naming --root and leaves nothing behind', async () => {
    const { readdir } = await import('node:fs/promises');
    const parent = await tempDir('ext-create-');
    const notAFolder = path.join(parent, 'file');
    await writeFile(notAFolder, 'not a folder');
    const r = cli(['create', 'pg-x', '--root', notAFolder]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --root: cannot create .*pg-x \(ENOTDIR\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await readdir(parent)).toEqual(['file']);
  });
});
