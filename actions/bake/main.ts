import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { actCacheUnavailable, runAction } from '../../src/action/run.js';
import { writeJobSummary } from '../../src/action/summary.js';
import {
  TargetBuildError,
  defaultBase,
  defaultHead,
  defaultRegistry,
  imageMetadata,
  execCommand,
  repositoryUrl,
  runBake,
  targetFailureMessage,
} from '../../src/bake/index.js';
import { verifyLayout } from '../../src/layout/index.js';
import { getInputs } from './inputs.js';

async function main(): Promise<void> {
  const inputs = getInputs();
  const env = process.env;
  const id = randomBytes(4).toString('hex');
  const workDir = path.resolve(env['RUNNER_TEMP'] || os.tmpdir(), `ext-actions-bake-${id}`);
  const noCache = inputs.cache ? actCacheUnavailable(env) : undefined;
  if (noCache)
    core.warning(
      `cache: the GitHub Actions cache service is not available under act (${noCache}); building without cache`,
    );
  try {
    const result = await runBake(
      {
        mode: inputs.mode,
        cwd: process.cwd(),
        root: inputs.root,
        extensions: inputs.extensions,
        targets: inputs.targets,
        base: inputs.base || defaultBase(env),
        head: inputs.head || defaultHead(env),
        registry: inputs.registry || defaultRegistry(env),
        environment: inputs.environment,
        push: inputs.push,
        platforms: inputs.platforms,
        timestamp: inputs.timestamp,
        revision: inputs.revision || env['GITHUB_SHA'] || '',
        baseImage: inputs['base-image'] || undefined,
        url: repositoryUrl(env),
        source: repositoryUrl(env),
        ...imageMetadata(inputs, env),
        load: inputs.load,
        noCache: inputs['no-cache'],
        pull: inputs.pull,
        provenance: inputs.provenance || undefined,
        sbom: inputs.sbom || undefined,
        builder: inputs.builder,
        builderName: `ext-actions-${id}`,
        setupQemu: inputs['setup-qemu'],
        binfmtImage: inputs['binfmt-image'],
        cache: inputs.cache && !noCache,
        set: inputs.set,
        files: inputs.files,
        allow: inputs.allow,
        dryRun: inputs['dry-run'],
        images: inputs.images,
        verifyLayout: inputs['verify-layout'],
        workDir,
        hostArch: process.arch,
        env,
      },
      {
        exec: execCommand(env),
        info: (m) => core.info(m),
        warning: (m) => core.warning(m),
        group: (name, fn) => core.group(name, fn),
        builderCreated: (name) => core.saveState('builder', name),
        verify: (ref, extension) => verifyLayout(ref, { extension }),
      },
    );
    // Outputs only once everything succeeded (a failed run writes none, `images` above all).
    core.setOutput('plan', result.planFile);
    core.setOutput('matrix', JSON.stringify(result.matrix));
    if (result.metadata !== undefined) core.setOutput('metadata', result.metadata);
    if (result.images) {
      core.setOutput('images', JSON.stringify(result.images));
      core.setOutput('refs', result.refs);
    }
    // Outside GitHub Actions (dry-run on a laptop, act) there is no job summary file: it is logged instead.
    await writeJobSummary(result.summary);
  } catch (err) {
    if (!(err instanceof TargetBuildError)) throw err;
    // One annotation per failed target, titled with it, holding the end of its build log.
    for (const f of err.failures) core.error(targetFailureMessage(f), { title: `bake: ${f.target}` });
    process.exitCode = 1;
  }
}

void runAction(main);
