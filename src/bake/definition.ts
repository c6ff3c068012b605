/** Adjusts the plan's bake definition for the per-platform (push by digest) mode. */
import { OUTPUT, type BakeDefinition, type Plan } from '../matrix/index.js';

/** `type=gha,scope=<target>,...` -> `type=gha,scope=<target>-<suffix>,...`. */
function scoped(entries: readonly string[] | undefined, suffix: string): string[] | undefined {
  return entries?.map((e) =>
    e
      .split(',')
      .map((kv) => (kv.startsWith('scope=') ? `${kv}-${suffix}` : kv))
      .join(','),
  );
}

/**
 * No tags; the image exporter pushes `<repository>@<digest>` only (`push-by-digest`), and
 * `name-canonical` makes `image.name` name the digest, so `merge` can join the platforms later.
 * Cache scopes get the platforms as a suffix: jobs of other platforms running at the same time
 * would otherwise overwrite each other's cache of the same target.
 */
export function byDigestDefinition(definition: BakeDefinition, plan: Plan): BakeDefinition {
  const target: BakeDefinition['target'] = {};
  for (const t of plan.targets) {
    const original = definition.target[t.name]!;
    const suffix = t.platforms.map((p) => p.replaceAll('/', '-')).join('_');
    const cacheFrom = scoped(original['cache-from'], suffix);
    const cacheTo = scoped(original['cache-to'], suffix);
    target[t.name] = {
      ...original,
      tags: [],
      output: [`${OUTPUT},name=${t.repository},push-by-digest=true,name-canonical=true`],
      ...(cacheFrom ? { 'cache-from': cacheFrom } : {}),
      ...(cacheTo ? { 'cache-to': cacheTo } : {}),
    };
  }
  return { group: definition.group, target };
}
