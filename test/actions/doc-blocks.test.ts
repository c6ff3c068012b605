/**
 * Every code block of README.md, <action>/README.md and docs/*.md is checked as what it claims to be:
 * YAML parses, and a workflow (or a `jobs:` excerpt) passes actionlint; shell passes `bash -n`; every
 * `ext-actions` command in a shell block or an inline code span (as `ext-actions`, `node …dist/cli/index.js`
 * or `npx -y github:cnpg/ext-actions#v1`) names a command that exists, with flags it has.
 * (test/actions/docs.test.ts checks our actions' inputs and outputs in the YAML examples.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { commandSpecs } from '../../src/cli/specs.js';
import { actionlint, formatFindings } from '../../src/workflows/actionlint.js';

const repo = path.resolve(import.meta.dirname, '../..');
const docs = [
  'README.md',
  ...readdirSync(repo)
    .filter(
      (d) => existsSync(path.join(repo, d, 'README.md')) && existsSync(path.join(repo, d, 'action.yml')),
    )
    .map((d) => `${d}/README.md`),
  ...readdirSync(path.join(repo, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Block {
  lang: string;
  line: number;
  text: string;
}

function blocks(file: string): Block[] {
  const text = readFileSync(path.join(repo, file), 'utf8');
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map((m) => ({
    lang: m[1]!,
    line: text.slice(0, m.index).split('\n').length,
    text: m[2]!,
  }));
}

/** Inline code spans outside the fenced blocks. */
function inlineSpans(file: string): string[] {
  const text = readFileSync(path.join(repo, file), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
}

const CLI =
  /(?:^|[\s;&|(])(?:ext-actions|node\s+\S*dist\/cli\/index\.js|npx(?:\s+-y)?\s+((?!-)\S*ext-actions\S*))\s+([a-z<][\w<>-]*)(.*)$/;

/** Problems of an `ext-actions ...` command line: unknown command, unknown flag, wrong npx package. */
export function cliProblems(line: string): string[] {
  const m = CLI.exec(line);
  if (!m) return [];
  const [, npxPackage, name, rest] = m;
  const problems: string[] = [];
  if (line.includes('npx') && npxPackage !== undefined && !/^github:cnpg\/ext-actions#/.test(npxPackage))
    return [`npx ${npxPackage}: the package is not published; use npx -y github:cnpg/ext-actions#v1`];
  if (/<command>|COMMAND/.test(name!)) return [];
  const spec = commandSpecs.find((s) => s.name === name);
  if (!spec) return [`ext-actions ${name}: no such command`];
  for (const f of (rest ?? '').replace(/#.*$/, '').matchAll(/(?:^|[\s[(])--([a-z][\w-]*)/g)) {
    if (f[1] !== 'help' && !(f[1]! in spec.options))
      problems.push(`ext-actions ${name}: no option --${f[1]}`);
  }
  return problems;
}

/** Shell lines with their continuations joined. */
const shellLines = (text: string): string[] => text.replace(/\\\n/g, ' ').split('\n');

const isWorkflowish = (doc: unknown): doc is Record<string, unknown> =>
  !!doc && typeof doc === 'object' && !Array.isArray(doc) && 'jobs' in doc;

describe('code blocks in the documentation', () => {
  it('finds them', () => {
    const all = docs.flatMap(blocks);
    expect(all.filter((b) => b.lang === 'sh').length).toBeGreaterThan(5);
    expect(all.filter((b) => b.lang === 'yaml').length).toBeGreaterThan(5);
  });

  it('catches what it claims to catch', () => {
    expect(cliProblems('npx ext-actions init --ref v1')).toEqual([
      'npx ext-actions: the package is not published; use npx -y github:cnpg/ext-actions#v1',
    ]);
    expect(cliProblems('ext-actions plan --root x --extensions y')).toEqual([
      'ext-actions plan: no option --extensions',
    ]);
    expect(cliProblems('node dist/cli/index.js frobnicate')).toEqual([
      'ext-actions frobnicate: no such command',
    ]);
    expect(cliProblems('npx -y github:cnpg/ext-actions#v1 init --registry ghcr.io/acme')).toEqual([]);
  });

  for (const file of docs) {
    it(`${file}: every block parses, lints and names real commands and flags`, async () => {
      const problems: string[] = [];
      for (const block of blocks(file)) {
        const where = `${file}:${block.line}`;
        if (block.lang === 'sh' || block.lang === 'bash') {
          const r = spawnSync('bash', ['-n'], { input: block.text, encoding: 'utf8' });
          if (r.status !== 0) problems.push(`${where}: bash -n: ${r.stderr.trim()}`);
          for (const l of shellLines(block.text))
            problems.push(...cliProblems(l).map((p) => `${where}: ${p}`));
        } else if (block.lang === 'yaml' || block.lang === 'yml') {
          let doc: unknown;
          try {
            doc = parse(block.text);
          } catch (err) {
            problems.push(`${where}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
            continue;
          }
          for (const s of JSON.stringify(doc).matchAll(/"run":"((?:[^"\\]|\\.)*)"/g)) {
            for (const l of shellLines(JSON.parse(`"${s[1]}"`) as string))
              problems.push(...cliProblems(l).map((p) => `${where}: ${p}`));
          }
          if (!isWorkflowish(doc)) continue; // a step or a fragment: parsed, checked by docs.test.ts
          // A `jobs:` excerpt is linted as a workflow of its own.
          const text = 'on' in doc ? block.text : `on: workflow_dispatch\npermissions: {}\n${block.text}`;
          const findings = (await actionlint(text, `${file.replace(/\W/g, '_')}-${block.line}.yml`)).filter(
            // Our own actions and workflow are not fetched by actionlint; docs.test.ts checks their inputs.
            (f) => !/cnpg\/ext-actions/.test(f.message),
          );
          if (findings.length) problems.push(`${where}: actionlint:\n${formatFindings(findings)}`);
        }
      }
      for (const span of inlineSpans(file))
        problems.push(...cliProblems(span).map((p) => `${file}: \`${span}\`: ${p}`));
      expect(problems).toEqual([]);
    });
  }
});
