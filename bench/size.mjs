// Benchmarks: what every job downloads. `uses: cnpg/ext-actions/<x>@v1` fetches the repository
// tarball (measured as `git archive HEAD | gzip`, so commit first), and runs bundles from dist/.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const repo = path.resolve(import.meta.dirname, '..');

function size(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const full = path.join(dir, e.name);
    return sum + (e.isDirectory() ? size(full) : statSync(full).size);
  }, 0);
}

export function benchDist() {
  return { name: 'dist/ in all', bytes: size(path.join(repo, 'dist')), budget: { bytes: 5_000_000 } };
}

export function benchTarball() {
  const tar = execFileSync('git', ['archive', 'HEAD'], { cwd: repo, maxBuffer: 1 << 30 });
  return {
    name: 'repository tarball (git archive HEAD, gzip)',
    bytes: gzipSync(tar).length,
    budget: { bytes: 1_500_000 },
  };
}
