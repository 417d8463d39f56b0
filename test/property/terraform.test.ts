/**
 * Property-based suite, GCP and Azure families (cdktf): thousands of generated declarations, each either refused
 * with a KeylessError or synthesized into Terraform JSON that, *as the real terraform binary reads every string of
 * it* (one run for the whole file), admits exactly the declared principals: GCP conditions and mappings evaluated with
 * CEL by test/helpers/gcp-token-exchange.ts, Azure federated credentials matched exactly, and grants, scopes and
 * conditions equal to the declared literals.
 */
import { isCelError, parse, run } from '@bufbuild/cel';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { TerraformStack } from 'cdktf';
import * as fc from 'fast-check';
import {
  azureLocation, ciSource, declarations, expires, field, gcpProject, gcpProjectNumber, identityName, issuerUrlAks, k8sName,
  k8sNamespace, optional, ownership, resourceGroup, SourceCase, subscription,
} from './arbitraries';
import { Built, caseJson, caseResources, checkConstruction, checkRefusal, errorCode, Family, hasTokenMarker, misses, oracle, outcome, outcomes, prepare, SEED } from './harness';
import { checkRuns, ciRuns, expectedRefusal, forgeryStats, MODELED_REFUSALS } from './models';
import { sourceOf } from './sources';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { azureTokenAccepted } from '../helpers/azure-token-exchange';
import { admitted, evaluateCel, gcpTokenExchange, resolvePoolId } from '../helpers/gcp-token-exchange';
import type { Claims } from '../helpers/tokens';

const WORKLOAD_IDENTITY_USER = 'roles/iam.workloadIdentityUser';
const AZURE_AUDIENCE = 'api://AzureADTokenExchange';

function refuseAcceptedTokens(what: string, value: unknown): void {
  if (hasTokenMarker(value)) throw new Error(`accepted an unresolved token in ${what}: ${fc.stringify(value)}`);
}

function logicalId(construct: { node: { id: string } } & object): string {
  return TerraformStack.of(construct as any).getLogicalId(construct as any);
}

function same(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: Terraform reads ${JSON.stringify(actual)}, declared ${JSON.stringify(expected)}`);
  }
}

/** The GCP trust of a CiOidcTrust handle, as Terraform reads it, decides like the declaration on every run. */
function checkGcpTrust(source: SourceCase, trust: gcp.CiOidcTrust, built: Built<unknown>, projectNumber: string, members?: string[]): void {
  const json = built.doc;
  const id = logicalId(trust.provider);
  const provider = { name: id, config: json.resource.google_iam_workload_identity_pool_provider[id] };
  const poolId = resolvePoolId(json, provider);
  const bound = members ?? (trust.access === 'impersonation'
    ? caseResources(built, 'google_service_account_iam_member').filter(([, r]) => r.role === WORKLOAD_IDENTITY_USER).map(([, r]) => r.member as string)
    : caseResources(built, 'google_project_iam_member').filter(([, r]) => r.role === 'roles/run.developer').map(([, r]) => r.member as string));
  if (bound.length === 0) throw new Error('no binding admits the CI job');
  const admits = (claims: Claims) => admitted(gcpTokenExchange({ stack: json, provider, projectNumber, poolId, claims }), bound);
  checkRuns(ciRuns(source, trust.audience, 'gcp'), admits, 'GCP trust');
}

function checkAzureTrust(source: SourceCase, identity: { node: { id: string } }, built: Built<unknown>): void {
  const json = caseJson(built);
  const id = logicalId(identity);
  for (const [, credential] of caseResources(built, 'azurerm_federated_identity_credential')) {
    if (/[*?]/.test(credential.subject) || JSON.stringify(credential.audience) !== JSON.stringify([AZURE_AUDIENCE])) {
      throw new Error(`federated credential ${JSON.stringify(credential)}`);
    }
  }
  checkRuns(ciRuns(source, AZURE_AUDIENCE, 'azure'), (claims) => azureTokenAccepted(json, id, claims), 'Azure federated credentials');
}

// ---------------------------------------------------------------------------------------------------------------

interface GcpCiCase { name: unknown; ownership: any; source: SourceCase; project: unknown; projectNumber: unknown; access?: unknown }

const gcpCiOidcTrust: Family<GcpCiCase, gcp.CiOidcTrust> = {
  name: 'gcp.CiOidcTrust',
  kind: 'tf',
  numRuns: 300,
  refusal: (c) => expectedRefusal(c.source, 'gcp', c.ownership?.tier),
  modeledCodes: MODELED_REFUSALS,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h),
    source: ciSource(h),
    project: field(gcpProject, h),
    projectNumber: field(gcpProjectNumber, h),
    access: optional(fc.constantFrom('direct', 'impersonation'), h),
  }, { requiredKeys: ['name', 'ownership', 'source', 'project', 'projectNumber'] })),
  build: (scope, c, m) => {
    const trust = new gcp.CiOidcTrust(scope, 'Trust', { ...m({ ...c, source: undefined }), source: sourceOf(c.source, m) });
    // Direct access: a resource grants a role to the members, as a consumer of the construct would.
    if (trust.access === 'direct') trust.members.forEach((member, i) => new ProjectIamMember(scope, `Grant${i}`, { project: 'acme-prod', role: 'roles/run.developer', member }));
    return trust;
  },
  check: (c, built) => {
    refuseAcceptedTokens('the source, project or project number', [c.source, c.project, c.projectNumber]);
    checkGcpTrust(c.source, built.handle!, built, c.projectNumber as string);
  },
};

interface AzureCiCase { name: unknown; ownership: any; source: SourceCase; resourceGroupName: unknown; location: unknown }

const azureCiOidcTrust: Family<AzureCiCase, azure.CiOidcTrust> = {
  name: 'azure.CiOidcTrust',
  kind: 'tf',
  numRuns: 250,
  refusal: (c) => expectedRefusal(c.source, 'azure', c.ownership?.tier),
  modeledCodes: MODELED_REFUSALS,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h),
    source: ciSource(h, { patterns: h !== 0 }),
    resourceGroupName: field(resourceGroup, h),
    location: field(azureLocation, h),
  })),
  build: (scope, c, m) => new azure.CiOidcTrust(scope, 'Trust', { ...m({ ...c, source: undefined }), source: sourceOf(c.source, m) }),
  check: (c, built) => {
    refuseAcceptedTokens('the source', c.source);
    const h = built.handle!;
    checkAzureTrust(c.source, h.identity, built);
    const [[, identity]] = caseResources(built, 'azurerm_user_assigned_identity');
    same(identity.resource_group_name, c.resourceGroupName, 'identity resource group');
  },
};

// ---------------------------------------------------------------------------------------------------------------

const serviceAccount = (h: number) => field(fc.record({ namespace: field(k8sNamespace, h), name: field(k8sName, h) }), h);

interface GcpWiCase { name: unknown; ownership: any; serviceAccount: any; project: unknown; projectNumber?: unknown; access?: unknown }

const gcpWorkloadIdentity: Family<GcpWiCase, gcp.WorkloadIdentity> = {
  name: 'gcp.WorkloadIdentity',
  kind: 'tf',
  numRuns: 150,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h),
    serviceAccount: serviceAccount(h),
    project: field(gcpProject, h),
    projectNumber: optional(gcpProjectNumber, h),
    access: optional(fc.constantFrom('direct', 'impersonation'), h),
  }, { requiredKeys: ['name', 'ownership', 'serviceAccount', 'project'] })),
  build: (scope, c, m) => new gcp.WorkloadIdentity(scope, 'Identity', m(c)),
  check: (c, built) => {
    refuseAcceptedTokens('the service account or project', [c.serviceAccount, c.project, c.projectNumber]);
    const h = built.handle!;
    const { namespace, name } = c.serviceAccount;
    if (h.access === 'direct') {
      same(h.member, `principal://iam.googleapis.com/projects/${c.projectNumber}/locations/global/workloadIdentityPools/${c.project}.svc.id.goog/subject/ns/${namespace}/sa/${name}`, 'direct member');
      same(caseResources(built, 'google_service_account_iam_member'), [], 'impersonation bindings in direct mode');
      return;
    }
    const bindings = caseResources(built, 'google_service_account_iam_member');
    same(bindings.map(([, b]) => [b.role, b.member]), [[WORKLOAD_IDENTITY_USER, `serviceAccount:${c.project}.svc.id.goog[${namespace}/${name}]`]], 'impersonation binding');
    const [[accountId, account]] = caseResources(built, 'google_service_account');
    same(account.project, c.project, 'service account project');
    same(bindings[0][1].service_account_id, `\${google_service_account.${accountId}.name}`, 'impersonated service account');
  },
};

interface AzureWiCase { name: unknown; ownership: any; serviceAccount: any; clusterIssuerUrl: unknown; resourceGroupName: unknown; location: unknown }

const azureWorkloadIdentity: Family<AzureWiCase, azure.WorkloadIdentity> = {
  name: 'azure.WorkloadIdentity',
  kind: 'tf',
  numRuns: 150,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h),
    serviceAccount: serviceAccount(h),
    clusterIssuerUrl: field(issuerUrlAks, h),
    resourceGroupName: field(resourceGroup, h),
    location: field(azureLocation, h),
  })),
  build: (scope, c, m) => new azure.WorkloadIdentity(scope, 'Identity', m(c)),
  check: (c, built) => {
    refuseAcceptedTokens('the service account or issuer', [c.serviceAccount, c.clusterIssuerUrl]);
    const credentials = caseResources(built, 'azurerm_federated_identity_credential');
    same(credentials.map(([, r]) => [r.issuer, r.subject, r.audience, r.parent_id]), [[
      c.clusterIssuerUrl, `system:serviceaccount:${c.serviceAccount.namespace}:${c.serviceAccount.name}`, [AZURE_AUDIENCE],
      `\${azurerm_user_assigned_identity.${logicalId(built.handle!.identity)}.id}`,
    ]], 'federated credential');
  },
};

// ---------------------------------------------------------------------------------------------------------------

interface GcpPublisherCase {
  name: unknown;
  ownership: any;
  source: SourceCase;
  project: unknown;
  projectNumber: unknown;
  target: { kind: string; props: any };
}

const gcpTarget = (h: number) => fc.oneof(
  fc.record({
    kind: fc.constant('artifact-registry'),
    props: fc.record({ project: field(gcpProject, h), location: field(fc.constantFrom('europe-west1', 'us'), h), repository: field(fc.constantFrom('images', 'pkg-1'), h) }),
  }),
  fc.record({
    kind: fc.constant('storage'),
    props: fc.record({
      bucket: field(fc.constantFrom('acme-release-artifacts', 'a_b.c'), h),
      prefix: field(fc.constantFrom('payments-api', 'releases/1.x/', '${base64decode("JykgfHwgdHJ1ZSB8fCAoJ3gnID09ICc=")}', 'a${x}b', '%{if true}x%{endif}', 'ü/ß', 'p$'), h),
    }),
  }),
);

const gcpPublisher: Family<GcpPublisherCase, gcp.ScopedPublisherRole> = {
  name: 'gcp.ScopedPublisherRole',
  kind: 'tf',
  numRuns: 200,
  refusal: (c) => expectedRefusal(c.source, 'gcp', c.ownership?.tier),
  modeledCodes: MODELED_REFUSALS,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h),
    source: ciSource(h, { pullRequests: false }),
    project: field(gcpProject, h),
    projectNumber: field(gcpProjectNumber, h),
    target: gcpTarget(h),
  })),
  build: (scope, c, m) => {
    const props = m(c.target.props);
    const target = c.target.kind === 'storage' ? gcp.GcpPublishTarget.storagePrefix(props) : gcp.GcpPublishTarget.artifactRegistryRepository(props);
    return new gcp.ScopedPublisherRole(scope, 'Publisher', { ...m({ ...c, source: undefined, target: undefined }), source: sourceOf(c.source, m), target });
  },
  check: (c, built) => {
    refuseAcceptedTokens('the source or target', [c.source, c.target]);
    const h = built.handle!;
    const p = c.target.props;
    const type = c.target.kind === 'storage' ? 'google_storage_bucket_iam_member' : 'google_artifact_registry_repository_iam_member';
    const grants = caseResources(built, type);
    if (grants.length === 0) throw new Error(`no ${type}`);
    checkGcpTrust(c.source, h.trust, built, c.projectNumber as string, grants.map(([, g]) => g.member));
    for (const [, g] of grants) {
      if (c.target.kind === 'artifact-registry') {
        same([g.project, g.location, g.repository, g.role], [p.project, p.location, p.repository, 'roles/artifactregistry.writer'], 'Artifact Registry grant');
        continue;
      }
      same([g.bucket, g.role], [p.bucket, 'roles/storage.objectCreator'], 'Cloud Storage grant');
      const folder = p.prefix.replace(/\/+$/, '');
      const admits = (bucket: string, object: string) => {
        const result = evaluateCel(g.condition.expression, { resource: new Map([['name', `projects/_/buckets/${bucket}/objects/${object}`]]) });
        return 'value' in result && result.value === true;
      };
      if (!admits(p.bucket, `${folder}/x.tgz`)) throw new Error(`the condition ${g.condition.expression} denies ${folder}/x.tgz`);
      for (const [bucket, object] of [[p.bucket, `${folder}-evil/x`], [p.bucket, 'other/x'], [p.bucket, folder], [`${p.bucket}-evil`, `${folder}/x`], ['other-bucket', `${folder}/x`]]) {
        if (admits(bucket, object)) throw new Error(`the condition ${JSON.stringify(g.condition.expression)} admits ${bucket}/${object}`);
      }
    }
  },
};

interface AzurePublisherCase {
  name: unknown;
  ownership: any;
  source: SourceCase;
  resourceGroupName: unknown;
  location: unknown;
  target: { kind: string; props: any };
}

const rg = `/subscriptions/${subscription}/resourceGroups/rg-artifacts`;
const azureTarget = (h: number) => fc.oneof(
  fc.record({
    kind: fc.constant('acr'),
    props: fc.record({ registryId: field(fc.constantFrom(`${rg}/providers/Microsoft.ContainerRegistry/registries/acmeimages`, `/subscriptions/${subscription}/resourceGroups/rg-\${x}/providers/Microsoft.ContainerRegistry/registries/acme1`), h) }),
  }),
  fc.record({
    kind: fc.constant('blob'),
    props: fc.record({
      storageAccountId: field(fc.constantFrom(`${rg}/providers/Microsoft.Storage/storageAccounts/acmeartifacts`, `/subscriptions/${subscription}/resourceGroups/rg-%{x}/providers/Microsoft.Storage/storageAccounts/acme2`), h),
      container: field(fc.constantFrom('releases', 'c-1'), h),
      prefix: optional(fc.constantFrom('payments-api', 'releases/1.x/', 'a${x}b', '%{if true}x%{endif}', 'ü'), h),
    }, { requiredKeys: ['storageAccountId', 'container'] }),
  }),
);

const azurePublisher: Family<AzurePublisherCase, azure.ScopedPublisherRole> = {
  name: 'azure.ScopedPublisherRole',
  kind: 'tf',
  numRuns: 200,
  refusal: (c) => expectedRefusal(c.source, 'azure', c.ownership?.tier),
  modeledCodes: MODELED_REFUSALS,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h),
    source: ciSource(h, { pullRequests: false, patterns: h !== 0 }),
    resourceGroupName: field(resourceGroup, h),
    location: field(azureLocation, h),
    target: azureTarget(h),
  })),
  build: (scope, c, m) => {
    const props = m(c.target.props);
    const target = c.target.kind === 'acr' ? azure.AzurePublishTarget.containerRegistry(props) : azure.AzurePublishTarget.blobContainer(props);
    return new azure.ScopedPublisherRole(scope, 'Publisher', { ...m({ ...c, source: undefined, target: undefined }), source: sourceOf(c.source, m), target });
  },
  check: (c, built) => {
    refuseAcceptedTokens('the source or target', [c.source, c.target]);
    const h = built.handle!;
    checkAzureTrust(c.source, h.trust.identity, built);
    const p = c.target.props;
    const assignments = caseResources(built, 'azurerm_role_assignment');
    const scope = c.target.kind === 'acr' ? p.registryId : `${p.storageAccountId}/blobServices/default/containers/${p.container}`;
    same(assignments.map(([, a]) => a.scope), [scope], 'role assignment scope');
    const [[, assignment]] = assignments;
    same(assignment.principal_id, `\${azurerm_user_assigned_identity.${logicalId(h.trust.identity)}.principal_id}`, 'role assignment principal');
    if (c.target.kind === 'blob' && p.prefix !== undefined) {
      const folder = `${p.prefix.replace(/\/+$/, '')}/`;
      if (typeof assignment.condition !== 'string' || !assignment.condition.includes(`StringStartsWith '${folder}'`) || assignment.condition.includes('<<')) {
        throw new Error(`the ABAC condition does not limit blobs to ${folder}: ${assignment.condition}`);
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------------------------

/** An IAM condition evaluated by CEL at `instant` (`request.time` a real CEL timestamp). */
function conditionAt(expression: string, instant: string): unknown {
  parse(expression);
  const time = run('timestamp(t)', { t: instant });
  if (isCelError(time)) throw new Error(`cannot make a CEL timestamp of ${instant}`);
  const result = run(expression, { request: new Map([['time', time]]) });
  return isCelError(result) ? `error: ${result.message}` : result;
}

function checkExpiry(expression: unknown, expiry: string, what: string): void {
  if (typeof expression !== 'string') throw new Error(`${what}: no condition`);
  for (const [instant, expected] of [['2026-11-22T00:00:00Z', true], [`${expiry}T00:00:00Z`, false], [`${expiry}T00:00:01Z`, false], ['2030-01-01T00:00:00Z', false]] as const) {
    const value = conditionAt(expression, instant);
    if (value !== expected) throw new Error(`${what}: ${JSON.stringify(expression)} is ${JSON.stringify(value)} at ${instant}`);
  }
}

interface GcpBreakGlassCase {
  name: unknown;
  ownership: any;
  expires: unknown;
  project: unknown;
  role: unknown;
  members: unknown;
  mode?: unknown;
  approvers?: unknown;
}

const humanMember = fc.constantFrom('group:sre-oncall@example.com', 'user:alice@example.com', 'user:bob@example.org');
const gcpBreakGlass: Family<GcpBreakGlassCase, gcp.BreakGlassAccess> = {
  name: 'gcp.BreakGlassAccess',
  kind: 'tf',
  numRuns: 150,
  arb: declarations((h) => fc.record({
    name: field(identityName, h),
    ownership: ownership(h, [1]),
    expires: field(expires, h),
    project: field(gcpProject, h),
    role: field(h === 0 ? fc.constantFrom('roles/container.admin', 'roles/cloudsql.admin', 'roles/storage.admin')
      : fc.constantFrom('roles/container.admin', 'roles/owner', 'roles/${x}', 'projects/p/roles/custom'), h),
    members: h === 0 ? fc.uniqueArray(humanMember, { minLength: 1, maxLength: 2 })
      : fc.array(field(fc.constantFrom('group:sre-oncall@example.com', 'user:${x}@example.com', "user:a'b@example.com", 'allUsers', 'serviceAccount:ci@p.iam.gserviceaccount.com'), h), { maxLength: 2 }),
    mode: optional(fc.constantFrom('conditional-binding', 'privileged-access-manager'), h),
    approvers: optional(fc.uniqueArray(fc.constantFrom('group:security-oncall@example.com', 'user:carol@example.com'), { minLength: 1, maxLength: 2 }), h),
  }, { requiredKeys: ['name', 'ownership', 'expires', 'project', 'role', 'members'] })),
  build: (scope, c, m) => new gcp.BreakGlassAccess(scope, 'BreakGlass', m(c)),
  check: (c, built) => {
    refuseAcceptedTokens('the members, role or project', [c.members, c.role, c.project]);
    const members = [...(c.members as string[])].sort();
    if (c.mode !== 'privileged-access-manager') {
      const bindings = caseResources(built, 'google_project_iam_member');
      same(bindings.map(([, b]) => b.member).sort(), members, 'break-glass members');
      for (const [, b] of bindings) {
        same([b.project, b.role], [c.project, c.role], 'break-glass binding');
        checkExpiry(b.condition?.expression, c.expires as string, 'break-glass binding condition');
      }
      return;
    }
    same(caseResources(built, 'google_project_iam_member'), [], 'standing bindings in PAM mode');
    const [[, entitlement], ...more] = caseResources(built, 'google_privileged_access_manager_entitlement');
    if (more.length > 0) throw new Error('more than one entitlement');
    same([...entitlement.eligible_users[0].principals].sort(), members, 'eligible principals');
    same([...entitlement.approval_workflow.manual_approvals.steps[0].approvers.principals].sort(), [...(c.approvers as string[])].sort(), 'approvers');
    const access = entitlement.privileged_access.gcp_iam_access;
    same([access.resource, access.role_bindings.map((r: any) => r.role)], [`//cloudresourcemanager.googleapis.com/projects/${c.project}`, [c.role]], 'entitlement grant');
    checkExpiry(access.role_bindings[0].condition_expression, c.expires as string, 'entitlement condition');
    if (parseInt(entitlement.max_request_duration, 10) > 3600) throw new Error(`grants last ${entitlement.max_request_duration}`);
  },
};

interface AzureBreakGlassCase {
  ownership: any;
  expires: unknown;
  scope: unknown;
  roleDefinitionId: unknown;
  principalId: unknown;
  justification: unknown;
  mode?: unknown;
}

const azureBreakGlass: Family<AzureBreakGlassCase, azure.BreakGlassAssignment> = {
  name: 'azure.BreakGlassAssignment',
  kind: 'tf',
  numRuns: 150,
  arb: declarations((h) => fc.record({
    ownership: ownership(h, [1]),
    expires: field(expires, h),
    scope: field(fc.constantFrom(`/subscriptions/${subscription}/resourceGroups/rg-payments-aks`, `/subscriptions/${subscription}`, `/subscriptions/${subscription}/resourceGroups/rg-\${x}`), h),
    roleDefinitionId: field(fc.constant(`/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8`), h),
    principalId: field(fc.constantFrom('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', '11111111-2222-4333-8444-555555555555'), h),
    justification: field(fc.constantFrom('INC-4242: repair the payments AKS cluster', 'INC-1: ${x} %{if true}y%{endif} it\'s "quoted"'), h),
    mode: optional(fc.constantFrom('eligible', 'active'), h),
  }, { requiredKeys: ['ownership', 'expires', 'scope', 'roleDefinitionId', 'principalId', 'justification'] })),
  build: (scope, c, m) => new azure.BreakGlassAssignment(scope, 'BreakGlass', m(c)),
  check: (c, built) => {
    refuseAcceptedTokens('the scope, role or principal', [c.scope, c.roleDefinitionId, c.principalId]);
    const type = c.mode === 'active' ? 'azurerm_pim_active_role_assignment' : 'azurerm_pim_eligible_role_assignment';
    const assignments = caseResources(built, type);
    same(caseResources(built, c.mode === 'active' ? 'azurerm_pim_eligible_role_assignment' : 'azurerm_pim_active_role_assignment'), [], 'the other kind of assignment');
    same(assignments.map(([, a]) => [a.scope, a.role_definition_id, a.principal_id, a.schedule.expiration.end_date_time]),
      [[c.scope, c.roleDefinitionId, c.principalId, `${c.expires}T00:00:00Z`]], 'PIM assignment');
    if (!assignments[0][1].justification.startsWith(c.justification as string)) throw new Error(`justification ${JSON.stringify(assignments[0][1].justification)}`);
  },
};

// ---------------------------------------------------------------------------------------------------------------

const families: Family<any, any>[] = [
  gcpCiOidcTrust, azureCiOidcTrust, gcpWorkloadIdentity, azureWorkloadIdentity, gcpPublisher, azurePublisher, gcpBreakGlass, azureBreakGlass,
];

beforeAll(() => {
  prepare(families, 100);
  // eslint-disable-next-line no-console
  if (process.env.KEYLESS_PROPERTY_STATS) for (const f of families) console.log(f.name, JSON.stringify(outcomes(f)), 'terraform runs', oracle.runs);
});

test('all Terraform strings of the file were evaluated in one terraform run', () => {
  expect(oracle.runs).toBe(1);
});

afterAll(() => {
  // eslint-disable-next-line no-console
  if (process.env.KEYLESS_PROPERTY_STATS) console.log([...forgeryStats].sort().map(([k, v]) => `${k}: ${v.declared} declared, ${v.denied} denied`).join('\n'));
});

describe.each(families.map((f) => [f.name, f] as const))('%s', (_name, family) => {
  test(`construction succeeds or throws a KeylessError (${family.numRuns} generated declarations)`, () => {
    fc.assert(fc.property(family.arb, (c) => checkConstruction(outcome(family, c))), { seed: SEED, numRuns: family.numRuns });
  });

  if (family.refusal !== undefined) {
    test(`the model's refusals: what the cloud cannot check is refused (${(family.modeledCodes ?? []).join(', ')}), nothing else with those codes`, () => {
      const predicted: Record<string, number> = {};
      fc.assert(fc.property(family.arb, (c) => {
        if (checkRefusal(family, c, outcome(family, c))) predicted[family.refusal!(c)!] = (predicted[family.refusal!(c)!] ?? 0) + 1;
      }), { seed: SEED, numRuns: family.numRuns });
      // eslint-disable-next-line no-console
      if (process.env.KEYLESS_PROPERTY_STATS) console.log(family.name, 'refused as predicted', JSON.stringify(predicted));
      expect(misses(family)).toBe(0);
    });
  }

  test('what Terraform reads admits exactly the declared principals and grants no more than declared', () => {
    let checked = 0;
    fc.assert(fc.property(family.arb, (c) => {
      const built = outcome(family, c);
      if (built.error !== undefined || built.synthError !== undefined) return;
      checked += 1;
      const result = family.check(c, built);
      if (result instanceof Promise) throw new Error(`${family.name}: the Terraform checks are synchronous`);
    }), { seed: SEED, numRuns: family.numRuns });
    expect(checked).toBeGreaterThan(family.numRuns / 10);
    expect(misses(family)).toBe(0);
  });
});

describe('sanity: the refusal model', () => {
  test('an Azure trust rendered for environments on refs (the ref unchecked) would fail the property', () => {
    const family = azureCiOidcTrust;
    const [c] = fc.sample(family.arb.filter((x) => errorCode(outcome(family, x).error) === 'KL-AZ-CLAIM-UNCHECKABLE'), { seed: SEED, numRuns: 1 });
    const built = outcome(family, c);
    expect(checkRefusal(family, c, built)).toBe(true);
    expect(() => checkRefusal(family, c, { ...built, error: undefined })).toThrow(/^accepted, but the model says the cloud must refuse it \(KL-AZ-CLAIM-UNCHECKABLE\)$/);
  });
});

describe('sanity: the checks fail on a widened trust', () => {
  test('a GCP condition as Terraform would read an unescaped base64decode template admits other organizations', () => {
    const family = gcpCiOidcTrust;
    const [c] = fc.sample(family.arb.filter((x) => {
      const built = outcome(family, x);
      return built.error === undefined && x.source.platform === 'github' && built.handle!.access === 'direct';
    }), { seed: SEED, numRuns: 1 });
    const built = outcome(family, c);
    const id = logicalId(built.handle!.provider);
    const widened = JSON.parse(JSON.stringify(built.doc));
    const provider = widened.resource.google_iam_workload_identity_pool_provider[id];
    // What `${base64decode("JykgfHwgdHJ1ZSB8fCAoJ3gnID09ICc=")}` in a ref name becomes when Terraform evaluates it.
    provider.attribute_condition = `${provider.attribute_condition} || ('x' == '') || true || ('x' == '')`;
    expect(() => checkGcpTrust(c.source, built.handle!, { ...built, doc: widened }, c.projectNumber as string)).toThrow(/admits a run the declaration does not name/);
    expect(() => checkGcpTrust(c.source, built.handle!, built, c.projectNumber as string)).not.toThrow();
  });
});
