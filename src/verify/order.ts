/** Compares two strings by code unit (locale-independent, so the order is the same on every machine). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
