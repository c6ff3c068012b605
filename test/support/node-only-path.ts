/**
 * A PATH folder holding only `node` (a link to the running Node.js). Tests that need "no docker" or
 * "no cosign" on PATH cannot use `dirname(process.execPath)`: on Debian, node sits in /usr/bin beside
 * the real docker and cosign that the real-tools suite installs.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

let dir: string | undefined;
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

export function nodeOnlyPath(): string {
  if (!dir) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ext-node-only-'));
    mkdirSync(path.join(dir, 'bin'));
    symlinkSync(process.execPath, path.join(dir, 'bin', 'node'));
  }
  return path.join(dir, 'bin');
}
