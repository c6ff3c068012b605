// Regenerates src/catalog/crd-schema.json: the openAPIV3Schema of CloudNativePG's ImageCatalog and
// ClusterImageCatalog CRDs, taken from a checkout of cloudnative-pg/cloudnative-pg.
//   node scripts/catalog-schema.mjs <cloudnative-pg checkout or git dir> <commit>
// The file records the repository, paths and commit it came from.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const [gitDir, commit] = process.argv.slice(2);
if (!gitDir || !/^[0-9a-f]{40}$/.test(commit ?? ''))
  throw new Error('usage: node scripts/catalog-schema.mjs <cloudnative-pg git dir> <40-hex commit>');
const files = {
  ClusterImageCatalog: 'config/crd/bases/postgresql.cnpg.io_clusterimagecatalogs.yaml',
  ImageCatalog: 'config/crd/bases/postgresql.cnpg.io_imagecatalogs.yaml',
};
const out = {
  source: { repository: 'cloudnative-pg/cloudnative-pg', commit, paths: Object.values(files) },
  schemas: {},
};
for (const [kind, file] of Object.entries(files)) {
  const crd = parse(
    execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${file}`], { encoding: 'utf8' }),
  );
  const version = crd.spec.versions.find((v) => v.name === 'v1');
  if (crd.spec.names.kind !== kind || !version) throw new Error(`${file}: not the v1 ${kind} CRD`);
  out.schemas[kind] = version.schema.openAPIV3Schema;
}
const target = path.resolve(import.meta.dirname, '../src/catalog/crd-schema.json');
writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${target}`);
