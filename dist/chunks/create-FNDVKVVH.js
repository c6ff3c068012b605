import { createRequire as __extCreateRequire } from 'node:module';
import { fileURLToPath as __extFileURLToPath } from 'node:url';
import { dirname as __extDirname } from 'node:path';
const require = __extCreateRequire(import.meta.url);
const __filename = __extFileURLToPath(import.meta.url);
const __dirname = __extDirname(__filename);
import{a as u,f as $,h}from"./chunk-UQQWSGCH.js";import{b as v}from"./chunk-HQWKCAL7.js";import"./chunk-XWIDYAED.js";import{a as i,c as p}from"./chunk-DP4G7QCV.js";import"./chunk-4GYDPJBI.js";import{mkdir as N,rename as D,rm as R,stat as P,writeFile as q}from"node:fs/promises";import l from"node:path";var b="<package-version-here>",S="<sql-version-here>",x=(e,r)=>e.packageName.replaceAll("%version%",r);function w(e){let r=e.distros.map(t=>{let a=e.versions.map(s=>`      "${s}" = {
        // renovate: suite=${t}-pgdg depName=${x(e,s)}
        package = "${b}"
        // renovate: suite=${t}-pgdg depName=${x(e,s)} extractVersion=^(?<version>\\d+\\.\\d+(\\.\\d+)?)
        sql     = "${S}"
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
`}function O(e){let r=e.versions[e.versions.length-1]??"18",t=e.distros[0]??"trixie",a=e.packageName.replaceAll("%version%","${PG_MAJOR}");return`ARG BASE=ghcr.io/cloudnative-pg/postgresql:${r}-minimal-${t}
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
`}function k(e){let r=e.name.split(/[-_]/).map(s=>s.charAt(0).toUpperCase()+s.slice(1)).join(" "),t=e.versions[e.versions.length-1]??"18",a=e.distros[0]??"trixie";return`# ${r}

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
`}function C(e){return`postgresql-%version%-${e.replaceAll("_","-")}`}var V={...u.create,async run(e,r){let{values:t,positionals:a}=$(this,e,{root:{type:"string",default:"."},distros:{type:"string",multiple:!0},versions:{type:"string",multiple:!0},"package-name":{type:"string"}},!0);if(a.length!==1)throw new i(`ext-actions create: expected one NAME
usage: ${this.usage}`);let s=a[0],f=v(s);if(f)throw new i(`NAME: ${f}`);let o={name:s,distros:t.distros?h(t.distros):["trixie","bookworm"],versions:t.versions?h(t.versions):["18"],packageName:t["package-name"]??C(s)};for(let n of o.distros)if(!/^[a-z0-9][a-z0-9._-]*$/.test(n))throw new i(`--distros: expected names such as trixie, got ${p(n)}`);for(let n of o.versions)if(!/^[0-9]+$/.test(n))throw new i(`--versions: expected PostgreSQL majors such as 18, got ${p(n)}`);if(!o.distros.length||!o.versions.length)throw new i("--distros and --versions: expected at least one value each");if(!/^[a-z0-9][a-z0-9+.%-]*$/.test(o.packageName))throw new i(`--package-name: expected a Debian package name (use %version% for the PG major), got ${p(o.packageName)}`);let c=l.resolve(r.cwd,t.root,s);if(await P(c).then(()=>!0,()=>!1))throw new i(`${l.relative(r.cwd,c)||c}: already exists; choose another NAME or remove the folder`);let d=l.relative(r.cwd,c)||".",_=[["metadata.hcl",w(o)],["Dockerfile",O(o)],["README.md",k(o)]],m=l.join(l.dirname(c),`.${s}.ext-actions-create-${process.pid}`);try{await N(m,{recursive:!0});for(let[n,g]of _)await q(l.join(m,n),g);await D(m,c)}catch(n){await R(m,{recursive:!0,force:!0}).catch(()=>{});let g=n.code??String(n);throw new i(`--root: cannot create ${d} (${g})`)}let y=t["package-name"]===void 0,A=s.replace(/^pg[_-]/,"").replaceAll("_","-"),E=`apt-cache search --names-only '^postgresql-${o.versions[0]}-.*${A}'`;return r.stdout(`created ${d}/{metadata.hcl,Dockerfile,README.md}
`+(y?`package: ${o.packageName} (derived from NAME; check the Debian name, e.g. ${E}, and rerun with --package-name if it differs)
`:"")+`next: fill in the package and sql versions in ${d}/metadata.hcl (the TODO lines), then run ext-actions plan --extension ${s}
`),0}};export{V as create,C as defaultPackageName};
