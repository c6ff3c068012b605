import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import {
  checkLayout,
  controlDirs,
  installableVersions,
  libraryName,
  metadataTopLevel,
  parseControl,
} from './checks.js';
import { readElf } from './elf.js';
import { applyLayer, normalizePath, resolveLink, type ImageFile, type ImageFiles } from './files.js';

function elf(bits: 1 | 2, little: boolean, machine: number): Buffer {
  const b = Buffer.alloc(64);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = bits;
  b[5] = little ? 1 : 2;
  if (little) b.writeUInt16LE(machine, 18);
  else b.writeUInt16BE(machine, 18);
  return b;
}

async function tarGz(entries: { name: string; body?: string; type?: 'directory' }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const end = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) {
    if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' });
    else pack.entry({ name: e.name, size: Buffer.byteLength(e.body ?? '') }, e.body ?? '');
  }
  pack.finalize();
  await end;
  return gzipSync(Buffer.concat(chunks));
}

describe('parseControl', () => {
  it('reads quoted and bare values, skipping comments', () => {
    expect(parseControl("# c\ncomment = 'it''s'\ndefault_version='1.2'\nrelocatable = true\n")).toEqual({
      comment: "it's",
      default_version: '1.2',
      relocatable: 'true',
    });
  });
});

describe('installableVersions', () => {
  it('follows update scripts from install scripts, per extension name', () => {
    const scripts = [
      'pg--1.0.sql',
      'pg--1.0--1.1.sql',
      'pg--1.1--1.2.sql',
      'pg--2.0--2.1.sql',
      'other--9.sql',
    ];
    expect([...installableVersions(scripts, 'pg')].sort()).toEqual(['1.0', '1.1', '1.2']);
  });
});

describe('readElf', () => {
  it('knows x86-64, aarch64, s390x (big-endian) and 32-bit ARM', () => {
    expect(readElf(elf(2, true, 62))?.architecture).toBe('amd64');
    expect(readElf(elf(2, true, 183))?.architecture).toBe('arm64');
    expect(readElf(elf(2, false, 22))?.architecture).toBe('s390x');
    expect(readElf(elf(1, true, 40))?.architecture).toBe('arm');
    expect(readElf(elf(2, true, 40))?.architecture).toBeUndefined();
    expect(readElf(Buffer.from('#!/bin/sh\n'.padEnd(64)))).toBeUndefined();
  });
});

describe('applyLayer', () => {
  it('applies files, whiteouts and opaque folders in layer order', async () => {
    const files: ImageFiles = new Map();
    await applyLayer(
      files,
      await tarGz([
        { name: './lib/', type: 'directory' },
        { name: './lib/a.so', body: 'a' },
        { name: 'share/old/x', body: 'x' },
        { name: 'share/extension/e.control', body: "default_version = '1'" },
      ]),
      'gzip',
    );
    await applyLayer(
      files,
      await tarGz([
        { name: 'lib/.wh.a.so' },
        { name: 'share/old/.wh..wh..opq' },
        { name: 'share/old/y', body: 'y' },
      ]),
      'gzip',
    );
    expect([...files.keys()].sort()).toEqual(['lib', 'share/extension/e.control', 'share/old/y']);
    expect(files.get('share/extension/e.control')?.text).toBe("default_version = '1'");
  });

  it('skips the root entry that tar -C dir . and umoci write, and normalises ./ and // in paths', async () => {
    expect(['.', './', '/', '', './share//extension/./x.control', '/lib/'].map(normalizePath)).toEqual([
      '',
      '',
      '',
      '',
      'share/extension/x.control',
      'lib',
    ]);
    const files: ImageFiles = new Map();
    await applyLayer(
      files,
      await tarGz([
        { name: './', type: 'directory' },
        { name: '.', type: 'directory' },
        { name: './share/./extension/e.control', body: "default_version = '1'" },
      ]),
      'gzip',
    );
    expect([...files.keys()]).toEqual(['share/extension/e.control']);
    expect(checkLayout(files, { platform: 'linux/amd64' }).filter((f) => /top-level/.test(f.reason))).toEqual(
      [],
    );
  });

  it('rejects a corrupt layer', async () => {
    await expect(applyLayer(new Map(), Buffer.from('not gzip'), 'gzip')).rejects.toThrow();
  });
});

describe('paths', () => {
  it('resolves symlinks relative to their folder; an absolute one is not the image root', () => {
    const at = (p: string, linkname: string) =>
      resolveLink(new Map([[p, { type: 'symlink', size: 0, linkname }]]), p);
    expect(at('lib/libx.so', 'libx.so.1')).toEqual({ kind: 'path', path: 'lib/libx.so.1' });
    expect(at('lib/a/libx.so', '../libx.so.1')).toEqual({ kind: 'path', path: 'lib/libx.so.1' });
    expect(at('lib/libx.so', '/system/libx.so.1')).toEqual({ kind: 'absolute' });
    expect(at('lib/libx.so', '../../libx.so.1')).toEqual({ kind: 'outside' });
  });

  it('derives allowed folders and control dirs from metadata', () => {
    const ext = {
      metadata: {
        extension_control_path: ['custom/share'],
        dynamic_library_path: ['custom/lib'],
        ld_library_path: ['syslibs'],
        bin_path: [],
        env: { PROJ_DATA: '${image_root}/proj/data' },
      },
    } as never;
    expect(metadataTopLevel(ext)).toEqual(['custom', 'custom', 'syslibs', 'proj']);
    expect(controlDirs(ext)).toEqual(['custom/share/extension']);
    expect(controlDirs(undefined)).toEqual(['share/extension']);
  });

  it('checks a file tree without a registry', () => {
    const files: ImageFiles = new Map([
      [
        'share/extension/e.control',
        { type: 'file', size: 1, text: "default_version = '1'\nmodule_pathname = '$libdir/e/x'" },
      ],
      ['share/extension/e--1.sql', { type: 'file', size: 1, text: 'x' }],
      ['lib/e.so', { type: 'file', size: 1, head: elf(2, true, 62) }],
    ]);
    expect(checkLayout(files, { platform: 'linux/amd64' })).toEqual([
      {
        level: 'error',
        platform: 'linux/amd64',
        file: 'share/extension/e.control',
        reason:
          "module_pathname = '$libdir/e/x' is a path, which PostgreSQL 18 never searches in dynamic_library_path: write 'x'",
      },
    ]);
  });
});

/** A tree shaped like Debian's PostGIS package seen through our Dockerfile (calibration cases). */
function postgisTree(extra: [string, ImageFile][] = []): ImageFiles {
  const so = { type: 'file' as const, size: 1, head: elf(2, true, 62) };
  return new Map<string, ImageFile>([
    [
      'share/extension/postgis.control',
      { type: 'file', size: 1, text: "default_version = '3.6.1'\nmodule_pathname = '$libdir/postgis-3'" },
    ],
    [
      'share/extension/postgis--3.6.1.sql',
      {
        type: 'file',
        size: 1,
        text: "CREATE FUNCTION f() RETURNS int AS 'MODULE_PATHNAME', 'f' LANGUAGE c;\nCREATE FUNCTION g() RETURNS int AS '$libdir/postgis-3', 'g' LANGUAGE c;",
      },
    ],
    [
      'share/extension/postgis_topology.control',
      { type: 'file', size: 1, text: "default_version = '3.6.1'\nrequires = 'postgis'" },
    ],
    ['share/extension/postgis_topology--3.6.1.sql', { type: 'file', size: 1, text: 'x' }],
    // Alias control files Debian ships without scripts: harmless unless someone creates them.
    [
      'share/extension/postgis-3.control',
      { type: 'file', size: 1, text: "default_version = '3.6.1'\nmodule_pathname = '$libdir/postgis-3'" },
    ],
    ['share/contrib/sepgsql.sql', { type: 'file', size: 1, text: "LOAD '$libdir/sepgsql';" }],
    ['lib/postgis-3.so', so],
    ...extra,
  ]);
}

describe('calibration on PostgreSQL 18 rules (real PGDG/Debian layouts)', () => {
  const meta = (over: Record<string, unknown> = {}) =>
    ({
      file: 'extensions/postgis/metadata.hcl',
      metadata: {
        name: 'postgis',
        sql_name: 'postgis',
        create_extension: true,
        extension_control_path: [],
        dynamic_library_path: [],
        ld_library_path: [],
        bin_path: [],
        env: {},
        shared_preload_libraries: [],
        ...over,
      },
    }) as never;
  const show = (f: ReturnType<typeof checkLayout>) =>
    f.map((x) => `${x.level} ${x.file ?? '-'}: ${x.reason}`);

  it("accepts module_pathname = '$libdir/x' (load_external_function strips the prefix); AS '$libdir/x', alias controls and other packages' SQL are warnings", () => {
    const findings = checkLayout(postgisTree(), { platform: 'linux/amd64', extension: meta() });
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(show(findings)).toEqual([
      expect.stringMatching(
        /^warning share\/extension\/postgis-3\.control: no install script for version 3\.6\.1 .*postgis-3 is not the extension metadata\.hcl creates/,
      ),
      expect.stringMatching(
        /^warning share\/contrib\/sepgsql\.sql: LOAD '\$libdir\/sepgsql' \(line 1\): LOAD does not strip/,
      ),
      expect.stringMatching(
        /^warning share\/extension\/postgis--3\.6\.1\.sql: hard-codes '\$libdir\/postgis-3' \(line 2\): PostgreSQL 18 strips the prefix/,
      ),
    ]);
  });

  it('errors on what breaks the named extension or what it requires: LOAD, nested $libdir, a missing module library', () => {
    const tree = postgisTree([
      [
        'share/extension/postgis_topology--3.6.1.sql',
        { type: 'file', size: 1, text: "SELECT 1;\nLOAD '$libdir/postgis_topology-3';" },
      ],
      ['share/extension/postgis--3.6.1.sql', { type: 'file', size: 1, text: "AS '$libdir/gdal/x', 'f'" }],
    ]);
    tree.delete('lib/postgis-3.so');
    const errors = checkLayout(tree, {
      platform: 'linux/amd64',
      extension: meta({ sql_name: 'postgis_topology' }),
    })
      .filter((f) => f.level === 'error')
      .map((f) => `${f.file}: ${f.reason.split(':')[0]}`);
    expect(errors).toEqual([
      "share/extension/postgis.control: module_pathname = '$libdir/postgis-3'",
      "share/extension/postgis--3.6.1.sql: '$libdir/gdal/x' (line 1)",
      "share/extension/postgis_topology--3.6.1.sql: LOAD '$libdir/postgis_topology-3' (line 2)",
    ]);
  });

  it('a misplaced control file is an error for the named extension, a warning for another', () => {
    const tree = postgisTree([
      ['share/other.control', { type: 'file', size: 1, text: "default_version = '1'" }],
    ]);
    const findings = checkLayout(tree, { platform: 'linux/amd64', extension: meta() });
    expect(show(findings).filter((l) => l.includes('share/other.control'))).toEqual([
      'warning share/other.control: control file outside share/extension: PostgreSQL never looks for it there',
    ]);
    tree.set('share/postgis.control', tree.get('share/extension/postgis.control')!);
    tree.delete('share/extension/postgis.control');
    expect(show(checkLayout(tree, { platform: 'linux/amd64', extension: meta() }))).toContain(
      'error share/postgis.control: control file outside share/extension: PostgreSQL never looks for it there',
    );
  });

  it('a preloaded library missing from the image is an error', () => {
    const findings = checkLayout(postgisTree(), {
      platform: 'linux/amd64',
      extension: meta({ shared_preload_libraries: ['postgis-3', 'pg_cron', '$libdir/postgis-3'] }),
    });
    expect(findings.filter((f) => f.level === 'error').map((f) => f.reason)).toEqual([
      'shared_preload_libraries names pg_cron, but there is no pg_cron.so in lib: the server does not start',
      expect.stringMatching(
        /^shared_preload_libraries names '\$libdir\/postgis-3': preloading goes through load_file, which never strips \$libdir/,
      ),
    ]);
  });

  it('reads library names as PostgreSQL 18 does', () => {
    expect(libraryName('$libdir/vector')).toEqual({ name: 'vector', kind: 'libdir' });
    expect(libraryName('$libdir/a/b')).toEqual({ name: 'a/b', kind: 'nested' });
    expect(libraryName('vector')).toEqual({ name: 'vector', kind: 'bare' });
    expect(libraryName('/usr/lib/x.so')).toEqual({ name: '/usr/lib/x.so', kind: 'path' });
  });
});

describe('links and names that leave the image', () => {
  const link = (linkname: string): ImageFile => ({ type: 'symlink', size: 0, linkname });
  const so = (): ImageFile => ({ type: 'file', size: 1, head: elf(2, true, 62) });
  const linkFindings = (files: ImageFiles) =>
    checkLayout(files, { platform: 'linux/amd64' })
      .filter((f) => /link/.test(f.reason))
      .map((f) => `${f.level} ${f.file}: ${f.reason}`);

  it('rejects absolute links, links that climb out of the image, and chains that do through another link', () => {
    const files: ImageFiles = new Map([
      ['lib/data', link('/var/lib/postgresql/data')],
      ['share/extension/x--1.1.sql', link('../../../../etc/passwd')],
      ['lib/x.so', so()],
      ['lib/evil.so', link('../../../../lib/x.so')],
      // lib/root points at the image root (inside); lib/up goes one further through it.
      ['lib/root', link('..')],
      ['lib/up', link('root/../x')],
    ]);
    expect(linkFindings(files)).toEqual([
      'error lib/data: symbolic link to /var/lib/postgresql/data: an absolute link points into the PostgreSQL container, not the image',
      'error share/extension/x--1.1.sql: symbolic link to ../../../../etc/passwd leaves the image',
      'error lib/evil.so: symbolic link to ../../../../lib/x.so leaves the image',
      'error lib/up: symbolic link to root/../x leaves the image (through lib/root)',
    ]);
  });

  it('keeps the relative links real Debian/PGDG images have inside the image', () => {
    const files: ImageFiles = new Map([
      ['lib/libfoo.so.1.2', so()],
      ['lib/libfoo.so', link('libfoo.so.1.2')],
      ['lib/libfoo.so.1', link('./libfoo.so.1.2')],
      ['system/libgeos.so.3.12.1', so()],
      ['system/libgeos.so', link('libgeos.so.3.12.1')],
      ['lib/sys', link('../system')],
      ['lib/geos.so', link('sys/libgeos.so')],
      ['share/extension/postgis--3.6.1.sql', { type: 'file', size: 1, text: 'x' }],
      ['share/contrib/postgis-3.6/postgis.sql', link('../../extension/postgis--3.6.1.sql')],
      ['lib/bitcode/postgis-3', { type: 'directory', size: 0 }],
      ['lib/bitcode/postgis-3.index.bc', { type: 'file', size: 1 }],
    ]);
    expect(linkFindings(files)).toEqual([]);
    // A library link to nothing in the image is still an error; a loop resolves to nothing.
    files.set('lib/a.so', link('b.so'));
    files.set('lib/b.so', link('a.so'));
    expect(linkFindings(files)).toEqual([
      'error lib/a.so: symbolic link to b.so which is not in the image',
      'error lib/b.so: symbolic link to a.so which is not in the image',
    ]);
  });

  it('refuses tar entries whose names or hard-link targets have ".." parts', async () => {
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
    const end = new Promise<void>((r) => pack.on('end', () => r()));
    pack.entry({ name: 'lib/ok.so', size: 1 }, 'x');
    pack.entry({ name: 'share/../../etc/cron.d/x', size: 1 }, 'x');
    pack.entry({ name: '../x', size: 1 }, 'x');
    pack.entry({ name: 'lib/hard.so', type: 'link', linkname: 'lib/../../etc/shadow' });
    pack.finalize();
    await end;
    const files: ImageFiles = new Map();
    const refused: { name: string; reason: string }[] = [];
    await applyLayer(files, gzipSync(Buffer.concat(chunks)), 'gzip', { refused });
    expect([...files.keys()]).toEqual(['lib/ok.so']);
    expect(refused).toEqual([
      { name: 'share/../../etc/cron.d/x', reason: 'a tar entry whose name has a ".." part: refused' },
      { name: '../x', reason: 'a tar entry whose name has a ".." part: refused' },
      {
        name: 'lib/hard.so',
        reason: 'a hard link to lib/../../etc/shadow, whose name has a ".." part: refused',
      },
    ]);
  });

  it('caps the memory the whole tree takes, not only each file', async () => {
    const text = 'x'.repeat(4096);
    const layer = await tarGz(
      Array.from({ length: 64 }, (_, i) => ({ name: `share/extension/e--${i}.sql`, body: text })),
    );
    // Each file is far under the per-file limit; together they are over a 128 KiB budget.
    const budget = { maxBytes: 128 * 1024, used: 0 };
    await expect(applyLayer(new Map(), layer, 'gzip', { budget })).rejects.toThrow(
      'the image needs more than 0.1 MiB of memory to check (file names, the first bytes of every file, the text of SQL and control files)',
    );
    const roomy = { maxBytes: 1024 * 1024, used: 0 };
    const files: ImageFiles = new Map();
    await applyLayer(files, layer, 'gzip', { budget: roomy });
    expect(files.size).toBe(64);
    expect(roomy.used).toBeGreaterThan(64 * 4096);
  });
});
