/**
 * A text of a value that tells apart everything two reads of the same data could differ in: key order, `-0`, NaN,
 * undefined, holes in arrays, prototypes (`null:`, `<class>:`), and the entries of Maps and Sets. A cycle is written
 * `<cycle>`. An oracle for `sameData` and a snapshot of an input before and after it is used.
 */
export function dataText(value: unknown, seen = new Set<object>()): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (seen.has(value)) return '<cycle>';
  seen.add(value);
  let text: string;
  if (value instanceof Map || value instanceof Set) {
    text = `<${value.constructor.name} ${dataText([...value], seen)}>`;
  } else if (Array.isArray(value)) {
    text = `[${Array.from({ length: value.length }, (_, i) => (i in value ? dataText(value[i], seen) : '<hole>')).join(',')}]`;
  } else {
    const prototype = Object.getPrototypeOf(value);
    const kind = prototype === null ? 'null:' : prototype === Object.prototype ? '' : '<class>:';
    text = `{${kind}${Object.keys(value).map((k) => `${JSON.stringify(k)}:${dataText((value as Record<string, unknown>)[k], seen)}`).join(',')}}`;
  }
  seen.delete(value);
  return text;
}
