import * as fs from 'fs';
import * as path from 'path';
import type * as JsYaml from 'js-yaml';
import { CST, Lexer, parseAllDocuments, Tags } from 'yaml';
import { evaluateModule, parseHclFiles } from './hcl';
import { NeutralResource, ResourceFormat, SynthOutput, TerraformProvider, UnreadableInputError } from './model';
import { isTerraformJson, readTerraformDocument, terraformJsonProblem, terraformJsonProviders, terraformJsonResources } from './terraform-json';
import { terraformShowKind, terraformShowOutput } from './terraform-plan';

const INTRINSICS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or'];

/** CloudFormation's short-form YAML intrinsics (`!Ref`, `!Sub`, `!Join`…), read as their long `Fn::` forms. */
const CLOUDFORMATION_TAGS: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  ...INTRINSICS.flatMap((name) => {
    const fn = `Fn::${name}`;
    return [
      // `!GetAtt Role.Arn` is the scalar form of ["Role", "Arn"].
      { tag: `!${name}`, resolve: (value: string) => ({ [fn]: name === 'GetAtt' ? value.split('.') : value }) },
      { tag: `!${name}`, collection: 'seq' as const, resolve: (value: any) => ({ [fn]: value.toJSON() }) },
      { tag: `!${name}`, collection: 'map' as const, resolve: (value: any) => ({ [fn]: value.toJSON() }) },
    ];
  }),
] as Tags;

/** CloudFormation template → resources. */
export function cloudFormationResources(template: any, file: string): NeutralResource[] {
  return Object.entries(template?.Resources ?? {}).map(([id, resource]: [string, any]) => ({
    format: 'cloudformation' as const, file, type: String(resource?.Type), id, properties: resource?.Properties ?? {},
  }));
}

/**
 * Terraform JSON (cdktf `cdk.tf.json` or hand-written `*.tf.json`, any block level an object or a list of objects)
 * → resources: `type.name`, then data sources as `data.TYPE.NAME` (see `terraform-json.ts`).
 */
export function terraformResources(document: any, file: string): NeutralResource[] {
  return terraformJsonResources(document, file);
}

/** Kubernetes objects → resources. `List` objects are expanded. */
export function kubernetesResources(objects: readonly any[], file: string): NeutralResource[] {
  const flat = objects.flatMap((o) => (o?.kind === 'List' && Array.isArray(o.items) ? o.items : [o]));
  return flat.filter((o) => o && typeof o === 'object' && typeof o.kind === 'string').map((o) => ({
    format: 'kubernetes' as const,
    file,
    type: o.kind,
    id: `${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '(unnamed)'}`,
    properties: o,
  }));
}

/** What was read from a set of directories or files (see {@link SynthOutput}). */
export type ReadResult = SynthOutput;

/** Terraform JSON `provider` blocks (`"google": {…}` or `"google": [{…}, {"alias": "x", …}]`) of one file. */
export function terraformProviders(document: any, file: string): TerraformProvider[] {
  return terraformJsonProviders(document, file);
}

export { UnreadableInputError };

/** Dependency caches, never read below a directory: npm's, and Terraform's (downloaded modules and providers). */
const SKIPPED_DIRECTORIES = ['node_modules', '.terraform'];

function listFiles(target: string): string[] {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) throw new UnreadableInputError(`${target}: no such file or directory`);
  if (stat.isFile()) return [target];
  return fs.readdirSync(target, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !SKIPPED_DIRECTORIES.some((dir) => path.join(entry.parentPath, entry.name).includes(`${path.sep}${dir}${path.sep}`)))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

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
  const resources: NeutralResource[] = [];
  const providers: TerraformProvider[] = [];
  const files: Array<{ file: string; format: ResourceFormat }> = [];
  for (const target of targets) {
    const root = fs.statSync(target, { throwIfNoEntry: false })?.isDirectory() ? target : path.dirname(target);
    const read: ReadFile[] = [];
    for (const absolute of listFiles(target)) {
      const file = path.relative(root, absolute) || path.basename(absolute);
      const entry = readFile(absolute, path.join(path.basename(path.resolve(root)), file));
      if (entry) read.push(entry);
    }
    // HCL: every `.tf` file of the target parsed at once (one round trip to the parser).
    const hcl = read.filter((entry) => entry.kind === 'hcl');
    parseHclFiles(hcl.map((entry) => entry.absolute)).forEach((document, i) => { hcl[i].document = document; });
    // One Terraform module is one directory: its `.tf` and Terraform JSON documents are evaluated together
    // (locals, variables, data documents, jsonencode). Variables take the values of the directory's variable files
    // (terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json)) as Terraform loads them, else their defaults.
    const modules = new Map<string, ReadFile[]>();
    for (const entry of read.filter((e) => e.kind === 'hcl' || e.kind === 'terraform')) {
      const dir = path.dirname(entry.absolute);
      modules.set(dir, [...(modules.get(dir) ?? []), entry]);
    }
    for (const [dir, module] of modules) {
      evaluateModule(dir, module.map((entry) => entry.document)).forEach((document, i) => { module[i].document = document; });
    }
    for (const entry of read) {
      const { label, document } = entry;
      if (entry.kind === 'cloudformation') {
        resources.push(...cloudFormationResources(document, label));
      } else if (entry.kind === 'kubernetes') {
        resources.push(...kubernetesResources(document, label));
      } else {
        const output = entry.kind === 'plan' ? terraformShowOutput(document, label) : readTerraformDocument(document, label);
        resources.push(...output.resources);
        providers.push(...output.providers);
      }
      files.push({ file: label, format: entry.kind === 'cloudformation' || entry.kind === 'kubernetes' ? entry.kind : 'terraform' });
    }
  }
  return { resources, providers, files };
}

/** A file recognised by {@link readFile}: its kind and parsed content (a list of objects for Kubernetes). */
interface ReadFile {
  readonly absolute: string;
  readonly label: string;
  readonly kind: 'cloudformation' | 'terraform' | 'hcl' | 'plan' | 'kubernetes';
  document: any;
}

/** Characters where readers differ (tabs, a byte order mark, control and line-separator characters): `yaml` reads them. */
const NOT_FOR_FAST_YAML_CHARACTERS = /[\t\uFEFF\u0085\u2028\u2029\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

/** Tokens (yaml's own lexer, CST.tokenType) that the fast path leaves to `yaml`. */
const NOT_FOR_FAST_YAML_TOKENS: ReadonlySet<string> = new Set([
  // Tags (`!Ref`, `!!binary`), anchors and aliases (`yaml` limits alias expansion, js-yaml does not), comments
  // (comment-only documents), directives, complex keys, a byte order mark, a flow error.
  'tag', 'anchor', 'alias', 'comment', 'directive-line', 'explicit-key-ind', 'byte-order-mark', 'flow-error-end',
]);

/**
 * Plain scalars the two read differently: binary integers (`0b101`, an integer to js-yaml, a string in YAML 1.2's core
 * schema), minus zero (`-0`, zero to js-yaml), merge keys (`<<`).
 */
const NOT_FOR_FAST_YAML_PLAIN = /^(?:[-+]?0b|-0+$|<<)/;

/** Whether a value (js-yaml's reading) has a key `null` or `""`: a null key (`~: 1`) is `null` to js-yaml, `""` to `yaml`. */
function hasNullishKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullishKey);
  if (value === null || typeof value !== 'object') return false;
  for (const key of Object.keys(value)) {
    if (key === 'null' || key === '') return true;
    if (hasNullishKey((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * The documents of a YAML text as `yaml` reads them (YAML 1.2, core schema), read with js-yaml (when installed: an
 * optional peer dependency) when the text has none of the features where the two could differ (NOT_FOR_FAST_YAML, a nullish key, anything js-yaml refuses): js-yaml
 * reads the manifests of a large estate about ten times faster (56 MB of Kubernetes manifests: about 1 s against 10 s),
 * and `yaml` stays the reader of everything else, errors included. test/synth/yaml-fast-path.test.ts compares the two
 * over every manifest the examples write and over generated documents.
 */
export function readYamlDocuments(text: string): unknown[] {
  const fast = jsYaml();
  if (fast !== undefined && yamlFastPathApplies(text)) {
    try {
      const documents = fast.loadAll(text, undefined, { schema: fast.CORE_SCHEMA });
      if (!documents.some(hasNullishKey)) return documents;
    } catch {
      // A text js-yaml refuses (duplicate keys, bad indentation…): `yaml` reads it, or gives the error.
    }
  }
  return readYamlReference(text);
}

let loaded: typeof JsYaml | null | undefined;

/** js-yaml, when it is installed (an optional peer dependency: without it every text is read by `yaml`). */
function jsYaml(): typeof JsYaml | undefined {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('js-yaml') as typeof JsYaml;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/**
 * Whether js-yaml may read a text: it has none of the tokens, plain scalars or characters above (read with `yaml`'s own
 * lexer, so a `!=` or `&&` inside a CEL expression is text, as it is to `yaml`), and no flow collection other than an
 * empty `[]` or `{}` that is not a key (`[a]: 1` is `a` to js-yaml, `[ a ]` to `yaml`). Exported for the differential
 * test (test/synth/yaml-fast-path.test.ts).
 */
export function yamlFastPathApplies(text: string): boolean {
  if (NOT_FOR_FAST_YAML_CHARACTERS.test(text)) return false;
  // What the previous token asks of the next one: a plain scalar's text, the end of an empty flow collection, no key.
  let expect: 'plain' | 'flow-seq-end' | 'flow-map-end' | 'not-a-key' | undefined;
  // The length of the last token: `yaml` refuses an implicit key whose `:` is more than 1024 characters after its
  // start (YAML 1.2, 7.4.1), js-yaml reads it.
  let last = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'space') continue;
    if (type === 'map-value-ind' && last > 1000) return false;
    last = token.length;
    if (expect === 'plain') {
      expect = undefined;
      if (type === null && NOT_FOR_FAST_YAML_PLAIN.test(token)) return false;
      if (type === null) continue;
    }
    if (expect === 'flow-seq-end' || expect === 'flow-map-end') {
      if (type !== expect) return false;
      expect = 'not-a-key';
      continue;
    }
    if (expect === 'not-a-key') {
      if (type === 'map-value-ind') return false;
      expect = undefined;
    }
    if (type !== null && NOT_FOR_FAST_YAML_TOKENS.has(type)) return false;
    if (type === 'scalar') expect = 'plain';
    else if (type === 'flow-seq-start') expect = 'flow-seq-end';
    else if (type === 'flow-map-start') expect = 'flow-map-end';
  }
  return true;
}

/** The documents of a YAML text as `yaml` reads them (CloudFormation's short-form tags included); the first error is thrown. */
export function readYamlReference(text: string): unknown[] {
  return parseAllDocuments(text, { logLevel: 'silent', customTags: CLOUDFORMATION_TAGS }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
    return doc.toJS({ maxAliasCount: 100 });
  });
}

/** One file, parsed and classified; undefined when it holds no identity resources (CDK manifests, tree.json…). */
function readFile(absolute: string, label: string): ReadFile | undefined {
  const ext = path.extname(absolute).toLowerCase();
  if (ext === '.tf') return { absolute, label, kind: 'hcl', document: undefined };
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') return undefined;
  const text = fs.readFileSync(absolute, 'utf8');
  let documents: any[];
  try {
    documents = ext === '.json'
      ? [JSON.parse(text)]
      : readYamlDocuments(text);
  } catch (error) {
    throw new UnreadableInputError(`${absolute}: cannot be parsed as ${ext === '.json' ? 'JSON' : 'YAML'} (${(error as Error).message.split('\n')[0]})`);
  }
  const first = documents[0];
  if (documents.length === 1 && first && typeof first === 'object' && first.Resources && typeof first.Resources === 'object') {
    return { absolute, label, kind: 'cloudformation', document: first };
  }
  if (documents.length === 1 && ext === '.json' && terraformShowKind(first) !== undefined) return { absolute, label, kind: 'plan', document: first };
  if (documents.length === 1 && ext === '.json' && absolute.toLowerCase().endsWith('.tf.json')) {
    // A file Terraform reads as configuration: what Terraform would refuse is refused here too.
    const problem = terraformJsonProblem(first);
    if (problem !== undefined) throw new UnreadableInputError(`${label}: ${problem}`);
    return { absolute, label, kind: 'terraform', document: first };
  }
  if (documents.length === 1 && ext === '.json' && isTerraformJson(first)) return { absolute, label, kind: 'terraform', document: first };
  if (documents.some((d) => d && typeof d === 'object' && typeof d.kind === 'string' && typeof d.apiVersion === 'string')) {
    return { absolute, label, kind: 'kubernetes', document: documents };
  }
  return undefined;
}
