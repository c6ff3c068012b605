/** `ext-actions` dispatch, separate from process handling so tests can run it in-process. */
import { isUserError } from '../errors.js';
import type { CliIO } from './command.js';
import { commands } from './commands/index.js';

export function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'ext-actions: build, sign and test PostgreSQL extension images for CloudNativePG',
    '',
    'usage: ext-actions <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `ext-actions <command> --help` for its options.',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`ext-actions: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.summary}\n\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (isUserError(err)) {
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
