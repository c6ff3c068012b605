// Bundles every entry point into minified ESM under dist/ (no node_modules at run time):
//   actions/<name>/main.ts -> dist/<name>/index.js, actions/<name>/post.ts -> dist/<name>/post.js,
//   src/cli/main.ts -> dist/cli/index.js (the `ext-actions` bin).
// One esbuild run with code splitting: code that several entries use (or that a CLI command loads
// with import()) goes to shared chunks in dist/chunks/, so the repository holds each library once and
// a process loads only what it runs. Entries import their chunks by relative path: dist/ moves whole.
import { build } from 'esbuild';
import { chmod, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
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
// @actions/http-client and @actions/github import undici at the top but rarely use it: they get
// scripts/lazy-undici.js, which loads the real undici (dist/chunks/undici.cjs, below) on first use.
const lazyUndici = {
  name: 'lazy-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      /[\\/]node_modules[\\/]@actions[\\/]/.test(args.importer)
        ? { path: path.join(root, 'scripts/lazy-undici.js') }
        : undefined,
    );
  },
};

await build({
  absWorkingDir: root,
  plugins: [lazyUndici],
  entryPoints: entries.map((entry) => ({ in: entry.in, out: entry.out })),
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outExtension: { '.js': '.js' },
  banner: { js: banner },
  legalComments: 'none',
  // Only required when globalThis.performance is missing, which never happens on Node 20+.
  external: ['performance'],
  logLevel: 'warning',
});
await build({
  absWorkingDir: root,
  entryPoints: ['undici'],
  outfile: path.join(outdir, 'chunks/undici.cjs'),
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
});
const cli = path.join(outdir, 'cli/index.js');
await writeFile(cli, `#!/usr/bin/env node\n${await readFile(cli, 'utf8')}`);
await chmod(cli, 0o755);
console.log(`built ${entries.length} bundles: ${entries.map((e) => `dist/${e.out}.js`).join(', ')}`);
