import path from 'node:path';
import { UserError } from '../../errors.js';
import { DEFAULT_MAX_SIZE_BYTES, formatFinding, verifyLayout } from '../../layout/index.js';
import { loadExtensions } from '../../matrix/index.js';
import { oneOf, parseFlags, printWarnings, type Command } from '../command.js';
import { specs } from '../specs.js';
import { registryFlags, registryOptions } from './inspect.js';

/** `repo:tag@digest` for a tag, the reference itself when it already names the digest. */
export function pinned(ref: string, digest: string): string {
  return ref.includes('@') ? ref : `${ref}@${digest}`;
}

export const verifyLayoutCommand: Command = {
  ...specs['verify-layout'],
  async run(args, io) {
    const { values, positionals } = parseFlags(
      this,
      args,
      {
        ...registryFlags,
        root: { type: 'string' },
        extension: { type: 'string' },
        'max-size': { type: 'string' },
        format: { type: 'string' },
      },
      true,
    );
    if (positionals.length !== 1)
      throw new UserError(`ext-actions verify-layout: expected one image reference\nusage: ${this.usage}`);
    const format = oneOf('--format', values.format, ['text', 'json'] as const, 'text');
    let maxSizeBytes = DEFAULT_MAX_SIZE_BYTES;
    if (values['max-size'] !== undefined) {
      const mib = Number(values['max-size']);
      if (!Number.isFinite(mib) || mib <= 0)
        throw new UserError(`--max-size: expected a size in MiB, got "${values['max-size']}"`);
      maxSizeBytes = Math.round(mib * 1024 * 1024);
    }
    if (values.root !== undefined && values.extension === undefined)
      throw new UserError('--root needs --extension NAME (the folder holding metadata.hcl)');
    let extension;
    if (values.extension !== undefined) {
      [extension] = await loadExtensions(path.resolve(io.cwd, values.root ?? '.'), [values.extension]);
      printWarnings(io, extension!.warnings);
    }
    const result = await verifyLayout(positionals[0]!, {
      ...(await registryOptions(values, io)),
      extension,
      maxSizeBytes,
    });
    if (format === 'json') io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else {
      for (const f of result.findings) io.stdout(`${formatFinding(f)}\n`);
      const errors = result.findings.filter((f) => f.level === 'error').length;
      io.stdout(
        `${pinned(result.ref, result.digest)}: ${result.platforms.map((p) => p.platform).join(', ') || 'no platforms'}: ` +
          `${errors} error(s), ${result.findings.length - errors} warning(s)\n`,
      );
    }
    return result.ok ? 0 : 1;
  },
};
