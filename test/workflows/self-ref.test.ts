/**
 * How the reusable workflow finds its own actions, run as the runner runs it:
 * - the plan job's "find the ext-actions ref" script (env vars, a caller workflow file in the workspace,
 *   GITHUB_OUTPUT), then `ext-actions self-ref` (the built CLI) confirming it with the caller parsed as YAML;
 * - the `own` gate of every job that signs or promotes: an OIDC token from a token service on loopback
 *   (as ACTIONS_ID_TOKEN_REQUEST_URL serves it), whose job_workflow_ref/sha must match the plan's commit.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { runStep, runStepAsync, workspace } from './step.js';

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
const wf = parse(readFileSync(path.join(repo, '.github/workflows/extensions.yml'), 'utf8')) as {
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
};
const plan = wf.jobs['plan']!.steps;
const script = plan.find((s) => s.id === 'self')!.run!;
const confirm = plan.find((s) => s.id === 'confirm')!;
const REAL = 'cnpg/ext-actions/.github/workflows/extensions.yml@v1';
const DECOY = '# migrated from someone/fork/.github/workflows/extensions.yml@main\n';

function run(caller: string | undefined, env: Record<string, string> = {}) {
  const dir = workspace('ext-self-');
  if (caller !== undefined) {
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(path.join(dir, '.github/workflows/pr.yml'), caller);
  }
  const r = runStep(script, dir, {
    GITHUB_WORKFLOW_REF: 'acme/exts/.github/workflows/pr.yml@refs/pull/5/merge',
    GITHUB_WORKFLOW_SHA: 'a'.repeat(40),
    GITHUB_REPOSITORY: 'acme/exts',
    OVERRIDE_REF: '',
    OVERRIDE_REPOSITORY: 'cnpg/ext-actions',
    WORKFLOW: 'extensions.yml',
    ...env,
  });
  return { ...r, dir };
}

/** The confirm step: the built CLI (dist/) from a `.ext-actions` checkout, as the plan job runs it. */
function runConfirm(dir: string, outputs: Record<string, string>) {
  symlinkSync(repo, path.join(dir, '.ext-actions'));
  return runStep(confirm.run!, dir, {
    GITHUB_REPOSITORY: 'acme/exts',
    GITHUB_WORKFLOW_SHA: 'a'.repeat(40),
    WORKFLOW: 'extensions.yml',
    CALLER: outputs['caller'],
    SPEC: `${outputs['repository']}@${outputs['ref']}`,
  });
}

describe('finding the ext-actions ref', () => {
  it('reads the ref from the caller’s uses: line', () => {
    const r = run(`jobs:\n  x:\n    uses: ${REAL} # pinned\n`);
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({
      repository: 'cnpg/ext-actions',
      ref: 'v1',
      caller: '.github/workflows/pr.yml',
    });
  });

  it('is not steered by a comment naming another repository above the real uses: key', () => {
    const caller = `jobs:\n  extensions:\n    ${DECOY}    uses: ${REAL}\n    # see someone/fork/.github/workflows/extensions.yml@evil too\n`;
    const r = run(caller);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ repository: 'cnpg/ext-actions', ref: 'v1' });
    // The decoy also leads a top-of-file comment block.
    const top = run(`${DECOY}jobs:\n  extensions:\n    uses: '${REAL}'\n`);
    expect(top.outputs).toMatchObject({ repository: 'cnpg/ext-actions', ref: 'v1' });
  });

  it('refuses to guess when uses:-looking lines disagree (a decoy inside a run: script)', () => {
    const caller = `jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          uses: someone/fork/.github/workflows/extensions.yml@main\n  b:\n    uses: ${REAL}\n`;
    const r = run(caller);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('calls extensions.yml at 2 different refs; set the ext-actions-ref input');
    expect(r.outputs).toEqual({});
  });

  it('follows a fork of ext-actions and a SHA pin', () => {
    const sha = 'b'.repeat(40);
    const r = run(
      `jobs:\n  x:\n    uses: someone/ext-actions-fork/.github/workflows/extensions.yml@${sha}\n`,
    );
    expect(r.outputs).toMatchObject({ repository: 'someone/ext-actions-fork', ref: sha });
  });

  it('uses the caller’s own commit for a local call (the dogfooding workflow)', () => {
    const r = run('jobs:\n  x:\n    uses: ./.github/workflows/extensions.yml\n');
    expect(r.outputs).toMatchObject({ repository: 'acme/exts', ref: 'a'.repeat(40) });
  });

  it('prefers the ext-actions-ref input (and then has no caller to confirm)', () => {
    const r = run(undefined, { OVERRIDE_REF: 'main', OVERRIDE_REPOSITORY: 'me/ext-actions' });
    expect(r.outputs).toEqual({ repository: 'me/ext-actions', ref: 'main', caller: '' });
    expect(confirm.if).toBe("steps.self.outputs.caller != ''");
  });

  it('fails with an annotation when the caller holds no uses: key or cannot be read', () => {
    const none = run(`# uses: ${REAL}\njobs:\n  x:\n    runs-on: ubuntu-latest\n`);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(
      /::error title=ext-actions::no job of the calling workflow has 'uses:.*set the ext-actions-ref input/,
    );
    expect(none.outputs).toEqual({});
    const missing = run(undefined);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('cannot read the calling workflow (GITHUB_WORKFLOW_REF)');
  });

  it('refuses a ref that could inject into GITHUB_OUTPUT', () => {
    const r = run(undefined, { OVERRIDE_REF: 'v1\nsha=evil' });
    expect(r.code).toBe(1);
    expect(r.outputs).toEqual({});
  });
});

describe(
  'confirming the ref with the caller parsed as YAML (ext-actions self-ref)',
  { timeout: 30_000 },
  () => {
    it('passes when the uses: key names the checked-out ref', () => {
      const r = run(`${DECOY}jobs:\n  x:\n    uses: ${REAL}\n`);
      const c = runConfirm(r.dir, r.outputs);
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toBe('repository=cnpg/ext-actions\nref=v1\n');
    });

    it('fails when the checked-out ref is not the one the uses: key names', () => {
      const r = run(`jobs:\n  x:\n    uses: ${REAL}\n`);
      const c = runConfirm(r.dir, { ...r.outputs, repository: 'someone/fork', ref: 'main' });
      expect(c.code).toBe(2);
      expect(c.stderr).toBe(
        "error: --expect: .github/workflows/pr.yml calls extensions.yml at cnpg/ext-actions@v1, but someone/fork@main was checked out; the calling workflow's uses: key decides\n",
      );
    });
  },
);

// --- the OIDC gate of the jobs that sign or promote ---

let servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers) s.close();
  servers = [];
});

function jwt(claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`;
}

/** A token service as the runner exposes it: GET <url>&audience=..., bearer request token, {"value": jwt}. */
async function tokenService(claims: Record<string, unknown>) {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    if (req.headers.authorization !== 'bearer request-token') {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: jwt(claims) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/token?api-version=2.0`, seen };
}

const OWN = 'c'.repeat(40);
const claims = (sha = OWN, ref = 'cnpg/ext-actions/.github/workflows/extensions.yml@refs/tags/v1') => ({
  job_workflow_ref: ref,
  job_workflow_sha: sha,
  repository: 'acme/exts',
});

describe('the jobs that sign or promote run only this workflow’s own commit', () => {
  const gated = ['sign', 'promote', 'catalog'];

  it.each(gated)('%s: the OIDC gate comes before our code, and the checkout takes its commit', (job) => {
    const steps = wf.jobs[job]!.steps;
    const own = steps.findIndex((s) => s.id === 'own');
    const checkout = steps.findIndex((s) => s.with?.path === '.ext-actions');
    const ours = steps.findIndex((s) => s.uses?.startsWith('./.ext-actions/'));
    expect(own).toBeGreaterThanOrEqual(0);
    expect(own).toBeLessThan(checkout);
    expect(checkout).toBeLessThan(ours);
    expect(steps[checkout]!.with).toMatchObject({
      repository: '${{ steps.own.outputs.repository }}',
      ref: '${{ steps.own.outputs.sha }}',
    });
    expect(steps[own]!.env).toMatchObject({
      WORKFLOW: 'extensions.yml',
      PLAN_SHA: '${{ needs.plan.outputs.ext-actions-sha }}',
    });
    expect(wf.jobs[job]!.permissions!['id-token']).toBe('write');
  });

  it('runs the same gate script in every gated job (the tests below run sign’s copy)', () => {
    const scripts = gated.map((job) => wf.jobs[job]!.steps.find((s) => s.id === 'own')?.run);
    for (const [i, job] of gated.entries()) {
      expect(scripts[i], job).toBeTypeOf('string');
      expect(scripts[i]!.trim(), job).not.toBe('');
    }
    for (const [i, job] of gated.entries()) expect(scripts[i], `${job} vs sign`).toBe(scripts[0]);
    expect(new Set(scripts).size).toBe(1);
    // The step around the script too: same name, env and condition.
    const steps = gated.map((job) => {
      const { run: _run, ...rest } = wf.jobs[job]!.steps.find((s) => s.id === 'own')!;
      return rest;
    });
    for (const [i, job] of gated.entries()) expect(steps[i], `${job} vs sign`).toEqual(steps[0]);
  });

  const gate = () => wf.jobs['sign']!.steps.find((s) => s.id === 'own')?.run ?? 'echo no gate; exit 0';
  async function runGate(env: Record<string, string>) {
    return runStepAsync(gate(), workspace('ext-own-'), {
      WORKFLOW: 'extensions.yml',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
      PLAN_REPOSITORY: 'cnpg/ext-actions',
      PLAN_SHA: OWN,
      ...env,
    });
  }

  it('passes when the plan checked out the commit the OIDC token names, and outputs it', async () => {
    const service = await tokenService(claims());
    const r = await runGate({
      ACTIONS_ID_TOKEN_REQUEST_URL: service.url,
      PLAN_REPOSITORY: 'CNPG/ext-actions',
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toEqual({ repository: 'cnpg/ext-actions', sha: OWN });
    expect(service.seen[0]!.url).toBe('/token?api-version=2.0&audience=ext-actions');
    // The token is masked before anything could print it.
    expect(r.stdout).toContain(`::add-mask::${jwt(claims())}`);
  });

  it('refuses when the plan chose another commit (a decoy uses: line, another fork)', async () => {
    const service = await tokenService(claims());
    const other = await runGate({ ACTIONS_ID_TOKEN_REQUEST_URL: service.url, PLAN_SHA: 'd'.repeat(40) });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('::error title=ext-actions::the plan chose another ext-actions commit');
    expect(other.outputs).toEqual({});
    const fork = await runGate({
      ACTIONS_ID_TOKEN_REQUEST_URL: service.url,
      PLAN_REPOSITORY: 'someone/fork',
    });
    expect(fork.code).toBe(1);
    expect(fork.outputs).toEqual({});
  });

  it('refuses a token for another workflow file, a malformed one, and a job without id-token', async () => {
    const otherFile = await tokenService(
      claims(OWN, 'cnpg/ext-actions/.github/workflows/release.yml@refs/tags/v1'),
    );
    const r1 = await runGate({ ACTIONS_ID_TOKEN_REQUEST_URL: otherFile.url });
    expect(r1.code).toBe(1);
    expect(r1.stdout).toContain('the OIDC token does not name this workflow');
    const bad = await tokenService({ job_workflow_ref: 'x\nsha=evil', job_workflow_sha: OWN });
    const r2 = await runGate({ ACTIONS_ID_TOKEN_REQUEST_URL: bad.url });
    expect(r2.code).toBe(1);
    expect(r2.outputs).toEqual({});
    const r3 = await runGate({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' });
    expect(r3.code).toBe(1);
    expect(r3.stdout).toContain('no OIDC token in this job (id-token: write)');
  });
});

it('the confirm step runs the CLI that is bundled in dist/', () => {
  const r = spawnSync('node', [path.join(repo, 'dist/cli/index.js'), 'self-ref', '--help'], {
    encoding: 'utf8',
  });
  expect(r.stdout).toContain('usage: ext-actions self-ref --workflow FILE.yml --caller PATH');
});
