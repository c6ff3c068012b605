/** The shape of an `ext-actions` sub-command, and argument parsing shared by all of them. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of standard input. */
  stdin: () => Promise<string>;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code. Throws UserError for bad input. */
  run(args: string[], io: CliIO): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict flag parsing; unknown flags and missing values become one clear message with the usage. */
export function parseFlags<T extends Options>(
  command: Command,
  args: string[],
  options: T,
  positionals = false,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals });
  } catch (err) {
    throw new UserError(`ext-actions ${command.name}: ${(err as Error).message}\nusage: ${command.usage}`);
  }
}

/** Values of a repeatable flag, also accepting comma-separated lists (`--distros trixie,bookworm`). */
export function listFlag(value: string | boolean | (string | boolean)[] | undefined): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  const values = Array.isArray(value) ? value : [value];
  return values
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`${flag}: expected one of ${allowed.join(', ')}, got "${value}"`);
}

export function printWarnings(io: CliIO, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
}
