/**
 * The one "run a command and capture its output" wrapper around @actions/exec: an argv array (never
 * a shell string), output captured, a non-zero exit returned (not thrown). A missing program still
 * throws (@actions/exec's "Unable to locate executable file").
 */
import { getExecOutput } from '@actions/exec';

export interface RunOptions {
  cwd?: string;
  /** The whole environment of the command (merge `process.env` in yourself). */
  env?: NodeJS.ProcessEnv;
  /** Written to the command's stdin (secrets go this way, never through argv). */
  input?: string;
  /** Show the command's output live as well (default false: captured only). */
  echo?: boolean;
  /** Where the live output goes (default standard output; a CLI whose stdout is a result uses stderr). */
  echoTo?: NodeJS.WritableStream;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(
  file: string,
  args: readonly string[],
  o: RunOptions = {},
): Promise<RunResult> {
  const { exitCode, stdout, stderr } = await getExecOutput(file, [...args], {
    ignoreReturnCode: true,
    silent: !o.echo,
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
    ...(o.env !== undefined ? { env: o.env as Record<string, string> } : {}),
    ...(o.input !== undefined ? { input: Buffer.from(o.input) } : {}),
    ...(o.echo && o.echoTo ? { outStream: o.echoTo as never, errStream: o.echoTo as never } : {}),
  });
  return { exitCode, stdout, stderr };
}
