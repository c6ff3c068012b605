import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { discoverExtensions, loadExtensions, noExtensionsMessage, scanExtensions } from './discover.js';
import { tempDir } from '../../test/support/tmp.js';

const valid = (name: string) =>
  `metadata = {\n name = "${name}"\n versions = { trixie = { "18" = "1.0-1" } }\n}\n`;

let root: string;
beforeAll(async () => {
  root = await tempDir('ext-discover-');
  for (const [folder, text] of [
    ['zeta', valid('zeta')],
    ['alpha', valid('alpha')],
    ['gamma', valid('other')],
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
    expect(await discoverExtensions(root)).toEqual(['alpha', 'gamma', 'zeta']);
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
      `extension "nope" not found under ${root}; expected one of: alpha, gamma, zeta`,
    );
  });

  it('reports every invalid file together', async () => {
    // "gamma" names another folder; add a second broken extension.
    await mkdir(path.join(root, 'broken'), { recursive: true });
    await writeFile(path.join(root, 'broken', 'metadata.hcl'), 'metadata = {\n name = "broken"\n');
    const err = await loadExtensions(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg.split('\n')[0]).toBe('2 extensions have invalid metadata');
    expect(msg).toContain(
      `${path.join(root, 'gamma', 'metadata.hcl')}: metadata.name: expected the folder name "gamma"`,
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

describe('folder names (issue 14 #7)', () => {
  it.each([
    ['a line break', 'pg\nvector'],
    ['upper case', 'Beta'],
    ['a trailing "-"', 'vector-'],
    ['60 characters', 'e'.repeat(60)],
  ])('refuses a folder holding metadata.hcl whose name has %s, in list and plan alike', async (_, name) => {
    const dir = await tempDir('ext-badname-');
    for (const folder of [name, 'ok']) {
      await mkdir(path.join(dir, folder));
      await writeFile(path.join(dir, folder, 'metadata.hcl'), valid('ok'));
    }
    const message = `${dir}: folder ${JSON.stringify(name)} (holds metadata.hcl): expected`;
    await expect(discoverExtensions(dir)).rejects.toThrow(message);
    await expect(loadExtensions(dir, ['ok'])).rejects.toThrow(message);
    const err = (await discoverExtensions(dir).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message.split('\n')).toHaveLength(1);
  });
});

describe('what discovery skips (issue 15)', () => {
  it('names metadata.hcl files too deep to be extensions and the --root that would find them', async () => {
    const dir = await tempDir('ext-nested-');
    await mkdir(path.join(dir, 'group', 'pgvector'), { recursive: true });
    await writeFile(path.join(dir, 'group', 'pgvector', 'metadata.hcl'), valid('pgvector'));
    const d = await scanExtensions(dir);
    expect(d.names).toEqual([]);
    expect(d.nested).toEqual([path.join('group', 'pgvector', 'metadata.hcl')]);
    expect(noExtensionsMessage(d, '--root')).toBe(
      `no extension found under ${dir}: no direct sub-folder holds a metadata.hcl; found ${path.join('group', 'pgvector', 'metadata.hcl')}: not extensions (an extension is a direct sub-folder of ${dir}, as bake builds <folder>/); use --root ${path.join(dir, 'group')} for those`,
    );

    await mkdir(path.join(dir, 'top'));
    await writeFile(path.join(dir, 'top', 'metadata.hcl'), valid('top'));
    const warnings: string[] = [];
    const exts = await loadExtensions(dir, [], { warn: (w) => warnings.push(w) });
    expect(exts.map((e) => e.metadata.name)).toEqual(['top']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${path.join('group', 'pgvector', 'metadata.hcl')}: not extensions`);
  });

  it('says where it looked when there is nothing at all', async () => {
    const dir = await tempDir('ext-empty-');
    expect(noExtensionsMessage(await scanExtensions(dir), '--root')).toBe(
      `no extension found under ${dir}: no direct sub-folder holds a metadata.hcl; run in the folder of your extension folders or pass --root DIR (create one with \`ext-actions create NAME\`)`,
    );
  });
});

describe('plan-time checks across extensions (issue 15)', () => {
  const requiring = (name: string, req: string) =>
    `metadata = {\n name = "${name}"\n required_extensions = ["${req}", "base-image:pg_stat_statements"]\n versions = { trixie = { "18" = "1.0-1" } }\n}\n`;

  it('refuses required_extensions naming a folder that is not an extension', async () => {
    const dir = await tempDir('ext-required-');
    await mkdir(path.join(dir, 'pgrouting'));
    await writeFile(path.join(dir, 'pgrouting', 'metadata.hcl'), requiring('pgrouting', 'postgis'));
    await writeFile(path.join(dir, 'pgrouting', 'Dockerfile'), 'FROM scratch\n');
    // Reading (list, catalog) does not care; planning a build does.
    expect(await loadExtensions(dir)).toHaveLength(1);
    await expect(loadExtensions(dir, [], { build: true })).rejects.toThrow(
      `${path.join(dir, 'pgrouting', 'metadata.hcl')}: metadata.required_extensions[0]: expected the folder name of another extension under ${dir} (pgrouting), or a "base-image:", "image-sql:" or "catalog:" reference, got "postgis"`,
    );
    await mkdir(path.join(dir, 'postgis'));
    await writeFile(path.join(dir, 'postgis', 'metadata.hcl'), valid('postgis'));
    // Found among the folders even when only the dependent one is selected.
    expect((await loadExtensions(dir, ['pgrouting'], { build: true })).map((e) => e.metadata.name)).toEqual([
      'pgrouting',
    ]);
  });

  it('refuses an extension to build without its Dockerfile', async () => {
    const dir = await tempDir('ext-dockerfile-');
    for (const name of ['one', 'two']) {
      await mkdir(path.join(dir, name));
      await writeFile(path.join(dir, name, 'metadata.hcl'), valid(name));
    }
    await writeFile(path.join(dir, 'one', 'Dockerfile'), 'FROM scratch\n');
    expect(await loadExtensions(dir)).toHaveLength(2);
    await expect(loadExtensions(dir, [], { build: true })).rejects.toThrow(
      `${path.join(dir, 'two', 'Dockerfile')}: not found; expected the Dockerfile that builds two`,
    );
    expect(await loadExtensions(dir, ['one'], { build: true })).toHaveLength(1);
  });
});
