/** The job summary of the bake action, as Markdown (pure; the action writes it with core.summary). */
import { planTable, type Plan } from '../matrix/index.js';
import type { BakeImage } from './metadata.js';
import { htmlText, mdLine, mdCode as code, mdFence, mdText as cell } from '../action/markdown.js';

export type BakeMode = 'build' | 'digest' | 'merge';

export interface SummaryInput {
  mode: BakeMode;
  plan: Plan;
  /** Built (or merged) images; undefined in dry-run. */
  images?: readonly BakeImage[];
  push: boolean;
  dryRun: boolean;
  /** Commands shown in dry-run. */
  commands?: readonly string[];
  qemu?: string;
  /** Why the selection is what it is (e.g. changed extensions). */
  selection?: string;
}

function status(input: SummaryInput): string {
  if (input.dryRun) return '**Dry run**: nothing was built or pushed; the commands below are what would run.';
  if (input.mode === 'merge')
    return 'Merged the per-platform images into one index per target and pushed the tags.';
  if (!input.push) {
    return '**Nothing was pushed** (`push: false`): every target was built to prove it builds; the digests below exist only in the build cache.';
  }
  if (input.mode === 'digest') {
    return 'Pushed by digest only (no tags): run this action with `mode: merge` to create the tagged indexes.';
  }
  return 'Built and pushed every target.';
}

export function renderSummary(input: SummaryInput): string {
  const { plan } = input;
  const out: string[] = [`## Extension images (${input.mode})`, '', status(input), ''];
  // Markdown of ours around file names from the change set: markup is escaped, one line kept.
  if (input.selection) out.push(mdLine(input.selection), '');
  if (plan.targets.length === 0) {
    out.push('No targets to build.', '');
  } else {
    const byTarget = new Map((input.images ?? []).map((i) => [i.target, i]));
    out.push('| Target | Platforms | Tags | Digest |', '| --- | --- | --- | --- |');
    for (const t of plan.targets) {
      const image = byTarget.get(t.name);
      const tags = input.mode === 'digest' ? [] : t.tags;
      out.push(
        `| ${code(t.name)} | ${cell(t.platforms.join(', '))} | ${tags.map((t) => code(t)).join('<br>')} | ${image ? code(image.digest) : '-'} |`,
      );
    }
    out.push('');
  }
  if (input.qemu) out.push(`QEMU: ${cell(input.qemu)}`, '');
  for (const w of plan.warnings) out.push(`> [!WARNING]\n> ${cell(w)}`, '');
  if (input.commands?.length) {
    out.push(
      '<details><summary>Commands</summary>',
      '',
      mdFence(input.commands.join('\n'), 'sh'),
      '',
      '</details>',
      '',
    );
  }
  out.push(
    '<details><summary>Plan</summary>',
    '',
    '<pre>',
    htmlText(planTable(plan), true),
    '</pre>',
    '',
    '</details>',
    '',
  );
  return out.join('\n');
}
