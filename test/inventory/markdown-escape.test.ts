/** code() and text() (src/inventory/markdown.ts) return a value untouched when nothing in it needs escaping: same as the full path. */
import * as fc from 'fast-check';
import { code, text } from '../../src/inventory/markdown';

/** The full paths, as they were before the untouched-value shortcut. */
function codeOracle(value: string): string {
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const padded = longest > 0 || value.startsWith('`') || value.endsWith('`') ? ` ${value} ` : value;
  return `${fence}${padded.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}${fence}`;
}
const textOracle = (value: string): string => value.replace(/([\\`*_[\]<>|#])/g, '\\$1').replace(/\r?\n/g, ' ');

test('code() and text() equal their full escaping on any text', () => {
  const value = fc.array(fc.constantFrom('a', ' ', '`', '``', '|', '\n', '\r', '\r\n', '\\', '*', '_', '[', ']', '<', '>', '#', 'é', 'aws:role:x'), { maxLength: 8 })
    .map((parts) => parts.join(''));
  fc.assert(fc.property(fc.oneof(value, fc.string()), (v) => {
    expect(code(v)).toBe(codeOracle(v));
    expect(text(v)).toBe(textOracle(v));
  }), { seed: 30, numRuns: 5000 });
  expect(code('aws:role:deploy')).toBe('`aws:role:deploy`');
  expect(code('a|b')).toBe('`a\\|b`');
  expect(text('a_b')).toBe('a\\_b');
});
