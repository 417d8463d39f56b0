/** CEL expressions as written in GCP attribute conditions and IAM conditions: top-level structure only. */

/**
 * The positions of an expression's top-level characters: outside quotes (with their `\\` escapes) and outside
 * parentheses, brackets and braces.
 */
export function* topLevel(expression: string): Generator<number> {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '\'' || c === '"') {
      quote = c;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
    } else if (depth === 0) {
      yield i;
    }
  }
}

/** Splits a CEL expression on a top-level operator (`&&`, `||`, or the `,` between list items); empty parts are dropped. */
export function splitTop(expression: string, operator: '&&' | '||' | ','): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const i of topLevel(expression)) {
    if (i >= start && expression.startsWith(operator, i)) {
      parts.push(expression.slice(start, i));
      start = i + operator.length;
    }
  }
  parts.push(expression.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Removes parentheses that wrap the whole expression. */
export function unwrap(expression: string): string {
  let e = expression.trim();
  while (e.startsWith('(') && e.endsWith(')')) {
    let depth = 0;
    let quote: string | undefined;
    let closesAt = -1;
    for (let i = 0; i < e.length && closesAt < 0; i++) {
      const c = e[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = undefined;
      } else if (c === '\'' || c === '"') {
        quote = c;
      } else if (c === '(') {
        depth++;
      } else if (c === ')' && --depth === 0) {
        closesAt = i;
      }
    }
    if (closesAt !== e.length - 1) break;
    e = e.slice(1, -1).trim();
  }
  return e;
}

/** The top-level conjuncts of an expression (each unwrapped): every one must hold. */
export function conjuncts(expression: string): string[] {
  return splitTop(unwrap(expression), '&&').map(unwrap);
}

/** Whether an expression is a disjunction at its top level (`a || b`, whatever the parentheses around it). */
export function isTopLevelDisjunction(expression: string): boolean {
  return splitTop(unwrap(expression), '||').length > 1;
}
