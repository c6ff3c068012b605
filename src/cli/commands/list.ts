import { discoverExtensions } from '../../matrix/index.js';
import { oneOf, parseFlags, type Command } from '../command.js';
import { specs } from '../specs.js';
import path from 'node:path';

export const list: Command = {
  ...specs.list,
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      root: { type: 'string', default: '.' },
      format: { type: 'string' },
    });
    const format = oneOf('--format', values.format, ['lines', 'json'] as const, 'lines');
    const names = await discoverExtensions(path.resolve(io.cwd, values.root));
    io.stdout(format === 'json' ? `${JSON.stringify(names)}\n` : names.map((n) => `${n}\n`).join(''));
    return 0;
  },
};
