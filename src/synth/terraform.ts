/** Terraform JSON of synthesized output: attributes, `${…}` references within a file, and an index to follow them. */
import { NeutralResource } from './model';

/** Terraform attributes: a block given as a one-element list (JSON syntax allows both) becomes the object. */
export function attributesOf(resource: NeutralResource): any {
  const p = resource.properties;
  return Array.isArray(p) ? Object.assign({}, ...p) : p ?? {};
}

/** A Terraform reference `${TYPE.NAME.ATTRIBUTE}` (or `${data.TYPE.NAME.ATTRIBUTE}`), parsed. */
export function terraformReference(value: unknown): { readonly address: string; readonly attribute: string; readonly data: boolean } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{(data\.)?([A-Za-z0-9_]+)\.([^.}\s]+)\.([A-Za-z0-9_]+)\}$/.exec(value.trim());
  return match ? { address: `${match[2]}.${match[3]}`, attribute: match[4], data: match[1] !== undefined } : undefined;
}

/** Terraform resources of one file by address, to follow `${…}` references within a stack. */
export class TerraformIndex {
  private readonly byFile = new Map<string, Map<string, NeutralResource>>();

  constructor(resources: readonly NeutralResource[]) {
    for (const resource of resources) {
      if (resource.format !== 'terraform') continue;
      let file = this.byFile.get(resource.file);
      if (!file) this.byFile.set(resource.file, file = new Map());
      file.set(resource.id, resource);
    }
  }

  /** The resource a reference in `file` points to. */
  public target(file: string, value: unknown): NeutralResource | undefined {
    const reference = terraformReference(value);
    return reference && !reference.data ? this.byFile.get(file)?.get(reference.address) : undefined;
  }

  /**
   * A value with its references replaced: a reference to a literal attribute becomes the attribute, and `computed`
   * may supply attributes known only after apply that the output still determines (a service account's email).
   */
  public resolve(file: string, value: unknown, computed?: (target: NeutralResource, attribute: string) => string | undefined, depth = 0): string {
    if (typeof value !== 'string') return JSON.stringify(value);
    return value.replace(/\$\{(data\.)?([A-Za-z0-9_]+)\.([^.}\s]+)\.([A-Za-z0-9_]+)\}/g, (whole: string) => {
      const reference = terraformReference(whole)!;
      const target = this.target(file, whole);
      if (!target || depth > 5) return whole;
      const known = computed?.(target, reference.attribute);
      if (known !== undefined) return known;
      const attribute = attributesOf(target)[reference.attribute];
      return typeof attribute === 'string' ? this.resolve(file, attribute, computed, depth + 1) : whole;
    });
  }
}

/**
 * A nested block of Terraform attributes as a list, whichever form it is written in: Terraform JSON allows an
 * object (`"inline_policy": {…}`) or a list of objects (`"inline_policy": [{…}, …]`, what HCL converters and
 * `terraform show -json` give). Anything else (absent, a `${…}` placeholder) is no block.
 */
export function nestedBlocks(value: unknown): any[] {
  const blocks = Array.isArray(value) ? value : [value];
  return blocks.filter((block) => block !== null && typeof block === 'object' && !Array.isArray(block));
}

/** The one nested block of an attribute (`metadata`, `spec`…) in either form: the first, or undefined. */
export function nestedBlock(value: unknown): any {
  return nestedBlocks(value)[0];
}
