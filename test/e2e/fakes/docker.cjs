/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS fake executables */
// Fake docker CLI: network/container state kept in $E2E_FAKE_STATE; `exec -i` records its stdin. The
// subcommands the e2e flow uses accept only flags the real CLI declares for them (a subset).
// `docker buildx ...` is handed to the bake tests' buildx fake (test/bake/fake/docker), which keeps its
// own builder/pushed-image state in $FAKE_DOCKER_STATE and logs to $FAKE_DOCKER_LOG.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const record = require('./record.cjs');
const parseFlags = require('./flags.cjs');
const a = process.argv.slice(2);
const state = process.env.E2E_FAKE_STATE;
const mark = (kind, name) => path.join(state, `${kind}-${name}`);
const fail = (m) => {
  record('docker', { error: m });
  process.stderr.write(`${m}\nSee 'docker ${a[0]} --help'.\n`);
  process.exit(125);
};
if (a[0] === 'buildx') {
  record('docker');
  const buildx = path.resolve(process.env.E2E_FAKE_DIR, '../../bake/fake/docker');
  const r = spawnSync(process.execPath, [buildx, ...a], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const SPECS = {
  'network inspect': {},
  'network create': { values: ['--driver'], alias: { '-d': '--driver' } },
  'network rm': { bools: ['--force'], alias: { '-f': '--force' } },
  'container inspect': { values: ['--format'], alias: { '-f': '--format' } },
  run: {
    values: ['--restart', '--name', '--network', '--publish', '--volume', '--env'],
    bools: ['--detach', '--rm'],
    alias: { '-d': '--detach', '-p': '--publish', '-v': '--volume', '-e': '--env' },
    interspersed: false,
  },
  rm: { bools: ['--force', '--volumes'], alias: { '-f': '--force', '-v': '--volumes' } },
  exec: {
    values: ['--user', '--env', '--workdir'],
    bools: ['--interactive', '--tty', '--detach'],
    alias: {
      '-i': '--interactive',
      '-t': '--tty',
      '-u': '--user',
      '-e': '--env',
      '-w': '--workdir',
      '-d': '--detach',
    },
    interspersed: false,
  },
};
const command = SPECS[`${a[0]} ${a[1]}`] ? `${a[0]} ${a[1]}` : a[0];
const spec = SPECS[command];
if (!spec) fail(`fake docker: unsupported ${a.join(' ')}`);
const p = parseFlags(a.slice(command.split(' ').length), spec, (m) => fail(`unknown flag: ${m}`));
const [target] = p.args;
if (!target) fail(`"docker ${command}" requires at least 1 argument.`);
if (command === 'exec' && p.args.length < 2) fail('"docker exec" requires at least 2 arguments.');
if (command === 'exec' && p.get('--interactive')) record('docker', { stdin: record.stdin() });
else record('docker');
if (command === 'network inspect') {
  if (!fs.existsSync(mark('network', target))) {
    process.stderr.write(`Error response from daemon: network ${target} not found\n`);
    process.exit(1);
  }
  process.stdout.write('[{"Name":"' + target + '"}]\n');
} else if (command === 'network create') {
  fs.writeFileSync(mark('network', target), '');
  process.stdout.write('4f1c0e9d2b7a' + '0'.repeat(52) + '\n');
} else if (command === 'container inspect') {
  if (!fs.existsSync(mark('container', target))) {
    process.stderr.write(`Error: No such container: ${target}\n`);
    process.exit(1);
  }
  process.stdout.write('[{}]\n');
} else if (command === 'run') {
  if (p.get('--name')) fs.writeFileSync(mark('container', p.get('--name')), '');
  process.stdout.write('9a8b7c6d5e4f' + '1'.repeat(52) + '\n');
} else if (command === 'rm' || command === 'network rm') {
  process.stdout.write(p.args.join('\n') + '\n');
}
// exec (mkdir / cp /dev/stdin / systemctl inside the node): nothing to print
