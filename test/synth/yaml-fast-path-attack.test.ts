/**
 * Session 28 attack on the YAML fast path (src/synth/yaml.ts readYamlDocuments): texts the fast-path guard lets js-yaml
 * read where js-yaml reads something other than `yaml` (the reference). Every text here passes yamlFastPathApplies as
 * of commit 4229326. Each finding is fixed (the guard leaves such text to `yaml`); 'HELD: …' ones read the same.
 */
import { readYamlDocuments, readYamlReference } from '../../src/synth/yaml';

/** The reading of both, as comparable values (an error is the string 'error'). */
function both(text: string): { fast: unknown; reference: unknown } {
  const read = (fn: (t: string) => unknown[]) => {
    try {
      return fn(text);
    } catch {
      return 'error';
    }
  };
  return { fast: read(readYamlDocuments), reference: read(readYamlReference) };
}

describe('YAML fast path attack (session 28)', () => {
  // Fixed finding (session 28): src/synth/yaml.ts now leaves this text to `yaml`.
  // A lone carriage return is a line break to js-yaml, not to `yaml`: a hidden key where `yaml` refuses the text, and
  // quoted and block scalar values read differently. Guard: add /\r(?!\n)/ to NOT_FOR_FAST_YAML_CHARACTERS.
  test.each([
    ['hidden key', 'a: 1\rb: 2'],
    ['hidden key (plain)', 'a: x\rb: y'],
    ['double-quoted value', 'a: "x\rkind: ServiceAccount"'],
    ['single-quoted value', "a: 'x\r\r y'"],
    ['block scalar value', 'a: |\n  x\r  y\n'],
    ['block scalar header', 'a: |\r  x\r  y\r'],
  ])('lone CR, %s', (_, text) => {
    const { fast, reference } = both(text);
    expect(fast).toEqual(reference);
  });

  // Fixed finding (session 28): src/synth/yaml.ts now leaves this text to `yaml`.
  // A text of only line breaks (two or more): one null document to js-yaml, no document to `yaml`.
  // Guard: leave to `yaml` a text whose lexer tokens are only space/newline (or: return [] when /^\s*$/ matches).
  test.each([['\n\n'], ['\n \n'], ['\r\n\r\n'], ['\n\n\n'], [' \n '], ['\r\n ']])('blank text %j', (text) => {
    const { fast, reference } = both(text);
    expect(fast).toEqual(reference);
  });

  // Fixed finding (session 28): src/synth/yaml.ts now leaves this text to `yaml`.
  // The 1024-character implicit-key limit is measured by the key token's length, but the spaces before `:` are skipped:
  // `yaml` refuses the text, js-yaml reads the key. Guard: measure from the key token's start offset to the `:`'s
  // offset (or refuse any line longer than 1000 characters).
  test.each([
    ['plain key', `a${' '.repeat(1100)}: 1`],
    ['quoted key', `"a"${' '.repeat(1100)}: 1`],
    ['990-character key, 40 spaces', `"${'k'.repeat(990)}"${' '.repeat(40)}: 1`],
  ])('key far from its `:`, %s', (_, text) => {
    const { fast, reference } = both(text);
    expect(fast).toEqual(reference);
  });

  // Fixed finding (session 28): src/synth/yaml.ts now leaves this text to `yaml`.
  // A block collection on the `---` line: `yaml` refuses it, js-yaml reads a document (a hidden ServiceAccount).
  // Guard: after a doc-start token, the next token other than space must be a newline (or the end).
  test.each([
    ['map', '--- kind: ServiceAccount'],
    ['seq', '--- - a'],
    ['second document', '- a\n--- - b'],
  ])('block collection on the --- line, %s', (_, text) => {
    const { fast, reference } = both(text);
    expect(fast).toEqual(reference);
  });

  // Fixed finding (session 28): src/synth/yaml.ts now leaves this text to `yaml`.
  // Content after `...` on its line: `yaml` refuses it, js-yaml reads one more document.
  // Guard: after a doc-end token, the next token other than space must be a newline (or the end).
  test.each([
    ['hidden document', 'kind: ConfigMap\n... kind: ServiceAccount'],
    ['map', 'a: 1\n... b: 2'],
    ['first line (a null document, then one more)', '... x y\n'],
  ])('content after ..., %s', (_, text) => {
    const { fast, reference } = both(text);
    expect(fast).toEqual(reference);
  });

  // Fixed finding (session 28): src/synth/yaml.ts now leaves this text to `yaml`.
  // A multi-line quoted scalar whose continuation lines are not indented past the parent: `yaml` refuses it ("Missing
  // closing quote"), js-yaml folds it into the value. Guard: leave to `yaml` a quoted scalar token containing a line
  // break (or one whose continuation lines are indented no more than its collection).
  test.each([
    ['double, column 0', 'kind: ConfigMap\ndata:\n  a: "x\nkind: ServiceAccount"'],
    ['single, column 0', "a:\n  b: 'x\ny'"],
    ['double, at the parent column', 'a:\n  b: "x\n  y"'],
    ['double, top-level map', 'a: "\n"'],
    ['single, top-level map', "a: '\n'"],
    ['sequence item', '- "x\ny"'],
    ['map in a sequence', '- a: "x\n y"'],
  ])('under-indented quoted continuation, %s', (_, text) => {
    const { fast, reference } = both(text);
    expect(fast).toEqual(reference);
  });

  // Fixed finding (session 28): src/synth/yaml.ts now leaves this text to `yaml`.
  // A \U escape above U+10FFFF: `yaml` refuses it, js-yaml reads garbage (lone surrogates, U+FFFF).
  // Guard: leave to `yaml` a double-quoted scalar with `\U` (or one whose \U code point exceeds 10FFFF).
  test.each([['a: "\\U00110000"'], ['a: "\\U00110000x"'], ['a: "\\UFFFFFFFF"']])('\\U out of range %j', (text) => {
    const { fast, reference } = both(text);
    expect(fast).toEqual(reference);
  });

  test.each([
    ['__proto__ key', '__proto__:\n  a: 1'],
    ['nested __proto__', 'a:\n  __proto__:\n    b: 1\n  c: 2'],
    ['constructor keys', 'constructor: 1\ntoString: 2'],
    ['surrogate escapes', 'a: "\\uD83D\\uDE00"'],
    ['\\U at the top', 'a: "\\U0010FFFF"'],
    ['all escapes', 'a: "\\N\\_\\L\\P\\x41\\0\\a\\b\\e\\f\\v\\/\\ \\""'],
    ['escaped line break', 'a: "x \\\n  y"'],
    ['CRLF block scalar', 'a: |\r\n  x\r\n  y\r\n'],
    ['CRLF double-quoted', 'a: "x\r\n  y"'],
    ['number keys', '1.50: x\n0: y\n-1: z'],
    ['1.0 and 1 duplicate', '1: a\n1.0: b'],
    ['1 and "1" duplicate', 'a:\n  1: x\n  "1": y'],
    ['indentation indicator', 'a: |1\n  x'],
    ['more-indented folded', 'a: >\n  x\n   y\n  z\n'],
    ['leading blank, more-indented', 'a: |\n    \n  x\n'],
    ['keep chomping', 'a: |+\n  x\n     \nb: 1'],
    ['multi-line quoted key', '"a\nb": 1'],
    ['scalar documents', '--- |\n  x\n--- >\n  y'],
    ['scalar on the --- line', '--- x\n--- "y"'],
    ['plain after ---', 'a: x\n--- y'],
    ['... then ---', 'a: 1\n...\n--- b'],
    ['quoted continuation indented', 'a:\n  b: "x\n   y"'],
    ['1030-character key', `${'k'.repeat(1030)}: 1`],
    ['bad dedent', 'a:\n  b: 1\n c: 2'],
    ['a: - b', 'a: - b'],
    ['"b"c', 'a: "b"c'],
    ['[]x', 'a: []x'],
    ['nbsp', 'a: \u00A0b'],
    ['deep nesting', `${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1`],
    ['single line break', '\n'],
  ])('HELD: %s', (_, text) => {
    const { fast, reference } = both(text);
    expect(fast).toEqual(reference);
  });
});
