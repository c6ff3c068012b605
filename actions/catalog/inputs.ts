/** The catalog action's inputs (kebab-case, as in catalog/action.yml), typed and checked before anything runs. */
import { listInput, readInputs, stringInput } from '../../src/action/inputs.js';

/** The operand catalogs CloudNativePG publishes (cloudnative-pg/artifacts), as upstream's catalogs start from. */
export const DEFAULT_BASE_CATALOGS =
  'https://raw.githubusercontent.com/cloudnative-pg/artifacts/main/image-catalogs/catalog-minimal-trixie.yaml\n' +
  'https://raw.githubusercontent.com/cloudnative-pg/artifacts/main/image-catalogs/catalog-minimal-bookworm.yaml';

export const inputShape = {
  root: stringInput('.'),
  extensions: listInput(),
  registry: stringInput(),
  'base-catalogs': listInput(false),
  'output-dir': stringInput('catalogs'),
  username: stringInput(),
  password: stringInput(),
};

export type CatalogInputs = ReturnType<typeof getInputs>;

export function getInputs(getInput?: (name: string) => string) {
  return readInputs(inputShape, getInput);
}
