/**
 * The policy's CEL, read as code: every expression of every rendered policy parses and plans with `@bufbuild/cel`,
 * calls only the standard library (operators, `has`, the `exists`/`all` macros, `startsWith`, `in`), names only the
 * variables Kubernetes binds, and every message is one line (the API server drops a multi-line message expression).
 */
import { celEnv, parse, plan } from '@bufbuild/cel';
import { compile, policyExpressions } from './api-server';
import { CLOUDS, Obj, render, WORKLOADS } from './fixtures';
import { celString } from '../../src/core/trust/cel';

const renders = CLOUDS.flatMap((cloud) => [...Object.keys(WORKLOADS), undefined].map((kind) => ({
  name: `${cloud.name}, ${kind ?? 'no workload'}`,
  policy: render(cloud, kind).policy,
})));

/** The functions an expression calls and the identifiers it reads (comprehension variables excepted). */
function calledAndRead(expression: string): { functions: string[]; identifiers: string[] } {
  const functions = new Set<string>();
  const identifiers = new Set<string>();
  const bound = new Set<string>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as { case?: string; value?: any };
    if (n.case === 'callExpr') functions.add(n.value.function);
    if (n.case === 'comprehensionExpr') [n.value.iterVar, n.value.accuVar].forEach((v: string) => bound.add(v));
    if (n.case === 'identExpr') identifiers.add(n.value.name);
    for (const child of Object.values(node)) walk(child);
  };
  walk(parse(expression).expr);
  return { functions: [...functions].sort(), identifiers: [...identifiers].filter((i) => !bound.has(i)).sort() };
}

/** Operators and the standard functions the policy may use. */
const STANDARD = new Set(['!_', '@in', '@not_strictly_false', '_!=_', '_&&_', '_+_', '_==_', '_?_:_', '_[_]', '_||_', 'startsWith']);
/** What Kubernetes binds for a ValidatingAdmissionPolicy without params. */
const BOUND = new Set(['namespaceObject', 'object', 'oldObject', 'request', 'variables']);

describe.each(renders.map((r) => [r.name, r.policy] as const))('the policy of %s', (_name, policy: Obj) => {
  const expressions = policyExpressions(policy);

  test('every expression parses and plans', () => {
    expect(expressions.length).toBeGreaterThan(6);
    for (const expression of expressions) {
      expect(() => plan(celEnv(), parse(expression))).not.toThrow();
      expect(() => compile(expression)).not.toThrow();
    }
  });

  test('only the standard library, only the variables Kubernetes binds', () => {
    for (const expression of expressions) {
      const { functions, identifiers } = calledAndRead(expression);
      expect(functions.filter((f) => !STANDARD.has(f))).toEqual([]);
      expect(identifiers.filter((i) => !BOUND.has(i))).toEqual([]);
    }
  });

  test('variables read only variables declared before them; match conditions read none (Kubernetes gives them none)', () => {
    const declared: string[] = [];
    for (const variable of policy.spec.variables) {
      const read = [...variable.expression.matchAll(/\bvariables\.([A-Za-z_]\w*)/g)].map((m) => m[1]);
      expect(read.filter((name) => !declared.includes(name))).toEqual([]);
      declared.push(variable.name);
    }
    for (const condition of policy.spec.matchConditions) expect(condition.expression).not.toContain('variables.');
    for (const validation of policy.spec.validations) {
      const read = [...`${validation.expression} ${validation.messageExpression ?? ''}`.matchAll(/\bvariables\.([A-Za-z_]\w*)/g)].map((m) => m[1]);
      expect(read.filter((name) => !declared.includes(name))).toEqual([]);
    }
  });

  test('every message is one line; every validation says why (reason Forbidden)', () => {
    for (const validation of policy.spec.validations) {
      expect(validation.message).toMatch(/^[^\n]{20,1024}$/);
      expect(validation.reason).toBe('Forbidden');
    }
  });
});

describe('CEL string literals', () => {
  test.each(['payments-api', 'it\'s', 'back\\slash', '"double"'])('%p round-trips', (value) => {
    expect(compile(`${celString(value)} == v`)({ v: value })).toBe(true);
  });
});
