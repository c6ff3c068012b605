/**
 * Differential test: ./hcl.ts must return exactly what @cdktf/hcl2json (HashiCorp's HCL parser compiled
 * to WASM, the parser this project used before, kept as a devDependency for this test) returns, and
 * refuse exactly what it refuses, at the same line and column. Inputs: every metadata file of the
 * repository and of the reference data (when present), hand-written edge cases (escapes, heredocs,
 * numbers, expressions, syntax errors), generated files, and single-character mutations of real files.
 */
import { parse as hcl2json } from '@cdktf/hcl2json';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HclSyntaxError, parseHcl } from './hcl.js';

const repo = path.resolve(import.meta.dirname, '../..');
const anchor = process.env['EXT_ACTIONS_ANCHOR'] ?? path.resolve(repo, '../shared/fixtures/anchor');

type Outcome = { ok: unknown } | { error: string };

/** hcl2json's result, or the position (line:col) of its first diagnostic. */
async function reference(text: string): Promise<Outcome> {
  try {
    return { ok: await hcl2json('f.hcl', text) };
  } catch (err) {
    const m = /f\.hcl:(\d+),(\d+)/.exec((err as Error).message);
    return { error: m ? `${m[1]}:${m[2]}` : (err as Error).message };
  }
}

function ours(text: string): Outcome {
  try {
    return { ok: parseHcl(text) };
  } catch (err) {
    if (err instanceof HclSyntaxError) return { error: `${err.line}:${err.column}` };
    throw err;
  }
}

function metadataFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.hcl'))
    .map((f) => path.join(dir, f))
    .sort();
}

const FILES = [
  ...metadataFiles(path.join(repo, 'extensions')),
  ...metadataFiles(path.join(anchor, 'metadata')),
  ...metadataFiles(path.join(anchor, 'fork-metadata')),
];

const CASES = [
  // literal text is NFC-normalised (a Kelvin sign becomes "K"); identifiers are not
  'a = "\u212Aube"',
  'a = "Kube"',
  'a = "e\u0301"',
  'a = "x${b}K"',
  'a = { "Kq" = 1, éx = "é" }',
  'a = <<-E\n  K\n  E\n',
  // numbers
  'a = 1',
  'a = 1.50',
  'a = 1e3',
  'a = 1.5e-3',
  'a = 12345678901234567890',
  'a = 0.1',
  'a = -1',
  'a = - 1',
  'a = -0',
  'a = 007',
  'a = 1e400',
  'a = 0x10',
  'a = .5',
  'a = 1.',
  // literals and unary operators
  'a = true',
  'a = null',
  'a = !false',
  'a = -true',
  'a = --1',
  'a = -x',
  // strings and escapes
  'a = "x"',
  'a = "\\u00e9\\n\\t\\"\\\\"',
  'a = "\\U0001F600"',
  'a = "\\ud83d"',
  'a = "\\x"',
  'a = "\\${"',
  'a = "\\$"',
  'a = "$${x} %%{y}"',
  'a = "\\\\$${b}"',
  'a = "$$"',
  'a = "$"',
  'a = "$${"',
  'a = "%{"',
  'a = "${"',
  'a = "a\nb"',
  'a = "unterminated',
  'a = "x" "y"',
  // templates
  'a = "x${b}y"',
  'a = "${b}"',
  'a = "${1}"',
  'a = "a${1}"',
  'a = "${"x"}"',
  'a = "${ b }"',
  'a = "a${ b.c[0] }"',
  'a = "a${f( x )}"',
  'a = "${b}${c}"',
  'a = "${true}x"',
  'a = "${null}x"',
  'a = "a${~ b ~}c"',
  'a = "${x ? 1 : 2}"',
  'a = "a${x ? 1 : 2}"',
  'a = "%{if x}y%{endif}"',
  'a = "%{if x}a%{else}b%{endif}"',
  'a = "%{ for v in x }${v}%{ endfor }"',
  // heredocs
  'a = <<EOT\n  hi\n  ${x}\nEOT\n',
  'a = <<-EOT\n    hi\n      there\n    EOT\n',
  'a = <<-EOT\n\t  a\n\t\tb\n  EOT\n',
  'a = <<-EOT\n  ${x}\n    b\n  EOT\n',
  'a = <<EOT\n$${x} \\n\nEOT\n',
  'a = <<EOT\n"quoted" \\ $ %\nEOT\n',
  'a = <<EOT\r\nx\r\nEOT\r\n',
  'a = <<EOT\nno end\n',
  'a = { b = <<EOT\nx\nEOT\n}\n',
  // expressions kept as source
  'a = x',
  'a = f(b.c, 1)',
  'a = f(x)',
  'a = [f(x), g(y)]',
  'a = g(f(x))',
  'a = f(\n  x,\n  y\n)',
  'a = f(x...)',
  'a = x.y[0]',
  'a = x.0',
  'a = x[*].y',
  'a = x.y.*.z',
  'a = [1][0]',
  'a = {a=1}.a',
  'a = (1)',
  'a = b ? 1 : 2',
  'a = [x ? y : z, 1]',
  'a = 1 + 2',
  'a = 1 == 1',
  'a = [for x in y: x]',
  'a = {for k, v in x: k => v}',
  'a = b.c(1)',
  // collections
  'a = []',
  'a = {}',
  'a = [1, 2,]',
  'a = [\n 1,\n 2\n]',
  'a = [\n 1\n 2\n]',
  'a = [\n]',
  'a = { b = 1, "c" = 2 }',
  'a = { b: 1 }',
  'a = {b = 1, b = 2}',
  'a = { b = 1, "b" = 2 }',
  'a = {a = {b = 1}, a = {c = 2}}',
  'a = { (b) = 1 }',
  'a = {"${b}" = 1}',
  'a = {"x${y}" = 1}',
  'a = {x.y = 1}',
  'a = {1 = 2}',
  'a = {true = 2}',
  'a = {null = 2}',
  'a = {a-b = 1}',
  'a = { a = 1\nb = 2 }',
  'a = {\n a = 1, b = 2\n}',
  'a = {\n a = 1 b = 2\n}',
  'a = {\n}\n',
  'a = {\n\n b = 1\n\n}',
  'a = {b = [1,\n2]}',
  'a = { z = 1, a = 2, "18" = 3, "100" = 4 }',
  // bodies, blocks, comments
  '',
  '  ',
  'a=1\n',
  'a = 1\r\nb = 2\r\n',
  'a = 1\na = 2',
  'a = 1 b = 2',
  'a = ',
  'a b = 1',
  '1 = 2',
  '"a" = 1',
  'é = 1',
  'a-b = 1',
  'a = 1 # c',
  'a = "a" // c',
  '/* x */ a = 1',
  'a = 1 /* multi\n */ ',
  'a = "a" /* c */\n',
  '/* open',
  'target "x" { a = 1 }',
  'target "x" { a = 1 }\ntarget "x" { b = 2 }',
  'target "b" {\n}\ntarget "a" {\n  z = 1\n  y = 2\n}\n',
  'b "x" "y" { c = 1 }',
  'b { }',
  'b {\n c {\n d = 1\n }\n}\n',
  'b { c { d = 1 } }',
  'b {\n',
  '}',
  '@ # !\n= =\n',
  'metadata = {\n  name = "demo"\n  versions = {\n    trixie = \n  }\n}\n',
];

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random metadata-like files: literals of every kind, with escapes, heredocs, comments and layout. */
function generated(count: number): string[] {
  const rnd = random(16);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const atoms = [
    'a',
    'é',
    '0',
    '-',
    '.',
    ' ',
    '$',
    '%',
    '{',
    '}',
    '/',
    '\\\\',
    '\\"',
    '\\n',
    '\\t',
    '$${',
    '%%{',
    '\\u00e9',
    '#',
    '//',
  ];
  const str = () => `"${Array.from({ length: Math.floor(rnd() * 6) }, () => pick(atoms)).join('')}"`;
  const num = () =>
    pick(['0', '1', '42', '-7', '3.25', '1e3', '2.5E-2', '007', '18', '1.0', '123456789012345678']);
  const key = () =>
    pick(['name', 'sql', 'package', 'x_1', 'a-b', '"18"', '"k.v"', '"with space"', '"${x}"', '"$${x}"']);
  const sep = () => pick([' ', '  ', '\n', ' # c\n', ' // c\n', ' /* c */ ']);
  const heredoc = () => {
    const marker = pick(['EOT', 'END']);
    const lines = Array.from(
      { length: 1 + Math.floor(rnd() * 3) },
      () => `${pick(['', '  ', '    ', '\t'])}${pick(['text', '$${x}', '%%{y}', '"q" \\', '${v}'])}`,
    );
    return rnd() < 0.5
      ? `<<${marker}\n${lines.join('\n')}\n${marker}\n`
      : `<<-${marker}\n${lines.join('\n')}\n  ${marker}\n`;
  };
  const value = (depth: number): string => {
    const r = rnd();
    if (depth > 2 || r < 0.35) return str();
    if (r < 0.5) return num();
    if (r < 0.55) return pick(['true', 'false', 'null']);
    if (r < 0.6) return heredoc();
    if (r < 0.8) {
      const items = Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
      return `[${items.join(`,${pick([' ', '\n'])}`)}${rnd() < 0.3 ? ',' : ''}]`;
    }
    const entries = Array.from(
      { length: Math.floor(rnd() * 4) },
      () => `${key()} ${pick(['=', ':'])} ${value(depth + 1)}`,
    );
    if (entries.length === 0) return '{}';
    return `{${sep()}${entries.join(pick([',', '\n', ',\n']) + sep())}${pick(['\n', ',\n', ' '])}}`;
  };
  return Array.from({ length: count }, (_, i) => {
    const fields = Array.from({ length: 1 + (i % 6) }, (__, j) => `  f${j} = ${value(0)}\n`);
    const block = rnd() < 0.3 ? `\ntarget "${pick(['default', 'x'])}" {\n  args = { A = ${str()} }\n}\n` : '';
    return `metadata = {\n${fields.join('')}}\n${block}`;
  });
}

/** Single-character deletions, insertions and replacements at evenly spread places. */
function mutations(text: string, count: number): string[] {
  const rnd = random(text.length);
  const chars = ['"', '{', '}', '[', ']', '=', ',', '\n', '$', '\\', '<', '#', 'x', '1', ' '];
  return Array.from({ length: count }, () => {
    const at = Math.floor(rnd() * text.length);
    const c = chars[Math.floor(rnd() * chars.length)]!;
    const r = rnd();
    if (r < 0.33) return text.slice(0, at) + text.slice(at + 1);
    if (r < 0.66) return text.slice(0, at) + c + text.slice(at);
    return text.slice(0, at) + c + text.slice(at + 1);
  });
}

describe('parseHcl agrees with @cdktf/hcl2json', () => {
  it('finds the repository metadata files (and the reference ones when present)', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(5);
  });

  it.each(FILES.map((f) => [path.relative(path.dirname(repo), f), f]))('on %s', async (_, file) => {
    const text = readFileSync(file, 'utf8');
    const expected = await reference(text);
    expect(expected).toHaveProperty('ok');
    expect(ours(text)).toEqual(expected);
  });

  it.each(CASES.map((c) => [JSON.stringify(c), c]))('on %s', async (_, text) => {
    expect(ours(text)).toEqual(await reference(text));
  });

  it('on 300 generated files', async () => {
    const inputs = generated(Number(process.env.HCL_GENERATED ?? 300));
    let accepted = 0;
    const disagreements = [];
    for (const text of inputs) {
      const expected = await reference(text);
      if ('ok' in expected) accepted++;
      const got = ours(text);
      // Accepted alike with the same value, or refused alike (hcl2json lists its diagnostics in the
      // order its phases find them, so its first is not always the earliest; positions are compared
      // on the hand-written cases above).
      if ('ok' in expected ? !isDeepStrictEqual(got, expected) : 'ok' in got) {
        disagreements.push({ text, got, expected });
      }
    }
    expect(disagreements).toEqual([]);
    // The generator must produce mostly valid files, or this compares error positions only.
    expect(accepted).toBeGreaterThan(inputs.length / 2);
  });

  it('on single-character mutations of the metadata files (accepted or refused alike)', async () => {
    const disagreements = [];
    let refused = 0;
    for (const file of FILES) {
      for (const text of mutations(readFileSync(file, 'utf8'), Number(process.env.HCL_MUTATIONS ?? 40))) {
        const expected = await reference(text);
        const got = ours(text);
        if ('error' in expected) refused++;
        // Both accept with the same result, or both refuse.
        if ('ok' in expected ? !isDeepStrictEqual(got, expected) : 'ok' in got) {
          disagreements.push({ text, got, expected });
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect(refused).toBeGreaterThan(FILES.length * 5);
  });
});
