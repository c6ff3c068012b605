/** Writes the catalogs only once all of them are made: into a temporary folder, then renamed into place. */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mdCode, mdText } from '../action/markdown.js';
import type { CatalogFile } from './generate.js';

export async function writeCatalogs(files: readonly CatalogFile[], outputDir: string): Promise<string[]> {
  await mkdir(outputDir, { recursive: true });
  const staging = await mkdtemp(path.join(outputDir, '.ext-actions-catalogs-'));
  try {
    for (const f of files) await writeFile(path.join(staging, f.name), f.text);
    const written: string[] = [];
    for (const f of files) {
      await rename(path.join(staging, f.name), path.join(outputDir, f.name));
      written.push(path.join(outputDir, f.name));
    }
    return written;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The job summary: one row per extension entry. */
export function catalogMarkdown(files: readonly CatalogFile[]): string {
  const rows = files.flatMap((f) =>
    f.entries.map(
      (e) =>
        `| ${mdCode(f.name)} | ${mdText(String(e.major))} | ${mdCode(e.name)} | ${mdCode(e.reference)} |`,
    ),
  );
  return [
    '### Image catalogs',
    '',
    '| File | Major | Extension | Image |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
