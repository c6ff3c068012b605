/** Removes the builder the main step created (nothing when an existing `builder` was given). */
import * as core from '@actions/core';
import { builderRemoveCommand, showCommand } from '../../src/bake/argv.js';
import { runCommand } from '../../src/process/exec.js';

async function post(): Promise<void> {
  const builder = core.getState('builder');
  if (!builder) return;
  const cmd = builderRemoveCommand(builder);
  core.info(`[command]${showCommand(cmd)}`);
  const run = await runCommand(cmd.file, cmd.args);
  if (run.exitCode !== 0) core.warning(`could not remove builder ${builder}: ${run.stderr.trim()}`);
}

post().catch((err: unknown) => core.warning(`post step: ${(err as Error).message}`));
