// `npm run bench`: runs every benchmark in bench/ (files exporting a `bench*` function) and prints
// one line each: its figure, its ratio to a bare Node start measured in the same run (for times), and
// its budget. Exits non-zero when a result is over its budget. `npm run bench -- startup size` runs
// only the named files.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bareNode } from './measure.mjs';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const MB = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;

const bare = bareNode();
console.log(
  `     ${bare.name}: median ${bare.medianMs.toFixed(0)} ms [${bare.minMs.toFixed(0)}-${bare.maxMs.toFixed(0)}], peak RSS ${bare.peakRssMiB.toFixed(0)} MiB`,
);

let over = 0;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !['run.mjs', 'maxrss.mjs', 'measure.mjs'].includes(f))
  .filter((f) => only.length === 0 || only.includes(path.basename(f, '.mjs')))
  .sort()) {
  const mod = await import(pathToFileURL(path.join(dir, file)).href);
  for (const [key, fn] of Object.entries(mod)) {
    if (!key.startsWith('bench') || typeof fn !== 'function') continue;
    const r = await fn({ bare });
    if (r.skipped) {
      console.log(`skip ${r.name}: ${r.skipped}`);
      continue;
    }
    const b = r.budget ?? {};
    // Against the bare starts interleaved with the runs when the benchmark has them.
    const ratio = r.medianMs !== undefined ? r.medianMs / (r.bareMs ?? bare.medianMs) : undefined;
    const within =
      (!b.ms || r.medianMs <= b.ms) &&
      (!b.ratio || ratio <= b.ratio) &&
      (!b.rssMiB || (r.peakRssMiB ?? 0) <= b.rssMiB) &&
      (!b.bytes || r.bytes <= b.bytes);
    if (!within) over++;
    const figures = [];
    if (r.medianMs !== undefined) {
      figures.push(
        `median ${r.medianMs.toFixed(0)} ms [${r.minMs.toFixed(0)}-${r.maxMs.toFixed(0)}] = ${ratio.toFixed(1)}x bare node (${(r.bareMs ?? bare.medianMs).toFixed(0)} ms)`,
      );
    }
    if (r.peakRssMiB !== undefined) figures.push(`peak RSS ${r.peakRssMiB.toFixed(0)} MiB`);
    if (r.bytes !== undefined) figures.push(MB(r.bytes));
    const budget = [
      b.ms && `${b.ms} ms`,
      b.ratio && `${b.ratio}x bare node`,
      b.rssMiB && `${b.rssMiB} MiB`,
      b.bytes && MB(b.bytes),
    ].filter(Boolean);
    console.log(
      `${within ? 'ok  ' : 'OVER'} ${r.name}: ${figures.join(', ')}${budget.length ? ` (budget ${budget.join(', ')})` : ''}${r.note ? `; ${r.note}` : ''}`,
    );
  }
}
process.exitCode = over ? 1 : 0;
