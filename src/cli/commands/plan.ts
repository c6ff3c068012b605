import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import {
  ENVIRONMENTS,
  buildPlan,
  loadExtensions,
  noExtensionsMessage,
  planTable,
  scanExtensions,
  resolveTimestamp,
  toBakeDefinition,
  toMatrix,
} from '../../matrix/index.js';
import { listFlag, oneOf, parseFlags, printWarnings, type Command } from '../command.js';
import { flagOf, specs } from '../specs.js';

export const plan: Command = {
  ...specs.plan,
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      root: { type: 'string', default: '.' },
      extension: { type: 'string', multiple: true },
      registry: { type: 'string', default: 'localhost:5000' },
      environment: { type: 'string' },
      timestamp: { type: 'string' },
      revision: { type: 'string', default: '' },
      format: { type: 'string' },
      'bake-file': { type: 'string' },
      platforms: { type: 'string', multiple: true },
      'base-image': { type: 'string' },
      url: { type: 'string' },
      source: { type: 'string' },
      documentation: { type: 'string' },
      vendor: { type: 'string' },
      authors: { type: 'string' },
      'gha-cache': { type: 'boolean', default: false },
    });
    const format = oneOf('--format', values.format, ['bake', 'matrix', 'table'] as const, 'bake');
    const environment = oneOf('--environment', values.environment, ENVIRONMENTS, 'testing');
    const timestamp = resolveTimestamp(values.timestamp, '--timestamp', io.env);
    const platforms = listFlag(values.platforms);
    if (values.platforms && platforms.length === 0)
      throw new UserError('--platforms: expected a list such as linux/amd64');
    const root = path.resolve(io.cwd, values.root);
    const extensions = await loadExtensions(root, listFlag(values.extension), {
      build: true,
      rootLabel: '--root',
      warn: (w) => printWarnings(io, [w]),
    });
    if (extensions.length === 0)
      throw new UserError(noExtensionsMessage(await scanExtensions(root), '--root'));
    for (const ext of extensions) printWarnings(io, ext.warnings);
    const result = buildPlan(extensions, {
      // Contexts are written relative to where bake runs: the current directory.
      cwd: io.cwd,
      label: (option) => flagOf(specs.plan, option),
      registry: values.registry,
      environment,
      timestamp,
      revision: values.revision,
      baseImage: values['base-image'],
      platforms: platforms.length ? platforms : undefined,
      url: values.url,
      source: values.source,
      documentation: values.documentation,
      vendor: values.vendor,
      authors: values.authors,
    });
    printWarnings(io, result.warnings);
    const bake = toBakeDefinition(result, { ghaCache: values['gha-cache'] });
    const bakeFile = values['bake-file'];
    if (bakeFile) {
      await writeFile(path.resolve(io.cwd, bakeFile), `${JSON.stringify(bake, null, 2)}\n`).catch(
        (err: NodeJS.ErrnoException) => {
          throw new UserError(`--bake-file: cannot write ${bakeFile} (${err.code ?? err.message})`);
        },
      );
    }
    if (format === 'table') io.stdout(`${planTable(result)}\n`);
    else if (format === 'matrix') io.stdout(`${JSON.stringify(toMatrix(result), null, 2)}\n`);
    else io.stdout(`${JSON.stringify(bake, null, 2)}\n`);
    if (values['bake-file'] && format === 'table') io.stderr(`wrote ${values['bake-file']}\n`);
    return 0;
  },
};
