import { fail, quote, ReferenceFramework, ValidationContext } from './errors';

/**
 * Values that decide security must be literals known at synthesis, and must reach the provider as the literal
 * Keyless validated. This module is the one place that knows how a value can change meaning afterwards:
 *
 * - an unresolved framework token (aws-cdk-lib `CfnParameter`, `Fn.importValue`, `Lazy`; cdktf
 *   `TerraformVariable`, references) is decided at deploy or plan time, after every Keyless check;
 * - a downstream template language evaluates parts of a literal: `${…}` is an IAM policy variable, and Terraform
 *   evaluates `${…}` and `%{…}` in every string of its configuration, and normalizes it to NFC;
 * - a declaration object that is not what it seems: a look-alike of a Keyless class, or a getter that answers
 *   validation and rendering differently.
 */

// aws-cdk-lib string and list tokens (`${Token[…]}`, `#{Token[…]}`) and cdktf's (`${TfToken[…]}`, `#{TfToken[…]}`).
const TOKEN_MARKER = /[$#]\{(?:Tf)?Token\[/;
// aws-cdk-lib and cdktf encode number tokens as doubles around -1.8881545897087626e+289: no real value comes near.
const NUMBER_TOKEN_MAGNITUDE = 1e288;

/** Whether a value is, or contains, an unresolved aws-cdk-lib or cdktf token (string, list, number or resolvable). */
export function isUnresolvedToken(value: unknown): boolean {
  if (typeof value === 'string') return TOKEN_MARKER.test(value);
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) >= NUMBER_TOKEN_MAGNITUDE;
  if (Array.isArray(value)) return value.some((item) => typeof item === 'string' && TOKEN_MARKER.test(item));
  return typeof value === 'object' && value !== null && typeof (value as { resolve?: unknown }).resolve === 'function'
    && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Requires a declaration (walking plain objects and arrays) to hold only literals that reach the provider unchanged:
 *
 * - no unresolved token: subjects, issuers, prefixes, conditions and scopes that shape a policy must be known at
 *   synthesis, so that what Keyless validated is what the provider evaluates;
 * - only well-formed Unicode in Normalization Form C: Terraform (and HCL generally) rewrites every string to NFC
 *   and replaces unpaired surrogates with U+FFFD, so `cafe\u0301` would be written as a different value, `café`
 *   (U+00E9), which another git branch or object name can carry.
 *
 * @param value the declaration or one of its values
 * @param prop the dotted prop path of `value`, for the error message
 * @param what what the value decides, e.g. "the subjects admitted"
 */
export function requireLiterals(value: unknown, ctx: ValidationContext, prop: string, what = 'what the identity trusts or may do'): void {
  const seen = new Set<unknown>();
  const walk = (item: unknown, path: string, depth = 0): void => {
    if (depth > MAX_DECLARATION_DEPTH) {
      fail({ code: 'KL-PROP-DEPTH', path: ctx.path, prop: path, problem: `nests deeper than ${MAX_DECLARATION_DEPTH} levels, which no declaration needs`, fix: 'give the value as the documented string or list of strings' });
    }
    if (!Array.isArray(item) && isUnresolvedToken(item)) {
      fail({
        code: 'KL-LITERAL-TOKEN',
        path: ctx.path,
        prop: path,
        problem: `is an unresolved token (${typeof item === 'string' ? quote(item) : 'a deploy-time value'}): it decides ${what}, and a value known only at deploy or plan time (a parameter, an import, a variable, a reference) would reach the provider after every Keyless check`,
        fix: 'give the value as a literal string known at synthesis (read it from your configuration, not from a CfnParameter, Fn.importValue, a TerraformVariable or another resource\'s attribute)',
      });
    }
    if (typeof item === 'string') {
      checkCanonicalText(item, ctx, path, what);
      return;
    }
    if (typeof item !== 'object' || item === null || seen.has(item)) return;
    seen.add(item);
    if (Array.isArray(item)) {
      item.forEach((element, i) => walk(element, `${path}[${i}]`, depth + 1));
    } else if (Object.getPrototypeOf(item) === Object.prototype || Object.getPrototypeOf(item) === null) {
      for (const [key, element] of Object.entries(item)) walk(element, `${path}.${key}`, depth + 1);
    }
  };
  walk(value, prop);
}

/**
 * Refuses text that a downstream tool would rewrite: unpaired surrogates (not well-formed UTF-16, replaced by
 * U+FFFD) and text not in Unicode Normalization Form C (Terraform normalizes every string to NFC).
 */
export function checkCanonicalText(value: string, ctx: ValidationContext, prop: string, what = 'what the identity trusts or may do'): string {
  if (!isCanonicalText(value)) {
    const wellFormed = isWellFormed(value);
    fail({
      code: 'KL-LITERAL-UNICODE',
      path: ctx.path,
      prop,
      problem: `is ${quote(value)}, which ${wellFormed ? 'is not in Unicode Normalization Form C' : 'contains an unpaired surrogate'}: it decides ${what}, and Terraform rewrites such text (to NFC, or U+FFFD), so the provider would evaluate a different value, one that another name can carry`,
      fix: wellFormed
        ? `write it in composed form, ${quote(value.normalize('NFC'))} (\`value.normalize("NFC")\`), exactly as the token or object name carries it`
        : 'remove the broken character',
    });
  }
  return value;
}

/** Whether text reaches Terraform unchanged: well-formed UTF-16 (no unpaired surrogate) in Normalization Form C. */
export function isCanonicalText(value: string): boolean {
  return isWellFormed(value) && value.normalize('NFC') === value;
}

function isWellFormed(value: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

/**
 * Refuses `${` in a value rendered into an IAM policy string (condition values, resources): IAM reads `${…}` as a
 * policy variable, substituted from the request. IAM's `${$}` escape is documented for wildcard matching and its
 * treatment in `StringEquals` is not, so Keyless does not rely on it: such a value cannot be trusted exactly on AWS.
 *
 * @param value the literal as it would be rendered
 * @param prop the prop it comes from, for the error
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
export function iamLiteral(value: string, ctx: ValidationContext, prop: string): string {
  if (value.includes('${')) {
    fail({
      code: 'KL-AWS-POLICY-VARIABLE',
      path: ctx.path,
      prop,
      problem: `renders ${quote(value)} into an IAM policy, where \`\${…}\` is a policy variable that IAM replaces with a value from the request: the policy would no longer match the literal you declared`,
      fix: 'rename the branch, tag, environment or prefix so that it has no `${`, or do not trust it on AWS',
      docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html',
    });
  }
  return value;
}

/**
 * A literal for a Terraform string: Terraform evaluates `${…}` interpolations and `%{…}` directives in every
 * string of its configuration, JSON included; `$${` and `%%{` are their literal forms.
 *
 * Unresolved cdktf token markers (`${TfToken[…]}`) are left in place for cdktf to resolve into references; a
 * literal that only looks like one is refused by {@link requireLiterals} where the value decides security.
 *
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 */
export function terraformLiteral(value: string): string {
  return value
    .replace(/\$\{(?!TfToken\[)|%\{/g, (match) => (match === '${' ? '$${' : '%%{'))
    // Literal `$`s right before a reference would read as the escape `$${`: write them as a string expression.
    .replace(/\$+(?=\$\{TfToken\[)/g, (dollars) => `\${"${dollars}"}`);
}

/**
 * A copy of a declaration taken once, when it is made: plain objects and arrays are copied (each property read
 * once, so a getter cannot return one value to validation and another to rendering), sparse slots stay holes,
 * anything else (tokens, constructs, class instances) is kept as is and judged where it is used.
 */
export function snapshotDeclaration<T>(value: T): T {
  const copy = (item: unknown, seen: Map<unknown, unknown>, depth: number): unknown => {
    if (typeof item !== 'object' || item === null) return item;
    if (seen.has(item)) return seen.get(item);
    // Deeper than any declaration: kept as an empty object, which every prop check refuses with a Keyless error
    // (a recursive walk of 20,000 levels would otherwise end in a bare RangeError).
    if (depth > MAX_DECLARATION_DEPTH) return TOO_DEEP;
    if (Array.isArray(item)) {
      const result: unknown[] = new Array(item.length);
      seen.set(item, result);
      for (let i = 0; i < item.length; i++) if (i in item) result[i] = copy(item[i], seen, depth + 1);
      return Object.freeze(result);
    }
    const prototype = Object.getPrototypeOf(item);
    if (prototype !== Object.prototype && prototype !== null) return item;
    const result: Record<string, unknown> = {};
    seen.set(item, result);
    // Every own string-keyed property, enumerable or not: a non-enumerable `environments` must not vanish from the
    // copy (and with it a requirement); the consumers refuse keys they do not know.
    for (const key of Object.getOwnPropertyNames(item)) result[key] = copy((item as Record<string, unknown>)[key], seen, depth + 1);
    return Object.freeze(result);
  };
  return copy(value, new Map(), 0) as T;
}

/** Nesting depth beyond which a declaration value is not copied (no Keyless declaration nests more than a few levels). */
export const MAX_DECLARATION_DEPTH = 32;
const TOO_DEEP = Object.freeze({});

/**
 * The brand of a declaration class Keyless implements (a CI source, a publish target, an access intent): a registered
 * symbol, so that the check holds across two copies of the library in one app. Constructs accept only branded
 * declarations, because what such an object decides (a trust policy, a grant) is rendered as is.
 */
export function keylessBrand(name: string): symbol {
  return Symbol.for(`@keyless/constructs.${name}`);
}

/** Whether a value carries a Keyless brand. */
export function hasKeylessBrand(value: unknown, name: string): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[keylessBrand(name)] === true;
}

/**
 * Refuses a declaration object that Keyless did not make (a duck-typed look-alike): what it decides would be
 * rendered without Keyless's validation.
 *
 * @param factories how such an object is made, e.g. "`AwsPublishTarget.ecrRepository(…)`"
 */
export function requireKeylessDeclaration(value: unknown, brand: string, ctx: ValidationContext, prop: string, factories: string): void {
  if (!hasKeylessBrand(value, brand)) {
    fail({
      code: 'KL-PROP-NOT-KEYLESS',
      path: ctx.path,
      prop,
      problem: `is not a Keyless ${brand}: what a look-alike object decides would be rendered without Keyless's checks`,
      fix: `create it with ${factories}`,
    });
  }
}

/**
 * Whether a value names the resource a grant is on through a reference to that resource in the app (`repo.repositoryArn`,
 * `bucket.bucketName`, a Terraform resource's `id`): the framework resolves it from the declared resource, so it cannot
 * be set to `*` at deploy time, and the dependency on the resource is kept. Parameters, imports, variables and data
 * sources are not references here.
 */
export function isAcceptedReference(value: unknown, ctx: ValidationContext, framework: ReferenceFramework): value is string {
  return typeof value === 'string' && isUnresolvedToken(value) && ctx.isResourceReference?.(value, framework) === true;
}
