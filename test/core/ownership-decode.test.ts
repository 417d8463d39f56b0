import * as fc from 'fast-check';
import { decodeOwnershipDescription, decodeOwnershipTags, OWNERSHIP_PREFIX } from '../../src/core/ownership';

// The decoders are loops (they run once per resource of an estate); these are the entries-array definitions they
// replace, which fix what a decoded record is: own properties in key order, the last value of a key, `__proto__` a field.
const referenceTags = (tags: unknown, prefix: string): Record<string, string> => {
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) return {};
  return Object.fromEntries(Object.entries(tags as Record<string, unknown>)
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, value]) => [key.slice(prefix.length), String(value)]));
};
const referenceDescription = (description: unknown): Record<string, string> => {
  if (typeof description !== 'string') return {};
  return Object.fromEntries(description.split(';').map((part) => part.trim()).filter((part) => /^[a-z-]+=/.test(part))
    .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1).trim()]));
};

/** Same own keys, in the same order, with the same values, and the same prototype. */
const same = (actual: Record<string, string>, expected: Record<string, string>) => {
  expect(Object.getPrototypeOf(actual)).toBe(Object.getPrototypeOf(expected));
  expect(Object.getOwnPropertyNames(actual)).toEqual(Object.getOwnPropertyNames(expected));
  for (const key of Object.getOwnPropertyNames(expected)) {
    expect(Object.getOwnPropertyDescriptor(actual, key)).toEqual(Object.getOwnPropertyDescriptor(expected, key));
  }
};

const key = fc.oneof(
  fc.constantFrom('owner', 'tier', '__proto__', 'constructor', 'toString', '', '1', '01', 'review-by'),
  fc.string({ maxLength: 6 }),
);
const prefixed = fc.tuple(fc.constantFrom(...Object.values(OWNERSHIP_PREFIX), '', 'keyless', 'x'), key).map(([p, k]) => `${p}${k}`);
const value = fc.oneof(
  fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.integer(), { maxLength: 2 }),
);

describe('ownership decoders', () => {
  test('decodeOwnershipTags is the entries definition: every prefix, `__proto__` and numeric keys, non-string values', () => {
    const prefixes = fc.constantFrom(...Object.values(OWNERSHIP_PREFIX));
    fc.assert(fc.property(fc.array(fc.tuple(prefixed, value), { maxLength: 8 }), prefixes, (entries, prefix) => {
      // Built with defineProperty, as JSON.parse builds an object with a `__proto__` key.
      const tags: Record<string, unknown> = {};
      for (const [k, v] of entries) Object.defineProperty(tags, k, { value: v, enumerable: true, writable: true, configurable: true });
      same(decodeOwnershipTags(tags, prefix), referenceTags(tags, prefix));
    }), { numRuns: 2000 });
    for (const notTags of [undefined, null, 'keyless:owner', 3, ['keyless:owner']]) expect(decodeOwnershipTags(notTags, 'keyless:')).toEqual({});
    const parsed = JSON.parse('{"keyless:__proto__": "x", "keyless:owner": "a", "other": "b"}');
    const decoded = decodeOwnershipTags(parsed, 'keyless:');
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__', 'owner']);
    expect(decoded.owner).toBe('a');
  });

  test('decodeOwnershipDescription is the entries definition: repeated keys, `=` in values, spaces, unknown parts', () => {
    const part = fc.oneof(
      fc.tuple(key, fc.string({ maxLength: 6 }), fc.constantFrom('', ' ', '  ')).map(([k, v, pad]) => `${pad}${k}=${v}${pad}`),
      fc.string({ maxLength: 8 }),
      fc.constantFrom('__proto__=x', 'owner = x', 'owner==x', 'purpose=a=b', '=x', 'Owner=y'),
    );
    fc.assert(fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
      const description = parts.join(';');
      same(decodeOwnershipDescription(description), referenceDescription(description));
    }), { numRuns: 2000 });
    for (const notText of [undefined, null, 3, {}]) expect(decodeOwnershipDescription(notText)).toEqual({});
    // A key is lowercase letters and `-`: `__proto__` is not one; the last of a repeated key wins.
    expect(decodeOwnershipDescription('owner=a; owner = b ; __proto__=p; purpose=x=y')).toEqual({ owner: 'a', purpose: 'x=y' });
    expect(decodeOwnershipDescription('owner=a;owner=b')).toEqual({ owner: 'b' });
  });
});
