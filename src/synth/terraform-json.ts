/**
 * Terraform's JSON configuration syntax (`*.tf.json`, cdktf's `cdk.tf.json`, what HCL converters emit), read into
 * the neutral model. Every block level may be written as an object or as a list of objects, and both mean the same:
 *
 *   "resource": {"aws_iam_role": {"x": {…}}}            the object form (cdktf)
 *   "resource": [{"aws_iam_role": {"x": {…}}}, …]       a list at the top level
 *   "resource": {"aws_iam_role": [{"x": {…}}, {"y": …}]} a list at the type level
 *   "resource": {"aws_iam_role": {"x": [{…}]}}          a list at the name level
 *
 * Resources are `type.name`; data sources are resources too, typed `data.TYPE` with the id `data.TYPE.NAME`, so
 * that no rule written for a managed type reads a lookup as a declaration. Nested blocks inside a resource stay as
 * written (an object or a list of objects: see `nestedBlocks` in `terraform.ts`). `"//"` keys are comments.
 */
import { NeutralResource, TerraformProvider, UnreadableInputError } from './model';

/** The top-level block types of Terraform's JSON syntax. */
export const TERRAFORM_BLOCK_TYPES: ReadonlySet<string> = new Set([
  'resource', 'data', 'locals', 'variable', 'output', 'provider', 'terraform', 'module', 'moved', 'import', 'check', 'removed', 'ephemeral',
]);

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A block level written as an object or a list of objects: its entries in written order; `"//"` comments skipped. */
function entriesOf(value: unknown): Array<[string, unknown]> | undefined {
  const objects = Array.isArray(value) ? value : [value];
  if (!objects.every(isObject)) return undefined;
  return objects.flatMap((o) => Object.entries(o)).filter(([key]) => key !== '//');
}

/** Whether a `resource` or `data` level has Terraform's shape: types, then names, then blocks (objects). */
function hasBlockShape(value: unknown): boolean {
  const isBody = (body: unknown) => body === null || isObject(body) || (Array.isArray(body) && body.every(isObject));
  return entriesOf(value)?.every(([, byName]) => entriesOf(byName)?.every(([, body]) => isBody(body)) ?? false) ?? false;
}

/**
 * Whether a parsed JSON document (of any name) is Terraform JSON: an object with a `resource` or `data` level of
 * Terraform's shape (types, names, blocks), or whose keys (comments aside) are all Terraform block types, at least
 * one, each an object or a list of objects (a file of `variable`, `locals` or `output` blocks only). CDK manifests,
 * tree.json, package.json, an API response (`{"data": {"items": [...]}}`) and other configuration
 * (`{"output": "dist"}`) are not. (A `*.tf.json` file is Terraform by its name: see {@link terraformJsonProblem}.)
 */
export function isTerraformJson(document: unknown): boolean {
  if (!isObject(document)) return false;
  const blocks = ['resource', 'data'].filter((key) => document[key] !== undefined);
  if (blocks.length > 0) return blocks.every((key) => hasBlockShape(document[key]));
  const keys = Object.keys(document).filter((key) => key !== '//');
  return keys.length > 0 && keys.every((key) => TERRAFORM_BLOCK_TYPES.has(key) && entriesOf(document[key]) !== undefined);
}

/**
 * Why a document named `*.tf.json` is not Terraform JSON (what Terraform itself would refuse), or undefined when it
 * is one (an empty object included).
 */
export function terraformJsonProblem(document: unknown): string | undefined {
  if (!isObject(document)) return `is ${Array.isArray(document) ? 'a list' : JSON.stringify(document)}: Terraform JSON is an object of blocks`;
  for (const [key, value] of Object.entries(document)) {
    if (key === '//') continue;
    if (!TERRAFORM_BLOCK_TYPES.has(key)) return `has \`${key}\`, which is not a Terraform block type (expected ${[...TERRAFORM_BLOCK_TYPES].join(', ')})`;
    if (entriesOf(value) === undefined) return `\`${key}\` is ${JSON.stringify(value)}: Terraform JSON expects an object or a list of objects`;
  }
  return undefined;
}

/** Resources of one kind (`resource` or `data`). */
function blocksOf(document: any, kind: 'resource' | 'data', file: string): NeutralResource[] {
  if (document?.[kind] === undefined) return [];
  const byType = entriesOf(document[kind]);
  if (byType === undefined) throw new UnreadableInputError(`${file}: \`${kind}\` is ${JSON.stringify(document[kind])}: Terraform JSON expects an object of resource types`);
  const resources: NeutralResource[] = [];
  const seen = new Set<string>();
  for (const [type, byName] of byType) {
    const names = entriesOf(byName);
    if (names === undefined) throw new UnreadableInputError(`${file}: \`${kind}.${type}\` is ${JSON.stringify(byName)}: Terraform JSON expects an object of named blocks`);
    const prefix = kind === 'data' ? `data.${type}` : type;
    for (const [name, body] of names) {
      // A block may be given as a list of one object (what HCL converters emit): read it as the object, so that every
      // reader (rules and inventory) sees the same attributes. Several objects are several blocks.
      const blocks = Array.isArray(body) ? body : [body];
      blocks.forEach((block, i) => {
        if (block !== null && block !== undefined && !isObject(block)) {
          throw new UnreadableInputError(`${file}: \`${kind}.${type}.${name}\` is ${JSON.stringify(block)}: Terraform JSON expects an object of attributes`);
        }
        const id = blocks.length === 1 ? `${prefix}.${name}` : `${prefix}.${name}[${i}]`;
        if (seen.has(id)) throw new UnreadableInputError(`${file}: \`${kind}.${type}.${name}\` is declared twice: Terraform refuses duplicate blocks (rename one)`);
        seen.add(id);
        resources.push({ format: 'terraform', file, type: prefix, id, properties: block ?? {} });
      });
    }
  }
  return resources;
}

/** Managed resources (`type.name`) then data sources (`data.TYPE.NAME`) of one Terraform JSON document. */
export function terraformJsonResources(document: any, file: string): NeutralResource[] {
  return [...blocksOf(document, 'resource', file), ...blocksOf(document, 'data', file)];
}

/** `provider` blocks (`"google": {…}`, `"google": [{…}, {"alias": "x", …}]`, or the whole level as a list). */
export function terraformJsonProviders(document: any, file: string): TerraformProvider[] {
  const providers: TerraformProvider[] = [];
  for (const [name, blocks] of entriesOf(document?.provider ?? {}) ?? []) {
    for (const attributes of Array.isArray(blocks) ? blocks : [blocks]) {
      if (!isObject(attributes)) continue;
      const alias = typeof attributes.alias === 'string' ? attributes.alias : undefined;
      providers.push({ file, name, ...(alias !== undefined ? { alias } : {}), attributes });
    }
  }
  return providers;
}

/** One Terraform JSON document: its resources (data sources included) and provider blocks. */
export function readTerraformDocument(document: any, file: string): { resources: NeutralResource[]; providers: TerraformProvider[] } {
  return { resources: terraformJsonResources(document, file), providers: terraformJsonProviders(document, file) };
}
