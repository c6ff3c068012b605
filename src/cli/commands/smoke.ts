import path from 'node:path';
import { UserError } from '../../errors.js';
import { runCommand } from '../../process/exec.js';
import { reportLines, smoke, type MountMode } from '../../smoke/index.js';
import { listFlag, oneOf, parseFlags, printWarnings, type Command } from '../command.js';
import { specs } from '../specs.js';
import { registryFlags, registryOptions } from './inspect.js';

export const smokeCommand: Command = {
  ...specs.smoke,
  async run(args, io) {
    const { values } = parseFlags(this, args, {
      ...registryFlags,
      image: { type: 'string' },
      root: { type: 'string', default: '.' },
      extension: { type: 'string' },
      platform: { type: 'string', multiple: true },
      'pg-image': { type: 'string' },
      keep: { type: 'boolean', default: false },
      mount: { type: 'string' },
      registry: { type: 'string' },
      environment: { type: 'string' },
      'built-image': { type: 'string', multiple: true },
      format: { type: 'string' },
    });
    if (!values.image) throw new UserError(`ext-actions smoke: --image is required\nusage: ${this.usage}`);
    const format = oneOf('--format', values.format, ['text', 'json'] as const, 'text');
    const report = await smoke({
      ...(await registryOptions(values, io)),
      image: values.image,
      root: path.resolve(io.cwd, values.root),
      extension: values.extension,
      platforms: listFlag(values.platform),
      pgImage: values['pg-image'],
      keep: values.keep,
      mount: oneOf<MountMode>('--mount', values.mount, ['auto', 'image', 'bind'], 'auto'),
      registry: values.registry,
      environment: oneOf('--environment', values.environment, ['testing', 'production'] as const, 'testing'),
      builtImages: values['built-image'] ?? [],
      exec: (file, argv, o) => runCommand(file, argv, { env: io.env, ...o }),
      log: (m) => io.stderr(`${m}\n`),
      warn: (m) => printWarnings(io, [m]),
    });
    if (format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(`${reportLines(report).join('\n')}\n`);
    return report.ok ? 0 : 1;
  },
};
