/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS fake executables */
// Fake kubectl: answers apply/wait/get/describe/logs in kubectl's output formats. Each verb accepts only
// (a subset of) the flags real kubectl declares for it, plus kubectl's global flags; `wait` needs a valid
// --for and --timeout, `apply --server-side` a -f.
const record = require('./record.cjs');
const parseFlags = require('./flags.cjs');
const a = process.argv.slice(2);
const fail = (m) => {
  record('kubectl', { error: m });
  process.stderr.write(`error: ${m}\n`);
  process.exit(1);
};
const GLOBAL = {
  values: ['--kubeconfig', '--namespace', '--context', '--request-timeout'],
  alias: { '-n': '--namespace' },
};
const VERBS = {
  apply: {
    values: ['--filename', '--field-manager'],
    bools: ['--server-side', '--force-conflicts'],
    alias: { '-f': '--filename' },
  },
  wait: {
    values: ['--for', '--timeout', '--selector'],
    bools: ['--all', '--all-namespaces'],
    alias: { '-l': '--selector', '-A': '--all-namespaces' },
  },
  get: {
    values: ['--output', '--selector', '--sort-by'],
    bools: ['--all-namespaces'],
    alias: { '-o': '--output', '-l': '--selector', '-A': '--all-namespaces' },
  },
  describe: {
    values: ['--selector'],
    bools: ['--all-namespaces'],
    alias: { '-l': '--selector', '-A': '--all-namespaces' },
  },
  logs: {
    values: ['--container', '--tail', '--since'],
    bools: ['--all-containers', '--previous', '--prefix'],
    alias: { '-c': '--container', '-p': '--previous' },
  },
};
// the verb is the first word that is not a flag or a global flag's value
let verb;
for (let i = 0; i < a.length && !verb; i++) {
  if (['--kubeconfig', '--namespace', '-n', '--context', '--request-timeout'].includes(a[i])) i++;
  else if (!a[i].startsWith('-')) verb = a[i];
}
const spec = VERBS[verb];
if (!spec) fail(`unknown command "${verb}" for "kubectl"`);
const p = parseFlags(
  a,
  {
    values: [...GLOBAL.values, ...(spec.values ?? [])],
    bools: spec.bools,
    alias: { ...GLOBAL.alias, ...spec.alias },
  },
  fail,
);
record('kubectl');
const out = (s) => process.stdout.write(s);
const rest = p.args.slice(1);
if (verb === 'apply') {
  if (!p.get('--filename')) fail('must specify one of -f and -k');
  if (process.env.E2E_FAKE_FAIL === 'cnpg') {
    process.stderr.write(
      'error: unable to read URL "' +
        p.get('--filename') +
        '", server reported 404 Not Found, status code=404\n',
    );
    process.exit(1);
  }
  out(
    'namespace/cnpg-system serverside-applied\ncustomresourcedefinition.apiextensions.k8s.io/clusters.postgresql.cnpg.io serverside-applied\ndeployment.apps/cnpg-controller-manager serverside-applied\n',
  );
} else if (verb === 'wait') {
  const cond = p.get('--for') ?? '';
  if (!/^(delete|condition=[A-Za-z]+(=.+)?|jsonpath=.+|create)$/.test(cond))
    fail(`unrecognized condition: "${cond}"`);
  if (p.get('--timeout') && !parseFlags.isDuration(p.get('--timeout')))
    fail(`invalid argument "${p.get('--timeout')}" for "--timeout" flag: time: invalid duration`);
  if (rest.length === 0) fail('resource(s) were provided, but no name was specified');
  out(`deployment.apps/${rest.at(-1)} condition met\n`);
} else if (
  verb === 'get' &&
  p.get('--output') === 'jsonpath={range .items[*]}{.metadata.namespace}{" "}{.metadata.name}{"\\n"}{end}'
)
  out('chainsaw-happy-gull pgvector-1\n');
else if (verb === 'get') {
  if (rest.length === 0) fail('You must specify the type of resource to get.');
  out('NAMESPACE     NAME                 AGE\ndefault       pod/pgvector-1      1m\n');
} else if (verb === 'describe') {
  if (rest.length === 0) fail('You must specify the type of resource to describe.');
  out('Name:         pgvector-1\nNamespace:    chainsaw-happy-gull\nEvents:       <none>\n');
} else if (verb === 'logs') {
  if (rest.length !== 1) fail('expected POD or TYPE/NAME is a required argument for the logs command');
  out('{"level":"info","ts":"2026-08-22T10:26:57Z","msg":"Starting workers"}\n');
}
