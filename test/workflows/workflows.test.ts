/**
 * This repository's workflows as GitHub will load them: actionlint 1.7.7 and GitHub's own workflow parser
 * accept each one, the hardening rules hold, and the reusable workflow uses our actions exactly as their
 * action.yml files declare them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { actionlint, formatFindings } from '../../src/workflows/actionlint.js';
import { checkContract, readActionMetadata } from '../../src/workflows/contract.js';
import { checkHardening, formatHardening } from '../../src/workflows/hardening.js';
import { workflowParser } from './workflow-parser.js';

const repo = path.resolve(import.meta.dirname, '../..');
const dir = path.join(repo, '.github/workflows');
const workflows = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');

describe('.github/workflows', () => {
  it('holds the reusable workflow, CI, release and dogfooding workflows', () => {
    expect(workflows).toEqual(
      expect.arrayContaining(['ci.yml', 'dogfood.yml', 'extensions.yml', 'release.yml']),
    );
  });

  it.each(workflows)('%s passes actionlint 1.7.7', async (f) => {
    const findings = await actionlint(read(f), `.github/workflows/${f}`);
    expect(findings, formatFindings(findings)).toEqual([]);
  });

  it.each(workflows)('%s parses with @actions/workflow-parser without errors', async (f) => {
    const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await workflowParser();
    const parsed = parseWorkflow({ name: f, content: read(f) }, new NoOperationTraceWriter());
    const errors = parsed.context.errors.getErrors().map((e) => e.message);
    expect(errors).toEqual([]);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.jobs.length).toBeGreaterThan(0);
  });

  it.each(workflows)('%s follows the hardening rules', (f) => {
    const findings = checkHardening(read(f), `.github/workflows/${f}`);
    expect(findings, formatHardening(findings)).toEqual([]);
  });
});

describe('extensions.yml (the reusable workflow)', () => {
  const text = read('extensions.yml');
  const doc = parse(text) as {
    on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> } };
    jobs: Record<string, { needs?: string[]; if?: string; permissions?: Record<string, string> }>;
  };

  it('uses our own actions only as their action.yml files declare them', () => {
    const { findings, uses } = checkContract(text, 'extensions.yml', repo);
    expect(findings.map((f) => `${f.job ?? ''}: ${f.message}`)).toEqual([]);
    expect(new Set(uses.map((u) => u.action))).toEqual(
      new Set(['bake', 'smoke', 'sign', 'e2e', 'promote', 'catalog']),
    );
  });

  it('runs every own action under node24 from dist/', () => {
    for (const name of ['bake', 'sign', 'e2e', 'promote']) {
      const meta = readActionMetadata(repo, name);
      expect(meta, `${name}/action.yml`).toBeDefined();
      const action = parse(readFileSync(meta!.file, 'utf8')) as { runs: { using: string; main: string } };
      expect(action.runs.using).toBe('node24');
      expect(action.runs.main).toBe(`../dist/${name}/index.js`);
    }
  });

  it('is called with typed inputs and an explicit registry secret', () => {
    const call = doc.on.workflow_call;
    for (const input of [
      'root',
      'registry',
      'extensions',
      'platforms',
      'native-arm64',
      'push',
      'e2e',
      'cnpg-versions',
      'promote',
    ])
      expect(call.inputs).toHaveProperty(input);
    expect(Object.keys(call.secrets)).toEqual(['registry-password', 'catalog-token']);
  });

  it('promotes only after signing and every e2e job, and only when the plan says so', () => {
    const promote = doc.jobs.promote!;
    expect(promote.needs).toEqual(expect.arrayContaining(['e2e', 'sign', 'merge']));
    expect(promote.if).toContain("needs.plan.outputs.promote == 'true'");
    expect(promote.if).toContain("needs.e2e.result == 'success'");
    expect(doc.jobs.sign!.if).toContain("needs.plan.outputs.publish == 'true'");
  });

  it('asks for id-token only where it signs', () => {
    const withIdToken = Object.entries(doc.jobs)
      .filter(([, j]) => j.permissions?.['id-token'] === 'write')
      .map(([n]) => n)
      .sort();
    expect(withIdToken).toEqual(['catalog', 'promote', 'sign']);
  });
});

describe('checkContract', () => {
  const workflow = (step: string, read = '') => `
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: {}
    outputs:
      x: \${{ steps.b.outputs.${read || 'images'} }}
    steps:
${step}
  b:
    needs: a
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - run: echo "$X"
        env:
          X: \${{ needs.a.outputs.x }}
`;
  it('accepts declared inputs and outputs', () => {
    const text = workflow(
      '      - id: b\n        uses: ./.ext-actions/bake\n        with:\n          root: .\n',
    );
    expect(checkContract(text, 'w.yml', repo).findings).toEqual([]);
  });
  it('reports an undeclared input, an unknown output, a missing action and an unknown job output', () => {
    const bad = workflow(
      '      - id: b\n        uses: ./.ext-actions/bake\n        with:\n          rooot: .\n',
      'imagez',
    );
    const messages = checkContract(bad, 'w.yml', repo).findings.map((f) => f.message);
    expect(messages.some((m) => m.includes('"rooot"'))).toBe(true);
    expect(messages.some((m) => m.includes('no output "imagez"'))).toBe(true);
    const missing = workflow('      - id: b\n        uses: ./.ext-actions/nope\n');
    expect(checkContract(missing, 'w.yml', repo).findings[0]!.message).toContain(
      'nope/action.yml does not exist',
    );
    const job = checkContract(bad.replace('needs.a.outputs.x', 'needs.a.outputs.y'), 'w.yml', repo).findings;
    expect(job.some((f) => f.message.includes('a.outputs.y'))).toBe(true);
  });
});
