/** A CEL string literal: backslashes and single quotes are escaped, so no value (an environment name may hold quotes) can break out. */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
