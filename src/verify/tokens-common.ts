/**
 * What every token verify builds shares: the forged markers, fixed times and commit, `jti`, canonical JSON. Sources: see
 * tokens.ts.
 */
import * as crypto from 'crypto';
import type { ClaimValue, Token, TokenPlatform } from './model';
import { setOwnProperty } from '../core/own-property';

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

/**
 * The SHA-256 of a text, in hex. `crypto.hash` (Node 20.12+) is a one-shot call without a Hash object per text: verify
 * hashes about four texts per token it builds (`jti` and three Kubernetes uids), hundreds of thousands over 5,000
 * identities. Same bytes (a string is hashed as UTF-8 by both).
 */
const sha256Hex: (text: string) => string = typeof (crypto as { hash?: unknown }).hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** A deterministic UUID-shaped identifier of `text` (a SHA-256 prefix), for `jti` and Kubernetes uids. */
export function stableUuid(text: string): string {
  const hex = sha256Hex(text);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The most texts uuidOf remembers; then it starts again (the cache only saves hashing: any text gives the same uid). */
export const UUID_CACHE_SIZE = 4096;
const UUIDS = new Map<string, string>();

/**
 * stableUuid, remembered for the last texts hashed: the uids a Kubernetes token carries (node, pod, service account)
 * repeat across the variants of one identity (a wrong audience has the legitimate pod) and across trusts (every
 * trust's other-cluster variant is in the same forged cluster). A pure function of the text, so nothing of one trust
 * can reach another; and the tokens that share a uid share one string.
 */
export function uuidOf(text: string): string {
  let uuid = UUIDS.get(text);
  if (uuid === undefined) {
    if (UUIDS.size >= UUID_CACHE_SIZE) UUIDS.clear();
    uuid = stableUuid(text);
    UUIDS.set(text, uuid);
  }
  return uuid;
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

/** A token with its canonical text (what tokenKey returns for it), computed as it is built. */
export interface KeyedToken {
  readonly token: Token;
  /** tokenKey(token), exactly. */
  readonly key: string;
}

/**
 * A claim value whose canonical text its builder wrote (the `kubernetes.io` object, the same shape in every token):
 * jwtToken uses the text while the claim still holds that very value (a run's `extra` may replace it).
 */
export interface WrittenClaim {
  readonly value: ClaimValue;
  /** canonicalJson(value), exactly. */
  readonly text: string;
}

/** The claims withJwtClaims adds, sorted (canonical order), with the member text of each time. */
const JWT_KEYS = ['exp', 'iat', 'jti', 'nbf'] as const;
const TIME_MEMBERS: Readonly<Record<string, string>> = {
  exp: `"exp":${TIMES.exp}`, iat: `"iat":${TIMES.iat}`, nbf: `"nbf":${TIMES.nbf}`,
};

/**
 * A token of a JWT-issuing platform: `claims` with `jti` and times (withJwtClaims), and its canonical text. The `jti`
 * hashes the canonical text of `claims`; the token's own text is the same members with the four JWT claims merged in,
 * so each claim is written once per token instead of twice (once for the `jti`, once more for tokenKey), and the key
 * needs no cache that the token would keep alive. The texts are those of canonicalJson (canonical-json.test.ts and
 * tokens.test.ts compare them).
 */
export function jwtToken(platform: TokenPlatform, issuer: string, claims: MutableClaims, written?: WrittenClaim): KeyedToken {
  const keys = Object.keys(claims).sort();
  const members: string[] = [];
  const memberKeys: string[] = [];
  let text = '{';
  for (const key of keys) {
    const member = claims[key];
    if (member === undefined) continue;
    const memberText = `${JSON.stringify(key)}:${written !== undefined && written.value === member ? written.text : canonicalJson(member)}`;
    text += members.length > 0 ? `,${memberText}` : memberText;
    members.push(memberText);
    memberKeys.push(key);
  }
  const jti = stableUuid(`${text}}`);
  // As `{ ...claims, ...TIMES, jti }`, by assignment: V8 gave each object spread that way a map of its own (about 2 KB
  // of map and descriptors per token the report keeps), where assignments share the maps of one transition tree.
  const full: MutableClaims = {};
  for (const key of Object.keys(claims)) setOwnProperty(full as Record<string, unknown>, key, claims[key]);
  full.iat = TIMES.iat;
  full.nbf = TIMES.nbf;
  full.exp = TIMES.exp;
  full.jti = jti;
  // The token's claims: the members above, less any the JWT claims override, with the JWT claims in their sorted places.
  let claimsText = '{';
  let next = 0;
  const add = (member: string) => {
    claimsText += claimsText.length > 1 ? `,${member}` : member;
  };
  const jwtMember = (key: typeof JWT_KEYS[number]) => (key === 'jti' ? `"jti":${JSON.stringify(jti)}` : TIME_MEMBERS[key]);
  for (let i = 0; i < members.length; i++) {
    const key = memberKeys[i];
    while (next < JWT_KEYS.length && JWT_KEYS[next] < key) add(jwtMember(JWT_KEYS[next++]));
    if ((JWT_KEYS as readonly string[]).includes(key)) continue;
    add(members[i]);
  }
  while (next < JWT_KEYS.length) add(jwtMember(JWT_KEYS[next++]));
  const token: Token = { platform, issuer, claims: full };
  return { token, key: tokenText(platform, issuer, `${claimsText}}`) };
}

/** canonicalJson of `{ platform, issuer, claims }` given the canonical text of the claims. */
export function tokenText(platform: TokenPlatform, issuer: string | undefined, claimsText: string): string {
  const issuerText = issuer === undefined ? '' : `,"issuer":${JSON.stringify(issuer)}`;
  return `{"claims":${claimsText}${issuerText},"platform":${JSON.stringify(platform)}}`;
}

/** A token of a platform without JWT claims (EKS Pod Identity, GKE), with its canonical text. */
export function keyedToken(token: Token): KeyedToken {
  return { token, key: canonicalJson(token) };
}

/** An audience claim as given: `null` drops it. */
export function setAudience(claims: MutableClaims, aud: string | readonly string[] | null | undefined, fallback: string | readonly string[]): void {
  if (aud === null) return;
  claims.aud = aud ?? fallback;
}
