/**
 * Which jobs of extensions.yml run, as GitHub decides it: each job's `if:` is evaluated with GitHub's
 * own expression engine (@actions/expressions) over the `inputs` and `needs` contexts, in dependency
 * order, with the job-level status functions as documented ("Workflow syntax", jobs.<job_id>.needs and
 * jobs.<job_id>.if): an `if:` without a status function gets an implicit `success() &&`; `success()`
 * is false once a needed job failed, was skipped or the run was cancelled; `always()` is true even when
 * cancelled; a job that does not run is `skipped`, and its outputs are empty.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';

const repo = path.resolve(import.meta.dirname, '../..');
interface Job {
  needs?: string | string[];
  if?: string;
}
const wf = parse(readFileSync(path.join(repo, '.github/workflows/extensions.yml'), 'utf8')) as {
  jobs: Record<string, Job>;
};

type Result = 'success' | 'failure' | 'cancelled' | 'skipped';
interface Scenario {
  inputs?: Record<string, unknown>;
  /** Outputs of the jobs that run (plan, merge, ...). */
  outputs?: Record<string, Record<string, string>>;
  /** Jobs that fail when they run (every other job that runs succeeds). */
  fail?: string[];
  /** The run was cancelled once these jobs had finished. */
  cancelledAfter?: string[];
}

const STATUS = /\b(success|failure|always|cancelled)\s*\(/;
const needsOf = (j: Job) => (j.needs === undefined ? [] : Array.isArray(j.needs) ? j.needs : [j.needs]);

function order(jobs: Record<string, Job>): string[] {
  const done: string[] = [];
  const visit = (name: string) => {
    if (done.includes(name)) return;
    for (const n of needsOf(jobs[name]!)) visit(n);
    done.push(name);
  };
  for (const name of Object.keys(jobs)) visit(name);
  return done;
}

function simulate(s: Scenario): Record<string, Result> {
  const inputs = { e2e: true, smoke: true, catalogs: true, ...s.inputs };
  const results: Record<string, Result> = {};
  const outputs: Record<string, Record<string, string>> = {};
  for (const name of order(wf.jobs)) {
    const job = wf.jobs[name]!;
    const needs = needsOf(job);
    const cancelled = s.cancelledAfter !== undefined && !s.cancelledAfter.includes(name);
    const raw = (job.if ?? '')
      .trim()
      .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
      .trim();
    const text = raw === '' ? 'success()' : STATUS.test(raw) ? raw : `success() && (${raw})`;
    const fns: [string, () => boolean][] = [
      ['success', () => !cancelled && needs.every((n) => results[n] === 'success')],
      ['failure', () => needs.some((n) => results[n] === 'failure')],
      ['always', () => true],
      ['cancelled', () => cancelled],
    ];
    const functions = new Map(
      fns.map(([fn, f]) => [fn, { name: fn, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(f()) }]),
    );
    const lexed = new Lexer(text).lex();
    const expr = new Parser(lexed.tokens, ['inputs', 'needs'], [...functions.values()]).parse();
    const context = JSON.parse(
      JSON.stringify({
        inputs,
        needs: Object.fromEntries(needs.map((n) => [n, { result: results[n], outputs: outputs[n] ?? {} }])),
      }),
      data.reviver,
    ) as data.Dictionary;
    const runs = truthy(new Evaluator(expr, context, functions).evaluate());
    results[name] = !runs ? 'skipped' : s.fail?.includes(name) ? 'failure' : 'success';
    outputs[name] = results[name] === 'skipped' ? {} : (s.outputs?.[name] ?? {});
  }
  return results;
}

const e2eMatrix = JSON.stringify([
  { target: 'pgvector-0-8-1-18-trixie', extension: 'pgvector', image: 'r@sha256:1', cnpg: 'main' },
]);
const onMain = {
  outputs: {
    plan: { any: 'true', publish: 'true', promote: 'true' },
    merge: { 'e2e-matrix': e2eMatrix },
  },
};
const pullRequest = {
  outputs: {
    plan: { any: 'true', publish: 'false', promote: 'false' },
    merge: { 'e2e-matrix': e2eMatrix },
  },
};

describe('extensions.yml job graph', () => {
  it('a push to the default branch builds, signs, tests, promotes and summarises', () => {
    expect(simulate(onMain)).toEqual({
      plan: 'success',
      build: 'success',
      merge: 'success',
      smoke: 'success',
      sign: 'success',
      e2e: 'success',
      'e2e-local': 'skipped',
      promote: 'success',
      catalog: 'success',
      summary: 'success',
    });
  });

  it('promotes with e2e: false (the skipped e2e job must not skip promote)', () => {
    const r = simulate({ ...onMain, inputs: { e2e: false } });
    expect(r).toMatchObject({ e2e: 'skipped', 'e2e-local': 'skipped', sign: 'success', promote: 'success' });
  });

  it('does not promote when an e2e leg failed, or when signing failed', () => {
    expect(simulate({ ...onMain, fail: ['e2e'] })).toMatchObject({ promote: 'skipped', summary: 'success' });
    expect(simulate({ ...onMain, fail: ['sign'] })).toMatchObject({ e2e: 'skipped', promote: 'skipped' });
    expect(simulate({ ...onMain, inputs: { e2e: false }, fail: ['sign'] })).toMatchObject({
      promote: 'skipped',
    });
  });

  it('a failed smoke test stops signing, e2e and promotion; smoke: false signs and promotes without it', () => {
    expect(simulate({ ...onMain, fail: ['smoke'] })).toMatchObject({
      sign: 'skipped',
      e2e: 'skipped',
      promote: 'skipped',
      summary: 'success',
    });
    expect(simulate({ ...onMain, inputs: { smoke: false } })).toMatchObject({
      smoke: 'skipped',
      sign: 'success',
      e2e: 'success',
      promote: 'success',
    });
    // Cancelled after merge: smoke is skipped by the cancel, and sign must not start because of it.
    expect(simulate({ ...onMain, cancelledAfter: ['plan', 'build', 'merge'] })).toMatchObject({
      sign: 'skipped',
      promote: 'skipped',
    });
  });

  it('writes catalogs only after a promotion, and not with catalogs: false', () => {
    expect(simulate({ ...onMain, fail: ['e2e'] })).toMatchObject({ promote: 'skipped', catalog: 'skipped' });
    expect(simulate({ ...onMain, inputs: { catalogs: false } })).toMatchObject({
      promote: 'success',
      catalog: 'skipped',
    });
    expect(simulate({ ...onMain, fail: ['catalog'] })).toMatchObject({
      promote: 'success',
      catalog: 'failure',
    });
  });

  it('does not promote without the plan saying so (pull requests, other branches)', () => {
    const r = simulate({
      outputs: { ...onMain.outputs, plan: { ...onMain.outputs.plan, promote: 'false' } },
    });
    expect(r).toMatchObject({ e2e: 'success', promote: 'skipped' });
  });

  it('a failed build leg stops merge, sign, e2e and promote; the summary still reports', () => {
    expect(simulate({ ...onMain, fail: ['build'] })).toMatchObject({
      merge: 'skipped',
      sign: 'skipped',
      e2e: 'skipped',
      promote: 'skipped',
      summary: 'success',
    });
  });

  it('starts no e2e leg and no promotion once the run is cancelled', () => {
    const r = simulate({ ...onMain, cancelledAfter: ['plan', 'build', 'merge', 'sign'] });
    expect(r).toMatchObject({ e2e: 'skipped', promote: 'skipped', summary: 'success' });
  });

  it('never starts e2e on an empty e2e matrix (an empty include: fails the run)', () => {
    const r = simulate({ outputs: { ...onMain.outputs, merge: { 'e2e-matrix': '[]' } } });
    expect(r).toMatchObject({ e2e: 'skipped', promote: 'skipped' });
  });

  it('pull requests build and test locally: no sign, no registry e2e, no promote', () => {
    expect(simulate(pullRequest)).toEqual({
      plan: 'success',
      build: 'success',
      merge: 'success',
      smoke: 'skipped',
      sign: 'skipped',
      e2e: 'skipped',
      'e2e-local': 'success',
      promote: 'skipped',
      catalog: 'skipped',
      summary: 'success',
    });
  });

  it('nothing selected: only plan and summary run', () => {
    const r = simulate({ outputs: { plan: { any: 'false', publish: 'true', promote: 'true' } } });
    expect(
      Object.entries(r)
        .filter(([, v]) => v !== 'skipped')
        .map(([k]) => k),
    ).toEqual(['plan', 'summary']);
  });
});
