/**
 * Finds the extension folders without reading them: kept apart from metadata.ts (and its zod schema)
 * so `ext-actions list` loads only this.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { compareKeys } from './version.js';

export const METADATA_FILE = 'metadata.hcl';

/** Names of the extension folders under `root`, sorted (byte order, as the reference `get-targets`). */
export async function discoverExtensions(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `root folder ${root}: not found` : `root folder ${root}: cannot be read (${code})`,
    );
  }
  const names: string[] = [];
  await Promise.all(
    entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      .map(async (e) => {
        const found = await stat(path.join(root, e.name, METADATA_FILE)).then(
          (s) => s.isFile(),
          () => false,
        );
        if (found) names.push(e.name);
      }),
  );
  return names.sort(compareKeys);
}
