/**
 * Issue 17, phase 2: the attacker's tests. Each `describe` block is one attack on `keyless verify`, written against
 * hand-written outputs (test/fixtures/verify-attack/, never produced by Keyless) in CloudFormation JSON, Terraform JSON
 * and Terraform HCL. Every test asserts the CORRECT behaviour: a FINDING test fails until verify is fixed; a GUARD test
 * passes today and keeps an attack verify already handles from regressing.
 *
 * Independent oracles: the IAM simulator engine (test/helpers/aws-trust-evaluator.ts) for AWS, so that "the attacker
 * gets in" is proven by AWS's own policy engine and not by verify's evaluator.
 *
 * Forged tokens here are built with verify's own token builder (src/verify/tokens.ts `githubToken`), so they carry
 * every claim GitHub issues and a `sub` consistent with them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readSynthesizedOutput } from '../../src/synth/read';
import { Token, TrustResult, VerifyReport } from '../../src/verify/model';
import { githubToken, gitlabToken } from '../../src/verify/tokens';
import { readTrusts, verify } from '../../src/verify/verify';
import { assumeRoleWithWebIdentityAllowed } from '../helpers/aws-trust-evaluator';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'verify-attack');
const CFN = path.join(FIXTURES, 'cloudformation-json');
const GCP = path.join(FIXTURES, 'terraform-json-gcp');
const HCL = path.join(FIXTURES, 'hcl');
const TEMPLATE = JSON.parse(fs.readFileSync(path.join(CFN, 'attack.template.json'), 'utf8'));

const reports = new Map<string, VerifyReport>();
function reportOf(dir: string): VerifyReport {
  if (!reports.has(dir)) reports.set(dir, verify(readSynthesizedOutput([dir])));
  return reports.get(dir)!;
}
function trust(dir: string, id: string): TrustResult {
  const found = reportOf(dir).trusts.find((t) => t.id === id);
  if (found === undefined) throw new Error(`no trust ${id} in ${dir}: ${reportOf(dir).trusts.map((t) => t.id).join(', ')}`);
  return found;
}
/** verify's own evaluator of a trust, for a token the attacker builds. */
function decide(dir: string, id: string, token: Token): string {
  const t = readTrusts(readSynthesizedOutput([dir])).trusts.find((x) => x.id === id)!;
  return t.evaluate(token).outcome;
}
const admittedForged = (t: TrustResult) => t.forged.filter((e) => e.decision.outcome === 'admitted' && !e.sharedByDesign);
const subOf = (token: Token) => String(token.claims.sub);

/** A GitHub.com run of acme/app (ids of the e2e fixtures) with STS's audience. */
function acme(ref: string, changes: Partial<Parameters<typeof githubToken>[0]> = {}): Token {
  return githubToken({ owner: 'acme', repository: 'app', ownerId: '1234567', repositoryId: '76543210', ref, aud: 'sts.amazonaws.com', ...changes });
}
/** The claims the IAM simulator oracle takes (strings only). */
function oracleClaims(token: Token): Record<string, string> {
  return Object.fromEntries(Object.entries(token.claims).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
const iamAllows = (role: string, token: Token) => assumeRoleWithWebIdentityAllowed(TEMPLATE, role, oracleClaims(token), { account: '111122223333' });

// =====================================================================================================================
// FINDING 1 (high): a branch-name prefix glob is reported sound.
// Attack: the trust's `sub` is StringLike `repo:acme/app:ref:refs/heads/main*` (or `…release*`, GitLab `…ref:main*`,
// GCP `assertion.ref.startsWith('refs/heads/main')`). Anyone who can push a branch to acme/app (every contributor,
// not only those allowed to merge to the protected `main`) pushes `main-keyless-forged` and assumes the role meant for
// main. verify's other-branch family uses `refs/heads/keyless-forged`, which never matches a `main*` prefix, so no
// forged token gets in and the trust is called "sound".
// Evidence: IAM StringLike: `*` matches any sequence of characters, `?` one character ("String condition operators",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String);
// GitHub's sub carries the full ref `repo:OWNER/REPO:ref:refs/heads/BRANCH`
// (https://docs.github.com/en/actions/reference/security/oidc); CEL `startsWith` is a plain prefix test
// (https://github.com/google/cel-spec/blob/master/doc/langdef.md#string-functions).
// Fix: forge a branch that extends the legitimate one (`refs/heads/main-keyless-forged`: family `branch-prefix`) and
// a tag that extends a tag, whenever the ref/sub is constrained by a glob (or startsWith) with a literal branch prefix.
// =====================================================================================================================
describe('FINDING 1: branch-name prefix globs', () => {
  const attacker = acme('refs/heads/main-keyless-forged');

  test('the IAM simulator admits a contributor branch main-keyless-forged on gh-branch-prefix (oracle)', () => {
    expect(subOf(attacker)).toBe('repo:acme/app:ref:refs/heads/main-keyless-forged');
    expect(iamAllows('gh-branch-prefix', attacker)).toBe(true);
    expect(iamAllows('gh-branch-prefix', acme('refs/heads/main'))).toBe(true);
    expect(decide(CFN, 'aws:role:gh-branch-prefix', attacker)).toBe('admitted');
  });

  test('aws:role:gh-branch-prefix (CloudFormation, StringLike …:ref:refs/heads/main*) is weak with a branch-prefix forgery admitted', () => {
    const t = trust(CFN, 'aws:role:gh-branch-prefix');
    expect(t.verdict).toBe('weak');
    expect(admittedForged(t).map((e) => subOf(e.token)).some((s) => /^repo:acme\/app:ref:refs\/heads\/main.+/.test(s))).toBe(true);
  });

  test('aws:role:gh-hcl-branch-prefix (HCL jsonencode, …:ref:refs/heads/release*) is weak', () => {
    expect(decide(HCL, 'aws:role:gh-hcl-branch-prefix', acme('refs/heads/release-keyless-forged'))).toBe('admitted');
    expect(trust(HCL, 'aws:role:gh-hcl-branch-prefix').verdict).toBe('weak');
  });

  test('aws:role:gitlab-branch-prefix (HCL, GitLab project_path:acme/app:ref_type:branch:ref:main*) is weak', () => {
    const forged = gitlabToken({ projectPath: 'acme/app', namespaceId: '1', projectId: '2', refType: 'branch', ref: 'main-keyless-forged', refProtected: false });
    expect(decide(HCL, 'aws:role:gitlab-branch-prefix', forged)).toBe('admitted');
    expect(trust(HCL, 'aws:role:gitlab-branch-prefix').verdict).toBe('weak');
  });

  test("gcp startswith-branch (assertion.ref.startsWith('refs/heads/main')) is weak", () => {
    const id = 'gcp:startswith-branch/github->startswith-branch@acme-prod.iam.gserviceaccount.com';
    const aud = 'https://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/startswith-branch/providers/github';
    expect(decide(GCP, id, acme('refs/heads/main-keyless-forged', { aud }))).toBe('admitted');
    expect(trust(GCP, id).verdict).toBe('weak');
  });
});

// =====================================================================================================================
// FINDING 2 (medium): StringEqualsIgnoreCase on `sub` is reported sound.
// Attack: git branch names are case-sensitive: `MAIN` is another branch than `main`, which branch protection does not
// cover. A contributor pushes `refs/heads/MAIN`; `sub` is `repo:acme/app:ref:refs/heads/MAIN`, which
// StringEqualsIgnoreCase matches against `…refs/heads/main`. verify never forges a case variant.
// Evidence: StringEqualsIgnoreCase "Exact matching, ignoring case"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
// Fix: for *IgnoreCase operators forge the case-swapped branch (and repository) values; or report *IgnoreCase on a
// ref-carrying claim as weak.
// =====================================================================================================================
describe('FINDING 2: StringEqualsIgnoreCase', () => {
  const attacker = acme('refs/heads/MAIN');
  test('the IAM simulator admits refs/heads/MAIN (oracle)', () => {
    expect(iamAllows('gh-ignore-case', attacker)).toBe(true);
    expect(decide(CFN, 'aws:role:gh-ignore-case', attacker)).toBe('admitted');
  });
  test('aws:role:gh-ignore-case is weak', () => {
    expect(trust(CFN, 'aws:role:gh-ignore-case').verdict).toBe('weak');
  });
});

// =====================================================================================================================
// FINDING 3 (medium): a trust pinning the repository by a claim other than `sub` is reported sound, although it
// admits every branch, tag and pull request of the repository — the same ways in for which verify reports
// `repo:acme/app:*` weak (test/verify/verify-e2e.test.ts gh-any-ref: families pull-request and other-branch).
// Attack: with StringEquals `token.actions.githubusercontent.com:repository` = `acme/app` (STS exposes that claim for
// GitHub.com since 2026-01; src/core/facts/aws-sts-claims.ts) or GCP `assertion.repository == 'acme/app'`, a
// pull_request run of any contributor's branch, or a push to any branch, gets the role.
// verify generates pull-request / other-branch only "when constrained" (forge.ts WHEN_CONSTRAINED): here no
// ref-bearing claim is constrained, so the families are skipped.
// Fix: when the alternative constrains no ref/environment/workflow (neither `sub`'s context nor `ref`, `environment`,
// `job_workflow_ref`), generate pull-request and other-branch anyway, as for `repo:acme/app:*`.
// =====================================================================================================================
describe('FINDING 3: repository pinned, ref unconstrained', () => {
  test('the IAM simulator admits a pull_request run on gh-repository-claim (oracle)', () => {
    const pr = acme('refs/pull/7/merge', { event: 'pull_request' });
    expect(subOf(pr)).toBe('repo:acme/app:pull_request');
    expect(iamAllows('gh-repository-claim', pr)).toBe(true);
    expect(iamAllows('gh-repository-id-claim', pr)).toBe(true);
  });
  test.each(['aws:role:gh-repository-claim', 'aws:role:gh-repository-id-claim'])('%s is weak (pull-request admitted)', (id) => {
    const t = trust(CFN, id);
    expect(t.verdict).toBe('weak');
    expect(admittedForged(t).map((e) => e.family)).toContain('pull-request');
  });
  test("gcp repo-only (assertion.repository == 'acme/app') is weak", () => {
    const t = trust(GCP, 'gcp:repo-only/github->repo-only@acme-prod.iam.gserviceaccount.com');
    expect(t.verdict).toBe('weak');
    expect(admittedForged(t).map((e) => e.family)).toContain('pull-request');
  });
});

// =====================================================================================================================
// FINDING 4 (medium, false weak + false "legitimate refused"): condition key names in another case.
// `Token.Actions.GitHubUserContent.com:AUD` and `…:Sub` are the same keys as `…:aud` / `…:sub`: the trust is
// exactly gh-deploy-main. verify reads the claim names as written (`AUD`, `Sub`), so it derives no requirement on
// `aud` or `sub`, invents an owner, and reports the trust unpinned with its "legitimate" token refused.
// Evidence: "Context key names are not case-sensitive. For example, including the aws:SourceIP context key is
// equivalent to testing for AWS:SourceIp" (IAM JSON policy elements: Condition,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
// Fix: aws.ts `requirements()` keyName: lower-case the claim part of the key (`key.slice(colon + 1).toLowerCase()`).
// =====================================================================================================================
describe('FINDING 4: condition key case', () => {
  test('the IAM simulator admits acme/app main and refuses another owner (oracle)', () => {
    expect(iamAllows('gh-key-case', acme('refs/heads/main'))).toBe(true);
    expect(iamAllows('gh-key-case', acme('refs/heads/main', { owner: 'keyless-attacker', ownerId: '990001' }))).toBe(false);
  });
  test('aws:role:gh-key-case is sound, its legitimate identity acme/app main admitted', () => {
    const t = trust(CFN, 'aws:role:gh-key-case');
    expect(t.verdict).toBe('sound');
    expect(t.legitimate.map((e) => [subOf(e.token), e.decision.outcome])).toEqual([['repo:acme/app:ref:refs/heads/main', 'admitted']]);
  });
});

// =====================================================================================================================
// FINDING 5 (low, false weak): narrowing that is not a positive Allow condition.
// (a) ForAllValues:StringEquals on `sub`: `sub` is always in the request (single-valued), so the condition holds
//     exactly when sub is repo:acme/app:ref:refs/heads/main; the trust is sound. (ForAllValues "also returns true if
//     there are no context keys in the request": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
//     — which matters for absent keys only; STS always sets `sub`.)
// (b) Allow StringLike `repo:acme/*` + Deny StringNotEquals `sub` ≠ `repo:acme/app:ref:refs/heads/main`: only acme/app
//     main gets in; sound. verify derives its identity from the Allow alone (`acme/legit`), which the Deny refuses.
// (c) GCP `google.subject = assertion.repository_owner == 'acme' ? assertion.sub : 'nobody'` with the member
//     `principal://…/subject/repo:acme/app:ref:refs/heads/main`: only acme/app main; sound.
// Fix: read ForAllValues/ForAnyValue on single-valued STS keys as the plain operator; intersect Allow alternatives
// with Deny StringNotEquals/StringNotLike on the same key (the Deny's values are what remains admitted); for CEL
// mappings that are not a plain copy, take the member's subject as a requirement on `sub` when a branch of a ternary
// copies `assertion.sub`. At the least, do not report a legitimate identity verify invented as "refused" (broken).
// =====================================================================================================================
describe('FINDING 5: narrowing verify does not read', () => {
  test('oracle: the IAM simulator admits only acme/app main on gh-forallvalues and gh-deny-not', () => {
    for (const role of ['gh-forallvalues', 'gh-deny-not']) {
      expect(iamAllows(role, acme('refs/heads/main'))).toBe(true);
      expect(iamAllows(role, acme('refs/heads/keyless-forged'))).toBe(false);
      expect(iamAllows(role, acme('refs/heads/main', { repository: 'keyless-forged', repositoryId: '990002' }))).toBe(false);
    }
  });
  test.each(['aws:role:gh-forallvalues', 'aws:role:gh-deny-not'])('%s is sound', (id) => {
    expect(trust(CFN, id).verdict).toBe('sound');
  });
  test('gcp ternary-subject is sound', () => {
    expect(trust(GCP, 'gcp:ternary-subject/github->ternary-subject@acme-prod.iam.gserviceaccount.com').verdict).toBe('sound');
  });
});

// =====================================================================================================================
// FINDING 6 (low, report hides the admitted token): `?` or an inner `*` in the owner. `repo:acm?/app:…` admits the
// owner `acmx`, `repo:a*e/app:…` the owner `attacker-e`; anyone registers such a GitHub account. verify does call the
// trusts weak, but only as "unpinned: the trust constrains none of repository": no forged token is admitted (all 13
// refused), so the report shows no attacker token, and its one problem line is wrong (the trust does constrain the
// repository, by a pattern). Evidence: IAM StringLike `?` = one character (see FINDING 1).
// Fix: instantiate the attacker's owner from the glob itself (replace `?` by a letter other than the legitimate one,
// an inner `*` by `keyless-forged`), as family other-owner.
// =====================================================================================================================
describe('FINDING 6: glob characters inside the owner', () => {
  test('oracle: acmx/app and attacker-e/app get in', () => {
    expect(iamAllows('gh-owner-question', acme('refs/heads/main', { owner: 'acmx', ownerId: '990001' }))).toBe(true);
    expect(iamAllows('gh-owner-mid-glob', acme('refs/heads/main', { owner: 'attacker-e', ownerId: '990001' }))).toBe(true);
  });
  test.each(['aws:role:gh-owner-question', 'aws:role:gh-owner-mid-glob'])('%s reports an admitted forgery of another owner', (id) => {
    const t = trust(CFN, id);
    expect(t.verdict).toBe('weak');
    expect(admittedForged(t).some((e) => !String(e.token.claims.repository_owner).startsWith('legit'))).toBe(true);
  });
});

// =====================================================================================================================
// FINDING 7 (low, false sound on a broken trust): Azure credentials no GitHub token can ever match.
// (a) issuer `https://token.actions.githubusercontent.com/` (trailing slash): GitHub's `iss` has none, and Entra
//     compares the issuer exactly (the credential's `issuer` "must match the issuer claim of the external token",
//     https://learn.microsoft.com/graph/api/resources/federatedidentitycredential). verify builds its "legitimate"
//     token with the credential's issuer (slash included), a token GitHub never issues.
// (b) subject `repo:acme/*:ref:refs/heads/main`: Entra has no wildcard in `subject` (only flexible credentials'
//     claimsMatchingExpression, https://learn.microsoft.com/entra/workload-id/workload-identities-flexible-federated-identity-credentials);
//     `*` is no valid repository name, so no run matches. verify builds a token whose repository is literally `*`.
// Fix: derive the GitHub token's issuer from the platform (github.com issuer or `…/SLUG` without a trailing slash) and
// report the credential broken when they differ; refuse repository names outside GitHub's grammar.
// =====================================================================================================================
describe('FINDING 7: Azure credentials that match no real token', () => {
  test('azure:fic:app-deploy/github-main-slash is broken', () => {
    expect(trust(HCL, 'azure:fic:app-deploy/github-main-slash').verdict).toBe('broken');
  });
  test('azure:fic:app-deploy/github-glob is broken', () => {
    expect(trust(HCL, 'azure:fic:app-deploy/github-glob').verdict).toBe('broken');
  });
});

// =====================================================================================================================
// FINDING 8 (low): GCP `matches()` (RE2, unanchored unless `^`/`$`): `assertion.sub.matches('^repo:acme/app:ref:refs/heads/main')`
// admits `…main-keyless-forged` (weak, as FINDING 1). verify says weak, but for the wrong reason: it reads no
// requirement from matches(), invents a repository, and reports the legitimate identity refused. The legitimate run
// (acme/app main) is admitted by GCP.
// Evidence: CEL `matches` "Tests whether a string matches a RE2 regular expression" (partial match,
// https://github.com/google/cel-spec/blob/master/doc/langdef.md#regular-expressions).
// Fix: read `matches('^LITERAL')` as the glob `LITERAL*` (and `^LITERAL$` as exact); forge a branch prefix.
// =====================================================================================================================
describe('FINDING 8: GCP matches()', () => {
  test('gcp matches-prefix: weak with no legitimate identity refused', () => {
    const t = trust(GCP, 'gcp:matches-prefix/github->matches-prefix@acme-prod.iam.gserviceaccount.com');
    expect(t.verdict).toBe('weak');
    expect(t.legitimate.filter((e) => e.decision.outcome !== 'admitted')).toEqual([]);
  });
});

// =====================================================================================================================
// GUARDS: attacks verify already handles (these pass; they keep the behaviour).
// =====================================================================================================================
describe('GUARDS: attacks verify handles', () => {
  test.each([
    // StringEqualsIfExists on sub: STS always sets sub, so it is StringEquals: sound.
    ['aws:role:gh-ifexists-sub', 'sound'],
    // Null sub false only: any repository: weak.
    ['aws:role:gh-null', 'weak'],
    // StringLike aud "*": wrong audience admitted: weak.
    ['aws:role:gh-aud-like', 'weak'],
    // One sound statement, one on `workflow` only (a name any repository chooses): weak.
    ['aws:role:gh-two-statements', 'weak'],
    // A sub list where one value is `repo:*:ref:refs/heads/release`: weak.
    ['aws:role:gh-sub-list-weak', 'weak'],
    // Pins on claims that identify no repository (job_workflow_ref of a reusable workflow, environment, actor): weak.
    ['aws:role:gh-job-workflow', 'weak'],
    ['aws:role:gh-environment-claim', 'weak'],
    ['aws:role:gh-actor', 'weak'],
  ])('%s is %s', (id, verdict) => {
    expect(trust(CFN, id).verdict).toBe(verdict);
  });

  test('gh-two-statements: the workflow-only statement admits another owner, shown with its token', () => {
    const t = trust(CFN, 'aws:role:gh-two-statements');
    expect(admittedForged(t).map((e) => subOf(e.token))).toContain('repo:keyless-attacker/app:ref:refs/heads/main');
    expect(iamAllows('gh-two-statements', acme('refs/heads/main', { owner: 'keyless-attacker', ownerId: '990001' }))).toBe(true);
  });

  test.each([
    ['gcp:sound/github->sound@acme-prod.iam.gserviceaccount.com', 'sound'],
    ['gcp:in-list/github->in-list@acme-prod.iam.gserviceaccount.com', 'sound'],
    // `!(owner != 'acme')` is a double negation of the owner pin: sound with the repository and ref pinned.
    ['gcp:not-owner/github->not-owner@acme-prod.iam.gserviceaccount.com', 'sound'],
    // top-level `||` with a disjunct on `actor` only: weak.
    ['gcp:or-top/github->or-top@acme-prod.iam.gserviceaccount.com', 'weak'],
    // `contains()` admits a branch extending main and an owner ending in the name: weak.
    ['gcp:contains/github->contains@acme-prod.iam.gserviceaccount.com', 'weak'],
    // unanchored matches on the repository (acme/app-forged matches 'acme/app'): weak.
    ['gcp:matches-unanchored/github->matches-unanchored@acme-prod.iam.gserviceaccount.com', 'weak'],
    // google.subject from `workflow`, a name every repository of the owner chooses: weak.
    ['gcp:subject-from-workflow/github->subject-from-workflow@acme-prod.iam.gserviceaccount.com', 'weak'],
  ])('%s is %s', (id, verdict) => {
    expect(trust(GCP, id).verdict).toBe(verdict);
  });

  test('azure:fic:app-deploy/github-main is sound', () => {
    expect(trust(HCL, 'azure:fic:app-deploy/github-main').verdict).toBe('sound');
  });

  test('every attack fixture is verified without a crash, deterministically, every trust found', () => {
    for (const dir of [CFN, GCP, HCL]) {
      const a = JSON.stringify(verify(readSynthesizedOutput([dir])));
      const b = JSON.stringify(verify(readSynthesizedOutput([dir])));
      expect(a).toBe(b);
    }
    expect(reportOf(CFN).trusts.length).toBe(Object.keys(TEMPLATE.Resources).length);
    expect(reportOf(GCP).trusts.length).toBe(11);
    expect(reportOf(HCL).trusts.length).toBe(5);
    expect([CFN, GCP, HCL].flatMap((d) => reportOf(d).warnings)).toEqual([]);
  });
});
