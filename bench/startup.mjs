// Benchmarks: the CLI's start-up, whole process, as a ratio to a bare Node start in the same run.
// `--help` and `list` must load nothing they do not use; `plan` of the repository's examples parses
// five metadata files.
import path from 'node:path';
import { measureNode } from './measure.mjs';

const repo = path.resolve(import.meta.dirname, '..');
const cli = path.join(repo, 'dist/cli/index.js');

export function benchHelp() {
  return {
    name: 'ext-actions --help',
    ...measureNode([cli, '--help'], { check: (out) => out.includes('usage:') || fail('no usage') }),
    budget: { ratio: 2, rssMiB: 70 },
  };
}

export function benchList() {
  return {
    name: 'ext-actions list --root extensions',
    ...measureNode([cli, 'list', '--root', 'extensions'], {
      check: (out) => out.includes('pgvector') || fail('pgvector not listed'),
    }),
    budget: { ratio: 2, rssMiB: 70 },
  };
}

export function benchPlanExamples() {
  return {
    name: 'ext-actions plan --root extensions (5 extensions)',
    ...measureNode([cli, 'plan', '--root', 'extensions', '--timestamp', '2026-01-01T00:00:00Z'], {
      check: (out) => JSON.parse(out).target || fail('no targets'),
    }),
    budget: { ratio: 3 },
  };
}

function fail(message) {
  throw new Error(message);
}
