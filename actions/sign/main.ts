import path from 'node:path';
import * as core from '@actions/core';
import { UserError } from '../../src/errors.js';
import { runAction } from '../../src/action/run.js';
import { writeJobSummary } from '../../src/action/summary.js';
import { sign, signSummary } from '../../src/sign/index.js';
import { readSignInputs } from './inputs.js';

await runAction(async () => {
  const inputs = readSignInputs();
  const [version, release] = [inputs['cosign-version'], inputs['cosign-release']];
  if (version && release && version !== release)
    throw new UserError(
      `input "cosign-release": an alias of "cosign-version"; give one of them, got ${release} and ${version}`,
    );
  const report = await sign({
    images: inputs.images,
    files: inputs.files,
    cosignVersion: version || release,
    annotations: inputs.annotations,
    verify: inputs.verify,
    identityRegexp: inputs['certificate-identity-regexp'],
    issuer: inputs['certificate-oidc-issuer'],
    githubRepository: inputs['certificate-github-workflow-repository'],
    githubRef: inputs['certificate-github-workflow-ref'],
    githubTrigger: inputs['certificate-github-workflow-trigger'],
    tlog: inputs.tlog,
    key: inputs.key,
    onMissingOidc: inputs['on-missing-oidc'],
  });
  // As cosign-installer does: the cosign installed here is on PATH for the job's later steps.
  if (report.cosign && report.cosign.source !== 'path') core.addPath(path.dirname(report.cosign.path));
  core.setOutput('signed', JSON.stringify(report.signed));
  core.setOutput('signed-files', JSON.stringify(report.files));
  core.setOutput('verify-commands', report.verifyCommands.join('\n'));
  await writeJobSummary(signSummary(report));
});
