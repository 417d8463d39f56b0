/** CEL expressions as written in GCP attribute conditions and IAM conditions: top-level structure only. */

/** Splits a CEL expression on a top-level `&&` or `||`, outside quotes, parentheses and brackets. */
export function splitTop(expression: string, operator: '&&' | '||'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '\'' || c === '"') {
      quote = c;
    } else if (c === '(' || c === '[') {
      depth++;
    } else if (c === ')' || c === ']') {
      depth--;
    } else if (depth === 0 && expression.startsWith(operator, i)) {
      parts.push(expression.slice(start, i));
      start = i + operator.length;
      i += operator.length - 1;
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
