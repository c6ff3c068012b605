import path from 'node:path';
import { UserError } from '../../errors.js';
import { registryInspect } from '../../e2e/flow.js';
import { resolveValues } from '../../e2e/resolve.js';
import { renderValues } from '../../e2e/values.js';
import { ENVIRONMENTS } from '../../matrix/index.js';
import { parseReference } from '../../registry/reference.js';
import { oneOf, parseFlags, printWarnings, type Command } from '../command.js';
import { specs } from '../specs.js';

export const values: Command = {
  ...specs.values,
  async run(args, io) {
    const { values: v } = parseFlags(this, args, {
      root: { type: 'string', default: '.' },
      extension: { type: 'string' },
      image: { type: 'string' },
      distro: { type: 'string' },
      'pg-major': { type: 'string' },
      registry: { type: 'string' },
      environment: { type: 'string' },
      'base-image': { type: 'string' },
      'built-image': { type: 'string', multiple: true },
    });
    if (!v.extension)
      throw new UserError(`ext-actions values: --extension is required\nusage: ${this.usage}`);
    if (!v.image) throw new UserError(`ext-actions values: --image is required\nusage: ${this.usage}`);
    // A reference in every mode (offline too): it is written into values.yaml as is.
    parseReference(v.image, '--image');
    const environment = oneOf('--environment', v.environment, ENVIRONMENTS, 'production');
    const offline = v.distro !== undefined || v['pg-major'] !== undefined;
    const env = io.env;
    const credentials =
      env['REGISTRY_USERNAME'] && env['REGISTRY_PASSWORD']
        ? { username: env['REGISTRY_USERNAME'], password: env['REGISTRY_PASSWORD'] }
        : undefined;
    const result = await resolveValues({
      root: path.resolve(io.cwd, v.root),
      extension: v.extension,
      image: v.image,
      distro: v.distro,
      pgMajor: v['pg-major'],
      registry: v.registry,
      environment,
      baseImage: v['base-image'],
      builtImages: v['built-image'] ?? [],
      inspect: offline ? undefined : registryInspect(v.image, credentials),
    });
    printWarnings(io, result.warnings);
    io.stdout(renderValues(result.values));
    return 0;
  },
};
