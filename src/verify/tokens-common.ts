/**
 * What every token verify builds shares: the forged markers, fixed times and commit, `jti`, canonical JSON. Sources: see
 * tokens.ts.
 */
import { createHash } from 'crypto';
import type { ClaimValue, Token } from './model';

/** The marker every forged value carries, so that a forged token never matches a reasonable declared pattern by accident. */
export const FORGED_MARKER = 'keyless-forged';
/** The owner (GitHub) or group (GitLab) of the attacker's repositories. */
export const ATTACKER_OWNER = 'keyless-attacker';
/** The audience of wrong-audience variants. */
export const FORGED_AUDIENCE = 'https://keyless-forged.example';

/** Fixed token times (2026-01-01T00:00:00Z, five minutes of validity): no evaluator checks them. */
const ISSUED_AT = 1767225600;
const TIMES = { iat: ISSUED_AT, nbf: ISSUED_AT, exp: ISSUED_AT + 300 } as const;
/** A fixed commit. */
export const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

/** Claims being built. */
export type MutableClaims = { [claim: string]: ClaimValue };
/** Claims as given (a run's `extra`). */
export type Claims = { readonly [claim: string]: ClaimValue };

/** A deterministic UUID-shaped identifier of `text` (a SHA-256 prefix), for `jti` and Kubernetes uids. */
export function stableUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A JSON text of a value with sorted keys: equal texts, equal values. Keys whose value is `undefined` are left out, as
 * JSON.stringify leaves them out. Written with loops rather than map/filter/join: verify computes it for every token
 * (about 130,000 over 5,000 identities), and the intermediate arrays were a measurable share of its time.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      // As Array.prototype.join: an element with no JSON text (undefined, a function) is written as nothing.
      text += canonicalJson(value[i]) ?? '';
    }
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${text}}`;
}

/** Each token's canonical text, computed once (tokens are never changed after they are built). */
const TOKEN_KEYS = new WeakMap<Token, string>();

/** A token's canonical text (platform, issuer and every claim, keys sorted): equal texts, equal tokens. */
export function tokenKey(token: Token): string {
  let key = TOKEN_KEYS.get(token);
  if (key === undefined) {
    key = canonicalJson(token);
    TOKEN_KEYS.set(token, key);
  }
  return key;
}

/** Whether two tokens are the same (platform, issuer and every claim). */
export function sameToken(a: Token, b: Token): boolean {
  return a === b || tokenKey(a) === tokenKey(b);
}

/** `jti` and times, added to a token's claims. */
export function withJwtClaims(claims: MutableClaims): MutableClaims {
  return { ...claims, ...TIMES, jti: stableUuid(canonicalJson(claims)) };
}

/** An audience claim as given: `null` drops it. */
export function setAudience(claims: MutableClaims, aud: string | readonly string[] | null | undefined, fallback: string | readonly string[]): void {
  if (aud === null) return;
  claims.aud = aud ?? fallback;
}
