import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError, showValue } from '../../errors.js';
import {
  detect,
  generateCallers,
  validateRef,
  validateRegistry,
  writeCallers,
} from '../../workflows/init.js';
import { parseFlags, type Command } from '../command.js';
import { specs } from '../specs.js';

export const init: Command = {
  ...specs.init,
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      root: { type: 'string' },
      registry: { type: 'string', default: '' },
      ref: { type: 'string', default: 'v1' },
      dir: { type: 'string', default: '.' },
      force: { type: 'boolean', default: false },
    });
    const ref = validateRef(values.ref);
    // As plan takes it: image repositories are lower-case (GHCR.io/Acme is ghcr.io/acme).
    const registry = validateRegistry(values.registry.toLowerCase());
    const repo = path.resolve(io.cwd, values.dir);
    const isDir = await stat(repo).then(
      (st) => st.isDirectory(),
      () => false,
    );
    if (!isDir) throw new UserError(`--dir: ${showValue(values.dir)} is not a folder (resolved to ${repo})`);
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
