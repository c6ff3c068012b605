/**
 * The values generator against the reference: for the project's example extensions (same facts as
 * upstream), the generated values must equal the reference generator's output
 * (`../shared/fixtures/anchor/derived/*.values.yaml`, skipped where that data is absent), and every
 * `$values.*` binding of the upstream Chainsaw suites and of our generic suite must resolve.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveValues, type Inspect } from '../../src/e2e/resolve.js';
import type { TestingValues } from '../../src/e2e/values.js';

const root = path.resolve(import.meta.dirname, '../../extensions');
const suite = path.resolve(import.meta.dirname, '../../e2e/suite');
const anchor =
  process.env['EXT_ACTIONS_ANCHOR'] ?? path.resolve(import.meta.dirname, '../../../shared/fixtures/anchor');
const present = existsSync(path.join(anchor, 'derived', 'pgvector.values.yaml'));
if (!present) console.warn(`anchor data not found at ${anchor}: skipping the reference comparison`);

const PG = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const ann = (sql: string) => ({
  'io.cloudnativepg.image.base.name': PG,
  'io.cloudnativepg.image.base.os': 'trixie',
  'io.cloudnativepg.image.base.pgmajor': '18',
  'io.cloudnativepg.image.sql.version': sql,
});
/** What ghcr.io/cloudnative-pg serves for these images (sql.version annotations as bake writes them). */
const registry: Record<string, Record<string, string>> = {
  'ghcr.io/cloudnative-pg/pgvector-testing:0.8.6-202608221026-18-trixie': ann('0.8.6'),
  'ghcr.io/cloudnative-pg/postgis-extension-testing:3.6.4-202608221026-18-trixie': ann('3.6.4'),
  'ghcr.io/cloudnative-pg/pgrouting-testing:4.0.1-202608221026-18-trixie': ann('4.0.1'),
  'ghcr.io/cloudnative-pg/wal2json-testing:2.6-202608221026-18-trixie': ann(''),
  'ghcr.io/cloudnative-pg/postgis-extension:3.6.4-18-trixie': ann('3.6.4'),
};
const inspect: Inspect = async (ref) => {
  const a = registry[ref];
  if (!a) throw new Error(`unexpected registry read ${ref}`);
  return { annotations: a };
};
const images: Record<string, string> = {
  pgvector: 'ghcr.io/cloudnative-pg/pgvector-testing:0.8.6-202608221026-18-trixie',
  postgis: 'ghcr.io/cloudnative-pg/postgis-extension-testing:3.6.4-202608221026-18-trixie',
  pgrouting: 'ghcr.io/cloudnative-pg/pgrouting-testing:4.0.1-202608221026-18-trixie',
  wal2json: 'ghcr.io/cloudnative-pg/wal2json-testing:2.6-202608221026-18-trixie',
};
const generate = async (name: string): Promise<TestingValues> =>
  (
    await resolveValues({
      root,
      extension: name,
      image: images[name]!,
      inspect,
      registry: 'ghcr.io/cloudnative-pg',
      environment: 'production',
    })
  ).values;

describe.runIf(present)('reference values.yaml', () => {
  for (const name of Object.keys(images)) {
    it(`${name} equals derived/${name}.values.yaml`, async () => {
      const expected: unknown = parse(
        readFileSync(path.join(anchor, 'derived', `${name}.values.yaml`), 'utf8'),
      );
      expect(await generate(name)).toEqual(expected);
    });
  }
});

/** `$values.a.b` paths in a YAML file. */
function bindings(text: string): string[] {
  return [
    ...new Set([...text.matchAll(/\$values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => m[1]!.slice(1))),
  ];
}
function resolves(values: unknown, dotted: string): boolean {
  let cur: unknown = values;
  for (const key of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(key in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}
function suiteFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
    .map((e) => path.join(e.parentPath, e.name));
}
/** Bindings a module (create_extension = false) leaves unset, exactly as the reference generator does. */
const MODULE_UNSET = ['database_config.extensions_spec'];

async function checkBindings(files: string[], extensions: string[]) {
  const used = new Set(files.flatMap((f) => bindings(readFileSync(f, 'utf8'))));
  expect(used.size).toBeGreaterThan(5);
  for (const name of extensions) {
    const values = await generate(name);
    const missing = [...used].filter((b) => !resolves(values, b));
    expect(missing, name).toEqual(
      values.create_extension ? [] : missing.filter((m) => MODULE_UNSET.includes(m)),
    );
  }
}

describe('every $values binding resolves', () => {
  it('in our generic suite', async () => {
    await checkBindings(suiteFiles(suite), Object.keys(images));
  });
  it.runIf(present)('in the upstream generic and per-extension suites', async () => {
    const dir = path.join(anchor, 'chainsaw');
    await checkBindings(suiteFiles(dir), Object.keys(images));
  });
});
