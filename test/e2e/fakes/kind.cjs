/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS fake executables */
// Fake kind v0.32.0: `create cluster` records the config file and network, writes the kubeconfig;
// `delete cluster`; `version`. Only the flags kind declares (pkg/cmd/kind/{root.go,create/cluster,
// delete/cluster}) are accepted; anything else fails as kind does.
const fs = require('node:fs');
const record = require('./record.cjs');
const parseFlags = require('./flags.cjs');
const a = process.argv.slice(2);
const fail = (m) => {
  record('kind', { error: m });
  process.stderr.write(`ERROR: ${m}\n`);
  process.exit(1);
};
const global = {
  values: ['--verbosity'],
  bools: ['--quiet'],
  alias: { '-v': '--verbosity', '-q': '--quiet' },
};
const command = a
  .filter((x) => !x.startsWith('-'))
  .slice(0, 2)
  .join(' ');
const spec = (values, bools = []) =>
  parseFlags(
    a,
    {
      values: [...global.values, ...values],
      bools: [...global.bools, ...bools],
      alias: { ...global.alias, '-n': '--name' },
    },
    fail,
  );
if (command === 'create cluster') {
  const p = spec(['--name', '--config', '--image', '--wait', '--kubeconfig'], ['--retain']);
  if (p.args.length !== 2) fail(`unknown command "${p.args[2]}" for "kind create cluster"`);
  if (p.get('--wait') && !parseFlags.isDuration(p.get('--wait')))
    fail(
      `invalid argument "${p.get('--wait')}" for "--wait" flag: time: invalid duration "${p.get('--wait')}"`,
    );
  const name = p.get('--name') ?? 'kind';
  record('kind', {
    config: p.get('--config') ? fs.readFileSync(p.get('--config'), 'utf8') : undefined,
    network: process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK,
  });
  process.stderr.write(`Creating cluster "${name}" ...\n ✓ Ensuring node image (${p.get('--image')}) 🖼\n`);
  const kubeconfig = p.get('--kubeconfig');
  if (kubeconfig)
    fs.writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: kind-${name}\ncurrent-context: kind-${name}\n`,
    );
  process.stderr.write(`Set kubectl context to "kind-${name}"\n`);
  if (process.env.E2E_FAKE_FAIL === 'kind') {
    process.stderr.write(
      'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "' + name + '"\n',
    );
    process.exit(1);
  }
} else if (command === 'delete cluster') {
  const p = spec(['--name', '--kubeconfig']);
  if (p.args.length !== 2) fail(`unknown command "${p.args[2]}" for "kind delete cluster"`);
  record('kind');
  process.stderr.write(`Deleting cluster "${p.get('--name') ?? 'kind'}" ...\n`);
} else if (a[0] === 'version' && a.length === 1) {
  process.stdout.write('kind v0.32.0 go1.25.0 linux/amd64\n');
} else {
  fail(`unknown command "${a[0]}" for "kind"`);
}
