/**
 * Session 30 attack on the YAML fast path (src/synth/yaml.ts): the subset reader `readSimpleYaml` must read a text as
 * `readYamlReference` (`yaml`) does whenever it reads it, and `readYamlDocuments` (the subset reader, else js-yaml
 * behind the lexer guard, else `yaml`) must always equal `yaml`. An error on both sides is equal.
 *
 * Fixed finding (the lexer guard, since session 28): js-yaml 4's readBlockSequence reads an empty item (`-` with
 * nothing after it) and does not close the sequence when the next line is less indented. It reads that line's `- ` as
 * one more item of the inner sequence, where `yaml` gives an outer item or an error: a second ServiceAccount of a List
 * disappeared into the first one's `secrets`. yamlFastPathApplies now leaves any empty sequence item to `yaml`. The
 * line check tried first this session (6370a8b, replaced by readSimpleYaml in 7f37721) accepted the same texts.
 */
import { readSimpleYaml, readYamlDocuments, readYamlReference } from '../../src/synth/yaml';

/** A reading, or 'error' (both sides refusing a text counts as equal). */
function read(fn: (text: string) => unknown[] | undefined, text: string): unknown {
  try {
    return fn(text);
  } catch {
    return 'error';
  }
}

/** The claimed property: the subset reader, when it reads a text, and the fast path read it as `yaml` does. */
function expectClaim(text: string): void {
  const reference = read(readYamlReference, text);
  const simple = readSimpleYaml(text);
  if (simple !== undefined) expect([text, simple]).toEqual([text, reference]);
  expect([text, read(readYamlDocuments, text)]).toEqual([text, reference]);
}

/** Two ServiceAccounts in a List; the first has an empty `secrets` item, the second mounts its token. */
const hiddenServiceAccount = (name: string): string => [
  'kind: List',
  'items:',
  '- kind: ServiceAccount',
  '  metadata:',
  `    name: ${name}`,
  '  secrets:',
  '    -',
  '- kind: ServiceAccount',
  '  metadata:',
  '    name: deployer',
  '  automountServiceAccountToken: true',
  '',
].join('\n');

describe('YAML simple subset attack', () => {
  // Fixed finding (session 30): the lexer guard leaves empty sequence items to yaml.
  // The worst case. yaml reads two ServiceAccounts; js-yaml reads one, whose `secrets` is [null, {kind: ServiceAccount,
  // automountServiceAccountToken: true, …}], so the guardrail never sees the deployer account. The escape in the name
  // makes readSimpleYaml refuse the text (7f37721), and the lexer guard then lets js-yaml read it.
  test('hidden ServiceAccount: an empty `-` item, then a less-indented `- ` joins the inner sequence (js-yaml)', () => {
    const text = hiddenServiceAccount('"ci\\x2dbot"');
    expectClaim(text);
    const [list] = readYamlDocuments(text) as Array<{ items: Array<{ metadata: { name: string }; automountServiceAccountToken?: boolean }> }>;
    expect(list.items.map((i) => [i.metadata.name, i.automountServiceAccountToken])).toEqual([['ci-bot', undefined], ['deployer', true]]);
  });

  // Fixed finding (session 30, as above). Nesting: yaml reads [[null], 'b'], js-yaml reads [[null, 'b']].
  test('empty item nesting: `- -` then `- "\\x62"` is an outer item to yaml, an inner one to js-yaml', () => {
    expectClaim('- -\n- "\\x62"');
  });

  // Fixed finding (session 30, as above). yaml refuses the text (an item left of its sequence's column); js-yaml reads [null, null].
  test('empty item, dedented sibling: `   -` then ` -` is an error to yaml, two items to js-yaml', () => {
    expectClaim('   -\n -');
  });

  // Fixed finding (session 30, as above). yaml refuses the text (a block sequence as an implicit key); js-yaml reads {a: [null, 'b']}.
  test('empty item under a key: `a:`, `  -`, `- b` is an error to yaml, {a: [null, b]} to js-yaml', () => {
    expectClaim('a:\n  -\n- b');
  });

  // Fixed finding (session 30, as above). A ServiceAccount whose `automountServiceAccountToken` is read only by js-yaml: yaml refuses the text.
  test('empty item in a ServiceAccount: the token setting lands in `labels` for js-yaml, yaml refuses', () => {
    expectClaim('kind: ServiceAccount\nmetadata:\n  name: x\n  labels:\n    -\n- automountServiceAccountToken: true\n');
  });

  // The same texts without the escape: readSimpleYaml reads them, as yaml does (the line check of 6370a8b let js-yaml read them).
  test('empty items without an escape: the subset reader reads them as yaml does', () => {
    for (const text of [hiddenServiceAccount('ci-bot'), '- -\n- b', '  - -\n\n  - true', 'a:\n  - -\n  - b']) expectClaim(text);
  });

  // Found against the line check of 6370a8b (since replaced): it took `\\` then `U` as an escaped backslash and a letter
  // where yamlFastPathApplies refuses any token containing `\U`. Both readers give the string `\U`; readSimpleYaml
  // leaves every escape to the other readers.
  test('line check outside the guard: `a: "\\\\U"` (an escaped backslash, then U)', () => {
    for (const text of ['a: "\\\\U"', '"a\\\\Ux": 1', '- "\\\\U0001F600"']) expectClaim(text);
  });

  test.each([
    ['unicode spaces and controls', 'a: \u00a0x\u00a0\nb: \u3000\nc: x\u200b\nd: x\u0080\ne: \u00a0#y\nf\u00a0: 1'],
    ['lone surrogate and U+FFFE (js-yaml refuses, yaml reads)', 'a: x\ud800\nb: x\ufffe'],
    ['surrogate pair key and value', '\ud83d\ude00: \ud83d\ude00'],
    ['escapes', 'a: "\\N\\_\\L\\P\\e\\/\\ \\0\\x41\\u00e9\\uD83D\\uDE00\\uDC00\\"\\\\"'],
    ['invalid escapes (both refuse)', 'a: "\\q"\nb: "\\x4"'],
    ['an escaped non-BMP character (both refuse)', 'a: "\\\ud83d\ude00"'],
    ['single-quoted', 'a: \'\'\'\'\nb: \'\\\'\nc: \'a #b: c\'\n\'d: e\': \'\''],
    ['indicator look-alikes', 'a: =\nb: <a\nc: a<<\nd: x#y\ne: a, b\nf: x]\ng: x}\nh: a!b&c*d|e>f\ni: x? y\nj: x :y\nk: -a b'],
    ['timestamps, times, ports', 'a: 2001-12-14T21:59:43.10-05:00\nb: 12:30:00\nc: -1:2\nd: 1,000\ne: 0:0'],
    ['decimals', 'a: 1.50\nb: 123456789012345\nc: -1.5\nd: 0.000000000000000000000001\ne: 1.0\nf: 0'],
    ['core-schema words', 'a: True\nb: NULL\nc: ~\nd: nULL\ne: yes\nf: on\ng: NaN\nh: inf\ni: tRUE'],
    ['number and word keys', '1.50: a\n-1: b\ntrue: c\nTrue1: d\n12:30: e'],
    ['duplicate keys, quoted and plain (both refuse)', '"a": 1\n\'a\': 2'],
    ['duplicate keys, escape and plain (both refuse)', '"\\x61": 1\na: 2'],
    ['same key in two documents', 'a: 1\n---\na: 2'],
    ['documents', '---\n---\na: 1\n---\n---\n'],
    ['indented first line, dedent', '  a: 1\n b: 2'],
    ['dedents between columns', 'a:\n    - b\n  c: 1\n---\n- a: 1\n  - b\n---\na:\n b:\n  c: 1\n d: 2\ne: 3'],
    ['compact sequences and maps', '- a:\n  - b\n- c\n- - a: 1\n    b: 2\n  - c\n-   d: 3\n    e: 4'],
    ['1000-character keys', `${'k'.repeat(1000)}: 1\n"${'q'.repeat(998)}": 2\n${'\ud83d\ude00'.repeat(500)}: 3`],
    ['constructor-like keys', 'constructor:\n  prototype:\n    x: 1\ntoString: a\nhasOwnProperty: b\nvalueOf: c'],
  ])('HELD: %s', (_, text) => {
    expectClaim(text);
  });

  test('HELD: __proto__ keys are own keys and pollute nothing', () => {
    for (const text of ['__proto__:\n  polluted: 1', '- __proto__:\n    polluted: 1', '"__proto__": x\ny: 1', 'a:\n  __proto__: []']) {
      expectClaim(text);
    }
    const [document] = readYamlDocuments('__proto__:\n  polluted: 1') as Array<Record<string, unknown>>;
    expect(Object.prototype.hasOwnProperty.call(document, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((document as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
