/** The shape of an `ext-actions` sub-command, and argument parsing shared by all of them. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';
import { closest, flagOf, type CommandSpec } from './specs.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of standard input. */
  stdin: () => Promise<string>;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A command: its help data (specs.ts) and how it runs. */
export interface Command extends CommandSpec {
  /** Returns the exit code. Throws UserError for bad input. */
  run(args: string[], io: CliIO): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict flag parsing; unknown flags (with the closest known one) and missing values become one clear
 * message with the usage. The options parsed must be those the command's help lists (specs.ts).
 */
export function parseFlags<T extends Options>(
  command: CommandSpec,
  args: string[],
  options: T,
  positionals = false,
) {
  const names = Object.keys(options).sort();
  const listed = Object.keys(command.options).sort();
  if (names.join() !== listed.join())
    throw new Error(
      `ext-actions ${command.name}: the options parsed (${names.join(', ')}) differ from those its help lists (${listed.join(', ')})`,
    );
  const parse = () => parseArgs({ args, options, strict: true, allowPositionals: positionals });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (err) {
    const e = err as Error & { code?: string };
    let message = e.message;
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'(-[^']*)'/.exec(e.message)?.[1] ?? '';
      const name = flag.replace(/^-+/, '').split('=')[0]!;
      const guess = closest(name, Object.keys(options));
      message = `unknown option ${flag}${guess ? `; did you mean --${guess}?` : ''}`;
    } else if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']*)'/.exec(e.message)?.[1] ?? '';
      message = `unexpected argument ${JSON.stringify(arg)} (every value follows its --flag)`;
    }
    throw new UserError(
      `ext-actions ${command.name}: ${message}\nusage: ${command.usage}\n(ext-actions ${command.name} --help lists every option)`,
    );
  }
  // Folder names as tab completion writes them (`pgvector/`), registries as copied (`ghcr.io/acme/`).
  const values = parsed.values as Record<string, unknown>;
  for (const key of SLASH_TRIMMED) {
    const v = values[key];
    if (typeof v === 'string') values[key] = trimSlashes(v);
    else if (Array.isArray(v)) values[key] = v.map((x) => (typeof x === 'string' ? trimSlashes(x) : x));
  }
  return parsed;
}

/** Flags whose values lose their trailing slashes. */
const SLASH_TRIMMED = ['extension', 'registry'];
const trimSlashes = (value: string): string => value.replace(/(?<=[^/])\/+$/, '');

/**
 * A message of the shared code naming an action input (`input "cnpg"`) as this command's flag
 * (`--cnpg`), when the command has that flag; other text is left as it is.
 */
export function relabel(message: string, command: CommandSpec): string {
  return message.replace(/input "([a-z0-9-]+)"/g, (whole, input: string) =>
    input in command.options || (command.inputs && input in command.inputs) ? flagOf(command, input) : whole,
  );
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
