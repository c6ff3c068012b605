/**
 * Every action's metadata against its code: `<name>/action.yml` declares exactly the inputs
 * `actions/<name>/inputs.ts` reads (kebab-case), its defaults are values the schema accepts and mean
 * what the schema's own fallback means, and `runs` is node24 pointing at bundles that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { inputShape as bake } from '../../actions/bake/inputs.js';
import { shape as e2e } from '../../actions/e2e/inputs.js';
import { inputShape as promote } from '../../actions/promote/inputs.js';
import { signInputs as sign } from '../../actions/sign/inputs.js';
import { inputShape as smoke } from '../../actions/smoke/inputs.js';
import { inputShape as catalog } from '../../actions/catalog/inputs.js';

const repo = path.resolve(import.meta.dirname, '../..');
const shapes: Record<string, Record<string, z.ZodType>> = { bake, catalog, e2e, promote, sign, smoke };

interface ActionMeta {
  inputs: Record<string, { description?: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string; post?: string };
}
const meta = (name: string) => parse(readFileSync(path.join(repo, name, 'action.yml'), 'utf8')) as ActionMeta;

describe('action metadata', () => {
  it('covers every action: each actions/<name>/ has a root <name>/action.yml and a schema here', () => {
    const entries = readdirSync(path.join(repo, 'actions')).filter((n) =>
      existsSync(path.join(repo, 'actions', n, 'main.ts')),
    );
    expect(entries.sort()).toEqual(Object.keys(shapes).sort());
    for (const name of entries) expect(existsSync(path.join(repo, name, 'action.yml')), name).toBe(true);
  });

  for (const [name, shape] of Object.entries(shapes)) {
    describe(`${name}/action.yml`, () => {
      const m = meta(name);

      it('declares exactly the inputs inputs.ts reads, kebab-case, each described', () => {
        expect(Object.keys(m.inputs).sort()).toEqual(Object.keys(shape).sort());
        for (const [input, spec] of Object.entries(m.inputs)) {
          expect(input).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
          expect(spec.description?.trim(), input).toBeTruthy();
        }
      });

      it('has defaults the schema accepts, meaning what an empty input means', () => {
        for (const [input, spec] of Object.entries(m.inputs)) {
          const schema = shape[input]!;
          const declared = schema.safeParse(spec.default ?? '');
          expect(declared.success, `${name}: input "${input}" default ${spec.default}`).toBe(true);
          const fallback = schema.parse('');
          // A schema fallback (what the code does with an empty input) must agree with the declared default.
          if (fallback !== '' && !(Array.isArray(fallback) && fallback.length === 0))
            expect(declared.data, `${name}: input "${input}"`).toEqual(fallback);
        }
      });

      it('runs on node24 from bundles that exist', () => {
        expect(m.runs.using).toBe('node24');
        expect(m.runs.main).toBe(`../dist/${name}/index.js`);
        expect(existsSync(path.join(repo, name, m.runs.main))).toBe(true);
        const post = existsSync(path.join(repo, 'actions', name, 'post.ts'));
        expect(m.runs.post).toBe(post ? `../dist/${name}/post.js` : undefined);
        if (m.runs.post) expect(existsSync(path.join(repo, name, m.runs.post))).toBe(true);
      });

      it('declares exactly the outputs the entry code sets, each described', () => {
        const dir = path.join(repo, 'actions', name);
        const set = new Set(
          readdirSync(dir)
            .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
            .flatMap((f) =>
              [...readFileSync(path.join(dir, f), 'utf8').matchAll(/setOutput\(\s*'([^']+)'/g)].map(
                (x) => x[1]!,
              ),
            ),
        );
        expect(Object.keys(m.outputs).sort()).toEqual([...set].sort());
        for (const [output, spec] of Object.entries(m.outputs)) {
          expect(output).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
          expect(spec.description?.trim(), output).toBeTruthy();
        }
      });
    });
  }
});
