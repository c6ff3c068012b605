import * as core from '@actions/core';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { e2e as runFlow } from '../../e2e/flow.js';
import { DEFAULT_NODE_IMAGE } from '../../e2e/kind.js';
import { verifyLayout } from '../../layout/verify.js';
import { defaultExec, teardown, type Log, type Teardown } from '../../e2e/runner.js';
import { DEFAULT_CHAINSAW_VERSION, DEFAULT_KIND_VERSION, DEFAULT_KUBECTL_VERSION } from '../../e2e/tools.js';
import { ENVIRONMENTS } from '../../matrix/index.js';
import { listFlag, oneOf, parseFlags, type CliIO, type Command } from '../command.js';
import { specs } from '../specs.js';

function cliLog(io: CliIO): Log {
  return {
    info: (m) => io.stderr(`${m}\n`),
    error: (m, title) => io.stderr(`error${title ? ` (${title})` : ''}: ${m}\n`),
    group: async (name, fn) => {
      io.stderr(`==> ${name}\n`);
      return fn();
    },
  };
}

export const e2e: Command = {
  ...specs.e2e,
  async run(args, io) {
    const { values: v } = parseFlags(this, args, {
      root: { type: 'string', default: '.' },
      extension: { type: 'string' },
      image: { type: 'string' },
      cnpg: { type: 'string', default: 'latest' },
      'node-image': { type: 'string', default: DEFAULT_NODE_IMAGE },
      'kind-version': { type: 'string', default: DEFAULT_KIND_VERSION },
      'kubectl-version': { type: 'string', default: DEFAULT_KUBECTL_VERSION },
      'chainsaw-version': { type: 'string', default: DEFAULT_CHAINSAW_VERSION },
      registry: { type: 'string' },
      environment: { type: 'string' },
      'extra-args': { type: 'string', default: '' },
      report: { type: 'string' },
      'work-dir': { type: 'string' },
      platform: { type: 'string' },
      distro: { type: 'string' },
      timestamp: { type: 'string', default: '' },
      revision: { type: 'string', default: '' },
      keep: { type: 'boolean', default: false },
      'pass-env': { type: 'string', multiple: true },
    });
    if (!v.extension) throw new UserError(`ext-actions e2e: --extension is required\nusage: ${this.usage}`);
    const build = v.image === undefined;
    if (!build && (v.platform !== undefined || v.distro !== undefined || v.timestamp || v.revision))
      throw new UserError(
        'ext-actions e2e: --platform, --distro, --timestamp and --revision are for building (without --image); drop them or --image',
      );
    const env = io.env;
    const username = env['REGISTRY_USERNAME'] ?? '';
    const password = env['REGISTRY_PASSWORD'] ?? '';
    if (password) core.setSecret(password);
    const log = cliLog(io);
    const created: Teardown = { clusters: [] };
    const workDir = path.resolve(
      io.cwd,
      v['work-dir'] ?? path.join(os.tmpdir(), `ext-actions-e2e-${process.pid}`),
    );
    let result;
    try {
      result = await runFlow(defaultExec, log, {
        root: path.resolve(io.cwd, v.root),
        extension: v.extension,
        image: v.image ?? '',
        build,
        platform: v.platform,
        distro: v.distro,
        timestamp: v.timestamp,
        revision: v.revision,
        verify: async (ref, extension) => verifyLayout(ref, { extension }),
        cnpg: v.cnpg,
        nodeImage: v['node-image'],
        versions: { kind: v['kind-version'], kubectl: v['kubectl-version'], chainsaw: v['chainsaw-version'] },
        credentials: username || password ? { username, password } : undefined,
        extraArgs: v['extra-args'],
        keep: v.keep,
        passEnv: listFlag(v['pass-env']),
        report: v.report ? path.resolve(io.cwd, v.report) : undefined,
        workDir,
        registry: v.registry,
        environment: oneOf('--environment', v.environment, ENVIRONMENTS, 'production'),
        onTools: (tools) => {
          created.kind = tools.kind;
        },
        onCreated: (what) => {
          if (what.kind === 'cluster') created.clusters.push(what.name);
          else created[what.kind] = what.name;
        },
      });
    } finally {
      if (!v.keep && (created.clusters.length || created.registry || created.network || created.builder)) {
        await teardown(defaultExec, log, { ...created, clusters: [...new Set(created.clusters)] });
      }
    }
    io.stdout(`${result.passed ? 'PASS' : 'FAIL'} ${v.extension} (${result.tested.join(', ')})\n`);
    for (const i of result.images ?? []) io.stdout(`built: ${i.target} ${i.ref}\n`);
    for (const f of result.valuesFiles) io.stdout(`values: ${f}\n`);
    if (result.diagnostics) io.stdout(`diagnostics: ${result.diagnostics}\n`);
    for (const r of result.reports) io.stdout(`report: ${r}\n`);
    if (v.keep) io.stdout(`kept clusters: ${result.clusters.join(', ')}\n`);
    return result.passed ? 0 : 1;
  },
};
