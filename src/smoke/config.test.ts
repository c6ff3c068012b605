/** Cases taken from the operator's own tests (pkg/postgres/environment_test.go, configuration and extensions tests). */
import { describe, expect, it } from 'vitest';
import {
  confLine,
  expandEnvPlaceholders,
  isLocalPath,
  isReservedEnv,
  serverConfiguration,
} from './config.js';

const expand = (v: string) => expandEnvPlaceholders(v, 'my-ext');

describe('CloudNativePG extension configuration', () => {
  it('expands ${image_root} as ExpandEnvPlaceholders does (odd $ runs are placeholders, even runs escapes)', () => {
    expect(expand('${image_root}/lib')).toBe('/extensions/my-ext/lib');
    expect(expand('${image_root}/$${literal}')).toBe('/extensions/my-ext/${literal}');
    expect(expand('$${image_root}')).toBe('${image_root}');
    expect(expand('$$${image_root}')).toBe('$/extensions/my-ext');
    expect(expand('$$$${image_root}')).toBe('$${image_root}');
    expect(expand('${typo}/x')).toBe('${typo}/x');
  });

  it('reserves PG*, CNPG_*, POD_NAME, NAMESPACE, CLUSTER_NAME (any case) and PATH/LD_LIBRARY_PATH', () => {
    for (const n of [
      'PGDATA',
      'PGHOST',
      'pgfoo',
      'CNPG_SECRET',
      'POD_NAME',
      'NAMESPACE',
      'CLUSTER_NAME',
      'PATH',
      'LD_LIBRARY_PATH',
    ])
      expect(isReservedEnv(n), n).toBe(true);
    for (const n of ['LC_ALL', 'TZ', 'FOO', 'GDAL_DATA', 'path']) expect(isReservedEnv(n), n).toBe(false);
  });

  it('keeps paths inside the extension folder (filepath.IsLocal(filepath.Join(".", p)))', () => {
    for (const p of ['lib', '/lib', './lib', 'lib/', 'a/../b']) expect(isLocalPath(p), p).toBe(true);
    for (const p of ['..', '../x', '/..', 'a/../../b']) expect(isLocalPath(p), p).toBe(false);
  });

  it('builds extension_control_path, dynamic_library_path, LD_LIBRARY_PATH, PATH and env in list order', () => {
    const c = serverConfiguration({
      extensions: [
        {
          name: 'postgis',
          image: { reference: 'r/postgis@sha256:1' },
          ld_library_path: ['/system'],
          env: [
            { name: 'GDAL_DATA', value: '${image_root}/share/gdal' },
            { name: 'PGDATA', value: 'x' },
          ],
        },
        {
          name: 'custom',
          image: { reference: 'r/custom@sha256:2' },
          extension_control_path: ['/custom/share', '../escape'],
          dynamic_library_path: ['custom/lib'],
          bin_path: ['bin'],
        },
      ],
      sharedPreloadLibraries: ['pg_cron'],
      parameters: { 'cron.database_name': 'app', extension_control_path: '/opt/user/share' },
      imagePath: '/usr/lib/postgresql/18/bin:/usr/bin',
    });
    expect(c.parameters).toEqual([
      ['cron.database_name', 'app'],
      ['shared_preload_libraries', 'pg_cron'],
      [
        'extension_control_path',
        '$system:/extensions/postgis/share:/extensions/custom/custom/share:/opt/user/share',
      ],
      ['dynamic_library_path', '$libdir:/extensions/postgis/lib:/extensions/custom/custom/lib'],
    ]);
    expect(c.env).toEqual({
      LD_LIBRARY_PATH: '/extensions/postgis/system',
      PATH: '/usr/lib/postgresql/18/bin:/usr/bin:/extensions/custom/bin',
      GDAL_DATA: '/extensions/postgis/share/gdal',
    });
    expect(c.mounts).toEqual([
      { name: 'postgis', target: '/extensions/postgis' },
      { name: 'custom', target: '/extensions/custom' },
    ]);
    expect(c.warnings).toEqual([
      'custom: extension_control_path entry ../escape escapes the extension folder (skipped)',
      'postgis: environment variable PGDATA is reserved (skipped)',
    ]);
  });

  it('escapes control characters as the operator does, so a value never adds a line', () => {
    expect(confLine('x', 'a\nshared_preload_libraries = evil\r\t\b\f\\')).toBe(
      "x = 'a\\nshared_preload_libraries = evil\\r\\t\\b\\f\\\\'",
    );
  });

  it('quotes postgresql.conf values as the server reads them', () => {
    expect(confLine('extension_control_path', "$system:/extensions/it's")).toBe(
      "extension_control_path = '$system:/extensions/it''s'",
    );
  });
});
