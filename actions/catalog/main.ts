import * as core from '@actions/core';
import path from 'node:path';
import { registryCredentials } from '../../src/action/inputs.js';
import { runAction } from '../../src/action/run.js';
import { writeJobSummary } from '../../src/action/summary.js';
import {
  catalogMarkdown,
  generateCatalogs,
  readBaseCatalogs,
  writeCatalogs,
} from '../../src/catalog/index.js';
import { UserError } from '../../src/errors.js';
import { loadExtensions } from '../../src/matrix/index.js';
import { parseReference } from '../../src/registry/reference.js';
import { DEFAULT_BASE_CATALOGS, getInputs } from './inputs.js';

async function main(): Promise<void> {
  const inputs = getInputs();
  const credentials = registryCredentials(inputs);
  const owner = process.env['GITHUB_REPOSITORY_OWNER'];
  const registry = inputs.registry || (owner ? `ghcr.io/${owner.toLowerCase()}` : '');
  if (!registry)
    throw new UserError(
      'input "registry": expected the registry and namespace of the production images, e.g. ghcr.io/my-org',
    );
  parseReference(`${registry}/x`, 'input "registry"');
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd();
  const extensions = await loadExtensions(path.resolve(workspace, inputs.root), inputs.extensions);
  for (const w of extensions.flatMap((e) => e.warnings)) core.warning(w);
  const sources = inputs['base-catalogs'].length
    ? inputs['base-catalogs']
    : DEFAULT_BASE_CATALOGS.split('\n');
  const files = await core.group('Image catalogs', async () => {
    const bases = await readBaseCatalogs(sources, workspace, (m) => core.warning(m));
    return generateCatalogs({
      ...(credentials ? { credentials } : {}),
      extensions,
      registry,
      bases,
      warn: (m) => core.warning(m),
    });
  });
  const written = await writeCatalogs(files, path.resolve(workspace, inputs['output-dir']));
  for (const [i, f] of files.entries())
    core.info(`${written[i]}: ${f.entries.length} extension image(s) from ${f.source}`);
  core.setOutput('files', written.join('\n'));
  core.setOutput(
    'catalogs',
    JSON.stringify(files.map((f, i) => ({ file: written[i], source: f.source, extensions: f.entries }))),
  );
  await writeJobSummary(catalogMarkdown(files));
}

void runAction(main);
