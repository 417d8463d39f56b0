/**
 * Terraform expression syntax (HCL native syntax, the subset found in attribute values), with the source span of
 * every node: the parser {@link evaluateTerraformDocuments} (terraform-eval.ts) evaluates. No evaluation here.
 */

/** A value of the expression language. */
export type Value = unknown;

export type Node =
  | { k: 'lit'; v: Value; s: number; e: number }
  | { k: 'tpl'; parts: Array<string | Node>; s: number; e: number; directive: boolean; partsSrc?: string }
  | { k: 'tuple'; items: Node[]; s: number; e: number }
  | { k: 'object'; items: Array<{ key: Node; value: Node }>; s: number; e: number }
  | { k: 'call'; name: string; args: Node[]; expand: boolean; s: number; e: number }
  | { k: 'ref'; root: string; path: Array<{ attr: string } | { index: Node }>; s: number; e: number }
  // A tuple `for` expression without a filter: `[for V in C : E]` / `[for K, V in C : E]`.
  | { k: 'for'; key?: string; value: string; collection: Node; body: Node; s: number; e: number }
  | { k: 'opaque'; s: number; e: number };

export class ParseError extends Error {}

const KEYWORDS: Record<string, Value> = { true: true, false: false, null: null };

/** Binary operators by precedence, lowest first; longer ones first within a level (`>=` before `>`). */
const OPERATORS = [['||'], ['&&'], ['==', '!='], ['>=', '<=', '>', '<'], ['+', '-'], ['*', '/', '%']];

export class Parser {
  public pos = 0;
  constructor(public readonly src: string) {}

  private fail(what: string): never {
    throw new ParseError(`${what} at ${this.pos}`);
  }

  private ws(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.pos++;
      } else if (c === '#' || (c === '/' && this.src[this.pos + 1] === '/')) {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else if (c === '/' && this.src[this.pos + 1] === '*') {
        const end = this.src.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unclosed comment');
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  private peek(): string {
    this.ws();
    return this.src[this.pos];
  }

  private eat(token: string): boolean {
    this.ws();
    if (this.src.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  private expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected ${token}`);
  }

  private identifier(): string | undefined {
    this.ws();
    const match = /^[A-Za-z_][A-Za-z0-9_-]*(?:::[A-Za-z_][A-Za-z0-9_-]*)*/.exec(this.src.slice(this.pos, this.pos + 256));
    if (!match) return undefined;
    this.pos += match[0].length;
    return match[0];
  }

  /** Expression = conditional (`a ? b : c`) over binary operations. */
  public expression(): Node {
    this.ws();
    const s = this.pos;
    const condition = this.binary(0);
    if (this.peek() === '?') {
      this.pos++;
      this.expression();
      this.expect(':');
      this.expression();
      return { k: 'opaque', s, e: this.pos };
    }
    return condition;
  }

  private binary(level: number): Node {
    if (level === OPERATORS.length) return this.unary();
    this.ws();
    const s = this.pos;
    let left = this.binary(level + 1);
    for (;;) {
      this.ws();
      // `=` and `=>` are no operators.
      const op = OPERATORS[level].find((o) => this.src.startsWith(o, this.pos));
      if (!op) return left;
      this.pos += op.length;
      this.binary(level + 1);
      left = { k: 'opaque', s, e: this.pos };
    }
  }

  private unary(): Node {
    this.ws();
    const s = this.pos;
    const c = this.src[this.pos];
    if (c === '!' || (c === '-' && !/[0-9]/.test(this.src[this.pos + 1] ?? ''))) {
      this.pos++;
      this.unary();
      return { k: 'opaque', s, e: this.pos };
    }
    return this.postfix(this.term());
  }

  private postfix(node: Node): Node {
    for (;;) {
      const save = this.pos;
      this.ws();
      const c = this.src[this.pos];
      if (c === '.' && this.src[this.pos + 1] !== '.') {
        this.pos++;
        if (this.eat('*')) {
          node = { k: 'opaque', s: node.s, e: this.pos };
          continue;
        }
        const name = this.identifier() ?? /^[0-9]+/.exec(this.src.slice(this.pos))?.[0];
        if (name === undefined) this.fail('expected an attribute name');
        if (/^[0-9]+$/.test(name)) this.pos += name.length;
        node = node.k === 'ref' ? { ...node, path: [...node.path, { attr: name }], e: this.pos } : { k: 'opaque', s: node.s, e: this.pos };
      } else if (c === '[') {
        this.pos++;
        if (this.eat('*')) {
          this.expect(']');
          node = { k: 'opaque', s: node.s, e: this.pos };
          continue;
        }
        const index = this.expression();
        this.expect(']');
        node = node.k === 'ref' ? { ...node, path: [...node.path, { index }], e: this.pos } : { k: 'opaque', s: node.s, e: this.pos };
      } else {
        this.pos = save;
        return node;
      }
    }
  }

  private term(): Node {
    this.ws();
    const s = this.pos;
    const c = this.src[this.pos];
    if (c === undefined) this.fail('unexpected end');
    const number = /^-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.src.slice(this.pos, this.pos + 64));
    if (number) {
      this.pos += number[0].length;
      return { k: 'lit', v: Number(number[0]), s, e: this.pos };
    }
    if (c === '"') return this.quoted();
    if (c === '<' && this.src[this.pos + 1] === '<') return this.heredoc();
    if (c === '(') {
      this.pos++;
      const inner = this.expression();
      this.expect(')');
      return { ...inner, s, e: this.pos };
    }
    if (c === '[') {
      this.pos++;
      if (this.isFor()) return this.tupleFor(s);
      const items: Node[] = [];
      while (!this.eat(']')) {
        items.push(this.expression());
        if (!this.eat(',') && this.peek() !== ']') this.fail('expected , or ]');
      }
      return { k: 'tuple', items, s, e: this.pos };
    }
    if (c === '{') {
      this.pos++;
      if (this.isFor()) return this.skipFor(s, '}');
      const items: Array<{ key: Node; value: Node }> = [];
      while (!this.eat('}')) {
        items.push({ key: this.objectKey(), value: this.expression() });
        this.eat(',');
      }
      return { k: 'object', items, s, e: this.pos };
    }
    const name = this.identifier();
    if (name === undefined) this.fail(`unexpected ${JSON.stringify(c)}`);
    if (Object.hasOwn(KEYWORDS, name)) return { k: 'lit', v: KEYWORDS[name], s, e: this.pos };
    if (this.src[this.pos] === '(') {
      this.pos++;
      const args: Node[] = [];
      let expand = false;
      while (!this.eat(')')) {
        args.push(this.expression());
        if (this.eat('...')) expand = true;
        if (!this.eat(',') && this.peek() !== ')') this.fail('expected , or )');
      }
      return { k: 'call', name, args, expand, s, e: this.pos };
    }
    return { k: 'ref', root: name, path: [], s, e: this.pos };
  }

  private objectKey(): Node {
    this.ws();
    const s = this.pos;
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.pos, this.pos + 256))?.[0];
    if (name !== undefined) {
      const after = this.src.slice(this.pos + name.length).match(/^[ \t]*(=(?![=>])|:)/);
      if (after) {
        this.pos += name.length + after[0].length;
        return { k: 'lit', v: name, s, e: s + name.length };
      }
    }
    const key = this.binary(0);
    if (!this.eat(':') && !(this.peek() === '=' && this.src[this.pos + 1] !== '=' && this.eat('='))) this.fail('expected = or :');
    return key;
  }

  private isFor(): boolean {
    this.ws();
    return /^for[ \t\n]/.test(this.src.slice(this.pos, this.pos + 4));
  }

  /**
   * A tuple `for` expression (Terraform, "for Expressions"): `[for V in C : E]` or `[for K, V in C : E]`, read into a
   * node; with an `if` filter (or anything else after E) the rest is skipped and the whole is opaque.
   */
  private tupleFor(s: number): Node {
    const start = this.pos;
    this.pos += 3; // `for`
    const first = this.identifier();
    const second = this.eat(',') ? this.identifier() : undefined;
    this.ws();
    if (first === undefined || (this.eat(',') && second === undefined) || !/^in[ \t\n]/.test(this.src.slice(this.pos, this.pos + 3))) {
      this.pos = start;
      return this.skipFor(s, ']');
    }
    this.pos += 2;
    const collection = this.expression();
    if (!this.eat(':')) {
      this.pos = start;
      return this.skipFor(s, ']');
    }
    const body = this.expression();
    if (!this.eat(']')) return this.skipFor(s, ']');
    return second === undefined
      ? { k: 'for', value: first, collection, body, s, e: this.pos }
      : { k: 'for', key: first, value: second, collection, body, s, e: this.pos };
  }

  /** A `for` expression, skipped (never evaluated): balanced brackets, strings and heredocs respected. */
  private skipFor(s: number, close: string): Node {
    let depth = 1;
    while (depth > 0) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail('unclosed for expression');
      if (c === '"') {
        this.quoted();
        continue;
      }
      if (c === '<' && this.src[this.pos + 1] === '<' && /^<<-?[A-Za-z_]/.test(this.src.slice(this.pos, this.pos + 4))) {
        this.heredoc();
        continue;
      }
      if (c === '[' || c === '{' || c === '(') depth++;
      if (c === ']' || c === '}' || c === ')') depth--;
      this.pos++;
    }
    if (this.src[this.pos - 1] !== close) this.fail(`expected ${close}`);
    return { k: 'opaque', s, e: this.pos };
  }

  /** A quoted template: `"…"` with HCL escapes and `${…}` interpolations. */
  private quoted(): Node {
    const s = this.pos;
    this.pos++;
    const node = this.template((c) => c === '"', true);
    this.expect('"');
    return { ...node, s, e: this.pos };
  }

  private heredoc(): Node {
    const s = this.pos;
    const head = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(this.src.slice(this.pos, this.pos + 300));
    if (!head) this.fail('bad heredoc');
    const bodyStart = this.pos + head[0].length;
    const lines = this.src.slice(bodyStart).split('\n');
    let offset = bodyStart;
    const body: string[] = [];
    let closed = false;
    for (const line of lines) {
      offset += line.length + 1;
      if (line.trim() === head[2]) {
        closed = true;
        break;
      }
      body.push(line);
    }
    if (!closed) this.fail('unclosed heredoc');
    let text = body.map((l) => `${l}\n`).join('');
    if (head[1] === '-') {
      const indent = Math.min(...body.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length));
      text = body.map((l) => `${l.slice(Number.isFinite(indent) ? indent : 0)}\n`).join('');
    }
    this.pos = Math.min(offset - 1, this.src.length);
    const node = parseTemplate(text, false);
    return { ...node, s, e: this.pos, partsSrc: text };
  }

  /** Template parts up to `stop` (not consumed). `escapes`: HCL backslash escapes (quoted strings, not JSON strings). */
  public template(stop: (c: string) => boolean, escapes: boolean): Extract<Node, { k: 'tpl' }> {
    const s = this.pos;
    const parts: Array<string | Node> = [];
    let text = '';
    let directive = false;
    while (this.pos < this.src.length && !stop(this.src[this.pos])) {
      const c = this.src[this.pos];
      const next = this.src[this.pos + 1];
      if ((c === '$' || c === '%') && next === c && this.src[this.pos + 2] === '{') {
        text += `${c}{`;
        this.pos += 3;
      } else if (c === '$' && next === '{') {
        if (text) parts.push(text);
        text = '';
        this.pos += 2;
        this.eat('~');
        parts.push(this.expression());
        this.eat('~');
        this.expect('}');
      } else if (c === '%' && next === '{') {
        directive = true;
        this.pos += 2;
        while (this.pos < this.src.length && this.src[this.pos] !== '}') {
          if (this.src[this.pos] === '"') this.quoted(); else this.pos++;
        }
        this.expect('}');
      } else if (escapes && c === '\\') {
        const map: Record<string, string> = { 'n': '\n', 'r': '\r', 't': '\t', '"': '"', '\\': '\\' };
        if (next === 'u' || next === 'U') {
          const digits = next === 'u' ? 4 : 8;
          text += String.fromCodePoint(parseInt(this.src.slice(this.pos + 2, this.pos + 2 + digits), 16));
          this.pos += 2 + digits;
        } else {
          if (map[next] === undefined) this.fail('bad escape');
          text += map[next];
          this.pos += 2;
        }
      } else {
        text += c;
        this.pos++;
      }
    }
    if (text || parts.length === 0) parts.push(text);
    return { k: 'tpl', parts, s, e: this.pos, directive };
  }
}

/** A string as a template: JSON-syntax strings (no backslash escapes left) and heredoc bodies. */
export function parseTemplate(text: string, escapes: boolean): Extract<Node, { k: 'tpl' }> {
  return new Parser(text).template(() => false, escapes);
}

