/**
 * Runs generated declarations fast: cases are built many to a stack (each under its own scope, removed again when
 * Keyless refuses the declaration), each stack is synthesized once, and every string of every synthesized
 * Terraform JSON is evaluated by ONE run of the real `terraform` binary (test/helpers/terraform-eval.ts).
 *
 * The properties themselves run under `fc.assert` with a fixed seed: each generated case is looked up by its
 * printed form in the results prepared here (`fc.sample` with the same seed and run count generates the same
 * cases), and a case not prepared (a shrunk counterexample) is built, synthesized and evaluated on its own.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as cdk from 'aws-cdk-lib/core';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { TODAY } from './arbitraries';
import { terraformReads } from '../helpers/terraform-eval';

export const SEED = 42;
export const AWS_ACCOUNT = '123456789012';

export type StackKind = 'aws' | 'tf';

/** The outcome of building one declaration. */
export interface Built<H> {
  /** What construction threw, if it threw. */
  readonly error?: unknown;
  /** What `build` returned. */
  readonly handle?: H;
  /** The stack the case was built in. */
  readonly stack?: cdk.Stack | TerraformStack;
  /** The scope id of the case: its Terraform logical ids start with `${scopeId}_`. */
  readonly scopeId: string;
  /** AWS: the CloudFormation template. Terraform: the JSON as Terraform evaluates it (references kept as `${…}`). */
  doc?: any;
  /** Terraform: the synthesized JSON, unevaluated. */
  raw?: any;
  /** Terraform: logical ids of the resources the case created (under its scope or added to the stack itself). */
  readonly ids?: ReadonlySet<string>;
  /** Synthesis threw (not a construction error). */
  synthError?: unknown;
}

export interface Family<C, H> {
  readonly name: string;
  readonly kind: StackKind;
  readonly arb: fc.Arbitrary<C>;
  readonly numRuns: number;
  /** The codes `refusal` decides. */
  readonly modeledCodes?: readonly string[];
  /** Build the declaration under `scope`; `m` materializes markers (tokens, Durations) in the case's stack. */
  build(scope: Construct, c: C, m: <T>(value: T) => any): H;
  /** Check a successfully built and synthesized case; throw on a violation. */
  check(c: C, built: Built<H>): void | Promise<void>;
  /**
   * The refusal the model predicts for the case (one of `modeledCodes`), or undefined: the case must then not be
   * refused with any of `modeledCodes`, and a predicted refusal must not be accepted.
   */
  refusal?(c: C): string | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Markers
// ---------------------------------------------------------------------------------------------------------------

let counter = 0;
const foreignAws = new cdk.Stack(new cdk.App(), 'ForeignTokens');
const foreignTfApp = Testing.app();
const foreignTf = new TerraformStack(foreignTfApp, 'foreign-tokens');

/** Replaces `{ $token }` and `{ $duration }` markers, keeping sparse arrays sparse. */
export function materializer(stack: cdk.Stack | TerraformStack): <T>(value: T) => any {
  const aws = stack instanceof cdk.Stack ? stack : foreignAws;
  const tf = stack instanceof TerraformStack ? stack : foreignTf;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      const out = new Array(value.length);
      for (const i in value) out[Number(i)] = walk(value[Number(i)]);
      return out;
    }
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
    const record = value as Record<string, unknown>;
    if ('$token' in record) {
      const id = `Tok${++counter}`;
      switch (record.$token) {
        case 'cfn-parameter': return new cdk.CfnParameter(aws, id).valueAsString;
        case 'import-value': return cdk.Fn.importValue(`export-${id}`);
        case 'tf-variable': return new TerraformVariable(tf, id, {}).stringValue;
        default: return new TerraformVariable(tf, id, {}).numberValue;
      }
    }
    if ('$duration' in record) return cdk.Duration.seconds(record.$duration as number);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, walk(v)]));
  };
  return walk as <T>(value: T) => any;
}

/** Whether a generated value holds a token marker anywhere. */
export function hasTokenMarker(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasTokenMarker);
  if (typeof value !== 'object' || value === null) return false;
  if ('$token' in value) return true;
  return Object.values(value).some(hasTokenMarker);
}

// ---------------------------------------------------------------------------------------------------------------
// Terraform evaluation
// ---------------------------------------------------------------------------------------------------------------

const REFERENCE = /^\$\{([A-Za-z_][\w-]*(?:\.[\w-]+)+)\}/;

/**
 * Rewrites each plain reference interpolation (`${TYPE.NAME.ATTR}`, `${var.NAME}`) into a string expression
 * `${"<<TYPE.NAME.ATTR>>"}`, so that a configuration of outputs only can evaluate the string offline; everything
 * else (other interpolations, directives, escapes) is left for Terraform to read as it would.
 */
export function rewriteReferences(value: string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('$${', i) || value.startsWith('%%{', i)) {
      out += value.slice(i, i + 3);
      i += 3;
      continue;
    }
    if (value.startsWith('${', i)) {
      const ref = REFERENCE.exec(value.slice(i));
      if (ref) {
        out += `\${"<<${ref[1]}>>"}`;
        i += ref[0].length;
        continue;
      }
    }
    out += value[i];
    i += 1;
  }
  return out;
}

/** Terraform's reading of strings; evaluates all pending strings in one run, bisecting only when a run fails. */
export class TerraformOracle {
  public runs = 0;
  private readonly values = new Map<string, { value?: unknown; error?: string }>();

  public prime(strings: Iterable<string>): void {
    this.evaluate([...new Set(strings)].filter((s) => !this.values.has(s)));
  }

  public read(value: string): { value?: unknown; error?: string } {
    if (!this.values.has(value)) this.evaluate([value]);
    return this.values.get(value)!;
  }

  private evaluate(strings: string[]): void {
    if (strings.length === 0) return;
    this.runs += 1;
    try {
      const read = terraformReads(strings.map(rewriteReferences));
      strings.forEach((s, i) => this.values.set(s, { value: read[i] }));
    } catch (e) {
      if (strings.length === 1) {
        this.values.set(strings[0], { error: String((e as Error).message ?? e).replace(/\s+/g, ' ').slice(0, 400) });
        return;
      }
      const half = Math.ceil(strings.length / 2);
      this.evaluate(strings.slice(0, half));
      this.evaluate(strings.slice(half));
    }
  }
}

export const oracle = new TerraformOracle();

/** Strings of the parts of a Terraform JSON that reach providers (resources, data sources, outputs). */
function terraformStrings(json: any): string[] {
  const found: string[] = [];
  const walk = (value: unknown, key?: string) => {
    if (key === '//') return;
    if (typeof value === 'string') found.push(value);
    else if (Array.isArray(value)) value.forEach((v) => walk(v));
    else if (typeof value === 'object' && value !== null) Object.entries(value).forEach(([k, v]) => walk(v, k));
  };
  for (const part of ['resource', 'data', 'output']) walk(json[part]);
  return found;
}

/** The JSON as Terraform reads it: each string evaluated; references to resources of the JSON kept as `${…}`. */
function evaluatedJson(json: any): any {
  const resources = new Set<string>();
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const name of Object.keys(byName as object)) resources.add(`${type}.${name}`);
  }
  const read = (s: string): string => {
    const r = oracle.read(s);
    if (r.error !== undefined) return `<<TERRAFORM-ERROR ${r.error}>>`;
    if (typeof r.value !== 'string') return `<<NOT-A-STRING ${JSON.stringify(r.value)}>>`;
    return r.value.replace(/<<([A-Za-z_][\w-]*(?:\.[\w-]+)+)>>/g, (whole, ref: string) => {
      const [type, name] = ref.split('.');
      return resources.has(`${type}.${name}`) ? `\${${ref}}` : whole;
    });
  };
  const walk = (value: unknown, key?: string): unknown => {
    if (key === '//') return value;
    if (typeof value === 'string') return read(value);
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  return { ...json, resource: walk(json.resource), data: walk(json.data), output: walk(json.output) };
}

// ---------------------------------------------------------------------------------------------------------------
// Building and caching
// ---------------------------------------------------------------------------------------------------------------

function newStack(kind: StackKind, id: string): cdk.Stack | TerraformStack {
  if (kind === 'aws') {
    // aws-cdk-lib's built-in CloudFormation validation (WebAssembly) is half the synthesis time and decides nothing
    // here: the IAM engine validates every trust and identity policy it evaluates.
    const app = new cdk.App({ context: { 'keyless:today': TODAY }, builtinCloudFormationValidation: false });
    return new cdk.Stack(app, id, { env: { account: AWS_ACCOUNT, region: 'eu-west-1' }, analyticsReporting: false });
  }
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  return new TerraformStack(app, id);
}

function buildInto<C, H>(family: Family<C, H>, stack: cdk.Stack | TerraformStack, c: C): Built<H> {
  const scopeId = `c${++counter}`;
  const before = new Set(stack.node.children.map((child) => child.node.id));
  const scope = new Construct(stack, scopeId);
  try {
    const handle = family.build(scope, c, materializer(stack));
    const ids = new Set<string>();
    if (stack instanceof TerraformStack) {
      for (const child of stack.node.children.filter((x) => x === scope || !before.has(x.node.id))) {
        for (const element of child.node.findAll()) {
          if (typeof (element as any).terraformResourceType === 'string') ids.add(stack.getLogicalId(element as any));
        }
      }
    }
    return { handle, stack, scopeId, ids };
  } catch (error) {
    // Remove everything the refused declaration added (its scope, and constructs it added to the stack itself).
    for (const child of [...stack.node.children]) {
      if (!before.has(child.node.id)) stack.node.tryRemoveChild(child.node.id);
    }
    return { error, scopeId };
  }
}

function synthesize(stack: cdk.Stack | TerraformStack): any {
  return stack instanceof cdk.Stack ? Template.fromStack(stack).toJSON() : JSON.parse(Testing.synth(stack));
}

export interface FamilyResults<H> {
  readonly cache: Map<string, Built<H>>;
  misses: number;
}

const results = new Map<string, FamilyResults<any>>();

export const keyOf = (c: unknown): string => fc.stringify(c);

/**
 * Builds the cases `fc.assert(…, { seed: SEED, numRuns })` will generate, `batch` to a stack, synthesizes each stack
 * once and evaluates all Terraform strings of all families in one terraform run.
 */
export function prepare(families: Family<any, any>[], batch: number): void {
  const tfBuilt: Built<any>[] = [];
  for (const family of families) {
    const cache = new Map<string, Built<any>>();
    results.set(family.name, { cache, misses: 0 });
    const samples = fc.sample(family.arb, { seed: SEED, numRuns: family.numRuns });
    let stack: cdk.Stack | TerraformStack | undefined;
    let inStack: [Built<any>, unknown][] = [];
    const flush = () => {
      if (!stack) return;
      let doc: any;
      try {
        doc = synthesize(stack);
      } catch {
        // One case broke synthesis of the batch: synthesize each of its cases alone to tell which.
        for (const [b, c] of inStack) Object.assign(b, isolated(family, c));
        doc = undefined;
      }
      if (doc !== undefined) {
        for (const [b] of inStack) {
          if (family.kind === 'aws') b.doc = doc;
          else b.raw = doc;
        }
      }
      if (family.kind === 'tf') tfBuilt.push(...inStack.map(([b]) => b));
      stack = undefined;
      inStack = [];
    };
    for (const c of samples) {
      const key = keyOf(c);
      if (cache.has(key)) continue;
      if (!stack) stack = newStack(family.kind, `batch-${++counter}`);
      const built = buildInto(family, stack, c);
      cache.set(key, built);
      if (built.error === undefined) {
        inStack.push([built, c]);
        if (inStack.length >= batch) flush();
      }
    }
    flush();
  }
  const docs = new Set(tfBuilt.map((b) => b.raw).filter((raw) => raw !== undefined));
  oracle.prime([...docs].flatMap(terraformStrings));
  const evaluated = new Map<any, any>();
  for (const b of tfBuilt) {
    if (b.raw === undefined) continue;
    if (!evaluated.has(b.raw)) evaluated.set(b.raw, evaluatedJson(b.raw));
    b.doc = evaluated.get(b.raw);
  }
}

/** Builds one case in a stack of its own (for cases not prepared, and to isolate a synthesis failure). */
function isolated<C, H>(family: Family<C, H>, c: C): Built<H> {
  const stack = newStack(family.kind, `single-${++counter}`);
  const built = buildInto(family, stack, c);
  if (built.error !== undefined) return built;
  try {
    const raw = synthesize(stack);
    if (family.kind === 'aws') return { ...built, doc: raw };
    oracle.prime(terraformStrings(raw));
    return { ...built, raw, doc: evaluatedJson(raw) };
  } catch (synthError) {
    return { ...built, synthError };
  }
}

/** The outcome of a case: prepared, or built now. */
export function outcome<C, H>(family: Family<C, H>, c: C): Built<H> {
  const r = results.get(family.name)!;
  const key = keyOf(c);
  let built = r.cache.get(key);
  if (!built) {
    r.misses += 1;
    built = isolated(family, c);
    r.cache.set(key, built);
  }
  return built;
}

export function misses(family: Family<any, any>): number {
  return results.get(family.name)?.misses ?? 0;
}

/** Property 1: construction succeeds, or throws a KeylessError (`[KL-…`), never anything else. */
export function checkConstruction(built: Built<unknown>): void {
  if (built.error !== undefined) {
    const message = built.error instanceof Error ? `${built.error.name}: ${built.error.message}` : String(built.error);
    if (!(built.error instanceof Error) || !built.error.message.startsWith('[KL-')) {
      throw new Error(`construction threw a non-Keyless error: ${message.slice(0, 600)}`);
    }
    return;
  }
  if (built.synthError !== undefined) {
    const e = built.synthError as Error;
    throw new Error(`construction succeeded but synthesis threw: ${String(e?.message ?? e).slice(0, 600)}`);
  }
}

/** The KeylessError code of a construction error (`KL-…`), or undefined. */
export function errorCode(error: unknown): string | undefined {
  return /^\[(KL-[A-Z0-9-]+)\]/.exec((error as Error)?.message ?? '')?.[1];
}

/**
 * Property 2 (families with a refusal model): a case the model says a cloud must refuse is refused (by that code, or
 * earlier by an unrelated check), never accepted; and no case is refused with a modeled code the model does not
 * predict for it. Returns whether the case was refused as predicted.
 */
export function checkRefusal<C>(family: Family<C, unknown>, c: C, built: Built<unknown>): boolean {
  const expected = family.refusal!(c);
  if (built.error === undefined) {
    if (expected !== undefined) throw new Error(`accepted, but the model says the cloud must refuse it (${expected})`);
    return false;
  }
  const code = errorCode(built.error);
  if (code !== undefined && family.modeledCodes!.includes(code) && code !== expected) {
    throw new Error(`refused with ${code}, but the model predicts ${expected ?? 'no such refusal'}: ${String((built.error as Error).message).slice(0, 400)}`);
  }
  return code !== undefined && code === expected;
}

/** Resources of `type` in a Terraform JSON that belong to the case (logical ids start with the scope id). */
export function caseResources(built: Built<unknown>, type: string): [string, any][] {
  return Object.entries(built.doc?.resource?.[type] ?? {}).filter(([id]) => id.startsWith(`${built.scopeId}_`) || built.ids?.has(id));
}

/** A Terraform JSON holding only the case's resources (for helpers that read a whole stack). */
export function caseJson(built: Built<unknown>): any {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const [type, byName] of Object.entries(built.doc?.resource ?? {})) {
    const mine = Object.entries(byName as object).filter(([id]) => id.startsWith(`${built.scopeId}_`) || built.ids?.has(id));
    if (mine.length > 0) resource[type] = Object.fromEntries(mine);
  }
  return { resource };
}

/** How the prepared cases of a family ended: accepted, or the KeylessError code that refused them. */
export function outcomes(family: Family<any, any>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const built of results.get(family.name)?.cache.values() ?? []) {
    const code = built.error === undefined ? 'accepted' : (errorCode(built.error) ?? 'other');
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}
