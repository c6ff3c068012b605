// Bundles every entry point into one self-contained ESM file under dist/ (no node_modules at run time):
//   actions/<name>/main.ts -> dist/<name>/index.js, actions/<name>/post.ts -> dist/<name>/post.js,
//   src/cli/main.ts -> dist/cli/index.js (the `ext-actions` bin).
import { build } from 'esbuild';
import { chmod, copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// `--outdir DIR` builds elsewhere (the test that checks dist/ is up to date compares the two).
const outFlag = process.argv.indexOf('--outdir');
const outdir = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(root, 'dist');
const exists = (p) =>
  stat(p).then(
    () => true,
    () => false,
  );

const entries = [{ in: 'src/cli/main.ts', out: 'cli/index' }];
for (const name of (await readdir(path.join(root, 'actions')).catch(() => [])).sort()) {
  for (const [file, out] of [
    ['main.ts', 'index'],
    ['post.ts', 'post'],
  ]) {
    if (await exists(path.join(root, 'actions', name, file)))
      entries.push({ in: `actions/${name}/${file}`, out: `${name}/${out}` });
  }
}

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
// Bundled CommonJS dependencies expect require/__dirname/__filename; ESM output provides them here.
const banner = [
  "import { createRequire as __extCreateRequire } from 'node:module';",
  "import { fileURLToPath as __extFileURLToPath } from 'node:url';",
  "import { dirname as __extDirname } from 'node:path';",
  'const require = __extCreateRequire(import.meta.url);',
  'const __filename = __extFileURLToPath(import.meta.url);',
  'const __dirname = __extDirname(__filename);',
].join('\n');
for (const entry of entries) {
  await build({
    absWorkingDir: root,
    entryPoints: [{ in: entry.in, out: entry.out }],
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outExtension: { '.js': '.js' },
    banner: { js: (entry.out === 'cli/index' ? '#!/usr/bin/env node\n' : '') + banner },
    legalComments: 'none',
    // Only required when globalThis.performance is missing, which never happens on Node 20+.
    external: ['performance'],
    logLevel: 'warning',
  });
}
// @cdktf/hcl2json loads its WASM parser from `<bundle dir>/../main.wasm.gz`.
await copyFile(
  path.join(root, 'node_modules/@cdktf/hcl2json/main.wasm.gz'),
  path.join(outdir, 'main.wasm.gz'),
);
await chmod(path.join(outdir, 'cli/index.js'), 0o755);
console.log(`built ${entries.length} bundles: ${entries.map((e) => `dist/${e.out}.js`).join(', ')}`);
