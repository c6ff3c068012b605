/**
 * The YAML examples in the READMEs and docs/ against the code and our hardening rules: every step
 * using one of our actions passes only inputs its action.yml declares and reads only outputs it
 * declares; calls of the reusable workflow pass only its workflow_call inputs and secrets; third-party
 * actions are pinned by full commit SHA with a version comment; checkouts set persist-credentials: false;
 * no `${{ }}` inside `run:`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');

const docs = [
  'README.md',
  ...readdirSync(repo)
    .filter(
      (d) => existsSync(path.join(repo, d, 'action.yml')) && existsSync(path.join(repo, d, 'README.md')),
    )
    .map((d) => `${d}/README.md`),
  ...readdirSync(path.join(repo, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | 'inherit';
}

/** Every ```yaml block of a Markdown file, with the line it starts on. */
function yamlBlocks(file: string): { line: number; text: string }[] {
  const text = readFileSync(path.join(repo, file), 'utf8');
  const blocks: { line: number; text: string }[] = [];
  for (const m of text.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm))
    blocks.push({ line: text.slice(0, m.index).split('\n').length, text: m[1]! });
  return blocks;
}

/** Objects with `uses` or `run` anywhere in a parsed document: steps and jobs calling workflows. */
function steps(node: unknown, out: Step[] = []): Step[] {
  if (Array.isArray(node)) for (const n of node) steps(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o['uses'] === 'string' || typeof o['run'] === 'string') out.push(o as Step);
    for (const v of Object.values(o)) steps(v, out);
  }
  return out;
}

const actionMeta = (name: string) =>
  parse(readFileSync(path.join(repo, name, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  };
/** The workflow_call declaration of one of our reusable workflows (`.github/workflows/<file>`). */
const workflowCall = (file: string) =>
  (
    parse(readFileSync(path.join(repo, file), 'utf8')) as {
      on: { workflow_call: { inputs: Record<string, unknown>; secrets?: Record<string, unknown> } };
    }
  ).on.workflow_call;

describe('documentation examples', () => {
  it('finds the documents and their examples', () => {
    expect(docs).toEqual(expect.arrayContaining(['README.md', 'bake/README.md', 'sign/README.md']));
    expect(docs.flatMap(yamlBlocks).length).toBeGreaterThan(5);
  });

  for (const file of docs) {
    it(`${file}: examples use our actions and workflow as declared, and follow the hardening rules`, () => {
      const problems: string[] = [];
      for (const block of yamlBlocks(file)) {
        const where = `${file}:${block.line}`;
        let doc: unknown;
        try {
          doc = parse(block.text);
        } catch (err) {
          problems.push(`${where}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
          continue;
        }
        const all = steps(doc);
        const ours = new Map<string, string>();
        for (const s of all) {
          if (s.run !== undefined && s.run.includes('${{'))
            problems.push(`${where}: \${{ }} inside run: ${s.run.trim().split('\n')[0]}`);
          if (s.uses === undefined || s.uses.startsWith('./')) continue;
          const own = /^cnpg\/ext-actions\/([^@]+)@/.exec(s.uses);
          if (own) {
            const target = own[1]!;
            if (target.startsWith('.github/workflows/')) {
              const name = path.basename(target);
              if (!existsSync(path.join(repo, target))) {
                problems.push(`${where}: ${s.uses}: no ${target}`);
                continue;
              }
              const call = workflowCall(target);
              for (const k of Object.keys(s.with ?? {}))
                if (!(k in call.inputs)) problems.push(`${where}: ${name} has no input "${k}"`);
              if (s.secrets && s.secrets !== 'inherit')
                for (const k of Object.keys(s.secrets))
                  if (!(k in (call.secrets ?? {}))) problems.push(`${where}: ${name} has no secret "${k}"`);
              continue;
            }
            if (!existsSync(path.join(repo, target, 'action.yml'))) {
              problems.push(`${where}: ${s.uses}: no ${target}/action.yml`);
              continue;
            }
            const meta = actionMeta(target);
            for (const k of Object.keys(s.with ?? {}))
              if (!(k in meta.inputs)) problems.push(`${where}: ${target} has no input "${k}"`);
            if (s.id) ours.set(s.id, target);
            continue;
          }
          const line = block.text.split('\n').find((l) => l.includes(s.uses!)) ?? '';
          if (!/@[0-9a-f]{40}\s+#\s*v\d/.test(line))
            problems.push(`${where}: ${s.uses} is not pinned by commit SHA with a version comment`);
          if (s.uses.startsWith('actions/checkout@') && s.with?.['persist-credentials'] !== false)
            problems.push(`${where}: actions/checkout without persist-credentials: false`);
        }
        for (const m of block.text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const target = ours.get(m[1]!);
          if (target && !(m[2]! in actionMeta(target).outputs))
            problems.push(`${where}: ${target} has no output "${m[2]}"`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
