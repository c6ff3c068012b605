/**
 * The sign flow: validate everything, decide keyless/key/skip, install cosign, sign every image by digest
 * and every file as a blob (with retries), then verify each signature. Nothing is signed unless every
 * input is valid.
 */
import * as core from '@actions/core';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAct } from '../action/run.js';
import { UserError, showValue } from '../errors.js';
import {
  NO_TLOG_SIGNING_CONFIG,
  commandLine,
  signArgs,
  signBlobArgs,
  verifyArgs,
  verifyBlobArgs,
  type GithubClaims,
  type SignerOptions,
  type VerifierOptions,
} from './commands.js';
import {
  checkCosignVersion,
  describeVersion,
  prefersSigningConfig,
  resolveCosign,
  type Cosign,
} from './cosign.js';
import {
  GITHUB_OIDC_ISSUER,
  checkGithubPin,
  identityRegexp,
  signerClaims,
  signerWorkflowRef,
} from './identity.js';
import { parseImageList, type ImageRef } from './refs.js';
import { runCommand } from '../process/exec.js';
import { withRetries } from '../process/retry.js';
import { isTransientCosignError } from './retry.js';

export interface SignRequest {
  /** Raw `images` input: newline list or bake's JSON `images` output. */
  images: string;
  files: readonly string[];
  cosignVersion: string;
  /** `key=value` lines; empty means the defaults (repo, workflow, sha). */
  annotations: readonly string[];
  verify: boolean;
  identityRegexp: string;
  issuer: string;
  /** Pins of the certificate's GitHub extensions; empty: the run's own repository and ref, any trigger. */
  githubRepository?: string;
  githubRef?: string;
  githubTrigger?: string;
  tlog: 'auto' | 'true' | 'false';
  key: string;
  onMissingOidc: 'fail' | 'skip';
}

export interface SignedFile {
  file: string;
  bundle: string;
}

export interface SignReport {
  status: 'signed' | 'skipped';
  /** Why nothing was signed (status `skipped`). */
  reason?: string;
  signed: string[];
  files: SignedFile[];
  verifyCommands: string[];
  verified: boolean;
  tlog: boolean;
  mode: 'keyless' | 'key';
  cosign?: Cosign;
  identity?: { regexp: string; issuer: string; source: string; github?: GithubClaims };
}

interface Plan {
  images: ImageRef[];
  files: SignedFile[];
  annotations: string[];
  key: { ref: string; inline: string | undefined } | undefined;
  tlog: boolean;
  version: string;
}

/**
 * cosign reads `-a` as a comma-separated list (a pflag string slice, parsed as one CSV record) and splits
 * each item at "=" into exactly a key and a value ("unable to parse annotation" otherwise). So a value
 * may hold no ",", no "=" and no double quote: one would split or break the annotation.
 */
const ANNOTATION = /^[A-Za-z0-9][A-Za-z0-9._/-]*=[^=,"]*$/;

/** Percent-encodes the characters cosign's `-a` parsing would split on (and "%" itself). */
function annotationValue(value: string): string {
  return value.replace(/[%,="]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Annotations cosign attaches to each signature by default. */
export function defaultAnnotations(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  const add = (key: string, value: string | undefined) => {
    if (value) out.push(`${key}=${annotationValue(value)}`);
  };
  add('repo', env['GITHUB_REPOSITORY']);
  add('workflow', env['GITHUB_WORKFLOW_REF'] || env['GITHUB_WORKFLOW']);
  add('sha', env['GITHUB_SHA']);
  return out;
}

export function parseAnnotations(lines: readonly string[], env: NodeJS.ProcessEnv): string[] {
  if (lines.length === 0) return defaultAnnotations(env);
  const problems = lines.filter((l) => !ANNOTATION.test(l));
  if (problems.length) {
    throw new UserError(
      `input "annotations": expected one key=value per line, with a single "=" and no "," or '"' in the value (cosign splits -a values there), got ${problems.map((p) => showValue(p)).join(', ')}; nothing was signed`,
    );
  }
  return [...lines];
}

/** `tlog: auto` uploads to the public transparency log unless the event says the repository is private. */
export async function resolveTlog(value: SignRequest['tlog'], env: NodeJS.ProcessEnv): Promise<boolean> {
  if (value !== 'auto') return value === 'true';
  const eventPath = env['GITHUB_EVENT_PATH'];
  if (!eventPath) return true;
  try {
    const event = JSON.parse(await readFile(eventPath, 'utf8')) as {
      repository?: { private?: unknown; visibility?: unknown };
    };
    const repo = event.repository;
    if (repo?.private === true || (typeof repo?.visibility === 'string' && repo.visibility !== 'public'))
      return false;
  } catch {
    // no readable event: treat as public
  }
  return true;
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function plan(req: SignRequest, env: NodeJS.ProcessEnv): Promise<Plan> {
  const { refs: images, notPushed } = parseImageList(req.images);
  if (notPushed.length)
    core.warning(
      `input "images": not signing ${notPushed.length} image(s) the bake action did not push (pushed: false): ${notPushed.join(', ')}`,
    );
  const workspace = env['GITHUB_WORKSPACE'] || process.cwd();
  const files: SignedFile[] = [];
  const missing: string[] = [];
  for (const f of req.files) {
    const file = path.resolve(workspace, f);
    if (!(await isFile(file))) missing.push(f);
    else files.push({ file, bundle: `${file}.sigstore.json` });
  }
  if (missing.length) {
    throw new UserError(
      `input "files": no such file: ${missing.map((m) => showValue(m)).join(', ')} (relative paths are read from ${workspace}); nothing was signed`,
    );
  }
  const annotations = parseAnnotations(req.annotations, env);
  let key: Plan['key'];
  if (req.key) {
    if (req.key.startsWith('-----BEGIN')) {
      for (const line of req.key.split('\n'))
        if (line.trim() && !line.startsWith('-----')) core.setSecret(line.trim());
      core.setSecret(req.key);
      key = { ref: '', inline: req.key };
    } else if (/^[a-z0-9]+:\/\//i.test(req.key)) {
      // env://NAME holds the key itself: mask it like any other secret.
      const fromEnv = req.key.startsWith('env://') ? env[req.key.slice('env://'.length)] : undefined;
      if (req.key.startsWith('env://') && !fromEnv) {
        throw new UserError(
          `input "key": ${req.key} names an unset environment variable; nothing was signed`,
        );
      }
      if (fromEnv)
        for (const line of [fromEnv, ...fromEnv.split('\n')])
          if (line.trim() && !line.startsWith('-----')) core.setSecret(line.trim());
      key = { ref: req.key, inline: undefined };
    } else {
      const file = path.resolve(workspace, req.key);
      if (!(await isFile(file))) {
        throw new UserError(
          `input "key": expected a private key file, a KMS URI (awskms://, gcpkms://, hashivault://, env://...) or PEM text; no file ${showValue(req.key)}; nothing was signed`,
        );
      }
      key = { ref: file, inline: undefined };
    }
  }
  const version = req.cosignVersion ? checkCosignVersion(req.cosignVersion) : '';
  if (req.identityRegexp) {
    try {
      new RegExp(req.identityRegexp);
    } catch (err) {
      throw new UserError(
        `input "certificate-identity-regexp": not a valid regular expression: ${(err as Error).message}`,
      );
    }
  }
  if (req.githubRepository)
    checkGithubPin('certificate-github-workflow-repository', 'repository', req.githubRepository);
  if (req.githubRef) checkGithubPin('certificate-github-workflow-ref', 'ref', req.githubRef);
  if (req.githubTrigger) checkGithubPin('certificate-github-workflow-trigger', 'trigger', req.githubTrigger);
  return { images, files, annotations, key, tlog: await resolveTlog(req.tlog, env), version };
}

function retryDelayMs(env: NodeJS.ProcessEnv): number {
  const v = Number(env['EXT_ACTIONS_RETRY_DELAY_MS']);
  return Number.isFinite(v) &&
    v >= 0 &&
    env['EXT_ACTIONS_RETRY_DELAY_MS'] !== '' &&
    env['EXT_ACTIONS_RETRY_DELAY_MS'] !== undefined
    ? v
    : 2000;
}

class CosignError extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
    readonly exitCode: number,
  ) {
    super(`${command} exited with ${exitCode}: ${output.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

async function runCosign(
  cosign: string,
  args: string[],
  env: Record<string, string>,
  delayMs: number,
): Promise<string> {
  const line = commandLine('cosign', args);
  return withRetries(
    async (attempt) => {
      core.info(`${attempt > 1 ? `(attempt ${attempt}) ` : ''}$ ${line}`);
      const out = await runCommand(cosign, args, { env });
      if (out.exitCode !== 0) throw new CosignError(line, `${out.stderr}\n${out.stdout}`, out.exitCode);
      for (const l of out.stderr.split('\n')) if (l.trim()) core.info(`  ${l}`);
      return out.stdout;
    },
    {
      attempts: 3,
      delayMs,
      transient: (err) => err instanceof CosignError && isTransientCosignError(err.output),
      onRetry: (err, attempt, delay) =>
        core.warning(`${(err as Error).message}; retrying in ${delay} ms (attempt ${attempt + 1} of 3)`),
    },
  );
}

export async function sign(req: SignRequest, env: NodeJS.ProcessEnv = process.env): Promise<SignReport> {
  const p = await core.group('Validate inputs', async () => {
    const result = await plan(req, env);
    core.info(
      `${result.images.length} image(s), ${result.files.length} file(s) to sign; transparency log ${result.tlog ? 'on' : 'off'}`,
    );
    return result;
  });
  const mode: SignReport['mode'] = p.key ? 'key' : 'keyless';
  const base = { signed: [], files: [], verifyCommands: [], verified: false, tlog: p.tlog, mode } as const;
  const skip = (reason: string): SignReport => {
    core.warning(`${reason}; nothing was signed`);
    return { ...base, signed: [], files: [], verifyCommands: [], status: 'skipped', reason };
  };
  if (p.images.length === 0 && p.files.length === 0) return skip('no images or files to sign');

  const issuer = req.issuer || GITHUB_OIDC_ISSUER;
  let identity: SignReport['identity'];
  if (mode === 'keyless') {
    if (!env['ACTIONS_ID_TOKEN_REQUEST_URL']) {
      if (isAct(env))
        return skip(
          'no OIDC token under act (keyless signing needs GitHub OIDC); give "key" to sign locally',
        );
      if (req.onMissingOidc === 'skip')
        return skip('no OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set) and on-missing-oidc is skip');
      throw new UserError(
        'keyless signing needs an OIDC token, but ACTIONS_ID_TOKEN_REQUEST_URL is not set: add "permissions: id-token: write" to the job (and to the calling job when this runs in a reusable workflow), or set "on-missing-oidc: skip", or give a "key"; nothing was signed',
      );
    }
    identity = await core.group('Signer identity', async () => {
      let token: string | undefined;
      try {
        token = await core.getIDToken('sigstore');
      } catch (err) {
        core.warning(
          `could not read the OIDC token to find the signing workflow (${(err as Error).message}); using GITHUB_WORKFLOW_REF, GITHUB_REPOSITORY and GITHUB_REF`,
        );
      }
      // The GitHub extensions only GitHub's issuer writes: who ran the workflow (the caller's repository),
      // on which ref. Without them any repository calling a reusable workflow would pass.
      let github: GithubClaims | undefined;
      if (issuer === GITHUB_OIDC_ISSUER) {
        const claims = signerClaims(token, env);
        github = {
          repository: req.githubRepository || claims.repository,
          ref: req.githubRef || claims.ref,
          trigger: req.githubTrigger || undefined,
        };
        if (!github.repository)
          throw new UserError(
            'cannot tell which repository signs (no repository claim, no GITHUB_REPOSITORY): set "certificate-github-workflow-repository"; nothing was signed',
          );
      }
      if (req.identityRegexp)
        return { regexp: req.identityRegexp, issuer, source: 'input certificate-identity-regexp', github };
      const who = signerWorkflowRef(token, env);
      const regexp = who ? identityRegexp(who.ref, env['GITHUB_SERVER_URL'] || undefined) : undefined;
      if (!who || !regexp) {
        throw new UserError(
          'cannot tell which workflow signs (no job_workflow_ref claim, no GITHUB_WORKFLOW_REF): set "certificate-identity-regexp"; nothing was signed',
        );
      }
      core.info(
        `signing workflow ${who.ref} (from ${who.source}); verification identity ${regexp}, issuer ${issuer}` +
          (github
            ? `, repository ${github.repository}${github.ref ? `, ref ${github.ref}` : ''}${github.trigger ? `, trigger ${github.trigger}` : ''}`
            : ''),
      );
      return { regexp, issuer, source: who.source, github };
    });
  }

  const password = env['COSIGN_PASSWORD'];
  if (password) core.setSecret(password);
  const cosign = await core.group('Install cosign', async () => {
    const c = await resolveCosign(p.version, env);
    core.info(`cosign ${describeVersion(c.version)} at ${c.path} (${c.source})`);
    return c;
  });

  const tmpBase = env['RUNNER_TEMP'] || os.tmpdir();
  await mkdir(tmpBase, { recursive: true });
  const tmp = await mkdtemp(path.join(tmpBase, 'ext-sign-'));
  const childEnv: Record<string, string> = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  if (p.key) childEnv['COSIGN_PASSWORD'] = password ?? '';
  const delay = retryDelayMs(env);
  const signed: string[] = [];
  const signedFiles: SignedFile[] = [];
  try {
    let keyRef = p.key?.ref;
    if (p.key?.inline) {
      keyRef = path.join(tmp, 'cosign.key');
      await writeFile(keyRef, p.key.inline.endsWith('\n') ? p.key.inline : `${p.key.inline}\n`, {
        mode: 0o600,
      });
      await chmod(keyRef, 0o600);
    }
    const signer: SignerOptions = { tlog: p.tlog, key: keyRef };
    if (!p.tlog && keyRef && (await prefersSigningConfig(cosign.path))) {
      signer.signingConfig = path.join(tmp, 'signing-config.json');
      await writeFile(signer.signingConfig, `${JSON.stringify(NO_TLOG_SIGNING_CONFIG)}\n`);
      core.info(
        'this cosign deprecates --tlog-upload: signing with a signing config that has no transparency log services',
      );
    }
    const fail = (what: string, err: unknown): never => {
      const done =
        signed.length + signedFiles.length
          ? ` (already signed: ${[...signed, ...signedFiles.map((f) => f.file)].join(', ')})`
          : '';
      throw new UserError(`signing ${what} failed: ${(err as Error).message}${done}`);
    };
    await core.group('Sign', async () => {
      for (const image of p.images) {
        await runCosign(cosign.path, signArgs(image.ref, p.annotations, signer), childEnv, delay).catch((e) =>
          fail(image.ref, e),
        );
        signed.push(image.ref);
      }
      for (const f of p.files) {
        await runCosign(cosign.path, signBlobArgs(f.file, f.bundle, signer), childEnv, delay).catch((e) =>
          fail(f.file, e),
        );
        if (!(await isFile(f.bundle))) fail(f.file, new Error(`cosign did not write ${f.bundle}`));
        signedFiles.push(f);
      }
    });

    // What a user runs to check the signatures; for key-based signing, the public key is cosign.pub.
    let verifier: VerifierOptions = {
      tlog: p.tlog,
      identityRegexp: identity?.regexp ?? '',
      issuer,
      publicKey: p.key ? 'cosign.pub' : undefined,
      github: identity?.github,
    };
    const verifyCommands = [
      ...p.images.map((i) => commandLine('cosign', verifyArgs(i.ref, verifier))),
      ...p.files.map((f) =>
        commandLine(
          'cosign',
          verifyBlobArgs(
            path.relative(env['GITHUB_WORKSPACE'] || process.cwd(), f.file) || f.file,
            `${path.relative(env['GITHUB_WORKSPACE'] || process.cwd(), f.file) || f.file}.sigstore.json`,
            verifier,
          ),
        ),
      ),
    ];
    if (req.verify) {
      await core.group('Verify', async () => {
        if (p.key) {
          const pub = path.join(tmp, 'cosign.pub');
          await writeFile(
            pub,
            await runCosign(cosign.path, ['public-key', '--key', keyRef!], childEnv, delay),
          );
          verifier = { ...verifier, publicKey: pub };
        }
        for (const image of p.images) {
          await runCosign(cosign.path, verifyArgs(image.ref, verifier), childEnv, delay).catch(
            (e: unknown) => {
              throw new UserError(`the signature of ${image.ref} does not verify: ${(e as Error).message}`);
            },
          );
        }
        for (const f of p.files) {
          await runCosign(cosign.path, verifyBlobArgs(f.file, f.bundle, verifier), childEnv, delay).catch(
            (e: unknown) => {
              throw new UserError(
                `the signature bundle of ${f.file} does not verify: ${(e as Error).message}`,
              );
            },
          );
        }
      });
    }
    return {
      ...base,
      status: 'signed',
      signed,
      files: signedFiles,
      verifyCommands,
      verified: req.verify,
      cosign,
      identity,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
