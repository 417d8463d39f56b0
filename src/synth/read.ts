import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, Tags } from 'yaml';
import { NeutralResource, ResourceFormat, SynthOutput, TerraformProvider, UnreadableInputError } from './model';
import { isTerraformJson, terraformJsonProblem, terraformJsonProviders, terraformJsonResources } from './terraform-json';
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

function listFiles(target: string): string[] {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) throw new UnreadableInputError(`${target}: no such file or directory`);
  if (stat.isFile()) return [target];
  return fs.readdirSync(target, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !path.join(entry.parentPath, entry.name).includes(`${path.sep}node_modules${path.sep}`))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Reads CloudFormation templates (`*.json`, `*.yaml` with `Resources`), Terraform JSON (`*.tf.json`, or a JSON
 * object of Terraform blocks: `resource`, `data`, `variable`, `locals`…, in the object or the list form),
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
    for (const absolute of listFiles(target)) {
      const file = path.relative(root, absolute) || path.basename(absolute);
      const label = path.join(path.basename(path.resolve(root)), file);
      const ext = path.extname(absolute).toLowerCase();
      if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') continue;
      const text = fs.readFileSync(absolute, 'utf8');
      let documents: any[];
      try {
        documents = ext === '.json'
          ? [JSON.parse(text)]
          : parseAllDocuments(text, { logLevel: 'silent', customTags: CLOUDFORMATION_TAGS }).map((doc) => {
            if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
            return doc.toJS({ maxAliasCount: 100 });
          });
      } catch (error) {
        throw new UnreadableInputError(`${absolute}: cannot be parsed as ${ext === '.json' ? 'JSON' : 'YAML'} (${(error as Error).message.split('\n')[0]})`);
      }
      const first = documents[0];
      if (documents.length === 1 && first && typeof first === 'object' && first.Resources && typeof first.Resources === 'object') {
        resources.push(...cloudFormationResources(first, label));
        files.push({ file: label, format: 'cloudformation' });
      } else if (documents.length === 1 && ext === '.json' && terraformShowKind(first) !== undefined) {
        const read = terraformShowOutput(first, label);
        resources.push(...read.resources);
        providers.push(...read.providers);
        files.push({ file: label, format: 'terraform' });
      } else if (documents.length === 1 && ext === '.json' && (isTerraformJson(first) || absolute.toLowerCase().endsWith('.tf.json'))) {
        const problem = terraformJsonProblem(first);
        if (problem !== undefined) throw new UnreadableInputError(`${label}: ${problem}`);
        resources.push(...terraformJsonResources(first, label));
        providers.push(...terraformJsonProviders(first, label));
        files.push({ file: label, format: 'terraform' });
      } else if (documents.some((d) => d && typeof d === 'object' && typeof d.kind === 'string' && typeof d.apiVersion === 'string')) {
        resources.push(...kubernetesResources(documents, label));
        files.push({ file: label, format: 'kubernetes' });
      }
    }
  }
  return { resources, providers, files };
}
