/**
 * The plan job's "find the ext-actions ref" script, taken from extensions.yml and run with bash as the
 * runner would (env vars, a caller workflow file in the workspace, GITHUB_OUTPUT).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');
const wf = parse(readFileSync(path.join(repo, '.github/workflows/extensions.yml'), 'utf8')) as {
  jobs: { plan: { steps: { id?: string; run?: string }[] } };
};
const script = wf.jobs.plan.steps.find((s) => s.id === 'self')!.run!;

function run(caller: string | undefined, env: Record<string, string> = {}) {
  const dir = workspace('ext-self-');
  if (caller !== undefined) {
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(path.join(dir, '.github/workflows/pr.yml'), caller);
  }
  return runStep(script, dir, {
    GITHUB_WORKFLOW_REF: 'acme/exts/.github/workflows/pr.yml@refs/pull/5/merge',
    GITHUB_WORKFLOW_SHA: 'a'.repeat(40),
    GITHUB_REPOSITORY: 'acme/exts',
    OVERRIDE_REF: '',
    OVERRIDE_REPOSITORY: 'cnpg/ext-actions',
    ...env,
  });
}

describe('finding the ext-actions ref', () => {
  it('reads the ref from the caller’s uses: line', () => {
    const r = run('jobs:\n  x:\n    uses: cnpg/ext-actions/.github/workflows/extensions.yml@v1 # pinned\n');
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ repository: 'cnpg/ext-actions', ref: 'v1' });
  });

  it('follows a fork of ext-actions and a SHA pin', () => {
    const sha = 'b'.repeat(40);
    const r = run(
      `jobs:\n  x:\n    uses: someone/ext-actions-fork/.github/workflows/extensions.yml@${sha}\n`,
    );
    expect(r.outputs).toEqual({ repository: 'someone/ext-actions-fork', ref: sha });
  });

  it('uses the caller’s own commit for a local call (the dogfooding workflow)', () => {
    const r = run('jobs:\n  x:\n    uses: ./.github/workflows/extensions.yml\n');
    expect(r.outputs).toEqual({ repository: 'acme/exts', ref: 'a'.repeat(40) });
  });

  it('prefers the ext-actions-ref input', () => {
    const r = run(undefined, { OVERRIDE_REF: 'main', OVERRIDE_REPOSITORY: 'me/ext-actions' });
    expect(r.outputs).toEqual({ repository: 'me/ext-actions', ref: 'main' });
  });

  it('fails with an annotation when the caller holds no uses: line or cannot be read', () => {
    const none = run('jobs:\n  x:\n    runs-on: ubuntu-latest\n');
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/::error title=ext-actions::no 'uses:.*set the ext-actions-ref input/);
    expect(none.outputs).toEqual({});
    const missing = run(undefined);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("cannot read the calling workflow '.github/workflows/pr.yml'");
  });

  it('refuses a ref that could inject into GITHUB_OUTPUT', () => {
    const r = run(undefined, { OVERRIDE_REF: 'v1\nsha=evil' });
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({});
  });
});
