import { NeutralResource, SynthOutput, TerraformProvider, UnreadableInputError } from './model';
import { readOutput } from './read-files';
import { terraformJsonProviders, terraformJsonResources } from './terraform-json';

export { cloudFormationResources, kubernetesResources } from './read-files';

/**
 * Terraform JSON (cdktf `cdk.tf.json` or hand-written `*.tf.json`, any block level an object or a list of objects)
 * → resources: `type.name`, then data sources as `data.TYPE.NAME` (see `terraform-json.ts`).
 */
export function terraformResources(document: any, file: string): NeutralResource[] {
  return terraformJsonResources(document, file);
}

/** What was read from a set of directories or files (see {@link SynthOutput}). */
export type ReadResult = SynthOutput;

/** Terraform JSON `provider` blocks (`"google": {…}` or `"google": [{…}, {"alias": "x", …}]`) of one file. */
export function terraformProviders(document: any, file: string): TerraformProvider[] {
  return terraformJsonProviders(document, file);
}

export { UnreadableInputError };

/**
 * Reads CloudFormation templates (`*.json`, `*.yaml` with `Resources`), Terraform JSON (`*.tf.json`, or a JSON
 * object of Terraform blocks: `resource`, `data`, `variable`, `locals`…, in the object or the list form), Terraform
 * HCL (`*.tf`, through `hcl.ts`; each directory's `.tf` and Terraform JSON evaluated together as one module),
 * `terraform show -json` plans (their planned values) and states, and Kubernetes manifests (`*.yaml`, `*.yml`, JSON
 * objects with `apiVersion` and `kind`) below the given paths. Other JSON and YAML files (CDK manifests, tree.json,
 * package.json) are not identity resources and are skipped. A file that cannot be parsed, a `*.tf.json` Terraform
 * would refuse and a plan that errored are errors.
 */
export function readSynthesizedOutput(targets: readonly string[]): SynthOutput {
  return readOutput(targets);
}
