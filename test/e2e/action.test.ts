/** e2e/action.yml declares exactly the inputs actions/e2e/inputs.ts reads, with the same defaults. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { shape } from '../../actions/e2e/inputs.js';

const meta = parse(readFileSync(path.resolve(import.meta.dirname, '../../e2e/action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string; post: string };
};

describe('e2e/action.yml', () => {
  it('declares every input the action reads, and no other', () => {
    expect(Object.keys(meta.inputs).sort()).toEqual(Object.keys(shape).sort());
  });
  it('build mode: build defaults to false, image has no default, images is an output', () => {
    expect(meta.inputs['build']!.default).toBe('false');
    expect(meta.inputs['image']!.default).toBeUndefined();
    expect(meta.outputs).toHaveProperty('images');
    expect(meta.runs).toEqual({ using: 'node24', main: '../dist/e2e/index.js', post: '../dist/e2e/post.js' });
  });
});
