/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS fake executables */
// Fake docker CLI: network/container state kept in $E2E_FAKE_STATE; `exec -i` records its stdin.
// `docker buildx ...` is handed to the bake tests' buildx fake (test/bake/fake/docker), which keeps its
// own builder/pushed-image state in $FAKE_DOCKER_STATE and logs to $FAKE_DOCKER_LOG.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const record = require('./record.cjs');
const a = process.argv.slice(2);
const state = process.env.E2E_FAKE_STATE;
const mark = (kind, name) => path.join(state, `${kind}-${name}`);
if (a[0] === 'buildx') {
  record('docker');
  const buildx = path.resolve(process.env.E2E_FAKE_DIR, '../../bake/fake/docker');
  const r = spawnSync(process.execPath, [buildx, ...a], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (a[0] === 'exec' && a[1] === '-i') record('docker', { stdin: record.stdin() });
else record('docker');
if (a[0] === 'network' && a[1] === 'inspect') {
  if (!fs.existsSync(mark('network', a[2]))) {
    process.stderr.write(`Error response from daemon: network ${a[2]} not found\n`);
    process.exit(1);
  }
  process.stdout.write('[{"Name":"' + a[2] + '"}]\n');
} else if (a[0] === 'network' && a[1] === 'create') {
  fs.writeFileSync(mark('network', a[2]), '');
  process.stdout.write('4f1c0e9d2b7a' + '0'.repeat(52) + '\n');
} else if (a[0] === 'container' && a[1] === 'inspect') {
  if (!fs.existsSync(mark('container', a[2]))) {
    process.stderr.write(`Error: No such container: ${a[2]}\n`);
    process.exit(1);
  }
  process.stdout.write('[{}]\n');
} else if (a[0] === 'run') {
  fs.writeFileSync(mark('container', a[a.indexOf('--name') + 1]), '');
  process.stdout.write('9a8b7c6d5e4f' + '1'.repeat(52) + '\n');
} else if (a[0] === 'rm') {
  process.stdout.write(a[a.length - 1] + '\n');
} else if (a[0] === 'network' && a[1] === 'rm') {
  process.stdout.write(a[2] + '\n');
} else if (a[0] === 'exec') {
  // mkdir / cp /dev/stdin inside the node: nothing to print
} else {
  process.stderr.write(`fake docker: unsupported ${a.join(' ')}\n`);
  process.exit(125);
}
