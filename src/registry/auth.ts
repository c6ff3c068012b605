/**
 * Registry credentials and authentication challenges: `~/.docker/config.json` `auths` (the directory
 * can be moved with `DOCKER_CONFIG`), and the `WWW-Authenticate` header (RFC 7235) registries send
 * with a 401 (`Bearer realm=...,service=...,scope=...` or `Basic realm=...`).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { DOCKER_HUB } from './reference.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses a `WWW-Authenticate` header; several challenges may be listed, separated by commas. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const token = /\s*,?\s*([A-Za-z][\w!#$%&'*+.^`|~-]*)/y;
  const param = /\s*,?\s*([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))/y;
  let pos = 0;
  while (pos < header.length) {
    token.lastIndex = pos;
    const t = token.exec(header);
    if (!t) break;
    pos = token.lastIndex;
    const params: Record<string, string> = {};
    for (;;) {
      param.lastIndex = pos;
      const p = param.exec(header);
      if (!p) break;
      params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
      pos = param.lastIndex;
    }
    challenges.push({ scheme: t[1]!.toLowerCase(), params });
  }
  return challenges;
}

/** The directory holding `config.json`: `$DOCKER_CONFIG`, else `~/.docker`. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['DOCKER_CONFIG'] || path.join(env['HOME'] || os.homedir(), '.docker');
}

/** The keys an `auths` entry may use for a registry (`ghcr.io`, `https://ghcr.io`, Docker Hub's legacy URL). */
function authKeys(registry: string): string[] {
  if (registry === DOCKER_HUB)
    return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [
    registry,
    `https://${registry}`,
    `http://${registry}`,
    `https://${registry}/v1/`,
    `https://${registry}/v2/`,
  ];
}

/** What the Docker config file says about one registry. */
export interface DockerConfigLookup {
  /** `<dir>/config.json` */
  file: string;
  credentials?: Credentials;
  /**
   * The credential helper the file names for this registry (`credHelpers.<registry>`, else
   * `credsStore`), when no `auths` entry holds credentials. Helpers are not run.
   */
  helper?: { name: string; key: string };
}

/**
 * Reads the Docker config file for one registry. A malformed file is a UserError naming it; a
 * missing file is no credentials. Credential helpers (`credsStore`, `credHelpers`) are not run: the
 * helper named for the registry is reported instead, so callers can say why nothing was found.
 */
export function lookupDockerConfig(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): DockerConfigLookup {
  const file = path.join(dockerConfigDir(env), 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { file };
  }
  let config: {
    auths?: Record<string, { auth?: string; username?: string; password?: string }>;
    credsStore?: unknown;
    credHelpers?: Record<string, unknown>;
  };
  try {
    config = JSON.parse(text) as typeof config;
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const auths = config.auths ?? {};
  const keys = authKeys(registry);
  for (const key of keys) {
    const entry = auths[key];
    if (!entry) continue;
    if (entry.username && entry.password)
      return { file, credentials: { username: entry.username, password: entry.password } };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new UserError(`${file}: auths.${key}.auth: expected base64 of "user:password"`);
      return { file, credentials: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } };
    }
  }
  for (const key of keys) {
    const name = config.credHelpers?.[key];
    if (typeof name === 'string' && name) return { file, helper: { name, key: `credHelpers.${key}` } };
  }
  if (typeof config.credsStore === 'string' && config.credsStore)
    return { file, helper: { name: config.credsStore, key: 'credsStore' } };
  return { file };
}

/** Credentials for a registry from the Docker config file `auths`, or undefined (see lookupDockerConfig). */
export function dockerConfigCredentials(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Credentials | undefined {
  return lookupDockerConfig(registry, env).credentials;
}

/** Why no credentials were found, for error messages: names an unsupported credential helper. */
export function missingCredentialsHint(lookup: DockerConfigLookup | undefined): string {
  if (!lookup?.helper) return 'no credentials found for this registry';
  return (
    `no credentials found for this registry: ${lookup.file} sets ${lookup.helper.key} = "${lookup.helper.name}", ` +
    `a credential helper (docker-credential-${lookup.helper.name}) that ext-actions does not run; ` +
    "give the credentials instead (--username with --password-stdin, or the action's username and password inputs), " +
    'or log in with a Docker config without credential helpers so that auths holds them'
  );
}

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}
