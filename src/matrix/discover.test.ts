import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { discoverExtensions, loadExtensions } from './discover.js';
import { tempDir } from '../../test/support/tmp.js';

const valid = (name: string) =>
  `metadata = {\n name = "${name}"\n versions = { trixie = { "18" = "1.0-1" } }\n}\n`;

let root: string;
beforeAll(async () => {
  root = await tempDir('ext-discover-');
  for (const [folder, text] of [
    ['zeta', valid('zeta')],
    ['alpha', valid('alpha')],
    ['Beta', valid('Beta')],
    ['.hidden', valid('.hidden')],
    ['node_modules', valid('node_modules')],
  ] as const) {
    await mkdir(path.join(root, folder));
    await writeFile(path.join(root, folder, 'metadata.hcl'), text);
  }
  await mkdir(path.join(root, 'docs'));
  await writeFile(path.join(root, 'docs', 'README.md'), '# not an extension');
  await writeFile(path.join(root, 'metadata.hcl'), valid('root'));
});

describe('discoverExtensions', () => {
  it('lists folders holding metadata.hcl, sorted in byte order, skipping hidden folders and node_modules', async () => {
    expect(await discoverExtensions(root)).toEqual(['Beta', 'alpha', 'zeta']);
  });

  it('names a missing root', async () => {
    await expect(discoverExtensions(path.join(root, 'missing'))).rejects.toThrow(
      `root folder ${path.join(root, 'missing')}: not found`,
    );
  });
});

describe('loadExtensions', () => {
  it('sorts whatever order the file system returns', async () => {
    const many = await tempDir('ext-discover-many-');
    // 40 names created in a shuffled order: the chance that readdir returns them sorted is negligible.
    const names = Array.from(
      { length: 40 },
      (_, i) => `e${String((i * 17) % 40).padStart(2, '0')}x${'abcdefgh'[i % 8]}`,
    );
    for (const name of names) {
      await mkdir(path.join(many, name));
      await writeFile(path.join(many, name, 'metadata.hcl'), valid(name));
    }
    const found = await discoverExtensions(many);
    expect(found).toHaveLength(40);
    expect(found).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('loads the selected extensions in sorted order', async () => {
    const exts = await loadExtensions(root, ['zeta', 'alpha', 'zeta']);
    expect(exts.map((e) => e.metadata.name)).toEqual(['alpha', 'zeta']);
  });

  it('names unknown extensions and lists the known ones', async () => {
    await expect(loadExtensions(root, ['alpha', 'nope'])).rejects.toThrow(
      `extension "nope" not found under ${root}; expected one of: Beta, alpha, zeta`,
    );
  });

  it('reports every invalid file together', async () => {
    // "Beta" is not a valid name (upper case); add a second broken extension.
    await mkdir(path.join(root, 'broken'), { recursive: true });
    await writeFile(path.join(root, 'broken', 'metadata.hcl'), 'metadata = {\n name = "broken"\n');
    const err = await loadExtensions(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg.split('\n')[0]).toBe('2 extensions have invalid metadata');
    expect(msg).toContain(
      `${path.join(root, 'Beta', 'metadata.hcl')}: metadata.name: expected lower-case letters`,
    );
    expect(msg).toContain(`${path.join(root, 'broken', 'metadata.hcl')}: HCL syntax error`);
  });
});

describe('extension names as CloudNativePG volumes', () => {
  it('refuses two extensions whose names collide once "_" becomes "-" (pg_ivm and pg-ivm), naming both files', async () => {
    const dir = await tempDir('ext-collide-');
    for (const name of ['pg_ivm', 'pg-ivm', 'other']) {
      await mkdir(path.join(dir, name));
      await writeFile(path.join(dir, name, 'metadata.hcl'), valid(name));
    }
    const err = await loadExtensions(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      `${path.join(dir, 'pg_ivm', 'metadata.hcl')}: metadata.name "pg_ivm" collides with "pg-ivm" (${path.join(dir, 'pg-ivm', 'metadata.hcl')}) once "_" becomes "-", as CloudNativePG names extension volumes`,
    );
    expect((await loadExtensions(dir, ['pg_ivm', 'other'])).map((e) => e.metadata.name)).toEqual([
      'other',
      'pg_ivm',
    ]);
  });
});
