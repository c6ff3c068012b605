/**
 * Issue 14 #6: input text printed by the reusable workflows' scripts cannot start a workflow command
 * or break the job summary. The plan job's "select" script of extensions.yml and extensions-pr.yml is
 * run with bash as the runner would, with inputs holding line breaks; the hardening rule
 * `workflow-command` checks every script statically.
 */
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { unescapedInCommands } from '../../src/workflows/hardening.js';
import { runStep, workspace } from './step.js';

const repo = path.resolve(import.meta.dirname, '../..');

function selectStep(file: string): string {
  const wf = parse(readFileSync(path.join(repo, '.github/workflows', file), 'utf8')) as {
    jobs: Record<string, { steps?: { id?: string; run?: string }[] }>;
  };
  return wf.jobs['plan']!.steps!.find((s) => s.id === 'select')!.run!;
}

function plan(file: string, env: Record<string, string>) {
  const dir = workspace('ext-inject-');
  symlinkSync(repo, path.join(dir, '.ext-actions'));
  return runStep(selectStep(file), dir, {
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: 'a'.repeat(40),
    ROOT: path.join(repo, 'extensions'),
    REQUESTED: 'pgvector',
    EVENT: 'push',
    DEFAULT_BRANCH: 'main',
    REGISTRY: '',
    OWNER: 'acme',
    PLATFORMS: 'linux/amd64',
    NATIVE: 'true',
    RUNNERS: 'default=ubuntu-24.04',
    PUSH: 'true',
    PROMOTE: 'auto',
    CNPG: '1.29',
    ...env,
  });
}

/** Lines of the step's standard output the runner would read as workflow commands. */
const commands = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::'));

describe.each(['extensions.yml', 'extensions-pr.yml'])('%s plan: inputs with line breaks', (file) => {
  // [input, env, what the one error line must hold]
  const cases: [string, Record<string, string>, string][] = [
    ['runners', { RUNNERS: 'x\n::warning::injected' }, "got 'x%0A::warning::injected'"],
    ['cnpg-versions', { CNPG: ',\n,' }, "got ',%0A,'"],
    ...(file === 'extensions.yml'
      ? ([
          ['promote', { PROMOTE: 'x\n::warning::injected' }, "got 'x%0A::warning::injected'"],
          [
            'registry',
            { REGISTRY: 'ghcr.io/acme\n::warning::injected' },
            "got 'ghcr.io/acme%0A::warning::injected'",
          ],
        ] as [string, Record<string, string>, string][])
      : []),
  ];
  it.each(cases)(
    '%s: one error command, the line break percent-encoded',
    { timeout: 30_000 },
    (_, env, text) => {
      const r = plan(file, env);
      expect(r.code).toBe(1);
      const lines = commands(r.stdout);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^::error title=[a-z-]+ input::/);
      expect(lines[0]).toContain(text);
      // Nothing reached the outputs: a failed plan writes none.
      expect(r.output).toBe('');
    },
  );

  it('keeps the summary on its lines when an input holds a line break', { timeout: 30_000 }, () => {
    const r = plan(file, { REQUESTED: 'pgvector\n### injected `x`' });
    // "###" and "injected" are not extensions: refused, so try names separated by a line break.
    expect(r.code).toBe(1);
    // Refused with one error command, and no summary line started by the injected heading.
    expect(r.summary.split('\n').filter((l) => l.startsWith('###'))).toEqual([]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(1);
    const ok = plan(file, { REQUESTED: 'pgvector\npgaudit' });
    expect(ok.code, ok.stderr).toBe(0);
    const summary = ok.summary.split('\n');
    expect(summary.some((l) => l.includes('(requested: `pgvector pgaudit`'))).toBe(true);
    expect(summary.filter((l) => l.startsWith('pgaudit'))).toEqual([]);
  });
});

describe('workflow-command rule', () => {
  it('finds expression values printed raw in a workflow command, not those passed through esc', () => {
    const script = [
      'echo "::error title=x::got $RUNNERS and ${CNPG}"',
      'echo "::warning::fine $(esc "$PROMOTE") and $(esc "$(jq -r . <<<"$ROOT")")"',
      'echo "not a command $OTHER"',
      'echo "::notice::$RUNNERSX is another name"',
    ].join('\n');
    expect(unescapedInCommands(script, ['RUNNERS', 'CNPG', 'PROMOTE', 'ROOT', 'OTHER']).sort()).toEqual([
      'CNPG',
      'RUNNERS',
    ]);
  });
});
