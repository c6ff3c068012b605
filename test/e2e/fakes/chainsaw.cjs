/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS fake executables */
// Fake chainsaw v0.2.15: `test [flags] [test directories]` with exactly the flags of
// `chainsaw test --help` at v0.2.15 (website/docs/reference/commands/chainsaw_test.md); an unknown flag,
// report format or duration fails as cobra/pflag do. Fails when $E2E_FAKE_FAIL is
// `chainsaw:<substring of DIR>`; writes a JUnit report like chainsaw's (name + `.xml` unless it has an
// extension, inside --report-path).
const fs = require('node:fs');
const path = require('node:path');
const record = require('./record.cjs');
const parseFlags = require('./flags.cjs');
const a = process.argv.slice(2);
const fail = (m) => {
  record('chainsaw', { error: m });
  process.stderr.write(`Error: ${m}\n`);
  process.exit(1);
};
if (a[0] !== 'test') fail(`unknown command "${a[0]}" for "chainsaw"`);
const DURATIONS = [
  '--apply-timeout',
  '--assert-timeout',
  '--cleanup-delay',
  '--cleanup-timeout',
  '--delete-timeout',
  '--error-timeout',
  '--exec-timeout',
  '--force-termination-grace-period',
];
const p = parseFlags(
  a.slice(1),
  {
    values: [
      ...DURATIONS,
      ...[
        '--cluster',
        '--config',
        '--default-compiler',
        '--deletion-propagation-policy',
        '--exclude-test-regex',
      ],
      ...[
        '--include-test-regex',
        '--kube-as',
        '--kube-as-group',
        '--kube-as-uid',
        '--kube-certificate-authority',
      ],
      ...[
        '--kube-client-certificate',
        '--kube-client-key',
        '--kube-cluster',
        '--kube-context',
        '--kube-namespace',
      ],
      ...[
        '--kube-password',
        '--kube-proxy-url',
        '--kube-request-timeout',
        '--kube-server',
        '--kube-tls-server-name',
      ],
      ...['--kube-token', '--kube-user', '--kube-username', '--namespace', '--parallel', '--repeat-count'],
      ...['--report-format', '--report-name', '--report-path', '--selector', '--set', '--set-string'],
      ...['--shard-count', '--shard-index', '--test-dir', '--test-file', '--values'],
    ],
    bools: [
      ...['--fail-fast', '--fast-namespace-deletion', '--full-name', '--help', '--kube-disable-compression'],
      ...['--kube-insecure-skip-tls-verify', '--no-cluster', '--no-color', '--pause-on-failure', '--quiet'],
      ...['--remarshal', '--skip-delete', '--template'],
    ],
    alias: { '-h': '--help', '-n': '--kube-namespace' },
  },
  fail,
);
for (const d of DURATIONS)
  if (p.get(d) && !parseFlags.isDuration(p.get(d)))
    fail(`invalid argument "${p.get(d)}" for "${d}" flag: time: invalid duration "${p.get(d)}"`);
const format = p.get('--report-format');
if (format && !['JSON', 'XML', 'JUNIT-TEST', 'JUNIT-STEP', 'JUNIT-OPERATION'].includes(format))
  fail(`unknown report format: ${format}`);
const dirs = [...p.args, ...(p.flags['--test-dir'] ?? [])];
if (dirs.length === 0) fail('no test directory given');
for (const d of dirs)
  if (!fs.statSync(d, { throwIfNoEntry: false })?.isDirectory()) fail(`stat ${d}: no such file or directory`);
const valuesFiles = p.flags['--values'] ?? [];
record('chainsaw', {
  kubeconfig: process.env.KUBECONFIG,
  values: valuesFiles.map((f) => fs.readFileSync(f, 'utf8')).join('\n---\n'),
});
const dir = dirs[0];
const fail1 =
  (process.env.E2E_FAKE_FAIL ?? '').startsWith('chainsaw:') &&
  dir.includes(process.env.E2E_FAKE_FAIL.slice(9));
process.stdout.write(
  `Version: v0.2.15\nLoading tests...\n- ${path.basename(dir)} (${dir})\nRunning tests...\n`,
);
process.stdout.write(
  fail1
    ? '--- FAIL: chainsaw (0.00s)\nTests Summary...\n- Passed  tests 0\n- Failed  tests 1\n'
    : 'Tests Summary...\n- Passed  tests 1\n- Failed  tests 0\n',
);
if (format === 'JUNIT-TEST') {
  const name = p.get('--report-name') ?? 'chainsaw-report';
  const file = path.join(p.get('--report-path') ?? '', path.extname(name) ? name : `${name}.xml`);
  fs.writeFileSync(
    file,
    `<testsuites name="chainsaw-report" time="1.000000" tests="1" failures="${fail1 ? 1 : 0}" skipped="0">\n  <testsuite name="${path.basename(dir)}" tests="1" failures="${fail1 ? 1 : 0}" errors="0" id="0" skipped="0" time="">\n    <testcase name="ext-actions-generic" classname="" time="1.000000">${fail1 ? '\n      <failure message="assertion failed"></failure>\n    ' : ''}</testcase>\n  </testsuite>\n</testsuites>`,
  );
}
process.exit(fail1 ? 1 : 0);
