import { CiTrustPolicy, WILDCARD_CHARS } from '../ci/policy';
import { fail, quote, ValidationContext } from '../errors';
import { awsStsExposesClaim } from '../facts/aws-sts-claims';
import { iamLiteral } from '../literal';

/** The audience the official `aws-actions/configure-aws-credentials` action requests (aws-actions/configure-aws-credentials and IAM OIDC condition keys). */
export const AWS_STS_AUDIENCE = 'sts.amazonaws.com';

/**
 * IAM's default quota on a role trust policy: 2,048 characters, without white space (raisable to 4,096).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const AWS_TRUST_POLICY_MAX_CHARS = 2048;

/** IAM condition operators and their keys, as in a policy statement's `Condition`. */
export type AwsCondition = Record<string, Record<string, string | string[]>>;

/** The AWS rendering of a CI trust: the OIDC provider to use and one condition block per trust statement. */
export interface AwsWebIdentityTrust {
  /** Issuer URL for the IAM OIDC provider. */
  readonly providerUrl: string;
  /** Client ids (audiences) the OIDC provider must list. */
  readonly clientIds: readonly string[];
  /**
   * One condition per `sts:AssumeRoleWithWebIdentity` statement: exact subjects with `StringEquals`, declared
   * patterns with `StringLike` in their own statement (keys within one statement are AND-ed), each combined with
   * every exact and pattern alternative of a claim requirement. Every statement pins `aud` and the claim pins STS
   * exposes.
   */
  readonly conditions: readonly AwsCondition[];
}

/**
 * Decides the AWS trust for a CI source: `StringEquals` on `aud`, `sub` and every claim pin STS exposes as a
 * condition key for the issuer (for GitHub, `repository_id`: a re-created repository of the same name is denied
 * whatever subject form it emits), `StringLike` only for declared patterns. A claim requirement (e.g. `ref` for
 * environment jobs on declared branches) on a key STS does not expose is refused rather than dropped.
 * (AWS What's New 2026-01, "AWS STS supports validation of identity provider specific claims"; IAM, "Available keys
 * for AWS OIDC federation".)
 */
export function awsWebIdentityTrust(policy: CiTrustPolicy, audience: string, ctx: ValidationContext, prop = 'audience'): AwsWebIdentityTrust {
  checkAudience(audience, ctx, prop);
  const key = (claim: string) => `${policy.issuerHostPath}:${claim}`;
  // Subjects and claims are literals: a `${` in a branch name would be read by IAM as a policy variable.
  const literal = (value: string) => iamLiteral(value, ctx, 'source');
  const one = (values: readonly string[]) => (values.length === 1 ? literal(values[0]) : values.map(literal));

  // Declared ids must be checked somewhere: a name-based subject does not carry them, so on an issuer whose
  // `repository_id` STS does not expose (a GitHub Enterprise unique issuer) the trust would admit a repository
  // deleted and re-created under the same name.
  const repository = policy.repository;
  if (policy.platform === 'github-actions' && repository?.repositoryId !== undefined && repository.subjectFormat !== 'immutable'
    && !awsStsExposesClaim(policy.issuerUrl, 'repository_id')) {
    fail({
      code: 'KL-AWS-IDS-UNCHECKABLE',
      path: ctx.path,
      prop: 'source.subjectFormat',
      problem: `is "${repository.subjectFormat}" with \`repositoryId\` ${repository.repositoryId} given, but on the issuer ${policy.issuerUrl} AWS STS exposes no \`repository_id\` key and the name-based subject does not carry the ids: a repository deleted and re-created as ${repository.path} would get the role`,
      fix: 'declare `subjectFormat: "immutable"` once the repository emits it (its subject carries the ids), or drop the ids and set `allowNameOnlyPinning: true` to accept the name-reuse risk',
      docs: 'https://docs.github.com/en/actions/reference/security/oidc',
    });
  }
  const base: Record<string, string | string[]> = { [key('aud')]: iamLiteral(audience, ctx, prop) };
  for (const pin of policy.claimPins) {
    if (awsStsExposesClaim(policy.issuerUrl, pin.claim)) base[key(pin.claim)] = literal(pin.value);
  }
  // Each alternative is one statement's extra operators; statements are OR-ed, keys within one statement AND-ed.
  type Operators = Record<string, Record<string, string | string[]>>;
  const subjectAlternatives: Operators[] = [];
  if (policy.exactSubjects.length > 0) subjectAlternatives.push({ StringEquals: { [key('sub')]: one(policy.exactSubjects) } });
  if (policy.subjectPatterns.length > 0) subjectAlternatives.push({ StringLike: { [key('sub')]: one(policy.subjectPatterns) } });
  let alternatives: Operators[] = subjectAlternatives;
  for (const requirement of policy.claimRequirements ?? []) {
    if (!awsStsExposesClaim(policy.issuerUrl, requirement.claim)) {
      fail({
        code: 'KL-AWS-CLAIM-KEY',
        path: ctx.path,
        prop: requirement.prop,
        problem: `requires the \`${requirement.claim}\` claim (${requirement.reason}), but AWS STS exposes no \`${key(requirement.claim)}\` condition key for the issuer ${policy.issuerUrl}: it checks only \`sub\` and \`aud\` there`,
        fix: requirement.fixWhereUncheckable,
        docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif',
      });
    }
    const options: Operators[] = [];
    if (requirement.values.length > 0) options.push({ StringEquals: { [key(requirement.claim)]: one(requirement.values) } });
    if ((requirement.prefixes ?? []).length > 0) options.push({ StringLike: { [key(requirement.claim)]: one(requirement.prefixes!.map((p) => `${p}*`)) } });
    alternatives = alternatives.flatMap((alternative) => options.map((option) => mergeOperators(alternative, option)));
  }
  const conditions: AwsCondition[] = alternatives.map((alternative) => {
    const merged = mergeOperators({ StringEquals: { ...base } }, alternative);
    return Object.fromEntries(Object.entries(merged).map(([operator, keys]) => [operator, sortObject(keys)]));
  });
  const trust = { providerUrl: policy.issuerUrl, clientIds: [audience], conditions };
  const size = estimateTrustPolicyChars(policy, trust);
  if (size > AWS_TRUST_POLICY_MAX_CHARS) {
    fail({
      code: 'KL-AWS-TRUST-SIZE',
      path: ctx.path,
      prop: 'source',
      problem: `renders a trust policy of about ${size} characters, over IAM's ${AWS_TRUST_POLICY_MAX_CHARS}-character limit for role trust policies (${policy.exactSubjects.length + policy.subjectPatterns.length} subjects, ${conditions.length} ${conditions.length === 1 ? 'statement' : 'statements'})`,
      fix: 'split the refs over several CiOidcTrust declarations (one per release stream or environment), which also keeps each role narrower',
      docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
    });
  }
  return trust;
}

/** Merges condition operators; a key never appears twice under one operator (each claim is decided once). */
function mergeOperators(
  a: Record<string, Record<string, string | string[]>>, b: Record<string, Record<string, string | string[]>>,
): Record<string, Record<string, string | string[]>> {
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const [operator, keys] of [...Object.entries(a), ...Object.entries(b)]) {
    out[operator] = { ...(out[operator] ?? {}), ...keys };
  }
  return out;
}

function sortObject<T>(value: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1)));
}

/** Length of the trust policy as IAM counts it (no white space), with a 12-digit account in the provider ARN. */
function estimateTrustPolicyChars(policy: CiTrustPolicy, trust: AwsWebIdentityTrust): number {
  const document = {
    Version: '2012-10-17',
    Statement: trust.conditions.map((condition) => ({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: condition,
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${policy.issuerHostPath}` },
    })),
  };
  return JSON.stringify(document).length;
}

function checkAudience(audience: unknown, ctx: ValidationContext, prop: string): void {
  if (typeof audience !== 'string' || audience === '' || audience.length > 255 || WILDCARD_CHARS.test(audience) || /\s/.test(audience)) {
    fail({
      code: 'KL-AWS-AUDIENCE',
      path: ctx.path,
      prop,
      problem: `is ${quote(audience)}: an audience is an exact, non-empty value of at most 255 characters with no wildcards or spaces`,
      fix: `use "${AWS_STS_AUDIENCE}" (what aws-actions/configure-aws-credentials requests) or the exact \`aud\` your CI job sets`,
    });
  }
}
