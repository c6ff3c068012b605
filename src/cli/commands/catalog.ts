import path from 'node:path';
import { UserError } from '../../errors.js';
import { generateCatalogs, readBaseCatalogs, writeCatalogs } from '../../catalog/index.js';
import { loadExtensions } from '../../matrix/index.js';
import { parseReference } from '../../registry/reference.js';
import { listFlag, parseFlags, printWarnings, type Command } from '../command.js';
import { specs } from '../specs.js';
import { registryFlags, registryOptions } from './inspect.js';

export const catalogCommand: Command = {
  ...specs.catalog,
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      ...registryFlags,
      root: { type: 'string', default: '.' },
      extension: { type: 'string', multiple: true },
      registry: { type: 'string' },
      'base-catalog': { type: 'string', multiple: true },
      'output-dir': { type: 'string' },
    });
    if (!values.registry)
      throw new UserError(`--registry is required (e.g. ghcr.io/my-org)\nusage: ${this.usage}`);
    // The registry and namespace, as a repository prefix (checked like an image reference).
    parseReference(`${values.registry}/x`, '--registry');
    if (!values['output-dir']) throw new UserError(`--output-dir is required\nusage: ${this.usage}`);
    const warn = (m: string) => printWarnings(io, [m]);
    const extensions = await loadExtensions(path.resolve(io.cwd, values.root), listFlag(values.extension));
    for (const e of extensions) printWarnings(io, e.warnings);
    const bases = await readBaseCatalogs(values['base-catalog'] ?? [], io.cwd, warn);
    const files = await generateCatalogs({
      ...(await registryOptions(values, io)),
      extensions,
      registry: values.registry,
      bases,
      warn,
    });
    const written = await writeCatalogs(files, path.resolve(io.cwd, values['output-dir']));
    for (const [i, f] of files.entries())
      io.stdout(`${written[i]}: ${f.entries.length} extension image(s) from ${f.source}\n`);
    return 0;
  },
};
