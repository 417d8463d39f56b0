import { AWS_ACCOUNT_NARROWING_KEYS, AWS_ID_VALUED_KEYS, AWS_PRINCIPAL_NARROWING_KEYS } from '../../core/facts/aws-trust-keys';
import { isGlob } from '../../synth/glob';
import { resourcePolicyStatements, StatementCondition, statementConditions, trustStatements } from '../../synth/policy';
import { asList, literal } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

/** Positive string and ARN operators: a missing key fails them (not `…IfExists`, `Not…` or `ForAllValues:`). */
const NARROWING_OPERATOR = /^(ForAnyValue:)?(String(Equals|EqualsIgnoreCase|Like)|Arn(Equals|Like))$/;

/** Whether one value of a narrowing condition admits one organization, account, principal or source only. */
function valueNarrows(operator: string, key: string, value: string): boolean {
  // StringEquals reads `*` literally; StringLike and both ARN operators read it as a wildcard (IAM, "Condition operators").
  if (!/Like$|Arn/.test(operator) || !isGlob(value)) return true;
  if (/^[*?]+$/.test(value) || AWS_ID_VALUED_KEYS.some((k) => k.toLowerCase() === key)) return false;
  if (key.endsWith('orgpaths')) return !isGlob(value.split('/')[0]);
  if (!value.startsWith('arn:')) return false;
  const parts = value.split(':');
  const account = parts[4] ?? '';
  // An ARN without an account (S3) names its resource: a resource part of wildcards only names none.
  return account === '' ? !/^[*?/]*$/.test(parts.slice(5).join(':')) : !isGlob(account);
}

/** Whether a condition narrows the statement by one of `keys`, with every value narrowing. */
function narrows(condition: StatementCondition, keys: readonly string[]): boolean {
  const key = condition.key.toLowerCase();
  return NARROWING_OPERATOR.test(condition.operator) && keys.some((k) => k.toLowerCase() === key) && condition.values.length > 0
    && condition.values.every((v) => valueNarrows(condition.operator, key, literal(v)));
}

/** A segment of an ARN: literal characters, or `${…}` placeholders (`${AWS::AccountId}`, `${data.x.account_id}`). */
const SEGMENT = '(?:\\$\\{[^}]*\\}|[^:*?$])+';
const ROOT_ARN = new RegExp(`^arn:${SEGMENT}:iam::(${SEGMENT}):root$`);

/** The account a whole-account principal names (`arn:PARTITION:iam::ACCOUNT:root` or a bare 12-digit id), or undefined. */
function wholeAccount(principal: string): string | undefined {
  return /^\d{12}$/.test(principal) ? principal : ROOT_ARN.exec(principal)?.[1];
}

/**
 * A trust that admits every AWS principal (`Principal: "*"`, `{"AWS": "*"}`) or every user and role of a whole
 * account (`arn:aws:iam::ACCOUNT:root`, a bare account id; the role's own account too) in an Allow statement with no
 * condition that narrows it. Narrowing: a positive string or ARN condition (not `Not…`, `…IfExists`, `ForAllValues:`)
 * on `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:SourceArn`,
 * `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths`, and for a whole account also `sts:ExternalId`
 * (see core/facts/aws-trust-keys.ts for the sources), whose values are not wildcards that admit any account.
 * Keys: `Principal::VALUE` (`Principal::*`, `Principal::arn:aws:iam::111122223333:root`).
 */
export const awsPrincipalWildcard: GuardrailRule = {
  id: 'KL-G-AWS-PRINCIPAL-WILDCARD',
  info: 'A role trust admits every AWS principal, or every user and role of an account, or a resource policy document every AWS principal, with no condition narrowing it.',
  explanation: 'Principal `*` lets any user or role of any AWS account assume the role. A whole account (`:root`, or an account id) lets every user and role of that account whose own policies allow sts:AssumeRole assume it, including the role\'s own account: who can assume is then decided outside the trust, by every identity policy of the account.',
  fix: 'name the exact role or user ARNs that may assume the role, or add a StringEquals condition on aws:PrincipalArn, aws:PrincipalOrgID or aws:PrincipalAccount (sts:ExternalId for a third-party account)',
  check(resource, context) {
    const found: RuleFinding[] = [];
    let applicable = false;
    for (const statement of trustStatements(resource, context.resources)) {
      if (statement?.Effect !== 'Allow' || statement.Principal === undefined) continue;
      const principals = statement.Principal === '*' ? ['*'] : asList<unknown>(statement.Principal?.AWS).map((p) => literal(p));
      if (principals.length === 0) continue;
      applicable = true;
      const conditions = statementConditions(statement);
      for (const principal of principals) {
        const account = wholeAccount(principal);
        if (principal !== '*' && account === undefined) continue;
        const keys = principal === '*' ? AWS_PRINCIPAL_NARROWING_KEYS : AWS_ACCOUNT_NARROWING_KEYS;
        if (conditions.some((c) => narrows(c, keys))) continue;
        const key = `Principal::${principal}`;
        if (found.some((f) => f.key === key)) continue;
        found.push(principal === '*'
          ? { key, message: 'Principal * admits every user and role of every AWS account, and no condition narrows it to an organization, account, principal or source' }
          : { key, message: `Principal ${principal} admits every user and role of account ${account} allowed sts:AssumeRole, and no condition narrows it to a principal, organization, source or external id` });
      }
    }
    // A data document written as a resource policy (bucket, key, queue…): `*` grants its actions to every AWS
    // principal. A whole account there is the usual cross-account grant and is not judged.
    for (const statement of resourcePolicyStatements(resource, context.resources)) {
      if (statement?.Effect !== 'Allow') continue;
      applicable = true;
      const principals = statement.Principal === '*' ? ['*'] : asList<unknown>(statement.Principal?.AWS).map((p) => literal(p));
      if (!principals.includes('*') || statementConditions(statement).some((c) => narrows(c, AWS_PRINCIPAL_NARROWING_KEYS))) continue;
      if (found.some((f) => f.key === 'Principal::*')) continue;
      const actions = asList<unknown>(statement.Action).map((a) => literal(a)).join(', ') || 'its NotAction complement';
      found.push({ key: 'Principal::*', message: `Principal * is allowed ${actions} by this resource policy document: every AWS principal of every account, and no condition narrows it to an organization, account, principal or source` });
    }
    return applicable ? verdict(found) : NOT_APPLICABLE;
  },
};
