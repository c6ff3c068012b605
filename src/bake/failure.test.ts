import { describe, expect, it } from 'vitest';
import { failedTargets, lastLines } from './failure.js';

const LOG = `#0 building with "b" instance using docker-container driver

#1 [internal] load local bake definitions
#1 DONE 0.0s

#2 [good-1-18-trixie internal] load build definition from Dockerfile
#2 DONE 0.0s

#3 [bad-1-18-trixie linux/arm64 builder 2/3] RUN apt-get install -y ext
#3 0.201 Reading package lists...
#3 0.412 E: Unable to locate package ext

#4 [good-1-18-trixie linux/amd64 builder 2/3] RUN true
#4 DONE 0.1s

#3 ERROR: process "/bin/sh -c apt-get install -y ext" did not complete successfully: exit code: 100
------
 > [bad-1-18-trixie linux/arm64 builder 2/3] RUN apt-get install -y ext:
------
ERROR: target bad-1-18-trixie: failed to solve: process "/bin/sh -c apt-get install -y ext" did not complete successfully: exit code: 100
`;

describe('failedTargets', () => {
  it('names the failing target and keeps its error and last log lines only', () => {
    const [f, ...more] = failedTargets(LOG, ['good-1-18-trixie', 'bad-1-18-trixie']);
    expect(more).toEqual([]);
    expect(f!.target).toBe('bad-1-18-trixie');
    expect(f!.log[0]).toContain('did not complete successfully: exit code: 100');
    expect(f!.log.join('\n')).toContain('E: Unable to locate package ext');
    expect(f!.log.join('\n')).not.toContain('RUN true');
  });

  it('finds the target from its failing step when the last line names none (older buildx)', () => {
    const old = LOG.replace(/^ERROR: target bad-1-18-trixie: /m, 'ERROR: ');
    const fs = failedTargets(old, ['good-1-18-trixie', 'bad-1-18-trixie']);
    expect(fs.map((f) => f.target)).toEqual(['bad-1-18-trixie']);
    expect(fs[0]!.log[0]).toBe(
      'ERROR: process "/bin/sh -c apt-get install -y ext" did not complete successfully: exit code: 100',
    );
  });

  it('uses the final "ERROR: target" line when steps are not prefixed', () => {
    const fs = failedTargets('ERROR: target "a-1-18-x": failed to solve: boom', ['a-1-18-x']);
    expect(fs).toEqual([{ target: 'a-1-18-x', log: ['ERROR: failed to solve: boom'] }]);
  });

  it('blames no one for unrelated errors', () => {
    expect(failedTargets('ERROR: no builder "x" found', ['a'])).toEqual([]);
    expect(lastLines('a\n\nb\nc\n', 2)).toEqual(['b', 'c']);
  });
});
