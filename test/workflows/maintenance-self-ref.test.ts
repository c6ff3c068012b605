/**
 * The one step of os-libs.yml and prune.yml that decides which ext-actions commit they run (marked
 * EXT-ACTIONS SELF-REF), run with bash as the runner would: it takes the ext-actions-ref input, refuses
 * to guess without it, and never reads the caller's workflow file (issue 14 #2: a comment naming a fork
 * must not choose the code a job runs).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');

describe.each(['os-libs.yml', 'prune.yml'])('%s: finding the ext-actions ref', (file) => {
  const text = readFileSync(path.join(repo, '.github/workflows', file), 'utf8');
  const wf = parse(text) as {
    jobs: Record<
      string,
      { steps: { id?: string; run?: string; uses?: string; with?: Record<string, string> }[] }
    >;
  };
  const jobs = Object.entries(wf.jobs).filter(([, j]) => j.steps.some((s) => s.id === 'self'));
  const script = jobs[0]![1].steps.find((s) => s.id === 'self')!.run!;

  function run(env: Record<string, string>) {
    const dir = workspace('ext-maint-self-');
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    // A caller whose comment names a fork above the real uses: line.
    writeFileSync(
      path.join(dir, '.github/workflows/maint.yml'),
      `jobs:\n  x:\n    # migrated from someone/fork/.github/workflows/${file}@main\n    uses: cnpg/ext-actions/.github/workflows/${file}@v1\n`,
    );
    return runStep(script, dir, {
      GITHUB_WORKFLOW_REF: 'acme/exts/.github/workflows/maint.yml@refs/heads/main',
      GITHUB_WORKFLOW_SHA: 'a'.repeat(40),
      GITHUB_REPOSITORY: 'acme/exts',
      OVERRIDE_REF: '',
      OVERRIDE_REPOSITORY: 'cnpg/ext-actions',
      ...env,
    });
  }

  it('is one marked step, in the one job that runs ext-actions code, feeding its checkout', () => {
    expect(jobs.map(([n]) => n)).toEqual([file === 'os-libs.yml' ? 'libs' : 'prune']);
    expect(text.match(/EXT-ACTIONS SELF-REF/g)).toHaveLength(1);
    const checkout = jobs[0]![1].steps.find((s) => s.with?.['path'] === '.ext-actions')!;
    expect(checkout.with).toMatchObject({
      repository: '${{ steps.self.outputs.repository }}',
      ref: '${{ steps.self.outputs.ref }}',
    });
  });

  it('uses the ext-actions-ref and ext-actions-repository inputs', () => {
    const r = run({ OVERRIDE_REF: 'v1.2.3', OVERRIDE_REPOSITORY: 'cnpg/ext-actions' });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toEqual({ repository: 'cnpg/ext-actions', ref: 'v1.2.3' });
  });

  it('without the input, stops with one message and never takes a ref from the caller file', () => {
    const r = run({});
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '::error title=ext-actions::set the ext-actions-ref input to the ref you call this workflow with (e.g. v1)',
    );
    expect(r.outputs).toEqual({});
    expect(script).not.toMatch(/GITHUB_WORKFLOW_REF|grep/);
  });

  it('refuses a ref or repository that could inject into GITHUB_OUTPUT', () => {
    const cases: Record<string, string>[] = [
      { OVERRIDE_REF: 'v1\nref=evil' },
      { OVERRIDE_REF: 'v1', OVERRIDE_REPOSITORY: 'a/b\nx=y' },
    ];
    for (const env of cases) {
      const r = run(env);
      expect(r.code).toBe(1);
      expect(r.outputs).toEqual({});
    }
  });
});
