/** The file that makes a folder an extension (kept apart from metadata.ts so light modules can name it). */
export const METADATA_FILE = 'metadata.hcl';
