/** The Node.js version package.json promises is one every locked dependency accepts (no EBADENGINE on npm ci). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..');
const read = (f: string) => JSON.parse(readFileSync(path.join(repo, f), 'utf8')) as Record<string, unknown>;

describe('engines', () => {
  it('every locked package accepts the oldest Node.js package.json allows', () => {
    const range = (read('package.json')['engines'] as { node: string }).node;
    const oldest = semver.minVersion(range)!.version;
    const packages = read('package-lock.json')['packages'] as Record<
      string,
      { engines?: { node?: string }; optional?: boolean }
    >;
    const refused = Object.entries(packages)
      // npm skips an optional package (a platform binary) whose engines do not match, without a warning.
      .filter(([name, p]) => name !== '' && !p.optional && p.engines?.node)
      .filter(([, p]) => !semver.satisfies(oldest, p.engines!.node!))
      .map(([name, p]) => `${name} wants node ${p.engines!.node}`);
    expect(refused, `package.json engines.node ${range} (oldest ${oldest})`).toEqual([]);
  });
});
