import * as core from '@actions/core';
import { htmlText, mdCode, mdFence } from '../../src/action/markdown.js';
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
  // core.summary puts text into HTML as is: every value is escaped here.
  const image = result.images ? `built here: ${result.images.map((i) => i.ref).join(', ')}` : inputs.image;
  const s = core.summary
    .addHeading(htmlText(`e2e ${inputs.extension}: ${result.passed ? 'passed' : 'FAILED'}`), 3)
    .addTable([
      [
        { data: 'Image', header: true },
        { data: 'CloudNativePG', header: true },
        { data: 'Node image', header: true },
      ],
      [htmlText(image), htmlText(inputs.cnpg), htmlText(inputs['node-image'])],
    ]);
  if (result.failures.length)
    s.addHeading('Failed steps', 4).addList(result.failures.map((f) => htmlText(f)));
  if (result.diagnostics)
    s.addRaw(
      `Diagnostics: ${mdCode(result.diagnostics, false)} (upload it with actions/upload-artifact)`,
      true,
    );
  s.addDetails('values.yaml', `\n\n${mdFence(result.valuesYaml.replace(/\n$/, ''), 'yaml')}\n`);
  await writeJobSummary();
}
