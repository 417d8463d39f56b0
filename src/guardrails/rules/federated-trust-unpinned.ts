import { subjectIsPinned } from '../../core/facts/subjects';
import { globMatches } from '../../synth/glob';
import { statementConditions, trustStatements } from '../../synth/policy';
import { asList, federatedProviderName, literal } from '../../synth/values';
import { GuardrailRule, NOT_APPLICABLE, RuleFinding, verdict } from '../model';

const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

/**
 * Whether a statement allows sts:AssumeRoleWithWebIdentity: an `Action` that matches it, or a `NotAction` that does
 * not exclude it (matching is case-insensitive and honours wildcards, as IAM does).
 */
function allowsWebIdentity(statement: any): boolean {
  const matches = (a: unknown) => typeof a === 'string' && globMatches(a, WEB_IDENTITY, true);
  if (asList<unknown>(statement.Action).some(matches)) return true;
  return statement.NotAction !== undefined && !asList<unknown>(statement.NotAction).some(matches);
}

/**
 * Federated (OIDC) trust without a pinned subject and audience. Keys: `Condition::PROVIDER:aud` and
 * `Condition::PROVIDER:sub` (a missing or only negated condition), `Operator::OPERATOR` (a sub condition under an
 * operator that admits tokens without a matching sub), `Subject::VALUE` (a sub pattern that pins no repository).
 * A statement whose `NotAction` does not exclude sts:AssumeRoleWithWebIdentity is checked like one allowing it.
 */
export const federatedTrustUnpinned: GuardrailRule = {
  id: 'KL-G-FEDERATED-TRUST-UNPINNED',
  info: 'A federated (OIDC) trust does not pin the token\'s subject and audience.',
  explanation: 'Without a `sub` condition, every token of the issuer (for GitHub: every repository on github.com) can assume the role; a `*` before the repository in the subject admits other organizations or repositories, because StringLike `*` also matches `/` and `:`.',
  fix: 'pin `ISSUER:aud` and `ISSUER:sub` with StringEquals to the exact repository and ref (CiOidcTrust does this), using StringLike only for a declared tag pattern after the repository',
  check(resource) {
    const found: RuleFinding[] = [];
    // One finding per key: a second statement of the same provider without a (positive) sub condition is the same
    // finding (the provider's sub is not pinned), whatever its message.
    const add = (finding: RuleFinding) => {
      if (!found.some((f) => f.key === finding.key)) found.push(finding);
    };
    let federatedStatements = 0;
    for (const statement of trustStatements(resource)) {
      if (statement?.Effect !== 'Allow') continue;
      const federated = statement.Principal?.Federated;
      if (federated === undefined || !allowsWebIdentity(statement)) continue;
      federatedStatements++;
      const principal = literal(federated);
      const provider = federatedProviderName(principal) ?? principal;
      const keys = (suffix: string) => statementConditions(statement).filter((c) => c.key.endsWith(`:${suffix}`));
      const subs = keys('sub');
      if (keys('aud').length === 0) add({ key: `Condition::${provider}:aud`, message: `trust of ${provider} has no aud condition` });
      if (subs.length === 0) {
        add({ key: `Condition::${provider}:sub`, message: `trust of ${provider} has no sub condition: every token of the issuer is admitted` });
        continue;
      }
      const pins = subs.filter(({ operator }) => !/Not|^ForAllValues:|IfExists$/.test(operator));
      if (pins.length === 0) {
        add({
          key: `Condition::${provider}:sub`,
          message: `trust of ${provider} has no positive sub condition (${subs.map((s) => s.operator).join(', ')} does not pin the subject)`,
        });
      }
      for (const { operator, values } of subs) {
        if (/^ForAnyValue:|^ForAllValues:|IfExists$/.test(operator)) {
          add({ key: `Operator::${operator}`, message: `sub condition uses ${operator}, which admits tokens without a matching sub` });
        }
        if (/Not/.test(operator)) continue;
        for (const value of values.map(literal)) {
          const wildcard = /[*?]/.test(value);
          if (wildcard && !operator.startsWith('StringLike')) continue; // a literal * under StringEquals matches only "*"
          if (!subjectIsPinned(value)) add({ key: `Subject::${value}`, message: `sub ${value} does not pin the owner and repository literally` });
        }
      }
    }
    return federatedStatements === 0 ? NOT_APPLICABLE : verdict(found);
  },
};
