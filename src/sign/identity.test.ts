import { describe, expect, it } from 'vitest';
import { identityRegexp, jwtClaims, signerClaims, signerWorkflowRef } from './identity.js';

const token = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('signer identity', () => {
  it("prefers the token's job_workflow_ref (a reusable workflow's own file) over GITHUB_WORKFLOW_REF", () => {
    const env = { GITHUB_WORKFLOW_REF: 'acme/exts/.github/workflows/release.yml@refs/heads/main' };
    expect(
      signerWorkflowRef(
        token({ job_workflow_ref: 'cnpg/ext-actions/.github/workflows/build.yml@refs/tags/v1' }),
        env,
      ),
    ).toEqual({
      ref: 'cnpg/ext-actions/.github/workflows/build.yml@refs/tags/v1',
      source: 'the OIDC token (job_workflow_ref)',
    });
    expect(signerWorkflowRef(token({ sub: 'x' }), env)?.ref).toBe(env.GITHUB_WORKFLOW_REF);
    expect(signerWorkflowRef('not-a-jwt', {})).toBeUndefined();
    expect(jwtClaims('a.b')).toBeUndefined();
  });

  it('builds an anchored, escaped regexp matching the workflow file at any ref', () => {
    const re = identityRegexp('cnpg/ext-actions/.github/workflows/build.yml@refs/tags/v1')!;
    expect(re).toBe('^https://github\\.com/cnpg/ext-actions/\\.github/workflows/build\\.yml@');
    const r = new RegExp(re);
    expect(r.test('https://github.com/cnpg/ext-actions/.github/workflows/build.yml@refs/heads/main')).toBe(
      true,
    );
    expect(r.test('https://github.com/cnpg/ext-actions/.github/workflows/buildXyml@refs/heads/main')).toBe(
      false,
    );
    expect(r.test('https://github.com/evil/ext-actions/.github/workflows/build.yml@refs/heads/main')).toBe(
      false,
    );
    expect(identityRegexp('o/r/.github/workflows/a.yml@refs/heads/x', 'https://ghe.example.com/')).toBe(
      '^https://ghe\\.example\\.com/o/r/\\.github/workflows/a\\.yml@',
    );
    expect(identityRegexp('nonsense')).toBeUndefined();
  });
});

describe('signerClaims (what the certificate says about the run)', () => {
  it("reads the caller's repository, ref and event from the token, else from the environment", () => {
    const env = {
      GITHUB_REPOSITORY: 'env/repo',
      GITHUB_REF: 'refs/heads/env',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
    };
    expect(
      signerClaims(token({ repository: 'acme/exts', ref: 'refs/tags/v1', event_name: 'push' }), env),
    ).toEqual({ repository: 'acme/exts', ref: 'refs/tags/v1', trigger: 'push' });
    expect(signerClaims(undefined, env)).toEqual({
      repository: 'env/repo',
      ref: 'refs/heads/env',
      trigger: 'workflow_dispatch',
    });
  });

  it('drops values that are not a repository, a git ref or an event name', () => {
    expect(signerClaims(token({ repository: 'a/b\nc', ref: 'main', event_name: 'Push!' }), {})).toEqual({
      repository: undefined,
      ref: undefined,
      trigger: undefined,
    });
  });
});
