/**
 * Marks Keyless errors. A registered symbol (`Symbol.for`), so that an error thrown by one copy of the library is
 * recognised by another copy in the same process (two versions in one app's `node_modules`).
 */
const KEYLESS_ERROR_BRAND = Symbol.for('@keyless/constructs.KeylessError');

/**
 * An input Keyless refuses, reported at synthesis time.
 *
 * The message names the construct path, the prop in backticks, the bad value, the limit and the fix, and starts
 * with a stable code so that tooling and documentation can refer to it.
 *
 * Detect it with {@link KeylessError.isKeylessError} (or `instanceof KeylessError`, which answers the same): both
 * recognise errors thrown by another copy of `@keyless/constructs` in the same process.
 */
export class KeylessError extends Error {
  /**
   * Whether a value is a Keyless error, thrown by this copy of the library or by another one (a second version in
   * the app's `node_modules`). Recognises the brand the errors carry, not their name or shape: an object that only
   * looks like a Keyless error (`name: 'KeylessError'`, a `code`) is not one.
   */
  public static isKeylessError(value: unknown): value is KeylessError {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
    try {
      return (value as { [KEYLESS_ERROR_BRAND]?: unknown })[KEYLESS_ERROR_BRAND] === true;
    } catch {
      return false; // a hostile proxy or getter: not a Keyless error
    }
  }

  /**
   * `error instanceof KeylessError` holds for Keyless errors of any copy of the library (see
   * {@link KeylessError.isKeylessError}); for a subclass, `instanceof` keeps its usual meaning.
   */
  public static [Symbol.hasInstance](value: unknown): value is KeylessError {
    if (this !== KeylessError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return KeylessError.isKeylessError(value);
  }

  /** Stable identifier of the rule that refused the input, e.g. `KL-GH-WILDCARD`. */
  public readonly code: string;
  /** Construct path (or logical location) of the declaration that was refused. */
  public readonly path: string;
  /** The prop that holds the bad value, as a dotted path, e.g. `source.owner`. */
  public readonly prop: string;

  constructor(details: KeylessErrorDetails) {
    const docs = details.docs ? ` See ${details.docs}` : '';
    super(`[${details.code}] ${details.path}: \`${details.prop}\` ${details.problem}. Fix: ${details.fix}.${docs}`);
    this.name = 'KeylessError';
    this.code = details.code;
    this.path = details.path;
    this.prop = details.prop;
  }
}

Object.defineProperty(KeylessError.prototype, KEYLESS_ERROR_BRAND, { value: true, enumerable: false, writable: false, configurable: false });

/** The parts of a {@link KeylessError} message. */
export interface KeylessErrorDetails {
  /** Stable error code. */
  readonly code: string;
  /** Construct path of the declaration. */
  readonly path: string;
  /** Dotted prop path. */
  readonly prop: string;
  /** What is wrong, quoting the bad value and the limit. */
  readonly problem: string;
  /** What to do instead. */
  readonly fix: string;
  /** Provider documentation that states the limit. */
  readonly docs?: string;
}

/** The framework whose tokens a value holds: aws-cdk-lib (CloudFormation) or cdktf (Terraform). */
export type ReferenceFramework = 'aws-cdk-lib' | 'cdktf';

/**
 * Where a declaration is being validated: the construct path used in error messages and today's date
 * (injected so that validation is a pure function and tests are deterministic).
 */
export interface ValidationContext {
  /** Construct path, e.g. `Platform/Aws/ReleaseTrust`. */
  readonly path: string;
  /** Today's date as `YYYY-MM-DD` (UTC). */
  readonly today: string;
  /**
   * Whether an unresolved token is a reference to an attribute of a resource declared in the app (an ARN, name or id
   * that the framework resolves from that resource), as opposed to a deploy-time input (a parameter, an import, a
   * variable, a data source). Set by the framework renderers; used only where a value names the resource being
   * granted on, never where it decides a trust.
   *
   * @default - no token is a reference
   */
  readonly isResourceReference?: (value: string, framework: ReferenceFramework) => boolean;
}

/**
 * Quotes a user-supplied value for an error message. Never throws: values JSON cannot represent (BigInt, NaN,
 * functions, symbols, circular or very large structures) are described instead.
 */
export function quote(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return String(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return `a ${Array.isArray(value) ? 'list' : 'value'} that cannot be shown (circular or not serializable)`;
  }
  if (text === undefined) return String(value);
  // A long value is cut, so that a message stays readable.
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
}

/** Throws a {@link KeylessError}. */
export function fail(details: KeylessErrorDetails): never {
  throw new KeylessError(details);
}
