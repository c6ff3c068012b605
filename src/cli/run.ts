/** `ext-actions` dispatch, separate from process handling so tests can run it in-process. */
import { isUserError } from '../errors.js';
import pkg from '../../package.json';
import { relabel, type CliIO } from './command.js';
import { commands } from './commands/index.js';
import { closest, commandHelp, commandSpecs } from './specs.js';

export const VERSION: string = pkg.version;

export function help(): string {
  const width = Math.max(...commandSpecs.map((c) => c.name.length));
  return [
    'ext-actions: build, sign and test PostgreSQL extension images for CloudNativePG',
    '',
    'usage: ext-actions <command> [options]',
    '',
    ...commandSpecs.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `ext-actions <command> --help` for its options; `ext-actions --version` for the version.',
    'Exit codes: 0 success, 1 a check or build failed, 2 bad input, 3 a service (registry, docker) unreachable.',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`ext-actions ${VERSION}\n`);
    return 0;
  }
  const spec = commandSpecs.find((c) => c.name === name);
  if (!spec) {
    const guess = closest(
      name,
      commandSpecs.map((c) => c.name),
    );
    io.stderr(
      `ext-actions: unknown command "${name}"${guess ? `; did you mean "${guess}"?` : ''}\n\n${help()}`,
    );
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(commandHelp(spec));
    return 0;
  }
  const command = await commands.find((c) => c.name === name)!.load();
  try {
    return await command.run(args, io);
  } catch (err) {
    if (isUserError(err)) {
      io.stderr(`error: ${relabel(err.message, spec)}\n`);
      return err.unreachable ? 3 : 2;
    }
    throw err;
  }
}
