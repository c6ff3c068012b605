/**
 * Files of a new extension folder: metadata.hcl (with Renovate comments and placeholders that `plan`
 * rejects until they are filled in), a Dockerfile in the scratch layout, and a README.
 */
export interface ScaffoldInput {
  name: string;
  /** Debian distributions, e.g. ["trixie", "bookworm"]. */
  distros: string[];
  /** PostgreSQL majors, e.g. ["18"]. */
  versions: string[];
  /** Debian package name with a `%version%` placeholder for the PG major. */
  packageName: string;
}

export const PACKAGE_PLACEHOLDER = '<package-version-here>';
export const SQL_PLACEHOLDER = '<sql-version-here>';

const pkg = (input: ScaffoldInput, major: string) => input.packageName.replaceAll('%version%', major);

export function metadataHcl(input: ScaffoldInput): string {
  const versions = input.distros
    .map((distro) => {
      const majors = input.versions
        .map(
          (major) => `      "${major}" = {
        // renovate: suite=${distro}-pgdg depName=${pkg(input, major)}
        package = "${PACKAGE_PLACEHOLDER}"
        // renovate: suite=${distro}-pgdg depName=${pkg(input, major)} extractVersion=^(?<version>\\d+\\.\\d+(\\.\\d+)?)
        sql     = "${SQL_PLACEHOLDER}"
      }`,
        )
        .join('\n');
      return `    ${distro} = {\n${majors}\n    }`;
    })
    .join('\n');
  return `metadata = {
  # TODO: the folder name; also the mount path /extensions/<name> in the Cluster.
  name                     = "${input.name}"
  # TODO: the name used by CREATE EXTENSION (e.g. "vector" for pgvector).
  sql_name                 = "${input.name}"
  # TODO: the registry repository name; must be unique in the registry.
  image_name               = "${input.name}"
  # TODO: SPDX identifiers of every component (ghcr.io needs labels under 256 characters).
  licenses                 = ["Apache-2.0"]
  # TODO: libraries PostgreSQL must preload, if any.
  shared_preload_libraries = []
  # TODO: PostgreSQL parameters the extension strictly needs, e.g. { "max_worker_processes" = "8" }.
  postgresql_parameters    = {}
  # Paths relative to the image root; empty means the operator defaults (share, lib).
  extension_control_path   = []
  dynamic_library_path     = []
  # TODO: e.g. ["system"] when the image ships OS libraries in /system.
  ld_library_path          = []
  bin_path                 = []
  # Environment for the postgres process; write $\${image_root} for the image's mount path.
  env                      = {}
  auto_update_os_libs      = false
  # Other extension folders whose images the tests must mount too.
  required_extensions      = []
  # false for modules without a control file (e.g. logical decoding plugins).
  create_extension         = true

  versions = {
${versions}
  }
}
`;
}

export function dockerfile(input: ScaffoldInput): string {
  const defaultMajor = input.versions[input.versions.length - 1] ?? '18';
  const defaultDistro = input.distros[0] ?? 'trixie';
  const pkgName = input.packageName.replaceAll('%version%', '${PG_MAJOR}');
  return `ARG BASE=ghcr.io/cloudnative-pg/postgresql:${defaultMajor}-minimal-${defaultDistro}
FROM $BASE AS builder

ARG PG_MAJOR
ARG EXT_VERSION

USER 0

RUN apt-get update && \\
    apt-get install -y --no-install-recommends "${pkgName}=\${EXT_VERSION}"

FROM scratch
ARG PG_MAJOR

# Licenses
COPY --from=builder /usr/share/doc/${pkgName}/copyright /licenses/${pkgName}/

# Libraries
COPY --from=builder /usr/lib/postgresql/\${PG_MAJOR}/lib/${input.name}* /lib/

# Share
COPY --from=builder /usr/share/postgresql/\${PG_MAJOR}/extension/${input.name}* /share/extension/

USER 65532:65532
`;
}

export function readme(input: ScaffoldInput): string {
  const title = input.name
    .split(/[-_]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
  const major = input.versions[input.versions.length - 1] ?? '18';
  const distro = input.distros[0] ?? 'trixie';
  return `# ${title}

TODO: one paragraph on what the extension does, with a link to its upstream project.

## Usage

\`\`\`yaml
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: cluster-${input.name}
spec:
  instances: 1
  # renovate: datasource=docker
  imageName: ghcr.io/cloudnative-pg/postgresql:${major}-minimal-${distro}
  storage:
    size: 1Gi
  postgresql:
    extensions:
      - name: ${input.name}
        image:
          # renovate: datasource=docker
          reference: <registry>/${input.name}:1.0-${major}-${distro}
---
apiVersion: postgresql.cnpg.io/v1
kind: Database
metadata:
  name: cluster-${input.name}-app
spec:
  name: app
  owner: app
  cluster:
    name: cluster-${input.name}
  extensions:
    - name: ${input.name}
      version: '1.0'
\`\`\`

Check it with \`\\dx\` in \`psql\`.

## Contributors

TODO: the maintainers of this image.

## Licenses and Copyright

The licenses of every component are in \`/licenses/\` inside the image.
`;
}
