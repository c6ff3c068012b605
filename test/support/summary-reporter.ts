// Prints the plain closing line CI reads: `N passed, N failed` (skipped tests are reported after it).
// It runs after the default reporter, so this is the last line of the run.
import type { Reporter } from 'vitest/node';

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

function hasFailedTest(tasks: readonly Task[]): boolean {
  return tasks.some((t) => (t.tasks ? hasFailedTest(t.tasks) : t.result?.state === 'fail'));
}

function count(tasks: readonly Task[], totals: { passed: number; failed: number; skipped: number }): void {
  for (const task of tasks) {
    if (task.tasks) {
      // A file or suite that failed outside its tests (import error, beforeAll/afterAll hook) counts as a failure.
      if (task.result?.state === 'fail' && !hasFailedTest(task.tasks)) totals.failed++;
      count(task.tasks, totals);
    } else if (task.result?.state === 'pass') totals.passed++;
    else if (task.result?.state === 'fail') totals.failed++;
    else totals.skipped++;
  }
}

export default class SummaryReporter implements Reporter {
  onFinished(files: readonly Task[] = [], errors: readonly unknown[] = []): void {
    const totals = { passed: 0, failed: 0, skipped: 0 };
    count(files, totals);
    totals.failed += errors.length;
    const extra = totals.skipped ? ` (${totals.skipped} skipped)` : '';
    process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${extra}\n`);
  }
}
