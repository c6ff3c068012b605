/**
 * The workflow hardening rules this project holds itself (and the workflows `ext-actions init` writes) to:
 *
 * - `top-permissions`: the workflow sets `permissions: {}` at the top level;
 * - `job-permissions`: every job declares its own `permissions:` (never `write-all` / `read-all`);
 * - `run-expression`: no `${{ ... }}` inside a `run:` script (values go through `env:`);
 * - `pinned`: every third-party `uses:` is `owner/repo[/path]@<40-hex SHA>` with a `# vX...` comment
 *   (local `./` actions need no pin; `allowTagged` names repositories whose reusable workflows may be
 *   called by tag, such as `cnpg/ext-actions` in the callers `init` writes);
 * - `persist-credentials`: every `actions/checkout` step sets `persist-credentials: false`;
 * - `no-pull-request-target`: the workflow is not triggered by `pull_request_target`;
 * - `workflow-command`: a workflow command a script prints (`::error ...::`, `::warning`, `::notice`,
 *   `::debug`, `::group`) never holds a step `env:` value taken from an expression unless it goes through
 *   `$(esc "...")` (percent-encoding line breaks), so an input holding a line break cannot start a second
 *   command.
 */
import { LineCounter, isMap, isScalar, parseDocument, type Node, type YAMLMap } from 'yaml';

export type HardeningRule =
  | 'yaml'
  | 'top-permissions'
  | 'job-permissions'
  | 'run-expression'
  | 'pinned'
  | 'persist-credentials'
  | 'no-pull-request-target'
  | 'workflow-command';

export interface HardeningFinding {
  file: string;
  line: number;
  rule: HardeningRule;
  message: string;
}

export interface HardeningOptions {
  /** `owner/repo` prefixes whose `uses:` may be a tag (e.g. `cnpg/ext-actions`). */
  allowTagged?: readonly string[];
}

const SHA = /^[0-9a-f]{40}$/;
const VERSION_COMMENT = /^#\s*v\d+(\.\d+)*\S*/;

function get(map: YAMLMap | undefined, key: string): unknown {
  return map?.get(key, true);
}

export function checkHardening(
  text: string,
  file: string,
  options: HardeningOptions = {},
): HardeningFinding[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true });
  const findings: HardeningFinding[] = [];
  const at = (node: unknown) => {
    const range = (node as Node | undefined)?.range;
    return range ? lines.linePos(range[0]).line : 1;
  };
  const add = (node: unknown, rule: HardeningRule, message: string) =>
    findings.push({ file, line: at(node), rule, message });

  if (doc.errors.length) {
    for (const e of doc.errors)
      findings.push({ file, line: e.linePos?.[0]?.line ?? 1, rule: 'yaml', message: e.message });
    return findings;
  }
  const root = doc.contents;
  if (!isMap(root)) {
    add(root, 'yaml', 'expected a mapping at the top level');
    return findings;
  }

  const on = get(root, 'on');
  const triggers = isMap(on)
    ? on.items.map((i) => String(isScalar(i.key) ? i.key.value : i.key))
    : isScalar(on)
      ? [String(on.value)]
      : Array.isArray((on as { items?: unknown[] } | undefined)?.items)
        ? (on as { items: { value: unknown }[] }).items.map((i) => String(i.value))
        : [];
  if (triggers.includes('pull_request_target'))
    add(
      on,
      'no-pull-request-target',
      'the pull_request_target trigger runs fork code with write tokens; use pull_request',
    );

  const top = get(root, 'permissions');
  if (!(isMap(top) && top.items.length === 0))
    add(
      top ?? root,
      'top-permissions',
      'expected `permissions: {}` at the top level (grant permissions per job)',
    );

  const jobs = get(root, 'jobs');
  if (!isMap(jobs)) return findings;
  for (const item of jobs.items) {
    const jobName = String(isScalar(item.key) ? item.key.value : item.key);
    const job = item.value;
    if (!isMap(job)) continue;
    const perms = get(job, 'permissions');
    if (perms === undefined) {
      add(item.key, 'job-permissions', `jobs.${jobName}: expected its own \`permissions:\` block`);
    } else if (isScalar(perms) && /^(write-all|read-all)$/.test(String(perms.value))) {
      add(
        perms,
        'job-permissions',
        `jobs.${jobName}.permissions: expected the scopes it needs, not ${String(perms.value)}`,
      );
    }
    const jobUses = get(job, 'uses');
    if (isScalar(jobUses)) checkUses(jobUses, `jobs.${jobName}.uses`);
    const steps = get(job, 'steps');
    const stepItems = (steps as { items?: unknown[] } | undefined)?.items ?? [];
    stepItems.forEach((step, index) => {
      if (!isMap(step)) return;
      const where = `jobs.${jobName}.steps[${index}]`;
      const run = get(step, 'run');
      if (isScalar(run)) {
        const env = get(step, 'env');
        const fromExpressions = isMap(env)
          ? env.items
              .filter((e) => isScalar(e.value) && String(e.value.value).includes('${{'))
              .map((e) => String(isScalar(e.key) ? e.key.value : e.key))
          : [];
        for (const name of unescapedInCommands(String(run.value), fromExpressions))
          add(
            run,
            'workflow-command',
            `${where}.run: $${name} (from an expression) printed in a workflow command; wrap it as $(esc "$${name}")`,
          );
      }
      if (isScalar(run) && String(run.value).includes('${{'))
        add(
          run,
          'run-expression',
          `${where}.run: \`\${{ ... }}\` inside a script; pass the value through \`env:\``,
        );
      const uses = get(step, 'uses');
      if (!isScalar(uses)) return;
      checkUses(uses, `${where}.uses`);
      if (/^actions\/checkout@/.test(String(uses.value))) {
        const withMap = get(step, 'with');
        const persist = isMap(withMap) ? get(withMap, 'persist-credentials') : undefined;
        if (!(isScalar(persist) && String(persist.value) === 'false'))
          add(
            uses,
            'persist-credentials',
            `${where}: actions/checkout without \`persist-credentials: false\``,
          );
      }
    });
  }
  return findings;

  function checkUses(node: { value: unknown; comment?: string | null }, where: string) {
    const spec = String(node.value);
    if (spec.startsWith('./') || spec.startsWith('docker://')) return;
    const [name, ref] = spec.split('@') as [string, string | undefined];
    const repo = name.split('/').slice(0, 2).join('/');
    if (ref !== undefined && (options.allowTagged ?? []).includes(repo)) return;
    if (ref === undefined || !SHA.test(ref)) {
      add(node, 'pinned', `${where}: ${spec} is not pinned by a full commit SHA`);
      return;
    }
    const comment = lineComment(node);
    if (!VERSION_COMMENT.test(comment))
      add(node, 'pinned', `${where}: ${spec} needs a version comment such as \`# v1.2.3\``);
  }

  /** The `# ...` comment on the same line as a scalar. */
  function lineComment(node: unknown): string {
    const line = at(node);
    const source = text.split('\n')[line - 1] ?? '';
    const hash = source.indexOf(' #');
    return hash < 0 ? '' : source.slice(hash + 1).trim();
  }
}

const COMMAND_LINE = /::(error|warning|notice|debug|group)\b/;

/**
 * Names from `names` expanded, outside `$(esc "...")`, on the script lines that print a workflow command.
 */
export function unescapedInCommands(script: string, names: readonly string[]): string[] {
  if (!names.length) return [];
  const found = new Set<string>();
  for (const line of script.split('\n')) {
    if (!COMMAND_LINE.test(line)) continue;
    const outside = stripEscaped(line);
    for (const name of names)
      if (new RegExp(`\\$(\\{)?${name}(?![A-Za-z0-9_])`).test(outside)) found.add(name);
  }
  return [...found];
}

/** The line without its `$(esc ...)` calls (balanced parentheses). */
function stripEscaped(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line.startsWith('$(esc ', i)) {
      let depth = 0;
      let j = i + 1;
      for (; j < line.length; j++) {
        if (line[j] === '(') depth++;
        else if (line[j] === ')' && --depth === 0) break;
      }
      i = j + 1;
      continue;
    }
    out += line[i++];
  }
  return out;
}

export function formatHardening(findings: readonly HardeningFinding[]): string {
  return findings.map((f) => `${f.file}:${f.line}: ${f.message} [${f.rule}]`).join('\n');
}
