/**
 * Pull requests build AND test without the user's registry: the plan job's "select" script (taken from
 * extensions.yml and run with bash as the runner would) turns publishing off for pull_request,
 * pull_request_target, merge_group and push: false; the e2e-local job then builds each extension into
 * the e2e action's local registry and tests it, with no credentials and no id-token.
 */
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');
const text = readFileSync(path.join(repo, '.github/workflows/extensions.yml'), 'utf8');
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  'runs-on'?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
}
const wf = parse(text) as { jobs: Record<string, Job> };
const select = wf.jobs['plan']!.steps!.find((s) => s.id === 'select')!.run!;

function plan(env: Record<string, string>) {
  const dir = workspace('ext-select-');
  symlinkSync(repo, path.join(dir, '.ext-actions'));
  return runStep(select, dir, {
    GITHUB_REF: 'refs/pull/5/merge',
    GITHUB_SHA: 'a'.repeat(40),
    ROOT: path.join(repo, 'extensions'),
    REQUESTED: 'pgvector,pgrouting',
    EVENT: 'pull_request',
    DEFAULT_BRANCH: 'main',
    REGISTRY: '',
    OWNER: 'Acme',
    PLATFORMS: 'linux/amd64,linux/arm64',
    NATIVE: 'true',
    RUNNERS: 'default=ubuntu-24.04,linux/arm64=ubuntu-24.04-arm',
    PUSH: 'true',
    PROMOTE: 'auto',
    CNPG: 'main,1.29,1.30',
    ...env,
  });
}

// Each case starts the CLI (WASM HCL parser) under bash: slow on a loaded 2-core machine.
describe('the plan decides who pushes', { timeout: 30_000 }, () => {
  it.each(['pull_request', 'pull_request_target', 'merge_group'])(
    '%s: no push, no promotion, the local registry, the CNPG list for e2e-local',
    (event) => {
      const r = plan({ EVENT: event });
      expect(r.code, r.stderr).toBe(0);
      expect(r.outputs).toMatchObject({
        publish: 'false',
        promote: 'false',
        registry: 'localhost:5000',
        any: 'true',
        extensions: '["pgrouting","pgvector"]',
        cnpg: '["main","1.29","1.30"]',
      });
    },
  );

  it('push to the default branch publishes to the configured registry; push: false does not', () => {
    const pushed = plan({ EVENT: 'push', GITHUB_REF: 'refs/heads/main' });
    expect(pushed.outputs).toMatchObject({ publish: 'true', promote: 'true', registry: 'ghcr.io/acme' });
    const off = plan({ EVENT: 'push', GITHUB_REF: 'refs/heads/main', PUSH: 'false' });
    expect(off.outputs).toMatchObject({ publish: 'false', promote: 'false', registry: 'localhost:5000' });
  });

  it('refuses an empty cnpg-versions with one annotation', () => {
    const r = plan({ CNPG: ' , ' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error title=cnpg-versions input::');
    expect(r.outputs).toEqual({});
  });
});

describe('e2e-local: pull requests build and test', () => {
  const job = wf.jobs['e2e-local']!;
  const e2e = job.steps!.find((s) => s.uses === './.ext-actions/e2e')!;

  it('runs exactly when the registry e2e job does not (publishing off), when e2e is on', () => {
    expect(job.needs).toEqual('plan');
    expect(job.if).toContain("needs.plan.outputs.publish != 'true'");
    expect(job.if).toContain('inputs.e2e');
    expect(job.if).toContain("needs.plan.outputs.any == 'true'");
    expect(wf.jobs['e2e']!.if).toContain("needs.plan.outputs.publish == 'true'");
  });

  it('one leg per extension and CNPG version, on an amd64 runner', () => {
    expect(job.strategy!.matrix).toEqual({
      extension: '${{ fromJSON(needs.plan.outputs.extensions) }}',
      cnpg: '${{ fromJSON(needs.plan.outputs.cnpg) }}',
    });
    expect(job['runs-on']).toBe('ubuntu-24.04');
  });

  it('builds in the e2e action (build: true, no image) with no credentials and read-only contents', () => {
    expect(e2e.with).toEqual({
      build: 'true',
      smoke: '${{ inputs.smoke }}',
      extension: '${{ matrix.extension }}',
      root: '${{ inputs.root }}',
      cnpg: '${{ matrix.cnpg }}',
    });
    expect(job.permissions).toEqual({ contents: 'read' });
    const body = JSON.stringify(job);
    expect(body).not.toContain('secrets.');
    expect(body).not.toContain('login-action');
  });

  it('counts in the run summary', () => {
    expect(wf.jobs['summary']!.needs).toContain('e2e-local');
  });
});

describe('tokens no wider than the job', { timeout: 30_000 }, () => {
  const JOB_TOKEN =
    "${{ needs.plan.outputs.job-token == 'true' && github.token || secrets.registry-password }}";

  it('the plan marks ghcr.io/<owner> (any case) for the job token, and nothing else', () => {
    expect(plan({ EVENT: 'push', GITHUB_REF: 'refs/heads/main' }).outputs['job-token']).toBe('true');
    expect(
      plan({ EVENT: 'push', GITHUB_REF: 'refs/heads/main', REGISTRY: 'GHCR.io/ACME/extensions' }).outputs[
        'job-token'
      ],
    ).toBe('true');
    for (const registry of ['docker.io/acme', 'ghcr.io/acme-evil', 'ghcr.io/other'])
      expect(
        plan({ EVENT: 'push', GITHUB_REF: 'refs/heads/main', REGISTRY: registry }).outputs['job-token'],
      ).toBe('false');
    expect(plan({ EVENT: 'pull_request' }).outputs['job-token']).toBe('false');
  });

  it('every registry login uses the job’s own token for ghcr.io/<owner>, the secret only elsewhere', () => {
    const logins = Object.entries(wf.jobs).flatMap(([name, job]) =>
      (job.steps ?? [])
        .filter((s) => s.uses?.startsWith('docker/login-action@'))
        .map((s) => ({ name, with: s.with! })),
    );
    expect(logins.length).toBeGreaterThan(0);
    for (const l of logins) {
      expect(l.with['password'], l.name).toBe(JOB_TOKEN);
      expect(l.with['username'], l.name).toBe(
        "${{ needs.plan.outputs.job-token == 'true' && github.actor || inputs.registry-username || github.actor }}",
      );
    }
  });

  it('e2e (packages: read) pulls with its own token, not the caller’s write secret', () => {
    const e2e = wf.jobs['e2e']!;
    expect(e2e.permissions).toEqual({ contents: 'read', packages: 'read' });
    const step = e2e.steps!.find((s) => s.uses === './.ext-actions/e2e')!;
    expect(step.with!['registry-password']).toBe(
      "${{ needs.plan.outputs.publish == 'true' && (needs.plan.outputs.job-token == 'true' && github.token || secrets.registry-password) || '' }}",
    );
  });
});
