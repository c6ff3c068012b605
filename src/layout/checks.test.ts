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
  it('resolves symlinks relative to their folder or the image root', () => {
    expect(resolveLink('lib/libx.so', 'libx.so.1')).toBe('lib/libx.so.1');
    expect(resolveLink('lib/a/libx.so', '../libx.so.1')).toBe('lib/libx.so.1');
    expect(resolveLink('lib/libx.so', '/system/libx.so.1')).toBe('system/libx.so.1');
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
