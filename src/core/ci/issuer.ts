import { fail, quote, ValidationContext } from '../errors';
import { requireLiterals } from '../literal';

/** OIDC issuer URLs, as IAM, GCP and Entra ID compare them with a token's `iss`. */

/** Longest issuer URL accepted: the IAM OIDC provider URL limit. */
export const ISSUER_MAX_CHARS = 255;

/** Validates an `https://` issuer URL (no trailing slash, query, fragment, credentials or wildcard). */
export function checkIssuerUrl(
  value: unknown, ctx: ValidationContext, prop: string, example: string, options: { allowTrailingSlash?: boolean } = {},
): string {
  const problem = (why: string) => fail({
    code: 'KL-CI-ISSUER',
    path: ctx.path,
    prop,
    problem: `is ${quote(value)}: ${why}`,
    fix: `give the exact issuer URL as it appears in the token's \`iss\` claim, e.g. "${example}"`,
  });
  if (typeof value !== 'string') return problem('an issuer is an https URL');
  requireLiterals(value, ctx, prop, 'which tokens are trusted');
  // IAM OIDC provider URLs are at most 255 characters (CreateOpenIDConnectProvider); no real issuer is longer.
  if (value.length > ISSUER_MAX_CHARS) return problem(`an issuer URL is at most ${ISSUER_MAX_CHARS} characters (IAM OIDC provider limit), this one is ${value.length}`);
  // `?` is refused below as a query: an issuer has none, and AWS StringLike would read it as a wildcard.
  if (/[*[\]]/.test(value)) return problem('wildcards are not allowed in an issuer');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return problem('not a URL');
  }
  if (url.protocol !== 'https:') return problem('an OIDC issuer must use https');
  if (url.username || url.password || url.search || url.hash || value.includes('?') || value.includes('#')) {
    return problem('an issuer has no credentials, query or fragment');
  }
  if (url.port) return problem('an issuer URL with an explicit port is not supported by AWS IAM OIDC providers');
  if (value.endsWith('/') && !options.allowTrailingSlash) return problem('an issuer has no trailing slash (the `iss` claim must match it exactly)');
  const canonical = `${url.protocol}//${url.host}${url.pathname === '/' && !value.endsWith('/') ? '' : url.pathname}`;
  if (value !== canonical) {
    return problem('the issuer must be written in canonical form (lowercase host, no default port, no dot segments)');
  }
  return value;
}
