import os from 'node:os';
import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCommand } from './exec.js';

describe('runCommand', () => {
  it('passes argv, stdin, env and cwd as given, and returns a failing exit instead of throwing', async () => {
    const script =
      'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{' +
      'console.log(JSON.stringify({argv:process.argv.slice(1),stdin:s,x:process.env.X_RUN,cwd:process.cwd()}));' +
      'console.error("to stderr");process.exit(3)})';
    const cwd = realpathSync(os.tmpdir());
    const run = await runCommand(process.execPath, ['-e', script, 'a b', '$(no shell)'], {
      cwd,
      env: { ...process.env, X_RUN: 'y' },
      input: 'secret',
    });
    expect(run.exitCode).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual({ argv: ['a b', '$(no shell)'], stdin: 'secret', x: 'y', cwd });
    expect(run.stderr.trim()).toBe('to stderr');
  });

  it('throws when the program does not exist', async () => {
    await expect(runCommand('/nonexistent/ext-actions-tool', [])).rejects.toThrow();
  });
});
