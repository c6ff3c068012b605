import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dockerConfigCredentials,
  lookupDockerConfig,
  missingCredentialsHint,
  parseChallenges,
} from './auth.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ext-auth-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('parseChallenges', () => {
  it('reads Bearer parameters, quoted or not, and several challenges', () => {
    expect(
      parseChallenges('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"'),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:a/b:pull' },
      },
    ]);
    expect(parseChallenges('Bearer realm="x", error=insufficient_scope, Basic realm="y"')).toEqual([
      { scheme: 'bearer', params: { realm: 'x', error: 'insufficient_scope' } },
      { scheme: 'basic', params: { realm: 'y' } },
    ]);
  });
});

describe('dockerConfigCredentials', () => {
  it('reads auths entries by host, URL form and Docker Hub legacy key, from $DOCKER_CONFIG', async () => {
    await writeFile(
      path.join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'ghcr.io': { auth: Buffer.from('me:tok:en').toString('base64') },
          'https://quay.io': { username: 'q', password: 'p' },
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') },
        },
      }),
    );
    const env = { DOCKER_CONFIG: dir };
    expect(dockerConfigCredentials('ghcr.io', env)).toEqual({ username: 'me', password: 'tok:en' });
    expect(dockerConfigCredentials('quay.io', env)).toEqual({ username: 'q', password: 'p' });
    expect(dockerConfigCredentials('docker.io', env)).toEqual({ username: 'hub', password: 'pw' });
    expect(dockerConfigCredentials('example.com', env)).toBeUndefined();
    expect(dockerConfigCredentials('ghcr.io', { DOCKER_CONFIG: path.join(dir, 'missing') })).toBeUndefined();
  });

  it('names the credential helper it does not run when no auths entry has credentials', async () => {
    const helpers = path.join(dir, 'helpers');
    await (await import('node:fs/promises')).mkdir(helpers);
    const file = path.join(helpers, 'config.json');
    await writeFile(
      file,
      JSON.stringify({
        auths: { 'ghcr.io': {}, 'quay.io': { auth: Buffer.from('q:p').toString('base64') } },
        credsStore: 'desktop',
        credHelpers: { 'gcr.io': 'gcloud' },
      }),
    );
    const env = { DOCKER_CONFIG: helpers };
    expect(lookupDockerConfig('ghcr.io', env)).toEqual({
      file,
      helper: { name: 'desktop', key: 'credsStore' },
    });
    expect(lookupDockerConfig('gcr.io', env)).toEqual({
      file,
      helper: { name: 'gcloud', key: 'credHelpers.gcr.io' },
    });
    expect(lookupDockerConfig('quay.io', env)).toEqual({
      file,
      credentials: { username: 'q', password: 'p' },
    });
    expect(missingCredentialsHint(lookupDockerConfig('ghcr.io', env))).toBe(
      `no credentials found for this registry: ${file} sets credsStore = "desktop", a credential helper ` +
        '(docker-credential-desktop) that ext-actions does not run; give the credentials instead ' +
        "(--username with --password-stdin, or the action's username and password inputs), or log in " +
        'with a Docker config without credential helpers so that auths holds them',
    );
    expect(missingCredentialsHint(lookupDockerConfig('ghcr.io', { DOCKER_CONFIG: dir }))).toBe(
      'no credentials found for this registry',
    );
  });

  it('names the file when it is not JSON', async () => {
    const bad = path.join(dir, 'bad');
    await (await import('node:fs/promises')).mkdir(bad);
    await writeFile(path.join(bad, 'config.json'), '{');
    expect(() => dockerConfigCredentials('ghcr.io', { DOCKER_CONFIG: bad })).toThrow(
      `${path.join(bad, 'config.json')}: not valid JSON`,
    );
  });
});
