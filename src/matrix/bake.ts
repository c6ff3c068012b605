/** Renders a plan as a buildx bake definition (JSON), a GitHub matrix, or a table for people. */
import type { Plan, PlanTarget } from './plan.js';
import { ATTESTATIONS, OUTPUT } from './plan.js';

export interface BakeTarget {
  context: string;
  dockerfile: string;
  tags: string[];
  args: Record<string, string>;
  platforms: string[];
  labels: Record<string, string>;
  annotations: string[];
  output: string[];
  attest: string[];
  'cache-from'?: string[];
  'cache-to'?: string[];
}

export interface BakeDefinition {
  group: { default: { targets: string[] } };
  target: Record<string, BakeTarget>;
}

export interface BakeOptions {
  /** GitHub Actions cache backend, one scope per target. */
  ghaCache?: boolean;
}

/** The file `docker buildx bake -f plan.json` builds as is. */
export function toBakeDefinition(plan: Plan, options: BakeOptions = {}): BakeDefinition {
  const target: Record<string, BakeTarget> = {};
  for (const t of plan.targets) {
    target[t.name] = {
      context: t.context,
      dockerfile: t.dockerfile,
      tags: [...t.tags],
      args: { ...t.args },
      platforms: [...t.platforms],
      labels: { ...t.labels },
      annotations: [...t.annotations],
      output: [OUTPUT],
      attest: [...ATTESTATIONS],
      ...(options.ghaCache
        ? { 'cache-from': [`type=gha,scope=${t.name}`], 'cache-to': [`type=gha,scope=${t.name},mode=max`] }
        : {}),
    };
  }
  return { group: { default: { targets: plan.targets.map((t) => t.name) } }, target };
}

export interface MatrixEntry {
  extension: string;
  target: string;
  distro: string;
  pgMajor: string;
  version: string;
  sqlVersion: string;
  package: string;
  repository: string;
  imageName: string;
  sqlName: string;
  createExtension: boolean;
  platforms: string[];
  tags: string[];
}

/** One entry per target, for `strategy.matrix` (`include: ${{ fromJSON(...) }}`). */
export function toMatrix(plan: Plan): MatrixEntry[] {
  return plan.targets.map((t: PlanTarget) => ({
    extension: t.extension,
    target: t.name,
    distro: t.distro,
    pgMajor: t.pgMajor,
    version: t.version,
    sqlVersion: t.sqlVersion,
    package: t.package,
    repository: t.repository,
    imageName: t.imageName,
    sqlName: t.sqlName,
    createExtension: t.createExtension,
    platforms: [...t.platforms],
    tags: [...t.tags],
  }));
}

/** Left-aligned text table. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The plan for people: one row per target. */
export function planTable(plan: Plan): string {
  const rows = plan.targets.map((t) => [
    t.name,
    t.platforms.join(','),
    t.sqlVersion || '-',
    t.tags.join(' '),
  ]);
  const lines = [formatTable(['TARGET', 'PLATFORMS', 'SQL', 'TAGS'], rows)];
  lines.push(
    '',
    `${plan.targets.length} targets, built at ${plan.created} (${plan.environment}, ${plan.registry})`,
  );
  for (const s of plan.skipped) lines.push(`skipped ${s.target}: ${s.reason}`);
  return lines.join('\n');
}
