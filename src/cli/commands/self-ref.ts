import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { resolveCaller } from '../../workflows/self-ref.js';
import { parseFlags, type Command } from '../command.js';
import { specs } from '../specs.js';

export const selfRef: Command = {
  ...specs['self-ref'],
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      workflow: { type: 'string' },
      caller: { type: 'string' },
      'caller-repository': { type: 'string' },
      'caller-sha': { type: 'string' },
      expect: { type: 'string' },
    });
    for (const flag of ['workflow', 'caller', 'caller-repository', 'caller-sha'] as const)
      if (!values[flag])
        throw new UserError(`ext-actions self-ref: --${flag} is required\nusage: ${this.usage}`);
    const file = values.caller!;
    const text = await readFile(path.resolve(io.cwd, file), 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UserError(`--caller: cannot read the calling workflow ${file} (${err.code ?? err.message})`);
    });
    const found = resolveCaller(text, {
      file,
      workflow: values.workflow!,
      callerRepository: values['caller-repository']!,
      callerSha: values['caller-sha']!,
    });
    const spec = `${found.repository}@${found.ref}`;
    if (values.expect !== undefined && values.expect !== spec)
      throw new UserError(
        `--expect: ${file} calls ${values.workflow} at ${spec}, but ${values.expect} was checked out; the calling workflow's uses: key decides`,
      );
    io.stdout(`repository=${found.repository}\nref=${found.ref}\n`);
    return 0;
  },
};
