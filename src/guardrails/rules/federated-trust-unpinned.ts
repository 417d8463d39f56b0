import { broadCiSubjects, ciSubjectRepository, subjectAdmitsPullRequest } from '../../core/facts/ci-subject-breadth';
import { subjectIsPinned } from '../../core/facts/subjects';
import { globCovers, globMatches } from '../../synth/glob';
import { claimKeyIssuer, statementConditions, trustStatements } from '../../synth/policy';
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
 * What a subject pinned to one repository still admits broadly: pull_request runs (GitHub; the decision the inventory
 * and `keyless diff` flag), and every branch or environment when a StringLike pattern covers
 * `REPO:ref:refs/heads/*` or `REPO:environment:*` (GitLab: `PROJECT:ref_type:branch:ref:*`).
 */
function broadlyAdmits(value: string, pattern: boolean): string[] {
  const repository = ciSubjectRepository(value);
  if (!repository) return [];
  const admits = repository.ci === 'github' && subjectAdmitsPullRequest(value) ? ['pull_request runs'] : [];
  if (pattern) admits.push(...broadCiSubjects(value).filter((b) => globCovers(value, b.subject)).map((b) => b.admits));
  return admits;
}

/**
 * Whether a statement pins the run's Git ref through the `ref` claim (GitHub's `ISSUER:ref` key): a positive condition
 * whose values are exact branch or tag refs. Then neither a pull-request run (`refs/pull/N/merge`) nor another branch
 * is admitted, whatever the subject's context.
 */
function pinsRef(conditions: ReadonlyArray<{ operator: string; key: string; values: unknown[] }>): boolean {
  return conditions.some(({ operator, key, values }) => key.endsWith(':ref') && /^String(Equals|EqualsIgnoreCase|Like)$/.test(operator)
    && values.length > 0 && values.map(literal).every((v) => /^refs\/(heads|tags)\/[^*?]+$/.test(v)));
}

/** The one issuer a statement's claim conditions name (`token.actions.githubusercontent.com:sub`), if exactly one. */
function issuerOfClaimKeys(conditions: ReadonlyArray<{ key: string }>): string | undefined {
  const issuers = new Set(conditions.map((c) => claimKeyIssuer(c.key)).filter((i): i is string => i !== undefined));
  return issuers.size === 1 ? [...issuers][0] : undefined;
}

/** `a`, `a and b`, `a, b and c`. */
function and(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Federated (OIDC) trust without a pinned subject and audience. Keys: `Condition::PROVIDER:aud` and
 * `Condition::PROVIDER:sub` (a missing or only negated condition), `Operator::OPERATOR` (a sub condition under an
 * operator that admits tokens without a matching sub), `Subject::VALUE` (a sub pattern that pins no repository, or
 * a subject of one repository that admits pull_request runs, every branch or every environment: `repo:acme/app:*`,
 * `repo:acme/app:ref:refs/heads/*`, `repo:acme/app:environment:*`, `repo:acme/app:pull_request`,
 * `project_path:acme/app:ref_type:branch:ref:*`), unless the statement pins the `ref` claim to exact branches or tags.
 * A tag pattern (`repo:acme/app:ref:refs/tags/v*`) is not flagged.
 * A statement whose `NotAction` does not exclude sts:AssumeRoleWithWebIdentity is checked like one allowing it.
 */
export const federatedTrustUnpinned: GuardrailRule = {
  id: 'KL-G-FEDERATED-TRUST-UNPINNED',
  info: 'A federated (OIDC) trust does not pin the token\'s subject and audience.',
  explanation: 'Without a `sub` condition, every token of the issuer (for GitHub: every repository on github.com) can assume the role; a `*` before the repository in the subject admits other organizations or repositories, because StringLike `*` also matches `/` and `:`. After the repository, a `*` that reaches the ref or environment (`repo:OWNER/REPO:*`, `…:ref:refs/heads/*`, `…:environment:*`) admits pull_request runs or runs of any branch or environment, which anyone with write access can create without review; `…:pull_request` admits pull-request runs, which execute unreviewed code.',
  fix: 'pin `ISSUER:aud` and `ISSUER:sub` with StringEquals to the exact repository and ref or environment (CiOidcTrust does this), using StringLike only for a declared tag pattern after the repository; trust pull requests only from a separate, read-only role',
  check(resource, context) {
    const found: RuleFinding[] = [];
    // One finding per key: a second statement of the same provider without a (positive) sub condition is the same
    // finding (the provider's sub is not pinned), whatever its message.
    const add = (finding: RuleFinding) => {
      if (!found.some((f) => f.key === finding.key)) found.push(finding);
    };
    let federatedStatements = 0;
    for (const statement of trustStatements(resource, context.resources)) {
      if (statement?.Effect !== 'Allow') continue;
      const federated = statement.Principal?.Federated;
      if (federated === undefined || !allowsWebIdentity(statement)) continue;
      federatedStatements++;
      const principal = literal(federated);
      const keys = (suffix: string) => statementConditions(statement).filter((c) => c.key.endsWith(`:${suffix}`));
      // A provider named by reference (`!GetAtt Provider.Arn`, `${aws_iam_openid_connect_provider.x.arn}`): its
      // issuer is the prefix of the statement's own claim keys (`ISSUER:sub`), so that the finding has the same key
      // in every format.
      const provider = federatedProviderName(principal) ?? issuerOfClaimKeys(statementConditions(statement)) ?? principal;
      const subs = keys('sub');
      const refPinned = pinsRef(keys('ref'));
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
          // StringLike (also under ForAnyValue: or IfExists) reads * as a wildcard; a literal * under StringEquals matches only "*".
          if (wildcard && !operator.includes('StringLike')) continue;
          if (!subjectIsPinned(value)) {
            add({ key: `Subject::${value}`, message: `sub ${value} does not pin the owner and repository literally` });
            continue;
          }
          const admits = refPinned ? [] : broadlyAdmits(value, wildcard);
          if (admits.length > 0) add({ key: `Subject::${value}`, message: `sub ${value} admits ${and(admits)}` });
        }
      }
    }
    return federatedStatements === 0 ? NOT_APPLICABLE : verdict(found);
  },
};
