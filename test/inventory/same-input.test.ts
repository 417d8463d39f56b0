import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { main } from '../../src/cli/keyless';
import { diffInventories } from '../../src/inventory/diff';
import { diffJson, diffMarkdown } from '../../src/inventory/diff-report';
import { readInventoryInput, readInventoryInputReusing, sameData, sameInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { ParsedTexts } from '../../src/synth/read-files';
import { dataText } from '../helpers/data-text';
import { synthesizedExamples } from '../helpers/examples';

// `keyless diff` builds the inventory once when the head's input is the base's (sameInventoryInput): the judgement must
// never call two different inputs the same.

/** A copy made as a second read makes it: new objects, own `__proto__` keys kept, the same order. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value === null || typeof value !== 'object' || value instanceof Map || value instanceof Set) return value;
  const out = Object.create(Object.getPrototypeOf(value));
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, { value: copy((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** One change at a path chosen by `pick`: a leaf changed, a key added, removed or moved, a list grown, a prototype or a kind changed. */
function changed(value: unknown, pick: number[], how: number): unknown {
  const out = copy(value);
  let parent: any = undefined;
  let key: string | number | undefined;
  let node: any = out;
  for (const p of pick) {
    if (node === null || typeof node !== 'object') break;
    const keys = Array.isArray(node) ? node.map((_: unknown, i: number) => i) : Object.keys(node);
    if (keys.length === 0) break;
    parent = node;
    key = keys[p % keys.length];
    node = node[key];
  }
  const replace = (next: unknown) => {
    if (parent === undefined) return next;
    parent[key!] = next;
    return out;
  };
  switch (how % 9) {
    case 0: return replace(typeof node === 'string' ? `${node}x` : 'x');
    case 1: return replace(typeof node === 'number' ? (Object.is(node, 0) ? -0 : node + 1) : 0);
    case 2: return replace(node === null ? undefined : null);
    case 3: return replace(Array.isArray(node) ? [...node, null] : [node]);
    case 4:
      if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
        const moved = Object.create(null);
        Object.assign(moved, node);
        return replace(moved);
      }
      return replace({ value: node });
    case 5:
      if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length > 1) {
        const keys = Object.keys(node).reverse();
        return replace(Object.fromEntries(keys.map((k) => [k, node[k]])));
      }
      return replace(new Map([['k', node]]));
    case 6:
      if (node !== null && typeof node === 'object' && Object.keys(node).length > 0) {
        const next = copy(node) as any;
        if (Array.isArray(next)) next.length -= 1;
        else delete next[Object.keys(next)[0]];
        return replace(next);
      }
      return replace(Number.NaN);
    case 7:
      if (Array.isArray(node)) {
        const holed = [...node];
        holed.length += 1;
        return replace(holed);
      }
      return replace(typeof node === 'boolean' ? !node : true);
    default: {
      if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
        const next = copy(node) as any;
        Object.defineProperty(next, 'hidden', { value: 1, enumerable: false });
        return replace(next);
      }
      return replace(`${String(node)} `);
    }
  }
}

const data = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string({ maxLength: 4 }), fc.integer({ min: -2, max: 2 }), fc.constantFrom(0, -0, Number.NaN, 1.5), fc.boolean(), fc.constant(null),
  ),
  list: fc.array(tie('node'), { maxLength: 4 }),
  object: fc.array(fc.tuple(fc.constantFrom('a', 'b', '__proto__', '0', 'c'), tie('node')), { maxLength: 4 }).map((entries) => {
    const out = {};
    for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  }),
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('list'), tie('object')),
})).node;

describe('sameData', () => {
  test('a copy is the same data; one change anywhere is not (checked against an independent text of both, dataText)', () => {
    fc.assert(fc.property(data, fc.array(fc.nat(), { maxLength: 6 }), fc.nat(), (value, pick, how) => {
      expect(sameData(value, copy(value))).toBe(true);
      const other = changed(value, pick, how);
      expect(sameData(value, other)).toBe(dataText(value) === dataText(other) && !hasHidden(other));
      expect(sameData(other, value)).toBe(sameData(value, other));
    }), { numRuns: 3000 });
  });

  test('what is not plain data is the same only as itself', () => {
    const map = new Map([['a', 1]]);
    expect(sameData(map, map)).toBe(true);
    expect(sameData(new Map([['a', 1]]), new Map([['a', 1]]))).toBe(false);
    expect(sameData(new Set([1]), new Set([1]))).toBe(false);
    class Box { constructor(readonly v: number) {} }
    expect(sameData(new Box(1), new Box(1))).toBe(false);
    expect(sameData({ a: () => 1 }, { a: () => 1 })).toBe(false);
    const symbol = Symbol('s');
    expect(sameData({ a: 1, [symbol]: 1 }, { a: 1, [symbol]: 1 })).toBe(false);
    expect(sameData({ a: 1 }, Object.assign(Object.create(null), { a: 1 }))).toBe(false);
    expect(sameData([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameData(0, -0)).toBe(false);
    expect(sameData(Number.NaN, Number.NaN)).toBe(true);
    expect(sameData({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameData({ a: undefined }, {})).toBe(false);
    // eslint-disable-next-line no-sparse-arrays
    expect(sameData([1, , 3], [1, undefined, 3])).toBe(false);
    // An array's named properties are not data: no reader writes one.
    expect(sameData(Object.assign([1], { extra: 1 }), [1])).toBe(true);
  });
});

/** Whether a value (or anything in it) is an object with an own non-enumerable key, which sameData never calls the same. */
function hasHidden(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || value instanceof Map || value instanceof Set) return false;
  if (!Array.isArray(value) && Object.getOwnPropertyNames(value).length !== Object.keys(value).length) return true;
  return Object.values(value).some(hasHidden);
}

describe('sameInventoryInput', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-same-input-'));
  let n = 0;
  /** A copy of the examples' output at DIR/out, edited by `edit`. */
  const output = (edit: (out: string) => void = () => undefined, name = 'out'): string => {
    const out = path.join(scratch, String(n++), name);
    fs.cpSync(synthesizedExamples(), out, { recursive: true });
    edit(out);
    return out;
  };
  const rewrite = (file: string, change: (text: string) => string) => {
    const text = fs.readFileSync(file, 'utf8');
    const next = change(text);
    if (next === text) throw new Error(`the edit changed nothing in ${file}`);
    fs.writeFileSync(file, next);
  };
  const judged = (base: string, head: string): boolean => {
    const parsed = new ParsedTexts();
    const a = readInventoryInputReusing([base], parsed);
    const b = readInventoryInputReusing([head], parsed.reuse());
    const withoutReuse = sameInventoryInput(readInventoryInput([base]), readInventoryInput([head]));
    expect(sameInventoryInput(a, b)).toBe(withoutReuse);
    return withoutReuse;
  };
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('the same output, read twice or copied to another checkout, is the same input', () => {
    const out = output();
    expect(judged(out, out)).toBe(true);
    expect(judged(out, output())).toBe(true);
  });

  test('one changed value, file, path or directory name is another input', () => {
    const base = output();
    const edits: Array<[string, (out: string) => void]> = [
      ['a CloudFormation tag value', (out) => rewrite(path.join(out, 'aws', 'platform-ci-aws.template.json'), (t) => t.replace('"Value": "team-payments"', '"Value": "team-paymentz"'))],
      ['a manifest label', (out) => rewrite(path.join(out, 'k8s', 'payments-api-eks.k8s.yaml'), (t) => t.replace(/^ {2}name: payments-api$/m, '  name: payments-apj'))],
      ['a Terraform JSON attribute', (out) => {
        const file = path.join(out, 'terraform', 'stacks', 'team-checkout-gcp', 'cdk.tf.json');
        rewrite(file, (t) => t.replace(/"display_name": "([^"]*)"/, '"display_name": "$1 "'));
      }],
      ['the order of two keys', (out) => {
        const file = path.join(out, 'aws', 'platform-publish-aws.template.json');
        const template = JSON.parse(fs.readFileSync(file, 'utf8'));
        const resources = Object.entries(template.Resources);
        template.Resources = Object.fromEntries([resources[1], resources[0], ...resources.slice(2)]);
        fs.writeFileSync(file, JSON.stringify(template, null, 2));
      }],
      ['a file more', (out) => fs.writeFileSync(path.join(out, 'k8s', 'extra.k8s.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: extra\n  namespace: x\n')],
      ['a file moved', (out) => fs.renameSync(path.join(out, 'k8s', 'payments-api-eks.k8s.yaml'), path.join(out, 'k8s', 'moved.k8s.yaml'))],
    ];
    for (const [what, edit] of edits) {
      const head = output(edit);
      expect([what, judged(base, head)]).toEqual([what, false]);
    }
    // Another directory name labels every file otherwise (`head/…`): another input.
    expect(judged(base, output(undefined, 'head'))).toBe(false);
    // The same documents in another text (whitespace) are the same input.
    const spaced = output((out) => {
      const file = path.join(out, 'aws', 'platform-ci-aws.template.json');
      fs.writeFileSync(file, JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')), null, 4));
    });
    expect(judged(base, spaced)).toBe(true);
  });

  test('keyless diff of an output against itself writes what two inventories built apart give', () => {
    const base = output();
    const head = output();
    const today = '2026-11-22';
    const expected = diffInventories(buildInventory(readInventoryInput([base]), { today }), buildInventory(readInventoryInput([head]), { today }));
    const [json, markdown] = [path.join(scratch, 'd.json'), path.join(scratch, 'd.md')];
    const lines: string[] = [];
    expect(main(['diff', base, head, '--json', json, '--markdown', markdown, '--today', today], (line) => lines.push(line))).toBe(0);
    expect(fs.readFileSync(json, 'utf8')).toBe(diffJson(expected));
    expect(fs.readFileSync(markdown, 'utf8')).toBe(diffMarkdown(expected));
    expect(expected.summary.unchanged).toBeGreaterThan(10);
  });
});
