/**
 * YAML reading for `keyless check|inventory|diff|verify` and the guardrails: `yaml` (YAML 1.2, core schema,
 * CloudFormation's short-form tags) is the reference reader. Two faster readers take the texts where they cannot
 * differ from it: a line-by-line reader of a simple block subset (what synthesized manifests are made of), then
 * js-yaml, when installed, behind a check with `yaml`'s own lexer.
 */
import type * as JsYaml from 'js-yaml';
import { CST, Lexer, parseAllDocuments, Tags } from 'yaml';

const INTRINSICS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or'];

/** CloudFormation's short-form YAML intrinsics (`!Ref`, `!Sub`, `!Join`…), read as their long `Fn::` forms. */
const CLOUDFORMATION_TAGS: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  ...INTRINSICS.flatMap((name) => {
    const fn = `Fn::${name}`;
    return [
      // `!GetAtt Role.Arn` is the scalar form of ["Role", "Arn"].
      { tag: `!${name}`, resolve: (value: string) => ({ [fn]: name === 'GetAtt' ? value.split('.') : value }) },
      { tag: `!${name}`, collection: 'seq' as const, resolve: (value: any) => ({ [fn]: value.toJSON() }) },
      { tag: `!${name}`, collection: 'map' as const, resolve: (value: any) => ({ [fn]: value.toJSON() }) },
    ];
  }),
] as Tags;

/** Characters where readers differ (tabs, a byte order mark, control and line-separator characters, a lone CR): `yaml` reads them. */
const NOT_FOR_FAST_YAML_CHARACTERS = /[\t\uFEFF\u0085\u2028\u2029\x00-\x08\x0B\x0C\x0E-\x1F\x7F]|\r(?!\n)/;

/** The characters above, and any carriage return (the simple subset has `\n` line breaks only). */
const NOT_SIMPLE_CHARACTERS = /[\t\r\uFEFF\u0085\u2028\u2029\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

/** The lexer's own markers (document, flow error end, scalar): tokens that are not text of the input. */
const LEXER_MARKERS: ReadonlySet<string> = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/** Tokens (yaml's own lexer, CST.tokenType) that the fast path leaves to `yaml`. */
const NOT_FOR_FAST_YAML_TOKENS: ReadonlySet<string> = new Set([
  // Tags (`!Ref`, `!!binary`), anchors and aliases (`yaml` limits alias expansion, js-yaml does not), comments
  // (comment-only documents), directives, complex keys, a byte order mark, a flow error.
  'tag', 'anchor', 'alias', 'comment', 'directive-line', 'explicit-key-ind', 'byte-order-mark', 'flow-error-end',
]);

/**
 * Plain scalars the two may read differently, by allow-list: a plain scalar that starts like a number (`-`, `+`, `.`,
 * a digit) is left to `yaml` unless it is a plain decimal (`0`, `-12`, `8080`, `1.5`; at most 15 integer digits).
 * Measured differences it excludes: binary and signed hexadecimal or octal integers (`0b101`, `-0x1F`, `+0o7`:
 * integers to js-yaml, strings in YAML 1.2's core schema), `+.5` (a number to `yaml`, a string to js-yaml), minus zero
 * (`-0`). Merge keys (`<<`) too.
 */
const NUMBER_LIKE = /^[-+.0-9]/;
const PLAIN_DECIMAL = /^(?:0|-?[1-9][0-9]{0,14})(?:\.[0-9]+)?$/;
/**
 * Text no number form of either reader matches (their patterns are anchored at both ends and made of `[0-9A-Za-z_.+-]`,
 * with a sign only first or after `e`/`E`): a space or another character (`15 2 * * *`, a cron schedule), or a sign
 * elsewhere (`6f1c2a9e-3b7d-…`, a UUID).
 */
const NEVER_A_NUMBER = /[^0-9A-Za-z_.+-]|(?<=.)(?<![eE])[-+]/;

/** Whether a plain scalar must be read by `yaml` (see above). */
function plainNeedsReference(token: string): boolean {
  return token.startsWith('<<') || (NUMBER_LIKE.test(token) && !PLAIN_DECIMAL.test(token) && !NEVER_A_NUMBER.test(token));
}

/** Whether a value (js-yaml's reading) has a key `null` or `""`: a null key (`~: 1`) is `null` to js-yaml, `""` to `yaml`. */
function hasNullishKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullishKey);
  if (value === null || typeof value !== 'object') return false;
  for (const key of Object.keys(value)) {
    if (key === 'null' || key === '') return true;
    if (hasNullishKey((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * The documents of a YAML text as `yaml` reads them (YAML 1.2, core schema). A text of the simple block subset is read
 * line by line ({@link readSimpleYaml}: 59 MB of Kubernetes manifests in about 0.7 s); any other text with none of the
 * features where js-yaml and `yaml` could differ (NOT_FOR_FAST_YAML, a nullish key, anything js-yaml refuses) is read
 * with js-yaml (when installed: an optional peer dependency); `yaml` reads everything else, errors included.
 * test/synth/yaml-fast-path.test.ts compares the faster readers with `yaml` over every manifest the examples write
 * and over generated and mutated documents.
 */
export function readYamlDocuments(text: string): unknown[] {
  const simple = readSimpleYaml(text);
  if (simple !== undefined) return simple;
  const fast = jsYaml();
  if (fast !== undefined && yamlFastPathApplies(text)) {
    try {
      const documents = fast.loadAll(text, undefined, { schema: fast.CORE_SCHEMA });
      if (!documents.some(hasNullishKey)) return documents;
    } catch {
      // A text js-yaml refuses (duplicate keys, bad indentation…): `yaml` reads it, or gives the error.
    }
  }
  return readYamlReference(text);
}

let loaded: typeof JsYaml | null | undefined;

/** js-yaml, when it is installed (an optional peer dependency: without it every text is read by `yaml`). */
function jsYaml(): typeof JsYaml | undefined {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('js-yaml') as typeof JsYaml;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/**
 * Whether js-yaml may read a text: it has none of the tokens, plain scalars or characters above (read with `yaml`'s own
 * lexer, so a `!=` or `&&` inside a CEL expression is text, as it is to `yaml`), and no flow collection other than an
 * empty `[]` or `{}` that is not a key (`[a]: 1` is `a` to js-yaml, `[ a ]` to `yaml`). Exported for the differential
 * test (test/synth/yaml-fast-path.test.ts).
 */
export function yamlFastPathApplies(text: string): boolean {
  // Text of whitespace only: `yaml` reads no document, js-yaml one null document.
  if (NOT_FOR_FAST_YAML_CHARACTERS.test(text) || /^\s*$/.test(text)) return false;
  // What the previous token asks of the next one: a plain scalar's text, the end of an empty flow collection, no key,
  // the end of a document marker's line.
  let expect: 'plain' | 'flow-seq-end' | 'flow-map-end' | 'not-a-key' | 'newline' | undefined;
  // Where each token starts in the text (the lexer's own markers are not text), and where the last token that may be a
  // key started: `yaml` refuses an implicit key whose `:` is more than 1024 characters after its start (YAML 1.2,
  // 7.4.1; spaces before the `:` count), js-yaml reads it.
  let offset = 0;
  let keyStart = 0;
  let emptyItem = false;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    const at = offset;
    if (!LEXER_MARKERS.has(token)) offset += token.length;
    if (type === 'space') continue;
    // An empty sequence item (`-` with nothing after it on its line): js-yaml 4 keeps its sequence open when the next
    // line is less indented, so a `- ` there becomes an item of the inner sequence (a ServiceAccount hidden inside
    // another's `secrets`); `yaml` closes it. Left to `yaml` (readSimpleYaml reads such text as `yaml` does).
    if (emptyItem && type === 'newline') return false;
    emptyItem = type === 'seq-item-ind';
    if (type === 'map-value-ind' && at - keyStart > 1000) return false;
    if (type !== 'map-value-ind' && type !== 'newline') keyStart = at;
    if (expect === 'newline') {
      // `--- kind: ServiceAccount`, `... kind: ServiceAccount`: `yaml` refuses content on a marker's line, js-yaml reads it.
      if (type !== 'newline') return false;
      expect = undefined;
      continue;
    }
    if (expect === 'plain') {
      expect = undefined;
      if (type === null && plainNeedsReference(token)) return false;
      if (type === null) continue;
    }
    if (expect === 'flow-seq-end' || expect === 'flow-map-end') {
      if (type !== expect) return false;
      expect = 'not-a-key';
      continue;
    }
    if (expect === 'not-a-key') {
      if (type === 'map-value-ind') return false;
      expect = undefined;
    }
    if (type !== null && NOT_FOR_FAST_YAML_TOKENS.has(type)) return false;
    // A quoted scalar over several lines, or one the lexer ended before its closing quote (an under-indented
    // continuation: js-yaml folds it in, `yaml` refuses it), and `\U` escapes (js-yaml reads one above U+10FFFF as
    // garbage, `yaml` refuses it).
    if ((type === 'double-quoted-scalar' || type === 'single-quoted-scalar') && /[\r\n]/.test(token)) return false;
    if (type === 'double-quoted-scalar' && !/^"(?:[^"\\]|\\.)*"$/.test(token)) return false;
    if (type === 'single-quoted-scalar' && !/^'(?:[^']|'')*'$/.test(token)) return false;
    if (type === 'double-quoted-scalar' && token.includes('\\U')) return false;
    if (type === 'scalar') expect = 'plain';
    else if (type === 'flow-seq-start') expect = 'flow-seq-end';
    else if (type === 'flow-map-start') expect = 'flow-map-end';
    else if (type === 'doc-start' || type === 'doc-end') expect = 'newline';
  }
  return !emptyItem;
}

/** Characters no plain scalar of the simple subset starts with: YAML's indicators and the space. */
const NOT_SIMPLE_PLAIN_FIRST: ReadonlySet<number> = new Set([...' -?:,[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));
/** A one-line double-quoted scalar (its escapes closed, no `\U`) and a one-line single-quoted one, at a text's start. */
const SIMPLE_DOUBLE_QUOTED = /^"(?:[^"\\\n]|\\[^U\n])*"/;
const SIMPLE_SINGLE_QUOTED = /^'(?:[^'\n]|'')*'/;

/** Whether a character code is a letter or a digit (ASCII). */
function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * A plain scalar of the simple subset: it starts with no indicator (a `-` only when a letter or digit follows: `-12`),
 * holds no ` #` (a comment), no `: ` and no final `:` (a mapping), no trailing space, and is not one of the plain
 * scalars left to `yaml` ({@link plainNeedsReference}).
 */
function simplePlain(scalar: string): boolean {
  if (scalar === '') return false;
  const first = scalar.charCodeAt(0);
  if (NOT_SIMPLE_PLAIN_FIRST.has(first) && !(first === 45 && isAlphanumeric(scalar.charCodeAt(1)))) return false;
  const last = scalar.charCodeAt(scalar.length - 1);
  if (last === 32 || last === 58 || scalar.includes(' #') || scalar.includes(': ')) return false;
  // Only a scalar starting like a number (or `<<`) can need `yaml`.
  return !(first === 60 || first === 43 || first === 45 || first === 46 || (first >= 48 && first <= 57)) || !plainNeedsReference(scalar);
}

/** Whether a quoted scalar of the simple subset (one line, escapes closed) starts a text: its length, or -1. */
function simpleQuotedLength(text: string): number {
  const quoted = (text.charCodeAt(0) === 34 ? SIMPLE_DOUBLE_QUOTED : SIMPLE_SINGLE_QUOTED).exec(text);
  return quoted ? quoted[0].length : -1;
}

/** Where a key of the simple subset ends (the index of its `:`, followed by a space or the end), or -1. */
function simpleKeyEnd(rest: string): number {
  const first = rest.charCodeAt(0);
  if (first === 34 || first === 39) {
    const end = simpleQuotedLength(rest);
    return end > 0 && rest.charCodeAt(end) === 58 && (end + 1 === rest.length || rest.charCodeAt(end + 1) === 32) ? end : -1;
  }
  for (let i = rest.indexOf(':'); i >= 0; i = rest.indexOf(':', i + 1)) {
    if (i + 1 === rest.length || rest.charCodeAt(i + 1) === 32) return i;
  }
  return -1;
}

/** A plain scalar's value as `yaml` resolves it (core schema), within the simple subset: null, a boolean, a plain decimal, or the text. */
function plainValue(scalar: string): unknown {
  switch (scalar) {
    case '~': case 'null': case 'Null': case 'NULL': return null;
    case 'true': case 'True': case 'TRUE': return true;
    case 'false': case 'False': case 'FALSE': return false;
  }
  // Any other number-like scalar of the subset is one no reader reads as a number (see plainNeedsReference).
  return PLAIN_DECIMAL.test(scalar) ? Number(scalar) : scalar;
}

/**
 * A scalar's value (after `key: ` or `- `), or NOT_SIMPLE: the simple subset's values are a plain scalar
 * ({@link simplePlain}), a one-line quoted scalar, `[]` or `{}`; a quoted scalar with an escape (`\`) and anything
 * else is left to the readers.
 */
function scalarValue(value: string): unknown {
  if (value === '[]') return [];
  if (value === '{}') return {};
  const first = value.charCodeAt(0);
  if (first === 34) return value.includes('\\') || simpleQuotedLength(value) !== value.length ? NOT_SIMPLE : value.slice(1, -1);
  if (first === 39) return simpleQuotedLength(value) !== value.length ? NOT_SIMPLE : value.slice(1, -1).replaceAll("''", "'");
  return simplePlain(value) ? plainValue(value) : NOT_SIMPLE;
}

/** The deepest nesting the simple reader reads (Kubernetes manifests nest about 15 levels). */
const SIMPLE_MAX_DEPTH = 64;

/** What the simple reader gives up on: the text is read by the other readers. */
const NOT_SIMPLE = Symbol('not simple');

/** A block collection being read: its column, and a key or item whose value may still come on the next lines. */
interface OpenCollection {
  readonly column: number;
  readonly node: Record<string, unknown> | unknown[];
  /** A mapping's key written as `key:` with nothing after it, the line before: its value is null unless a block follows. */
  pendingKey?: string;
  /** A sequence's last item written as `-` alone, the line before: null unless a block follows. */
  pendingItem?: boolean;
}

/**
 * The documents of a text in a simple block subset of YAML, read as `yaml` reads them, or undefined when the text is
 * not in it (the caller then uses the other readers). The subset is what Kubernetes manifests are written in, and
 * reading it line by line is several times cheaper than either library. Every line is blank, exactly `---`, or an
 * indentation, sequence indicators (`- `) and then a `key:` with an optional value, or after a `- ` a value alone.
 * Keys are plain scalars that resolve to strings or one-line quoted scalars, at most 1000 characters, never repeated
 * and never `__proto__`. Values are plain scalars (resolved by the core schema: null, booleans, plain decimals,
 * strings; nothing where the readers disagree: see plainNeedsReference), one-line quoted scalars without escapes, `[]`
 * and `{}`. A line after a value is never more indented than that value's key (or its `- `), so no plain scalar
 * continues onto a next line. Anything else (a comment, a tag, an anchor, a block scalar, a flow collection, an
 * escape, a CR, an empty document, an indentation `yaml` would refuse, nesting deeper than 64) is not in the subset.
 * test/synth/yaml-fast-path.test.ts compares this reader with `yaml` over generated texts and the examples' manifests.
 */
export function readSimpleYaml(text: string): unknown[] | undefined {
  if (NOT_SIMPLE_CHARACTERS.test(text) || /^\s*$/.test(text)) return undefined;
  const documents: unknown[] = [];
  // The document being read: its root, and the collections open from the root to the innermost.
  let root: unknown = NOT_SIMPLE;
  let stack: OpenCollection[] = [];
  // The column a next line may not be indented beyond (after a value), or -1.
  let limit = -1;
  const endDocument = (): boolean => {
    if (root === NOT_SIMPLE) return false;
    documents.push(root);
    root = NOT_SIMPLE;
    stack = [];
    return true;
  };
  /** Opens a collection at a column where the previous lines left room for it (a pending key or item, or the root). */
  const open = (column: number, node: OpenCollection['node'], parent: OpenCollection | undefined): boolean => {
    if (parent === undefined) {
      if (root !== NOT_SIMPLE) return false;
      root = node;
    } else if (parent.pendingKey !== undefined && !Array.isArray(parent.node)) {
      parent.node[parent.pendingKey] = node;
      parent.pendingKey = undefined;
    } else if (parent.pendingItem && Array.isArray(parent.node)) {
      parent.node[parent.node.length - 1] = node;
      parent.pendingItem = false;
    } else {
      return false;
    }
    // Deep nesting is left to the readers: `yaml` runs out of stack at about 900 levels, where this reader would not.
    if (stack.length >= SIMPLE_MAX_DEPTH) return false;
    stack.push({ column, node });
    return true;
  };
  /** Adds a key to a mapping: a repeated key or `__proto__` is left to the readers (`yaml` refuses a repeated key). */
  const addKey = (map: OpenCollection, key: string, value: unknown): boolean => {
    const node = map.node as Record<string, unknown>;
    if (key === '__proto__' || Object.prototype.hasOwnProperty.call(node, key)) return false;
    node[key] = value;
    return true;
  };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    let pos = 0;
    while (line.charCodeAt(pos) === 32) pos++;
    if (pos === line.length) continue;
    if (line === '---') {
      // A `---` that starts the text opens the first document; any other ends one, which must have content.
      if ((documents.length > 0 || root !== NOT_SIMPLE || start - 4 > 0) && !endDocument()) return undefined;
      limit = -1;
      continue;
    }
    if (limit >= 0 && pos > limit) return undefined;
    limit = -1;
    // A document marker (`---`, `...`) with more on its line, or a line starting like one: not in the subset.
    if (pos === 0 && (line.startsWith('---') || line.startsWith('...'))) return undefined;
    const indent = pos;
    const dashes: number[] = [];
    while (line.charCodeAt(pos) === 45 && (pos + 1 === line.length || line.charCodeAt(pos + 1) === 32)) {
      dashes.push(pos++);
      while (line.charCodeAt(pos) === 32) pos++;
    }
    // Where the line attaches: close the collections more indented than its first token. A key at the column of a
    // sequence closes the sequence too (`key:` then `- item` at the key's column: the sequence is the key's value).
    while (stack.length > 0 && stack[stack.length - 1].column > indent) stack.pop();
    let top: OpenCollection | undefined = stack[stack.length - 1];
    if (dashes.length === 0 && top !== undefined && Array.isArray(top.node) && top.column === indent) {
      stack.pop();
      top = stack[stack.length - 1];
    }
    // `top` is now the collection at the line's column, or the one whose pending key or item the line's block fills.
    let current: OpenCollection | undefined;
    if (dashes.length > 0) {
      if (top !== undefined && Array.isArray(top.node) && top.column === indent) {
        top.pendingItem = false;
        current = top;
      } else if (top !== undefined && top.column === indent && !Array.isArray(top.node) && top.pendingKey !== undefined) {
        if (!open(indent, [], top)) return undefined;
        current = stack[stack.length - 1];
      } else if (top === undefined || top.column < indent) {
        if (!open(indent, [], top)) return undefined;
        current = stack[stack.length - 1];
      } else {
        return undefined;
      }
      // Each further `- ` on the line opens a sequence as the item of the one before.
      for (let i = 1; i < dashes.length; i++) {
        (current.node as unknown[]).push(null);
        current.pendingItem = true;
        if (!open(dashes[i], [], current)) return undefined;
        current = stack[stack.length - 1];
      }
    } else if (top !== undefined && !Array.isArray(top.node) && top.column === indent) {
      top.pendingKey = undefined;
      current = top;
    } else if (top === undefined || top.column < indent) {
      current = top;
    } else {
      return undefined;
    }
    if (pos === line.length) {
      // `-` alone: a null item, unless a block follows.
      const sequence = current as OpenCollection;
      (sequence.node as unknown[]).push(null);
      sequence.pendingItem = true;
      continue;
    }
    const rest = line.slice(pos);
    const keyEnd = simpleKeyEnd(rest);
    if (keyEnd < 0) {
      // `- value`: a sequence item's scalar; a value alone without `- ` is not in the subset.
      if (dashes.length === 0) return undefined;
      const value = scalarValue(rest);
      if (value === NOT_SIMPLE) return undefined;
      (current!.node as unknown[]).push(value);
      limit = dashes[dashes.length - 1];
      continue;
    }
    const written = rest.slice(0, keyEnd);
    const quotedKey = written.charCodeAt(0) === 34 || written.charCodeAt(0) === 39;
    if (keyEnd > 1000 || (!quotedKey && (written.includes('#') || !simplePlain(written)))) return undefined;
    const key = quotedKey ? scalarValue(written) : plainValue(written);
    // A key that is not a string (`8080:`, `true:`, `~:`) is left to the readers: they write it as text differently.
    if (typeof key !== 'string' || (!quotedKey && key !== written)) return undefined;
    // The mapping the key goes in: the one at its column, or a new one (after `- `, or as a pending key's value).
    let map: OpenCollection;
    if (dashes.length > 0) {
      (current!.node as unknown[]).push(null);
      current!.pendingItem = true;
      if (!open(pos, {}, current)) return undefined;
      map = stack[stack.length - 1];
    } else if (current !== undefined && current.column === indent && !Array.isArray(current.node)) {
      map = current;
    } else {
      if (!open(indent, {}, current)) return undefined;
      map = stack[stack.length - 1];
    }
    let from = keyEnd + 1;
    let to = rest.length;
    while (rest.charCodeAt(from) === 32) from++;
    while (to > from && rest.charCodeAt(to - 1) === 32) to--;
    if (from === to) {
      if (!addKey(map, key, null)) return undefined;
      map.pendingKey = key;
      continue;
    }
    const value = scalarValue(rest.slice(from, to));
    if (value === NOT_SIMPLE || !addKey(map, key, value)) return undefined;
    limit = pos;
  }
  return endDocument() ? documents : undefined;
}

/** The documents of a YAML text as `yaml` reads them (CloudFormation's short-form tags included); the first error is thrown. */
export function readYamlReference(text: string): unknown[] {
  return parseAllDocuments(text, { logLevel: 'silent', customTags: CLOUDFORMATION_TAGS }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
    return doc.toJS({ maxAliasCount: 100 });
  });
}

