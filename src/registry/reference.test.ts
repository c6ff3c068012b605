import { describe, expect, it } from 'vitest';
import {
  fallbackTag,
  formatReference,
  isInsecureHost,
  parseReference,
  parseRepository,
  registryUrl,
  repositoryNameProblem,
  splitReference,
} from './reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  it.each([
    [
      'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie',
      { registry: 'ghcr.io', repository: 'cloudnative-pg/pgvector', tag: '0.8.1-18-trixie' },
    ],
    [`ghcr.io/a/b@${D}`, { registry: 'ghcr.io', repository: 'a/b', digest: D }],
    [`127.0.0.1:5000/a/b:t@${D}`, { registry: '127.0.0.1:5000', repository: 'a/b', tag: 't', digest: D }],
    ['localhost/x', { registry: 'localhost', repository: 'x' }],
    ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
    ['index.docker.io/library/busybox', { registry: 'docker.io', repository: 'library/busybox' }],
  ])('%s', (ref, expected) => {
    expect(parseReference(ref)).toEqual(expected);
  });

  it.each([
    ['', /expected an image reference/],
    ['https://ghcr.io/a/b', /without a URL scheme/],
    ['ghcr.io/a/b@sha256:abc', /sha256:<64 lowercase hex digits>/],
    ['ghcr.io/A/b', /"A" is not a valid repository path component/],
    ['ghcr.io/a/b:-x', /"-x" is not a valid tag/],
  ])('rejects %j', (ref, message) => {
    expect(() => parseReference(ref, 'input "source"')).toThrow(message);
    expect(() => parseReference(ref, 'input "source"')).toThrow(/^input "source": /);
  });

  it('round-trips and names repositories', () => {
    expect(formatReference(parseReference(`ghcr.io/a/b:t@${D}`))).toBe(`ghcr.io/a/b:t@${D}`);
    expect(() => parseRepository('ghcr.io/a/b:t', 'destination')).toThrow(
      /destination: expected a repository without tag or digest/,
    );
    expect(fallbackTag(D)).toBe(`sha256-${'a'.repeat(64)}`);
  });

  it('splits a reference as written, without normalising Docker Hub names', () => {
    expect(splitReference('alpine')).toEqual({ name: 'alpine' });
    expect(splitReference(`localhost:5000/x:1@${D}`)).toEqual({
      name: 'localhost:5000/x',
      tag: '1',
      digest: D,
    });
    expect(splitReference('localhost:5000/x')).toEqual({ name: 'localhost:5000/x' });
    expect(splitReference('ghcr.io/a/b@')).toEqual({ name: 'ghcr.io/a/b', digest: '' });
    expect(repositoryNameProblem('index.docker.io/library/alpine')).toBeUndefined();
    expect(repositoryNameProblem('[::1]:5000/a')).toBeUndefined();
    expect(repositoryNameProblem('ghcr.io/A/b')).toMatch(/"A" is not a valid repository path component/);
    expect(repositoryNameProblem('bad_host.io:5000/a')).toMatch(
      /"bad_host.io:5000" is not a valid registry host/,
    );
    expect(repositoryNameProblem('Acme/b')).toMatch(/"Acme" is not a valid repository path component/);
  });

  it('speaks plain HTTP to the loopback only', () => {
    expect(isInsecureHost('127.0.0.1:5000')).toBe(true);
    expect(isInsecureHost('localhost:5000')).toBe(true);
    expect(isInsecureHost('registry.local:5000')).toBe(false);
    expect(isInsecureHost('10.0.0.1:5000')).toBe(false);
    expect(registryUrl('docker.io')).toBe('https://registry-1.docker.io');
    expect(registryUrl('localhost:5000')).toBe('http://localhost:5000');
  });
});
