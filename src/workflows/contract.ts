/**
 * Checks that a workflow uses our own actions as they are declared: every `uses: ./.ext-actions/<name>`
 * points at an existing `<name>/action.yml` of this repository, every `with:` key is an input that action
 * declares (and every required input without a default is given), every `steps.<id>.outputs.<name>`
 * read from such a step is an output it declares, and every `needs.<job>.outputs.<name>` /
 * `jobs.<job>.outputs.<name>` is an output that job declares.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface ContractFinding {
  file: string;
  job?: string;
  message: string;
}

export interface ActionMetadata {
  file: string;
  inputs: Map<string, { required: boolean; hasDefault: boolean }>;
  outputs: Set<string>;
}

/** The inputs and outputs of `<repoRoot>/<name>/action.yml` (or `.yaml`), or undefined when missing. */
export function readActionMetadata(repoRoot: string, name: string): ActionMetadata | undefined {
  for (const file of ['action.yml', 'action.yaml'].map((f) => path.join(repoRoot, name, f))) {
    if (!existsSync(file)) continue;
    const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as {
      inputs?: Record<string, { required?: boolean; default?: unknown } | null>;
      outputs?: Record<string, unknown>;
    };
    const inputs = new Map(
      Object.entries(doc.inputs ?? {}).map(([k, v]) => [
        k,
        { required: v?.required === true, hasDefault: v?.default !== undefined },
      ]),
    );
    return { file, inputs, outputs: new Set(Object.keys(doc.outputs ?? {})) };
  }
  return undefined;
}

const STEP_OUTPUT = /steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g;
const NEEDS_OUTPUT = /\b(needs|jobs)\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g;

/** All scalar strings under a YAML value (plain JS data). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  outputs?: Record<string, unknown>;
  steps?: Step[];
  needs?: string | string[];
}

export interface OwnActionUse {
  job: string;
  step: string;
  action: string;
}

export function checkContract(
  text: string,
  file: string,
  repoRoot: string,
  prefix = './.ext-actions/',
): { findings: ContractFinding[]; uses: OwnActionUse[] } {
  const findings: ContractFinding[] = [];
  const uses: OwnActionUse[] = [];
  const doc = parse(text) as { jobs?: Record<string, Job>; on?: unknown };
  const jobs = doc.jobs ?? {};

  for (const [jobName, job] of Object.entries(jobs)) {
    const ours = new Map<string, ActionMetadata>();
    (job.steps ?? []).forEach((step, index) => {
      if (typeof step.uses !== 'string' || !step.uses.startsWith(prefix)) return;
      const name = step.uses.slice(prefix.length).replace(/\/$/, '');
      const stepName = step.id ?? `steps[${index}]`;
      uses.push({ job: jobName, step: stepName, action: name });
      const meta = readActionMetadata(repoRoot, name);
      if (!meta) {
        findings.push({
          file,
          job: jobName,
          message: `${stepName} uses ${step.uses}, but ${name}/action.yml does not exist`,
        });
        return;
      }
      for (const key of Object.keys(step.with ?? {})) {
        if (!meta.inputs.has(key))
          findings.push({
            file,
            job: jobName,
            message: `${stepName} passes "${key}" to ${name}, which declares no such input (inputs: ${[...meta.inputs.keys()].join(', ')})`,
          });
      }
      for (const [key, input] of meta.inputs) {
        if (input.required && !input.hasDefault && !(key in (step.with ?? {})))
          findings.push({
            file,
            job: jobName,
            message: `${stepName} does not pass the required input "${key}" of ${name}`,
          });
      }
      if (step.id) ours.set(step.id, meta);
    });
    for (const s of strings(job)) {
      for (const [, id, output] of s.matchAll(STEP_OUTPUT)) {
        const meta = ours.get(id!);
        if (meta && !meta.outputs.has(output!))
          findings.push({
            file,
            job: jobName,
            message: `reads steps.${id}.outputs.${output}, but ${path.basename(path.dirname(meta.file))}/action.yml declares no output "${output}" (outputs: ${[...meta.outputs].join(', ')})`,
          });
      }
    }
  }

  // needs.<job>.outputs.<name> (inside jobs) and jobs.<job>.outputs.<name> (workflow_call outputs).
  for (const s of strings(doc)) {
    for (const [, , jobName, output] of s.matchAll(NEEDS_OUTPUT)) {
      const job = jobs[jobName!];
      if (!job) findings.push({ file, message: `reads outputs of job "${jobName}", which does not exist` });
      else if (!(output! in (job.outputs ?? {})))
        findings.push({
          file,
          message: `reads ${jobName}.outputs.${output}, which job "${jobName}" does not declare`,
        });
    }
  }
  return { findings, uses };
}
