/**
 * `ext-actions init` through the CLI (in-process runCli): what it writes passes actionlint, the
 * workflow parser and the hardening rules, it derives its inputs from the repository, and it refuses
 * to overwrite a file the user changed unless --force.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { actionlint, formatFindings } from '../../src/workflows/actionlint.js';
import { checkHardening, formatHardening } from '../../src/workflows/hardening.js';
import { isPristine } from '../../src/workflows/init.js';
import { workflowParser } from './workflow-parser.js';

const repo = path.resolve(import.meta.dirname, '../..');
let work: string[] = [];
afterEach(async () => {
  await Promise.all(work.map((d) => rm(d, { recursive: true, force: true })));
  work = [];
});

async function userRepo(layout: 'nested' | 'flat'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ext-init-'));
  work.push(dir);
  const root = layout === 'nested' ? path.join(dir, 'extensions') : dir;
  for (const name of ['pgvector', 'pgaudit'])
    await cp(path.join(repo, 'extensions', name), path.join(root, name), { recursive: true });
  await mkdir(path.join(root, 'pgvector', 'test'), { recursive: true });
  return dir;
}

async function init(cwd: string, args: string[] = []) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['init', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdin: async () => '',
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

const FILES = ['extensions-main.yml', 'extensions-pr.yml', 'extensions-release.yml'];

describe('ext-actions init', () => {
  it('writes caller workflows that pass actionlint, the parser and the hardening rules', async () => {
    const dir = await userRepo('nested');
    const r = await init(dir, ['--registry', 'ghcr.io/acme']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('created   .github/workflows/extensions-pr.yml');
    const texts = new Map<string, string>();
    for (const f of FILES) texts.set(f, await readFile(path.join(dir, '.github/workflows', f), 'utf8'));
    // actionlint's Go runtime first: it must not share the process with the bundled parser's loading.
    for (const [f, text] of texts) {
      const lint = await actionlint(text, f);
      expect(lint, formatFindings(lint)).toEqual([]);
    }
    const { parseWorkflow, NoOperationTraceWriter } = await workflowParser();
    for (const [f, text] of texts) {
      const hard = checkHardening(text, f, { allowTagged: ['cnpg/ext-actions'] });
      expect(hard, formatHardening(hard)).toEqual([]);
      const parsed = parseWorkflow({ name: f, content: text }, new NoOperationTraceWriter());
      expect(parsed.context.errors.getErrors()).toEqual([]);
      const wf = parse(text) as { jobs: { extensions: Record<string, unknown> } };
      if (f === 'extensions-pr.yml')
        // The pull request workflow: contents: read, no secret, no registry (it pushes nothing).
        expect(wf.jobs.extensions).toEqual({
          uses: 'cnpg/ext-actions/.github/workflows/extensions-pr.yml@v1',
          permissions: { contents: 'read' },
          with: { root: 'extensions', extensions: 'changed', e2e: true },
        });
      else
        expect(wf.jobs.extensions).toMatchObject({
          uses: 'cnpg/ext-actions/.github/workflows/extensions.yml@v1',
          permissions: { contents: 'read', packages: 'write', 'id-token': 'write' },
          with: { root: 'extensions', registry: 'ghcr.io/acme' },
        });
      expect(text).toContain('pgaudit, pgvector');
      expect(text).toContain('Their own test/ suites run after the generic one: pgvector.');
    }
  });

  it('passes only the inputs the reusable workflow declares', async () => {
    const dir = await userRepo('flat');
    expect((await init(dir, ['--ref', 'v1.2.3'])).code).toBe(0);
    type Reusable = {
      on: { workflow_call: { inputs: Record<string, unknown>; secrets?: Record<string, unknown> } };
    };
    for (const f of FILES) {
      const wf = parse(await readFile(path.join(dir, '.github/workflows', f), 'utf8')) as {
        jobs: {
          extensions: { uses: string; with: Record<string, unknown>; secrets: Record<string, unknown> };
        };
      };
      const job = wf.jobs.extensions;
      expect(job.uses.endsWith('@v1.2.3')).toBe(true);
      // The workflow the caller names, from this repository.
      const file = /^cnpg\/ext-actions\/(\.github\/workflows\/[a-z-]+\.yml)@/.exec(job.uses)![1]!;
      const reusable = parse(await readFile(path.join(repo, file), 'utf8')) as Reusable;
      expect(job.with).not.toHaveProperty('root');
      for (const k of Object.keys(job.with)) expect(reusable.on.workflow_call.inputs).toHaveProperty(k);
      for (const k of Object.keys(job.secrets ?? {}))
        expect(reusable.on.workflow_call.secrets ?? {}).toHaveProperty(k);
    }
  });

  it('refuses to overwrite a changed file, writes nothing, and overwrites with --force', async () => {
    const dir = await userRepo('nested');
    expect((await init(dir)).code).toBe(0);
    const pr = path.join(dir, '.github/workflows/extensions-pr.yml');
    const main = path.join(dir, '.github/workflows/extensions-main.yml');
    const original = await readFile(main, 'utf8');
    expect(isPristine(original)).toBe(true);
    // Unchanged files are left alone; regenerating with other options replaces pristine ones.
    expect((await init(dir)).stdout).toContain(
      'unchanged extensions-pr.yml'.replace('extensions', '.github/workflows/extensions'),
    );
    await writeFile(pr, (await readFile(pr, 'utf8')) + '# my change\n');
    const refused = await init(dir, ['--registry', 'quay.io/acme']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '.github/workflows/extensions-pr.yml: changed since ext-actions init wrote it',
    );
    expect(await readFile(main, 'utf8')).toBe(original);
    const forced = await init(dir, ['--registry', 'quay.io/acme', '--force']);
    expect(forced.code).toBe(0);
    expect(await readFile(pr, 'utf8')).not.toContain('# my change');
    expect(await readFile(main, 'utf8')).toContain('registry: quay.io/acme');
  });

  it('refuses an extension folder whose name CloudNativePG refuses, writing nothing (issue 14 #7)', async () => {
    const dir = await userRepo('nested');
    const bad = 'evil\non: push';
    await mkdir(path.join(dir, 'extensions', bad));
    await writeFile(path.join(dir, 'extensions', bad, 'metadata.hcl'), 'metadata = {}\n');
    const r = await init(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`folder "evil\\non: push" (holds metadata.hcl): expected lower-case letters`);
    await expect(readdir(path.join(dir, '.github', 'workflows'))).rejects.toThrow();
  });

  it('takes --registry as plan does: lower-cased, trailing slash dropped', async () => {
    const dir = await userRepo('nested');
    const r = await init(dir, ['--registry', 'GHCR.io/Acme/']);
    expect(r.code, r.stderr).toBe(0);
    const main = path.join(dir, '.github/workflows/extensions-main.yml');
    expect(await readFile(main, 'utf8')).toContain('registry: ghcr.io/acme\n');
  });

  it('names the flag and what it expects on bad input', async () => {
    const dir = await userRepo('nested');
    const ref = await init(dir, ['--ref', 'main']);
    expect(ref.code).toBe(2);
    expect(ref.stderr).toContain('--ref: expected a release tag such as v1');
    const reg = await init(dir, ['--registry', 'ghcr.io/ac me']);
    expect(reg.code).toBe(2);
    expect(reg.stderr).toContain('--registry: expected a lower-case registry');
    const root = await init(dir, ['--root', '../elsewhere']);
    expect(root.stderr).toContain('--root: expected a folder inside the repository');
  });
});
