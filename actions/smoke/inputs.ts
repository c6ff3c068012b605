/** The smoke action's inputs (kebab-case, as in smoke/action.yml), typed and checked before anything runs. */
import { booleanInput, enumInput, listInput, readInputs, stringInput } from '../../src/action/inputs.js';

export const inputShape = {
  images: stringInput(),
  root: stringInput('.'),
  extension: stringInput(),
  platforms: listInput(),
  'pg-image': stringInput(),
  keep: booleanInput(false),
  mount: enumInput(['auto', 'image', 'bind'] as const, 'auto'),
  registry: stringInput(),
  environment: enumInput(['testing', 'production'] as const, 'testing'),
  username: stringInput(),
  password: stringInput(),
};

export type SmokeInputs = ReturnType<typeof getInputs>;

export function getInputs(getInput?: (name: string) => string) {
  return readInputs(inputShape, getInput);
}
