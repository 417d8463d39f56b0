// The reader behind `readSynthesizedOutput` (read.ts, public), with what only `keyless diff` uses: the head side
// reads with the base side's parsed files (ParsedTexts). Of this file, read.ts re-exports the two resource
// converters; the rest is not exported from an entry point.
import * as fs from 'fs';
import * as path from 'path';
import { evaluateModule, parseHclFiles } from './hcl';
import { NeutralResource, ResourceFormat, SynthOutput, TerraformProvider, UnreadableInputError } from './model';
import { isTerraformJson, readTerraformDocument, terraformJsonProblem } from './terraform-json';
import { terraformShowKind, terraformShowOutput } from './terraform-plan';
import { readYamlDocuments } from './yaml';

/** CloudFormation template → resources. */
export function cloudFormationResources(template: any, file: string): NeutralResource[] {
  return Object.entries(template?.Resources ?? {}).map(([id, resource]: [string, any]) => ({
    format: 'cloudformation' as const, file, type: String(resource?.Type), id, properties: resource?.Properties ?? {},
  }));
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

/**
 * The parsed JSON and YAML files of one read, kept for the next one: `keyless diff` reads the head side with the base
 * side's, and a head file whose text is the base file's at the same path, character for character (the whole text is
 * compared, never a hash), takes the base's parsed documents instead of parsing it again; a file that held no
 * identity resources (a CDK manifest, tree.json) is known to hold none. A pull request changes a few files of an
 * output: the rest is parsed once. The documents are shared, not copied: nothing after the reader changes a parsed
 * document (Terraform evaluation copies what it changes), which test/synth/read-reuse.test.ts checks by reading with
 * every shared document frozen.
 */
export class ParsedTexts {
  private readonly parsed = new Map<string, { readonly ext: string; readonly text: string; readonly documents: any[] | null }>();
  private keeping = true;

  /** Stops keeping what is read: the next read takes from what was kept, and each file taken is let go. */
  public reuse(): this {
    this.keeping = false;
    return this;
  }

  /** The documents kept for a file (by its path below the directory read) with this text; null: it held no identity resources. */
  public take(file: string, ext: string, text: string): any[] | null | undefined {
    if (this.keeping) return undefined;
    const kept = this.parsed.get(file);
    if (kept === undefined) return undefined;
    this.parsed.delete(file);
    return kept.ext === ext && kept.text === text ? kept.documents : undefined;
  }

  /** Keeps a file's parsed documents (null: none of them is an identity resource), while keeping. */
  public keep(file: string, ext: string, text: string, documents: any[] | null): void {
    if (this.keeping) this.parsed.set(file, { ext, text, documents });
  }
}

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

/** {@link readSynthesizedOutput} (read.ts), keeping or taking parsed files in `reuse`. */
export function readOutput(targets: readonly string[], reuse?: ParsedTexts): SynthOutput {
  const resources: NeutralResource[] = [];
  const providers: TerraformProvider[] = [];
  const files: Array<{ file: string; format: ResourceFormat }> = [];
  for (const target of targets) {
    const root = fs.statSync(target, { throwIfNoEntry: false })?.isDirectory() ? target : path.dirname(target);
    const read: ReadFile[] = [];
    for (const absolute of listFiles(target)) {
      const file = path.relative(root, absolute) || path.basename(absolute);
      const entry = readFile(absolute, path.join(path.basename(path.resolve(root)), file), reuse, file.split(path.sep).join('/'));
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

/** One file, parsed and classified; undefined when it holds no identity resources (CDK manifests, tree.json…). */
function readFile(absolute: string, label: string, reuse?: ParsedTexts, relative = label): ReadFile | undefined {
  const ext = path.extname(absolute).toLowerCase();
  if (ext === '.tf') return { absolute, label, kind: 'hcl', document: undefined };
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') return undefined;
  const text = fs.readFileSync(absolute, 'utf8');
  let documents = reuse?.take(relative, ext, text);
  if (documents === null) return undefined;
  if (documents === undefined) {
    try {
      documents = ext === '.json'
        ? [JSON.parse(text)]
        : readYamlDocuments(text);
    } catch (error) {
      throw new UnreadableInputError(`${absolute}: cannot be parsed as ${ext === '.json' ? 'JSON' : 'YAML'} (${(error as Error).message.split('\n')[0]})`);
    }
  }
  const entry = classify(absolute, label, ext, documents);
  reuse?.keep(relative, ext, text, entry === undefined ? null : documents);
  return entry;
}

/** What a parsed file is (see {@link readFile}). */
function classify(absolute: string, label: string, ext: string, documents: any[]): ReadFile | undefined {
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
