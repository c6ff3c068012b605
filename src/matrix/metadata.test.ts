import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { parseMetadata, readExtension, unescapeTemplate } from './metadata.js';
import { tempDir } from '../../test/support/tmp.js';

const FULL = `
metadata = {
  name                     = "demo"
  sql_name                 = "demo_sql"
  image_name               = "demo-image"
  licenses                 = ["PostgreSQL", "MIT"]
  shared_preload_libraries = ["demo"]
  postgresql_parameters    = { "demo.mode" = "on" }
  extension_control_path   = ["share"]
  dynamic_library_path     = ["lib"]
  ld_library_path          = ["system"]
  bin_path                 = ["bin"]
  env                      = { "DATA" = "$\${image_root}/share/data", "LIT" = "$$\${x}", "PCT" = "%%{y}" }
  auto_update_os_libs      = true
  required_extensions      = ["other", "base-image:pg_stat_statements", "catalog:pgvector:vector"]
  create_extension         = true

  versions = {
    trixie = {
      "18" = {
        // renovate: suite=trixie-pgdg depName=postgresql-18-demo
        package = "1.2.3-1.pgdg13+1"
        sql     = "1.2"
      }
    }
  }
}
`;

/** A minimal valid file with `extra` lines added inside `metadata = { ... }`. */
function minimal(extra = '', versions = 'trixie = { "18" = { package = "1.0-1", sql = "1.0" } }'): string {
  return `metadata = {\n  name = "demo"\n${extra}\n  versions = { ${versions} }\n}\n`;
}

async function problemsOf(text: string, folder = 'demo'): Promise<string> {
  try {
    await parseMetadata(text, 'demo/metadata.hcl', folder);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected the metadata to be rejected');
}

describe('parseMetadata: accepted forms', () => {
  it('reads every field of the current format', async () => {
    const ext = await parseMetadata(FULL, 'demo/metadata.hcl', 'demo');
    expect(ext.metadata).toEqual({
      name: 'demo',
      sql_name: 'demo_sql',
      image_name: 'demo-image',
      licenses: ['PostgreSQL', 'MIT'],
      shared_preload_libraries: ['demo'],
      postgresql_parameters: { 'demo.mode': 'on' },
      extension_control_path: ['share'],
      dynamic_library_path: ['lib'],
      ld_library_path: ['system'],
      bin_path: ['bin'],
      env: { DATA: '${image_root}/share/data', LIT: '$${x}', PCT: '%{y}' },
      auto_update_os_libs: true,
      required_extensions: ['other', 'base-image:pg_stat_statements', 'catalog:pgvector:vector'],
      create_extension: true,
      versions: { trixie: { '18': { package: '1.2.3-1.pgdg13+1', sql: '1.2' } } },
    });
    expect(ext.warnings).toEqual([]);
    expect(ext.dir).toBe('demo');
  });

  it('defaults every optional field', async () => {
    const ext = await parseMetadata(minimal(), 'demo/metadata.hcl', 'demo');
    expect(ext.metadata).toEqual({
      name: 'demo',
      sql_name: 'demo',
      image_name: 'demo',
      licenses: [],
      shared_preload_libraries: [],
      postgresql_parameters: {},
      extension_control_path: [],
      dynamic_library_path: [],
      ld_library_path: [],
      bin_path: [],
      env: {},
      auto_update_os_libs: false,
      required_extensions: [],
      create_extension: true,
      versions: { trixie: { '18': { package: '1.0-1', sql: '1.0' } } },
    });
  });

  it('accepts the older string-only versions form (no sql) with a warning about the empty sql version', async () => {
    const ext = await parseMetadata(
      minimal(
        '',
        'bookworm = { "18" = "0.8.2-1.pgdg12+1" }\n trixie = { "17" = "0.8.2-1.pgdg13+1", "18" = { package = "0.8.2-1.pgdg13+1", sql = "0.8.2" } }',
      ),
      'demo/metadata.hcl',
      'demo',
    );
    expect(ext.metadata.versions).toEqual({
      bookworm: { '18': { package: '0.8.2-1.pgdg12+1', sql: '' } },
      trixie: {
        '17': { package: '0.8.2-1.pgdg13+1', sql: '' },
        '18': { package: '0.8.2-1.pgdg13+1', sql: '0.8.2' },
      },
    });
    expect(ext.warnings).toHaveLength(2);
    expect(ext.warnings[0]).toMatch(/metadata\.versions\.bookworm\["18"\]\.sql is not set/);
  });

  it('does not warn about a missing sql version for a module without CREATE EXTENSION', async () => {
    const ext = await parseMetadata(
      minimal('create_extension = false', 'trixie = { "18" = "2.6-4" }'),
      'f',
      'demo',
    );
    expect(ext.metadata.create_extension).toBe(false);
    expect(ext.warnings).toEqual([]);
  });

  it('merges the args of target "default" and keeps per-target blocks apart', async () => {
    const text = `${minimal()}
target "default" {
  name = getBuildName(metadata.name, build.distro, build.pgVersion)
  matrix = { build = getBuildMatrix() }
  args = { POSTGIS_MAJOR = "3", JOBS = 4 }
}
target "demo-1_0-18-trixie" {
  args = { ONLY_HERE = "yes" }
}
`;
    const ext = await parseMetadata(text, 'demo/metadata.hcl', 'demo');
    expect(ext.defaultArgs).toEqual({ POSTGIS_MAJOR: '3', JOBS: '4' });
    expect(ext.targetArgs).toEqual({ 'demo-1_0-18-trixie': { ONLY_HERE: 'yes' } });
    expect(ext.warnings).toEqual([]);
  });

  it('warns about target attributes it does not apply, unknown fields and other top-level attributes', async () => {
    const text = `${minimal('sbom_generator = "syft"')}
variable "x" { default = "1" }
target "default" { platforms = ["linux/amd64"] }
`;
    const ext = await parseMetadata(text, 'demo/metadata.hcl', 'demo');
    expect(ext.warnings).toEqual([
      'demo/metadata.hcl: top-level `variable` is ignored',
      'demo/metadata.hcl: target "default": only `args` is applied; ignoring platforms',
      'demo/metadata.hcl: metadata.sbom_generator is not a known field and is ignored',
    ]);
  });

  it('accepts an optional platforms list', async () => {
    const ext = await parseMetadata(minimal('platforms = ["linux/amd64"]'), 'f', 'demo');
    expect(ext.metadata.platforms).toEqual(['linux/amd64']);
  });
});

describe('unescapeTemplate', () => {
  it('undoes $${ and %%{ and leaves the rest', () => {
    expect(unescapeTemplate('$${image_root}/x')).toBe('${image_root}/x');
    expect(unescapeTemplate('$$${x}')).toBe('$${x}');
    expect(unescapeTemplate('%%{if}')).toBe('%{if}');
    expect(unescapeTemplate('plain $ and % text')).toBe('plain $ and % text');
  });
});

describe('parseMetadata: bad input', () => {
  it('reports a syntax error with file, line and column', async () => {
    const msg = await problemsOf('metadata = {\n  name = "demo"\n  versions = {\n    trixie = \n  }\n}\n');
    expect(msg).toMatch(/^demo\/metadata\.hcl: HCL syntax error\n {2}- demo\/metadata\.hcl:4:\d+: /);
    expect(msg).not.toMatch(/\bat .*\.js:\d+/); // no stack frames
  });

  it('reports the first syntax error alone, not the errors cascading from it', async () => {
    // hcl2json reported 33 errors for this file, the real cause (line 3) last.
    const msg = await problemsOf(minimal('  sql_name = "demo\n  licenses = ["MIT"]'));
    expect(msg.split('\n')).toEqual([
      'demo/metadata.hcl: HCL syntax error',
      expect.stringMatching(/^ {2}- demo\/metadata\.hcl:3:19: Invalid multi-line string; /),
    ]);
  });

  it('names where a redefined attribute was first set', async () => {
    const msg = await problemsOf(`${minimal()}metadata = {}\n`);
    expect(msg).toMatch(
      /^demo\/metadata\.hcl: HCL syntax error\n {2}- demo\/metadata\.hcl:6:1: Attribute redefined; .*already set at demo\/metadata\.hcl:1:1\. /,
    );
    expect(msg.split('\n')).toHaveLength(2);
  });

  it('refuses a file over 256 KiB, naming the file and the limit', async () => {
    const big = minimal(`  licenses = [${'"MIT", '.repeat(40_000)}]`);
    expect(await problemsOf(big)).toMatch(
      /^demo\/metadata\.hcl: \d+ bytes is over the 256 KiB limit for a metadata file; expected a file of a few KiB$/,
    );
  });

  it('refuses nesting deeper than 64 levels with one message, not a stack overflow', async () => {
    for (const [open, close] of [
      ['[', ']'],
      ['{ a = ', ' }'],
      ['(', ')'],
      ['-', ''],
      ['x ? 1 : ', ''],
      ['"${', '}"'],
    ]) {
      const deep = `${open!.repeat(100_000)}1${close!.repeat(100_000)}`.slice(0, 200_000);
      const msg = await problemsOf(minimal(`  licenses = ${deep}`));
      expect(msg).toMatch(
        /^demo\/metadata\.hcl: HCL syntax error\n {2}- demo\/metadata\.hcl:3:\d+: Nesting too deep; .*at most 64 levels/,
      );
    }
    expect(await problemsOf(`${minimal()}target ${'"l" '.repeat(50_000)}{\n}\n`)).toMatch(
      /^demo\/metadata\.hcl: HCL syntax error\n {2}- demo\/metadata\.hcl:6:\d+: Too many block labels; /,
    );
    // 64 levels are fine (as far as the syntax goes).
    const ok = await problemsOf(minimal(`  licenses = ${'['.repeat(63)}${']'.repeat(63)}`));
    expect(ok).toContain('metadata.licenses');
  });

  it('requires the metadata attribute', async () => {
    expect(await problemsOf('other = {}\n')).toBe(
      'demo/metadata.hcl: no `metadata = { ... }` attribute found; expected the file to define one',
    );
    expect(await problemsOf('metadata {\n name = "demo"\n}\n')).toMatch(
      /^demo\/metadata\.hcl: metadata: expected an attribute holding an object/,
    );
  });

  it('requires metadata.name to equal the folder name', async () => {
    expect(await problemsOf(minimal(), 'other')).toBe(
      'demo/metadata.hcl: metadata.name: expected the folder name "other" (bake uses the folder as build context), got "demo"',
    );
  });

  it.each([
    [
      'a number where a package string is expected',
      minimal('', 'trixie = { "18" = { package = 42 } }'),
      'metadata.versions.trixie["18"].package: expected the Debian package version, e.g. "0.8.1-1.pgdg13+1", got 42',
    ],
    [
      'a missing versions map',
      'metadata = {\n name = "demo"\n}\n',
      'metadata.versions: missing; expected a map of distributions',
    ],
    [
      'a missing name',
      'metadata = {\n versions = { trixie = { "18" = "1.0-1" } }\n}\n',
      'metadata.name: missing; expected the extension folder name',
    ],
    [
      'a list where a map is expected',
      minimal('env = ["A=1"]'),
      'metadata.env: expected a map of environment variable values (strings), got ["A=1"]',
    ],
    [
      'a string where a bool is expected',
      minimal('create_extension = "yes"'),
      'metadata.create_extension: expected true or false, got "yes"',
    ],
    [
      'a non-string list item',
      minimal('licenses = ["MIT", 3]'),
      'metadata.licenses[1]: expected SPDX license identifiers, got 3',
    ],
    [
      'an absolute path',
      minimal('ld_library_path = ["/system"]'),
      'metadata.ld_library_path[0]: expected a path relative to the image root (no leading "/", no ".."), got "/system"',
    ],
    [
      'a path leaving the image',
      minimal('bin_path = ["../bin"]'),
      'metadata.bin_path[0]: expected a path relative to the image root',
    ],
    [
      'an upper-case name',
      minimal().replace('"demo"', '"Demo"'),
      'metadata.name: expected lower-case letters, digits, "-" or "_", starting and ending with a letter or digit (CloudNativePG extension names), got "Demo"',
    ],
    [
      'a name ending in "-" (CloudNativePG refuses it)',
      minimal().replace('"demo"', '"demo-"'),
      'metadata.name: expected lower-case letters, digits, "-" or "_", starting and ending with a letter or digit',
    ],
    [
      'a name over 59 characters',
      minimal().replace('"demo"', `"${'d'.repeat(60)}"`),
      'metadata.name: expected at most 59 characters (CloudNativePG extension names)',
    ],
    [
      'a bad image name',
      minimal('image_name = "my image"'),
      'metadata.image_name: expected a registry repository name',
    ],
    [
      'a non-numeric PG major',
      minimal('', 'trixie = { "pg18" = "1.0-1" }'),
      'metadata.versions.trixie.pg18: expected a PostgreSQL major version such as "18" as the key, got "pg18"',
    ],
    [
      'a bad distro key',
      minimal('', 'Trixie = { "18" = "1.0-1" }'),
      'metadata.versions.Trixie: expected a distribution name such as "trixie"',
    ],
    [
      'an empty distro',
      minimal('', 'trixie = {}'),
      'metadata.versions.trixie: expected at least one PostgreSQL major',
    ],
    ['no distro at all', minimal('', ''), 'metadata.versions: expected at least one distribution'],
    [
      'a package version without a leading number',
      minimal('', 'trixie = { "18" = "v1.0-1" }'),
      'metadata.versions.trixie["18"].package: expected a Debian package version starting with [epoch:]N(.N)*, e.g. "0.8.1-1.pgdg13+1", got "v1.0-1"',
    ],
    [
      'an unfilled package placeholder',
      minimal('', 'trixie = { "18" = { package = "<package-version-here>", sql = "1.0" } }'),
      'metadata.versions.trixie["18"].package: the placeholder "<package-version-here>" is not filled in',
    ],
    [
      'an unfilled sql placeholder',
      minimal('', 'trixie = { "18" = { package = "1.0-1", sql = "<sql-version-here>" } }'),
      'metadata.versions.trixie["18"].sql: the placeholder "<sql-version-here>" is not filled in',
    ],
    [
      'an expression',
      minimal('sql_name = var.x'),
      'metadata.sql_name: expected a literal value, got the expression "${var.x}"',
    ],
    [
      'a bad required extension',
      minimal('required_extensions = ["Not A Name"]'),
      'metadata.required_extensions[0]: expected the folder name of another extension',
    ],
    [
      'a self requirement',
      minimal('required_extensions = ["demo"]'),
      'metadata.required_extensions[0]: an extension cannot require itself',
    ],
    [
      'a bad platform',
      minimal('platforms = ["amd64"]'),
      'metadata.platforms[0]: expected a platform such as "linux/amd64", got "amd64"',
    ],
    [
      'an empty platforms list',
      minimal('platforms = []'),
      'metadata.platforms: expected at least one platform',
    ],
    [
      'an expression in override args',
      `${minimal()}\ntarget "default" { args = { A = "\${metadata.name}" } }\n`,
      'target "default".args.A: expected a literal value, got the expression',
    ],
    // Untrusted text: every field has a character set, checked as written (issue 14 #6).
    [
      'a line break in the sql version (it would add a label line)',
      minimal('', 'trixie = { "18" = { package = "1.0-1", sql = "1.0\\nfoo=bar" } }'),
      'metadata.versions.trixie["18"].sql: expected printable text without line breaks, control characters or invisible Unicode format characters (such as U+202E), got "1.0\\nfoo=bar"',
    ],
    [
      'markup after a line break in a licence',
      minimal('licenses = ["MIT\\r\\n<img src=x>"]'),
      'metadata.licenses[0]: expected printable text without line breaks',
    ],
    [
      'markup in a licence',
      minimal('licenses = ["MIT <img src=x>"]'),
      'metadata.licenses[0]: expected an SPDX license identifier or expression',
    ],
    [
      'a line break in the package version (it would reach EXT_VERSION)',
      minimal('', 'trixie = { "18" = { package = "1.0-1\\nEVIL=1", sql = "1.0" } }'),
      'metadata.versions.trixie["18"].package: expected printable text without line breaks',
    ],
    [
      'a space in the package version',
      minimal('', 'trixie = { "18" = { package = "1.0-1 evil", sql = "1.0" } }'),
      'metadata.versions.trixie["18"].package: expected a Debian package version of letters, digits',
    ],
    [
      'markup in the sql version',
      minimal('', 'trixie = { "18" = { package = "1.0-1", sql = "1<b>" } }'),
      'metadata.versions.trixie["18"].sql: expected the control file\'s default_version',
    ],
    [
      'a right-to-left override (U+202E) in sql_name',
      minimal('sql_name = "demo\\u202egpj"'),
      'metadata.sql_name: expected printable text without line breaks, control characters or invisible Unicode format characters (such as U+202E), got "demo\\u202egpj"',
    ],
    [
      'a Kelvin sign in image_name (HCL makes it "K", which lower-cases to "k")',
      minimal('image_name = "\u212Aube"'),
      'metadata.image_name: expected a registry repository name (lower-case letters, digits, ".", "_", "-", "/"), got "Kube"',
    ],
    [
      'an upper-case image_name',
      minimal('image_name = "Demo"'),
      'metadata.image_name: expected a registry repository name (lower-case letters',
    ],
    [
      'a quote in sql_name',
      minimal('sql_name = "demo\\"; DROP"'),
      'metadata.sql_name: expected an extension name of letters, digits',
    ],
    [
      'a comma in a preloaded library',
      minimal('shared_preload_libraries = ["a,b"]'),
      'metadata.shared_preload_libraries[0]: expected a library name',
    ],
    [
      'a bad parameter name',
      minimal('postgresql_parameters = { "a b" = "1" }'),
      'metadata.postgresql_parameters: expected a PostgreSQL parameter name such as "cron.database_name" as the key, got "a b"',
    ],
    [
      'a line break in a parameter value',
      minimal('postgresql_parameters = { "a.b" = "1\\nc = 2" }'),
      'metadata.postgresql_parameters["a.b"]: expected printable text without line breaks',
    ],
    [
      'a bad environment variable name',
      minimal('env = { "A=B" = "1" }'),
      'metadata.env: expected a variable name',
    ],
    [
      'a space in a path',
      minimal('bin_path = ["my bin"]'),
      'metadata.bin_path[0]: expected a path relative to the image root (letters',
    ],
    [
      'a bad prefixed required extension',
      minimal('required_extensions = ["base-image:a b"]'),
      'metadata.required_extensions[0]: expected an extension name (letters, digits, "_", "-", "."), e.g. "base-image:pg_stat_statements" after "base-image:", got "base-image:a b"',
    ],
    [
      'a line break in an override argument',
      `${minimal()}\ntarget "default" { args = { A = "x\\ny" } }\n`,
      'target "default".args.A: expected printable text without line breaks',
    ],
    [
      'a bad override argument name',
      `${minimal()}\ntarget "default" { args = { "A B" = "x" } }\n`,
      'target "default".args: expected build argument names',
    ],
    // Misspelled fields are errors with a suggestion (issue 15).
    [
      'a misspelled field',
      minimal('licences = ["MIT"]'),
      'metadata.licences: not a known field; did you mean licenses?',
    ],
    [
      'a transposed field',
      minimal('sql_nmae = "x"'),
      'metadata.sql_nmae: not a known field; did you mean sql_name?',
    ],
    [
      'a misspelled version field',
      minimal('', 'trixie = { "18" = { package = "1.0-1", sqll = "1.0" } }'),
      'metadata.versions.trixie["18"].sqll: not a known field; did you mean sql?',
    ],
  ])('rejects %s', async (_, text, expected) => {
    const msg = await problemsOf(text);
    expect(msg.startsWith('demo/metadata.hcl: ')).toBe(true);
    expect(msg).toContain(expected);
  });

  it('lists every problem of a file at once', async () => {
    const msg = await problemsOf(
      minimal('create_extension = 1\n licenses = "MIT"', 'trixie = { "18" = { package = true } }'),
    );
    expect(msg.split('\n')[0]).toBe('demo/metadata.hcl: 3 problems in the extension metadata');
    expect(msg).toContain('metadata.create_extension: expected true or false, got 1');
    expect(msg).toContain('metadata.licenses: expected a list of SPDX license identifiers, got "MIT"');
    expect(msg).toContain('metadata.versions.trixie["18"].package: expected the Debian package version');
  });
});

describe('parseMetadata: every problem of a file in one run', () => {
  it('lists type errors and the checks of the fields that are well-typed together', async () => {
    const msg = await problemsOf(
      minimal(
        '  sql_name = 5\n  create_extension = "yes"',
        'trixie = { "18" = { package = "latest", sql = "1.0" } }',
      ),
    );
    expect(msg.split('\n')).toEqual([
      'demo/metadata.hcl: 3 problems in the extension metadata',
      '  - metadata.sql_name: expected the name used by CREATE EXTENSION, got 5',
      '  - metadata.create_extension: expected true or false, got "yes"',
      '  - metadata.versions.trixie["18"].package: expected a Debian package version starting with [epoch:]N(.N)*, e.g. "0.8.1-1.pgdg13+1", got "latest"',
    ]);
  });

  it('checks the other versions when one is mistyped, without blaming what it set aside', async () => {
    const msg = await problemsOf(
      minimal('', 'trixie = { "18" = { package = 42 } }, bookworm = { "18" = "latest", "17" = "1.0-1" }'),
    );
    expect(msg.split('\n')).toEqual([
      'demo/metadata.hcl: 2 problems in the extension metadata',
      '  - metadata.versions.trixie["18"].package: expected the Debian package version, e.g. "0.8.1-1.pgdg13+1", got 42',
      '  - metadata.versions.bookworm["18"].package: expected a Debian package version starting with [epoch:]N(.N)*, e.g. "0.8.1-1.pgdg13+1", got "latest"',
    ]);
  });

  it('still checks the folder name when another field is mistyped', async () => {
    const msg = await problemsOf(minimal('  licenses = "MIT"'), 'other');
    expect(msg).toContain('metadata.licenses: expected a list of SPDX license identifiers, got "MIT"');
    expect(msg).toContain('metadata.name: expected the folder name "other"');
  });
});

describe('readExtension', () => {
  it('reads <dir>/metadata.hcl and checks the folder name', async () => {
    const root = await tempDir('ext-meta-');
    await mkdir(path.join(root, 'demo'));
    await writeFile(path.join(root, 'demo', 'metadata.hcl'), minimal());
    const ext = await readExtension(path.join(root, 'demo'));
    expect(ext.metadata.name).toBe('demo');
    expect(ext.file).toBe(path.join(root, 'demo', 'metadata.hcl'));
  });

  it('refuses a file over 256 KiB before reading it', async () => {
    const root = await tempDir('ext-meta-');
    await mkdir(path.join(root, 'demo'));
    const file = path.join(root, 'demo', 'metadata.hcl');
    await writeFile(file, `${minimal()}${'#'.repeat(300 * 1024)}\n`);
    const size = (await readFile(file)).length;
    await expect(readExtension(path.join(root, 'demo'))).rejects.toThrow(
      `${file}: ${size} bytes is over the 256 KiB limit for a metadata file`,
    );
  });

  it('names the missing file', async () => {
    const root = await tempDir('ext-meta-');
    await expect(readExtension(path.join(root, 'nothing'))).rejects.toThrow(
      `${path.join(root, 'nothing', 'metadata.hcl')}: not found; expected an extension folder holding metadata.hcl`,
    );
  });
});
