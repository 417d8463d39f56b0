/** A CEL string literal. Inputs are validated to exclude quotes, but escape anyway so no value can break out. */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
