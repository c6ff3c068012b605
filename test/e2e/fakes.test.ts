/**
 * The fakes are only worth something if they refuse what the real tools refuse: a flag the real CLI
 * does not declare (for the pinned versions: kind v0.32.0, chainsaw v0.2.15, kubectl), a bad duration or
 * report format fails with the real tool's message instead of being recorded as a success.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FAKES = path.resolve(import.meta.dirname, 'fakes');
let dir: string;

function run(tool: string, args: string[]) {
  const r = spawnSync(path.join(FAKES, tool), args, {
    encoding: 'utf8',
    input: '',
    env: {
      ...process.env,
      E2E_FAKE_DIR: FAKES,
      E2E_FAKE_LOG: path.join(dir, 'calls.jsonl'),
      E2E_FAKE_STATE: path.join(dir, 'state'),
    },
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ext-e2e-fakes-'));
  mkdirSync(path.join(dir, 'state'));
  mkdirSync(path.join(dir, 'suite'));
  writeFileSync(path.join(dir, 'values.yaml'), 'name: x\n');
  writeFileSync(path.join(dir, 'kind.yaml'), 'kind: Cluster\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fake kind', () => {
  it('accepts the flags kind declares', () => {
    const kc = path.join(dir, 'kc');
    const ok = ['create', 'cluster', '--name', 'c', '--image', 'i', '--config', path.join(dir, 'kind.yaml')];
    expect(run('kind', [...ok, '--kubeconfig', kc, '--wait', '2m', '--retain', '-q']).code).toBe(0);
    expect(readFileSync(kc, 'utf8')).toContain('kind-c');
    expect(run('kind', ['delete', 'cluster', '-n', 'c', '--kubeconfig', kc]).code).toBe(0);
  });
  it.each([
    [['create', 'cluster', '--node-image', 'x'], 'ERROR: unknown flag: --node-image'],
    [['create', 'cluster', '--wait', 'soon'], 'invalid argument "soon" for "--wait" flag'],
    [['delete', 'cluster', '--image', 'x'], 'ERROR: unknown flag: --image'],
    [['delete', 'clusters'], 'unknown command'],
  ])('refuses %j', (args, message) => {
    const r = run('kind', args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});

describe('fake kubectl', () => {
  it('accepts the forms the flow uses', () => {
    const k = ['--kubeconfig', 'k'];
    expect(run('kubectl', [...k, 'apply', '--server-side', '-f', 'https://x/m.yaml']).code).toBe(0);
    expect(
      run('kubectl', [
        ...k,
        'wait',
        '--for=condition=Available',
        '--timeout=2m',
        '-n',
        'ns',
        'deployments',
        'd',
      ]).code,
    ).toBe(0);
    expect(run('kubectl', [...k, 'get', 'events', '-A', '--sort-by=.lastTimestamp']).code).toBe(0);
    expect(run('kubectl', [...k, 'logs', '-n', 'ns', 'deployment/d', '--all-containers']).code).toBe(0);
  });
  it.each([
    [['apply', '--serverside', '-f', 'x'], 'error: unknown flag: --serverside'],
    [['apply', '--server-side'], 'must specify one of -f and -k'],
    [['wait', '--for=Available', 'deployments', 'd'], 'unrecognized condition'],
    [['wait', '--for=condition=Available', '--timeout=2 minutes', 'deployments', 'd'], 'invalid duration'],
    [['logs', '-n', 'ns', 'p', '--all'], 'error: unknown flag: --all'],
    [['rollout', 'status'], 'unknown command "rollout"'],
  ])('refuses %j', (args, message) => {
    const r = run('kubectl', args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});

describe('fake chainsaw', () => {
  it('accepts the v0.2.15 flags the flow uses and writes <name>.xml under --report-path', () => {
    const r = run('chainsaw', [
      ...['test', path.join(dir, 'suite'), '--values', path.join(dir, 'values.yaml'), '--skip-delete'],
      ...['--no-color', '--report-format', 'JUNIT-TEST', '--report-path', dir, '--report-name', 'r'],
      ...['--parallel', '1', '--assert-timeout', '5m'],
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'r.xml'), 'utf8')).toContain('<testsuites');
  });
  it.each([
    [['--values-file', 'v'], 'Error: unknown flag: --values-file'],
    [['--report-format', 'JUNIT'], 'unknown report format: JUNIT'],
    [['--assert-timeout', '5 minutes'], 'invalid argument "5 minutes" for "--assert-timeout"'],
    [['--skip-cleanup'], 'Error: unknown flag: --skip-cleanup'],
  ])('refuses %j', (extra, message) => {
    const r = run('chainsaw', ['test', path.join(dir, 'suite'), ...extra]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
  it('refuses a missing test directory', () => {
    expect(run('chainsaw', ['test', path.join(dir, 'nope')]).stderr).toContain('no such file or directory');
  });
});

describe('fake docker', () => {
  it('accepts the registry and node wiring forms, combined -fv included', () => {
    expect(run('docker', ['network', 'create', 'n']).code).toBe(0);
    expect(
      run('docker', ['run', '-d', '--restart=always', '--name', 'r', '--network', 'n', '-p', '1:2', 'img'])
        .code,
    ).toBe(0);
    expect(run('docker', ['container', 'inspect', 'r']).code).toBe(0);
    expect(run('docker', ['exec', '-i', 'node', 'cp', '/dev/stdin', '/x']).code).toBe(0);
    expect(run('docker', ['rm', '-fv', 'r']).code).toBe(0);
  });
  it.each([
    [['run', '--detached', 'img'], 'unknown flag: --detached'],
    [['rm', '-fx', 'r'], 'unknown'],
    [['exec', 'node'], 'requires at least 2 arguments'],
  ])('refuses %j', (args, message) => {
    const r = run('docker', args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});
