/**
 * The neutral model of synthesized output: every resource of every file, whatever tool wrote it (CloudFormation
 * templates, Terraform JSON in any block form, HCL, `terraform show -json` plans and states, Kubernetes manifests),
 * including resources nobody built with Keyless. Guardrails and the inventory both read this model, so that a resource
 * means the same thing to both.
 *
 * Dependency direction: `synth/` imports only `core/` (facts and grammars); `guardrails/` and `inventory/` import
 * `synth/`; neither imports the other's interpretation.
 */

/** The format a resource was read from. */
export type ResourceFormat = 'cloudformation' | 'terraform' | 'kubernetes';

/** One synthesized resource. */
export interface NeutralResource {
  /** Format it was read from. */
  readonly format: ResourceFormat;
  /** File (or stack) it came from, relative to the directory checked. */
  readonly file: string;
  /**
   * Resource type: `AWS::IAM::Role`, `google_service_account`, or a Kubernetes `kind`. A Terraform data source is
   * typed `data.TYPE` (`data.aws_iam_policy_document`), so that no rule written for a managed type reads a lookup as a
   * declaration.
   */
  readonly type: string;
  /**
   * Identifier: CloudFormation logical id, Terraform `type.name` (`data.TYPE.NAME` for a data source; in a
   * `terraform show -json` plan or state, the address: `module.m.aws_iam_role.x["key"]`), Kubernetes `namespace/name`.
   */
  readonly id: string;
  /**
   * The resource's own data: CloudFormation `Properties`, Terraform attributes (nested blocks as written: an object
   * or a list of objects), or the whole Kubernetes object. Unresolved intrinsics and references stay as written; in a
   * plan, a value known only after apply is the placeholder `${known after apply: REFERENCES}`.
   */
  readonly properties: any;
}

/** A Terraform `provider` block (kept by the reader: the default project or region of a file lives there). */
export interface TerraformProvider {
  /** File it came from (the same label as its resources). */
  readonly file: string;
  /** Provider name: `google`, `aws`, `azurerm`… */
  readonly name: string;
  /** `alias`, when the block has one (resources select it with `provider = "google.ALIAS"`). */
  readonly alias?: string;
  /** The block's attributes, as written. */
  readonly attributes: any;
}

/** A file the reader recognised. */
export interface SynthFile {
  /** Label: `DIR-NAME/relative/path`. */
  readonly file: string;
  /** Its format. */
  readonly format: ResourceFormat;
}

/** What was read from a set of directories or files. */
export interface SynthOutput {
  /** Every resource, in file order then document order. */
  readonly resources: NeutralResource[];
  /** Terraform provider blocks, per file. */
  readonly providers: TerraformProvider[];
  /** Files recognised, with their format. */
  readonly files: SynthFile[];
}

/** The default (alias-less) provider block of a name in a file, if the file declares one. */
export function defaultProvider(output: Pick<SynthOutput, 'providers'>, file: string, name: string): TerraformProvider | undefined {
  return output.providers.find((p) => p.file === file && p.name === name && p.alias === undefined);
}

/**
 * The provider block a Terraform resource is configured by: the one its `provider` meta-argument names
 * (`"google.prod"`, or `"${google.prod}"`), else the default block of the provider its type belongs to
 * (`google_service_account` → `google`). Undefined when the file declares no such block.
 */
export function providerOf(output: Pick<SynthOutput, 'providers'>, resource: NeutralResource): TerraformProvider | undefined {
  const meta = resource.properties?.provider;
  const named = typeof meta === 'string' ? /^(?:\$\{)?([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?\}?$/.exec(meta.trim()) : null;
  const name = named?.[1] ?? resource.type.split('_')[0];
  const alias = named?.[2];
  if (alias === undefined) return defaultProvider(output, resource.file, name);
  return output.providers.find((p) => p.file === resource.file && p.name === name && p.alias === alias);
}

/**
 * An input that cannot be read: the checker says so instead of reporting "no findings". Declared here so that every
 * reader of `synth/` throws the same class; `synth/read` exports it.
 */
export class UnreadableInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableInputError';
  }
}
