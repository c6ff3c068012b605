/** The e2e action's smoke step: each image in a real PostgreSQL 18 container before a cluster starts. */
import * as core from '@actions/core';
import { UserError } from '../../src/errors.js';
import { reportLines, smoke } from '../../src/smoke/index.js';

export interface SmokeContext {
  root: string;
  extension: string;
  /** Every image of the run: required extensions are mounted from these first. */
  built: readonly string[];
  /** Where the others come from, as the e2e values take them. */
  registry: string | undefined;
  environment: 'testing' | 'production';
  credentials: { username: string; password: string } | undefined;
}

export async function smokeBeforeCluster(images: readonly string[], c: SmokeContext): Promise<void> {
  const failures: string[] = [];
  for (const image of images) {
    await core.group(`Smoke ${image} in PostgreSQL 18 (before the cluster)`, async () => {
      const report = await smoke({
        ...(c.credentials ? { credentials: c.credentials } : {}),
        image,
        root: c.root,
        extension: c.extension,
        builtImages: [...new Set([...images, ...c.built])],
        registry: c.registry,
        environment: c.environment,
        log: (m) => core.info(m),
        warn: (m) => core.warning(m),
      });
      for (const line of reportLines(report)) core.info(line);
      failures.push(...report.platforms.filter((p) => !p.ok).map((p) => p.reason ?? p.platform));
    });
  }
  if (failures.length)
    throw new UserError(`smoke: the image failed in PostgreSQL 18, no cluster was started`, failures);
}
