/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS fake executables */
// Fake kubectl: answers apply/wait/get/describe/logs in kubectl's output formats.
const record = require('./record.cjs');
const a = process.argv.slice(2);
record('kubectl');
const verb = a[a[0] === '--kubeconfig' ? 2 : 0];
const out = (s) => process.stdout.write(s);
if (verb === 'apply') {
  if (process.env.E2E_FAKE_FAIL === 'cnpg') {
    process.stderr.write(
      'error: unable to read URL "' +
        a[a.indexOf('-f') + 1] +
        '", server reported 404 Not Found, status code=404\n',
    );
    process.exit(1);
  }
  out(
    'namespace/cnpg-system serverside-applied\ncustomresourcedefinition.apiextensions.k8s.io/clusters.postgresql.cnpg.io serverside-applied\ndeployment.apps/cnpg-controller-manager serverside-applied\n',
  );
} else if (verb === 'wait') out('deployment.apps/cnpg-controller-manager condition met\n');
else if (
  verb === 'get' &&
  a.includes('jsonpath={range .items[*]}{.metadata.namespace}{" "}{.metadata.name}{"\\n"}{end}')
)
  out('chainsaw-happy-gull pgvector-1\n');
else if (verb === 'get')
  out('NAMESPACE     NAME                 AGE\ndefault       pod/pgvector-1      1m\n');
else if (verb === 'describe')
  out('Name:         pgvector-1\nNamespace:    chainsaw-happy-gull\nEvents:       <none>\n');
else if (verb === 'logs') out('{"level":"info","ts":"2026-08-22T10:26:57Z","msg":"Starting workers"}\n');
else {
  process.stderr.write(`error: unknown command "${verb}" for "kubectl"\n`);
  process.exit(1);
}
