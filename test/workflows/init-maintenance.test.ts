/**
 * `ext-actions init` writes the scheduled maintenance callers (OS-library drift pull requests, testing-
 * image retention): they pass actionlint, the workflow parser and the hardening rules; they run on a
 * schedule; they grant exactly the permissions the jobs of the reusable workflow they call ask for; they
 * pass only inputs and secrets it declares; a manual prune is a dry run unless untold, a scheduled one is
 * not.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { runCli } from '../../src/cli/run.js';
import { actionlint, formatFindings } from '../../src/workflows/actionlint.js';
import { checkHardening, formatHardening } from '../../src/workflows/hardening.js';
import { workflowParser } from './workflow-parser.js';

const repo = path.resolve(import.meta.dirname, '../..');
let work: string[] = [];
afterEach(async () => {
  await Promise.all(work.map((d) => rm(d, { recursive: true, force: true })));
  work = [];
});

interface Reusable {
  on: {
    workflow_call: { inputs: Record<string, { type: string }>; secrets?: Record<string, unknown> };
  };
  jobs: Record<string, { permissions: Record<string, string> }>;
}
interface Caller {
  on: Record<string, unknown>;
  permissions: Record<string, never>;
  jobs: Record<
    string,
    {
      uses: string;
      permissions: Record<string, string>;
      with?: Record<string, unknown>;
      secrets?: Record<string, string>;
    }
  >;
}

async function init(args: string[]) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ext-init-maint-'));
  work.push(dir);
  for (const name of ['postgis', 'pgvector'])
    await cp(path.join(repo, 'extensions', name), path.join(dir, 'extensions', name), { recursive: true });
  let stderr = '';
  let stdout = '';
  const code = await runCli(['init', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdin: async () => '',
    cwd: dir,
    env: {},
  });
  expect(code, stderr).toBe(0);
  const read = (f: string) => readFile(path.join(dir, '.github/workflows', f), 'utf8');
  return { dir, stdout, read };
}

const reusable = async (file: string) =>
  parse(await readFile(path.join(repo, '.github/workflows', file), 'utf8')) as Reusable;

/** The highest level of each scope any job of the reusable workflow asks for. */
function jobPermissions(wf: Reusable): Record<string, string> {
  const rank = { none: 0, read: 1, write: 2 } as Record<string, number>;
  const out: Record<string, string> = {};
  for (const job of Object.values(wf.jobs))
    for (const [scope, level] of Object.entries(job.permissions))
      if ((rank[level] ?? 0) > (rank[out[scope] ?? 'none'] ?? 0)) out[scope] = level;
  return out;
}

const CALLERS = [
  { file: 'extensions-os-libs.yml', job: 'os-libs', workflow: 'os-libs.yml' },
  { file: 'extensions-prune.yml', job: 'prune', workflow: 'prune.yml' },
];

describe('ext-actions init: the scheduled maintenance callers', () => {
  it('writes both, and they pass actionlint, the parser and the hardening rules', async () => {
    const { stdout, read } = await init(['--registry', 'ghcr.io/acme']);
    expect(stdout).toContain('created   .github/workflows/extensions-os-libs.yml');
    expect(stdout).toContain('created   .github/workflows/extensions-prune.yml');
    const texts = await Promise.all(CALLERS.map((c) => read(c.file)));
    for (const [i, text] of texts.entries()) {
      const lint = await actionlint(text, CALLERS[i]!.file);
      expect(lint, formatFindings(lint)).toEqual([]);
    }
    const { parseWorkflow, NoOperationTraceWriter } = await workflowParser();
    for (const [i, text] of texts.entries()) {
      const hard = checkHardening(text, CALLERS[i]!.file, { allowTagged: ['cnpg/ext-actions'] });
      expect(hard, formatHardening(hard)).toEqual([]);
      const parsed = parseWorkflow({ name: CALLERS[i]!.file, content: text }, new NoOperationTraceWriter());
      expect(parsed.context.errors.getErrors()).toEqual([]);
    }
  });

  for (const c of CALLERS)
    it(`${c.file}: on a schedule, calls ${c.workflow} at the ref with exactly the permissions its jobs use, and only its inputs and secrets`, async () => {
      const { read } = await init(['--ref', 'v1.2.3']);
      const caller = parse(await read(c.file)) as Caller;
      const wf = await reusable(c.workflow);
      expect(caller.on).toHaveProperty('schedule');
      expect(caller.on).toHaveProperty('workflow_dispatch');
      expect(caller.permissions).toEqual({});
      const job = caller.jobs[c.job]!;
      expect(job.uses).toBe(`cnpg/ext-actions/.github/workflows/${c.workflow}@v1.2.3`);
      expect(job.permissions).toEqual(jobPermissions(wf));
      // The uses: ref is the one source of the ext-actions ref (the workflow reads it from this file).
      expect(job.with).not.toHaveProperty('ext-actions-ref');
      expect(job.with).not.toHaveProperty('ext-actions-repository');
      expect(job.with?.['root']).toBe('extensions');
      for (const k of Object.keys(job.with ?? {})) expect(wf.on.workflow_call.inputs).toHaveProperty(k);
      for (const k of Object.keys(job.secrets ?? {})) expect(wf.on.workflow_call.secrets).toHaveProperty(k);
    });

  it('grants os-libs write access for its pull requests and prune packages: write, nothing else', async () => {
    expect(jobPermissions(await reusable('os-libs.yml'))).toEqual({
      contents: 'write',
      'pull-requests': 'write',
    });
    expect(jobPermissions(await reusable('prune.yml'))).toEqual({ contents: 'read', packages: 'write' });
  });

  it('passes the optional pull-request token secret to os-libs', async () => {
    const { read } = await init([]);
    const caller = parse(await read('extensions-os-libs.yml')) as Caller;
    expect(caller.jobs['os-libs']!.secrets).toEqual({
      'pull-request-token': '${{ secrets.EXT_ACTIONS_PR_TOKEN }}',
    });
  });

  it('prune: a scheduled run deletes, a manual run is a dry run unless unticked', async () => {
    const { read } = await init([]);
    const caller = parse(await read('extensions-prune.yml')) as Caller & {
      on: { workflow_dispatch: { inputs: Record<string, { type: string; default: unknown }> } };
    };
    expect(caller.on.workflow_dispatch.inputs['dry-run']).toMatchObject({ type: 'boolean', default: true });
    const expression = String(caller.jobs['prune']!.with!['dry-run']).replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
    const evaluate = (event: string, inputs: Record<string, unknown>) => {
      const tokens = new Lexer(expression).lex().tokens;
      const expr = new Parser(tokens, ['github', 'inputs'], []).parse();
      const context = JSON.parse(
        JSON.stringify({ github: { event_name: event }, inputs }),
        data.reviver,
      ) as data.Dictionary;
      const result = new Evaluator(expr, context, new Map()).evaluate();
      // A boolean, as the boolean dry-run input of prune.yml takes it.
      expect(result).toBeInstanceOf(data.BooleanData);
      return (result as data.BooleanData).value;
    };
    expect(evaluate('schedule', {})).toBe(false);
    expect(evaluate('workflow_dispatch', { 'dry-run': true })).toBe(true);
    expect(evaluate('workflow_dispatch', { 'dry-run': false })).toBe(false);
  });

  it('prune: off ghcr.io, passes a REGISTRY_PASSWORD secret; on ghcr.io, none (the job token deletes)', async () => {
    const quay = parse(
      await (await init(['--registry', 'quay.io/acme'])).read('extensions-prune.yml'),
    ) as Caller;
    expect(quay.jobs['prune']!.with!['registry']).toBe('quay.io/acme');
    expect(quay.jobs['prune']!.secrets).toEqual({ 'registry-password': '${{ secrets.REGISTRY_PASSWORD }}' });
    const ghcr = parse(await (await init([])).read('extensions-prune.yml')) as Caller;
    expect(ghcr.jobs['prune']!.secrets).toBeUndefined();
    expect(ghcr.jobs['prune']!.with).not.toHaveProperty('registry');
  });
});
