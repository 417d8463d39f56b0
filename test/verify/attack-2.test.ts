/**
 * Issue 17, phase 2: the SECOND attacker's tests (the first attacker's findings are test/verify/attack.test.ts and are
 * not repeated). Each `describe` is one attack on `keyless verify`, against hand-written outputs
 * (test/fixtures/verify-attack-2/, never produced by Keyless): Terraform JSON (GCP), HCL (EKS IRSA, Pod Identity,
 * Azure, HCL expressions), a `terraform show -json` plan, two directories holding one trust, malformed input.
 * A FINDING test asserts the CORRECT behaviour and fails until verify is fixed; a GUARD test passes today and keeps an
 * attack verify handles from regressing.
 *
 * Oracles: the IAM simulator engine (test/helpers/aws-trust-evaluator.ts) for AWS (the HCL policy restated as a
 * CloudFormation template, identical JSON); test/helpers/gcp-token-exchange.ts for GCP where its CEL can evaluate the
 * expression (it uses the same CEL library as verify, so it is no oracle for CEL functions that library lacks: there
 * the evidence is GCP's documentation, cited in the comment).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/keyless';
import { readSynthesizedOutput } from '../../src/synth/read';
import { Token, TrustResult, VerifyReport } from '../../src/verify/model';
import { verifyMarkdown } from '../../src/verify/report';
import { githubToken, kubernetesToken } from '../../src/verify/tokens';
import { readTrusts, verify } from '../../src/verify/verify';
import { assumeRoleWithWebIdentityAllowed, podIdentityAssumeRoleAllowed } from '../helpers/aws-trust-evaluator';
import { findWorkloadIdentityProvider, gcpTokenExchange } from '../helpers/gcp-token-exchange';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'verify-attack-2');
const GCP = path.join(FIXTURES, 'gcp');
const HCL = path.join(FIXTURES, 'hcl');
const PLAN = path.join(FIXTURES, 'plan');
const SPLIT_A = path.join(FIXTURES, 'split-a');
const SPLIT_B = path.join(FIXTURES, 'split-b');
const GCP_JSON = JSON.parse(fs.readFileSync(path.join(GCP, 'main.tf.json'), 'utf8'));
const NUMBER = '123456789012';

const reports = new Map<string, VerifyReport>();
function reportOf(...dirs: string[]): VerifyReport {
  const key = dirs.join('\n');
  if (!reports.has(key)) reports.set(key, verify(readSynthesizedOutput(dirs)));
  return reports.get(key)!;
}
function trust(dir: string, id: string): TrustResult {
  const found = reportOf(dir).trusts.find((t) => t.id === id);
  if (found === undefined) throw new Error(`no trust ${id} in ${dir}: ${reportOf(dir).trusts.map((t) => t.id).join(', ')}`);
  return found;
}
function decide(dir: string, id: string, token: Token): string {
  return readTrusts(readSynthesizedOutput([dir])).trusts.find((x) => x.id === id)!.evaluate(token).outcome;
}
const admittedForged = (t: TrustResult) => t.forged.filter((e) => e.decision.outcome === 'admitted' && !e.sharedByDesign);
const gcpId = (pool: string, provider = 'github') => `gcp:${pool}/${provider}->${pool}@acme-prod.iam.gserviceaccount.com`;
const gcpAud = (pool: string, provider = 'github') =>
  `https://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/${pool}/providers/${provider}`;
function acme(ref: string, aud: string, changes: Partial<Parameters<typeof githubToken>[0]> = {}): Token {
  return githubToken({ owner: 'acme', repository: 'app', ownerId: '1234567', repositoryId: '76543210', ref, aud, ...changes });
}
const strings = (token: Token) => Object.fromEntries(Object.entries(token.claims).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

const CLUSTER_A = 'oidc.eks.eu-west-1.amazonaws.com/id/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const CLUSTER_B = 'oidc.eks.eu-west-1.amazonaws.com/id/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
/** A CloudFormation template holding one role with the trust policy of the HCL fixture (same JSON). */
function template(role: string, statement: object): object {
  return { Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: role, AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [statement] } } } } };
}
const federated = (host: string) => `arn:aws:iam::111122223333:oidc-provider/${host}`;
/** The STS-visible claims of a projected service account token (iss, sub, aud: one audience, as IRSA requests it). */
const irsaClaims = (host: string, namespace: string, serviceAccount: string) => ({
  ...strings(kubernetesToken({ issuer: `https://${host}`, namespace, serviceAccount })), aud: 'sts.amazonaws.com',
});

// =====================================================================================================================
// FINDING 1 (high, false sound): a member naming the pool in ANOTHER project number is evaluated as if it were the
// output's pool. The binding of two-numbers holds `principal://…/projects/123456789012/…/two-numbers/subject/…main`
// and `principalSet://…/projects/999999999999/…/two-numbers/*`. Pools are project resources: the second member is pool
// `two-numbers` of project 999999999999, which is not in the output (its providers, whoever owns that project, admit
// any token they like: the whole pool `*` is granted). verify groups members by pool id only (gcp.ts byPool), keeps
// the provider because ONE number matches (`numbers.has(p.number)`), and its evaluator (gcp-evaluate.ts wifDecision)
// matches members on `rest` only, ignoring the number: the 999 member is read as "every token of the local provider",
// and the report has no not-evaluable trust for pool 999999999999/two-numbers.
// Evidence: principal identifiers name `projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL_ID`
// (https://cloud.google.com/iam/docs/principal-identifiers); a pool id is unique within its project only
// (https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools).
// Fix: key pools by (number, pool id); a member whose number differs from the provider's known number is its own
// orphan trust (not evaluable), and wifDecision matches only members of the provider's number.
// =====================================================================================================================
describe('FINDING 1: a member of the same pool id in another project', () => {
  test('the report has a not-evaluable trust for pool two-numbers of project 999999999999', () => {
    const orphan = reportOf(GCP).trusts.filter((t) => t.verdict === 'not-evaluable' && (t.unevaluable ?? '').includes('projects/999999999999/locations/global/workloadIdentityPools/two-numbers/'));
    expect(orphan.map((t) => t.id)).toEqual(['gcp:two-numbers/?->two-numbers@acme-prod.iam.gserviceaccount.com']);
  });
  test('the local provider trust is decided by the member of its own project only: an environment job of acme/app is refused', () => {
    // Only `principal://…/123456789012/…/subject/repo:acme/app:ref:refs/heads/main` is a member of the local pool.
    const job = acme('refs/heads/main', gcpAud('two-numbers'), { environment: 'keyless-forged' });
    expect(decide(GCP, gcpId('two-numbers'), job)).toBe('denied');
  });
  test('guard: a single member naming another project than the provider is not evaluable', () => {
    expect(trust(GCP, 'gcp:other-number/?->other-number@acme-prod.iam.gserviceaccount.com').verdict).toBe('not-evaluable');
  });
});

// =====================================================================================================================
// FINDING 2 (medium, report states a false denial; false sound where it is the only way in): a CEL function GCP
// supports but verify's CEL library (@bufbuild/cel, without the strings extension) does not is an evaluation ERROR in
// verify, which it reports as GCP's denial ("attribute_condition failed: unbound function: extract"). GCP documents
// `extract` in attribute mappings and conditions (its AWS default mapping is
// `assertion.arn.extract('assumed-role/{role_name}/')`, https://cloud.google.com/iam/docs/workload-identity-federation-with-other-clouds;
// CEL functions in mappings/conditions: https://cloud.google.com/iam/docs/workload-identity-federation#mapping), and
// `lowerAscii` is a CEL strings-extension function (https://github.com/google/cel-go/blob/master/ext/README.md#loweraascii).
// Attack: extract-tags admits `assertion.ref == 'refs/heads/main' || assertion.ref.extract('refs/{kind}/') == 'tags'`:
// GCP admits EVERY tag of acme/app (any contributor who may push a tag); verify evaluates the tag token, hits the
// unbound function, calls it denied. lower-subject maps `google.subject = assertion.sub.lowerAscii()`: GCP admits
// `refs/heads/MAIN` (another branch, unprotected) for the member `…subject/repo:acme/app:ref:refs/heads/main`; verify
// errors on every token and reports an invented identity refused.
// Fix: an evaluation error that is not a claim-level error (unbound function / overload) is `unsupported`, and the
// trust not evaluable with that reason; or implement the strings extension GCP supports (extract, lowerAscii, split…).
// =====================================================================================================================
describe('FINDING 2: CEL functions verify cannot evaluate are reported as GCP denials', () => {
  test.each(['extract-tags', 'lower-subject'])('%s: no decision of the report is a denial caused by an unbound function', (pool) => {
    const t = trust(GCP, gcpId(pool));
    const falseDenials = [...t.legitimate, ...t.forged].filter((e) => e.decision.outcome === 'denied' && /unbound function/.test(e.decision.detail));
    expect(falseDenials.map((e) => e.description)).toEqual([]);
  });
  test('extract-tags: the tag run of acme/app is not reported denied', () => {
    expect(decide(GCP, gcpId('extract-tags'), acme('refs/tags/v1.0.0', gcpAud('extract-tags')))).not.toBe('denied');
    expect(trust(GCP, gcpId('extract-tags')).forged.filter((e) => e.family === 'tag').map((e) => e.decision.outcome)).not.toContain('denied');
  });
  test('lower-subject is weak with the ref-case forgery (refs/heads/MAIN) admitted, or not evaluable', () => {
    const t = trust(GCP, gcpId('lower-subject'));
    if (t.verdict !== 'not-evaluable') {
      expect(admittedForged(t).map((e) => String(e.token.claims.sub))).toContain('repo:acme/app:ref:refs/heads/MAIN');
    }
  });
});

// =====================================================================================================================
// FINDING 3 (medium, false sound): two providers of ONE pool whose mappings produce the same attribute from different
// claims. shared-pool grants `principalSet://…/shared-pool/attribute.repository/acme/app`, meant for the GitHub
// repository acme/app (the GitHub provider maps `attribute.repository = assertion.repository`, condition owner acme).
// The pool's GitLab provider (issuer https://gitlab.com) maps `attribute.repository = assertion.project_path` with only
// `assertion.ref == 'main'`: whoever owns the gitlab.com group `acme` (GitHub and GitLab namespaces are unrelated:
// anyone may register `acme` on gitlab.com) runs main of gitlab.com/acme/app and holds the same principalSet.
// verify evaluates each provider alone and takes the GitLab project acme/app as "legitimate" because its path equals
// the member: both trusts sound.
// Evidence: principal sets are per POOL, mappings per PROVIDER — "attribute.NAME … principalSet://…/POOL_ID/attribute.NAME/VALUE"
// (https://cloud.google.com/iam/docs/principal-identifiers); GCP's guidance is one pool per environment/IdP set whose
// identities must not collide (https://cloud.google.com/iam/docs/best-practices-for-using-workload-identity-federation#avoid-subject-collisions).
// Oracle: gcpTokenExchange admits the gitlab.com project (below).
// Fix: when a member of a pool is produced by two providers with different issuers from different claims, report a
// cross-provider collision (weak, family e.g. `other-provider`) with the other provider's token.
// =====================================================================================================================
describe('FINDING 3: attribute collision between two providers of one pool', () => {
  const member = `principalSet://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/shared-pool/attribute.repository/acme/app`;
  test('oracle: a gitlab.com project acme/app on main holds the member meant for the GitHub repository', () => {
    const provider = findWorkloadIdentityProvider(GCP_JSON, 'gitlab');
    const claims = {
      iss: 'https://gitlab.com',
      aud: gcpAud('shared-pool', 'gitlab'),
      sub: 'project_path:acme/app:ref_type:branch:ref:main',
      project_path: 'acme/app',
      namespace_path: 'acme',
      ref: 'main',
      ref_type: 'branch',
    };
    const result = gcpTokenExchange({ stack: GCP_JSON, provider, projectNumber: NUMBER, poolId: 'shared-pool', claims });
    expect(result.exchanged).toBe(true);
    expect(result.principals).toContain(member);
  });
  test('the pool shared-pool is not reported sound on both providers', () => {
    const verdicts = [gcpId('shared-pool', 'github'), gcpId('shared-pool', 'gitlab')].map((id) => trust(GCP, id).verdict);
    expect(verdicts).not.toEqual(['sound', 'sound']);
  });
});

// =====================================================================================================================
// FINDING 4 (low, false weak + "legitimate refused"): members that name what a non-copy mapping yields.
// (a) groups: `google.groups = [assertion.repository]`, member `principalSet://…/group/acme/app`, condition
//     `assertion.ref == 'refs/heads/main'`: only acme/app main (verify's own evaluator admits it). verify reads
//     nothing from a group member, invents `legit-owner/legit-repo` and reports it refused + unpinned.
//     (group members: https://cloud.google.com/iam/docs/principal-identifiers "principalSet://…/group/GROUP_ID")
// (b) prefixed-subject: `google.subject = 'gh:' + assertion.sub`, member `…subject/gh:repo:acme/app:ref:refs/heads/main`:
//     exactly acme/app main. verify does not invert `'LIT' + assertion.X`.
// Fix: invert `[assertion.X]` for group members and `'LIT' + assertion.X` (strip the literal prefix) for subjects.
// =====================================================================================================================
describe('FINDING 4: members through list and concatenation mappings', () => {
  test('oracle: GCP admits acme/app main through the group member', () => {
    expect(decide(GCP, gcpId('groups'), acme('refs/heads/main', gcpAud('groups')))).toBe('admitted');
    expect(decide(GCP, gcpId('prefixed-subject'), acme('refs/heads/main', gcpAud('prefixed-subject')))).toBe('admitted');
  });
  test.each(['groups', 'prefixed-subject'])('%s is sound, with acme/app as its legitimate identity', (pool) => {
    const t = trust(GCP, gcpId(pool));
    expect(t.verdict).toBe('sound');
    expect(t.legitimate.map((e) => e.token.claims.repository)).toContain('acme/app');
  });
});

// =====================================================================================================================
// FINDING 5 (low, false weak / false sound on dead trusts): trusts that admit NO token are not reported broken.
// (a) irsa-wrong-prefix: Federated principal is cluster B, the StringEquals keys name cluster A (`A:sub`, `A:aud`).
//     STS sets only `B:…` keys for B's tokens, so no token satisfies the condition (oracle below): nobody gets in.
//     verify says weak + "unpinned … others are admitted", which is false.
// (b) pod-principal-tag: Pod Identity conditions on `aws:PrincipalTag/kubernetes-*` (the caller's tags; the EKS Auth
//     API sets the session tags as aws:RequestTag/…): absent for pods.eks.amazonaws.com: nobody. verify: weak/unpinned.
//     (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html: session tags; aws:PrincipalTag vs
//     aws:RequestTag: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
// (c) azure aks-noslash: the AKS issuer URL ends with `/` (`az aks show … --query oidcIssuerProfile.issuerUrl`:
//     `https://REGION.oic.prod-aks.azure.com/TENANT/UUID/`, https://learn.microsoft.com/azure/aks/use-oidc-issuer);
//     Entra compares the issuer exactly (https://learn.microsoft.com/graph/api/resources/federatedidentitycredential):
//     the credential without the slash matches no AKS token. verify builds the token with the credential's issuer: sound.
// (d) azure aks-case: subject `system:serviceaccount:Payments:api`: a namespace is an RFC 1123 label (lower case,
//     https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names): no such token. sound.
// (e) gke `[payments/*]`: GKE has no wildcard in `serviceAccount:PROJECT.svc.id.goog[NS/KSA]`
//     (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity); a KSA name is a DNS subdomain
//     (no `*`): the member matches no workload. verify builds a KSA literally named `*`: sound.
// Fix: mark such identities `impossible` (as FINDING 7 of attack.test.ts did for GitHub): a condition key under
// another issuer's prefix than the principal, aws:PrincipalTag in a Pod Identity trust, an AKS issuer without its
// trailing slash, a namespace/KSA outside the Kubernetes name grammar.
// =====================================================================================================================
describe('FINDING 5: trusts no token can satisfy', () => {
  const wrongPrefix = template('irsa-wrong-prefix', {
    Effect: 'Allow',
    Principal: { Federated: federated(CLUSTER_B) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${CLUSTER_A}:aud`]: 'sts.amazonaws.com', [`${CLUSTER_A}:sub`]: 'system:serviceaccount:payments:api' } },
  });
  const principalTag = template('pod-principal-tag', {
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: { StringEquals: { 'aws:PrincipalTag/kubernetes-namespace': 'orders', 'aws:PrincipalTag/kubernetes-service-account': 'orders-api' } },
  });
  test('oracle: the IAM simulator admits no token of either cluster on irsa-wrong-prefix, no session on pod-principal-tag', () => {
    for (const host of [CLUSTER_A, CLUSTER_B]) {
      expect(assumeRoleWithWebIdentityAllowed(wrongPrefix, 'irsa-wrong-prefix', irsaClaims(host, 'payments', 'api'), { account: '111122223333' })).toBe(false);
    }
    const tags = {
      'eks-cluster-arn': 'arn:aws:eks:eu-west-1:111122223333:cluster/payments',
      'eks-cluster-name': 'payments',
      'kubernetes-namespace': 'orders',
      'kubernetes-service-account': 'orders-api',
      'kubernetes-pod-name': 'orders-api-1',
      'kubernetes-pod-uid': '00000000-0000-0000-0000-000000000001',
    };
    expect(podIdentityAssumeRoleAllowed(principalTag, 'pod-principal-tag', { tags, sourceAccount: '111122223333' }, { account: '111122223333' })).toBe(false);
  });
  test.each([
    'aws:role:irsa-wrong-prefix', 'aws:role:pod-principal-tag#pod-identity', 'azure:fic:app-deploy/aks-noslash', 'azure:fic:app-deploy/aks-case',
  ])('%s is broken (no legitimate token can get in), not weak or sound', (id) => {
    const t = trust(HCL, id);
    expect([t.verdict, t.unpinned]).toEqual(['broken', false]);
  });
  test('gcp:gke:acme-prod.svc.id.goog[payments/*] is broken', () => {
    expect(trust(GCP, 'gcp:gke:acme-prod.svc.id.goog[payments/*]->gke-ns-star@acme-prod.iam.gserviceaccount.com').verdict).toBe('broken');
  });
});

// =====================================================================================================================
// FINDING 6 (low-medium, false sound): IRSA StringLike `?` in the service account. irsa-question allows
// `system:serviceaccount:payments:deploy-?`: every one-character suffix, i.e. `deploy-a`, `deploy-b`… any service
// account a namespace user creates. verify's service-account families (`deploy-l-forged`, `keyless-forged`) never match
// `?`, so it says sound. Evidence: StringLike `?` matches one character
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String); oracle below.
// Fix: as FINDING 6 of attack.test.ts for owners: instantiate the attacker's namespace/service account from the glob
// (`?` → another character than the legitimate one).
// =====================================================================================================================
describe('FINDING 6: IRSA StringLike ? in the service account name', () => {
  const policy = template('irsa-question', {
    Effect: 'Allow',
    Principal: { Federated: federated(CLUSTER_A) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${CLUSTER_A}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${CLUSTER_A}:sub`]: 'system:serviceaccount:payments:deploy-?' } },
  });
  test('oracle: deploy-a and deploy-b both get in', () => {
    for (const sa of ['deploy-a', 'deploy-b']) {
      expect(assumeRoleWithWebIdentityAllowed(policy, 'irsa-question', irsaClaims(CLUSTER_A, 'payments', sa), { account: '111122223333' })).toBe(true);
    }
  });
  test('aws:role:irsa-question is weak with another service account of payments admitted', () => {
    const t = trust(HCL, 'aws:role:irsa-question');
    expect(t.verdict).toBe('weak');
    expect(admittedForged(t).map((e) => String(e.token.claims.sub)).some((s) => /^system:serviceaccount:payments:deploy-.$/.test(s))).toBe(true);
  });
});

// =====================================================================================================================
// FINDING 7 (low, report hides the admitted token): Pod Identity `StringLike aws:SourceAccount 11112222333?`: the
// account 111122223334 (another owner's) with a cluster `payments` and orders/orders-api gets the role. verify's
// other-account family uses 999999999999 (denied by the glob); the trust is weak only through other-region, so the
// report never shows the cross-account session. Evidence: aws:SourceAccount is the cluster's account
// (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html); oracle below.
// Fix: instantiate other-account from the SourceAccount glob (a matching account other than the legitimate one).
// =====================================================================================================================
describe('FINDING 7: Pod Identity aws:SourceAccount glob', () => {
  const policy = template('pod-account-glob', {
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: {
      StringLike: { 'aws:SourceAccount': '11112222333?' },
      StringEquals: { 'aws:RequestTag/eks-cluster-name': 'payments', 'aws:RequestTag/kubernetes-namespace': 'orders', 'aws:RequestTag/kubernetes-service-account': 'orders-api' },
    },
  });
  test('oracle: a session from account 111122223334 gets in', () => {
    const tags = {
      'eks-cluster-arn': 'arn:aws:eks:us-east-1:111122223334:cluster/payments',
      'eks-cluster-name': 'payments',
      'kubernetes-namespace': 'orders',
      'kubernetes-service-account': 'orders-api',
      'kubernetes-pod-name': 'orders-api-1',
      'kubernetes-pod-uid': '00000000-0000-0000-0000-000000000001',
    };
    expect(podIdentityAssumeRoleAllowed(policy, 'pod-account-glob', { tags, sourceAccount: '111122223334' }, { account: '111122223333' })).toBe(true);
  });
  test('the report shows an admitted session of another account', () => {
    const t = trust(HCL, 'aws:role:pod-account-glob#pod-identity');
    expect(admittedForged(t).map((e) => e.family)).toContain('other-account');
  });
});

// =====================================================================================================================
// FINDING 8 (low, false not-evaluable): HCL `for` expression over a local list
// (`[for b in local.branches : "repo:acme/app:ref:refs/heads/${b}"]`, local.branches = ["main", "release"]) is fully
// determined by the configuration, yet verify reports "the trust policy (assume_role_policy) is not a JSON document".
// (Terraform `for` expressions: https://developer.hashicorp.com/terraform/language/expressions/for.)
// Fix: evaluate `for` over literal lists/locals in jsonencode (or report "HCL expression not evaluated: for" as the
// reason instead of "not a JSON document").
// =====================================================================================================================
describe('FINDING 8: HCL for expressions', () => {
  test('aws:role:gh-for is sound (main and release of acme/app)', () => {
    const t = trust(HCL, 'aws:role:gh-for');
    expect(t.verdict).toBe('sound');
    expect(t.legitimate.map((e) => String(e.token.claims.sub)).sort()).toEqual(['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:ref:refs/heads/release']);
  });
});

// =====================================================================================================================
// FINDING 9 (low, report): a not-evaluable trust still counts tokens: `cond-array` (Condition StringEquals is a list)
// is not evaluable, yet its counts are 1 legitimate / 16 forged, added to the summary's legitimateTokens/forgedTokens —
// tokens that were never decided. Fix: a not-evaluable trust has no evaluated tokens (counts 0/0, lists empty).
// =====================================================================================================================
describe('FINDING 9: not-evaluable trusts count no tokens', () => {
  test('malformed-types: every not-evaluable trust has zero tokens', () => {
    const r = reportOf(path.join(FIXTURES, 'malformed-types'));
    const counted = r.trusts.filter((t) => t.verdict === 'not-evaluable' && (t.counts.legitimate > 0 || t.counts.forged > 0)).map((t) => t.id);
    expect(counted).toEqual([]);
  });
});

// =====================================================================================================================
// GUARDS: attacks verify handles.
// =====================================================================================================================
describe('GUARDS', () => {
  test.each([
    // GCP: google.subject over 127 bytes ("Cannot exceed 127 bytes", providers REST reference): the legit is refused.
    [GCP, gcpId('long-subject'), 'broken'],
    // a disabled provider ("You cannot use a disabled provider to exchange tokens") refuses the legitimate token.
    [GCP, gcpId('disabled'), 'broken'],
    // ternary constant attribute: env = prod only on main.
    [GCP, gcpId('ternary-env'), 'sound'],
    // two GitHub providers sharing attribute.env/production: the sandbox provider lets every acme-sandbox repository in.
    [GCP, gcpId('two-github', 'prod'), 'sound'],
    [GCP, gcpId('two-github', 'sandbox'), 'weak'],
    // GKE: the principal:// form and the legacy form of payments/api.
    [GCP, 'gcp:gke:acme-prod.svc.id.goog[payments/api]->gke-principal@acme-prod.iam.gserviceaccount.com', 'sound'],
    [GCP, 'gcp:gke:acme-prod.svc.id.goog[payments/api]->gke-legacy@acme-prod.iam.gserviceaccount.com', 'sound'],
    // IRSA: IfExists under the wrong issuer's prefix: every service account of cluster B gets in.
    [HCL, 'aws:role:irsa-wrong-prefix-ifexists', 'weak'],
    // two clusters' keys in one condition block: every key must be present, no token has both: broken.
    [HCL, 'aws:role:irsa-two-clusters', 'broken'],
    // Azure: one identity, two credentials: each its own trust, the pull_request one weak.
    [HCL, 'azure:fic:app-deploy/github-main', 'sound'],
    [HCL, 'azure:fic:app-deploy/github-pr', 'weak'],
    // AKS issuer with its trailing slash.
    [HCL, 'azure:fic:app-deploy/aks-slash', 'sound'],
    // azuread application credential.
    [HCL, 'azure:fic:/applications/00000000-0000-0000-0000-0000000000aa/github-app-main', 'sound'],
    // a conditional on an overridable variable, a variable without a default: not evaluable, never sound.
    [HCL, 'aws:role:gh-conditional', 'not-evaluable'],
    [HCL, 'aws:role:gh-no-default', 'not-evaluable'],
    // plan: count-indexed roles and a module role.
    [PLAN, 'aws:role:gh-count-sound', 'sound'],
    [PLAN, 'aws:role:gh-count-weak', 'weak'],
    [PLAN, 'aws:role:gh-module-weak', 'weak'],
  ])('%#: %s %s is %s', (dir, id, verdict) => {
    expect(trust(dir, id).verdict).toBe(verdict);
  });

  test('plan: addresses of count-indexed and module roles, and the unknown-after-apply trust is a warning', () => {
    const r = reportOf(PLAN);
    expect(r.trusts.map((t) => t.location.resource)).toEqual(['aws_iam_role.deploy[1]', 'aws_iam_role.deploy[0]', 'module.ci.aws_iam_role.deploy']);
    expect(r.warnings).toEqual(['plan/plan.json:aws_iam_role.later: the trust policy cannot be read (the trust policy is known only after apply): not verified']);
  });

  test('Pod Identity association in another directory: read, and the report is the same in either order', () => {
    const ab = reportOf(SPLIT_A, SPLIT_B);
    const ba = reportOf(SPLIT_B, SPLIT_A);
    expect(ab.trusts.map((t) => [t.id, t.verdict])).toEqual([['aws:role:split-orders#pod-identity', 'weak']]);
    expect(JSON.stringify({ ...ab, sources: [] })).toBe(JSON.stringify({ ...ba, sources: [] }));
  });

  test('deterministic across runs', () => {
    for (const dir of [GCP, HCL, PLAN]) expect(JSON.stringify(verify(readSynthesizedOutput([dir])))).toBe(JSON.stringify(reportOf(dir)));
  });

  test('Markdown shows the admitted token and its location', () => {
    const md = verifyMarkdown(reportOf(HCL));
    const section = md.slice(md.indexOf('`azure:fic:app-deploy/github-pr`'));
    expect(section.startsWith('`azure:fic:app-deploy/github-pr` · `hcl/main.tf` `azurerm_federated_identity_credential.pr`')).toBe(true);
    expect(section).toContain('**Forged token admitted** (`pull-request-contributor`)');
    expect(section).toContain('| `actor` | `octocat` | `keyless-attacker` |');
  });

  test('CLI: SARIF locates the admitted forgery at its resource line; malformed input gives exit 2, one line, no stack trace', () => {
    const out = path.join(os.tmpdir(), `keyless-attack2-${process.pid}.sarif`);
    const lines: string[] = [];
    expect(main(['verify', HCL, '--sarif', out], (l) => lines.push(l))).toBe(1);
    const sarif = JSON.parse(fs.readFileSync(out, 'utf8'));
    const result = sarif.runs[0].results.find((r: any) => r.properties.trust === 'azure:fic:app-deploy/github-pr');
    expect([result.ruleId, result.locations[0].physicalLocation.region.startLine]).toEqual(['KL-V-FORGED-ADMITTED', 209]);
    for (const dir of ['malformed-json', 'malformed-hcl']) {
      const said: string[] = [];
      expect(main(['verify', path.join(FIXTURES, dir)], (l) => said.push(l))).toBe(2);
      expect(said.join('\n')).not.toMatch(/\n\s+at /);
    }
    const said: string[] = [];
    expect(main(['verify', path.join(FIXTURES, 'malformed-types')], (l) => said.push(l))).toBe(0);
    expect(said.join('\n')).not.toMatch(/\n\s+at /);
  });
});
