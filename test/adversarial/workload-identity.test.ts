/**
 * Adversarial suite for the Kubernetes workload identities (IRSA, EKS Pod Identity, GKE Workload Identity, AKS
 * workload identity): forged Kubernetes service account tokens, and forged Pod Identity requests, are evaluated
 * against the *synthesized* trust of each cloud (shared/REFERENCE.md, sections "AWS", "GCP", "Azure",
 * "Kubernetes"), never against what Keyless meant to render.
 *
 * The token claims are built here from the namespace and name the way the Kubernetes API server builds them
 * (`sub: system:serviceaccount:NS:SA`), independently of src/.
 */
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib/core';
import { awsTrustKeyAudit } from './aws-trust-keys';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { assumeRoleWithWebIdentityAllowed, EKS_POD_IDENTITY_PRINCIPAL, podIdentityAssumeRoleAllowed, PodIdentityRequest } from '../helpers/aws-trust-evaluator';
import { azureTokenAccepted } from '../helpers/azure-token-exchange';
import { authorizedBy, synthesizedMembers } from '../helpers/gcp-token-exchange';
import { DETECTION_ROUTES, OWNERSHIP, TODAY, tfJson, tfResources, tfStack } from '../helpers/synth';
import type { Claims } from '../helpers/tokens';

const audit = awsTrustKeyAudit();

const NAMESPACE = 'payments';
const NAME = 'payments-api';
const SERVICE_ACCOUNT = { namespace: NAMESPACE, name: NAME };

/** A Kubernetes service account as a pod presents it: namespace and name. */
interface Ksa {
  readonly namespace: string;
  readonly name: string;
}

/** Service accounts other than payments/payments-api, every one of which must be refused. */
const FORGED_SERVICE_ACCOUNTS: ReadonlyArray<readonly [string, Ksa]> = [
  ['another namespace (billing/payments-api)', { namespace: 'billing', name: NAME }],
  ['another service account (payments/payments-worker)', { namespace: NAMESPACE, name: 'payments-worker' }],
  ['the default service account of the namespace (payments/default)', { namespace: NAMESPACE, name: 'default' }],
  ['service-account prefix collision (payments/payments-api-evil)', { namespace: NAMESPACE, name: 'payments-api-evil' }],
  ['service-account truncation (payments/payments-ap)', { namespace: NAMESPACE, name: 'payments-ap' }],
  ['namespace prefix collision (payments-evil/payments-api)', { namespace: 'payments-evil', name: NAME }],
  ['namespace truncation (payment/payments-api)', { namespace: 'payment', name: NAME }],
  ['namespace and name swapped (payments-api/payments)', { namespace: NAME, name: NAMESPACE }],
  ['the default service account of kube-system', { namespace: 'kube-system', name: 'default' }],
];

/** The `sub` of a projected service account token, built the way the API server builds it. */
const subjectOf = (ksa: Ksa): string => `system:serviceaccount:${ksa.namespace}:${ksa.name}`;

/** Claims of a projected service account token; `aud: null` drops the audience. */
function k8sToken(iss: string, ksa: Ksa, aud: string | null): Claims {
  return { iss, aud: aud === null ? undefined : aud, sub: subjectOf(ksa) };
}

describe('AWS IRSA: forged service account tokens against the synthesized trust', () => {
  const ACCOUNT_ID = '123456789012';
  const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C';
  /** A second cluster of the same account, with its own IAM OIDC provider and a role for the same names. */
  const STAGING_ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/0B7A3D5E9C1F4A2B8E6D0C3F7A9B1E5D';
  /** A cluster whose issuer is not registered in the account at all. */
  const FOREIGN_ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/9F8E7D6C5B4A39281706F5E4D3C2B1A0';
  const AUD = 'sts.amazonaws.com';
  const ROLE = 'payments-api';
  const STAGING_ROLE = 'payments-api-staging';

  const app = new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  // An explicit environment, as IRSA needs for the annotation's role ARN. The evaluator is told the same account,
  // so the role, the template's OIDC providers and any account id in the trust live in one account, as in AWS.
  const stack = new Stack(app, 'Workloads', { env: { account: ACCOUNT_ID, region: 'eu-west-1' }, analyticsReporting: false });
  const identity = new aws.WorkloadIdentity(stack, 'PaymentsApi', {
    name: ROLE, ownership: OWNERSHIP, serviceAccount: SERVICE_ACCOUNT, eks: { kind: 'irsa', issuerUrl: ISSUER },
  });
  new aws.WorkloadIdentity(stack, 'PaymentsApiStaging', {
    name: STAGING_ROLE, ownership: OWNERSHIP, serviceAccount: SERVICE_ACCOUNT, eks: { kind: 'irsa', issuerUrl: STAGING_ISSUER },
  });
  const template = audit.record(Template.fromStack(stack).toJSON(), 'IRSA');
  const allowed = (claims: Claims, role = ROLE) => assumeRoleWithWebIdentityAllowed(template, role, claims, { account: ACCOUNT_ID });
  const hostPath = ISSUER.replace(/^https:\/\//, '');

  test('the synthesized trust is exactly the IRSA trust of payments/payments-api on that issuer', () => {
    const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role', { Properties: { RoleName: ROLE } }));
    const providers = Template.fromStack(stack).findResources('AWS::IAM::OIDCProvider', { Properties: { Url: ISSUER } });
    expect(Object.keys(providers)).toHaveLength(1);
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: { Ref: Object.keys(providers)[0] } },
        Condition: { StringEquals: { [`${hostPath}:aud`]: AUD, [`${hostPath}:sub`]: 'system:serviceaccount:payments:payments-api' } },
      }],
    });
    expect(Object.values(providers)[0].Properties.ClientIdList).toEqual([AUD]);
    expect(identity.roleArnLiteral()).toBe('arn:aws:iam::123456789012:role/payments-api');
  });

  test('allows the token of payments/payments-api from its cluster', () => {
    expect(allowed(k8sToken(ISSUER, SERVICE_ACCOUNT, AUD))).toBe(true);
  });

  test('sanity: the engine evaluates the aud condition, not only STS\'s client-id check', () => {
    const widened = JSON.parse(JSON.stringify(template)) as { Resources: Record<string, { Type: string; Properties: any }> };
    const provider = Object.values(widened.Resources).find((r) => r.Type === 'AWS::IAM::OIDCProvider' && r.Properties.Url === ISSUER)!;
    provider.Properties.ClientIdList.push('other-audience');
    expect(assumeRoleWithWebIdentityAllowed(widened, ROLE, k8sToken(ISSUER, SERVICE_ACCOUNT, AUD), { account: ACCOUNT_ID })).toBe(true);
    expect(assumeRoleWithWebIdentityAllowed(widened, ROLE, k8sToken(ISSUER, SERVICE_ACCOUNT, 'other-audience'), { account: ACCOUNT_ID })).toBe(false);
  });

  test.each(FORGED_SERVICE_ACCOUNTS)('denies the token of %s', (_name, ksa) => {
    expect(allowed(k8sToken(ISSUER, ksa, AUD))).toBe(false);
  });

  test('denies payments/payments-api of another cluster of the account, whose provider exists', () => {
    const token = k8sToken(STAGING_ISSUER, SERVICE_ACCOUNT, AUD);
    // Sanity: the token is well-formed and STS accepts its issuer; the staging role admits it.
    expect(allowed(token, STAGING_ROLE)).toBe(true);
    expect(allowed(token)).toBe(false);
    // And the production token does not open the staging role.
    expect(allowed(k8sToken(ISSUER, SERVICE_ACCOUNT, AUD), STAGING_ROLE)).toBe(false);
  });

  test('denies payments/payments-api of a cluster not registered in the account', () => {
    expect(allowed(k8sToken(FOREIGN_ISSUER, SERVICE_ACCOUNT, AUD))).toBe(false);
  });

  test('denies the issuer with a trailing slash, and a look-alike issuer host', () => {
    expect(allowed(k8sToken(`${ISSUER}/`, SERVICE_ACCOUNT, AUD))).toBe(false);
    expect(allowed(k8sToken(ISSUER.replace('oidc.eks.eu-west-1.amazonaws.com', 'oidc.eks.eu-west-1.amazonaws.com.evil.example'), SERVICE_ACCOUNT, AUD))).toBe(false);
  });

  test('denies a wrong audience (the Azure token exchange audience, a custom audience)', () => {
    expect(allowed(k8sToken(ISSUER, SERVICE_ACCOUNT, 'api://AzureADTokenExchange'))).toBe(false);
    expect(allowed(k8sToken(ISSUER, SERVICE_ACCOUNT, 'https://kubernetes.default.svc'))).toBe(false);
  });

  test('denies a token without audience', () => {
    expect(allowed(k8sToken(ISSUER, SERVICE_ACCOUNT, null))).toBe(false);
  });

  test('denies a token without subject', () => {
    expect(allowed({ iss: ISSUER, aud: AUD })).toBe(false);
  });
});

describe('AWS EKS Pod Identity: forged agent requests against the synthesized trust', () => {
  const ACCOUNT_ID = '123456789012';
  const OTHER_ACCOUNT = '210987654321';
  const CLUSTER = 'prod-eu';
  const ROLE = 'payments-api';
  const clusterArn = (account: string, name: string, region = 'eu-west-1') => `arn:aws:eks:${region}:${account}:cluster/${name}`;

  const app = new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  const stack = new Stack(app, 'Workloads', { env: { account: ACCOUNT_ID, region: 'eu-west-1' }, analyticsReporting: false });
  const identity = new aws.WorkloadIdentity(stack, 'PaymentsApi', {
    name: ROLE, ownership: OWNERSHIP, serviceAccount: SERVICE_ACCOUNT, eks: { kind: 'pod-identity', clusterName: CLUSTER },
  });
  const assertions = Template.fromStack(stack);
  const template = audit.record(assertions.toJSON(), 'Pod Identity');
  const allowed = (request: PodIdentityRequest) => podIdentityAssumeRoleAllowed(template, ROLE, request, { account: ACCOUNT_ID });

  /** The request the Pod Identity Agent makes for a pod of `ksa` on `cluster` of `account`. */
  function agentRequest(ksa: Ksa, cluster = CLUSTER, account = ACCOUNT_ID): PodIdentityRequest {
    return {
      tags: {
        'eks-cluster-arn': clusterArn(account, cluster),
        'eks-cluster-name': cluster,
        'kubernetes-namespace': ksa.namespace,
        'kubernetes-service-account': ksa.name,
        'kubernetes-pod-name': `${ksa.name}-7d9f8c6b5-x2k4q`,
        'kubernetes-pod-uid': '3f1e9a2c-5b7d-4e8f-9a1b-2c3d4e5f6a7b',
      },
      sourceAccount: account,
    };
  }
  const legitimate = agentRequest(SERVICE_ACCOUNT);
  const withTags = (tags: Record<string, string | undefined>): PodIdentityRequest => ({ ...legitimate, tags: { ...legitimate.tags, ...tags } });

  test('the synthesized trust is exactly the Pod Identity trust of payments/payments-api on prod-eu', () => {
    const [role] = Object.values(assertions.findResources('AWS::IAM::Role', { Properties: { RoleName: ROLE } }));
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:RequestTag/eks-cluster-arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-1:123456789012:cluster/prod-eu']] },
            'aws:RequestTag/eks-cluster-name': 'prod-eu',
            'aws:RequestTag/kubernetes-namespace': 'payments',
            'aws:RequestTag/kubernetes-service-account': 'payments-api',
            'aws:SourceAccount': '123456789012',
          },
        },
      }],
    });
  });

  test('exactly one PodIdentityAssociation binds prod-eu payments/payments-api to the role', () => {
    const associations = assertions.findResources('AWS::EKS::PodIdentityAssociation');
    expect(Object.keys(associations)).toHaveLength(1);
    const [roleLogicalId] = Object.keys(assertions.findResources('AWS::IAM::Role', { Properties: { RoleName: ROLE } }));
    expect(Object.values(associations)[0].Properties).toEqual({
      ClusterName: 'prod-eu',
      Namespace: 'payments',
      ServiceAccount: 'payments-api',
      RoleArn: { 'Fn::GetAtt': [roleLogicalId, 'Arn'] },
    });
    expect(identity.podIdentityAssociation).toBeDefined();
    expect(identity.mechanism).toBe('pod-identity');
  });

  test('allows the agent\'s request for payments/payments-api on prod-eu', () => {
    expect(allowed(legitimate)).toBe(true);
  });

  /** The template with the role's trust statement changed by `edit`. */
  function mutated(edit: (statement: any) => void): object {
    const copy = JSON.parse(JSON.stringify(template)) as { Resources: Record<string, { Type: string; Properties: any }> };
    const role = Object.values(copy.Resources).find((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === ROLE)!;
    edit(role.Properties.AssumeRolePolicyDocument.Statement[0]);
    return copy;
  }

  test('sanity: the trust must allow sts:TagSession as well as sts:AssumeRole', () => {
    const withoutTagSession = mutated((statement) => { statement.Action = 'sts:AssumeRole'; });
    expect(podIdentityAssumeRoleAllowed(withoutTagSession, ROLE, legitimate, { account: ACCOUNT_ID })).toBe(false);
  });

  test('sanity: the engine evaluates the session-tag conditions (dropping one admits the request it guarded)', () => {
    const forged = withTags({ 'kubernetes-namespace': 'billing' });
    const unguarded = mutated((statement) => { delete statement.Condition.StringEquals['aws:RequestTag/kubernetes-namespace']; });
    expect(podIdentityAssumeRoleAllowed(unguarded, ROLE, forged, { account: ACCOUNT_ID })).toBe(true);
    expect(allowed(forged)).toBe(false);
  });

  test('sanity: only the Pod Identity service principal is trusted', () => {
    expect(allowed({ ...legitimate, principal: EKS_POD_IDENTITY_PRINCIPAL })).toBe(true);
    expect(allowed({ ...legitimate, principal: 'ec2.amazonaws.com' })).toBe(false);
    expect(allowed({ ...legitimate, principal: 'eks.amazonaws.com' })).toBe(false);
  });

  test.each(FORGED_SERVICE_ACCOUNTS)('denies the request for %s', (_name, ksa) => {
    expect(allowed(agentRequest(ksa))).toBe(false);
  });

  test.each([
    ['another cluster of the account (staging-eu)', 'staging-eu'],
    ['cluster-name prefix collision (prod-eu-2)', 'prod-eu-2'],
    ['cluster-name truncation (prod)', 'prod'],
    ['case-changed cluster name (Prod-eu)', 'Prod-eu'],
  ])('denies a request with the cluster-name tag of %s', (_name, cluster) => {
    expect(allowed(agentRequest(SERVICE_ACCOUNT, cluster))).toBe(false);
  });

  test('denies a wrong namespace tag, service-account tag or cluster-name tag alone', () => {
    expect(allowed(withTags({ 'kubernetes-namespace': 'billing' }))).toBe(false);
    expect(allowed(withTags({ 'kubernetes-service-account': 'payments-worker' }))).toBe(false);
    expect(allowed(withTags({ 'eks-cluster-name': 'staging-eu' }))).toBe(false);
  });

  test.each(['eks-cluster-name', 'kubernetes-namespace', 'kubernetes-service-account'])('denies a request without the %s tag', (tag) => {
    expect(allowed(withTags({ [tag]: undefined }))).toBe(false);
  });

  test('denies a request without any session tag', () => {
    expect(allowed({ ...legitimate, tags: {} })).toBe(false);
  });

  test('denies a cluster of the same name in another account (other SourceAccount)', () => {
    expect(allowed(agentRequest(SERVICE_ACCOUNT, CLUSTER, OTHER_ACCOUNT))).toBe(false);
    expect(allowed({ ...legitimate, sourceAccount: OTHER_ACCOUNT })).toBe(false);
  });

  test('denies a cluster of the same name in another region of the same account', () => {
    // EKS cluster names are unique per account and region only: us-east-1 can hold another "prod-eu". Its agent sends
    // the same eks-cluster-name tag and SourceAccount; only the eks-cluster-arn session tag tells the clusters apart.
    expect(allowed(withTags({ 'eks-cluster-arn': clusterArn(ACCOUNT_ID, CLUSTER, 'us-east-1') }))).toBe(false);
  });

  test('denies a request without SourceAccount', () => {
    expect(allowed({ ...legitimate, sourceAccount: undefined })).toBe(false);
  });
});

describe('GCP GKE Workload Identity: forged service accounts against the synthesized bindings', () => {
  const PROJECT = 'acme-payments-prod';
  const PROJECT_NUMBER = '412345678901';
  /** Another project, whose clusters have their own workload pool. */
  const OTHER_PROJECT = 'acme-payments-staging';
  const OTHER_PROJECT_NUMBER = '598765432109';
  const WORKLOAD_IDENTITY_USER = 'roles/iam.workloadIdentityUser';
  const READER = 'roles/storage.objectViewer';

  /**
   * The identity a pod's projected KSA token is exchanged for by GKE, for a cluster of `project`: the direct
   * principal, or the member that `roles/iam.workloadIdentityUser` names for impersonation.
   */
  function gkePrincipal(access: 'direct' | 'impersonation', ksa: Ksa, project = PROJECT, projectNumber = PROJECT_NUMBER): string {
    return access === 'direct'
      ? `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${project}.svc.id.goog/subject/ns/${ksa.namespace}/sa/${ksa.name}`
      : `serviceAccount:${project}.svc.id.goog[${ksa.namespace}/${ksa.name}]`;
  }

  describe('direct access', () => {
    const stack = tfStack();
    const identity = new gcp.WorkloadIdentity(stack, 'PaymentsApi', {
      name: 'payments-api', ownership: OWNERSHIP, serviceAccount: SERVICE_ACCOUNT, project: PROJECT, projectNumber: PROJECT_NUMBER, access: 'direct',
    });
    // Direct access: a resource grants a role to the construct's member, as a consumer of the construct would.
    new StorageBucketIamMember(stack, 'SettlementsReader', { bucket: 'acme-settlements', role: READER, member: identity.member });
    const json = tfJson(stack);
    const members = synthesizedMembers(json, 'google_storage_bucket_iam_member', READER);
    const authorized = (ksa: Ksa, project = PROJECT, projectNumber = PROJECT_NUMBER) =>
      authorizedBy(members, [gkePrincipal('direct', ksa, project, projectNumber)]);

    test('the member is exactly the principal of payments/payments-api in the project\'s workload pool', () => {
      expect(identity.member).toBe('principal://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/acme-payments-prod.svc.id.goog/subject/ns/payments/sa/payments-api');
      expect(identity.workloadMember).toBe(identity.member);
      expect(members).toEqual([identity.member]);
    });

    test('creates no Google service account and no impersonation binding', () => {
      expect(tfResources(json, 'google_service_account')).toEqual({});
      expect(tfResources(json, 'google_service_account_iam_member')).toEqual({});
      expect(identity.googleServiceAccount).toBeUndefined();
      expect(identity.googleServiceAccountEmail).toBeUndefined();
    });

    test('authorizes payments/payments-api of a cluster of the project', () => {
      expect(authorized(SERVICE_ACCOUNT)).toBe(true);
    });

    test.each(FORGED_SERVICE_ACCOUNTS)('does not authorize %s', (_name, ksa) => {
      expect(authorized(ksa)).toBe(false);
    });

    test('does not authorize payments/payments-api of a cluster in another project', () => {
      expect(authorized(SERVICE_ACCOUNT, OTHER_PROJECT, OTHER_PROJECT_NUMBER)).toBe(false);
      // The right pool name but another project number, and the right number with another pool.
      expect(authorized(SERVICE_ACCOUNT, PROJECT, OTHER_PROJECT_NUMBER)).toBe(false);
      expect(authorized(SERVICE_ACCOUNT, OTHER_PROJECT, PROJECT_NUMBER)).toBe(false);
    });

    test('does not authorize the impersonation-form member of the same service account', () => {
      expect(authorizedBy(members, [gkePrincipal('impersonation', SERVICE_ACCOUNT)])).toBe(false);
    });
  });

  describe('impersonation', () => {
    const stack = tfStack();
    const identity = new gcp.WorkloadIdentity(stack, 'PaymentsApi', {
      name: 'payments-api', ownership: OWNERSHIP, serviceAccount: SERVICE_ACCOUNT, project: PROJECT, access: 'impersonation',
    });
    const json = tfJson(stack);
    const members = synthesizedMembers(json, 'google_service_account_iam_member', WORKLOAD_IDENTITY_USER);
    const authorized = (ksa: Ksa, project = PROJECT) => authorizedBy(members, [gkePrincipal('impersonation', ksa, project)]);

    test('the Google service account may be impersonated by exactly payments/payments-api of the project\'s pool', () => {
      const accounts = tfResources(json, 'google_service_account');
      expect(Object.keys(accounts)).toHaveLength(1);
      const [[accountId, account]] = Object.entries(accounts);
      expect(account.account_id).toBe('payments-api');
      expect(account.project).toBe(PROJECT);
      expect(identity.googleServiceAccountEmail).toBe('payments-api@acme-payments-prod.iam.gserviceaccount.com');
      expect(identity.member).toBe('serviceAccount:payments-api@acme-payments-prod.iam.gserviceaccount.com');
      const bindings = Object.values(tfResources(json, 'google_service_account_iam_member'));
      expect(bindings).toHaveLength(1);
      expect(bindings[0].role).toBe(WORKLOAD_IDENTITY_USER);
      expect(bindings[0].member).toBe('serviceAccount:acme-payments-prod.svc.id.goog[payments/payments-api]');
      expect(bindings[0].service_account_id).toBe(`\${google_service_account.${accountId}.name}`);
      expect(members).toEqual(['serviceAccount:acme-payments-prod.svc.id.goog[payments/payments-api]']);
      expect(tfResources(json, 'google_service_account_iam_binding')).toEqual({});
      expect(tfResources(json, 'google_service_account_iam_policy')).toEqual({});
    });

    test('authorizes payments/payments-api of a cluster of the project', () => {
      expect(authorized(SERVICE_ACCOUNT)).toBe(true);
    });

    test.each(FORGED_SERVICE_ACCOUNTS)('does not authorize %s', (_name, ksa) => {
      expect(authorized(ksa)).toBe(false);
    });

    test('does not authorize payments/payments-api of a cluster in another project', () => {
      expect(authorized(SERVICE_ACCOUNT, OTHER_PROJECT)).toBe(false);
    });

    test('does not authorize the direct-form principal of the same service account', () => {
      expect(authorizedBy(members, [gkePrincipal('direct', SERVICE_ACCOUNT)])).toBe(false);
    });
  });
});

describe('Azure AKS workload identity: forged service account tokens against the federated credential', () => {
  const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/';
  /** Another AKS cluster of the same tenant. */
  const OTHER_CLUSTER_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f/';
  const AUD = 'api://AzureADTokenExchange';

  const stack = tfStack();
  new azure.WorkloadIdentity(stack, 'PaymentsApi', {
    name: 'payments-api',
    ownership: OWNERSHIP,
    serviceAccount: SERVICE_ACCOUNT,
    clusterIssuerUrl: ISSUER,
    resourceGroupName: 'rg-payments-identity',
    location: 'westeurope',
  });
  const json = tfJson(stack);
  const [identityId] = Object.keys(tfResources(json, 'azurerm_user_assigned_identity'));
  const accepted = (claims: Claims) => azureTokenAccepted(json, identityId, claims);

  test('the identity has exactly one federated credential: the cluster issuer, payments/payments-api, the exchange audience', () => {
    expect(Object.keys(tfResources(json, 'azurerm_user_assigned_identity'))).toHaveLength(1);
    const credentials = Object.values(tfResources(json, 'azurerm_federated_identity_credential'));
    expect(credentials).toHaveLength(1);
    expect(credentials[0].parent_id).toBe(`\${azurerm_user_assigned_identity.${identityId}.id}`);
    expect(credentials[0].issuer).toBe(ISSUER);
    expect(credentials[0].subject).toBe('system:serviceaccount:payments:payments-api');
    expect(credentials[0].audience).toEqual([AUD]);
  });

  test('accepts the token of payments/payments-api from its cluster', () => {
    expect(accepted(k8sToken(ISSUER, SERVICE_ACCOUNT, AUD))).toBe(true);
  });

  test.each(FORGED_SERVICE_ACCOUNTS)('denies the token of %s', (_name, ksa) => {
    expect(accepted(k8sToken(ISSUER, ksa, AUD))).toBe(false);
  });

  test('denies payments/payments-api of another cluster', () => {
    expect(accepted(k8sToken(OTHER_CLUSTER_ISSUER, SERVICE_ACCOUNT, AUD))).toBe(false);
  });

  test('denies the same issuer without its trailing slash', () => {
    expect(accepted(k8sToken(ISSUER.replace(/\/$/, ''), SERVICE_ACCOUNT, AUD))).toBe(false);
  });

  test('denies a case-changed issuer host and a look-alike issuer host', () => {
    expect(accepted(k8sToken(ISSUER.replace('westeurope.oic', 'WestEurope.oic'), SERVICE_ACCOUNT, AUD))).toBe(false);
    expect(accepted(k8sToken(ISSUER.replace('prod-aks.azure.com', 'prod-aks.azure.com.evil.example'), SERVICE_ACCOUNT, AUD))).toBe(false);
  });

  test('denies a wrong audience (the AWS audience, a custom audience)', () => {
    expect(accepted(k8sToken(ISSUER, SERVICE_ACCOUNT, 'sts.amazonaws.com'))).toBe(false);
    expect(accepted(k8sToken(ISSUER, SERVICE_ACCOUNT, 'api://AzureADTokenExchange/evil'))).toBe(false);
  });

  test('denies a token without audience', () => {
    expect(accepted(k8sToken(ISSUER, SERVICE_ACCOUNT, null))).toBe(false);
  });

  test('denies a case-changed subject', () => {
    expect(accepted({ iss: ISSUER, aud: AUD, sub: 'system:serviceaccount:Payments:payments-api' })).toBe(false);
  });
});

audit.defineTest();
