/**
 * Shared workload identity pools: attribute mappings and conditions are per provider, principals are per pool. A
 * member Keyless grants for one trust must admit only tokens that satisfy that trust's pins, whatever other providers
 * share the pool: a self-managed GitLab next to gitlab.com, a trust pinned by name next to one pinned by id, a
 * hand-written provider mapping `google.subject = assertion.sub`.
 */
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { TerraformStack, Testing } from 'cdktf';
import { CiOidcTrust } from '../../src/constructs/gcp';
import { GitHubActions, GitLabCi } from '../../src/core';
import {
  admitted, findWorkloadIdentityProvider, gcpTokenExchange, GcpExchangeResult, synthesizedMembers, TerraformJson,
} from '../helpers/gcp-token-exchange';
import { DETECTION_ROUTES } from '../helpers/synth';
import { Claims, githubToken, gitlabToken, LEDGER, PAYMENTS } from '../helpers/tokens';

const PROJECT = 'acme-ci-prod';
const PROJECT_NUMBER = '412345678901';
const POOL = 'shared-ci';
const OWNERSHIP = { owner: 'team-ledger', purpose: 'deploy ledger from CI', environment: 'production', tier: 1, reviewBy: '2027-04-30' } as const;
const POOL_RESOURCE = `iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/${POOL}`;

const app = Testing.app({ context: { 'keyless:today': '2026-11-22', 'keyless:detections': DETECTION_ROUTES } });
const stack = new TerraformStack(app, 'shared');
const common = { ownership: OWNERSHIP, project: PROJECT, projectNumber: PROJECT_NUMBER, poolId: POOL };
// gitlab.com, pinned by namespace and project id: the production deploy.
const saas = new CiOidcTrust(stack, 'LedgerSaas', { ...common, name: 'ledger-saas', source: GitLabCi.project({ ...LEDGER, branches: ['main'] }) });
// A self-managed GitLab in the same pool, same project path, pinned by path only.
const selfManaged = new CiOidcTrust(stack, 'LedgerSelfManaged', {
  ...common,
  name: 'ledger-self',
  useExistingPool: true,
  source: GitLabCi.project({ instanceUrl: 'https://gitlab.example.com', projectPath: LEDGER.projectPath, branches: ['main'] }),
});
// GitHub: the same repository (name-based subject) pinned by id, and by name only (the tier 1 opt-out).
const byId = new CiOidcTrust(stack, 'PaymentsById', {
  ...common, name: 'payments-id', useExistingPool: true, source: GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'] }),
});
const byName = new CiOidcTrust(stack, 'PaymentsByName', {
  ...common,
  name: 'payments-name',
  useExistingPool: true,
  source: GitHubActions.repository({ owner: 'acme', repository: 'payments-api', allowNameOnlyPinning: true, branches: ['main'] }),
});
// A hand-written provider of another issuer in the pool, with the usual subject mapping.
new IamWorkloadIdentityPoolProvider(stack, 'HandWritten', {
  project: PROJECT,
  workloadIdentityPoolId: POOL,
  workloadIdentityPoolProviderId: 'hand-written',
  attributeMapping: { 'google.subject': 'assertion.sub', 'attribute.repository': 'assertion.repository' },
  attributeCondition: "assertion.repository_owner == 'acme'",
  oidc: { issuerUri: 'https://ci.other.example', allowedAudiences: ['hand-written'] },
});
const roles: Array<[CiOidcTrust, string]> = [[saas, 'roles/run.admin'], [selfManaged, 'roles/run.viewer'], [byId, 'roles/storage.admin'], [byName, 'roles/storage.objectViewer']];
for (const [trust, role] of roles) {
  trust.members.forEach((member, i) => new ProjectIamMember(stack, `${trust.node.id}Grant${i}`, { project: PROJECT, role, member }));
}
const json = JSON.parse(Testing.synth(stack)) as TerraformJson;

function exchange(providerId: string, claims: Claims): GcpExchangeResult {
  const provider = findWorkloadIdentityProvider(json, providerId);
  const aud = providerId === 'hand-written' ? 'hand-written' : `https://iam.googleapis.com/projects/${PROJECT_NUMBER}/locations/global/workloadIdentityPools/${POOL}/providers/${providerId}`;
  return gcpTokenExchange({ stack: json, provider, projectNumber: PROJECT_NUMBER, poolId: POOL, claims: { ...claims, aud } });
}
const holds = (result: GcpExchangeResult, role: string) => admitted(result, synthesizedMembers(json, 'google_project_iam_member', role));

const ledgerOnMain = gitlabToken({ ...LEDGER, refType: 'branch', ref: 'main' });
const selfManagedLedger = gitlabToken({ projectPath: LEDGER.projectPath, namespaceId: '1', projectId: '2', refType: 'branch', ref: 'main', instance: 'https://gitlab.example.com' });

test('each trust grants to its own provider\'s principalSet, never to a pool-wide subject', () => {
  expect(saas.members).toEqual([`principalSet://${POOL_RESOURCE}/attribute.keyless_trust/ledger-saas`]);
  expect(selfManaged.members).toEqual([`principalSet://${POOL_RESOURCE}/attribute.keyless_trust/ledger-self`]);
  expect(byId.members).toEqual([`principalSet://${POOL_RESOURCE}/attribute.keyless_trust/payments-id`]);
});

test('sanity: the self-managed token mints the very subject principal of the gitlab.com run (the collision is real)', () => {
  const saasRun = exchange('ledger-saas', ledgerOnMain);
  const collision = exchange('ledger-self', selfManagedLedger);
  expect(saasRun.exchanged && collision.exchanged).toBe(true);
  const subject = `principal://${POOL_RESOURCE}/subject/project_path:acme/finance/ledger:ref_type:branch:ref:main`;
  expect(saasRun.exchanged && saasRun.principals).toContain(subject);
  expect(collision.exchanged && collision.principals).toContain(subject);
});

test('gitlab.com: the pinned run holds its role; the self-managed run of the same path does not', () => {
  expect(holds(exchange('ledger-saas', ledgerOnMain), 'roles/run.admin')).toBe(true);
  expect(holds(exchange('ledger-self', selfManagedLedger), 'roles/run.admin')).toBe(false);
  expect(holds(exchange('ledger-self', selfManagedLedger), 'roles/run.viewer')).toBe(true);
  // …and the gitlab.com run does not get the self-managed trust's role either.
  expect(holds(exchange('ledger-saas', ledgerOnMain), 'roles/run.viewer')).toBe(false);
});

test('GitHub: a re-created repository of the same name gets the name-pinned trust only, never the id-pinned role', () => {
  const recreated = githubToken({ owner: 'acme', repository: 'payments-api', ownerId: PAYMENTS.ownerId, repositoryId: '99999999', ref: 'refs/heads/main' });
  const original = githubToken({ ...PAYMENTS, ref: 'refs/heads/main' });
  expect(holds(exchange('payments-id', original), 'roles/storage.admin')).toBe(true);
  expect(holds(exchange('payments-name', recreated), 'roles/storage.objectViewer')).toBe(true);
  expect(holds(exchange('payments-name', recreated), 'roles/storage.admin')).toBe(false);
  expect(holds(exchange('payments-id', recreated), 'roles/storage.admin')).toBe(false);
});

test('a hand-written provider of the pool mapping google.subject = assertion.sub gets no Keyless grant', () => {
  const forged = { iss: 'https://ci.other.example', sub: 'project_path:acme/finance/ledger:ref_type:branch:ref:main', repository_owner: 'acme', repository: 'acme/payments-api' };
  const result = exchange('hand-written', forged);
  expect(result.exchanged).toBe(true);
  for (const [, role] of roles) expect(holds(result, role)).toBe(false);
});
