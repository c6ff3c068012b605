/**
 * The callers in docs/scheduled-maintenance.md as GitHub would load them: each complete workflow passes
 * actionlint, the workflow parser and the hardening rules, and every job calling os-libs.yml or
 * prune.yml grants exactly the permissions the jobs of that workflow use. The snippets with jobs only
 * get the same permission check. (test/actions/docs.test.ts checks their inputs and secrets.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { actionlint, formatFindings } from '../../src/workflows/actionlint.js';
import { checkHardening, formatHardening } from '../../src/workflows/hardening.js';
import { workflowParser } from './workflow-parser.js';

const repo = path.resolve(import.meta.dirname, '../..');
const doc = readFileSync(path.join(repo, 'docs/scheduled-maintenance.md'), 'utf8');
const blocks = [...doc.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m) => ({
  line: doc.slice(0, m.index).split('\n').length,
  text: m[1]!,
}));
interface Workflow {
  on?: unknown;
  jobs: Record<
    string,
    { uses?: string; permissions?: Record<string, string>; with?: Record<string, unknown> }
  >;
}
const complete = blocks.filter((b) => (parse(b.text) as Workflow).on !== undefined);

function jobPermissions(file: string): Record<string, string> {
  const wf = parse(readFileSync(path.join(repo, file), 'utf8')) as {
    jobs: Record<string, { permissions: Record<string, string> }>;
  };
  const rank: Record<string, number> = { read: 1, write: 2 };
  const out: Record<string, string> = {};
  for (const job of Object.values(wf.jobs))
    for (const [scope, level] of Object.entries(job.permissions))
      if ((rank[level] ?? 0) > (rank[out[scope] ?? ''] ?? 0)) out[scope] = level;
  return out;
}

describe('docs/scheduled-maintenance.md', () => {
  it('holds a complete caller for each workflow, and a snippet', () => {
    expect(complete).toHaveLength(2);
    expect(blocks.length).toBeGreaterThan(complete.length);
  });

  it.each(complete.map((b) => [b.line, b.text] as const))(
    'the caller at line %i passes actionlint, the parser and the hardening rules',
    async (line, text) => {
      const file = `docs/scheduled-maintenance.md:${line}`;
      const lint = await actionlint(text, 'caller.yml');
      expect(lint, formatFindings(lint)).toEqual([]);
      const hard = checkHardening(text, file, { allowTagged: ['cnpg/ext-actions'] });
      expect(hard, formatHardening(hard)).toEqual([]);
      const { parseWorkflow, NoOperationTraceWriter } = await workflowParser();
      const parsed = parseWorkflow({ name: 'caller.yml', content: text }, new NoOperationTraceWriter());
      expect(parsed.context.errors.getErrors()).toEqual([]);
    },
  );

  it('grants each called workflow exactly the permissions its jobs use', () => {
    let calls = 0;
    for (const block of blocks)
      for (const job of Object.values((parse(block.text) as Workflow).jobs)) {
        const m = /^cnpg\/ext-actions\/(\.github\/workflows\/[\w-]+\.yml)@/.exec(job.uses ?? '');
        if (!m) continue;
        calls++;
        expect(job.permissions, `line ${block.line}`).toEqual(jobPermissions(m[1]!));
      }
    expect(calls).toBe(blocks.length);
  });

  it('passes no ext-actions-ref: the uses: ref is the one place the version lives', () => {
    for (const block of blocks)
      for (const job of Object.values((parse(block.text) as Workflow).jobs))
        expect(Object.keys(job.with ?? {}), `line ${block.line}`).not.toContain('ext-actions-ref');
  });
});
