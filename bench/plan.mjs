// Benchmark: `ext-actions plan` on 500 generated extensions x 2 distros x 2 PG majors (2000 targets),
// whole process (Node start-up, HCL parser, reading 500 files, planning, JSON output).
// Reports the median wall time and the peak RSS of several runs. Budget: under 1 s, at most 8x a bare Node start, under 150 MiB.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureNode } from './measure.mjs';

const repo = path.resolve(import.meta.dirname, '..');
const EXTENSIONS = Number(process.env.BENCH_EXTENSIONS ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function metadata(name, i) {
  const pin = (distro, pg) => `      "${pg}" = {
        // renovate: suite=${distro}-pgdg depName=postgresql-${pg}-${name}
        package = "${i % 7}.${i % 13}.${i % 5}-1.pgdg13+1"
        sql     = "${i % 7}.${i % 13}"
      }`;
  return `metadata = {
  name                     = "${name}"
  sql_name                 = "${name.replaceAll('-', '_')}"
  image_name               = "${name}"
  licenses                 = ["PostgreSQL", "MIT"]
  shared_preload_libraries = []
  postgresql_parameters    = { "${name.replaceAll('-', '_')}.enabled" = "on" }
  extension_control_path   = []
  dynamic_library_path     = []
  ld_library_path          = ["system"]
  bin_path                 = []
  env                      = { "DATA" = "$\${image_root}/share/data" }
  auto_update_os_libs      = false
  required_extensions      = []
  create_extension         = true

  versions = {
    bookworm = {
${pin('bookworm', 17)}
${pin('bookworm', 18)}
    }
    trixie = {
${pin('trixie', 17)}
${pin('trixie', 18)}
    }
  }
}
`;
}

/** Writes `count` generated extension folders under `root` (also used to profile by hand). */
export function writeExtensions(root, count = EXTENSIONS) {
  for (let i = 0; i < count; i++) {
    const name = `ext-${String(i).padStart(4, '0')}`;
    mkdirSync(path.join(root, name));
    writeFileSync(path.join(root, name, 'metadata.hcl'), metadata(name, i));
    writeFileSync(path.join(root, name, 'Dockerfile'), 'FROM scratch\n');
  }
}

export function benchPlan() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ext-bench-plan-'));
  try {
    writeExtensions(root);
    let targets = 0;
    const r = measureNode(
      [path.join(repo, 'dist/cli/index.js'), 'plan', '--root', root, '--timestamp', '2026-01-01T00:00:00Z'],
      { runs: RUNS, check: (out) => (targets = Object.keys(JSON.parse(out).target).length) },
    );
    return {
      name: `plan: ${EXTENSIONS} extensions, ${targets} targets (whole process)`,
      ...r,
      stdout: undefined,
      budget: { ms: 1000, ratio: 8, rssMiB: 150 },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
