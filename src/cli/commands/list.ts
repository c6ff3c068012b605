import { specs } from '../specs.js';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { loadExtensions, noExtensionsMessage, scanExtensions } from '../../matrix/index.js';
import { oneOf, parseFlags, printWarnings, type Command } from '../command.js';

export const list: Command = {
  ...specs.list,
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      root: { type: 'string', default: '.' },
      format: { type: 'string' },
    });
    const format = oneOf('--format', values.format, ['lines', 'json'] as const, 'lines');
    const root = path.resolve(io.cwd, values.root);
    // Every metadata.hcl is read, as the reference `get-targets` does: a file that does not parse fails.
    const warnings: string[] = [];
    const extensions = await loadExtensions(root, [], {
      rootLabel: '--root',
      warn: (w) => warnings.push(w),
    });
    if (extensions.length === 0)
      throw new UserError(noExtensionsMessage(await scanExtensions(root), '--root'));
    printWarnings(io, warnings);
    for (const ext of extensions) printWarnings(io, ext.warnings);
    const names = extensions.map((e) => e.metadata.name);
    io.stdout(format === 'json' ? `${JSON.stringify(names)}\n` : names.map((n) => `${n}\n`).join(''));
    return 0;
  },
};
