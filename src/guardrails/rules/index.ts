/**
 * Every Keyless guardrail rule, one per file. One convention names them: rule id `KL-G-X-Y` is defined in
 * `rules/x-y.ts` and exported as `xY` (test/guardrails/naming.test.ts enforces it). A new rule is one line in
 * `all.ts`.
 */
import * as all from './all';
import { GuardrailRule } from '../model';

export * from './all';

/** Every Keyless guardrail rule, in id order. */
export const ALL_RULES: readonly GuardrailRule[] = (Object.values(all) as GuardrailRule[])
  .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
