/** What the fake docker (test/bake/fake/docker) was asked to run, read back from $FAKE_DOCKER_LOG. */
import { readFileSync } from 'node:fs';

/** One logged call: its arguments, working folder and the BUILDX_METADATA_* variables it saw. */
export interface FakeDockerCall {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * Every call in the log, in order. A log that was never written (docker not run at all) is no calls;
 * any other problem (unreadable file, a line that is not JSON) throws rather than reading as none.
 */
export function fakeDockerRecords(log: string): FakeDockerCall[] {
  let text: string;
  try {
    text = readFileSync(log, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as FakeDockerCall);
}

/** The argv of every call in the log, in order ([] only when the log does not exist). */
export function fakeDockerCalls(log: string): string[][] {
  return fakeDockerRecords(log).map((c) => c.argv);
}
