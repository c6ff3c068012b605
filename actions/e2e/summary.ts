import * as core from '@actions/core';
import { writeJobSummary } from '../../src/action/summary.js';
import type { RunResult } from '../../src/e2e/runner.js';
import type { Inputs } from './inputs.js';

export const STATE = {
  keep: 'e2e-keep',
  kind: 'e2e-kind',
  clusters: 'e2e-clusters',
  registry: 'e2e-registry',
  network: 'e2e-network',
  builder: 'e2e-builder',
} as const;

export async function writeSummary(
  inputs: Inputs,
  result: RunResult & { valuesYaml: string; images?: { ref: string }[] | undefined },
): Promise<void> {
  const image = result.images ? `built here: ${result.images.map((i) => i.ref).join(', ')}` : inputs.image;
  const s = core.summary
    .addHeading(`e2e ${inputs.extension}: ${result.passed ? 'passed' : 'FAILED'}`, 3)
    .addTable([
      [
        { data: 'Image', header: true },
        { data: 'CloudNativePG', header: true },
        { data: 'Node image', header: true },
      ],
      [image, inputs.cnpg, inputs['node-image']],
    ]);
  if (result.failures.length) s.addHeading('Failed steps', 4).addList(result.failures);
  if (result.diagnostics)
    s.addRaw(`Diagnostics: \`${result.diagnostics}\` (upload it with actions/upload-artifact)`, true);
  s.addDetails('values.yaml', `\n\n\`\`\`yaml\n${result.valuesYaml}\`\`\`\n`);
  await writeJobSummary();
}
