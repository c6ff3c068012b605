import { UserError } from '../../errors.js';
import { promote } from '../../registry/index.js';
import { listFlag, parseFlags, type Command } from '../command.js';
import { specs } from '../specs.js';
import { registryFlags, registryOptions } from './inspect.js';

export const promoteCommand: Command = {
  ...specs.promote,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      this,
      args,
      {
        ...registryFlags,
        tag: { type: 'string', multiple: true },
        'no-signatures': { type: 'boolean', default: false },
      },
      true,
    );
    if (positionals.length !== 2)
      throw new UserError(
        `ext-actions promote: expected a source reference and a destination repository\nusage: ${this.usage}`,
      );
    const result = await promote(positionals[0]!, positionals[1]!, {
      ...(await registryOptions(values, io)),
      tags: values.tag ? listFlag(values.tag) : undefined,
      signatures: !values['no-signatures'],
      log: (m) => io.stderr(`${m}\n`),
    });
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  },
};
