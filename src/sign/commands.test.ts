import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  NO_TLOG_SIGNING_CONFIG,
  commandLine,
  shellQuote,
  signArgs,
  signBlobArgs,
  verifyArgs,
  verifyBlobArgs,
} from './commands.js';
import { withRetries } from '../process/retry.js';
import { isTransientCosignError } from './retry.js';

describe('cosign commands', () => {
  it('signs by ref with --yes, annotations and the no-tlog flags cosign v3 needs', () => {
    expect(signArgs('r@sha256:1', ['a=b'], { tlog: true })).toEqual([
      'sign',
      '--yes',
      '-a',
      'a=b',
      'r@sha256:1',
    ]);
    expect(signArgs('r@sha256:1', [], { tlog: false, key: 'k' })).toEqual([
      'sign',
      '--yes',
      '--use-signing-config=false',
      '--tlog-upload=false',
      '--key',
      'k',
      'r@sha256:1',
    ]);
    // cosign 3.1: a signing config without transparency log services replaces the deprecated flag.
    expect(signArgs('r@sha256:1', [], { tlog: false, key: 'k', signingConfig: '/t/sc.json' })).toEqual([
      'sign',
      '--yes',
      '--signing-config',
      '/t/sc.json',
      '--key',
      'k',
      'r@sha256:1',
    ]);
    // ... and only when the log is off.
    expect(signArgs('r@sha256:1', [], { tlog: true, key: 'k', signingConfig: '/t/sc.json' })).toEqual([
      'sign',
      '--yes',
      '--key',
      'k',
      'r@sha256:1',
    ]);
    expect(NO_TLOG_SIGNING_CONFIG).not.toHaveProperty('rekorTlogUrls');
    expect(signBlobArgs('f', 'f.sigstore.json', { tlog: true })).toEqual([
      'sign-blob',
      '--yes',
      '--bundle',
      'f.sigstore.json',
      'f',
    ]);
  });

  it('verifies by identity and issuer, or by key', () => {
    const keyless = { tlog: true, identityRegexp: '^x', issuer: 'https://i' };
    expect(verifyArgs('r', keyless)).toEqual([
      'verify',
      '--certificate-identity-regexp',
      '^x',
      '--certificate-oidc-issuer',
      'https://i',
      'r',
    ]);
    expect(verifyBlobArgs('f', 'b', { ...keyless, tlog: false, publicKey: 'p.pub' })).toEqual([
      'verify-blob',
      '--key',
      'p.pub',
      '--insecure-ignore-tlog=true',
      '--bundle',
      'b',
      'f',
    ]);
  });

  it('quotes for a POSIX shell only where needed', () => {
    expect(shellQuote('ghcr.io/a/b@sha256:00')).toBe('ghcr.io/a/b@sha256:00');
    expect(shellQuote('^https://x\\.y@')).toBe("'^https://x\\.y@'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(commandLine('cosign', ['verify', 'a b'])).toBe("cosign verify 'a b'");
  });
});

describe('retries', () => {
  it('retries transient errors with doubling delays and stops at the limit', async () => {
    const delays: number[] = [];
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error('503');
        },
        { attempts: 3, delayMs: 1, transient: () => true, onRetry: (_e, _a, d) => delays.push(d) },
      ),
    ).rejects.toThrow('503');
    expect(calls).toBe(3);
    expect(delays).toEqual([1, 2]);
  });

  it('does not retry permanent errors', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error('x');
        },
        { attempts: 3, delayMs: 1, transient: () => false },
      ),
    ).rejects.toThrow('x');
    expect(calls).toBe(1);
    expect(isTransientCosignError('unexpected status code 503 Service Unavailable')).toBe(true);
    expect(isTransientCosignError('UNAUTHORIZED: authentication required')).toBe(false);
    expect(isTransientCosignError('Error: unknown flag: --foo')).toBe(false);
    expect(isTransientCosignError('Error: user declined the prompt')).toBe(false);
    expect(isTransientCosignError('Error: unable to parse annotation: b')).toBe(false);
    expect(
      isTransientCosignError(
        'Error: failed to verify certificate identity: no matching CertificateIdentity found, last error: expected SAN value to match regex "^x", got "y"',
      ),
    ).toBe(false);
  });
});

describe('keyless verification on GitHub pins who signed', () => {
  it('adds the certificate GitHub extension flags (repository, ref, trigger) after the identity', () => {
    const keyless = {
      tlog: true,
      identityRegexp: '^x',
      issuer: 'https://i',
      github: { repository: 'acme/exts', ref: 'refs/heads/main', trigger: 'push' },
    };
    expect(verifyArgs('r', keyless).slice(5)).toEqual([
      '--certificate-github-workflow-repository',
      'acme/exts',
      '--certificate-github-workflow-ref',
      'refs/heads/main',
      '--certificate-github-workflow-trigger',
      'push',
      'r',
    ]);
    expect(verifyBlobArgs('f', 'b', { ...keyless, github: { repository: 'acme/exts' } })).toContain(
      '--certificate-github-workflow-repository',
    );
    // A key verifies by key: the extensions belong to keyless certificates.
    expect(verifyArgs('r', { ...keyless, publicKey: 'p.pub' })).toEqual(['verify', '--key', 'p.pub', 'r']);
  });

  // No cosign on this machine: reported skipped (the fake checks the same names).
  const cosignInstalled = !spawnSync('cosign', ['version'], { encoding: 'utf8' }).error;
  it.runIf(cosignInstalled)('uses flags the installed cosign accepts (cosign verify --help)', () => {
    const help = spawnSync('cosign', ['verify', '--help'], { encoding: 'utf8' });
    expect(help.error).toBeUndefined();
    expect(help.status, help.stderr).toBe(0);
    for (const flag of [
      '--certificate-github-workflow-repository',
      '--certificate-github-workflow-ref',
      '--certificate-github-workflow-trigger',
    ])
      expect(help.stdout).toContain(`${flag}=`);
  });
});
