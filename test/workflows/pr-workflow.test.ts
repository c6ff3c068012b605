/**
 * extensions-pr.yml, the pull request pipeline a caller can run granting only `contents: read`: no job
 * asks for more (GitHub checks every job of a called workflow against the caller's permissions, even those
 * an `if:` skips), nothing reads a secret, and its plan, e2e-local and summary jobs stay extensions.yml's.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkContract } from '../../src/workflows/contract.js';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');
const read = (f: string) => readFileSync(path.join(repo, '.github/workflows', f), 'utf8');
interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  steps?: Step[];
  [k: string]: unknown;
}
interface Workflow {
  on: { workflow_call: { inputs: Record<string, unknown>; secrets?: Record<string, unknown> } };
  jobs: Record<string, Job>;
}
const prText = read('extensions-pr.yml');
const pr = parse(prText) as Workflow;
const full = parse(read('extensions.yml')) as Workflow;

describe('extensions-pr.yml', () => {
  it('asks for contents: read in every job, reads no secret and logs in nowhere', () => {
    for (const [name, job] of Object.entries(pr.jobs)) {
      const perms = job.permissions ?? {};
      for (const [scope, level] of Object.entries(perms))
        expect(`${name}: ${scope}: ${level}`).toBe(`${name}: contents: read`);
    }
    expect(pr.on.workflow_call.secrets).toBeUndefined();
    expect(prText).not.toContain('secrets.');
    expect(prText).not.toContain('github.token');
    expect(prText).not.toMatch(/docker\/login-action|download-artifact/);
    expect(Object.keys(pr.jobs).sort()).toEqual(['build', 'e2e-local', 'plan', 'summary']);
  });

  it('declares a subset of extensions.yml’s inputs, each exactly as there', () => {
    for (const [k, v] of Object.entries(pr.on.workflow_call.inputs))
      expect(v, k).toEqual(full.on.workflow_call.inputs[k]);
  });

  it('uses our actions exactly as their action.yml files declare them', () => {
    const { findings, uses } = checkContract(prText, 'extensions-pr.yml', repo);
    expect(findings.map((f) => `${f.job ?? ''}: ${f.message}`)).toEqual([]);
    expect(new Set(uses.map((u) => u.action))).toEqual(new Set(['bake', 'e2e']));
  });

  it('runs extensions.yml’s plan (publishing off, its own file name), e2e-local and summary', () => {
    const planOf = (wf: Workflow) => {
      const job = structuredClone(wf.jobs['plan']!);
      for (const s of job.steps!) {
        if (s.env?.['WORKFLOW']) s.env['WORKFLOW'] = '<file>';
        if (s.id === 'select') for (const k of ['REGISTRY', 'PUSH', 'PROMOTE']) s.env![k] = '<fixed>';
      }
      return job;
    };
    expect(planOf(pr)).toEqual(planOf(full));
    const select = pr.jobs['plan']!.steps!.find((s) => s.id === 'select')!;
    expect([select.env!['REGISTRY'], select.env!['PUSH'], select.env!['PROMOTE']]).toEqual([
      '',
      'false',
      'never',
    ]);
    expect(pr.jobs['plan']!.steps!.filter((s) => s.env?.['WORKFLOW']).map((s) => s.env!['WORKFLOW'])).toEqual(
      ['extensions-pr.yml', 'extensions-pr.yml'],
    );
    expect(pr.jobs['e2e-local']).toEqual(full.jobs['e2e-local']);
    expect(pr.jobs['summary']!.steps).toEqual(
      full.jobs['summary']!.steps!.map((s) => ({ ...s, env: { ...s.env, IMAGES: '', PROMOTED: '' } })),
    );
    expect(pr.jobs['summary']!.needs).toEqual(['plan', 'build', 'e2e-local']);
  });

  it('builds every leg as extensions.yml does on a pull request, pushing nothing', () => {
    const build = pr.jobs['build']!;
    const fullBuild = full.jobs['build']!;
    expect(build.strategy).toEqual(fullBuild.strategy);
    expect(build.if).toBe(fullBuild.if);
    const bake = build.steps!.find((s) => s.uses === './.ext-actions/bake')!;
    const fullBake = fullBuild.steps!.find((s) => s.uses === './.ext-actions/bake')!;
    expect(bake.with).toEqual({ ...fullBake.with, mode: 'build', push: false });
  });

  it('finds its own ref from the caller’s uses: key, not from a decoy comment', () => {
    const script = pr.jobs['plan']!.steps!.find((s) => s.id === 'self')!;
    const dir = workspace('ext-pr-self-');
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(
      path.join(dir, '.github/workflows/extensions-pr.yml'),
      [
        'jobs:',
        '  extensions:',
        '    # was: someone/fork/.github/workflows/extensions-pr.yml@main',
        '    uses: cnpg/ext-actions/.github/workflows/extensions-pr.yml@v1',
        '    permissions: { contents: read }',
        '',
      ].join('\n'),
    );
    const r = runStep(script.run!, dir, {
      ...script.env,
      OVERRIDE_REF: '',
      OVERRIDE_REPOSITORY: 'cnpg/ext-actions',
      GITHUB_WORKFLOW_REF: 'acme/exts/.github/workflows/extensions-pr.yml@refs/pull/1/merge',
      GITHUB_WORKFLOW_SHA: 'a'.repeat(40),
      GITHUB_REPOSITORY: 'acme/exts',
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ repository: 'cnpg/ext-actions', ref: 'v1' });
  });
});
