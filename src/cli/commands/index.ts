import type { Command } from '../command.js';

/**
 * Every `ext-actions` sub-command, in the order `--help` shows them. A command's module (and what it
 * imports: Sigstore, the registry client, tar, ...) is loaded only when that command runs, so `--help`
 * and the light commands start fast; the bundler puts each in its own chunk. `summary` repeats the
 * command's own for `--help` (index.test.ts checks they agree).
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const commands: CommandEntry[] = [
  {
    name: 'list',
    summary: 'list the extensions found (folders holding a valid metadata.hcl), sorted',
    load: async () => (await import('./list.js')).list,
  },
  {
    name: 'plan',
    summary: 'compute the build plan: the bake definition (default), a GitHub matrix, or a table',
    load: async () => (await import('./plan.js')).plan,
  },
  {
    name: 'changed',
    summary: 'list the extensions affected by the changes between two refs, or by a list of paths',
    load: async () => (await import('./changed.js')).changed,
  },
  {
    name: 'bake',
    summary:
      'build (and push) the plan with docker buildx bake, as the bake action does; --dry-run shows the commands',
    load: async () => (await import('./bake.js')).bake,
  },
  {
    name: 'create',
    summary: 'scaffold a new extension folder (metadata.hcl, Dockerfile, README.md)',
    load: async () => (await import('./create.js')).create,
  },
  {
    name: 'init',
    summary:
      'write the GitHub workflows that call the reusable workflows: pull requests, default branch, release tags, and the scheduled OS-library pull requests and testing-image retention',
    load: async () => (await import('./init.js')).init,
  },
  {
    name: 'values',
    summary:
      'print the Chainsaw values.yaml of an extension image (the reference generate-testing-values schema)',
    load: async () => (await import('./values.js')).values,
  },
  {
    name: 'e2e',
    summary:
      'build an extension into a local registry (or take --image) and test it in a kind cluster with CloudNativePG and Chainsaw (task e2e:test:full)',
    load: async () => (await import('./e2e.js')).e2e,
  },
  {
    name: 'inspect',
    summary: "print an image's digest, media type, platforms and annotations as JSON",
    load: async () => (await import('./inspect.js')).inspect,
  },
  {
    name: 'verify-layout',
    summary: 'check the extension layout of every platform of an image (exit 1 on errors)',
    load: async () => (await import('./verify-layout.js')).verifyLayoutCommand,
  },
  {
    name: 'smoke',
    summary:
      'test an image in a real PostgreSQL 18 container, mounted as CloudNativePG mounts it (exit 1 on a failed check)',
    load: async () => (await import('./smoke.js')).smokeCommand,
  },
  {
    name: 'promote',
    summary:
      'copy an image by digest (with attestations, signatures, referrers) to another repository, then tag it',
    load: async () => (await import('./promote.js')).promoteCommand,
  },
  {
    name: 'catalog',
    summary:
      'write image catalogs that carry the published extension images, pinned by digest (CloudNativePG 1.29+)',
    load: async () => (await import('./catalog.js')).catalogCommand,
  },
  {
    name: 'os-libs',
    summary:
      'record the Debian library packages each opted-in extension pulls into its base image (system-libs/*.txt); --check exits 1 on drift',
    load: async () => (await import('./os-libs.js')).osLibsCommand,
  },
  {
    name: 'prune',
    summary:
      'delete testing images older than a cut-off, keeping the newest per target and anything production or a catalog references',
    load: async () => (await import('./prune.js')).pruneCommand,
  },
  {
    name: 'self-ref',
    summary:
      "find the ext-actions repository and ref a calling workflow's `uses:` key names (for our reusable workflows)",
    load: async () => (await import('./self-ref.js')).selfRef,
  },
];
