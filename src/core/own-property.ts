/**
 * Sets an own, enumerable property as `Object.fromEntries` and JSON.parse do: a `__proto__` key is a property like any
 * other, never the object's prototype (plain assignment would set the prototype). For the readers and decoders that
 * build records from untrusted keys in loops rather than through entries arrays.
 */
export function setOwnProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
