// `npm run bench`: runs every benchmark in bench/ (files exporting a `bench*` function) and prints
// one line each, with its budget. Exits non-zero when a result is over its budget.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = import.meta.dirname;
let over = 0;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !['run.mjs', 'maxrss.mjs'].includes(f))
  .sort()) {
  const mod = await import(pathToFileURL(path.join(dir, file)).href);
  for (const [key, fn] of Object.entries(mod)) {
    if (!key.startsWith('bench') || typeof fn !== 'function') continue;
    const r = await fn();
    if (r.skipped) {
      console.log(`skip ${r.name}: ${r.skipped}`);
      continue;
    }
    const within =
      (!r.budget?.ms || r.medianMs <= r.budget.ms) &&
      (!r.budget?.rssMiB || (r.peakRssMiB ?? 0) <= r.budget.rssMiB);
    if (!within) over++;
    const rss = r.peakRssMiB !== undefined ? `, peak RSS ${r.peakRssMiB.toFixed(0)} MiB` : '';
    const budget = r.budget
      ? ` (budget ${[r.budget.ms && `${r.budget.ms} ms`, r.budget.rssMiB && `${r.budget.rssMiB} MiB`].filter(Boolean).join(', ')})`
      : '';
    console.log(
      `${within ? 'ok  ' : 'OVER'} ${r.name}: median ${r.medianMs.toFixed(0)} ms [${r.minMs.toFixed(0)}-${r.maxMs.toFixed(0)}]${rss}${budget}${r.note ? `; ${r.note}` : ''}`,
    );
  }
}
process.exitCode = over ? 1 : 0;
