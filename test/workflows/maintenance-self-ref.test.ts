/**
 * How os-libs.yml and prune.yml find the ext-actions commit they run, run with bash as the runner would
 * (issue 14 #2): the `self` step reads only the values of the caller's real `uses:` keys (a comment naming
 * a fork never steers it), the checkout takes its answer, `ext-actions self-ref` (the built CLI) confirms
 * it with the caller parsed as YAML, and an explicit ext-actions-ref input still overrides. The callers
 * `ext-actions init` writes carry the ref in `uses:` only, and the steps are one copy in every reusable
 * workflow of ours.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { maintenanceCallers } from '../../src/workflows/init.js';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');
interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Workflow {
  on: { workflow_call: { inputs: Record<string, { default?: unknown; required?: boolean }> } };
  jobs: Record<string, { permissions?: Record<string, string>; steps?: Step[] }>;
}
const read = (file: string) => readFileSync(path.join(repo, '.github/workflows', file), 'utf8');
const load = (file: string) => parse(read(file)) as Workflow;

/** The jobs of a workflow that find the ref themselves (a `self` step). */
const selfJobs = (wf: Workflow) =>
  Object.entries(wf.jobs).filter(([, j]) => (j.steps ?? []).some((s) => s.id === 'self'));

const CALLER = '.github/workflows/maint.yml';

describe.each([
  ['os-libs.yml', 'libs'],
  ['prune.yml', 'prune'],
])('%s: finding the ext-actions ref', (file, jobName) => {
  const text = read(file);
  const wf = load(file);
  const steps = wf.jobs[jobName]!.steps!;
  const self = steps.find((s) => s.id === 'self')!;
  const confirm = steps.find((s) => s.id === 'confirm')!;
  const REAL = `cnpg/ext-actions/.github/workflows/${file}@v1`;
  const DECOY = `# migrated from someone/fork/.github/workflows/${file}@main\n`;

  function run(caller: string | undefined, env: Record<string, string> = {}) {
    const dir = workspace('ext-maint-self-');
    if (caller !== undefined) {
      mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
      writeFileSync(path.join(dir, CALLER), caller);
    }
    const r = runStep(self.run!, dir, {
      ...self.env,
      GITHUB_WORKFLOW_REF: `acme/exts/${CALLER}@refs/heads/main`,
      GITHUB_WORKFLOW_SHA: 'a'.repeat(40),
      GITHUB_REPOSITORY: 'acme/exts',
      OVERRIDE_REF: '',
      OVERRIDE_REPOSITORY: 'cnpg/ext-actions',
      ...env,
    });
    return { ...r, dir };
  }

  /** The confirm step: the built CLI (dist/) from a `.ext-actions` checkout, as the job runs it. */
  function runConfirm(dir: string, outputs: Record<string, string>) {
    symlinkSync(repo, path.join(dir, '.ext-actions'));
    return runStep(confirm.run!, dir, {
      ...confirm.env,
      GITHUB_REPOSITORY: 'acme/exts',
      GITHUB_WORKFLOW_SHA: 'a'.repeat(40),
      CALLER: outputs['caller'],
      SPEC: `${outputs['repository']}@${outputs['ref']}`,
    });
  }

  it('is the one job finding the ref; self, checkout, confirm and pin come before any of our code', () => {
    expect(selfJobs(wf).map(([n]) => n)).toEqual([jobName]);
    expect(wf.jobs[jobName]!.permissions).not.toHaveProperty('id-token');
    expect(text).not.toContain('EXT-ACTIONS SELF-REF');
    expect(self.env).toEqual({
      WORKFLOW: file,
      OVERRIDE_REF: '${{ inputs.ext-actions-ref }}',
      OVERRIDE_REPOSITORY: '${{ inputs.ext-actions-repository }}',
    });
    const at = (pred: (s: Step) => boolean) => steps.findIndex(pred);
    const iSelf = at((s) => s.id === 'self');
    const iCheckout = at((s) => s.with?.['path'] === '.ext-actions');
    const iConfirm = at((s) => s.id === 'confirm');
    const iPin = at((s) => s.id === 'pin');
    const iOurs = at((s) => /\.ext-actions\//.test(`${s.run ?? ''}${s.uses ?? ''}`) && s.id !== 'confirm');
    expect([iSelf, iCheckout, iConfirm, iPin]).toEqual([iSelf, iSelf + 1, iSelf + 2, iSelf + 3]);
    expect(iOurs).toBeGreaterThan(iPin);
    expect(steps[iCheckout]!.with).toMatchObject({
      repository: '${{ steps.self.outputs.repository }}',
      ref: '${{ steps.self.outputs.ref }}',
    });
    expect(confirm.if).toBe("steps.self.outputs.caller != ''");
    // The ref input is an optional override now.
    expect(wf.on.workflow_call.inputs['ext-actions-ref']).toMatchObject({ default: '' });
    expect(wf.on.workflow_call.inputs['ext-actions-ref']!.required).not.toBe(true);
  });

  it('is not steered by a comment naming a fork; the CLI confirms the real uses: key', () => {
    const r = run(
      `${DECOY}jobs:\n  maint:\n    ${DECOY}    uses: ${REAL} # pinned\n    # see someone/fork/.github/workflows/${file}@evil\n`,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toEqual({ repository: 'cnpg/ext-actions', ref: 'v1', caller: CALLER });
    const c = runConfirm(r.dir, r.outputs);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toBe('repository=cnpg/ext-actions\nref=v1\n');
  });

  it('takes the ref (and a fork) from the caller’s uses: key', () => {
    const sha = 'b'.repeat(40);
    const r = run(`jobs:\n  maint:\n    uses: "someone/ext-actions-fork/.github/workflows/${file}@${sha}"\n`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toEqual({ repository: 'someone/ext-actions-fork', ref: sha, caller: CALLER });
  });

  it('refuses to guess when uses:-looking lines disagree, and the CLI refuses a ref the caller does not name', () => {
    const two = run(
      `jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          uses: someone/fork/.github/workflows/${file}@main\n  b:\n    uses: ${REAL}\n`,
    );
    expect(two.code).toBe(1);
    expect(two.stdout).toContain(`calls ${file} at 2 different refs; set the ext-actions-ref input`);
    expect(two.outputs).toEqual({});
    const r = run(`jobs:\n  maint:\n    uses: ${REAL}\n`);
    const c = runConfirm(r.dir, { ...r.outputs, repository: 'someone/fork', ref: 'main' });
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(
      `calls ${file} at cnpg/ext-actions@v1, but someone/fork@main was checked out; the calling workflow's uses: key decides`,
    );
  });

  it('an explicit ext-actions-ref input overrides the caller (then there is nothing to confirm)', () => {
    const r = run(`jobs:\n  maint:\n    uses: ${REAL}\n`, {
      OVERRIDE_REF: 'main',
      OVERRIDE_REPOSITORY: 'me/ext-actions',
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toEqual({ repository: 'me/ext-actions', ref: 'main', caller: '' });
  });

  it('fails with one annotation when the caller has no uses: key for it, and refuses output injection', () => {
    const none = run(`# uses: ${REAL}\njobs:\n  x:\n    runs-on: ubuntu-latest\n`);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(
      new RegExp(
        `::error title=ext-actions::no job of the calling workflow has 'uses: .*/${file.replace('.', '[.]')}@<ref>'`,
      ),
    );
    expect(none.outputs).toEqual({});
    const cases: Record<string, string>[] = [
      { OVERRIDE_REF: 'v1\nref=evil' },
      { OVERRIDE_REF: 'v1', OVERRIDE_REPOSITORY: 'a/b\nx=y' },
    ];
    for (const env of cases) {
      const r = run(undefined, env);
      expect(r.code).toBe(1);
      expect(r.outputs).toEqual({});
    }
  });

  it('reads the ref from the caller `ext-actions init` writes, which names it in uses: only', () => {
    const files = maintenanceCallers({
      root: '.',
      registry: '',
      ref: 'v1.2.3',
      extensions: ['pgvector'],
      withTests: [],
    });
    const generated = files.find((f) => f.content.includes(`/.github/workflows/${file}@`))!;
    expect(generated.content).not.toContain('ext-actions-ref:');
    const r = run(generated.content);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toEqual({ repository: 'cnpg/ext-actions', ref: 'v1.2.3', caller: CALLER });
    const c = runConfirm(r.dir, r.outputs);
    expect(c.code, c.stderr).toBe(0);
  });
});

describe('the self-ref steps are one copy in every reusable workflow of ours', () => {
  const FILES = ['extensions.yml', 'extensions-pr.yml', 'os-libs.yml', 'prune.yml'];
  /** The self, checkout, confirm and pin steps of the job finding the ref, WORKFLOW (the one thing that differs) masked. */
  function copy(file: string) {
    const steps = selfJobs(load(file))[0]![1].steps!;
    const mask = (s: Step | undefined) =>
      s && { ...s, env: s.env && { ...s.env, WORKFLOW: s.env['WORKFLOW'] && '<file>' } };
    return {
      workflow: steps.find((s) => s.id === 'self')!.env?.['WORKFLOW'],
      steps: [
        steps.find((s) => s.id === 'self'),
        steps.find((s) => s.with?.['path'] === '.ext-actions'),
        steps.find((s) => s.id === 'confirm'),
        steps.find((s) => s.id === 'pin'),
      ].map(mask),
    };
  }

  it.each(FILES)('%s: names its own file in WORKFLOW', (file) => {
    expect(copy(file).workflow).toBe(file);
  });

  it.each(FILES.slice(1))('%s: same steps as extensions.yml', (file) => {
    expect(copy(file).steps).toEqual(copy('extensions.yml').steps);
  });
});
