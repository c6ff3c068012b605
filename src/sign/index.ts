export { commandLine, shellQuote, signArgs, signBlobArgs, verifyArgs, verifyBlobArgs } from './commands.js';
export type { SignerOptions, VerifierOptions } from './commands.js';
export {
  DEFAULT_COSIGN_VERSION,
  PINNED_COSIGN_SHA256,
  checkCosignVersion,
  cosignAsset,
  resolveCosign,
} from './cosign.js';
export type { Cosign } from './cosign.js';
export { GITHUB_OIDC_ISSUER, identityRegexp, jwtClaims, signerWorkflowRef } from './identity.js';
export { parseImageList, parseImageRef, parseImages } from './refs.js';
export type { ImageRef } from './refs.js';
export { isTransientCosignError } from './retry.js';
export { defaultAnnotations, parseAnnotations, resolveTlog, sign } from './sign.js';
export type { SignReport, SignRequest, SignedFile } from './sign.js';
export { signSummary } from './summary.js';
