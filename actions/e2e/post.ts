import * as core from '@actions/core';
import { runAction } from '../../src/action/run.js';
import { defaultExec, teardown } from '../../src/e2e/runner.js';
import { STATE } from './summary.js';

runAction(async () => {
  if (core.getState(STATE.keep) === 'true') {
    core.info('keep is true: the kind clusters, the registry, the network and the builder are left running');
    return;
  }
  const clusters = core.getState(STATE.clusters);
  await teardown(
    defaultExec,
    {
      info: (m) => core.info(m),
      error: (m, title) => core.warning(m, title ? { title } : {}),
      group: (n, fn) => core.group(n, fn),
    },
    {
      kind: core.getState(STATE.kind) || undefined,
      clusters: clusters ? (JSON.parse(clusters) as string[]) : [],
      registry: core.getState(STATE.registry) || undefined,
      network: core.getState(STATE.network) || undefined,
      builder: core.getState(STATE.builder) || undefined,
    },
  );
});
