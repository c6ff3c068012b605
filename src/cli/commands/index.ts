import type { Command } from '../command.js';
import { commandSpecs, type CommandName } from '../specs.js';

/**
 * How each `ext-actions` sub-command is loaded. A command's module (and what it imports: Sigstore, the
 * registry client, tar, ...) is loaded only when that command runs, so `--help` and the light commands
 * start fast; the bundler puts each in its own chunk. Names, summaries, options and help come from
 * specs.ts, which imports nothing.
 */
const loaders: Record<CommandName, () => Promise<Command>> = {
  list: async () => (await import('./list.js')).list,
  plan: async () => (await import('./plan.js')).plan,
  check: async () => (await import('./check.js')).check,
  changed: async () => (await import('./changed.js')).changed,
  bake: async () => (await import('./bake.js')).bake,
  create: async () => (await import('./create.js')).create,
  init: async () => (await import('./init.js')).init,
  values: async () => (await import('./values.js')).values,
  e2e: async () => (await import('./e2e.js')).e2e,
  inspect: async () => (await import('./inspect.js')).inspect,
  'verify-layout': async () => (await import('./verify-layout.js')).verifyLayoutCommand,
  smoke: async () => (await import('./smoke.js')).smokeCommand,
  promote: async () => (await import('./promote.js')).promoteCommand,
  catalog: async () => (await import('./catalog.js')).catalogCommand,
  'os-libs': async () => (await import('./os-libs.js')).osLibsCommand,
  prune: async () => (await import('./prune.js')).pruneCommand,
  'self-ref': async () => (await import('./self-ref.js')).selfRef,
};

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

/** Every sub-command, in the order `--help` shows them (specs.ts). */
export const commands: CommandEntry[] = commandSpecs.map((spec) => ({
  name: spec.name,
  summary: spec.summary,
  load: loaders[spec.name as CommandName],
}));
