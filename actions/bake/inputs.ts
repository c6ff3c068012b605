/** The bake action's inputs (kebab-case, as in bake/action.yml), typed and checked before anything runs. */
import { booleanInput, enumInput, listInput, readInputs, stringInput } from '../../src/action/inputs.js';
import { DEFAULT_BINFMT_IMAGE } from '../../src/bake/index.js';

export const inputShape = {
  mode: enumInput(['build', 'digest', 'merge'] as const, 'build'),
  root: stringInput('.'),
  extensions: listInput(),
  targets: listInput(),
  base: stringInput(),
  head: stringInput(),
  registry: stringInput(),
  environment: enumInput(['testing', 'production'] as const, 'testing'),
  push: booleanInput(false),
  platforms: listInput(),
  timestamp: stringInput(),
  revision: stringInput(),
  'base-image': stringInput(),
  builder: stringInput(),
  'setup-qemu': enumInput(['auto', 'true', 'false'] as const, 'auto'),
  'binfmt-image': stringInput(DEFAULT_BINFMT_IMAGE),
  cache: booleanInput(false),
  set: listInput(false),
  files: listInput(),
  allow: listInput(),
  load: booleanInput(false),
  'no-cache': booleanInput(false),
  pull: booleanInput(false),
  provenance: stringInput(),
  sbom: stringInput(),
  authors: stringInput(),
  vendor: stringInput(),
  documentation: stringInput(),
  'dry-run': booleanInput(false),
  'verify-layout': booleanInput(false),
  images: stringInput(),
};

export type BakeInputs = ReturnType<typeof getInputs>;

export function getInputs(getInput?: (name: string) => string) {
  return readInputs(inputShape, getInput);
}
