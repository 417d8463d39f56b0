/**
 * canonicalJson is verify's token identity (duplicate forged variants are dropped by it): equal values must give equal
 * texts whatever the key order, and the text must be the JSON of the value with its keys sorted.
 */
import { canonicalJson } from '../../src/verify/tokens';

/** The reference: JSON.stringify of a deep copy whose object keys are inserted in sorted order. */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(object).sort().map((key) => [key, sortedCopy(object[key])]));
  }
  return value;
}

describe('canonicalJson', () => {
  test('sorts keys at every depth and leaves out undefined members', () => {
    expect(canonicalJson({ sub: 'repo:acme/x:ref:refs/heads/main', aud: ['sts.amazonaws.com'], b: { z: 1, a: [true, null, { y: 'é"\\', x: 2 }] }, gone: undefined }))
      .toBe('{"aud":["sts.amazonaws.com"],"b":{"a":[true,null,{"x":2,"y":"é\\"\\\\"}],"z":1},"sub":"repo:acme/x:ref:refs/heads/main"}');
  });

  test('equal values in any key order give the same text, and the text is the key-sorted JSON', () => {
    // A deterministic pseudo-random generator (no Math.random: the test must reproduce).
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const gen = (depth: number): unknown => {
      const kind = next(depth > 2 ? 4 : 6);
      if (kind === 0) return `s${next(5)}\u2028"`;
      if (kind === 1) return next(1000) - 500;
      if (kind === 2) return next(2) === 0;
      if (kind === 3) return null;
      if (kind === 4) return Array.from({ length: next(4) }, () => gen(depth + 1));
      const object: Record<string, unknown> = {};
      for (let i = next(5); i > 0; i--) object[`k${next(8)}`] = gen(depth + 1);
      return object;
    };
    for (let i = 0; i < 300; i++) {
      const value = gen(0);
      const reordered = JSON.parse(JSON.stringify(value), (_key, v) => (v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse()) : v));
      expect(canonicalJson(value)).toBe(JSON.stringify(sortedCopy(value)));
      expect(canonicalJson(reordered)).toBe(canonicalJson(value));
    }
  });
});
