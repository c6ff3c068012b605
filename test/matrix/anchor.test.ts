/**
 * Checks the plan against the upstream reference data beside the project (`../shared/fixtures/anchor`,
 * or EXT_ACTIONS_ANCHOR): every upstream and fork metadata.hcl, read unchanged, must plan to exactly the
 * targets, tags, build args and annotations the reference bake file produces. The data is not part of
 * this repository, so the suite is skipped (and says so) where it is absent.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan, readExtension } from '../../src/matrix/index.js';

const anchor =
  process.env['EXT_ACTIONS_ANCHOR'] ?? path.resolve(import.meta.dirname, '../../../shared/fixtures/anchor');
const present = existsSync(path.join(anchor, 'derived', 'expected-targets.testing.json'));
if (!present) console.warn(`anchor data not found at ${anchor}: skipping the reference comparison`);

interface Expected {
  metadata_env_unescaped: Record<string, string>;
  targets: {
    name: string;
    context: string;
    dockerfile: string;
    platforms: string[];
    tags: string[];
    args: Record<string, string>;
    oci: Record<string, string>;
  }[];
}

describe.runIf(present)('reference fixtures', () => {
  const expected = present
    ? (JSON.parse(
        readFileSync(path.join(anchor, 'derived', 'expected-targets.testing.json'), 'utf8'),
      ) as Record<string, Expected>)
    : {};
  const folders = present
    ? ['metadata', 'fork-metadata'].flatMap((group) =>
        readdirSync(path.join(anchor, group)).map((name) => ({ group, name })),
      )
    : [];

  it('covers every fixture that has expectations', () => {
    expect(folders.map((f) => `${f.name}.hcl`).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(folders)('$group/$name plans exactly as the reference', async ({ group, name }) => {
    const ext = await readExtension(path.join(anchor, group, name));
    const want = expected[`${name}.hcl`]!;
    expect(ext.metadata.env).toEqual(want.metadata_env_unescaped);
    const plan = buildPlan([{ ...ext, dir: name }], {
      registry: 'ghcr.io/cloudnative-pg',
      environment: 'testing',
      timestamp: new Date('2026-08-22T10:26:57Z'),
      revision: '079bc9e7d8fd8b38595499fdf24a46943fe09ca8',
    });
    expect(plan.targets).toHaveLength(want.targets.length);
    plan.targets.forEach((t, i) => {
      const w = want.targets[i]!;
      expect({
        name: t.name,
        context: t.context,
        dockerfile: t.dockerfile,
        platforms: t.platforms,
        tags: t.tags,
        args: t.args,
      }).toEqual({
        name: w.name,
        context: w.context,
        dockerfile: w.dockerfile,
        platforms: w.platforms,
        tags: w.tags,
        args: w.args,
      });
      for (const [key, value] of Object.entries(w.oci)) {
        expect(t.labels[key], key).toBe(value);
        expect(t.annotations).toContain(`index,manifest:${key}=${value}`);
      }
    });
  });
});
