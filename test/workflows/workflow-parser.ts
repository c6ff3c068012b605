/**
 * `@actions/workflow-parser` imports its JSON schema without an import attribute, which plain Node ESM
 * refuses; bundled (as GitHub-side tools use it) it works. This bundles it once with esbuild into a temp
 * file and imports that.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type Parser = typeof import('@actions/workflow-parser');
let loaded: Promise<Parser> | undefined;

export function workflowParser(): Promise<Parser> {
  loaded ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ext-wf-parser-'));
    try {
      const out = path.join(dir, 'parser.mjs');
      await build({
        stdin: { contents: "export * from '@actions/workflow-parser';", resolveDir: import.meta.dirname },
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: out,
        logLevel: 'silent',
      });
      return (await import(pathToFileURL(out).href)) as Parser;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return loaded;
}
