import * as core from '@actions/core';
import { runAction } from '../../src/action/run.js';
import { writeJobSummary } from '../../src/action/summary.js';
import { sign, signSummary } from '../../src/sign/index.js';
import { readSignInputs } from './inputs.js';

await runAction(async () => {
  const inputs = readSignInputs();
  const report = await sign({
    images: inputs.images,
    files: inputs.files,
    cosignVersion: inputs['cosign-version'],
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
  core.setOutput('signed', JSON.stringify(report.signed));
  core.setOutput('signed-files', JSON.stringify(report.files));
  core.setOutput('verify-commands', report.verifyCommands.join('\n'));
  await writeJobSummary(signSummary(report));
});
