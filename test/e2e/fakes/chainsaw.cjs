/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS fake executables */
// Fake chainsaw: `test DIR --values F [--report-format JUNIT-TEST --report-path P --report-name N]`.
// Fails when $E2E_FAKE_FAIL is `chainsaw:<substring of DIR>`; writes a JUnit report like chainsaw's.
const fs = require('node:fs');
const path = require('node:path');
const record = require('./record.cjs');
const a = process.argv.slice(2);
const flag = (f) => (a.includes(f) ? a[a.indexOf(f) + 1] : undefined);
record('chainsaw', { kubeconfig: process.env.KUBECONFIG, values: fs.readFileSync(flag('--values'), 'utf8') });
if (a[0] !== 'test') {
  process.stderr.write(`Error: unknown command "${a[0]}" for "chainsaw"\n`);
  process.exit(1);
}
const dir = a[1];
const fail =
  (process.env.E2E_FAKE_FAIL ?? '').startsWith('chainsaw:') &&
  dir.includes(process.env.E2E_FAKE_FAIL.slice(9));
process.stdout.write(
  `Version: v0.2.15\nLoading tests...\n- ${path.basename(dir)} (${dir})\nRunning tests...\n`,
);
process.stdout.write(
  fail
    ? '--- FAIL: chainsaw (0.00s)\nTests Summary...\n- Passed  tests 0\n- Failed  tests 1\n'
    : 'Tests Summary...\n- Passed  tests 1\n- Failed  tests 0\n',
);
if (flag('--report-format') === 'JUNIT-TEST') {
  const name = flag('--report-name') ?? 'chainsaw-report';
  const file = path.join(flag('--report-path') ?? '', path.extname(name) ? name : `${name}.xml`);
  fs.writeFileSync(
    file,
    `<testsuites name="chainsaw-report" time="1.000000" tests="1" failures="${fail ? 1 : 0}" skipped="0">\n  <testsuite name="${path.basename(dir)}" tests="1" failures="${fail ? 1 : 0}" errors="0" id="0" skipped="0" time="">\n    <testcase name="ext-actions-generic" classname="" time="1.000000">${fail ? '\n      <failure message="assertion failed"></failure>\n    ' : ''}</testcase>\n  </testsuite>\n</testsuites>`,
  );
}
process.exit(fail ? 1 : 0);
