/** How a smoke report is shown: one line per platform for the log, a Markdown table for the job summary. */
import { mdCode, mdText as cell } from '../action/markdown.js';
import type { SmokeReport } from './run.js';

export function reportLines(r: SmokeReport): string[] {
  const lines: string[] = [];
  for (const p of r.platforms) {
    const passed = p.checks.filter((c) => c.ok).length;
    lines.push(
      p.ok
        ? `ok   ${r.extension} ${p.platform}: ${r.sqlName} ${p.sqlVersion ?? '(module)'}, ${passed} checks in ${p.seconds.toFixed(1)} s (${p.manifest})`
        : `FAIL ${p.reason ?? `${r.extension} on ${p.platform}`}`,
    );
    if (!p.ok) {
      for (const m of p.missingLibraries ?? []) lines.push(`     missing: ${m}`);
      const log = (p.serverLog ?? '').trim();
      if (log)
        lines.push(
          '     server log (last lines):',
          ...log
            .split('\n')
            .slice(-20)
            .map((l) => `       ${l}`),
        );
    }
  }
  return lines;
}

export function reportMarkdown(reports: readonly SmokeReport[]): string {
  const rows = reports.flatMap((r) =>
    r.platforms.map(
      (p) =>
        `| ${p.ok ? '✅' : '❌'} | ${mdCode(r.extension)} | ${cell(p.platform)} | ${cell(p.sqlVersion ?? (p.ok ? 'module' : '-'))} | ${cell(r.expectedSqlVersion || '-')} | ${p.seconds.toFixed(1)} s | ${cell(p.ok ? `${p.checks.length} checks` : (p.reason ?? ''))} |`,
    ),
  );
  return [
    '### Smoke test in PostgreSQL 18',
    '',
    '| | Extension | Platform | SQL version | Annotation | Time | Result |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
