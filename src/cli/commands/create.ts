import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError, showValue } from '../../errors.js';
import { dockerfile, metadataHcl, readme, type ScaffoldInput } from '../../scaffold/templates.js';
import { listFlag, parseFlags, type Command } from '../command.js';
import { specs } from '../specs.js';

const NAME = /^[a-z0-9][a-z0-9_-]*$/;

export const create: Command = {
  ...specs.create,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      this,
      args,
      {
        root: { type: 'string', default: '.' },
        distros: { type: 'string', multiple: true },
        versions: { type: 'string', multiple: true },
        'package-name': { type: 'string' },
      },
      true,
    );
    if (positionals.length !== 1)
      throw new UserError(`ext-actions create: expected one NAME\nusage: ${this.usage}`);
    const name = positionals[0]!;
    if (!NAME.test(name)) {
      throw new UserError(
        `NAME: expected lower-case letters, digits, "-" or "_", starting with a letter or digit, got ${showValue(name)}`,
      );
    }
    const input: ScaffoldInput = {
      name,
      distros: values.distros ? listFlag(values.distros) : ['trixie', 'bookworm'],
      versions: values.versions ? listFlag(values.versions) : ['18'],
      packageName: values['package-name'] ?? `postgresql-%version%-${name}`,
    };
    for (const d of input.distros) {
      if (!/^[a-z0-9][a-z0-9._-]*$/.test(d))
        throw new UserError(`--distros: expected names such as trixie, got ${showValue(d)}`);
    }
    for (const v of input.versions) {
      if (!/^[0-9]+$/.test(v))
        throw new UserError(`--versions: expected PostgreSQL majors such as 18, got ${showValue(v)}`);
    }
    if (!input.distros.length || !input.versions.length) {
      throw new UserError('--distros and --versions: expected at least one value each');
    }
    if (!/^[a-z0-9][a-z0-9+.%-]*$/.test(input.packageName)) {
      throw new UserError(
        `--package-name: expected a Debian package name (use %version% for the PG major), got ${showValue(input.packageName)}`,
      );
    }
    const dir = path.resolve(io.cwd, values.root, name);
    if (
      await stat(dir).then(
        () => true,
        () => false,
      )
    ) {
      throw new UserError(
        `${path.relative(io.cwd, dir) || dir}: already exists; choose another NAME or remove the folder`,
      );
    }
    const shown = path.relative(io.cwd, dir) || '.';
    const files: [string, string][] = [
      ['metadata.hcl', metadataHcl(input)],
      ['Dockerfile', dockerfile(input)],
      ['README.md', readme(input)],
    ];
    // Written into a sibling temporary folder and renamed into place, so a failure leaves nothing behind.
    const staging = path.join(path.dirname(dir), `.${name}.ext-actions-create-${process.pid}`);
    try {
      await mkdir(staging, { recursive: true });
      for (const [file, text] of files) await writeFile(path.join(staging, file), text);
      await rename(staging, dir);
    } catch (err) {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new UserError(`--root: cannot create ${shown} (${code})`);
    }
    io.stdout(
      `created ${shown}/{metadata.hcl,Dockerfile,README.md}\n` +
        `next: fill in the package and sql versions in ${shown}/metadata.hcl (the TODO lines), then run ext-actions plan --extension ${name}\n`,
    );
    return 0;
  },
};
