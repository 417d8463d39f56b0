/**
 * Bad inputs, each refused at synthesis with a message naming the construct path, the prop, the bad value and the
 * fix. The expected messages live in bad-inputs.test.ts.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cdk from 'aws-cdk-lib/core';
import { Duration } from 'aws-cdk-lib/core';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { GitHubActions, GitHubActionsProps, GitLabCi, GitLabCiProps, ICiSource, Ownership } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import * as k8s from '../../src/constructs/k8s';
import { awsStack, OWNERSHIP, TODAY, tfStack } from '../helpers/synth';

// The identities are tier 1 (OWNERSHIP), so the repository is pinned by its ids; the cases are about something else,
// so the subject stays name-based (`repo:acme/payments-api:…`).
const IDS = { ownerId: '1342004', repositoryId: '86301532' } as const;
const repo: GitHubActionsProps = { owner: 'acme', repository: 'payments-api', ...IDS, subjectFormat: 'name-based', branches: ['main'] };
/** Without ids (and without the subject form that needs them); tier 1 then needs the explicit opt-out. */
const NO_IDS = { ownerId: undefined, repositoryId: undefined, subjectFormat: undefined } as const;
const gh = (props: Partial<GitHubActionsProps>) => GitHubActions.repository({ ...repo, ...props } as GitHubActionsProps);
const gl = (props: Partial<GitLabCiProps>) => GitLabCi.project({ projectPath: 'acme/finance/ledger', branches: ['main'], ...props } as GitLabCiProps);

const awsTrust = (props: Partial<aws.CiOidcTrustProps>) => () => new aws.CiOidcTrust(awsStack(), 'Trust', {
  name: 'payments-deploy', ownership: OWNERSHIP, source: gh({}), ...props,
} as aws.CiOidcTrustProps);
const gcpTrust = (props: Partial<gcp.CiOidcTrustProps>) => () => new gcp.CiOidcTrust(tfStack(), 'Trust', {
  name: 'payments-deploy', ownership: OWNERSHIP, source: gh({}), project: 'acme-payments-prod', projectNumber: '412345678901', ...props,
} as gcp.CiOidcTrustProps);
const azureTrust = (props: Partial<azure.CiOidcTrustProps>) => () => new azure.CiOidcTrust(tfStack(), 'Trust', {
  name: 'payments-deploy', ownership: OWNERSHIP, source: gh({}), resourceGroupName: 'rg-identity', location: 'westeurope', ...props,
} as azure.CiOidcTrustProps);
const sa = { namespace: 'payments', name: 'payments-api' };
const EKS_ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C';
const AKS_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/';
const eksWorkload = (props: Partial<aws.WorkloadIdentityProps>, stack: cdk.Stack = awsStack()) => new aws.WorkloadIdentity(stack, 'Workload', {
  name: 'payments-api', ownership: OWNERSHIP, serviceAccount: sa, eks: { kind: 'irsa', issuerUrl: EKS_ISSUER }, ...props,
} as aws.WorkloadIdentityProps);
const gkeWorkload = (props: Partial<gcp.WorkloadIdentityProps>) => () => new gcp.WorkloadIdentity(tfStack(), 'Workload', {
  name: 'payments-api', ownership: OWNERSHIP, serviceAccount: sa, project: 'acme-payments-prod', projectNumber: '412345678901', ...props,
} as gcp.WorkloadIdentityProps);
const aksWorkload = (props: Partial<azure.WorkloadIdentityProps>) => () => new azure.WorkloadIdentity(tfStack(), 'Workload', {
  name: 'payments-api', ownership: OWNERSHIP, serviceAccount: sa, clusterIssuerUrl: AKS_ISSUER, resourceGroupName: 'rg-identity', location: 'westeurope', ...props,
} as azure.WorkloadIdentityProps);
function chart(): Chart {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  return new Chart(app, 'payments');
}
const pod = (scope: Chart, namespace = 'payments') => new ApiObject(scope, 'Pod', {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api', namespace }, spec: { containers: [{ name: 'api', image: 'api:1' }] },
});
const BG_OWNERSHIP = { ...OWNERSHIP, owner: 'team-sre', purpose: 'emergency repair' };
const breakGlass = (props: Partial<aws.BreakGlassRoleProps>) => () => {
  const stack = awsStack();
  return new aws.BreakGlassRole(stack, 'BreakGlass', {
    name: 'payments-break-glass',
    ownership: BG_OWNERSHIP,
    expires: '2027-01-31',
    humans: [{ principalArn: 'arn:aws:iam::123456789012:user/alice', sourceIdentity: 'alice' }],
    statements: [new iam.PolicyStatement({ actions: ['eks:DescribeNodegroup'], resources: ['arn:aws:eks:eu-west-1:123456789012:nodegroup/prod/ng/x'] })],
    alarmTopic: sns.Topic.fromTopicArn(stack, 'Alerts', 'arn:aws:sns:eu-west-1:123456789012:alerts'),
    ...props,
  } as aws.BreakGlassRoleProps);
};
const gcpBreakGlass = (props: Partial<gcp.BreakGlassAccessProps>) => () => new gcp.BreakGlassAccess(tfStack(), 'BreakGlass', {
  name: 'payments-break-glass',
  ownership: BG_OWNERSHIP,
  project: 'acme-payments-prod',
  role: 'roles/container.admin',
  members: ['group:sre-oncall@example.com'],
  expires: '2027-01-31',
  ...props,
} as gcp.BreakGlassAccessProps);
const azureBreakGlass = (props: Partial<azure.BreakGlassAssignmentProps>) => () => new azure.BreakGlassAssignment(tfStack(), 'BreakGlass', {
  ownership: BG_OWNERSHIP,
  scope: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg',
  roleDefinitionId: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/providers/Microsoft.Authorization/roleDefinitions/ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8',
  principalId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  justification: 'incident INC-1234: repair the cluster',
  expires: '2027-01-31',
  ...props,
} as azure.BreakGlassAssignmentProps);
const withSource = (source: ICiSource) => awsTrust({ source });
const withOwnership = (ownership: Partial<Ownership> | undefined) => awsTrust({ ownership: ownership as Ownership });
const WORKFLOW = 'acme/workflows/.github/workflows/release.yml@refs/heads/main';
const tagList = (count: number) => Array.from({ length: count }, (_, i) => `v1.0.${i}`);

export const BAD_INPUTS: Record<string, () => unknown> = {
  'GitHub owner with a wildcard': withSource(gh({ owner: 'acme*' })),
  'GitHub owner that is only a wildcard': withSource(gh({ owner: '*' })),
  'GitHub repository with a wildcard': withSource(gh({ repository: 'payments-*' })),
  'GitHub owner given as owner/repository': withSource(gh({ owner: 'acme/payments-api' })),
  'GitHub repository with a space': withSource(gh({ repository: 'payments api' })),
  'GitHub owner missing': withSource(gh({ owner: '' })),
  'GitHub owner id that is not a number': withSource(gh({ ownerId: '12ab', repositoryId: '86301532' })),
  'GitHub repository id without the owner id': withSource(gh({ ownerId: undefined })),
  'immutable subject form without ids': withSource(gh({ ...NO_IDS, subjectFormat: 'immutable' })),
  'unknown subject format': withSource(gh({ subjectFormat: 'legacy' as never })),
  'subject format "default" (renamed)': withSource(gh({ subjectFormat: 'default' as never })),
  'ids without a subject format': withSource(gh({ subjectFormat: undefined })),
  'both subject forms without ids': withSource(gh({ ...NO_IDS, subjectFormat: 'both' })),
  'tier 1 GitHub source pinned by name only': withSource(gh({ ...NO_IDS })),
  'ids and the name-only opt-out together': withSource(gh({ allowNameOnlyPinning: true })),
  'branch runs without environment opt-in without environments': withSource(gh({ allowBranchRunsWithoutEnvironment: true })),
  'environment jobs on branches with pull requests': withSource(gh({ environments: ['production'], allowPullRequests: true })),
  'reusable workflow in the subject without the workflow': withSource(gh({ jobWorkflowRefInSubject: true })),
  'reusable workflow in the subject with both subject forms': withSource(gh({ subjectFormat: 'both', jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true })),
  // On an enterprise issuer STS exposes no GitHub claim key: the ids are carried by the immutable subject.
  'AWS environment on branches with an enterprise issuer': withSource(gh({ enterpriseSlug: 'acme', subjectFormat: 'immutable', environments: ['production'] })),
  'AWS reusable workflow pin with an enterprise issuer': withSource(gh({ enterpriseSlug: 'acme', subjectFormat: 'immutable', jobWorkflowRef: WORKFLOW })),
  'Azure environment on branches': azureTrust({ source: gh({ environments: ['production'] }) }),
  'Azure reusable workflow pin outside the subject': azureTrust({ source: gh({ jobWorkflowRef: WORKFLOW }) }),
  'one owner spelled in two cases in one app': () => {
    const stack = awsStack();
    new aws.CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: gh({}) });
    new aws.CiOidcTrust(stack, 'Second', { name: 'payments-release', ownership: OWNERSHIP, source: gh({ owner: 'Acme' }) });
  },
  'one repository id declared for two repositories in one app': () => {
    const stack = awsStack();
    new aws.CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: gh({}) });
    new aws.CiOidcTrust(stack, 'Second', { name: 'payments-release', ownership: OWNERSHIP, source: gh({ repository: 'payments-web' }) });
  },
  'GitHub source admitting no run': withSource(gh({ branches: [] })),
  'branch with a wildcard': withSource(gh({ branches: ['release/*'] })),
  'fully qualified branch ref': withSource(gh({ branches: ['refs/heads/main'] })),
  'branch name git refuses': withSource(gh({ branches: ['feature..x'] })),
  'pull-request ref as a branch without the opt-in': withSource(gh({ branches: ['refs/pull/1/merge'] })),
  'tag with a wildcard in exact tags': withSource(gh({ tags: ['v*'] })),
  'tag pattern with an inner wildcard': withSource(gh({ tagPatterns: ['v*-rc'] })),
  'tag pattern that admits every tag': withSource(gh({ tagPatterns: ['*'] })),
  'environment with a wildcard': withSource(gh({ environments: ['prod*'] })),
  'environment with a leading space': withSource(gh({ environments: [' production'] })),
  'environment with a colon': withSource(gh({ environments: ['prod:eu'] })),
  'enterprise slug with capitals and a space': withSource(gh({ enterpriseSlug: 'Acme Corp' })),
  'look-alike GitHub issuer': withSource(gh({ issuerUrl: 'https://token.actions.githubusercontent.com.evil.com' })),
  'GitHub issuer over http': withSource(gh({ issuerUrl: 'http://token.actions.githubusercontent.com' })),
  'enterprise issuer URL without the slug prop': withSource(gh({ issuerUrl: 'https://token.actions.githubusercontent.com/acme' })),
  'reusable workflow ref in the wrong form': withSource(gh({ jobWorkflowRef: 'acme/workflows/release.yml' })),
  'reusable workflow in the subject with a tag pattern': withSource(gh({ tagPatterns: ['v*'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true })),
  'GitLab instance over http': withSource(gl({ instanceUrl: 'http://gitlab.example.com' })),
  'GitLab instance with a trailing slash': withSource(gl({ instanceUrl: 'https://gitlab.example.com/' })),
  'GitLab instance that is a GitHub URL': withSource(gl({ instanceUrl: 'https://github.com' })),
  'GitLab instance with a wildcard': withSource(gl({ instanceUrl: 'https://*.example.com' })),
  'GitLab project path with a wildcard': withSource(gl({ projectPath: 'acme/*' })),
  'GitLab project path without a group': withSource(gl({ projectPath: 'ledger' })),
  'GitLab namespace id without the project id': withSource(gl({ namespaceId: '5521' })),
  'GitLab source admitting no pipeline': withSource(gl({ branches: [] })),
  'ownership missing': withOwnership(undefined),
  'ownership owner missing': withOwnership({ ...OWNERSHIP, owner: undefined }),
  'owner with a wildcard': withOwnership({ ...OWNERSHIP, owner: 'team-*' }),
  'risk tier 4': withOwnership({ ...OWNERSHIP, tier: 4 as never }),
  'review-by date in the past': withOwnership({ ...OWNERSHIP, reviewBy: '2026-01-31' }),
  'review-by date that does not exist': withOwnership({ ...OWNERSHIP, reviewBy: '2027-02-30' }),
  'review-by date beyond the tier horizon': withOwnership({ ...OWNERSHIP, reviewBy: '2099-12-31' }),
  'environment with capitals': withOwnership({ ...OWNERSHIP, environment: 'Production' }),
  'purpose with a comma': withOwnership({ ...OWNERSHIP, purpose: 'deploy, then migrate' }),
  'identity name with capitals': awsTrust({ name: 'PaymentsDeploy' }),
  'identity name with the reserved gcp- prefix': awsTrust({ name: 'gcp-deployer' }),
  'AWS role name over 64 characters': awsTrust({ roleName: 'r'.repeat(65) }),
  'AWS session over the tier maximum': awsTrust({ maxSessionDuration: Duration.hours(2) }),
  'AWS session under the IAM minimum': awsTrust({ maxSessionDuration: Duration.minutes(30) }),
  'AWS audience with a wildcard': awsTrust({ audience: 'sts.*' }),
  'CI source missing': awsTrust({ source: undefined }),
  'AWS trust policy over the IAM size quota': withSource(gh({ tags: tagList(40) })),
  'GCP project number given as the project id': gcpTrust({ projectNumber: 'acme-payments-prod' }),
  'GCP project id with capitals': gcpTrust({ project: 'Acme-Payments' }),
  'GCP pool id over 32 characters': gcpTrust({ poolId: 'p'.repeat(33) }),
  'GCP provider id with the reserved gcp- prefix': gcpTrust({ providerId: 'gcp-github' }),
  'GCP service account id with direct access': gcpTrust({ serviceAccountId: 'payments-sa' }),
  'GCP unknown access mode': gcpTrust({ access: 'keys' as never }),
  'GCP subject over 127 bytes': gcpTrust({ source: gh({ environments: ['e'.repeat(100)] }) }),
  'Azure with more than 20 subjects': azureTrust({ source: gh({ tags: tagList(21) }) }),
  'Azure with a tag pattern': azureTrust({ source: gh({ tagPatterns: ['v*'] }) }),
  'Azure location written as a display name': azureTrust({ location: 'West Europe' }),
  'Azure resource group ending with a dot': azureTrust({ resourceGroupName: 'rg-identity.' }),
  'Azure identity name with a space': azureTrust({ identityName: 'payments deploy' }),
  'Azure role assignment at a wildcard scope': () => {
    const trust = azureTrust({})() as azure.CiOidcTrust;
    trust.assignRole('Push', { scope: '/subscriptions/*', roleDefinitionName: 'AcrPush' });
  },
  'Azure role assignment with two role definitions': () => {
    const trust = azureTrust({})() as azure.CiOidcTrust;
    trust.assignRole('Push', { scope: '/subscriptions/0000', roleDefinitionName: 'AcrPush', roleDefinitionId: '/providers/x' });
  },
  'service account namespace over 63 characters': () => eksWorkload({ serviceAccount: { namespace: 'n'.repeat(64), name: 'payments-api' } }),
  'service account name with capitals': () => eksWorkload({ serviceAccount: { namespace: 'payments', name: 'PaymentsApi' } }),
  'namespace with an underscore': () => eksWorkload({ serviceAccount: { namespace: 'pay_ments', name: 'payments-api' } }),
  'the default service account': () => eksWorkload({ serviceAccount: { namespace: 'payments', name: 'default' } }),
  'a control-plane namespace': () => eksWorkload({ serviceAccount: { namespace: 'kube-system', name: 'payments-api' } }),
  'service account missing': () => eksWorkload({ serviceAccount: undefined }),
  'EKS Pod Identity on Fargate': () => eksWorkload({ eks: { kind: 'pod-identity', clusterName: 'prod-eu', fargate: true } }),
  'EKS cluster name with a space': () => eksWorkload({ eks: { kind: 'pod-identity', clusterName: 'prod eu' } }),
  'EKS binding missing': () => eksWorkload({ eks: undefined }),
  'IRSA issuer over http': () => eksWorkload({ eks: { kind: 'irsa', issuerUrl: 'http://oidc.eks.eu-west-1.amazonaws.com/id/5C2E' } }),
  'IRSA issuer given as a token': () => eksWorkload({ eks: { kind: 'irsa', issuerUrl: cdk.Lazy.string({ produce: () => EKS_ISSUER }) } }),
  'role ARN annotation without a known account': () => eksWorkload({}).roleArnLiteral(),
  'two AWS identities for one service account': () => {
    const stack = awsStack();
    eksWorkload({}, stack);
    new aws.WorkloadIdentity(stack, 'Second', { name: 'payments-api-2', ownership: OWNERSHIP, serviceAccount: sa, eks: { kind: 'irsa', issuerUrl: EKS_ISSUER } });
  },
  'GKE direct access without the project number': gkeWorkload({ projectNumber: undefined }),
  'GKE Google service account id with direct access': gkeWorkload({ serviceAccountId: 'payments-api-sa' }),
  'GKE Google service account id too short': gkeWorkload({ access: 'impersonation', serviceAccountId: 'api' }),
  'AKS issuer with a query': aksWorkload({ clusterIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/x/?tenant=1' }),
  'Kubernetes service account bound to an identity of another service account': () =>
    new k8s.WorkloadServiceAccount(chart(), 'Sa', { namespace: 'payments', name: 'payments-worker', ownership: OWNERSHIP, identity: k8s.CloudIdentityBinding.gcp(gkeWorkload({})()) }),
  'Azure client id that is not a GUID': () =>
    new k8s.WorkloadServiceAccount(chart(), 'Sa', { ...sa, ownership: OWNERSHIP, identity: k8s.CloudIdentityBinding.azure(aksWorkload({})(), '${azurerm_user_assigned_identity.x.client_id}') }),
  'one service account bound by two workloads': () => {
    const scope = chart();
    const account = new k8s.WorkloadServiceAccount(scope, 'Sa', { ...sa, ownership: OWNERSHIP });
    account.bindWorkload(pod(scope));
    account.bindWorkload(new ApiObject(scope, 'Other', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', namespace: 'payments' }, spec: { containers: [] } }));
  },
  'workload in another namespace than its service account': () => {
    const scope = chart();
    new k8s.WorkloadServiceAccount(scope, 'Sa', { ...sa, ownership: OWNERSHIP }).bindWorkload(pod(scope, 'billing'));
  },
  'binding an object without a pod template': () => {
    const scope = chart();
    new k8s.WorkloadServiceAccount(scope, 'Sa', { ...sa, ownership: OWNERSHIP })
      .bindWorkload(new ApiObject(scope, 'Svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'payments' } }));
  },
  'projected token shorter than the kubelet minimum': () => {
    const scope = chart();
    new k8s.WorkloadServiceAccount(scope, 'Sa', { ...sa, ownership: OWNERSHIP }).bindWorkload(pod(scope), { tokenAudience: 'sts.amazonaws.com', tokenExpirationSeconds: 300 });
  },
  'projected token longer than the tier allows': () => {
    const scope = chart();
    new k8s.WorkloadServiceAccount(scope, 'Sa', { ...sa, ownership: OWNERSHIP }).bindWorkload(pod(scope), { tokenAudience: 'sts.amazonaws.com', tokenExpirationSeconds: 86400 });
  },
  'projected token with a wildcard audience': () => {
    const scope = chart();
    new k8s.WorkloadServiceAccount(scope, 'Sa', { ...sa, ownership: OWNERSHIP }).bindWorkload(pod(scope), { tokenAudience: '*' });
  },
  'publisher trusting pull requests': () => new aws.ScopedPublisherRole(awsStack(), 'Publisher', {
    name: 'payments-image',
    ownership: OWNERSHIP,
    source: gh({ allowPullRequests: true }),
    target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/api' }),
  }),
  'ECR repository ARN with a wildcard': () => new aws.ScopedPublisherRole(awsStack(), 'Publisher', {
    name: 'payments-image',
    ownership: OWNERSHIP,
    source: gh({}),
    target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/*' }),
  }),
  'S3 publish prefix that is empty': () => new aws.ScopedPublisherRole(awsStack(), 'Publisher', {
    name: 'payments-bundle', ownership: OWNERSHIP, source: gh({}), target: aws.AwsPublishTarget.s3Prefix({ bucketName: 'acme-artifacts', prefix: '/' }),
  }),
  'S3 publish prefix with a wildcard': () => new aws.ScopedPublisherRole(awsStack(), 'Publisher', {
    name: 'payments-bundle', ownership: OWNERSHIP, source: gh({}), target: aws.AwsPublishTarget.s3Prefix({ bucketName: 'acme-artifacts', prefix: 'payments-*' }),
  }),
  'S3 bucket name with capitals': () => new aws.ScopedPublisherRole(awsStack(), 'Publisher', {
    name: 'payments-bundle', ownership: OWNERSHIP, source: gh({}), target: aws.AwsPublishTarget.s3Prefix({ bucketName: 'Acme_Artifacts', prefix: 'api' }),
  }),
  'KMS alias instead of a key ARN': () => new aws.ScopedPublisherRole(awsStack(), 'Publisher', {
    name: 'payments-bundle',
    ownership: OWNERSHIP,
    source: gh({}),
    target: aws.AwsPublishTarget.s3Prefix({ bucketName: 'acme-artifacts', prefix: 'api', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/artifacts' }),
  }),
  'CodeArtifact package name with a wildcard': () => new aws.ScopedPublisherRole(awsStack(), 'Publisher', {
    name: 'payments-client',
    ownership: OWNERSHIP,
    source: gh({}),
    target: aws.AwsPublishTarget.codeArtifactPackage({ region: 'eu-west-1', domain: 'acme', domainOwner: '123456789012', repository: 'releases', format: 'npm', packageName: '*' }),
  }),
  'CodeArtifact unknown format': () => new aws.ScopedPublisherRole(awsStack(), 'Publisher', {
    name: 'payments-client',
    ownership: OWNERSHIP,
    source: gh({}),
    target: aws.AwsPublishTarget.codeArtifactPackage({ region: 'eu-west-1', domain: 'acme', domainOwner: '123456789012', repository: 'releases', format: 'docker' as never, packageName: 'client' }),
  }),
  'Cloud Storage publish prefix that is empty': () => new gcp.ScopedPublisherRole(tfStack(), 'Publisher', {
    name: 'payments-bundle',
    ownership: OWNERSHIP,
    source: gh({}),
    project: 'acme-payments-prod',
    projectNumber: '412345678901',
    target: gcp.GcpPublishTarget.storagePrefix({ bucket: 'acme-artifacts', prefix: '' }),
  }),
  'Artifact Registry repository with a wildcard': () => new gcp.ScopedPublisherRole(tfStack(), 'Publisher', {
    name: 'payments-image',
    ownership: OWNERSHIP,
    source: gh({}),
    project: 'acme-payments-prod',
    projectNumber: '412345678901',
    target: gcp.GcpPublishTarget.artifactRegistryRepository({ project: 'acme-payments-prod', location: 'europe-west1', repository: 'pay*' }),
  }),
  'container registry id of another resource type': () => new azure.ScopedPublisherRole(tfStack(), 'Publisher', {
    name: 'payments-image',
    ownership: OWNERSHIP,
    source: gh({}),
    resourceGroupName: 'rg-identity',
    location: 'westeurope',
    target: azure.AzurePublishTarget.containerRegistry({ registryId: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acme' }),
  }),
  'blob publish prefix with a wildcard': () => new azure.ScopedPublisherRole(tfStack(), 'Publisher', {
    name: 'payments-bundle',
    ownership: OWNERSHIP,
    source: gh({}),
    resourceGroupName: 'rg-identity',
    location: 'westeurope',
    target: azure.AzurePublishTarget.blobContainer({ storageAccountId: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acmeartifacts', container: 'releases', prefix: 'api/*' }),
  }),
  'break-glass that has expired': breakGlass({ expires: '2026-11-01' }),
  'break-glass without an expiry': breakGlass({ expires: undefined }),
  'break-glass expiring beyond 90 days': breakGlass({ expires: '2027-06-30' }),
  'break-glass without named humans': breakGlass({ humans: [] }),
  'break-glass for a whole account': breakGlass({ humans: [{ principalArn: 'arn:aws:iam::123456789012:root', sourceIdentity: 'root' }] }),
  'break-glass for a wildcard principal': breakGlass({ humans: [{ principalArn: 'arn:aws:iam::123456789012:user/*', sourceIdentity: 'anyone' }] }),
  'break-glass source identity with a space': breakGlass({ humans: [{ principalArn: 'arn:aws:iam::123456789012:user/alice', sourceIdentity: 'alice smith' }] }),
  'break-glass without permissions': breakGlass({ statements: [] }),
  'break-glass without an alarm': breakGlass({ alarmTopic: undefined }),
  'break-glass in tier 2': breakGlass({ ownership: { ...BG_OWNERSHIP, tier: 2 } }),
  'break-glass MFA age over an hour': breakGlass({ maxMfaAge: Duration.hours(2) }),
  'GCP break-glass on a basic role': gcpBreakGlass({ role: 'roles/owner' }),
  'GCP break-glass for a service account': gcpBreakGlass({ members: ['serviceAccount:ci@acme-payments-prod.iam.gserviceaccount.com'] }),
  'GCP break-glass approved by a requester': gcpBreakGlass({ mode: 'privileged-access-manager', approvers: ['group:sre-oncall@example.com'] }),
  'Azure break-glass with a short justification': azureBreakGlass({ justification: 'fix' }),
  'Azure break-glass for a principal name instead of an object id': azureBreakGlass({ principalId: 'sre-oncall' }),
  'Azure break-glass that has expired': azureBreakGlass({ expires: '2026-10-01' }),
};
