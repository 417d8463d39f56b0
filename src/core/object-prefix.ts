import { fail, quote, ValidationContext } from './errors';
import { requireLiterals } from './literal';

/**
 * Longest object-name prefix accepted, in UTF-8 bytes: S3 keys, Cloud Storage object names and blob names are at most
 * 1,024 bytes (characters for blobs), and the prefix is followed by `/` and at least one character.
 */
export const OBJECT_PREFIX_MAX_BYTES = 1000;

/** Where an object-name prefix is used: its error code and wording. */
export interface ObjectPrefixUse {
  /** Error code, e.g. `KL-PUB-S3-PREFIX`. */
  readonly code: string;
  /** What the prefix is, e.g. "a publish prefix". */
  readonly what: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * Validates an object-name prefix that scopes a grant (an S3 resource ARN, a Cloud Storage IAM condition, an Azure
 * ABAC condition) and returns the folder it grants, `PREFIX/`. One rule for every cloud, since the same prefix is
 * rendered into three policy languages:
 *
 * - a literal (never a token): a deploy-time value could be `*`, or close the condition string;
 * - non-empty once trailing `/` are removed: an empty prefix would grant the whole bucket;
 * - no `*` or `?` (IAM wildcards), no `'` or `\` (string delimiters of CEL and ABAC conditions), no control
 *   characters (a newline is refused by the providers), no leading `/`, no `//`, no `.` or `..` segments;
 * - at most {@link OBJECT_PREFIX_MAX_BYTES} bytes.
 */
export function checkObjectPrefix(prefix: unknown, ctx: ValidationContext, prop: string, use: ObjectPrefixUse): string {
  requireLiterals(prefix, ctx, prop, 'which objects may be read or written');
  const rule = 'non-empty, with no wildcards (`*`, `?`), quotes (`\'`, `\\`), control characters or leading `/`, no `//`, `.` or `..` segments, '
    + `and at most ${OBJECT_PREFIX_MAX_BYTES} bytes (an empty prefix would grant every object)`;
  const refuse = (): never => fail({ code: use.code, path: ctx.path, prop, problem: `is ${quote(prefix)}: ${use.what} is ${rule}`, fix: use.fix });
  if (typeof prefix !== 'string') return refuse();
  const trimmed = prefix.replace(/\/+$/, '');
  // eslint-disable-next-line no-control-regex
  if (trimmed === '' || /[*?'\\\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(prefix) || prefix.startsWith('/') || trimmed.includes('//')
    || trimmed.split('/').some((segment) => segment === '.' || segment === '..') || Buffer.byteLength(prefix, 'utf8') > OBJECT_PREFIX_MAX_BYTES) {
    return refuse();
  }
  return `${trimmed}/`;
}

/** An IAM condition description is at most 256 characters (Google Cloud IAM conditions). */
export const GCP_CONDITION_DESCRIPTION_MAX_CHARS = 256;

/** The description, or the fallback when it would exceed the IAM condition description limit. */
export function gcpConditionDescription(description: string, fallback: string): string {
  return description.length <= GCP_CONDITION_DESCRIPTION_MAX_CHARS ? description : fallback;
}
