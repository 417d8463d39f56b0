/**
 * What an attribute mapping expression of a workload identity pool provider yields, read syntactically: a copied claim,
 * a constant, a conditional, a one-claim list, a claim wrapped in string literals — so that a member naming the mapped
 * value can be read back as the claim value it requires (gcp-alternatives.ts). Mapping syntax:
 * https://cloud.google.com/iam/docs/workload-identity-federation#mapping.
 */
import { stringLiteral, VARIABLE } from './gcp-cel';
import { splitTop, topLevel, unwrap } from '../synth/cel';

/** The claim an attribute mapping expression copies unchanged (`assertion.X` / `assertion['X']`), if it is that simple. */
export function mappedClaim(expression: string): string | undefined {
  const m = new RegExp(`^${VARIABLE}$`).exec(unwrap(expression));
  return m && m[1] === 'assertion' ? (m[2] ?? m[3] ?? m[4]) : undefined;
}

/**
 * A top-level conditional `C ? A : B` (outside quotes, parentheses and brackets; the first top-level `?` and its
 * matching `:`), as its three parts; undefined for any other expression.
 */
export function splitTernary(expression: string): { condition: string; then: string; otherwise: string } | undefined {
  const e = unwrap(expression);
  let question = -1;
  let nested = 0;
  for (const i of topLevel(e)) {
    if (e[i] === '?') {
      if (question < 0) question = i;
      else nested++;
    } else if (e[i] === ':' && question >= 0) {
      if (nested === 0) return { condition: e.slice(0, question).trim(), then: e.slice(question + 1, i).trim(), otherwise: e.slice(i + 1).trim() };
      nested--;
    }
  }
  return undefined;
}

/** The claim a one-item list mapping copies (`[assertion.X]`, as `google.groups` is often mapped), if it is that simple. */
export function mappedListClaim(expression: string): string | undefined {
  const e = unwrap(expression);
  if (!e.startsWith('[') || !e.endsWith(']')) return undefined;
  const items = splitTop(e.slice(1, -1), ',');
  return items.length === 1 ? mappedClaim(items[0]) : undefined;
}

/**
 * A mapping that wraps one claim in string literals (`'gh:' + assertion.sub`, `assertion.sub + '@ci'`), as the literal
 * prefix, the claim and the literal suffix; undefined for any other expression.
 */
export function mappedConcat(expression: string): { prefix: string; claim: string; suffix: string } | undefined {
  const e = unwrap(expression);
  const parts: string[] = [];
  let start = 0;
  for (const i of topLevel(e)) {
    if (e[i] === '+') {
      parts.push(e.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(e.slice(start).trim());
  const claims = parts.map((part) => ({ part, claim: mappedClaim(part), text: stringLiteral(part) }));
  const at = claims.findIndex((c) => c.claim !== undefined);
  if (parts.length < 2 || at < 0 || claims.some((c, i) => i !== at && c.text === undefined)) return undefined;
  const text = (list: typeof claims) => list.map((c) => c.text).join('');
  return { prefix: text(claims.slice(0, at)), claim: claims[at].claim!, suffix: text(claims.slice(at + 1)) };
}

/** The constant an attribute mapping yields whatever the token (`'ledger-deploy'`), if it is a string literal. */
export function mappedConstant(expression: string): string | undefined {
  return stringLiteral(unwrap(expression));
}
