import type { Command } from '../command.js';
import { bake } from './bake.js';
import { catalogCommand } from './catalog.js';
import { changed } from './changed.js';
import { check } from './check.js';
import { create } from './create.js';
import { e2e } from './e2e.js';
import { init } from './init.js';
import { inspect } from './inspect.js';
import { list } from './list.js';
import { osLibsCommand } from './os-libs.js';
import { plan } from './plan.js';
import { promoteCommand } from './promote.js';
import { pruneCommand } from './prune.js';
import { smokeCommand } from './smoke.js';
import { values } from './values.js';
import { verifyLayoutCommand } from './verify-layout.js';

/** Every `ext-actions` sub-command, in the order `--help` shows them. */
export const commands: Command[] = [
  list,
  plan,
  check,
  changed,
  bake,
  create,
  init,
  values,
  e2e,
  inspect,
  verifyLayoutCommand,
  smokeCommand,
  promoteCommand,
  catalogCommand,
  osLibsCommand,
  pruneCommand,
];
