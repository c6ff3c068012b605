import path from 'node:path';
import {
  detect,
  generateCallers,
  validateRef,
  validateRegistry,
  writeCallers,
} from '../../workflows/init.js';
import { parseFlags, type Command } from '../command.js';

export const init: Command = {
  name: 'init',
  summary:
    'write the GitHub workflows that call the reusable workflows: pull requests, default branch, release tags, and the scheduled OS-library pull requests and testing-image retention',
  usage: 'ext-actions init [--root DIR] [--registry REG] [--ref vX] [--dir REPO] [--force]',
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      root: { type: 'string' },
      registry: { type: 'string', default: '' },
      ref: { type: 'string', default: 'v1' },
      dir: { type: 'string', default: '.' },
      force: { type: 'boolean', default: false },
    });
    const ref = validateRef(values.ref);
    const registry = validateRegistry(values.registry);
    const repo = path.resolve(io.cwd, values.dir);
    const found = await detect(repo, values.root);
    const files = generateCallers({ ...found, registry, ref });
    const results = await writeCallers(repo, files, values.force);
    for (const r of results) io.stdout(`${r.outcome.padEnd(9)} ${r.path}\n`);
    io.stdout(
      `extensions under ${found.root}: ${found.extensions.join(', ') || 'none yet (add one with `ext-actions create NAME`)'}\n`,
    );
    return 0;
  },
};
