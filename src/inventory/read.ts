import * as fs from 'fs';
import * as path from 'path';
import { readRepositorySide, RepositorySide, repositorySideDocument } from './repository-manifest';
import { defaultProvider, NeutralResource, providerOf, TerraformProvider } from '../synth/model';
import { UnreadableInputError } from '../synth/read';
import { ParsedTexts, readOutput } from '../synth/read-files';
import { readPlanSides } from '../synth/terraform-plan';

/** What the inventory read from a set of directories or files. */
export interface InventoryInput {
  /** Every resource (files are labelled as `keyless check` labels them: DIR-NAME/relative/path). */
  readonly resources: NeutralResource[];
  /** Files recognised, with their format. */
  readonly files: Array<{ readonly file: string; readonly format: string }>;
  /** Terraform provider blocks, per file (a GCP provider's default project, `keyless verify`'s readers). */
  readonly providers: readonly TerraformProvider[];
  /** A file label → its path relative to the directory given (what identity ids may depend on). */
  readonly relativeFile: (file: string) => string;
  /** A file label → the path on disk (to locate resources for SARIF). */
  readonly absoluteFile: (file: string) => string | undefined;
  /** The default `google` provider project of a Terraform file, if it declares one. */
  readonly defaultGoogleProject: (file: string) => string | undefined;
  /** The project of the `google` provider block a resource is configured by (its `provider` alias, or the default). */
  readonly googleProject?: (resource: NeutralResource) => string | undefined;
  /** Input that was skipped, worth knowing. */
  readonly warnings: string[];
  /** Repository-side manifests read (`out/ci/manifest.json`), see {@link readInventoryInput}. */
  readonly repositorySides: readonly RepositorySide[];
}

/** What each output format looks like, for error messages. */
const FORMATS = 'a CloudFormation template (JSON or YAML with `Resources`), Terraform (HCL `*.tf`, `*.tf.json` or JSON of Terraform blocks), '
  + 'a `terraform show -json` plan or state, or a Kubernetes manifest';

/** Files an output manifest (CDK cloud assembly, cdktf) lists, relative to the manifest. */
function listedOutputs(manifestPath: string): string[] {
  let manifest: any;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch {
    return []; // an unparseable manifest.json is reported by the reader
  }
  const listed: string[] = [];
  for (const artifact of Object.values<any>(manifest?.artifacts ?? {})) {
    if (artifact?.type === 'aws:cloudformation:stack' && typeof artifact.properties?.templateFile === 'string') listed.push(artifact.properties.templateFile);
  }
  for (const stack of Object.values<any>(manifest?.stacks ?? {})) {
    if (typeof stack?.synthesizedStackPath === 'string') listed.push(stack.synthesizedStackPath);
  }
  return listed;
}

/** Every file below a directory (sorted), for the partial-output check. */
function walk(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Reads synthesized output below the given paths, with the guardrails' readers, and refuses input that would make
 * an inventory or a diff silently incomplete: a missing path, an unreadable or unparseable file, a path with no
 * recognisable output, a single file in an unknown format, and a CDK or cdktf manifest that lists a stack whose
 * template is missing (a partial output). Every refusal is an {@link UnreadableInputError} naming the path.
 *
 * The repository side (`out/ci/manifest.json`, see repository-manifest.ts) is read when it is among the paths: the
 * manifest itself, its directory (`out/ci`, whose files are repository configuration, not identity output), or any
 * directory above it (`out/`). Sibling directories of the paths given are not searched: what is read is what was
 * named. A manifest given alone is refused (it describes identities of the output it came with).
 */
export function readInventoryInput(targets: readonly string[]): InventoryInput {
  return readInventoryInputReusing(targets);
}

/** {@link readInventoryInput}, keeping or taking parsed files in `parsed` (`keyless diff`'s two sides, see {@link ParsedTexts}). */
export function readInventoryInputReusing(targets: readonly string[], parsed?: ParsedTexts): InventoryInput {
  if (targets.length === 0) throw new UnreadableInputError('no directory or file given');
  const resources: NeutralResource[] = [];
  const providers: TerraformProvider[] = [];
  const files: Array<{ file: string; format: string }> = [];
  const relative = new Map<string, string>();
  const absolute = new Map<string, string>();
  const warnings: string[] = [];
  const repositorySides: RepositorySide[] = [];
  const manifestsRead = new Set<string>();
  const sideOnly: string[] = [];
  const readSide = (manifest: string, root: string, document: unknown) => {
    if (manifestsRead.has(path.resolve(manifest))) return;
    manifestsRead.add(path.resolve(manifest));
    repositorySides.push(readRepositorySide(manifest, path.join(path.basename(path.resolve(root)), path.relative(root, manifest)), document));
  };
  for (const target of targets) {
    const stat = fs.statSync(target, { throwIfNoEntry: false });
    if (!stat) throw new UnreadableInputError(`${target}: no such file or directory`);
    // The repository-side directory (or its manifest): repository configuration, read through its manifest only.
    const sideManifest = stat.isDirectory() ? path.join(target, 'manifest.json') : target;
    const sideDocument = repositorySideDocument(sideManifest);
    if (sideDocument !== undefined) {
      readSide(sideManifest, stat.isDirectory() ? target : path.dirname(target), sideDocument);
      sideOnly.push(target);
      continue;
    }
    let read: ReturnType<typeof readOutput>;
    try {
      read = readOutput([target], parsed);
    } catch (error) {
      if (error instanceof UnreadableInputError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code) throw new UnreadableInputError(`${target}: cannot be read (${(error as Error).message})`);
      throw error;
    }
    const root = stat.isDirectory() ? target : path.dirname(target);
    const all = stat.isDirectory() ? walk(target) : [target];
    // Below the out dir, the repository-side directory holds repository configuration (a `github_*` Terraform
    // resource, workflows), not identity output: left out as when `out/ci` is given itself.
    const label = (file: string) => path.join(path.basename(path.resolve(root)), path.relative(root, file));
    const sideDirs = all.filter((f) => repositorySideDocument(f) !== undefined).map((f) => `${path.dirname(label(f))}${path.sep}`);
    if (sideDirs.length > 0) {
      const outside = (file: string) => !sideDirs.some((dir) => file.startsWith(dir));
      read = {
        resources: read.resources.filter((r) => outside(r.file)),
        providers: read.providers.filter((p) => outside(p.file)),
        files: read.files.filter((f) => outside(f.file)),
      };
    }
    if (read.files.length === 0) {
      throw new UnreadableInputError(stat.isDirectory() ? `${target}: no identity output found: expected ${FORMATS} below it` : `${target}: unknown format: expected ${FORMATS}`);
    }
    for (const manifest of all.filter((f) => path.basename(f) === 'manifest.json')) {
      const document = repositorySideDocument(manifest);
      if (document !== undefined) {
        readSide(manifest, root, document);
        continue;
      }
      for (const listed of listedOutputs(manifest)) {
        if (!fs.existsSync(path.join(path.dirname(manifest), listed))) {
          throw new UnreadableInputError(`${manifest}: lists ${listed}, which is missing: the output is partial (re-run the synthesis)`);
        }
      }
    }
    for (const file of read.files) {
      const onDisk = path.join(path.dirname(path.resolve(root)), file.file);
      relative.set(file.file, path.relative(path.resolve(root), onDisk).split(path.sep).join('/'));
      absolute.set(file.file, onDisk);
    }
    resources.push(...read.resources);
    providers.push(...read.providers);
    files.push(...read.files);
  }
  if (files.length === 0) {
    throw new UnreadableInputError(`${sideOnly.join(', ')}: the repository side only: give it with the output it describes (e.g. out/aws out/terraform out/k8s out/ci), or the out directory`);
  }
  return inventoryInput(resources, providers, files, relative, absolute, warnings, repositorySides);
}

/**
 * Whether two inputs the readers made hold the same data: the same resources, files, provider blocks, warnings and
 * repository sides, value for value and in the same order (see {@link sameData}), and each file the same path
 * relative to the directory given. Everything the inventory is built from is one of these (the readers' lookups are
 * functions of them), and the inventory is a function of its input and options: two equal inputs have the same
 * inventory, so `keyless diff` builds it once when the head is the base (a pull request that changes no identity
 * output). Where the paths on disk differ (two checkouts), only the SARIF locations do, and those are read from the
 * head.
 */
export function sameInventoryInput(a: InventoryInput, b: InventoryInput): boolean {
  try {
    // A repository side's files are a Map (never plain data): compared as its entries, in order.
    const sides = (input: InventoryInput) => input.repositorySides.map((side) => ({ ...side, files: [...side.files] }));
    return sameData(a.files, b.files) && a.files.every(({ file }) => a.relativeFile(file) === b.relativeFile(file))
      && sameData(a.resources, b.resources) && sameData(a.providers, b.providers)
      && sameData(a.warnings, b.warnings) && sameData(sides(a), sides(b));
  } catch (error) {
    // Nesting deeper than the stack: not judged the same (the head is built).
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/**
 * Whether two values are the same data: the same value (`Object.is`), or two arrays of the same length with the same
 * data at each index, or two plain objects (prototype `Object.prototype` or null, as JSON, YAML and the readers make
 * them) with the same own keys in the same order and the same data at each. Anything else (a Map, a Set, a class
 * instance, a function, an object with a symbol or a non-enumerable key, a hole against a value) is the same only as
 * itself. An array's non-index properties are not compared: no reader writes one, and nothing reads one. Shared
 * objects (the documents `keyless diff` takes from the base) are compared by identity, without being walked.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const prototype = Object.getPrototypeOf(a);
  if (prototype !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length || !noSymbols(a) || !noSymbols(b)) return false;
    for (let i = 0; i < a.length; i++) {
      // A hole is never the same as a value, even undefined (the readers write neither).
      if (!sameData(a[i], b[i]) || (a[i] === undefined && (i in a) !== (i in b))) return false;
    }
    return true;
  }
  if (prototype !== Object.prototype && prototype !== null) return false;
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length || !plainKeys(a, keys.length) || !plainKeys(b, keys.length)) return false;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== others[i] || !sameData((a as Record<string, unknown>)[keys[i]], (b as Record<string, unknown>)[keys[i]])) return false;
  }
  return true;
}

/** Whether an object's own keys are `count` string keys, all enumerable, and no symbols. */
function plainKeys(value: object, count: number): boolean {
  return Object.getOwnPropertyNames(value).length === count && noSymbols(value);
}

function noSymbols(value: object): boolean {
  return Object.getOwnPropertySymbols(value).length === 0;
}

/** The input of one side, with the provider lookups the inventory needs. */
function inventoryInput(
  resources: NeutralResource[], providers: TerraformProvider[], files: Array<{ file: string; format: string }>,
  relative: ReadonlyMap<string, string>, absolute: ReadonlyMap<string, string>, warnings: string[], repositorySides: readonly RepositorySide[] = [],
): InventoryInput {
  // The default `google` provider block of each file (kept by the reader): where a grant names no project.
  const defaultGoogleProject = (file: string): string | undefined => {
    const project = defaultProvider({ providers }, file, 'google')?.attributes?.project;
    return typeof project === 'string' ? project : undefined;
  };
  const googleProject = (resource: NeutralResource): string | undefined => {
    const project = providerOf({ providers }, resource)?.attributes?.project;
    return typeof project === 'string' ? project : undefined;
  };
  return {
    resources,
    files,
    providers,
    relativeFile: (file) => relative.get(file) ?? file,
    absoluteFile: (file) => absolute.get(file),
    defaultGoogleProject,
    googleProject,
    warnings,
    repositorySides,
  };
}

/**
 * The two sides of a Terraform plan (`terraform show -json plan.out > plan.json`) for `keyless diff PLAN.json`:
 * `base` is the prior state (what is deployed), `head` the planned values. Both sides label the file alike, so that
 * an identity keeps its id across them. Refuses what {@link readPlanSides} refuses (not a plan, a state, an errored
 * plan) with an {@link UnreadableInputError} naming the file.
 */
export function readInventoryPlanSides(file: string): { base: InventoryInput; head: InventoryInput } {
  const { before, after } = readPlanSides(file);
  const label = after.files[0].file;
  const relative = new Map([[label, path.basename(file)]]);
  const absolute = new Map([[label, path.resolve(file)]]);
  return {
    base: inventoryInput(before.resources, before.providers, [...before.files], relative, absolute, []),
    head: inventoryInput(after.resources, after.providers, [...after.files], relative, absolute, []),
  };
}
