/** Small extension repositories for the bake tests, written into a temp folder. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FixtureExtension {
  name: string;
  /** distro -> pg major -> package version */
  versions: Record<string, Record<string, string>>;
  platforms?: string[];
  requires?: string[];
}

export function metadataHcl(e: FixtureExtension): string {
  const versions = Object.entries(e.versions)
    .map(
      ([distro, majors]) =>
        `    ${distro} = {\n${Object.entries(majors)
          .map(
            ([pg, pkg]) =>
              `      "${pg}" = {\n        package = "${pkg}"\n        sql = "${pkg.split('-')[0]}"\n      }`,
          )
          .join('\n')}\n    }`,
    )
    .join('\n');
  return `metadata = {
  name = "${e.name}"
  sql_name = "${e.name}"
  image_name = "${e.name}"
  licenses = ["PostgreSQL"]
  required_extensions = [${(e.requires ?? []).map((r) => `"${r}"`).join(', ')}]
${e.platforms ? `  platforms = [${e.platforms.map((p) => `"${p}"`).join(', ')}]\n` : ''}  versions = {
${versions}
  }
}
`;
}

/** Writes `<dir>/<root>/<name>/{metadata.hcl,Dockerfile}` for each extension; returns dir. */
export function writeRepo(extensions: FixtureExtension[], root = 'exts', dir?: string): string {
  const base = dir ?? mkdtempSync(path.join(os.tmpdir(), 'ext-bake-'));
  for (const e of extensions) {
    const folder = path.join(base, root, e.name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'metadata.hcl'), metadataHcl(e));
    writeFileSync(
      path.join(folder, 'Dockerfile'),
      'ARG BASE\nFROM $BASE AS builder\nARG EXT_VERSION\nRUN echo $EXT_VERSION\nFROM scratch\nCOPY --from=builder /etc/hostname /lib/\n',
    );
  }
  return base;
}

export const PGVECTOR: FixtureExtension = {
  name: 'pgvector',
  versions: { bookworm: { '18': '0.8.1-1.pgdg12+1' }, trixie: { '18': '0.8.1-1.pgdg13+1' } },
};
export const PGAUDIT: FixtureExtension = {
  name: 'pgaudit',
  versions: { trixie: { '18': '18.0-2.pgdg13+1' } },
};
export const AMD_ONLY: FixtureExtension = {
  name: 'amdonly',
  versions: { trixie: { '18': '1.2.3-1' } },
  platforms: ['linux/amd64'],
};
