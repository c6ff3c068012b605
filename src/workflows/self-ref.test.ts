import { describe, expect, it } from 'vitest';
import { parseUses, resolveCaller } from './self-ref.js';

const opts = {
  file: 'ci.yml',
  workflow: 'extensions.yml',
  callerRepository: 'acme/exts',
  callerSha: 'a'.repeat(40),
};
const REAL = 'cnpg/ext-actions/.github/workflows/extensions.yml@v1';

describe('resolveCaller', () => {
  it('reads only jobs.<id>.uses: comments, scripts and step uses: never count', () => {
    const text = [
      '# migrated from someone/fork/.github/workflows/extensions.yml@main',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: someone/fork/.github/workflows/extensions.yml@step',
      '      - run: |',
      '          uses: someone/fork/.github/workflows/extensions.yml@script',
      '  extensions:',
      '    # uses: someone/fork/.github/workflows/extensions.yml@comment',
      `    uses: ${REAL} # v1`,
      '    with: { note: "someone/fork/.github/workflows/extensions.yml@input" }',
    ].join('\n');
    expect(resolveCaller(text, opts)).toEqual({ repository: 'cnpg/ext-actions', ref: 'v1' });
  });

  it('a local call runs at the caller’s own repository and commit', () => {
    expect(resolveCaller('jobs:\n  x:\n    uses: ./.github/workflows/extensions.yml\n', opts)).toEqual({
      repository: 'acme/exts',
      ref: 'a'.repeat(40),
    });
  });

  it('accepts several jobs calling the same ref; refuses different refs, naming each', () => {
    const same = `jobs:\n  a:\n    uses: ${REAL}\n  b:\n    uses: "${REAL}"\n`;
    expect(resolveCaller(same, opts).ref).toBe('v1');
    const two = `jobs:\n  a:\n    uses: ${REAL}\n  b:\n    uses: someone/fork/.github/workflows/extensions.yml@main\n`;
    expect(() => resolveCaller(two, opts)).toThrow(
      'ci.yml: jobs call extensions.yml at different refs; set the ext-actions-ref input to choose one\n' +
        '  - ci.yml:3: jobs.a.uses: cnpg/ext-actions@v1\n' +
        '  - ci.yml:5: jobs.b.uses: someone/fork@main',
    );
  });

  it('one clear message for no call, a malformed call and invalid YAML', () => {
    expect(() => resolveCaller(`# uses: ${REAL}\njobs:\n  a:\n    runs-on: x\n`, opts)).toThrow(
      /^ci\.yml: no job calls \.github\/workflows\/extensions\.yml .*set the ext-actions-ref input$/,
    );
    expect(() =>
      resolveCaller(
        'jobs:\n  a:\n    uses: "cnpg/ext-actions/.github/workflows/extensions.yml@v1\\nx=y"\n',
        opts,
      ),
    ).toThrow('ci.yml:3: jobs.a.uses: expected <owner>/<repo>/.github/workflows/extensions.yml@<ref>, got');
    expect(() => resolveCaller('jobs: [\n', opts)).toThrow(/^ci\.yml:\d+: not valid YAML/);
    expect(() => resolveCaller('jobs: {}\n', { ...opts, workflow: '../x' })).toThrow(
      '--workflow: expected a file name',
    );
  });

  it('matches the workflow file exactly (os-libs.yml is not extensions.yml)', () => {
    expect(parseUses('cnpg/ext-actions/.github/workflows/os-libs.yml@v1', 'extensions.yml')).toBeUndefined();
    expect(parseUses('cnpg/ext-actions/.github/workflows/os-libs.yml@v1', 'os-libs.yml')).toEqual({
      repository: 'cnpg/ext-actions',
      ref: 'v1',
    });
  });
});
