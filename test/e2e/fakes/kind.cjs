/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS fake executables */
// Fake kind: `create cluster` records the config file and network, writes the kubeconfig; `delete cluster`.
const fs = require('node:fs');
const record = require('./record.cjs');
const a = process.argv.slice(2);
const flag = (f) => (a.includes(f) ? a[a.indexOf(f) + 1] : undefined);
const name = flag('--name') ?? 'kind';
if (a[0] === 'create' && a[1] === 'cluster') {
  record('kind', {
    config: fs.readFileSync(flag('--config'), 'utf8'),
    network: process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK,
  });
  process.stderr.write(`Creating cluster "${name}" ...\n ✓ Ensuring node image (${flag('--image')}) 🖼\n`);
  const kubeconfig = flag('--kubeconfig');
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
} else if (a[0] === 'delete' && a[1] === 'cluster') {
  record('kind');
  process.stderr.write(`Deleting cluster "${name}" ...\n`);
} else if (a[0] === 'version') {
  process.stdout.write('kind v0.32.0 go1.25.0 linux/amd64\n');
} else {
  record('kind');
  process.stderr.write(`ERROR: unknown command "${a[0]}" for "kind"\n`);
  process.exit(1);
}
