/**
 * What `ext-actions --help` and `ext-actions <command> --help` show, as data: every command's summary,
 * usage, options (one line each, with its default) and examples. Imports only the dependency-free edit
 * distance, so help, "did you mean" and the command list never load a command's dependencies.
 * parseFlags (command.ts) checks each command parses exactly the options listed here.
 */
import { editDistance } from '../text/distance.js';

export interface OptionHelp {
  /** Placeholder of the value (`DIR`); absent for a switch. */
  value?: string;
  /** The default, as shown (`.`, `localhost:5000`). */
  default?: string;
  /** Can be given more than once (or as a comma-separated list). */
  repeat?: boolean;
  help: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionHelp>;
  examples: readonly string[];
  /**
   * How messages name an input of the shared code (the actions' `input "name"`) in this command, where
   * the flag is not `--<name>`: `extensions` -> `--extension`.
   */
  inputs?: Record<string, string>;
}

const root: OptionHelp = { value: 'DIR', default: '.', help: 'folder holding the extension folders' };
const format = (values: string, fallback: string): OptionHelp => ({
  value: values,
  default: fallback,
  help: 'output format',
});
const environment = (fallback: string): OptionHelp => ({
  value: 'testing|production',
  default: fallback,
  help: 'image repository: <registry>/<name>-testing or <registry>/<name>',
});
const extension: OptionHelp = { value: 'NAME', help: 'the extension (folder name under --root)' };
const extensions: OptionHelp = {
  value: 'NAME',
  repeat: true,
  default: 'all',
  help: 'extensions to take (folder names under --root)',
};
const registryAuth: Record<string, OptionHelp> = {
  username: { value: 'USER', help: 'registry user (else $DOCKER_CONFIG/config.json credentials)' },
  'password-stdin': { help: 'read the registry password from standard input (with --username)' },
};
const baseImage: OptionHelp = {
  value: 'TEMPLATE',
  default: 'ghcr.io/cloudnative-pg/postgresql:{pgMajor}-minimal-{distro}',
  help: 'base image per target, with the {pgMajor} and {distro} placeholders',
};
const builtImage: OptionHelp = {
  value: 'REF',
  repeat: true,
  help: 'image of a required extension to use instead of the registry one',
};
const inputs = { extensions: '--extension', 'pg-major': '--pg-major' };

export const specs = {
  list: {
    name: 'list',
    summary: 'list the extensions found (folders holding a valid metadata.hcl), sorted',
    usage: 'ext-actions list [--root DIR] [--format lines|json]',
    options: { root, format: format('lines|json', 'lines') },
    examples: ['ext-actions list --root extensions'],
  },
  plan: {
    name: 'plan',
    summary: 'compute the build plan: the bake definition (default), a GitHub matrix, or a table',
    usage:
      'ext-actions plan [--root DIR] [--extension NAME]... [--registry REG] [--environment testing|production] ' +
      '[--timestamp RFC3339] [--revision SHA] [--format bake|matrix|table] [--bake-file FILE] [--platforms P,...] ' +
      '[--base-image TEMPLATE] [--url URL] [--source URL] [--documentation URL] [--vendor TEXT] [--authors TEXT] [--gha-cache]',
    options: {
      root,
      extension: extensions,
      registry: { value: 'REG', default: 'localhost:5000', help: 'registry (and namespace) of the images' },
      environment: environment('testing'),
      timestamp: {
        value: 'RFC3339',
        default: '$SOURCE_DATE_EPOCH or now',
        help: 'build time (also epoch seconds)',
      },
      revision: { value: 'SHA', default: '', help: 'source revision recorded in the labels' },
      format: format('bake|matrix|table', 'bake'),
      'bake-file': { value: 'FILE', help: 'also write the bake definition to FILE' },
      platforms: { value: 'P,...', repeat: true, help: 'platforms instead of each extension’s own' },
      'base-image': baseImage,
      url: { value: 'URL', help: 'org.opencontainers.image.url' },
      source: { value: 'URL', help: 'org.opencontainers.image.source' },
      documentation: { value: 'URL', help: 'org.opencontainers.image.documentation' },
      vendor: { value: 'TEXT', help: 'org.opencontainers.image.vendor' },
      authors: { value: 'TEXT', help: 'org.opencontainers.image.authors' },
      'gha-cache': { help: 'use the GitHub Actions build cache' },
    },
    examples: [
      'ext-actions plan --root extensions --format table',
      'ext-actions plan --root extensions --extension pgvector --registry ghcr.io/acme --format matrix',
    ],
    inputs,
  },
  check: {
    name: 'check',
    summary:
      'lint without building (upstream task checks): every metadata.hcl, Dockerfile, required extension, the plan, and docker buildx bake --check',
    usage: 'ext-actions check [--root DIR] [--buildx auto|false]',
    options: {
      root,
      buildx: {
        value: 'auto|false',
        default: 'auto',
        help: 'run docker buildx bake --check on the plan when Docker Buildx is installed',
      },
    },
    examples: ['ext-actions check --root extensions'],
  },
  changed: {
    name: 'changed',
    summary: 'list the extensions affected by the changes between two refs, or by a list of paths',
    usage:
      'ext-actions changed [--root DIR] (--base REF [--head REF] | --files -|FILE) [--shared GLOB]... [--format json|lines]',
    options: {
      root,
      base: { value: 'REF', help: 'compare from this git ref (all zeros: every extension)' },
      head: { value: 'REF', default: 'HEAD', help: 'compare to this git ref' },
      files: {
        value: '-|FILE',
        help: 'changed paths, one a line (relative to the repository or --root, or absolute); - for stdin',
      },
      shared: { value: 'GLOB', repeat: true, help: 'paths whose change affects every extension' },
      format: format('json|lines', 'json'),
    },
    examples: [
      'ext-actions changed --root extensions --base origin/main',
      'git diff --name-only HEAD~1 | ext-actions changed --root extensions --files -',
    ],
  },
  bake: {
    name: 'bake',
    summary:
      'build (and push) the plan with docker buildx bake, as the bake action does; --dry-run shows the commands',
    usage:
      'ext-actions bake [--root DIR] [--extension NAME|all|changed]... [--target NAME|GLOB]... [--base REF] [--head REF] [--registry REG] ' +
      '[--environment testing|production] [--push] [--platforms P,...] [--timestamp RFC3339] [--revision SHA] ' +
      '[--base-image TEMPLATE] [--builder NAME] [--setup-qemu auto|true|false] [--binfmt-image IMAGE] [--cache] ' +
      '[--load] [--no-cache] [--pull] [--provenance V] [--sbom V] [--authors TEXT] [--vendor TEXT] [--documentation URL] ' +
      '[--set TARGET.KEY=VALUE]... [--file BAKEFILE]... [--allow ENTITLEMENT]... [--mode build|digest|merge] [--images FILE] [--dry-run] [--work-dir DIR] [--format summary|images|refs|matrix]',
    options: {
      root,
      extension: {
        value: 'NAME|all|changed',
        repeat: true,
        default: 'all',
        help: 'extensions to build; changed: those --base..--head affects',
      },
      target: {
        value: 'NAME|GLOB',
        repeat: true,
        default: 'every planned target',
        help: 'build only these planned targets (pgvector-*-trixie)',
      },
      base: { value: 'REF', default: '', help: 'for --extension changed (none: every extension)' },
      head: { value: 'REF', default: 'HEAD', help: 'for --extension changed' },
      registry: { value: 'REG', default: 'localhost:5000', help: 'registry (and namespace) to push to' },
      environment: environment('testing'),
      push: { help: 'push the images (else they stay in the build cache)' },
      platforms: { value: 'P,...', repeat: true, help: 'platforms instead of each extension’s own' },
      timestamp: { value: 'RFC3339', default: '$SOURCE_DATE_EPOCH or now', help: 'build time' },
      revision: { value: 'SHA', default: '', help: 'source revision recorded in the labels' },
      'base-image': baseImage,
      builder: { value: 'NAME', help: 'existing buildx builder (default: create one, removed afterwards)' },
      'setup-qemu': {
        value: 'auto|true|false',
        default: 'auto',
        help: 'install QEMU for foreign platforms (auto asks first outside CI)',
      },
      'binfmt-image': {
        value: 'IMAGE',
        default: 'the pinned tonistiigi/binfmt',
        help: 'QEMU installer image',
      },
      cache: { help: 'use the GitHub Actions build cache' },
      load: { help: 'also load the images into the local image store (docker buildx bake --load)' },
      'no-cache': { help: 'build without the layer cache' },
      pull: { help: 'pull the base images again' },
      provenance: {
        value: 'true|false|OPTS',
        default: 'mode=max',
        help: 'provenance attestation (--provenance)',
      },
      sbom: { value: 'true|false|OPTS', default: 'true', help: 'SBOM attestation (--sbom)' },
      authors: { value: 'TEXT', default: '', help: 'org.opencontainers.image.authors' },
      vendor: { value: 'TEXT', default: '', help: 'org.opencontainers.image.vendor' },
      documentation: { value: 'URL', default: '', help: 'org.opencontainers.image.documentation' },
      set: {
        value: 'TARGET.KEY=VALUE',
        repeat: true,
        help: 'override a target field (docker buildx bake --set)',
      },
      file: { value: 'BAKEFILE', repeat: true, help: 'extra bake file merged after the plan' },
      allow: {
        value: 'ENTITLEMENT',
        repeat: true,
        help: 'buildx entitlement (network.host, fs.read=PATH...)',
      },
      mode: {
        value: 'build|digest|merge',
        default: 'build',
        help: 'digest: push by digest per platform; merge: join them (--images)',
      },
      images: {
        value: 'FILE',
        help: 'with --mode merge: the digest jobs’ images outputs, one JSON list a line',
      },
      'dry-run': { help: 'plan and show the commands; run nothing' },
      'work-dir': {
        value: 'DIR',
        help: 'keep plan.json and metadata.json there (default: a removed temp folder)',
      },
      format: format('summary|images|refs|matrix', 'summary'),
    },
    examples: [
      'ext-actions bake --root extensions --extension pgvector --dry-run',
      'ext-actions bake --root extensions --extension pgvector --platforms linux/amd64 --push',
    ],
    inputs: { ...inputs, files: '--file', images: '--images FILE', targets: '--target' },
  },
  create: {
    name: 'create',
    summary: 'scaffold a new extension folder (metadata.hcl, Dockerfile, README.md)',
    usage:
      'ext-actions create NAME [--root DIR] [--distros trixie,bookworm] [--versions 18] [--package-name postgresql-%version%-NAME]',
    options: {
      root,
      distros: {
        value: 'D,...',
        repeat: true,
        default: 'trixie,bookworm',
        help: 'Debian releases to build on',
      },
      versions: { value: 'M,...', repeat: true, default: '18', help: 'PostgreSQL majors' },
      'package-name': {
        value: 'PKG',
        default: 'postgresql-%version%-NAME',
        help: 'Debian package (%version%: the PostgreSQL major)',
      },
    },
    examples: ['ext-actions create pg-ivm --root extensions'],
  },
  init: {
    name: 'init',
    summary:
      'write the GitHub workflows that call the reusable workflows: pull requests, default branch, release tags, and the scheduled OS-library pull requests and testing-image retention',
    usage: 'ext-actions init [--root DIR] [--registry REG] [--ref vX] [--dir REPO] [--force]',
    options: {
      root: { value: 'DIR', default: 'found', help: 'folder of the extension folders, inside --dir' },
      registry: { value: 'REG', default: 'ghcr.io/<owner>', help: 'registry the workflows push to' },
      ref: { value: 'vX', default: 'v1', help: 'version of cnpg/ext-actions the workflows call' },
      dir: { value: 'REPO', default: '.', help: 'the repository to write .github/workflows into' },
      force: { help: 'overwrite workflows that differ' },
    },
    examples: ['npx -y github:cnpg/ext-actions#v1 init --root extensions --registry ghcr.io/acme'],
  },
  values: {
    name: 'values',
    summary:
      'print the Chainsaw values.yaml of an extension image (the reference generate-testing-values schema)',
    usage:
      'ext-actions values --extension NAME --image REF [--root DIR] [--distro D --pg-major M] [--registry REG] ' +
      '[--environment testing|production] [--base-image TEMPLATE] [--built-image REF]...',
    options: {
      root,
      extension,
      image: { value: 'REF', help: 'the extension image (required)' },
      distro: { value: 'D', help: 'Debian release (default: from the image annotations)' },
      'pg-major': { value: 'M', help: 'PostgreSQL major (default: from the image annotations)' },
      registry: { value: 'REG', help: 'registry of the required extensions’ images' },
      environment: environment('production'),
      'base-image': baseImage,
      'built-image': builtImage,
    },
    examples: [
      'ext-actions values --root extensions --extension pgvector --image ghcr.io/acme/pgvector:0.8.1-18-trixie',
    ],
  },
  e2e: {
    name: 'e2e',
    summary:
      'build an extension into a local registry (or take --image) and test it in a kind cluster with CloudNativePG and Chainsaw (task e2e:test:full)',
    usage:
      'ext-actions e2e --extension NAME [--image REF | build it: --platform linux/ARCH --distro D --timestamp T --revision SHA] [--root DIR] [--cnpg main|X.Y|latest|LIST] [--node-image IMG@sha256:...] ' +
      '[--kind-version V] [--kubectl-version V] [--chainsaw-version V] [--registry REG] [--environment testing|production] ' +
      '[--extra-args "..."] [--pass-env NAME]... [--report DIR] [--work-dir DIR] [--keep]   (REGISTRY_USERNAME/REGISTRY_PASSWORD: pull credentials)',
    options: {
      root,
      extension: { value: 'NAME', help: 'the extension to test (required)' },
      image: { value: 'REF', help: 'test this image instead of building one' },
      cnpg: { value: 'main|X.Y|latest|LIST', default: 'latest', help: 'CloudNativePG version(s)' },
      'node-image': { value: 'IMG@sha256:...', default: 'the pinned kindest/node', help: 'kind node image' },
      'kind-version': { value: 'V', default: 'pinned', help: 'kind release' },
      'kubectl-version': { value: 'V', default: 'pinned', help: 'kubectl release' },
      'chainsaw-version': { value: 'V', default: 'pinned', help: 'Chainsaw release' },
      registry: { value: 'REG', help: 'registry of the required extensions’ images' },
      environment: environment('production'),
      'extra-args': { value: '"..."', default: '', help: 'more chainsaw test arguments' },
      'pass-env': {
        value: 'NAME',
        repeat: true,
        help: 'an environment variable the suites may see besides the allow-listed ones (PATH, HOME, KUBECONFIG, proxies, ...)',
      },
      report: { value: 'DIR', help: 'write the Chainsaw JUnit reports there' },
      'work-dir': { value: 'DIR', default: 'a temp folder', help: 'where values and kubeconfig go' },
      platform: { value: 'linux/ARCH', default: 'this machine', help: 'platform to build (without --image)' },
      distro: {
        value: 'D',
        default: 'every declared one',
        help: 'build and test this distro only (without --image)',
      },
      timestamp: { value: 'RFC3339', default: 'now', help: 'build time (without --image)' },
      revision: { value: 'SHA', default: '', help: 'source revision (without --image)' },
      keep: { help: 'keep the clusters and the registry afterwards' },
    },
    examples: ['ext-actions e2e --root extensions --extension pgvector'],
  },
  inspect: {
    name: 'inspect',
    summary: "print an image's digest, media type, platforms and annotations as JSON",
    usage: 'ext-actions inspect REF [--username USER --password-stdin]',
    options: { ...registryAuth },
    examples: ['ext-actions inspect ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie'],
  },
  'verify-layout': {
    name: 'verify-layout',
    summary: 'check the extension layout of every platform of an image (exit 1 on errors)',
    usage:
      'ext-actions verify-layout REF [--root DIR --extension NAME] [--max-size MIB] [--format text|json] ' +
      '[--username USER --password-stdin]',
    options: {
      ...registryAuth,
      root: { value: 'DIR', help: 'with --extension: check against its metadata.hcl' },
      extension,
      'max-size': { value: 'MIB', default: '512', help: 'largest accepted image size' },
      format: format('text|json', 'text'),
    },
    examples: ['ext-actions verify-layout localhost:5000/pgvector-testing:0.8.1-18-trixie'],
  },
  smoke: {
    name: 'smoke',
    summary:
      'test an image in a real PostgreSQL 18 container, mounted as CloudNativePG mounts it (exit 1 on a failed check)',
    usage:
      'ext-actions smoke --image REF [--root DIR] [--extension NAME] [--platform P]... [--pg-image REF] [--keep] ' +
      '[--mount auto|image|bind] [--registry REG] [--environment testing|production] [--built-image REF]... ' +
      '[--format text|json] [--username USER --password-stdin]',
    options: {
      ...registryAuth,
      image: { value: 'REF', help: 'the extension image (required)' },
      root,
      extension,
      platform: { value: 'P', repeat: true, help: 'platforms to test (default: this machine’s)' },
      'pg-image': { value: 'REF', help: 'PostgreSQL image (default: the extension’s base image)' },
      keep: { help: 'keep the container afterwards' },
      mount: { value: 'auto|image|bind', default: 'auto', help: 'how the image is mounted' },
      registry: { value: 'REG', help: 'registry of the required extensions’ images' },
      environment: environment('testing'),
      'built-image': builtImage,
      format: format('text|json', 'text'),
    },
    examples: ['ext-actions smoke --root extensions --image localhost:5000/pgvector-testing:0.8.1-18-trixie'],
  },
  promote: {
    name: 'promote',
    summary:
      'copy an image by digest (with attestations, signatures, referrers) to another repository, then tag it',
    usage:
      'ext-actions promote SRC_REF@DIGEST DEST_REPO [--tag TAG]... [--no-signatures] [--username USER --password-stdin]',
    options: {
      ...registryAuth,
      tag: { value: 'TAG', repeat: true, default: 'the source tags', help: 'tags to set in DEST_REPO' },
      'no-signatures': { help: 'do not copy the signatures and attestations' },
    },
    examples: [
      'ext-actions promote ghcr.io/acme/pgvector-testing@sha256:... ghcr.io/acme/pgvector --tag 0.8.1-18-trixie',
    ],
  },
  catalog: {
    name: 'catalog',
    summary:
      'write image catalogs that carry the published extension images, pinned by digest (CloudNativePG 1.29+)',
    usage:
      'ext-actions catalog [--root DIR] [--extension NAME]... --registry REG --base-catalog FILE|DIR|URL... ' +
      '--output-dir DIR [--username USER --password-stdin]',
    options: {
      ...registryAuth,
      root,
      extension: extensions,
      registry: { value: 'REG', help: 'registry of the published images (required)' },
      'base-catalog': { value: 'FILE|DIR|URL', repeat: true, help: 'CloudNativePG image catalogs to extend' },
      'output-dir': { value: 'DIR', help: 'where the catalogs are written (required)' },
    },
    examples: [
      'ext-actions catalog --root extensions --registry ghcr.io/acme --base-catalog catalogs/ --output-dir out',
    ],
  },
  'os-libs': {
    name: 'os-libs',
    summary:
      'record the Debian library packages each opted-in extension pulls into its base image (system-libs/*.txt); --check exits 1 on drift',
    usage:
      'ext-actions os-libs [--root DIR] [--extension NAME]... [--check] [--base-image TEMPLATE] [--platforms P,...]',
    options: {
      root,
      extension: extensions,
      check: { help: 'compare with the recorded lists; exit 1 on drift' },
      'base-image': baseImage,
      platforms: { value: 'P,...', repeat: true, help: 'platforms instead of each extension’s own' },
    },
    examples: ['ext-actions os-libs --root extensions --check'],
  },
  prune: {
    name: 'prune',
    summary:
      'delete testing images older than a cut-off, keeping the newest per target and anything production or a catalog references',
    usage:
      'ext-actions prune --registry REG [--root DIR] [--extension NAME]... [--older-than 7d] [--keep 1] ' +
      '[--catalog FILE]... [--dry-run] [--via auto|registry|packages] [--username USER --password-stdin]',
    options: {
      ...registryAuth,
      registry: { value: 'REG', help: 'registry of the images (required)' },
      root,
      extension: extensions,
      'older-than': { value: 'AGE', default: '7d', help: 'delete testing images older than this' },
      keep: { value: 'N', default: '1', help: 'newest images kept per target' },
      catalog: { value: 'FILE', repeat: true, help: 'image catalogs whose images are kept' },
      'dry-run': { help: 'list what would be deleted; delete nothing' },
      via: {
        value: 'auto|registry|packages',
        default: 'auto',
        help: 'delete through the registry API or GitHub packages (auto: packages on ghcr.io)',
      },
    },
    examples: ['ext-actions prune --registry ghcr.io/acme --root extensions --dry-run'],
  },
  'self-ref': {
    name: 'self-ref',
    summary:
      "find the ext-actions repository and ref a calling workflow's `uses:` key names (for our reusable workflows)",
    usage:
      'ext-actions self-ref --workflow FILE.yml --caller PATH --caller-repository OWNER/NAME --caller-sha SHA [--expect OWNER/NAME@REF]',
    options: {
      workflow: { value: 'FILE.yml', help: 'our reusable workflow the caller calls (extensions.yml, ...)' },
      caller: { value: 'PATH', help: 'the calling workflow file, in the checked-out caller repository' },
      'caller-repository': { value: 'OWNER/NAME', help: 'the calling repository ($GITHUB_REPOSITORY)' },
      'caller-sha': { value: 'SHA', help: 'the commit the caller runs at ($GITHUB_WORKFLOW_SHA)' },
      expect: { value: 'OWNER/NAME@REF', help: 'fail unless a uses: key names exactly this' },
    },
    examples: [
      'ext-actions self-ref --workflow extensions.yml --caller .github/workflows/extensions-main.yml --caller-repository acme/exts --caller-sha "$GITHUB_WORKFLOW_SHA"',
    ],
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof specs;

/** The commands in the order `--help` lists them. */
export const commandSpecs: readonly CommandSpec[] = Object.values(specs);

/** How messages name an input in a command: its flag (`--extension` for `extensions`), else `--<input>`. */
export function flagOf(spec: CommandSpec, input: string): string {
  return spec.inputs?.[input] ?? `--${input}`;
}

/** `ext-actions <command> --help`: summary, usage, one line per option with its default, examples. */
export function commandHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => [
    `--${name}${o.value ? ` ${o.value}` : ''}${o.repeat ? '...' : ''}`,
    `${o.help}${o.default !== undefined ? ` (default: ${o.default === '' ? 'none' : o.default})` : ''}`,
  ]);
  const width = Math.max(0, ...rows.map(([flag]) => flag!.length));
  return [
    `ext-actions ${spec.name}: ${spec.summary}`,
    '',
    `usage: ${spec.usage}`,
    '',
    'options:',
    ...rows.map(([flag, text]) => `  ${flag!.padEnd(width)}  ${text}`),
    `  ${'--help'.padEnd(width)}  show this help`,
    '',
    spec.examples.length > 1 ? 'examples:' : 'example:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

/** The closest of `candidates` to `word` (a typo, a prefix or a plural away), or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = c.startsWith(word) || word.startsWith(c) ? 1 : editDistance(word, c);
    if (!best || d < best.d) best = { c, d };
  }
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}
