import * as core from '@actions/core';
import path from 'node:path';
import { registryCredentials } from '../../src/action/inputs.js';
import { runAction } from '../../src/action/run.js';
import { writeJobSummary } from '../../src/action/summary.js';
import { UserError } from '../../src/errors.js';
import { parseImages } from '../../src/sign/refs.js';
import { reportLines, reportMarkdown, smoke, type SmokeReport } from '../../src/smoke/index.js';
import { getInputs } from './inputs.js';

async function main(): Promise<void> {
  const inputs = getInputs();
  const credentials = registryCredentials(inputs);
  if (inputs.images.trim() === '')
    throw new UserError(
      'input "images": expected the bake action\'s images output, or one <repository>@sha256:<digest> per line',
    );
  const images = parseImages(inputs.images);
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd();
  const reports: SmokeReport[] = [];
  for (const image of images) {
    const report = await core.group(`Smoke ${image.ref}`, () =>
      smoke({
        ...(credentials ? { credentials } : {}),
        image: image.ref,
        root: path.resolve(workspace, inputs.root),
        extension: inputs.extension || undefined,
        platforms: inputs.platforms,
        pgImage: inputs['pg-image'] || undefined,
        keep: inputs.keep,
        mount: inputs.mount,
        registry: inputs.registry || undefined,
        environment: inputs.environment,
        builtImages: images.map((i) => i.ref),
        log: (m) => core.info(m),
        warn: (m) => core.warning(m),
      }).then((r) => {
        for (const line of reportLines(r)) core.info(line);
        return r;
      }),
    );
    reports.push(report);
  }
  core.setOutput('report', JSON.stringify(reports));
  await writeJobSummary(reportMarkdown(reports));
  const failed = reports.flatMap((r) => r.platforms.filter((p) => !p.ok));
  for (const p of failed) core.error(p.reason ?? `${p.platform}: failed`);
  if (failed.length) core.setFailed(`smoke: ${failed.length} platform image(s) failed in PostgreSQL 18`);
}

void runAction(main);
