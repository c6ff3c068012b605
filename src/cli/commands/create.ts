import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError, showValue } from '../../errors.js';
import { dockerfile, metadataHcl, readme, type ScaffoldInput } from '../../scaffold/templates.js';
import { extensionNameProblem } from '../../matrix/fields.js';
import { listFlag, parseFlags, type Command } from '../command.js';
import { specs } from '../specs.js';

/**
 * Debian package names allow no `_` (Policy 5.6.1): `pg_cron` becomes `postgresql-%version%-pg-cron`.
 * PGDG sometimes drops the `pg` too (pg_cron is `postgresql-18-cron`), so the default is only a guess,
 * and the output says so.
 */
export function defaultPackageName(name: string): string {
  return `postgresql-%version%-${name.replaceAll('_', '-')}`;
}

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
    const problem = extensionNameProblem(name);
    if (problem) throw new UserError(`NAME: ${problem}`);
    const input: ScaffoldInput = {
      name,
      distros: values.distros ? listFlag(values.distros) : ['trixie', 'bookworm'],
      versions: values.versions ? listFlag(values.versions) : ['18'],
      packageName: values['package-name'] ?? defaultPackageName(name),
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
    const guessed = values['package-name'] === undefined;
    // PGDG names drop the `pg_` of some extensions (pg_cron is postgresql-18-cron) and keep it for others
    // (pg_hint_plan is postgresql-18-pg-hint-plan): search with the rest of the name.
    const core = name.replace(/^pg[_-]/, '').replaceAll('_', '-');
    const search = `apt-cache search --names-only '^postgresql-${input.versions[0]!}-.*${core}'`;
    io.stdout(
      `created ${shown}/{metadata.hcl,Dockerfile,README.md}\n` +
        (guessed
          ? `package: ${input.packageName} (derived from NAME; check the Debian name, e.g. ${search}, and rerun with --package-name if it differs)\n`
          : '') +
        `next: fill in the package and sql versions in ${shown}/metadata.hcl (the TODO lines), then run ext-actions plan --extension ${name}\n`,
    );
    return 0;
  },
};
