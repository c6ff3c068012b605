/** The promote action's inputs (kebab-case, as in promote/action.yml), typed and checked before anything runs. */
import { booleanInput, listInput, readInputs, stringInput } from '../../src/action/inputs.js';

export const inputShape = {
  images: stringInput(),
  source: stringInput(),
  destination: stringInput(),
  tags: listInput(),
  suffix: stringInput('-testing'),
  signatures: booleanInput(true),
  username: stringInput(),
  password: stringInput(),
};

export type PromoteInputs = ReturnType<typeof getInputs>;

export function getInputs(getInput?: (name: string) => string) {
  return readInputs(inputShape, getInput);
}
