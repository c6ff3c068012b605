/**
 * Which ext-actions commit a reusable workflow of ours was called with.
 *
 * `uses:` cannot hold expressions and `github.*` describes the caller, so a reusable workflow must find
 * its own repository and ref itself. Two sources, by trust:
 *
 * 1. Jobs granted `id-token: write` read the `job_workflow_ref` / `job_workflow_sha` claims of an OIDC
 *    token GitHub issues for the job: the reusable workflow's own repository and commit. That step runs
 *    inline in the workflow (before any checked-out code) and is the gate of every privileged job; see
 *    docs/reusable-workflow.md ("How the workflow finds its own actions").
 * 2. The plan job (no id-token: fork pull requests never get one) reads the calling workflow. Only the
 *    `uses:` key of a job counts — never a comment, a string in a `run:` script or any other text — and
 *    the answer must be unique: two different refs of the same workflow are refused, not guessed.
 *
 * This module is the parsing half of (2), pure; `ext-actions self-ref` calls it.
 */
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import { UserError } from '../errors.js';

export interface SelfRef {
  /** `owner/name` of the ext-actions repository. */
  repository: string;
  /** Tag, branch or commit the caller wrote (the caller's own commit for a local `./` call). */
  ref: string;
}

export interface CallerOptions {
  /** Path of the calling workflow, for messages. */
  file: string;
  /** File name of our reusable workflow, e.g. `extensions.yml`. */
  workflow: string;
  /** The caller's repository and commit: a local call (`./.github/workflows/<workflow>`) runs at them. */
  callerRepository: string;
  callerSha: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const REF = /^[A-Za-z0-9_./-]+$/;

/** A job's `uses:` value as a call of `workflow`, or undefined when it calls something else. */
export function parseUses(spec: string, workflow: string): { repository?: string; ref?: string } | undefined {
  const local = `./.github/workflows/${workflow}`;
  if (spec === local) return {};
  const marker = `/.github/workflows/${workflow}@`;
  const at = spec.indexOf(marker);
  if (at < 0) return undefined;
  return { repository: spec.slice(0, at), ref: spec.slice(at + marker.length) };
}

/**
 * The ext-actions repository and ref named by the `jobs.<id>.uses` keys of the calling workflow that call
 * `workflow`. Throws a UserError naming the file when there is none, when one is malformed, or when they
 * disagree.
 */
export function resolveCaller(text: string, options: CallerOptions): SelfRef {
  const { file, workflow } = options;
  if (!NAME.test(workflow))
    throw new UserError(
      `--workflow: expected a file name such as extensions.yml, got ${JSON.stringify(workflow)}`,
    );
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new UserError(`${file}:${e.linePos?.[0]?.line ?? 1}: not valid YAML (${e.message.split('\n')[0]})`);
  }
  const jobs = isMap(doc.contents) ? doc.contents.get('jobs', true) : undefined;
  const found: (SelfRef & { where: string })[] = [];
  if (isMap(jobs)) {
    for (const item of jobs.items) {
      const job = item.value;
      if (!isMap(job)) continue;
      const uses = job.get('uses', true);
      if (!isScalar(uses) || typeof uses.value !== 'string') continue;
      const call = parseUses(uses.value, workflow);
      if (!call) continue;
      const name = String(isScalar(item.key) ? item.key.value : item.key);
      const where = `${file}:${uses.range ? lines.linePos(uses.range[0]).line : 1}: jobs.${name}.uses`;
      if (call.repository === undefined) {
        found.push({ repository: options.callerRepository, ref: options.callerSha, where });
        continue;
      }
      if (!REPOSITORY.test(call.repository) || !REF.test(call.ref ?? ''))
        throw new UserError(
          `${where}: expected <owner>/<repo>/.github/workflows/${workflow}@<ref>, got ${JSON.stringify(uses.value)}`,
        );
      found.push({ repository: call.repository, ref: call.ref!, where });
    }
  }
  if (found.length === 0)
    throw new UserError(
      `${file}: no job calls .github/workflows/${workflow} (expected a job with \`uses: <owner>/<repo>/.github/workflows/${workflow}@<ref>\`); set the ext-actions-ref input`,
    );
  const distinct = [...new Map(found.map((f) => [`${f.repository}@${f.ref}`, f])).values()];
  if (distinct.length > 1)
    throw new UserError(
      `${file}: jobs call ${workflow} at different refs; set the ext-actions-ref input to choose one`,
      distinct.map((f) => `${f.where}: ${f.repository}@${f.ref}`),
    );
  return { repository: distinct[0]!.repository, ref: distinct[0]!.ref };
}
