export { checksumFor, isSha256, parseChecksumLines, sha256File } from './checksum.js';
export type { ChecksumLine } from './checksum.js';
export {
  MIRROR_ENV,
  ensureRunnerDirs,
  fetchBytes,
  fetchText,
  hostArch,
  installTool,
  mirrorUrl,
} from './install.js';
export { TRUSTED_ROOT_ENV, verifySigstoreBundle } from './sigstore.js';
export type { SigstoreIdentity } from './sigstore.js';
export type { ChecksumSource, InstalledTool, ResolvedTool, ToolSpec } from './install.js';
