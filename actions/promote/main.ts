import * as core from '@actions/core';
import { registryCredentials } from '../../src/action/inputs.js';
import { runAction } from '../../src/action/run.js';
import { writeJobSummary } from '../../src/action/summary.js';
import {
  planPromotions,
  promotionSummary,
  runPromotions,
  type ClientOptions,
} from '../../src/registry/index.js';
import { getInputs } from './inputs.js';

async function main(): Promise<void> {
  const inputs = getInputs();
  const credentials = registryCredentials(inputs);
  const promotions = planPromotions({
    images: inputs.images || undefined,
    source: inputs.source || undefined,
    destination: inputs.destination || undefined,
    tags: inputs.tags,
    suffix: inputs.suffix,
  });
  const options: ClientOptions & { signatures: boolean; log: (m: string) => void } = {
    signatures: inputs.signatures,
    log: (m) => core.info(m),
    onRetry: ({ method, url, attempt, reason }) => core.info(`retry ${attempt}: ${method} ${url}: ${reason}`),
  };
  if (credentials) options.credentials = credentials;
  const results = await core.group(`Promote ${promotions.length} image(s)`, () =>
    runPromotions(promotions, options),
  );
  for (const tag of results.flatMap((r) => r.kept))
    core.warning(`${tag} was left on a newer build (a later run promoted it first)`);
  const images = results.map((r) => ({
    repository: r.repository,
    tags: r.tags,
    digest: r.digest,
    ref: r.ref,
    source: r.source,
    changed: r.changed,
  }));
  core.setOutput('images', JSON.stringify(images));
  core.setOutput('refs', results.map((r) => r.ref).join('\n'));
  await writeJobSummary(promotionSummary(results));
}

void runAction(main);
