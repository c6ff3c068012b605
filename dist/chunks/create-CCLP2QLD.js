import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as f,b as h}from"./chunk-ZLQGYH6Y.js";import{a as i,c as m}from"./chunk-VRC6YQCV.js";import"./chunk-4GYDPJBI.js";import{mkdir as _,rename as k,rm as A,stat as y,writeFile as b}from"node:fs/promises";import l from"node:path";var O="<package-version-here>",E="<sql-version-here>",u=(e,r)=>e.packageName.replaceAll("%version%",r);function $(e){let r=e.distros.map(t=>{let a=e.versions.map(s=>`      "${s}" = {
        // renovate: suite=${t}-pgdg depName=${u(e,s)}
        package = "${O}"
        // renovate: suite=${t}-pgdg depName=${u(e,s)} extractVersion=^(?<version>\\d+\\.\\d+(\\.\\d+)?)
        sql     = "${E}"
      }`).join(`
`);return`    ${t} = {
${a}
    }`}).join(`
`);return`metadata = {
  # TODO: the folder name; also the mount path /extensions/<name> in the Cluster.
  name                     = "${e.name}"
  # TODO: the name used by CREATE EXTENSION (e.g. "vector" for pgvector).
  sql_name                 = "${e.name}"
  # TODO: the registry repository name; must be unique in the registry.
  image_name               = "${e.name}"
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
${r}
  }
}
`}function v(e){let r=e.versions[e.versions.length-1]??"18",t=e.distros[0]??"trixie",a=e.packageName.replaceAll("%version%","${PG_MAJOR}");return`ARG BASE=ghcr.io/cloudnative-pg/postgresql:${r}-minimal-${t}
FROM $BASE AS builder

ARG PG_MAJOR
ARG EXT_VERSION

USER 0

RUN apt-get update && \\
    apt-get install -y --no-install-recommends "${a}=\${EXT_VERSION}"

FROM scratch
ARG PG_MAJOR

# Licenses
COPY --from=builder /usr/share/doc/${a}/copyright /licenses/${a}/

# Libraries
COPY --from=builder /usr/lib/postgresql/\${PG_MAJOR}/lib/${e.name}* /lib/

# Share
COPY --from=builder /usr/share/postgresql/\${PG_MAJOR}/extension/${e.name}* /share/extension/

USER 65532:65532
`}function x(e){let r=e.name.split(/[-_]/).map(s=>s.charAt(0).toUpperCase()+s.slice(1)).join(" "),t=e.versions[e.versions.length-1]??"18",a=e.distros[0]??"trixie";return`# ${r}

TODO: one paragraph on what the extension does, with a link to its upstream project.

## Usage

\`\`\`yaml
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: cluster-${e.name}
spec:
  instances: 1
  # renovate: datasource=docker
  imageName: ghcr.io/cloudnative-pg/postgresql:${t}-minimal-${a}
  storage:
    size: 1Gi
  postgresql:
    extensions:
      - name: ${e.name}
        image:
          # renovate: datasource=docker
          reference: <registry>/${e.name}:1.0-${t}-${a}
---
apiVersion: postgresql.cnpg.io/v1
kind: Database
metadata:
  name: cluster-${e.name}-app
spec:
  name: app
  owner: app
  cluster:
    name: cluster-${e.name}
  extensions:
    - name: ${e.name}
      version: '1.0'
\`\`\`

Check it with \`\\dx\` in \`psql\`.

## Contributors

TODO: the maintainers of this image.

## Licenses and Copyright

The licenses of every component are in \`/licenses/\` inside the image.
`}var S=/^[a-z0-9][a-z0-9_-]*$/,C={name:"create",summary:"scaffold a new extension folder (metadata.hcl, Dockerfile, README.md)",usage:"ext-actions create NAME [--root DIR] [--distros trixie,bookworm] [--versions 18] [--package-name postgresql-%version%-NAME]",async run(e,r){let{values:t,positionals:a}=f(this,e,{root:{type:"string",default:"."},distros:{type:"string",multiple:!0},versions:{type:"string",multiple:!0},"package-name":{type:"string"}},!0);if(a.length!==1)throw new i(`ext-actions create: expected one NAME
usage: ${this.usage}`);let s=a[0];if(!S.test(s))throw new i(`NAME: expected lower-case letters, digits, "-" or "_", starting with a letter or digit, got ${m(s)}`);let n={name:s,distros:t.distros?h(t.distros):["trixie","bookworm"],versions:t.versions?h(t.versions):["18"],packageName:t["package-name"]??`postgresql-%version%-${s}`};for(let o of n.distros)if(!/^[a-z0-9][a-z0-9._-]*$/.test(o))throw new i(`--distros: expected names such as trixie, got ${m(o)}`);for(let o of n.versions)if(!/^[0-9]+$/.test(o))throw new i(`--versions: expected PostgreSQL majors such as 18, got ${m(o)}`);if(!n.distros.length||!n.versions.length)throw new i("--distros and --versions: expected at least one value each");if(!/^[a-z0-9][a-z0-9+.%-]*$/.test(n.packageName))throw new i(`--package-name: expected a Debian package name (use %version% for the PG major), got ${m(n.packageName)}`);let c=l.resolve(r.cwd,t.root,s);if(await y(c).then(()=>!0,()=>!1))throw new i(`${l.relative(r.cwd,c)||c}: already exists; choose another NAME or remove the folder`);let p=l.relative(r.cwd,c)||".",w=[["metadata.hcl",$(n)],["Dockerfile",v(n)],["README.md",x(n)]],d=l.join(l.dirname(c),`.${s}.ext-actions-create-${process.pid}`);try{await _(d,{recursive:!0});for(let[o,g]of w)await b(l.join(d,o),g);await k(d,c)}catch(o){await A(d,{recursive:!0,force:!0}).catch(()=>{});let g=o.code??String(o);throw new i(`--root: cannot create ${p} (${g})`)}return r.stdout(`created ${p}/{metadata.hcl,Dockerfile,README.md}
next: fill in the package and sql versions in ${p}/metadata.hcl (the TODO lines), then run ext-actions plan --extension ${s}
`),0}};export{C as create};
