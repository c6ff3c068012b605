/**
 * Verifies a downloaded release asset against the Sigstore bundle its release publishes
 * (`<asset>.sigstore.json`), in pure JS with @sigstore/verify, as docker/actions-toolkit does for cosign.
 *
 * Trust comes from Sigstore's public-good trusted root, fetched and checked through TUF (@sigstore/tuf,
 * whose TUF root is embedded in the package). `EXT_ACTIONS_SIGSTORE_TRUSTED_ROOT` may name a
 * `trusted_root.json` file instead (air-gapped runners; tests use a mock Sigstore instance).
 */
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { getTrustedRoot } from '@sigstore/tuf';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';

export const TRUSTED_ROOT_ENV = 'EXT_ACTIONS_SIGSTORE_TRUSTED_ROOT';

export interface SigstoreIdentity {
  /** The certificate's subject alternative name (an e-mail or URI). */
  subjectAlternativeName: string;
  /** The OIDC issuer recorded in the certificate. */
  issuer: string;
}

async function trustedRoot(env: NodeJS.ProcessEnv): Promise<TrustedRoot> {
  const file = env[TRUSTED_ROOT_ENV];
  if (file) {
    try {
      return TrustedRoot.fromJSON(JSON.parse(await readFile(file, 'utf8')));
    } catch (err) {
      throw new UserError(
        `${TRUSTED_ROOT_ENV}: cannot read a Sigstore trusted root from ${file}: ${(err as Error).message}`,
      );
    }
  }
  try {
    return await getTrustedRoot({
      cachePath: path.join(env['RUNNER_TEMP'] || os.tmpdir(), 'ext-actions-sigstore-tuf'),
    });
  } catch (err) {
    throw new UserError(`cannot fetch Sigstore's trusted root through TUF: ${(err as Error).message}`);
  }
}

/**
 * Throws a UserError naming `what` unless `bundleText` is a valid Sigstore bundle over `data`, signed by
 * `identity`, with its transparency-log entry and certificate chain checked against the trusted root.
 */
export async function verifySigstoreBundle(
  what: string,
  data: Buffer,
  bundleText: string,
  identity: SigstoreIdentity,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  let entity;
  try {
    entity = toSignedEntity(bundleFromJSON(JSON.parse(bundleText)), data);
  } catch (err) {
    throw new UserError(`${what}: the Sigstore bundle is not valid: ${(err as Error).message}`);
  }
  const verifier = new Verifier(toTrustMaterial(await trustedRoot(env)));
  try {
    verifier.verify(entity, {
      subjectAlternativeName: identity.subjectAlternativeName,
      extensions: { issuer: identity.issuer },
    });
  } catch (err) {
    throw new UserError(
      `${what}: the Sigstore bundle does not verify (expected a signature by ${identity.subjectAlternativeName} from ${identity.issuer}): ${(err as Error).message}`,
    );
  }
}
