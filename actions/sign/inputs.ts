import { booleanInput, enumInput, listInput, readInputs, stringInput } from '../../src/action/inputs.js';
import { z } from 'zod';

export const signInputs = {
  images: z.string(),
  files: listInput(false),
  'cosign-version': stringInput(''),
  /** cosign-installer's name for cosign-version. */
  'cosign-release': stringInput(''),
  annotations: listInput(false),
  verify: booleanInput(true),
  'certificate-identity-regexp': stringInput(''),
  'certificate-oidc-issuer': stringInput(''),
  'certificate-github-workflow-repository': stringInput(''),
  'certificate-github-workflow-ref': stringInput(''),
  'certificate-github-workflow-trigger': stringInput(''),
  tlog: enumInput(['auto', 'true', 'false'], 'auto'),
  key: z.string().transform((v) => v.trim()),
  'on-missing-oidc': enumInput(['fail', 'skip'], 'fail'),
};

export function readSignInputs() {
  return readInputs(signInputs);
}
