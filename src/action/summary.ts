/**
 * The job summary, written where there is one. Under act without a summary file, or when running a
 * bundle by hand, `GITHUB_STEP_SUMMARY` is unset and `core.summary.write()` throws: the summary then
 * goes to the log instead, so a step that did its work never fails for want of a summary file.
 */
import * as core from '@actions/core';

/** Writes what `core.summary` holds (plus `markdown`, if given) to the job summary, or logs it. */
export async function writeJobSummary(
  markdown?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (markdown !== undefined) core.summary.addRaw(markdown);
  if (env['GITHUB_STEP_SUMMARY']) {
    try {
      await core.summary.write();
      return;
    } catch (err) {
      core.warning(`could not write the job summary (${(err as Error).message}); it follows in the log`);
    }
  }
  const text = core.summary.stringify();
  core.summary.emptyBuffer();
  if (text.trim() !== '') core.info(text);
}
