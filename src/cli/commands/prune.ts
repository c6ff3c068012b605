import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { loadExtensions } from '../../matrix/index.js';
import { catalogDigests, childrenOf, packagesStore, parseAge, prune } from '../../prune/index.js';
import { ClientPool } from '../../registry/client.js';
import { parseReference } from '../../registry/reference.js';
import { listFlag, oneOf, parseFlags, printWarnings, type Command } from '../command.js';
import { specs } from '../specs.js';
import { registryFlags, registryOptions } from './inspect.js';

export const pruneCommand: Command = {
  ...specs.prune,
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
      via: { type: 'string' },
    });
    if (!values.registry)
      throw new UserError(`--registry is required (e.g. ghcr.io/my-org)\nusage: ${this.usage}`);
    parseReference(`${values.registry}/x`, '--registry');
    const host = values.registry.split('/')[0]!;
    // ghcr.io takes no DELETE on the registry API: its manifests are package versions of the GitHub API.
    const via = oneOf('--via', values.via, ['auto', 'registry', 'packages'] as const, 'auto');
    const packages = via === 'packages' || (via === 'auto' && host === 'ghcr.io');
    const token = io.env['GITHUB_TOKEN'] ?? '';
    if (packages && !token)
      throw new UserError(
        `--registry ${values.registry}: deleting through the GitHub packages API needs GITHUB_TOKEN (packages: write)`,
      );
    if (packages && values.registry.split('/').length < 2)
      throw new UserError(`--registry: expected ${host}/<owner>, the owner of the packages`);
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
    const options = await registryOptions(values, io);
    if (packages && !options.credentials && host === 'ghcr.io')
      options.credentials = { username: 'token', password: token };
    const client = new ClientPool(options).get(host);
    const result = await prune({
      ...options,
      ...(packages
        ? {
            store: packagesStore({
              api: io.env['GITHUB_API_URL'] || 'https://api.github.com',
              token,
              client,
              childrenOf,
            }),
          }
        : {}),
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
