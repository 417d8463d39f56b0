import { listProp } from './ci/policy';
import { fail, quote, ValidationContext } from './errors';

/**
 * Type checks of props, shared by every construct: TypeScript types are not there at run time (JavaScript callers,
 * generated declarations, `as never` casts), so a prop of the wrong type must be refused with a Keyless error, never
 * reach a method call or a framework and crash there.
 *
 * Pure functions: no framework import, structural checks only (the frameworks' own `isX` helpers are applied by the
 * constructs, which know them).
 */

/**
 * A user-supplied value of any type, for an error message: `quote(value)`, except that an instance of a class (a
 * `Duration`, a construct, a stack) is named by its class, which says more than its serialized fields.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    // Bundled frameworks suffix class names with a counter (aws-cdk-lib's Stack is `Stack2`).
    if (typeof name === 'string' && name !== '' && name !== 'Object') return `a ${name.replace(/\d+$/, '')} object`;
  }
  return quote(value);
}

/** Whether a value is an object (not null, not an array) whose keys can be read. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses a props argument that is not an object (a JavaScript caller passing nothing, a string, a list). */
export function checkPropsObject(props: unknown, ctx: ValidationContext, example: string): void {
  if (!isObject(props)) {
    fail({
      code: 'KL-PROP-TYPE',
      path: ctx.path,
      prop: 'props',
      problem: `is ${describeValue(props)}: expected an object of props`,
      fix: `give the props as an object, e.g. \`${example}\``,
    });
  }
}

/** What a prop that holds an object must look like, for {@link checkObjectProp}. */
export interface ObjectPropShape {
  /** What is expected, for the message, e.g. "an IAM OIDC provider (`iam.IOidcProvider`)". */
  readonly expected: string;
  /** How to give it, e.g. "import it with `iam.OidcProviderNative.fromOidcProviderArn(this, \"Provider\", arn)`". */
  readonly fix: string;
  /** Functions the object must have. */
  readonly methods?: readonly string[];
  /** Properties the object must have as strings (e.g. an ARN, tokens included). */
  readonly strings?: readonly string[];
  /** An extra structural test, e.g. a framework's `isStack`. */
  readonly test?: (value: object) => boolean;
  /** Whether the prop is optional. @default false */
  readonly optional?: boolean;
}

/**
 * Checks a prop that holds an object Keyless reads or calls: present (unless optional), an object, and with the
 * functions and string properties the construct uses.
 *
 * @returns the value, or undefined when optional and not given
 */
export function checkObjectProp<T>(value: unknown, ctx: ValidationContext, prop: string, shape: ObjectPropShape): T {
  if (value === undefined || value === null) {
    if (shape.optional && value === undefined) return undefined as T;
    fail({
      code: 'KL-PROP-MISSING',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}: expected ${shape.expected}`,
      fix: shape.fix,
    });
  }
  const shaped = typeof value === 'object' && !Array.isArray(value)
    && (shape.methods ?? []).every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
    && (shape.strings ?? []).every((name) => typeof (value as Record<string, unknown>)[name] === 'string')
    && (shape.test === undefined || shape.test(value));
  if (!shaped) {
    fail({
      code: 'KL-PROP-TYPE',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}: expected ${shape.expected}`,
      fix: shape.fix,
    });
  }
  return value as T;
}

/** Checks an optional boolean prop (an opt-in): `true` only when it is exactly `true`, a non-boolean refused. */
export function checkBooleanProp(value: unknown, ctx: ValidationContext, prop: string, fix: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    fail({ code: 'KL-PROP-BOOLEAN', path: ctx.path, prop, problem: `is ${quote(value)}: expected true or false`, fix });
  }
  return value === true;
}

/**
 * Checks a list prop: an array (or undefined, read as empty) with no empty slot (`[, "x"]`: `map` and `forEach`
 * skip it, so an element would silently go missing). The one list check, `listProp`, under its prop-module name.
 */
export function checkListProp(value: unknown, ctx: ValidationContext, prop: string): unknown[] {
  return listProp(value, ctx, prop);
}

/** Checks a list prop whose every element is an object of the given shape; returns the elements. */
export function checkObjectListProp<T>(value: unknown, ctx: ValidationContext, prop: string, shape: ObjectPropShape): T[] {
  return checkListProp(value, ctx, prop).map((item, i) => checkObjectProp<T>(item, ctx, `${prop}[${i}]`, { ...shape, optional: false }));
}

/**
 * Checks a duration prop and returns its whole number of seconds: anything with a `toSeconds()` function (an
 * aws-cdk-lib `Duration`) whose value is a whole, positive, finite number of seconds. A plain number (`3600`) and a
 * fractional duration (`Duration.seconds(3600.5)`, which `toSeconds()` would throw on) are refused.
 *
 * @returns the seconds, or undefined when the prop is not given
 */
export function checkDurationSeconds(value: unknown, ctx: ValidationContext, prop: string): number | undefined {
  if (value === undefined) return undefined;
  const fix = 'give a Duration of whole seconds, e.g. `Duration.hours(1)` or `Duration.seconds(3600)` (aws-cdk-lib `Duration`, not a number)';
  if (!isObject(value) || typeof value.toSeconds !== 'function') {
    fail({
      code: 'KL-PROP-DURATION',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}: expected a Duration${typeof value === 'number' ? ' (a number has no unit)' : ''}`,
      fix,
    });
  }
  let seconds: unknown;
  try {
    seconds = (value.toSeconds as (options?: { integral?: boolean }) => unknown).call(value, { integral: false });
  } catch {
    seconds = undefined;
  }
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds <= 0) {
    fail({
      code: 'KL-PROP-DURATION',
      path: ctx.path,
      prop,
      problem: `is ${typeof seconds === 'number' ? `${seconds} seconds` : describeValue(value)}: a duration here is a whole, positive number of seconds`,
      fix,
    });
  }
  return seconds;
}
