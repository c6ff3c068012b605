/** Adjusts the plan's bake definition for the per-platform (push by digest) mode. */
import { OUTPUT, type BakeDefinition, type Plan } from '../matrix/index.js';

/**
 * No tags; the image exporter pushes `<repository>@<digest>` only (`push-by-digest`), and
 * `name-canonical` makes `image.name` name the digest, so `merge` can join the platforms later.
 */
export function byDigestDefinition(definition: BakeDefinition, plan: Plan): BakeDefinition {
  const target: BakeDefinition['target'] = {};
  for (const t of plan.targets) {
    const original = definition.target[t.name]!;
    target[t.name] = {
      ...original,
      tags: [],
      output: [`${OUTPUT},name=${t.repository},push-by-digest=true,name-canonical=true`],
    };
  }
  return { group: definition.group, target };
}
