import { checkRepository } from '../../check/check.js';
import { runCommand } from '../../process/exec.js';
import { oneOf, parseFlags, printWarnings, type Command } from '../command.js';
import { specs } from '../specs.js';

export const check: Command = {
  ...specs.check,
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      root: { type: 'string', default: '.' },
      buildx: { type: 'string' },
    });
    const buildx = oneOf('--buildx', values.buildx, ['auto', 'false'] as const, 'auto');
    const result = await checkRepository({
      cwd: io.cwd,
      root: values.root,
      ...(buildx === 'auto'
        ? { exec: (file, argv) => runCommand(file, argv, { cwd: io.cwd, env: io.env }) }
        : {}),
    });
    printWarnings(io, result.warnings);
    for (const p of result.problems) io.stderr(`error: ${p}\n`);
    io.stdout(
      `${result.extensions.length} extension(s) checked: ${result.extensions.join(', ')}\n` +
        `docker buildx bake --check: ${result.buildx.ran ? (result.problems.length ? 'failed' : 'ok') : result.buildx.output}\n` +
        `${result.problems.length ? `${result.problems.length} problem(s)` : 'no problems'}\n`,
    );
    return result.problems.length ? 1 : 0;
  },
};
