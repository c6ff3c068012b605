import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { loadExtensions } from '../../matrix/index.js';
import { catalogDigests, parseAge, prune } from '../../prune/index.js';
import { parseReference } from '../../registry/reference.js';
import { listFlag, parseFlags, printWarnings, type Command } from '../command.js';
import { registryFlags, registryOptions } from './inspect.js';

export const pruneCommand: Command = {
  name: 'prune',
  summary:
    'delete testing images older than a cut-off, keeping the newest per target and anything production or a catalog references',
  usage:
    'ext-actions prune --registry REG [--root DIR] [--extension NAME]... [--older-than 7d] [--keep 1] ' +
    '[--catalog FILE]... [--dry-run] [--username USER --password-stdin]',
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      ...registryFlags,
      registry: { type: 'string' },
      root: { type: 'string', default: '.' },
      extension: { type: 'string', multiple: true },
      'older-than': { type: 'string', default: '7d' },
      keep: { type: 'string', default: '1' },
      catalog: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
    });
    if (!values.registry)
      throw new UserError(`--registry is required (e.g. ghcr.io/my-org)\nusage: ${this.usage}`);
    parseReference(`${values.registry}/x`, '--registry');
    if (values.registry.split('/')[0] === 'ghcr.io')
      throw new UserError(
        '--registry: ghcr.io deletes through the GitHub packages API, which prune does not drive yet; use the registry API of another registry',
      );
    const keep = Number(values.keep);
    if (!/^\d+$/.test(values.keep) || keep < 1)
      throw new UserError(`--keep: expected 1 or more, got ${JSON.stringify(values.keep)}`);
    const olderThanMs = parseAge(values['older-than']);
    const protectedDigests = new Set<string>();
    for (const file of values.catalog ?? []) {
      const text = await readFile(path.resolve(io.cwd, file), 'utf8').catch(() => {
        throw new UserError(`--catalog ${file}: cannot be read`);
      });
      for (const d of catalogDigests(text)) protectedDigests.add(d);
    }
    const extensions = await loadExtensions(path.resolve(io.cwd, values.root), listFlag(values.extension));
    for (const e of extensions) printWarnings(io, e.warnings);
    const result = await prune({
      ...(await registryOptions(values, io)),
      registry: values.registry,
      extensions,
      olderThanMs,
      keep,
      now: new Date(),
      protectedDigests,
      dryRun: values['dry-run'],
      log: (m) => io.stdout(`${m}\n`),
    });
    io.stdout(
      `${values['dry-run'] ? 'would delete' : 'deleted'} ${result.deleted.length} manifest(s); kept ${result.kept.length} old tag(s)\n`,
    );
    return 0;
  },
};
