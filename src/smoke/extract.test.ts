import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { extractLayer } from './extract.js';

type Entry = { name: string; body?: string; type?: 'directory' | 'symlink' | 'link'; linkname?: string };

async function layer(entries: Entry[]): Promise<Readable> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const end = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) {
    if (e.type) pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else pack.entry({ name: e.name, size: Buffer.byteLength(e.body ?? '') }, e.body ?? '');
  }
  pack.finalize();
  await end;
  return Readable.from([Buffer.concat(chunks)]);
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function root(): { parent: string; dir: string } {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'ext-extract-'));
  dirs.push(parent);
  return { parent, dir: path.join(parent, 'image') };
}

describe('extractLayer (the bind-mount fallback of smoke)', () => {
  it('applies layers in order: files, links, whiteouts and opaque folders of lower layers only', async () => {
    const { dir } = root();
    await extractLayer(
      dir,
      await layer([
        { name: 'lib/', type: 'directory' },
        { name: 'lib/a.so', body: 'a' },
        { name: 'lib/old.so', body: 'old' },
        { name: 'share/x/1', body: '1' },
      ]),
      'none',
    );
    await extractLayer(
      dir,
      await layer([
        { name: 'share/x/-new', body: 'new' }, // sorts before the opaque marker: same layer, kept
        { name: 'share/x/.wh..wh..opq' },
        { name: 'lib/.wh.old.so' },
        { name: 'lib/libv.so', type: 'symlink', linkname: 'a.so' },
        { name: 'lib/hard.so', type: 'link', linkname: 'lib/a.so' },
      ]),
      'none',
    );
    expect(existsSync(path.join(dir, 'lib/old.so'))).toBe(false);
    expect(existsSync(path.join(dir, 'share/x/1'))).toBe(false);
    expect(readFileSync(path.join(dir, 'share/x/-new'), 'utf8')).toBe('new');
    expect(lstatSync(path.join(dir, 'lib/libv.so')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'lib/hard.so'), 'utf8')).toBe('a');
  });

  it('never writes or deletes outside the folder: .. entries, .wh.. whiteouts, writes through a symlinked folder', async () => {
    const { parent, dir } = root();
    await extractLayer(dir, await layer([{ name: 'keep', body: 'k' }]), 'none');
    await expect(extractLayer(dir, await layer([{ name: '../escape', body: 'x' }]), 'none')).rejects.toThrow(
      /points outside the image/,
    );
    await expect(extractLayer(dir, await layer([{ name: '.wh..' }]), 'none')).rejects.toThrow(
      /not a valid whiteout/,
    );
    await expect(
      extractLayer(
        dir,
        await layer([
          { name: 'evil', type: 'symlink', linkname: '..' },
          { name: 'evil/escaped', body: 'x' },
        ]),
        'none',
      ),
    ).rejects.toThrow(/goes through the symbolic link evil/);
    expect(existsSync(path.join(parent, 'escape'))).toBe(false);
    expect(existsSync(path.join(parent, 'escaped'))).toBe(false);
    expect(readFileSync(path.join(dir, 'keep'), 'utf8')).toBe('k');
  });
});
