/** What deriving legitimate identities from a trust's values shares: wanted values, fields, globs, key/value subjects. */
import type { TokenProfile } from './tokens-profile';

/** One requirement, one value: the value and whether it is a pattern. */
export interface Wanted {
  readonly value: string;
  readonly glob: boolean;
}

/** Whether a wanted value is a pattern (a glob with `*` or `?`). */
export const isPattern = (wanted: Wanted): boolean => wanted.glob && /[*?]/.test(wanted.value);

/** What a glob is instantiated as: `*` → `legit` (`1.0.0` in a tag, `1` in an id), `?` → `x` (`1`). */
export type GlobKind = 'name' | 'tag' | 'id';

/** A representative value a glob admits. */
export function instantiateGlob(pattern: string, kind: GlobKind = 'name'): string {
  const star = kind === 'tag' ? '1.0.0' : kind === 'id' ? '1' : 'legit';
  const one = kind === 'name' ? 'x' : '1';
  return pattern.replace(/\*/g, star).replace(/\?/g, one);
}

/** A field's value from a wanted value, and whether it is pinned (literal). */
export interface Field {
  readonly value: string;
  readonly pinned: boolean;
}

/** A pinned field. */
export const literal = (value: string): Field => ({ value, pinned: true });

/** A field from a wanted value: literal, or the pattern instantiated (`fallback` when the pattern is only `*`). */
export function fieldOf(wanted: Wanted, kind: GlobKind, fallback?: string): Field {
  if (!isPattern(wanted)) return literal(wanted.value);
  if (fallback !== undefined && wanted.value === '*') return { value: fallback, pinned: false };
  return { value: instantiateGlob(wanted.value, kind), pinned: false };
}

/** A key/value subject (`KEY:VALUE:KEY:VALUE…`), read into keys and wanted values; `span` when a glob swallows the rest. */
export interface KeyedSubject {
  readonly keys: string[];
  readonly values: Map<string, Wanted>;
  readonly span: boolean;
}

/**
 * Reads a subject of `KEY:VALUE` pairs. `standalone` keys have no value (GitHub's `pull_request` context); `context`
 * maps a key to the key it stands for (GitHub's `ref` / `environment` / `pull_request` → `context`). A glob in a key's
 * place swallows the rest of the subject (`span`). Undefined when a key is not in `known`.
 */
export function readKeyedSubject(
  wanted: Wanted, known: ReadonlySet<string>, contextKeys: ReadonlySet<string> = new Set(), standalone: ReadonlySet<string> = new Set(),
): KeyedSubject | undefined {
  const tokens = wanted.value.split(':');
  const keys: string[] = [];
  const values = new Map<string, Wanted>();
  let i = 0;
  while (i < tokens.length) {
    const key = tokens[i];
    if (wanted.glob && /[*?]/.test(key)) {
      if (key === '*' || key.startsWith('*')) return { keys, values, span: true };
      return undefined;
    }
    const asContext = contextKeys.has(key) && !keys.includes('context');
    const name = asContext ? 'context' : key;
    if (!asContext && !known.has(key)) return undefined;
    if (standalone.has(key)) {
      keys.push(name);
      values.set(name, { value: key, glob: false });
      i += 1;
      continue;
    }
    if (i + 1 >= tokens.length) return undefined;
    const value = tokens[i + 1].replace(/%3A/g, ':');
    keys.push(name);
    values.set(name, { value: asContext ? `${key}:${value}` : value, glob: wanted.glob });
    // A glob in the last value may swallow what would follow (`repo:acme/*`).
    if (i + 2 >= tokens.length && wanted.glob && value.endsWith('*')) return { keys, values, span: true };
    i += 2;
  }
  return { keys, values, span: false };
}

/** The literal part of a pattern before its first glob character. */
export const literalPrefix = (value: string): string => value.split(/[*?]/)[0];

/** A profile derived from one combination of wanted values, and the claims verify invented. */
export interface Derived {
  readonly profile: TokenProfile;
  readonly invented: readonly string[];
  /** Set when the platform never issues a token the trust requires (see LegitimateIdentity.impossible): why. */
  readonly impossible?: string;
}
