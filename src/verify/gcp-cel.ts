/**
 * CEL as GCP workload identity federation evaluates it: attribute mappings and attribute conditions, run with
 * `@bufbuild/cel` (Apache-2.0), and the reading of an attribute condition into the claim requirements it states.
 *
 * GCP: "Each value must be a Common Expression Language function … You can use the `assertion` keyword in the
 * expression to access a JSON representation of the authentication credential"; the attribute condition may reference
 * `assertion`, `google` and `attribute`, and "must output a boolean representing whether to allow the federation"
 * (https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers).
 */
import { celEnv, celError, isCelError, parse, plan, type CelInput, type CelResult } from '@bufbuild/cel';
import { ClaimRequirement, ClaimValue } from './model';
import { conjuncts, splitTop, unwrap } from '../synth/cel';
import { globCovers, globMatches, isGlob } from '../synth/glob';

type Program = (bindings: Record<string, CelInput>) => CelResult;

/** The standard environment (no extension): what verify evaluates. */
const ENV = celEnv();

/** Each expression parsed and planned once (one provider's condition is evaluated for many tokens). */
const PROGRAMS = new Map<string, Program | { syntaxError: string }>();

/** The planned program of an expression, or its syntax error (GCP refuses to create a provider with one). */
function programOf(expression: string): Program | { syntaxError: string } {
  let program = PROGRAMS.get(expression);
  if (program === undefined) {
    try {
      const planned = plan(ENV, parse(expression)) as Program;
      program = (bindings) => {
        try {
          return planned(bindings);
        } catch (e) {
          return celError(e);
        }
      };
    } catch (e) {
      program = { syntaxError: e instanceof Error ? e.message : String(e) };
    }
    PROGRAMS.set(expression, program);
  }
  return program;
}

/** The syntax error of a CEL expression, or undefined when it parses and plans. */
export function celSyntaxError(expression: string): string | undefined {
  const program = programOf(expression);
  return typeof program === 'function' ? undefined : program.syntaxError;
}

/**
 * The value a CEL expression yields, as plain JS (CEL lists as arrays), or the evaluation error. `unsupported` marks an
 * error of the library rather than of the token: an unbound function or no matching overload (see {@link celUnsupported}).
 */
export type CelOutcome = { readonly value: unknown } | { readonly error: string; readonly unsupported: boolean };

/**
 * Whether an evaluation error says what @bufbuild/cel lacks rather than what GCP would also reject: `unbound function`
 * (a function outside its standard library, such as GCP's `extract`, documented for attribute mappings in
 * https://cloud.google.com/iam/docs/workload-identity-federation-with-other-clouds, or a cel-go strings-extension
 * function, https://github.com/google/cel-go/blob/master/ext/README.md) and `found no matching overload` (cel-go may
 * hold overloads this library does not: the same call cannot be told to fail in GCP). Such a token is undecided,
 * never denied. Every other error — a claim the token lacks (`field not found`), an index out of range, a division by
 * zero — is an error GCP's CEL raises as well, and an erroring mapping or condition rejects the exchange.
 */
export function celUnsupported(message: string): boolean {
  return /^(unbound function|found no matching overload)\b/.test(message);
}

/** The unbound functions of each expression, found once (every token's exchange asks again). */
const UNBOUND = new Map<string, readonly string[]>();

/** The functions an expression calls that @bufbuild/cel's standard environment does not define (operators excepted), sorted. */
export function unboundFunctions(expression: string): readonly string[] {
  let found = UNBOUND.get(expression);
  if (found === undefined) {
    found = findUnboundFunctions(expression);
    UNBOUND.set(expression, found);
  }
  return found;
}

function findUnboundFunctions(expression: string): string[] {
  let parsed: unknown;
  try {
    parsed = parse(expression);
  } catch {
    return [];
  }
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const call = node as { case?: unknown; value?: { function?: unknown } };
    if (call.case === 'callExpr' && typeof call.value?.function === 'string' && /^[A-Za-z]/.test(call.value.function)) names.add(call.value.function);
    for (const child of Object.values(node)) walk(child);
  };
  // Only the expression itself: the source info records macro calls (`has`, `exists`) that the parser has expanded.
  walk((parsed as { expr?: unknown }).expr);
  return [...names].filter((name) => ENV.funcs.find(name) === undefined).sort();
}


/** Plain JS of a CEL value: lists become arrays (strings, numbers, booleans stay as they are). */
function plain(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && Symbol.iterator in value && typeof value !== 'string' && !(value instanceof Map)) {
    return [...(value as Iterable<unknown>)].map(plain);
  }
  return value;
}

/** The token's claims as CEL input: the JSON representation (objects as maps, lists as lists, numbers as doubles). */
export function assertionOf(claims: { readonly [claim: string]: ClaimValue }): CelInput {
  return claims as unknown as CelInput;
}

/** Evaluates an expression that parses (check {@link celSyntaxError} first). */
export function evaluateCel(expression: string, bindings: Record<string, CelInput>): CelOutcome {
  const program = programOf(expression);
  if (typeof program !== 'function') return { error: `syntax error: ${program.syntaxError}`, unsupported: false };
  const result = program(bindings);
  return isCelError(result) ? { error: result.message, unsupported: celUnsupported(result.message) } : { value: plain(result) };
}

/** A single-quoted or double-quoted CEL string literal without escapes, as its value. */
export function stringLiteral(text: string): string | undefined {
  const match = /^'([^'\\]*)'$|^"([^"\\]*)"$/.exec(text.trim());
  return match ? (match[1] ?? match[2]) : undefined;
}

/** A list of CEL string literals `['a', "b"]`, as its values. */
function stringList(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
  const items = t.slice(1, -1).trim() === '' ? [] : splitTop(t.slice(1, -1), ',');
  const values = items.map(stringLiteral);
  return values.every((v): v is string => v !== undefined) ? values : undefined;
}


/** A variable reference: `assertion.X`, `assertion['X']`, `attribute.X`, `google.subject`. */
export const VARIABLE = String.raw`(assertion|attribute|google)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([^'\\]+)'\s*\]|\[\s*"([^"\\]+)"\s*\])`;

/** One requirement a condition term states on a variable (`assertion.ref`, `attribute.repository`, `google.subject`). */
export interface TermRequirement {
  readonly variable: 'assertion' | 'attribute' | 'google';
  readonly name: string;
  readonly requirement: ClaimRequirement;
}

function variableOf(match: RegExpExecArray, offset = 1): { variable: TermRequirement['variable']; name: string } {
  return { variable: match[offset] as TermRequirement['variable'], name: match[offset + 1] ?? match[offset + 2] ?? match[offset + 3] };
}

/**
 * The requirement one positive term states: `V == 'v'` (either side), `V in ['a', 'b']`, `V.startsWith('p')` (glob
 * `p*`, unless `p` itself holds a glob character), `V.matches('^LIT')` / `V.matches('^LIT$')` (a literal anchored
 * pattern: see anchoredLiteral); undefined for any other term (negations, functions, numbers),
 * which the evaluator still evaluates but which does not describe a legitimate value.
 */
export function termRequirement(term: string): TermRequirement | undefined {
  const t = unwrap(term);
  let m = new RegExp(`^${VARIABLE}\\s*==\\s*(.+)$`).exec(t);
  if (m && stringLiteral(m[5]) !== undefined) return { ...variableOf(m), requirement: { values: [stringLiteral(m[5])!], glob: false } };
  m = new RegExp(`^(.+?)\\s*==\\s*${VARIABLE}$`).exec(t);
  if (m && stringLiteral(m[1]) !== undefined) return { ...variableOf(m, 2), requirement: { values: [stringLiteral(m[1])!], glob: false } };
  m = new RegExp(`^${VARIABLE}\\s+in\\s+(\\[.*\\])$`).exec(t);
  const list = m ? stringList(m[5]) : undefined;
  if (m && list !== undefined && list.length > 0) return { ...variableOf(m), requirement: { values: list, glob: false } };
  m = new RegExp(`^${VARIABLE}\\.startsWith\\(\\s*(.+?)\\s*\\)$`).exec(t);
  const prefix = m ? stringLiteral(m[5]) : undefined;
  if (m && prefix !== undefined && !isGlob(prefix)) return { ...variableOf(m), requirement: { values: [`${prefix}*`], glob: true } };
  m = new RegExp(`^${VARIABLE}\\.matches\\(\\s*(.+?)\\s*\\)$`).exec(t);
  const anchored = m ? anchoredLiteral(stringLiteral(m[5])) : undefined;
  if (m && anchored !== undefined) return { ...variableOf(m), requirement: anchored };
  return undefined;
}

/**
 * An RE2 pattern anchored at the start whose body is a literal (no metacharacter): `^LIT$` is the value LIT, `^LIT`
 * every value starting with it (glob `LIT*`). CEL `matches` is an unanchored search (cel-spec, "matches"), so an
 * unanchored pattern states no prefix and gives no requirement; nor does a body with `.`, a class or a quantifier.
 */
function anchoredLiteral(pattern: string | undefined): ClaimRequirement | undefined {
  if (pattern === undefined || !pattern.startsWith('^')) return undefined;
  const exact = pattern.endsWith('$') && pattern.length > 1;
  const body = pattern.slice(1, exact ? -1 : undefined);
  if (body === '' || /[.[\]()*+?{}|\\^$]/.test(body)) return undefined;
  return exact ? { values: [body], glob: false } : { values: [`${body}*`], glob: true };
}

/** Requirements keyed `variable.name` (`assertion.ref`): one way in. */
export type TermRequirements = ReadonlyMap<string, TermRequirement>;

/** Intersects two requirements on one variable; undefined when no value satisfies both (the way in is impossible). */
export function intersect(a: ClaimRequirement, b: ClaimRequirement): ClaimRequirement | undefined {
  if (!a.glob && !b.glob) {
    const values = a.values.filter((v) => b.values.includes(v));
    return values.length > 0 ? { values, glob: false } : undefined;
  }
  if (!a.glob || !b.glob) {
    const [exact, glob] = a.glob ? [b, a] : [a, b];
    const values = exact.values.filter((v) => glob.values.some((g) => globMatches(g, v)));
    return values.length > 0 ? { values, glob: false } : undefined;
  }
  // Both globs: the patterns of each that the other covers (the narrower ones); if none, keep the first.
  const within = (x: ClaimRequirement, y: ClaimRequirement): string[] => x.values.filter((v) => y.values.some((g) => globCovers(g, v)));
  const values = [...new Set([...within(a, b), ...within(b, a)])];
  return { values: values.length > 0 ? values : a.values, glob: true };
}

/** Merges two ways in (all requirements of both); undefined when contradictory. */
export function mergeRequirements(a: TermRequirements, b: TermRequirements): Map<string, TermRequirement> | undefined {
  const merged = new Map(a);
  for (const [key, term] of b) {
    const known = merged.get(key);
    if (known === undefined) {
      merged.set(key, term);
      continue;
    }
    const requirement = intersect(known.requirement, term.requirement);
    if (requirement === undefined) return undefined;
    merged.set(key, { ...term, requirement });
  }
  return merged;
}

/** At most this many ways in are derived from one condition (the rest are still evaluated, never described). */
export const MAX_ALTERNATIVES = 16;

/**
 * The ways into an attribute condition, as requirements: a top-level `||` gives one way per disjunct; within one,
 * every conjunct that states a requirement adds it, and a parenthesised disjunction of requirements is one
 * requirement of several values when it constrains one variable, else one way per disjunct. Terms that state no
 * requirement are skipped. An empty condition (undefined) is one way with no requirement.
 */
export function conditionAlternatives(condition: string | undefined): Map<string, TermRequirement>[] {
  if (condition === undefined || condition.trim() === '') return [new Map()];
  const ways: Map<string, TermRequirement>[] = [];
  for (const disjunct of splitTop(unwrap(condition), '||')) {
    let partial: Map<string, TermRequirement>[] = [new Map()];
    for (const conjunct of conjuncts(disjunct)) {
      const options = termOptions(conjunct);
      if (options === undefined) continue;
      partial = partial.flatMap((way) => options.flatMap((option) => {
        const merged = mergeRequirements(way, option);
        return merged === undefined ? [] : [merged];
      })).slice(0, MAX_ALTERNATIVES);
    }
    ways.push(...partial);
  }
  return ways.slice(0, MAX_ALTERNATIVES);
}

/** The options one conjunct gives: one requirement, a disjunction of requirements, or undefined (states none). */
function termOptions(conjunct: string): Map<string, TermRequirement>[] | undefined {
  const single = termRequirement(conjunct);
  if (single !== undefined) return [new Map([[`${single.variable}.${single.name}`, single]])];
  const disjuncts = splitTop(unwrap(conjunct), '||');
  if (disjuncts.length < 2) return undefined;
  const terms = disjuncts.map(termRequirement);
  if (terms.some((t) => t === undefined)) return undefined; // a disjunct we cannot read: the conjunct states nothing we know
  const defined = terms as TermRequirement[];
  const keys = new Set(defined.map((t) => `${t.variable}.${t.name}`));
  if (keys.size === 1) {
    const values = [...new Set(defined.flatMap((t) => t.requirement.values))];
    // An exact value in a glob requirement matches itself (values holding `*` or `?` are not read as exact: see termRequirement).
    const glob = defined.some((t) => t.requirement.glob);
    return [new Map([[[...keys][0], { ...defined[0], requirement: { values, glob } }]])];
  }
  return defined.map((t) => new Map([[`${t.variable}.${t.name}`, t]]));
}
