/**
 * Finds which bake targets failed, and the last lines of their build log, in buildx's plain progress
 * output. Bake prefixes each step's name with its target (`#12 [pgvector-0_8_1-18-trixie linux/arm64
 * builder 2/3] RUN ...`), a failing step prints `#12 ERROR: ...`, and bake ends with
 * `ERROR: target <name>: failed to solve: ...` (older buildx: `ERROR: failed to solve: ...`).
 */

export interface TargetFailure {
  target: string;
  /** The error line(s) and the last lines the target's steps printed. */
  log: string[];
}

const STEP = /^#(\d+) (.*)$/;
const STEP_NAME = /^\[([^\s\]]+)[\s\]]/;

export function failedTargets(output: string, targets: readonly string[], keep = 20): TargetFailure[] {
  const known = new Set(targets);
  const stepTarget = new Map<string, string>();
  const linesOf = new Map<string, string[]>();
  const failed = new Map<string, string[]>();
  const note = (target: string, message: string) => {
    const list = failed.get(target) ?? [];
    if (!list.includes(message)) list.push(message);
    failed.set(target, list);
  };

  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const step = STEP.exec(line);
    if (step) {
      const [, id, rest] = step as unknown as [string, string, string];
      const name = STEP_NAME.exec(rest);
      if (name && !stepTarget.has(id) && known.has(name[1]!)) stepTarget.set(id, name[1]!);
      const target = stepTarget.get(id);
      if (!target) continue;
      const lines = linesOf.get(target) ?? [];
      lines.push(line);
      if (lines.length > keep * 4) lines.splice(0, lines.length - keep * 2);
      linesOf.set(target, lines);
      if (rest.startsWith('ERROR: ')) note(target, rest);
      continue;
    }
    const summary = /^ERROR: target "?([^":\s]+)"?: (.*)$/.exec(line);
    if (summary && known.has(summary[1]!)) note(summary[1]!, `ERROR: ${summary[2]}`);
  }

  return targets
    .filter((t) => failed.has(t))
    .map((target) => {
      const errors = failed.get(target)!;
      const tail = (linesOf.get(target) ?? []).slice(-keep);
      return { target, log: [...errors, ...tail.filter((l) => !errors.some((e) => l.endsWith(e)))] };
    });
}

/** The last non-empty lines of a whole log, for failures no target can be blamed for. */
export function lastLines(output: string, count = 20): string[] {
  return output
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-count);
}
