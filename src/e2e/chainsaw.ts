/** Chainsaw invocations: the generic suite shipped with the action, then the extension's own `test/`. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';

export interface SuiteRun {
  /** `generic` or `extension`. */
  suite: string;
  dir: string;
}

/**
 * The generic suite: `e2e/suite` at the repository root. The bundle (`dist/e2e/index.js`,
 * `dist/cli/index.js`) and the sources (`src/e2e/chainsaw.ts`) both sit two levels below it.
 */
export function genericSuiteDir(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  const dir = path.resolve(from, '..', '..', 'e2e', 'suite');
  if (!existsSync(path.join(dir, 'chainsaw-test.yaml')))
    throw new Error(`the generic Chainsaw suite is missing from ${dir} (broken installation)`);
  return dir;
}

/** The suites to run, in order: generic first, then `<extension dir>/test` when present. */
export function suites(genericDir: string, extensionDir: string): SuiteRun[] {
  const runs: SuiteRun[] = [{ suite: 'generic', dir: genericDir }];
  const own = path.join(extensionDir, 'test');
  if (existsSync(own)) runs.push({ suite: 'extension', dir: own });
  return runs;
}

/** Splits `extra-args` (shell-like words, quotes allowed, no expansion) into argv items. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | undefined;
  let has = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote)
    throw new UserError(`input "extra-args": unterminated ${quote} quote in ${JSON.stringify(text)}`);
  if (has) out.push(cur);
  // set by the action (the report flags through the `report` input); pflag also reads `--flag=value`
  const owned = ['--values', '--test-dir', '--report-format', '--report-path', '--report-name'];
  const bad = out.find((a) => owned.includes(a.split('=')[0]!));
  if (bad)
    throw new UserError(
      `input "extra-args": ${bad.split('=')[0]} is set by the action${bad.startsWith('--report') ? ' (use the report input)' : ''}; remove it`,
    );
  return out;
}

export interface ChainsawArgs {
  dir: string;
  valuesFile: string;
  extraArgs: readonly string[];
  /** JUnit report folder and file name (without .xml). */
  report?: { dir: string; name: string } | undefined;
}

/** `chainsaw test <dir> --values <file> [--report-*] --skip-delete <extra...>` */
export function chainsawArgv(a: ChainsawArgs): string[] {
  const argv = ['test', a.dir, '--values', a.valuesFile, '--skip-delete', '--no-color'];
  if (a.report)
    argv.push('--report-format', 'JUNIT-TEST', '--report-path', a.report.dir, '--report-name', a.report.name);
  return [...argv, ...a.extraArgs];
}
