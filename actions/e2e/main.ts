import * as core from '@actions/core';
import path from 'node:path';
import { runAction } from '../../src/action/run.js';
import { htmlText } from '../../src/action/markdown.js';
import { writeJobSummary } from '../../src/action/summary.js';
import { UserError } from '../../src/errors.js';
import { cnpgMatrix, CNPG_LATEST } from '../../src/e2e/cnpg.js';
import { e2e } from '../../src/e2e/flow.js';
import { verifyLayout } from '../../src/layout/verify.js';
import { defaultExec, type Log } from '../../src/e2e/runner.js';
import { smokeBeforeCluster } from './smoke.js';
import { getInputs } from './inputs.js';
import { STATE, writeSummary } from './summary.js';

const log: Log = {
  info: (m) => core.info(m),
  error: (m, title) => core.error(m, title ? { title } : {}),
  group: (name, fn) => core.group(name, fn),
};

runAction(async () => {
  const inputs = getInputs();
  const matrix = cnpgMatrix(inputs['cnpg-latest'] || CNPG_LATEST);
  if (inputs.mode === 'cnpg-matrix') {
    core.setOutput('cnpg-matrix', JSON.stringify(matrix));
    core.summary
      .addHeading('CloudNativePG test matrix', 3)
      .addCodeBlock(htmlText(JSON.stringify(matrix)), 'json');
    await writeJobSummary();
    return;
  }
  if (!inputs.extension)
    throw new UserError('input "extension": expected the name of the extension folder under "root"');
  if (inputs['registry-password']) core.setSecret(inputs['registry-password']);
  const username = inputs['registry-username'];
  const password = inputs['registry-password'];
  const env = process.env;
  const workDir = path.join(
    env['RUNNER_TEMP'] || path.resolve('.tmp'),
    `ext-actions-e2e-${inputs.extension}`,
  );
  core.saveState(STATE.keep, String(inputs.keep));
  const clusters: string[] = [];
  const registry =
    inputs.registry ||
    (env['GITHUB_REPOSITORY_OWNER'] ? `ghcr.io/${env['GITHUB_REPOSITORY_OWNER'].toLowerCase()}` : undefined);
  const result = await e2e(defaultExec, log, {
    root: path.resolve(inputs.root),
    extension: inputs.extension,
    image: inputs.image,
    build: inputs.build,
    revision: env['GITHUB_SHA'] ?? '',
    verify: async (ref, extension) => verifyLayout(ref, { extension }),
    cnpg: inputs.cnpg,
    nodeImage: inputs['node-image'],
    versions: {
      kind: inputs['kind-version'],
      kubectl: inputs['kubectl-version'],
      chainsaw: inputs['chainsaw-version'],
    },
    credentials: username || password ? { username, password } : undefined,
    extraArgs: inputs['extra-args'],
    keep: inputs.keep,
    passEnv: inputs['pass-env'],
    report: inputs.report ? path.resolve(inputs.report) : undefined,
    workDir,
    registry,
    environment: inputs.environment,
    builtImages: inputs['built-images'],
    onTools: (tools) => core.saveState(STATE.kind, tools.kind),
    beforeCluster: inputs.smoke
      ? (images, { built }) =>
          smokeBeforeCluster(images, {
            root: path.resolve(inputs.root),
            extension: inputs.extension,
            built,
            registry,
            environment: inputs.environment,
            credentials: username ? { username, password } : undefined,
          })
      : undefined,
    onCreated: (what) => {
      if (what.kind === 'cluster') {
        clusters.push(what.name);
        core.saveState(STATE.clusters, JSON.stringify(clusters));
      } else core.saveState(STATE[what.kind], what.name);
    },
  });
  core.setOutput('result', result.passed ? 'passed' : 'failed');
  core.setOutput('values-file', result.valuesFile);
  core.setOutput('values', result.valuesYaml);
  core.setOutput('reports', JSON.stringify(result.reports));
  core.setOutput('clusters', JSON.stringify(result.clusters));
  core.setOutput('cnpg-matrix', JSON.stringify(matrix));
  if (result.diagnostics) core.setOutput('diagnostics', result.diagnostics);
  if (result.images) core.setOutput('images', JSON.stringify(result.images));
  await writeSummary(inputs, result);
  if (!result.passed) core.setFailed(`e2e failed: ${result.failures.join('; ')}`);
});
