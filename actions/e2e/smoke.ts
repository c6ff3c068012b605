/** The e2e action's smoke step: each image in a real PostgreSQL 18 container before a cluster starts. */
import * as core from '@actions/core';
import { UserError } from '../../src/errors.js';
import { runCommand } from '../../src/process/exec.js';
import { reportLines, smoke } from '../../src/smoke/index.js';

export async function smokeBeforeCluster(
  images: readonly string[],
  root: string,
  extension: string,
  credentials: { username: string; password: string } | undefined,
): Promise<void> {
  const failures: string[] = [];
  for (const image of images) {
    await core.group(`Smoke ${image} in PostgreSQL 18 (before the cluster)`, async () => {
      const report = await smoke({
        ...(credentials ? { credentials } : {}),
        image,
        root,
        extension,
        builtImages: images,
        exec: (file, argv, o) => runCommand(file, argv, o?.input !== undefined ? { input: o.input } : {}),
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
