/** What the forged candidates of every platform share. */
import { FORGED_AUDIENCE } from './tokens-common';
import type { TokenProfile } from './tokens-profile';

/** A candidate: family, description, profile. */
export interface Candidate {
  readonly family: string;
  readonly description: string;
  readonly profile: TokenProfile;
  readonly sharedByDesign?: string;
}

/** A forged id (`99…`) that differs from every legitimate one given. */
export function forgedId(base: string, ...legitimate: string[]): string {
  let id = base;
  while (legitimate.includes(id)) id = `${id}9`;
  return id;
}

/** A value other than `legitimate`: `preferred`, else `preferred-2`. */
export const otherThan = (legitimate: string, preferred: string): string => (legitimate === preferred ? `${preferred}-2` : preferred);

/** The last segment of a path. */
export const lastSegment = (path: string): string => path.split('/').pop() ?? path;

/** The wrong-audience and missing-audience candidates. */
export function audienceCandidates(wrong: TokenProfile, missing: TokenProfile): Candidate[] {
  return [
    { family: 'wrong-audience', description: `a token for another audience (${FORGED_AUDIENCE})`, profile: wrong },
    { family: 'missing-audience', description: 'a token without an aud claim', profile: missing },
  ];
}

/** A branch or tag name in another case (upper case, else lower case), or undefined when it has no letter. */
export function otherCase(name: string): string | undefined {
  const upper = name.toUpperCase();
  if (upper !== name) return upper;
  const lower = name.toLowerCase();
  return lower !== name ? lower : undefined;
}

/**
 * The attacker's instance of a name pattern: `*` filled with `filler`, `?` with a letter (`q`, else `z` when that
 * gives the legitimate name); undefined when it is no pattern, or only `*` (the other-owner / other-namespace /
 * other-service-account families cover that).
 */
export function attackerName(pattern: string, legitimate: string, filler: string): string | undefined {
  if (!/[*?]/.test(pattern) || /^\*+$/.test(pattern)) return undefined;
  for (const letter of ['q', 'z']) {
    const name = pattern.replace(/\*/g, filler).replace(/\?/g, letter);
    if (name !== legitimate) return name;
  }
  return undefined;
}
