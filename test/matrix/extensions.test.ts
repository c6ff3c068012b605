/**
 * The bundled example extensions (extensions/): each one plans, and its Dockerfile follows the scratch
 * layout of the reference repository and can build with the args the plan passes: a builder stage
 * `FROM $BASE` installing the pinned package, a final `FROM scratch` stage holding only lib/, share/,
 * licenses/ (and system/ for OS libraries), run as 65532.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, discoverExtensions, loadExtensions } from '../../src/matrix/index.js';

const root = path.resolve(import.meta.dirname, '../../extensions');

interface Stage {
  from: string;
  lines: string[];
}

/** Dockerfile instructions (continuation lines joined, comments dropped), split into stages. */
function stages(text: string): Stage[] {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const out: Stage[] = [];
  for (const line of instructions) {
    if (/^FROM /i.test(line)) out.push({ from: line, lines: [] });
    else if (out.length) out[out.length - 1]!.lines.push(line);
  }
  return out;
}

const names = await discoverExtensions(root);

describe('bundled extensions', () => {
  it('include the examples the project documents', () => {
    expect(names).toEqual(
      expect.arrayContaining(['pgaudit', 'pgrouting', 'pgvector', 'postgis', 'wal2json']),
    );
  });

  it.each(names)('%s: Dockerfile in the scratch layout, buildable with the plan args', async (name) => {
    const [ext] = await loadExtensions(root, [name]);
    const plan = buildPlan([ext!], {
      registry: 'localhost:5000',
      environment: 'testing',
      timestamp: new Date('2026-03-04T05:06:07Z'),
    });
    expect(plan.targets.length).toBeGreaterThan(0);
    const args = plan.targets[0]!.args;

    const text = await readFile(path.join(root, name, 'Dockerfile'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^ARG BASE=ghcr\.io\/cloudnative-pg\/postgresql:\d+-minimal-[a-z]+$/);
    const [builder, final, ...rest] = stages(text);
    expect(rest).toEqual([]);
    expect(builder!.from).toBe('FROM $BASE AS builder');
    expect(final!.from).toBe('FROM scratch');
    expect(final!.lines.at(-1)).toBe('USER 65532:65532');

    for (const stage of [builder!, final!]) {
      const declared = stage.lines.filter((l) => l.startsWith('ARG ')).map((l) => l.slice(4).split('=')[0]!);
      // Every build arg a stage uses is declared in it and given by the plan.
      for (const [, arg] of stage.lines.join('\n').matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)) {
        if (['PG_MAJOR', 'EXT_VERSION', 'POSTGIS_MAJOR'].includes(arg!) || arg! in args) {
          expect(declared, `${name}: ${stage.from} uses \${${arg}}`).toContain(arg);
          expect(args, `${name}: the plan passes ${arg}`).toHaveProperty(arg!);
        }
      }
    }

    // The builder installs pinned packages only.
    const install = builder!.lines.join('\n').match(/apt-get install [^\n;&]*/)![0];
    const packages = [...install.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    expect(packages.length).toBeGreaterThan(0);
    for (const p of packages)
      expect(p).toMatch(/^postgresql-\$\{PG_MAJOR\}-[A-Za-z0-9${}_-]+=\$\{EXT_VERSION\}$/);

    // The final stage copies from the builder only, into the layout CNPG mounts.
    const copies = final!.lines.filter((l) => l.startsWith('COPY'));
    for (const c of copies) {
      expect(c).toMatch(/^COPY --from=builder /);
      expect(c.split(/\s+/).at(-1)).toMatch(/^\/(lib|share|licenses|system)\//);
    }
    const first = packages[0]!.split('=')[0]!;
    expect(copies).toContain(`COPY --from=builder /usr/share/doc/${first}/copyright /licenses/${first}/`);
    expect(copies.some((c) => / \/lib\/$/.test(c))).toBe(true);
    // The JIT bitcode goes along: copied as is, or staged by the builder (postgis stages all its files).
    const staged = builder!.lines.join('\n').includes('cp -a "$lib/bitcode" /out/lib/');
    expect(
      staged ||
        copies.includes('COPY --from=builder /usr/lib/postgresql/${PG_MAJOR}/lib/bitcode/ /lib/bitcode/'),
      name,
    ).toBe(true);
    if (ext!.metadata.create_extension)
      expect(
        copies.some((c) => / \/share\/extension\/$/.test(c)) ||
          (copies.includes('COPY --from=builder /out/share/ /share/') &&
            builder!.lines.join('\n').includes('/out/share/extension/')),
        name,
      ).toBe(true);
  });

  it('postgis: snapshots the base image libraries before installing, so /system gets the new ones', async () => {
    const [builder] = stages(await readFile(path.join(root, 'postgis', 'Dockerfile'), 'utf8'));
    const script = builder!.lines.join('\n');
    const snapshot = script.indexOf('ldconfig -p');
    const install = script.indexOf('apt-get install');
    const ldd = script.indexOf('ldd ');
    expect(snapshot).toBeGreaterThan(-1);
    expect(snapshot).toBeLessThan(install);
    expect(install).toBeLessThan(ldd);
    // Every library PostGIS ships is staged and inspected (raster is postgis_raster-3.so since PostGIS 3);
    // address_standardizer only where the package has it (PGDG yes, Debian no): an existence test, no
    // COPY glob that fails on no match. The real build on Debian's package is in test/real.
    expect(script).toContain('for f in "$lib"/postgis*.so "$lib"/address_standardizer*.so; do');
    expect(script).toContain('if [ -e "$f" ]; then cp -a "$f" /out/lib/; fi;');
    expect(script).toMatch(/ldd \/out\/lib\/\*\.so/);
    // Only PostGIS' own contrib folder, not the base image's other contrib scripts (sepgsql.sql).
    expect(script).toContain('cp -a "$share"/contrib/postgis-* /out/share/contrib/');
  });

  it.each(['pgrouting', 'postgis'])(
    '%s: installs the -scripts package holding the SQL scripts',
    async (name) => {
      const text = await readFile(path.join(root, name, 'Dockerfile'), 'utf8');
      expect(text).toMatch(/"postgresql-\$\{PG_MAJOR\}-[A-Za-z0-9${}_-]+-scripts=\$\{EXT_VERSION\}"/);
    },
  );
});
