import type { Command } from '../command.js';
import { changed } from './changed.js';
import { create } from './create.js';
import { list } from './list.js';
import { plan } from './plan.js';

/** Every `ext-actions` sub-command, in the order `--help` shows them. */
export const commands: Command[] = [list, plan, changed, create];
