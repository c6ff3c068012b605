import { UserError } from '../../errors.js';
import { inspectImage, type ClientOptions } from '../../registry/index.js';
import { parseFlags, type CliIO, type Command } from '../command.js';
import { specs } from '../specs.js';

/** Registry flags shared by inspect, verify-layout and promote. */
export const registryFlags = {
  username: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
} as const;

/**
 * Client options: `--username` with the password on standard input (never as an argument), else
 * `$DOCKER_CONFIG/config.json` `auths`.
 */
export async function registryOptions(
  values: { username?: string; 'password-stdin'?: boolean },
  io: CliIO,
): Promise<ClientOptions> {
  const options: ClientOptions = {
    env: io.env,
    onRetry: ({ method, url, attempt, reason, delayMs }) =>
      io.stderr(`retry ${attempt}: ${method} ${url}: ${reason} (waiting ${Math.round(delayMs)} ms)\n`),
  };
  if (values['password-stdin'] && !values.username) throw new UserError('--password-stdin needs --username');
  if (values.username) {
    if (!values['password-stdin'])
      throw new UserError('--username needs --password-stdin (the password is read from standard input)');
    const password = (await io.stdin()).replace(/\r?\n$/, '');
    if (!password) throw new UserError('--password-stdin: standard input is empty');
    options.credentials = { username: values.username, password };
  }
  return options;
}

export const inspect: Command = {
  ...specs.inspect,
  async run(args, io) {
    const { values, positionals } = parseFlags(this, args, { ...registryFlags }, true);
    if (positionals.length !== 1)
      throw new UserError(`ext-actions inspect: expected one image reference\nusage: ${this.usage}`);
    const result = await inspectImage(positionals[0]!, await registryOptions(values, io));
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  },
};
