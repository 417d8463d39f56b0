/**
 * The YAML fast path (src/synth/yaml.ts readYamlDocuments): js-yaml reads a text only when it has none of the features
 * where js-yaml and `yaml` (the reference reader) could differ; every reading must equal the reference's, and the
 * examples' manifests must actually take the fast path (else the speed-up is not real and this test proves nothing
 * about js-yaml).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { dump } from 'js-yaml';
import { stringify, ToStringOptions } from 'yaml';
import { readSimpleYaml, readYamlDocuments, readYamlReference, yamlFastPathApplies } from '../../src/synth/yaml';
import { synthesizedExamples } from '../helpers/examples';

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(file);
    return /\.ya?ml$/.test(entry.name) ? [file] : [];
  });
}

/** The reading of both, as comparable values (an error is its message). */
function both(text: string): { fast: unknown; reference: unknown } {
  const read = (fn: (t: string) => unknown[]) => {
    try {
      return fn(text);
    } catch (error) {
      return `error: ${(error as Error).message}`;
    }
  };
  return { fast: read(readYamlDocuments), reference: read(readYamlReference) };
}

describe('YAML fast path', () => {
  test('every manifest the examples write reads the same, and the Kubernetes manifests take the fast path', () => {
    const files = yamlFiles(synthesizedExamples());
    expect(files.length).toBeGreaterThan(5);
    const manifests: string[] = [];
    const fast: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const { fast: got, reference } = both(text);
      expect([file, got]).toEqual([file, reference]);
      if (file.includes(`${path.sep}k8s${path.sep}`)) manifests.push(file);
      if (yamlFastPathApplies(text)) fast.push(file);
    }
    // Every Kubernetes manifest takes the fast path: the admission policies' CEL (`!=`, `&&`, `!has(…)`, `? … : []`) is
    // text inside quoted scalars, not YAML syntax. (The CI workflows of out/ci have comments: `yaml` reads them.)
    expect(manifests.length).toBeGreaterThanOrEqual(7);
    expect(manifests.filter((file) => !fast.includes(file))).toEqual([]);
    // And they are in the simple subset, read line by line without either library.
    expect(manifests.filter((file) => readSimpleYaml(fs.readFileSync(file, 'utf8')) === undefined)).toEqual([]);
  });

  /** The property the simple reader must keep: what it reads, it reads as `yaml` does (and `yaml` reads it without an error). */
  function expectWithinGuard(text: string): boolean {
    const simple = readSimpleYaml(text);
    if (simple !== undefined) expect([text, simple]).toEqual([text, readYamlReference(text)]);
    return simple !== undefined;
  }

  test('the simple subset: texts made of YAML line shapes, indicators and look-alikes read as `yaml` reads them', () => {
    // Pieces of lines: indentation, sequence indicators, keys and values, every kind the line check sees or refuses.
    const indents = ['', ' ', '  ', '   ', '    ', '      '];
    const dashes = ['', '', '- ', '-  ', '- - ', '-'];
    const benign = ['a', 'kind', 'app.kubernetes.io/name', 'arn:aws:iam::123456789012:role/x', 'x#y', '-1', '8080', '1.5', '~', 'null', 'true', 'Yes', '"q"',
      "'it''s'", '[]', '{}', 'é', '𝄞', 'a,b', "(x == 'y') || z", "request.kind.kind != 'ServiceAccount'", '15 2 * * *', '6f1c2a9e-3b7d', '${var.x}'];
    const nasty = ['x #y', '#c', 'a: b', 'a:', ':a', '-a', '- a', '-0', '+1', '.5', '0x1F', '0o7', '0b1', '1e3', '12:30', '007', '1.', '<<', '<a', '"a\\"b"',
      '"\\U0001F600"', '"x', "'s'", "'x", '[a]', '{a: 1}', '[ ]', '&x', '*x', '!Ref', '!', '%d', '@x', '`x`', '|', '|-', '>', '?', '? a', '---', '...', '--- a', '... a',
      'a ', ' a', '\u00a0', 'k'.repeat(1001)];
    const scalar = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...benign) }, { weight: 1, arbitrary: fc.constantFrom(...nasty) });
    const line = fc.tuple(fc.constantFrom(...indents), fc.constantFrom(...dashes), scalar,
      fc.constantFrom(': ', ': ', ':', '', ' :', ':  ', ':\t'), fc.oneof(scalar, fc.constant('')), fc.constantFrom('', '', '', '', ' ', ' # c', '\r'))
      .map(([indent, dash, key, colon, value, tail]) => `${indent}${dash}${key}${colon}${value}${tail}`);
    const text = fc.array(fc.oneof({ weight: 8, arbitrary: line }, { weight: 1, arbitrary: fc.constantFrom('---', '', '  ', '...', '--- ', '-') }), { minLength: 1, maxLength: 8 })
      .chain((lines) => fc.constantFrom('\n', '\n', '\r\n').map((eol) => lines.join(eol)));
    let accepted = 0;
    fc.assert(fc.property(text, (t) => {
      if (expectWithinGuard(t)) accepted += 1;
    }), { seed: 30, numRuns: 20000 });
    // The generator reaches the subset often enough for the implication to mean something.
    expect(accepted).toBeGreaterThan(500);
  });

  test('the simple subset: manifests-like documents, written in every indentation style and then mutated line by line, read as `yaml` reads them', () => {
    const atom = fc.constantFrom('a', 'x y', '-1', '8080', '1.5', 'null', 'true', '', 'arn:aws:iam::1:role/x', "it's", 'a"b', '#x', 'é', '- a', 'k: v');
    const key = fc.constantFrom('a', 'b', 'kind', 'metadata', 'name', 'app.kubernetes.io/name', 'x y', '"q"', '8080', 'true', '~', '__proto__', '');
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, atom, tie('list'), tie('map')),
      list: fc.array(tie('node'), { maxLength: 3 }),
      map: fc.dictionary(key, tie('node'), { maxKeys: 3 }),
    })).node;
    const style = fc.constantFrom<ToStringOptions>({}, { indentSeq: false }, { indent: 4 }, { indent: 1, indentSeq: false }, { indent: 3 });
    // A mutation of one line: indented or dedented, repeated, dropped, or a `---` or `-` inserted before it.
    const mutation = fc.tuple(fc.nat(), fc.constantFrom('indent', 'dedent', 'repeat', 'drop', 'marker', 'dash', 'none', 'none'));
    let accepted = 0;
    const documents = fc.array(value, { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(documents, style, fc.array(mutation, { maxLength: 2 }), (values, options, mutations) => {
      const lines = values.map((v) => stringify(v, options)).join('---\n').split('\n');
      for (const [at, kind] of mutations) {
        const i = at % lines.length;
        if (kind === 'indent') lines[i] = ` ${lines[i]}`;
        if (kind === 'dedent') lines[i] = lines[i].replace(/^ /, '');
        if (kind === 'repeat') lines.splice(i, 0, lines[i]);
        if (kind === 'drop') lines.splice(i, 1);
        if (kind === 'marker') lines.splice(i, 0, '---');
        if (kind === 'dash') lines[i] = lines[i].replace(/^( *)/, '$1- ');
      }
      if (expectWithinGuard(lines.join('\n'))) accepted += 1;
    }), { seed: 31, numRuns: 6000 });
    expect(accepted).toBeGreaterThan(800);
  });

  test('the simple subset: a line more indented than the value before it (a continuation) is not in it', () => {
    for (const text of ['a: b\n  c: d', '- a\n  - b', '- a: b\n    c', 'a: "b"\n  c', 'a: b\n\n   c', 'a:\n  b\n  c', '- - a\n   b']) {
      expect([text, readSimpleYaml(text)]).toEqual([text, undefined]);
    }
    for (const text of ['a: b\nc: d', '- a\n- b', '- a: b\n  c: d', 'a:\n  b: c\nd: []', 'a:\n- b\n- "c"', '- - a\n  - b', 'a: 1\n---\nb: 2',
      '---\na: 1\n---\nb: 2', 'a:\n- b\nc: 1', '-\n- a', '-\n  a: 1', 'a:\n  - b:\n    - c\n  -\nd: {}']) {
      expect([text, expectWithinGuard(text)]).toEqual([text, true]);
    }
  });

  // Texts where js-yaml alone would read differently (each is a measured difference) or that use a YAML feature the
  // fast path leaves to `yaml`: they must read exactly as `yaml` reads them.
  const edges: string[] = [
    '~: 1', 'null: 1', ': 1', '? [a]\n: 1', '[a]: 1', 'a: {[b]: 1}', 'a: 0b101', 'a: [0b1]', 'a: 1_000', 'a: 2001-12-14', 'a: -0', 'a: 0o17',
    'a: 0x1F', 'a: .5', 'a: 1e3', 'a: .inf', 'a: "\\u00e9\\x41\\t"', 'a: |-\n  x\n   y\n', 'a: >\n  x\n  y\n\n  z\n', '---\n---\n', '', 'a: 1\n---\n',
    'a: b\n  c', 'a: [1, {b: 2}]', 'a: {}', 'a: []', "a: 'it''s'", 'a: 12:30', 'a: y', 'a: on', 'a: 1.0', 'a: +1', 'a: 00', 'a: 09',
    'a: &x 1\nb: *x', '- &x [1]\n- *x', 'a: !!str 1', 'a: !!binary aGVsbG8=', 'a: !Ref Role', 'a: !GetAtt Role.Arn', '--- !!map\na: 1',
    'base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2', '# only a comment\n', 'a: 1 # comment\n', '%YAML 1.2\n---\na: 1', 'a:\tb', '\uFEFFa: 1',
    'a: "x\u2028y"', 'a: x\u0085y', 'a: 1\na: 2', 'a: [1, 2', 'a:\n- 1\n - 2', '"": 1', 'a: {"b":!x c}', 'a: x !y', "a: \"it's\" ",
    'a: request.kind.kind != \'ServiceAccount\' || (has(object.x) && object.x == false)', 'a: "*"', 'a: x*y', 'a: -1\nb: - x', '... \n',
    'a: 1\n...\nb: 2\n', '- - - a', `${'k'.repeat(1100)}: 1`, 'a\n  b: 1', '[]: 1', '{}: 1', 'a: []\nb: {}', 'a: [ ]', '- []\n- {}',
    'a: "x\n  y"', "a: 'x\n\n  y'", 'a: 0b', 'b: +0b1', 'c: -00', 'd: -0.0', 'a: -0x1F', 'a: +0x1F', 'a: -0o7', 'a: +0o7', 'a: +.5', 'a: -.5', 'a: 1.', 'a: 0.',
    'a: 1E3', 'a: 0O7', 'a: 0X1f', 'a: 00.5', 'a: 12e03', 'a: 1234567890123456789', 'a: 10.0.0.1', 'a: 3600s', 'a: 8080', 'a: -12', 'a: 1.50',
    'a: 15 2 * * *', 'a: 6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31', 'a: 1e-3', 'a: 1e+3', 'a: 1-3', 'a: 9e-3b', 'a: -1-2', 'a: 1.2.3', 'a: 0x1F-2', 'a: 2e5_', 'e: <<', 'f: "<<"', 'a:\n  - b\n  -c', 'a: b: c', '- a: 1\n  b: 2\n- c', 'a: !', 'a: &', 'a: *', '? a\n: b', 'a: 12345678901234567890', 'a: 0.1e-3', 'a: True', 'a: NULL', 'a: ~',
  ];
  test.each(edges.map((e) => [JSON.stringify(e).slice(0, 60), e]))('%s reads as `yaml` reads it', (_, text) => {
    const { fast, reference } = both(text);
    expect(fast).toEqual(reference);
    expectWithinGuard(text);
  });

  test('without js-yaml (an optional peer dependency) the reader still reads, with `yaml`', () => {
    jest.isolateModules(() => {
      jest.doMock('js-yaml', () => {
        throw new Error("Cannot find module 'js-yaml'");
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../../src/synth/yaml') as typeof import('../../src/synth/yaml');
      expect(isolated.readYamlDocuments('a: 1\n---\nb: [x]\n')).toEqual([{ a: 1 }, { b: ['x'] }]);
      expect(() => isolated.readYamlDocuments('a: 1\na: 2\n')).toThrow('Map keys must be unique');
    });
  });

  test('generated documents (written by yaml and by js-yaml, every style) read as `yaml` reads them', () => {
    // A deterministic generator (the test must reproduce): strings made of YAML indicators, look-alikes of other
    // types, unicode and line breaks, at every depth.
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const atoms = ['', ' ', 'null', '~', 'true', 'False', '0b1', '0o7', '0x1f', '1e3', '.5', '-0', '007', '12:30', 'yes', 'a: b', '- x', '? y', '#c', 'x #c',
      '&a', '*a', '!t', '%d', '<<', '[a]', '{b: 1}', '"q"', "'s'", 'line\nbreak', 'tab\tx', 'é ü 𝄞', '\u2028', 'arn:aws:iam::123456789012:role/x', '${var.x}', '%{if}',
      'repo:acme/x:ref:refs/heads/main', ' lead', 'trail ', '---', '...', 'a,b', 'x'.repeat(120),
      '-0x1F', '+0o7', '+.5', '-.5', '+12', '1.', '9e-3', '6f1c2a9e-3b7d', '15 2 * * *', '1_000', '.inf', '-.inf', '.NaN'];
    const gen = (depth: number): unknown => {
      const kind = next(depth > 3 ? 5 : 7);
      if (kind === 0) return atoms[next(atoms.length)] + (next(2) ? atoms[next(atoms.length)] : '');
      if (kind === 1) return next(100000) - 50000;
      if (kind === 2) return next(2) === 0;
      if (kind === 3) return null;
      if (kind === 4) return next(1000) / 7;
      if (kind === 5) return Array.from({ length: next(4) }, () => gen(depth + 1));
      const object: Record<string, unknown> = {};
      for (let i = next(5); i > 0; i--) object[next(3) ? `k${next(9)}` : atoms[next(atoms.length)]] = gen(depth + 1);
      return object;
    };
    let fastTexts = 0;
    let simpleTexts = 0;
    for (let i = 0; i < 400; i++) {
      const values = Array.from({ length: 1 + next(3) }, () => gen(0));
      const writers = [
        () => values.map((v) => stringify(v)).join('---\n'),
        () => values.map((v) => stringify(v, { lineWidth: 20, minContentWidth: 0 })).join('---\n'),
        () => values.map((v) => stringify(v, { indentSeq: false, indent: 3 })).join('---\n'),
        () => values.map((v) => dump(v, { lineWidth: 30 })).join('---\n'),
        () => values.map((v) => dump(v, { flowLevel: 1 })).join('---\n'),
      ];
      for (const write of writers) {
        const text = write();
        const { fast, reference } = both(text);
        expect([text, fast]).toEqual([text, reference]);
        if (yamlFastPathApplies(text)) fastTexts += 1;
        if (expectWithinGuard(text)) simpleTexts += 1;
      }
    }
    // The generator reaches the fast path often enough for the comparison to mean something.
    expect(fastTexts).toBeGreaterThan(200);
    expect(simpleTexts).toBeGreaterThan(30);
  });
});
