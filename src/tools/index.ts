export { checksumFor, isSha256, parseChecksumLines, sha256File } from './checksum.js';
export type { ChecksumLine } from './checksum.js';
export { MIRROR_ENV, ensureRunnerDirs, hostArch, installTool, mirrorUrl } from './install.js';
export type { ChecksumSource, InstalledTool, ResolvedTool, ToolSpec } from './install.js';
