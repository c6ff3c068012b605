import { booleanInput, enumInput, listInput, readInputs, stringInput } from '../../src/action/inputs.js';
import { DEFAULT_NODE_IMAGE } from '../../src/e2e/kind.js';
import {
  DEFAULT_CHAINSAW_VERSION,
  DEFAULT_KIND_VERSION,
  DEFAULT_KUBECTL_VERSION,
} from '../../src/e2e/tools.js';

export const shape = {
  mode: enumInput(['test', 'cnpg-matrix'] as const, 'test'),
  image: stringInput(),
  build: booleanInput(false),
  extension: stringInput(),
  root: stringInput('.'),
  cnpg: stringInput('latest'),
  'cnpg-latest': stringInput(''),
  'kind-version': stringInput(DEFAULT_KIND_VERSION),
  'node-image': stringInput(DEFAULT_NODE_IMAGE),
  'kubectl-version': stringInput(DEFAULT_KUBECTL_VERSION),
  'chainsaw-version': stringInput(DEFAULT_CHAINSAW_VERSION),
  'registry-username': stringInput(),
  'registry-password': stringInput(),
  registry: stringInput(),
  environment: enumInput(['testing', 'production'] as const, 'production'),
  'built-images': listInput(),
  'extra-args': stringInput(),
  'pass-env': listInput(),
  smoke: booleanInput(true),
  keep: booleanInput(false),
  report: stringInput(),
};

export const getInputs = () => readInputs(shape);
export type Inputs = ReturnType<typeof getInputs>;
