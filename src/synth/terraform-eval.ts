/**
 * Evaluation of Terraform JSON documents (hand-written `*.tf.json`, or HCL `*.tf` read as JSON) without a cloud:
 * what a module determines by itself is computed, everything else stays as written.
 *
 * Evaluated: literal values, `jsonencode(…)` (and `jsondecode`, `concat`, `merge`, `tolist`, `tostring`, `join`),
 * `local.X`, `var.X` with a `default`, string templates, and `data.aws_iam_policy_document.X.json` built from literal
 * `statement` blocks (the JSON the AWS provider writes). Unknown: resource and data attributes, module outputs,
 * `count`/`for_each`/`each`, operators, conditionals, `for` expressions, splats, template directives and other
 * functions. An unknown value that is a string (a resource attribute such as an ARN, a variable of type `string`, an
 * interpolation in a template) stays inside an evaluated value as a `${…}` placeholder, as Terraform JSON writes it;
 * an unknown whose shape is not known (a list variable, a function result) leaves the whole attribute as written, so
 * that it is reported as unreadable rather than read as compliant.
 */
import { Node, parseTemplate, Value } from './terraform-expression';
import { setOwnProperty } from '../core/own-property';

/** A value known only at apply time (or not modelled): its source text, and whether it is known to be a string. */
class Unknown {
  constructor(public readonly text: string, public readonly scalar: boolean) {}
}


// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/** Blocks of a Terraform JSON block value: an object, or a list of objects (HCL converters write lists). */
function blocks(value: unknown): any[] {
  return (Array.isArray(value) ? value : [value]).filter((b) => b && typeof b === 'object' && !Array.isArray(b));
}

/** `{ NAME: block | [blocks] }` or `[{ NAME: … }]` as [name, block] pairs. */
function named(value: unknown): Array<[string, any]> {
  return blocks(value).flatMap((group) => Object.entries(group).flatMap(([name, v]) => blocks(v).map((b): [string, any] => [name, b])));
}

const PRIMITIVE_TYPES = new Set(['string', 'number', 'bool']);

/** A local or variable declared twice (an error to Terraform). */
const DECLARED_TWICE = Symbol('declared twice');

/** One module: locals, variables and policy documents of every document of one directory. */
class Module {
  private readonly locals = new Map<string, unknown>();
  private readonly localValues = new Map<string, Value>();
  private readonly evaluating = new Set<string>();
  private readonly variables = new Map<string, any>();
  private readonly policyDocuments = new Map<string, any[]>();
  private readonly managedPolicies = new Map<string, any[]>();
  private readonly policyJson = new Map<string, Value>();
  /** The names a `for` expression binds while its body is evaluated. */
  private readonly scope = new Map<string, Value>();

  constructor(documents: readonly any[], private readonly assigned: Readonly<Record<string, unknown>> = {}) {
    for (const document of documents) {
      // A name declared twice is an error to Terraform: such a local or variable is unknown here, never one of the two.
      for (const block of blocks(document?.locals)) {
        for (const [name, value] of Object.entries(block)) this.locals.set(name, this.locals.has(name) ? DECLARED_TWICE : value);
      }
      for (const [name, block] of named(document?.variable)) this.variables.set(name, this.variables.has(name) ? DECLARED_TWICE : block);
      for (const data of blocks(document?.data)) {
        const add = (map: Map<string, any[]>, [name, block]: [string, any]) => map.set(name, [...(map.get(name) ?? []), block]);
        for (const entry of named(data.aws_iam_policy_document)) add(this.policyDocuments, entry);
        for (const entry of named(data.aws_iam_policy)) add(this.managedPolicies, entry);
      }
    }
  }

  /** A Terraform JSON value (strings are templates) evaluated; unknown when part of it is. */
  public value(value: unknown, depth = 0): Value {
    if (depth > 64) return new Unknown('…', false);
    if (typeof value === 'string') {
      if (!value.includes('${') && !value.includes('%{')) return value;
      let node: Node;
      try {
        node = parseTemplate(value, false);
      } catch {
        return new Unknown(value, false);
      }
      return this.template(node as Extract<Node, { k: 'tpl' }>, value, depth);
    }
    if (Array.isArray(value)) return this.collect(value.map((v) => this.value(v, depth + 1)), (items) => items);
    if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      return this.collect(entries.map(([, v]) => this.value(v, depth + 1)), (items) => Object.fromEntries(entries.map(([k], i) => [k, items[i]])));
    }
    return value;
  }

  /** Items of a collection: a string-typed unknown becomes a `${…}` placeholder; any other unknown, the collection. */
  private collect(items: Value[], build: (items: Value[]) => Value): Value {
    const out: Value[] = [];
    for (const item of items) {
      if (item instanceof Unknown) {
        if (!item.scalar) return new Unknown('', false);
        out.push(`\${${item.text}}`);
      } else {
        out.push(item);
      }
    }
    return build(out);
  }

  private template(node: Extract<Node, { k: 'tpl' }>, src: string, depth: number): Value {
    // A directive (`%{ if }`, `%{ for }`) can write anything, a whole document included: unknown, and not a string.
    if (node.directive) return new Unknown(src.slice(node.s, node.e), false);
    const partsSrc = node.partsSrc ?? src;
    if (node.parts.length === 1 && typeof node.parts[0] !== 'string') return this.expr(node.parts[0], partsSrc, depth + 1);
    let text = '';
    for (const part of node.parts) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      const v = this.expr(part, partsSrc, depth + 1);
      if (v instanceof Unknown) text += `\${${partsSrc.slice(part.s, part.e)}}`;
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') text += String(v);
      else return new Unknown(src.slice(node.s, node.e), true);
    }
    return text;
  }

  private expr(node: Node, src: string, depth: number): Value {
    const text = () => src.slice(node.s, node.e);
    if (depth > 64) return new Unknown(text(), false);
    switch (node.k) {
      case 'lit':
        return node.v;
      case 'tpl':
        return this.template(node, src, depth);
      case 'tuple':
        return this.collect(node.items.map((i) => this.expr(i, src, depth + 1)), (items) => items);
      case 'object': {
        const keys = node.items.map((i) => this.expr(i.key, src, depth + 1));
        if (keys.some((k) => k instanceof Unknown || (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean'))) return new Unknown(text(), false);
        return this.collect(node.items.map((i) => this.expr(i.value, src, depth + 1)),
          (items) => Object.fromEntries(keys.map((k, i) => [String(k), items[i]])));
      }
      case 'call':
        return this.call(node, src, depth);
      case 'ref':
        return this.reference(node, src, depth);
      case 'for':
        return this.tupleFor(node, src, depth);
      default:
        return new Unknown(text(), false);
    }
  }

  private call(node: Extract<Node, { k: 'call' }>, src: string, depth: number): Value {
    const unknown = new Unknown(src.slice(node.s, node.e), false);
    const args = node.args.map((a) => this.expr(a, src, depth + 1));
    if (node.expand || args.some((a) => a instanceof Unknown)) return unknown;
    const pure = (v: Value) => !JSON.stringify(v).includes('${');
    switch (node.name) {
      case 'jsonencode':
        return args.length === 1 ? jsonEncode(args[0]) : unknown;
      case 'jsondecode':
        if (args.length !== 1 || typeof args[0] !== 'string') return unknown;
        try {
          return JSON.parse(args[0]);
        } catch {
          return unknown;
        }
      case 'tostring':
        return args.length === 1 && ['string', 'number', 'boolean'].includes(typeof args[0]) ? String(args[0]) : unknown;
      case 'tolist':
        return args.length === 1 && Array.isArray(args[0]) ? args[0] : unknown;
      case 'concat':
        return args.every(Array.isArray) ? (args as unknown[][]).flat(1) : unknown;
      case 'merge':
        return args.every((a) => a && typeof a === 'object' && !Array.isArray(a)) ? Object.fromEntries(args.flatMap((a) => Object.entries(a as object))) : unknown;
      case 'join':
        return args.length === 2 && typeof args[0] === 'string' && Array.isArray(args[1]) && args[1].every((a) => typeof a === 'string') && pure(args[0])
          ? (args[1] as string[]).join(args[0]) : unknown;
      default:
        return unknown;
    }
  }

  /** `[for V in C : E]` over a known list (V each element, K its index) or object (K each key, V its value, by key). */
  private tupleFor(node: Extract<Node, { k: 'for' }>, src: string, depth: number): Value {
    const unknown = new Unknown(src.slice(node.s, node.e), false);
    const collection = this.expr(node.collection, src, depth + 1);
    if (collection instanceof Unknown || collection === null || typeof collection !== 'object') return unknown;
    const entries: Array<[Value, Value]> = Array.isArray(collection)
      ? collection.map((v, i) => [i, v])
      : Object.keys(collection).sort().map((k) => [k, (collection as Record<string, Value>)[k]]);
    const names = [node.value, ...(node.key !== undefined ? [node.key] : [])];
    if (names.some((n) => this.scope.has(n))) return unknown; // a nested `for` shadowing a name: not evaluated
    const items: Value[] = [];
    for (const [key, value] of entries) {
      this.scope.set(node.value, value);
      if (node.key !== undefined) this.scope.set(node.key, key);
      try {
        items.push(this.expr(node.body, src, depth + 1));
      } finally {
        for (const n of names) this.scope.delete(n);
      }
    }
    return this.collect(items, (known) => known);
  }

  private reference(node: Extract<Node, { k: 'ref' }>, src: string, depth: number): Value {
    const text = src.slice(node.s, node.e);
    const attr = (i: number) => {
      const step = node.path[i];
      return step && 'attr' in step ? step.attr : undefined;
    };
    const follow = (value: Value, from: number): Value => {
      let v = value;
      for (const step of node.path.slice(from)) {
        if (v instanceof Unknown) return new Unknown(text, false);
        const key = 'attr' in step ? step.attr : this.expr(step.index, src, depth + 1);
        if (key instanceof Unknown || v === null || typeof v !== 'object') return new Unknown(text, false);
        v = Object.hasOwn(v, String(key)) ? (v as any)[String(key)] : undefined;
        if (v === undefined) return new Unknown(text, false);
      }
      return v;
    };
    if (this.scope.has(node.root)) return follow(this.scope.get(node.root), 0);
    switch (node.root) {
      case 'local': {
        const name = attr(0);
        return name === undefined ? new Unknown(text, false) : follow(this.local(name, depth), 1);
      }
      case 'var': {
        const name = attr(0);
        const variable = name === undefined ? undefined : this.variables.get(name);
        if (variable === DECLARED_TWICE) return new Unknown(text, false);
        // A value from the module's variable files (terraform.tfvars, *.auto.tfvars) wins over the default, as in Terraform.
        if (name !== undefined && Object.hasOwn(this.assigned, name) && this.assigned[name] !== null) return follow(this.assigned[name], 1);
        if (variable && Object.hasOwn(variable, 'default') && variable.default !== null) return follow(variable.default, 1);
        const type = typeof variable?.type === 'string' ? variable.type.replace(/^\$\{(.*)\}$/, '$1').trim() : undefined;
        return new Unknown(text, node.path.length === 1 && type !== undefined && PRIMITIVE_TYPES.has(type));
      }
      case 'data': {
        if (attr(0) === 'aws_iam_policy_document' && attr(1) !== undefined && attr(2) === 'json' && node.path.length === 3) {
          return this.policyDocument(attr(1)!, text, depth);
        }
        // A policy looked up by its ARN has that ARN (`data.aws_iam_policy.x.arn` of `arn = "arn:aws:iam::aws:policy/…"`).
        const lookup = attr(0) === 'aws_iam_policy' && attr(2) === 'arn' && node.path.length === 3 ? this.managedPolicies.get(attr(1)!) : undefined;
        if (lookup?.length === 1 && typeof lookup[0].arn === 'string' && !lookup[0].arn.includes('${') && lookup[0].count === undefined && lookup[0].for_each === undefined) {
          return lookup[0].arn;
        }
        return new Unknown(text, node.path.length >= 3);
      }
      case 'count':
      case 'path':
      case 'terraform':
        return new Unknown(text, node.path.length === 1);
      case 'each':
        return new Unknown(text, attr(0) === 'key' && node.path.length === 1);
      case 'module':
      case 'self':
        return new Unknown(text, false);
      default:
        // TYPE.NAME.ATTRIBUTE (or TYPE.NAME[INDEX].ATTRIBUTE): a resource attribute, known after apply.
        return new Unknown(text, node.path.length >= 2 && node.path.some((step, i) => i >= 1 && 'attr' in step));
    }
  }

  private local(name: string, depth: number): Value {
    if (this.localValues.has(name)) return this.localValues.get(name);
    const local = this.locals.get(name);
    if (!this.locals.has(name) || local === DECLARED_TWICE || this.evaluating.has(name)) return new Unknown(`local.${name}`, false);
    this.evaluating.add(name);
    const value = this.value(local, depth + 1);
    this.evaluating.delete(name);
    this.localValues.set(name, value);
    return value;
  }

  /** The JSON of `data.aws_iam_policy_document.NAME`, when the module determines it. */
  public policyDocumentJson(name: string): string | undefined {
    const json = this.policyDocument(name, `data.aws_iam_policy_document.${name}.json`, 0);
    return typeof json === 'string' ? json : undefined;
  }

  /** `data.aws_iam_policy_document.NAME.json`: the provider's JSON of literal statements, else unknown. */
  private policyDocument(name: string, text: string, depth: number): Value {
    if (this.policyJson.has(name)) return this.policyJson.get(name);
    this.policyJson.set(name, new Unknown(text, true)); // a document that refers to itself is unknown
    const found = this.policyDocuments.get(name) ?? [];
    const value = found.length === 1 ? this.buildPolicy(this.value(found[0], depth + 1), text) : new Unknown(text, true);
    this.policyJson.set(name, value);
    return value;
  }

  private buildPolicy(block: Value, text: string): Value {
    const unknown = new Unknown(text, true);
    const supported = new Set(['statement', 'version', 'policy_id']);
    if (block instanceof Unknown || !block || typeof block !== 'object' || Object.keys(block).some((k) => !supported.has(k))) return unknown;
    const b = block as any;
    if ((b.version !== undefined && typeof b.version !== 'string') || (b.policy_id !== undefined && typeof b.policy_id !== 'string')) return unknown;
    // Lists of strings (the provider's schema converts numbers and booleans to strings).
    const strings = (v: unknown): string[] | undefined => (v === undefined ? []
      : Array.isArray(v) && v.every((s) => ['string', 'number', 'boolean'].includes(typeof s)) ? v.map(String) : undefined);
    // The provider: a set of one is a string, of several a list in reverse lexical order; `&{…}` is IAM's `${…}`.
    const list = (values: string[], vars: boolean): string | string[] => {
      const out = [...new Set(values.map((s) => (vars ? s.replace(/&\{/g, '${') : s)))];
      return out.length === 1 ? out[0] : out.sort().reverse();
    };
    const statementKeys = new Set(['sid', 'effect', 'actions', 'not_actions', 'resources', 'not_resources', 'principals', 'not_principals', 'condition']);
    const statements: any[] = [];
    for (const s of b.statement === undefined ? [] : Array.isArray(b.statement) ? b.statement : [b.statement]) {
      if (!s || typeof s !== 'object' || Object.keys(s).some((k) => !statementKeys.has(k))) return unknown;
      const out: any = {};
      if (s.sid !== undefined && s.sid !== '') {
        if (typeof s.sid !== 'string') return unknown;
        out.Sid = s.sid;
      }
      if (s.effect !== undefined && s.effect !== 'Allow' && s.effect !== 'Deny') return unknown;
      out.Effect = s.effect ?? 'Allow';
      for (const [key, field, vars] of [['actions', 'Action', false], ['not_actions', 'NotAction', false], ['resources', 'Resource', true], ['not_resources', 'NotResource', true]] as const) {
        const values = strings(s[key]);
        if (values === undefined) return unknown;
        if (values.length > 0) out[field] = list(values, vars);
      }
      for (const [key, field] of [['principals', 'Principal'], ['not_principals', 'NotPrincipal']] as const) {
        if (s[key] === undefined) continue;
        const principals = new Map<string, string | string[]>(); // a Map: a type named __proto__ is a type
        const given = Array.isArray(s[key]) ? s[key] : [s[key]];
        for (const p of given) {
          const identifiers = strings(p?.identifiers);
          if (typeof p?.type !== 'string' || identifiers === undefined || Object.keys(p).some((k) => k !== 'type' && k !== 'identifiers')) return unknown;
          const value = list(identifiers, true);
          const before = principals.get(p.type);
          const asArray = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
          principals.set(p.type, before === undefined ? value : [...asArray(before), ...asArray(value)]);
        }
        if (given.length === 0) continue;
        out[field] = principals.size === 1 && principals.get('*') === '*' ? '*' : sortKeys(Object.fromEntries(principals));
      }
      if (s.condition !== undefined) {
        const conditions = new Map<string, Map<string, string[]>>();
        for (const c of Array.isArray(s.condition) ? s.condition : [s.condition]) {
          const values = strings(c?.values);
          if (typeof c?.test !== 'string' || typeof c?.variable !== 'string' || values === undefined
            || Object.keys(c).some((k) => !['test', 'variable', 'values'].includes(k))) return unknown;
          if (!conditions.has(c.test)) conditions.set(c.test, new Map());
          const byTest = conditions.get(c.test)!;
          byTest.set(c.variable, [...(byTest.get(c.variable) ?? []), ...values.map((v) => v.replace(/&\{/g, '${'))]);
        }
        const flattened = Object.fromEntries([...conditions].map(([test, vars]) =>
          [test, sortKeys(Object.fromEntries([...vars].map(([k, v]) => [k, v.length === 1 ? v[0] : v])))]));
        if (Object.keys(flattened).length > 0) out.Condition = sortKeys(flattened);
      }
      statements.push(out);
    }
    const doc: any = { Version: b.version ?? '2012-10-17' };
    if (b.policy_id) doc.Id = b.policy_id;
    if (statements.length > 0) doc.Statement = statements;
    return JSON.stringify(doc, null, 2);
  }
}

function sortKeys(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(object).sort().map((k) => [k, object[k]]));
}

/** Terraform's `jsonencode`: compact, object keys in lexical order. */
function jsonEncode(value: Value): string {
  const canonical = (v: Value): Value => (Array.isArray(v) ? v.map(canonical)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as any)[k])])) : v);
  return JSON.stringify(canonical(value));
}

/**
 * Blocks of a document whose attributes are evaluated: resources, data sources and providers. With `share`, a block
 * (or nested value) that evaluation leaves unchanged is the input's own object, not a copy: most attributes of a large
 * output are literals, and copying every object of 45 MB of Terraform JSON was a measurable share of reading it. Data
 * blocks are always copied (a policy document block gets its `json` attribute below, which must not reach the input).
 */
function evaluateBlocks(module: Module, value: unknown, levels: number, share: boolean): unknown {
  if (levels === 0) return evaluateAttributes(module, value, share);
  if (Array.isArray(value)) return value.map((v) => evaluateBlocks(module, v, levels, share));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateBlocks(module, v, levels - 1, share)]));
}

/**
 * Every attribute of a block (and of its nested blocks): evaluated where known, as written where not (see
 * evaluateBlocks for `share`). With `share`, a list or object is copied only from its first changed item on; every
 * resource attribute of an estate passes here, most of them unchanged.
 */
function evaluateAttributes(module: Module, value: unknown, share: boolean): unknown {
  if (Array.isArray(value)) {
    let items: unknown[] | undefined = share ? undefined : new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = evaluateAttributes(module, value[i], share);
      if (items === undefined && item !== value[i]) items = value.slice(0, i);
      if (items !== undefined) items[i] = item;
    }
    return items ?? value;
  }
  if (value && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const keys = Object.keys(source);
    let out: Record<string, unknown> | undefined = share ? undefined : {};
    for (let i = 0; i < keys.length; i++) {
      const item = evaluateAttributes(module, source[keys[i]], share);
      if (out === undefined && item !== source[keys[i]]) {
        out = {};
        for (let j = 0; j < i; j++) setOwnProperty(out, keys[j], source[keys[j]]);
      }
      if (out !== undefined) setOwnProperty(out, keys[i], item);
    }
    return out ?? value;
  }
  if (typeof value !== 'string') return value;
  const evaluated = module.value(value);
  return evaluated instanceof Unknown || containsUnknown(evaluated) ? value : evaluated;
}

function containsUnknown(value: unknown): boolean {
  if (value instanceof Unknown) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

/** Options for {@link evaluateTerraformDocuments}. */
export interface EvaluateTerraformOptions {
  /**
   * Variable values set by the module's variable files (`terraform.tfvars`, `*.auto.tfvars`, see `readVariableFiles`
   * in hcl.ts): they win over the defaults. Values given on the command line (`-var`, `TF_VAR_…`) cannot be known here.
   * @default - defaults only
   */
  readonly variables?: Readonly<Record<string, unknown>>;
}

/**
 * The documents of one Terraform module (all `.tf` and `.tf.json` files of one directory, read as Terraform JSON),
 * with every attribute of their `resource`, `data` and `provider` blocks evaluated as far as the module determines
 * it (see the file's header). Returns new documents in the same order; `locals`, `variable` and the rest are kept as
 * written. An attribute that cannot be evaluated stays the string it was. A resource or provider value that evaluation
 * leaves unchanged is the input's own object (not copied). A `data.aws_iam_policy_document` block whose
 * document the module determines gets its `json` attribute, as in a plan.
 */
export function evaluateTerraformDocuments(documents: readonly any[], options: EvaluateTerraformOptions = {}): any[] {
  const module = new Module(documents, options.variables);
  return documents.map((document) => {
    if (!document || typeof document !== 'object' || Array.isArray(document)) return document;
    const out: any = { ...document };
    // resource/data: TYPE → NAME → block (each level may also be a list, as HCL converters write); provider: NAME → block.
    if (document.resource !== undefined) out.resource = evaluateBlocks(module, document.resource, 2, true);
    if (document.data !== undefined) {
      out.data = evaluateBlocks(module, document.data, 2, false);
      // A policy document gets the `json` attribute it has in a plan, when the module determines it.
      for (const [name, block] of blocks(out.data).flatMap((d) => named(d.aws_iam_policy_document))) {
        const json = module.policyDocumentJson(name);
        if (json !== undefined) block.json = json;
      }
    }
    if (document.provider !== undefined) out.provider = evaluateBlocks(module, document.provider, 1, true);
    return out;
  });
}
