/**
 * Props of the wrong type (a number where a Duration goes, a plain object where a binding or a target goes, sparse
 * lists, a workload without its pod template…) are refused with a Keyless error naming the prop, never a TypeError
 * or a framework stack trace. Every message is asserted exactly.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Duration } from 'aws-cdk-lib/core';
import * as cdk from 'aws-cdk-lib/core';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { Access, GitHubActions, KeylessError } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as gcp from '../../src/constructs/gcp';
import * as k8s from '../../src/constructs/k8s';
import { awsRoleDescription } from '../../src/core/names';
import { checkDurationSeconds, checkObjectProp, describeValue } from '../../src/core/props';
import { CiPublishArtifact, DeployService, ScheduledJob } from '../../src/templates';
import { awsStack, DETECTION_ROUTES, OWNERSHIP, tfStack, TODAY } from '../helpers/synth';

// Tier 1 identities: the repository is pinned by its ids (it emits name-based subjects).
const IDS = { ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based' } as const;
const source = () => GitHubActions.repository({ owner: 'acme', repository: 'payments-api', ...IDS, branches: ['main'] });
const sa = { namespace: 'payments', name: 'payments-api' };
const EKS_ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C';
const ECR = 'arn:aws:ecr:eu-west-1:123456789012:repository/api';
const BG_OWNERSHIP = { ...OWNERSHIP, owner: 'team-sre', purpose: 'emergency repair' };

function envStack(): cdk.Stack {
  return new cdk.Stack(new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Platform', { env: { account: '123456789012', region: 'eu-west-1' } });
}
function chart(): Chart {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  return new Chart(app, 'payments');
}

const trust = (props: Record<string, unknown>) => () => new aws.CiOidcTrust(awsStack(), 'Trust', {
  name: 'payments-deploy', ownership: OWNERSHIP, source: source(), ...props,
} as never);
const workload = (props: Record<string, unknown>) => () => new aws.WorkloadIdentity(envStack(), 'Workload', {
  name: 'payments-api', ownership: OWNERSHIP, serviceAccount: sa, eks: { kind: 'irsa', issuerUrl: EKS_ISSUER }, ...props,
} as never);
const publisher = (props: Record<string, unknown>) => () => new aws.ScopedPublisherRole(awsStack(), 'Publisher', {
  name: 'payments-image', ownership: OWNERSHIP, source: source(), target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: ECR }), ...props,
} as never);
const gcpPublisher = (props: Record<string, unknown>) => () => new gcp.ScopedPublisherRole(tfStack(), 'Publisher', {
  name: 'payments-image',
  ownership: OWNERSHIP,
  source: source(),
  project: 'acme-payments-prod',
  projectNumber: '412345678901',
  target: gcp.GcpPublishTarget.storagePrefix({ bucket: 'acme-artifacts', prefix: 'api' }),
  ...props,
} as never);
const breakGlass = (props: Record<string, unknown>) => () => {
  const stack = awsStack();
  return new aws.BreakGlassRole(stack, 'BreakGlass', {
    name: 'payments-break-glass',
    ownership: BG_OWNERSHIP,
    expires: '2027-01-31',
    humans: [{ principalArn: 'arn:aws:iam::123456789012:user/alice', sourceIdentity: 'alice' }],
    statements: [new iam.PolicyStatement({ actions: ['eks:DescribeNodegroup'], resources: ['arn:aws:eks:eu-west-1:123456789012:nodegroup/prod/ng/x'] })],
    alarmTopic: sns.Topic.fromTopicArn(stack, 'Alerts', 'arn:aws:sns:eu-west-1:123456789012:alerts'),
    ...props,
  } as never);
};
const serviceAccount = (props: Record<string, unknown>) => () => new k8s.WorkloadServiceAccount(chart(), 'Sa', { ...sa, ownership: OWNERSHIP, ...props } as never);
const bind = (kind: string, spec: unknown, options?: unknown) => () => {
  const scope = chart();
  const account = new k8s.WorkloadServiceAccount(scope, 'Sa', { ...sa, ownership: OWNERSHIP });
  account.bindWorkload(new ApiObject(scope, 'Workload', { apiVersion: 'apps/v1', kind, metadata: { name: 'api', namespace: 'payments' }, spec }), options as never);
  Testing.synth(scope);
};
const clusters = () => {
  const app = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  const stack = new cdk.Stack(app, 'Aws', { env: { account: '123456789012', region: 'eu-west-1' } });
  return { eks: { stack, chart: chart(), eks: { kind: 'pod-identity', clusterName: 'prod-eu' } } };
};
const T2 = { ...OWNERSHIP, tier: 2 as const };
const deployService = (props: Record<string, unknown>) => () => new DeployService({
  name: 'payments-api', ownership: T2, image: 'registry.example.com/payments-api:1.4.2', ...clusters(), ...props,
} as never);
const secret = () => Access.readSecret({ aws: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:payments/psp-api-key-AbC123' } });
const scheduledJob = (props: Record<string, unknown>) => () => new ScheduledJob({
  name: 'payments-reconcile', ownership: T2, image: 'registry.example.com/reconcile:1', schedule: '15 2 * * *', secret: secret(), ...clusters(), ...props,
} as never);
const ciPublish = (props: Record<string, unknown>) => () => new CiPublishArtifact({
  name: 'payments-image', ownership: OWNERSHIP, source: source(), ...props,
} as never);

const DURATION_FIX = 'Fix: give a Duration of whole seconds, e.g. `Duration.hours(1)` or `Duration.seconds(3600)` (aws-cdk-lib `Duration`, not a number).';

const CASES: Record<string, [() => unknown, string]> = {
  // Numbers and fractional values where a Duration goes.
  'CiOidcTrust maxSessionDuration as a number': [trust({ maxSessionDuration: 3600 }),
    `[KL-PROP-DURATION] Platform/Trust: \`maxSessionDuration\` is 3600: expected a Duration (a number has no unit). ${DURATION_FIX}`],
  'CiOidcTrust fractional maxSessionDuration': [trust({ maxSessionDuration: Duration.seconds(3600.5) }),
    `[KL-PROP-DURATION] Platform/Trust: \`maxSessionDuration\` is 3600.5 seconds: a duration here is a whole, positive number of seconds. ${DURATION_FIX}`],
  'CiOidcTrust half a minute': [trust({ maxSessionDuration: Duration.minutes(0.5) }),
    '[KL-AWS-SESSION-BOUNDS] Platform/Trust: `maxSessionDuration` is 30 seconds, outside the AWS IAM MaxSessionDuration range of 3600–43200 seconds. Fix: give a value between 3600 and 43200 seconds (a role session can be shortened further by the caller\'s DurationSeconds). See https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html'],
  'CiOidcTrust maxSessionDuration as a string': [trust({ maxSessionDuration: '1h' }),
    `[KL-PROP-DURATION] Platform/Trust: \`maxSessionDuration\` is "1h": expected a Duration. ${DURATION_FIX}`],
  'WorkloadIdentity maxSessionDuration as a number': [workload({ maxSessionDuration: 3600 }),
    `[KL-PROP-DURATION] Platform/Workload: \`maxSessionDuration\` is 3600: expected a Duration (a number has no unit). ${DURATION_FIX}`],
  'WorkloadIdentity fractional maxSessionDuration': [workload({ maxSessionDuration: Duration.hours(1.0001) }),
    `[KL-PROP-DURATION] Platform/Workload: \`maxSessionDuration\` is 3600.36 seconds: a duration here is a whole, positive number of seconds. ${DURATION_FIX}`],
  'AWS publisher without a target': [publisher({ target: undefined }),
    '[KL-PROP-MISSING] Platform/Publisher: `target` is undefined: expected an AWS publish target (`AwsPublishTarget.ecrRepository(…)`, `.s3Prefix(…)` or `.codeArtifactPackage(…)`). Fix: name the one place the role publishes to, e.g. `target: AwsPublishTarget.ecrRepository({ repositoryArn })`.'],
  'BreakGlassRole maxMfaAge as a number': [breakGlass({ maxMfaAge: 900 }),
    `[KL-PROP-DURATION] Platform/BreakGlass: \`maxMfaAge\` is 900: expected a Duration (a number has no unit). ${DURATION_FIX}`],
  'BreakGlassRole fractional maxMfaAge': [breakGlass({ maxMfaAge: Duration.seconds(900.5) }),
    `[KL-PROP-DURATION] Platform/BreakGlass: \`maxMfaAge\` is 900.5 seconds: a duration here is a whole, positive number of seconds. ${DURATION_FIX}`],
  'BreakGlassRole MFA age of half a minute': [breakGlass({ maxMfaAge: Duration.minutes(0.5) }),
    '[KL-BG-MFA-AGE] Platform/BreakGlass: `maxMfaAge` is 30 seconds: the MFA age bound is 60 to 3600 seconds. Fix: keep the default of 900 seconds, so that the human authenticated with MFA within the last 15 minutes.'],

  // Framework objects that Keyless reads or calls.
  'CiOidcTrust oidcProvider as an ARN string': [trust({ oidcProvider: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }),
    '[KL-PROP-TYPE] Platform/Trust: `oidcProvider` is "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com": expected an IAM OIDC provider (`iam.IOidcProvider`, with its `oidcProviderArn`). Fix: import the provider, e.g. `iam.OidcProviderNative.fromOidcProviderArn(this, "Provider", arn)`, or leave it out to let Keyless create one.'],
  'CiOidcTrust permissionsBoundary as a plain object': [trust({ permissionsBoundary: {} }),
    '[KL-PROP-TYPE] Platform/Trust: `permissionsBoundary` is {}: expected a managed policy (`iam.IManagedPolicy`, with its `managedPolicyArn`). Fix: import the policy, e.g. `iam.ManagedPolicy.fromManagedPolicyArn(this, "Boundary", arn)`.'],
  'CiOidcTrust props missing': [() => new aws.CiOidcTrust(awsStack(), 'Trust', undefined as never),
    '[KL-PROP-TYPE] Platform/Trust: `props` is undefined: expected an object of props. Fix: give the props as an object, e.g. `{ name, ownership, source }`.'],
  'WorkloadIdentity IRSA oidcProvider as a Duration': [workload({ eks: { kind: 'irsa', issuerUrl: EKS_ISSUER, oidcProvider: Duration.hours(1) } }),
    '[KL-PROP-TYPE] Platform/Workload: `eks.oidcProvider` is a Duration object: expected an IAM OIDC provider (`iam.IOidcProvider`, with its `oidcProviderArn`). Fix: import the provider, e.g. `iam.OidcProviderNative.fromOidcProviderArn(this, "Provider", arn)`, or leave it out to let Keyless create one.'],
  'WorkloadIdentity eks as a string': [workload({ eks: 'irsa' }),
    '[KL-AWS-EKS-BINDING] Platform/Workload: `eks` is "irsa": expected `{ kind: "irsa", issuerUrl }` or `{ kind: "pod-identity", clusterName }`. Fix: choose Pod Identity for EC2 node groups, IRSA for Fargate or clusters without the Pod Identity Agent.'],
  'WorkloadIdentity Pod Identity fargate as a string': [workload({ eks: { kind: 'pod-identity', clusterName: 'prod-eu', fargate: 'yes' } }),
    '[KL-PROP-TYPE] Platform/Workload: `eks.fargate` is "yes": expected true or false. Fix: set `fargate: true` when the pods run on Fargate (then use IRSA), or leave it out.'],
  'WorkloadIdentity Pod Identity cluster name with a policy variable': [workload({ eks: { kind: 'pod-identity', clusterName: '${aws:username}' } }),
    '[KL-AWS-EKS-CLUSTER-NAME] Platform/Workload: `eks.clusterName` is "${aws:username}": an EKS cluster name is 1–100 letters, digits, `-` and `_`, starting with a letter or digit. Fix: give the cluster name exactly.'],
  'WorkloadIdentity permissionsBoundary as a list': [workload({ permissionsBoundary: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }),
    '[KL-PROP-TYPE] Platform/Workload: `permissionsBoundary` is ["arn:aws:iam::aws:policy/ReadOnlyAccess"]: expected a managed policy (`iam.IManagedPolicy`, with its `managedPolicyArn`). Fix: import the policy, e.g. `iam.ManagedPolicy.fromManagedPolicyArn(this, "Boundary", arn)`.'],

  // Publishers without a target.
  'AWS publisher target as a plain object': [publisher({ target: { repositoryArn: ECR } }),
    '[KL-PROP-TYPE] Platform/Publisher: `target` is {"repositoryArn":"arn:aws:ecr:eu-west-1:123456789012:repository/api"}: expected an AWS publish target (`AwsPublishTarget.ecrRepository(…)`, `.s3Prefix(…)` or `.codeArtifactPackage(…)`). Fix: name the one place the role publishes to, e.g. `target: AwsPublishTarget.ecrRepository({ repositoryArn })`.'],
  'AWS publisher target factory without its object': [publisher({ target: aws.AwsPublishTarget.s3Prefix(undefined as never) }),
    '[KL-PROP-MISSING] Platform/Publisher: `target` is undefined: expected the location to publish to, `{ bucketName, prefix }`. Fix: describe the location, e.g. `AwsPublishTarget.ecrRepository({ repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/api" })`.'],
  'AWS publisher permissionsBoundary as a string': [publisher({ permissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess' }),
    '[KL-PROP-TYPE] Platform/Publisher/Trust: `permissionsBoundary` is "arn:aws:iam::aws:policy/PowerUserAccess": expected a managed policy (`iam.IManagedPolicy`, with its `managedPolicyArn`). Fix: import the policy, e.g. `iam.ManagedPolicy.fromManagedPolicyArn(this, "Boundary", arn)`.'],
  'GCP publisher without a target': [gcpPublisher({ target: undefined }),
    '[KL-PROP-MISSING] platform/Publisher: `target` is undefined: expected a GCP publish target (`GcpPublishTarget.artifactRegistryRepository(…)` or `.storagePrefix(…)`). Fix: name the one place the pipeline publishes to, e.g. `target: GcpPublishTarget.storagePrefix({ bucket, prefix })`.'],
  'GCP publisher target an AWS target': [gcpPublisher({ target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: ECR }) }),
    '[KL-PROP-TYPE] platform/Publisher: `target` is a AwsPublishTarget object: expected a GCP publish target (`GcpPublishTarget.artifactRegistryRepository(…)` or `.storagePrefix(…)`). Fix: name the one place the pipeline publishes to, e.g. `target: GcpPublishTarget.storagePrefix({ bucket, prefix })`.'],
  'GCP publisher target factory without its object': [gcpPublisher({ target: gcp.GcpPublishTarget.artifactRegistryRepository(null as never) }),
    '[KL-PROP-MISSING] platform/Publisher: `target` is null: expected the location to publish to, `{ project, location, repository }`. Fix: describe the location, e.g. `GcpPublishTarget.storagePrefix({ bucket: "acme-artifacts", prefix: "payments-api/releases" })`.'],

  // Sparse and wrongly-typed lists, and break-glass objects.
  'break-glass humans as a sparse list': [breakGlass({ humans: [, { principalArn: 'arn:aws:iam::123456789012:user/alice', sourceIdentity: 'alice' }] }),
    '[KL-PROP-LIST-HOLE] Platform/BreakGlass: `humans[0]` is an empty slot of a sparse array. Fix: remove the extra comma, or give every element of `humans`.'],
  'break-glass statements as a sparse list': [breakGlass({ statements: [, new iam.PolicyStatement({ actions: ['eks:DescribeNodegroup'], resources: ['*'] })] }),
    '[KL-PROP-LIST-HOLE] Platform/BreakGlass: `statements[0]` is an empty slot of a sparse array. Fix: remove the extra comma, or give every element of `statements`.'],
  'break-glass statement as JSON': [breakGlass({ statements: [{ Effect: 'Allow', Action: 'eks:*', Resource: '*' }] }),
    '[KL-PROP-TYPE] Platform/BreakGlass: `statements[0]` is {"Effect":"Allow","Action":"eks:*","Resource":"*"}: expected a policy statement (`iam.PolicyStatement`). Fix: give each statement as `new iam.PolicyStatement({ actions: [...], resources: [...] })`.'],
  'break-glass managed policies as one string': [breakGlass({ managedPolicies: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    '[KL-PROP-LIST] Platform/BreakGlass: `managedPolicies` is "arn:aws:iam::aws:policy/ReadOnlyAccess": expected a list. Fix: give `managedPolicies` as an array.'],
  'break-glass alarm topic as an ARN string': [breakGlass({ alarmTopic: 'arn:aws:sns:eu-west-1:123456789012:alerts' }),
    '[KL-PROP-TYPE] Platform/BreakGlass: `alarmTopic` is "arn:aws:sns:eu-west-1:123456789012:alerts": expected an SNS topic (`sns.ITopic`, with its `topicArn`). Fix: give the security team\'s SNS topic, e.g. `alarmTopic: sns.Topic.fromTopicArn(this, "Alerts", arn)`.'],
  'break-glass alarm target without bind': [breakGlass({ alarmTopic: undefined, alarmTargets: [{ arn: 'arn:aws:sqs:eu-west-1:123456789012:q' }] }),
    '[KL-PROP-TYPE] Platform/BreakGlass: `alarmTargets[0]` is {"arn":"arn:aws:sqs:eu-west-1:123456789012:q"}: expected an EventBridge rule target (`events.IRuleTarget`, with a `bind` function). Fix: give targets from aws-cdk-lib/aws-events-targets, e.g. `new targets.SqsQueue(queue)`.'],
  'break-glass source identity with a policy variable': [breakGlass({ humans: [{ principalArn: 'arn:aws:iam::123456789012:user/alice', sourceIdentity: '${aws:username}' }] }),
    '[KL-BG-SOURCE-IDENTITY] Platform/BreakGlass: `humans[0].sourceIdentity` is "${aws:username}": a source identity is 2–64 characters of letters, digits and `_ + = , . @ -`. Fix: use the person\'s user name, e.g. "alice". See https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html'],

  // IdentityStacks.
  'IdentityStacks env null': [() => new aws.IdentityStacks(new cdk.App(), 'Identities', { env: null as never }),
    '[KL-PROP-MISSING] Identities: `env` is null: expected an environment `{ account, region }`. Fix: give `env: { account: "123456789012", region: "eu-west-1" }`, or leave it out for environment-agnostic stacks.'],
  'IdentityStacks stackProps a stack': [() => new aws.IdentityStacks(new cdk.App(), 'Identities', { stackProps: new cdk.Stack(new cdk.App(), 'Other') as never }),
    '[KL-PROP-TYPE] Identities: `stackProps` is a Stack object: expected an object of stack props (`cdk.StackProps` without `env`). Fix: give the props every stack gets, e.g. `{ terminationProtection: true }`.'],
  'IdentityStacks reservation that is not a whole number': [() => new aws.IdentityStacks(new cdk.App(), 'Identities').stackFor(NaN),
    '[KL-AWS-STACK-RESERVE] Identities: `resources` is NaN: a reservation is a whole number of resources from 1 to 399 (the per-stack budget, less the shared OIDC provider). Fix: reserve the resources one identity needs, e.g. `stackFor(3)` for a role, its policy and its association.'],

  // Kubernetes service accounts and workloads.
  'service account identity as a plain object': [serviceAccount({ identity: { serviceAccount: sa } }),
    '[KL-PROP-TYPE] payments/Sa: `identity` is {"serviceAccount":{"namespace":"payments","name":"payments-api"}}: expected a cloud identity binding (`CloudIdentityBinding.aws(…)`, `.gcp(…)` or `.azure(…)`). Fix: wrap the identity: `identity: CloudIdentityBinding.aws(workloadIdentity)`.'],
  'AWS binding of nothing': [serviceAccount({ identity: k8s.CloudIdentityBinding.aws(undefined as never) }),
    '[KL-PROP-MISSING] payments/Sa: `identity` is a AWS binding of undefined: expected the AWS workload identity declared for this service account. Fix: give the identity to `CloudIdentityBinding.aws(…)`.'],
  'AWS binding of a plain object without a service account': [serviceAccount({ identity: k8s.CloudIdentityBinding.aws({} as never) }),
    '[KL-K8S-SA-MISSING] payments/Sa: `identity.serviceAccount` is missing. Fix: name the workload\'s own service account: `{ namespace: "payments", name: "payments-api" }`.'],
  'AWS binding of an object without roleArnLiteral': [serviceAccount({ identity: k8s.CloudIdentityBinding.aws({ serviceAccount: sa, mechanism: 'irsa' } as never) }),
    '[KL-PROP-TYPE] payments/Sa: `identity` is {"serviceAccount":{"namespace":"payments","name":"payments-api"},"mechanism":"irsa"}: expected an AWS workload identity (`aws.WorkloadIdentity`: `serviceAccount`, `mechanism` and `roleArnLiteral()`). Fix: bind the identity with `CloudIdentityBinding.aws(new aws.WorkloadIdentity(…))`.'],
  'GCP binding with an email that is not a string': [serviceAccount({ identity: k8s.CloudIdentityBinding.gcp({ serviceAccount: sa, googleServiceAccountEmail: 42 } as never) }),
    '[KL-PROP-TYPE] payments/Sa: `identity.googleServiceAccountEmail` is 42: expected a non-empty string for the service account annotation. Fix: bind the identity Keyless created for this service account.'],
  'Deployment without spec.template': [bind('Deployment', { replicas: 2 }),
    '[KL-K8S-POD-TEMPLATE] payments/Sa: `workload` is a Deployment (payments/Workload) whose `spec.template.spec` is undefined: the service account and token are set on the pod spec, which a Deployment holds at `spec.template.spec`. Fix: give the Deployment its pod template, e.g. `spec.template.spec: { containers: [{ name, image }] }`.'],
  'CronJob without its job template': [bind('CronJob', { schedule: '@daily' }),
    '[KL-K8S-POD-TEMPLATE] payments/Sa: `workload` is a CronJob (payments/Workload) whose `spec.jobTemplate.spec.template.spec` is undefined: the service account and token are set on the pod spec, which a CronJob holds at `spec.jobTemplate.spec.template.spec`. Fix: give the CronJob its pod template, e.g. `spec.jobTemplate.spec.template.spec: { containers: [{ name, image }] }`.'],
  'StatefulSet with a string template': [bind('StatefulSet', { template: 'api' }),
    '[KL-K8S-POD-TEMPLATE] payments/Sa: `workload` is a StatefulSet (payments/Workload) whose `spec.template.spec` is undefined: the service account and token are set on the pod spec, which a StatefulSet holds at `spec.template.spec`. Fix: give the StatefulSet its pod template, e.g. `spec.template.spec: { containers: [{ name, image }] }`.'],
  'Deployment with containers that are not a list': [bind('Deployment', { template: { spec: { containers: { name: 'api' } } } }, { tokenAudience: 'sts.amazonaws.com' }),
    '[KL-K8S-POD-TEMPLATE] payments/Sa: `workload` is a Deployment (payments/Workload) whose `spec.template.spec.containers` is {"name":"api"}: expected a list of objects. Fix: write `spec.template.spec.containers` as a list of objects, e.g. `[{ name: "api", image: "api:1" }]`.'],
  'Deployment with a sparse container list': [bind('Deployment', { template: { spec: { containers: [, { name: 'api' }] } } }, { tokenAudience: 'sts.amazonaws.com' }),
    '[KL-K8S-POD-TEMPLATE] payments/Sa: `workload` is a Deployment (payments/Workload) whose `spec.template.spec.containers[0]` is undefined: expected an object. Fix: write `spec.template.spec.containers` as a list of objects, e.g. `[{ name: "api", image: "api:1" }]`.'],
  'Deployment whose manifest holds a Duration': [bind('Deployment', { template: { spec: { containers: [], activeDeadline: Duration.hours(1) } } }),
    '[KL-K8S-WORKLOAD-JSON] payments/Sa: `workload` is payments/Workload, which cdk8s cannot render (Failed serializing construct at path \'payments/Workload\' with name \'api\': Error: can\'t render non-simple object of type \'Duration\'): its manifest holds a value that is not JSON. Fix: write the manifest with plain strings, numbers, booleans, lists and objects (no Duration, construct or class instance).'],
  'workload that is a plain manifest': [() => new k8s.WorkloadServiceAccount(chart(), 'Sa', { ...sa, ownership: OWNERSHIP }).bindWorkload({ kind: 'Pod' } as never),
    '[KL-PROP-TYPE] payments/Sa: `workload` is {"kind":"Pod"}: expected a cdk8s ApiObject (a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob). Fix: pass the workload object, e.g. `new ApiObject(chart, "Api", { apiVersion: "apps/v1", kind: "Deployment", … })`.'],
  'bind options null': [bind('Pod', { containers: [] }, null),
    '[KL-PROP-MISSING] payments/Sa: `options` is null: expected an object of options. Fix: give `{ tokenAudience, tokenExpirationSeconds }` or nothing.'],
  'workload kind named like an Object property': [bind('constructor', {}),
    '[KL-K8S-WORKLOAD-KIND] payments/Sa: `workload` is a constructor: expected one of Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob. Fix: bind the object that owns the pod template.'],

  // Templates: missing or wrongly-typed nested props.
  'DeployService eks without a chart': [deployService({ eks: { ...clusters().eks, chart: undefined } }),
    '[KL-PROP-MISSING] DeployService(payments-api): `eks.chart` is undefined: expected a cdk8s Chart of the cluster. Fix: give the cdk8s chart of that cluster.'],
  'DeployService eks stack a TerraformStack': [deployService({ eks: { ...clusters().eks, stack: tfStack() } }),
    '[KL-PROP-TYPE] DeployService(payments-api): `eks.stack` is a TerraformStack object: expected an aws-cdk-lib Stack (`cdk.Stack`). Fix: give the aws-cdk-lib stack the identity is created in.'],
  'DeployService eks binding missing': [deployService({ eks: { ...clusters().eks, eks: undefined } }),
    '[KL-PROP-MISSING] DeployService(payments-api): `eks.eks` is undefined: expected an EKS binding, `{ kind: "irsa", issuerUrl }` or `{ kind: "pod-identity", clusterName }`. Fix: choose Pod Identity for EC2 node groups, IRSA for Fargate or clusters without the Pod Identity Agent.'],
  'DeployService gke as a string': [deployService({ gke: 'acme-payments-prod' }),
    '[KL-PROP-TYPE] DeployService(payments-api): `gke` is "acme-payments-prod": expected a GKE target `{ stack, chart, project }`. Fix: give `gke: { stack: gcpStack, chart: gkeChart, project }`, or leave it out.'],
  'DeployService aks without a stack': [deployService({ aks: { clusterIssuerUrl: 'https://x.example.com', resourceGroupName: 'rg', location: 'westeurope' } }),
    '[KL-PROP-MISSING] DeployService(payments-api): `aks.stack` is undefined: expected a cdktf TerraformStack. Fix: give the cdktf stack the identity is created in.'],
  'DeployService access as one intent': [deployService({ access: secret() }),
    '[KL-PROP-LIST] DeployService(payments-api): `access` is {"targets":{"aws":{"secretArn":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:payments/psp-api-key-AbC123"}}}: expected a list. Fix: give `access` as an array.'],
  'DeployService access sparse': [deployService({ access: [, secret()] }),
    '[KL-PROP-LIST-HOLE] DeployService(payments-api): `access[0]` is an empty slot of a sparse array. Fix: remove the extra comma, or give every element of `access`.'],
  'DeployService access element a stack': [deployService({ access: [awsStack()] }),
    '[KL-PROP-TYPE] DeployService(payments-api): `access[0]` is a Stack object: expected an access intent (`Access.readObjects(…)`, `Access.sendMessages(…)` or `Access.readSecret(…)`). Fix: declare the access with the `Access` factories, e.g. `Access.readSecret({ aws: { secretArn } })`.'],
  'DeployService image as a number': [deployService({ image: 42 }),
    '[KL-TPL-IMAGE] DeployService(payments-api): `image` is 42: an image is a non-empty reference of at most 4096 characters with no spaces. Fix: give the image with its registry and tag or digest, e.g. "registry.example.com/payments-api:1.4.2".'],
  'DeployService fractional replicas': [deployService({ replicas: 1.5 }),
    '[KL-TPL-REPLICAS] DeployService(payments-api): `replicas` is 1.5: replicas is a whole number from 0 to 2147483647. Fix: give the number of pods, e.g. `replicas: 2`.'],
  'DeployService props missing': [() => new DeployService(undefined as never),
    '[KL-PROP-TYPE] DeployService(undefined): `props` is undefined: expected an object of props. Fix: give the props as an object, e.g. `{ name, ownership, image, eks }`.'],
  'ScheduledJob secret missing': [scheduledJob({ secret: undefined }),
    '[KL-PROP-MISSING] ScheduledJob(payments-reconcile): `secret` is undefined: expected an access intent (`Access.readObjects(…)`, `Access.sendMessages(…)` or `Access.readSecret(…)`). Fix: declare the access with the `Access` factories, e.g. `Access.readSecret({ aws: { secretArn } })`.'],
  'ScheduledJob secret as a plain object': [scheduledJob({ secret: { aws: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbC123' } } }),
    '[KL-PROP-TYPE] ScheduledJob(payments-reconcile): `secret` is {"aws":{"secretArn":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbC123"}}: expected an access intent (`Access.readObjects(…)`, `Access.sendMessages(…)` or `Access.readSecret(…)`). Fix: declare the access with the `Access` factories, e.g. `Access.readSecret({ aws: { secretArn } })`.'],
  'ScheduledJob schedule as a number': [scheduledJob({ schedule: 5 }),
    '[KL-TPL-SCHEDULE] ScheduledJob(payments-reconcile): `schedule` is 5: expected five cron fields or a macro such as @daily. Fix: write the schedule like "15 2 * * *".'],
  'CiPublishArtifact aws without a stack': [ciPublish({ aws: { target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: ECR }) } }),
    '[KL-PROP-MISSING] CiPublishArtifact(payments-image): `aws.stack` is undefined: expected an aws-cdk-lib Stack (`cdk.Stack`). Fix: give the aws-cdk-lib stack the identity is created in.'],
  'CiPublishArtifact gcp stack an aws-cdk-lib stack': [ciPublish({ gcp: { stack: awsStack(), target: gcp.GcpPublishTarget.storagePrefix({ bucket: 'b', prefix: 'p' }), project: 'acme-payments-prod', projectNumber: '1' } }),
    '[KL-PROP-TYPE] CiPublishArtifact(payments-image): `gcp.stack` is a Stack object: expected a cdktf TerraformStack. Fix: give the cdktf stack the identity is created in.'],
  'CiPublishArtifact aws target missing': [ciPublish({ aws: { stack: awsStack() } }),
    '[KL-PROP-MISSING] Platform/Publish-payments-image: `target` is undefined: expected an AWS publish target (`AwsPublishTarget.ecrRepository(…)`, `.s3Prefix(…)` or `.codeArtifactPackage(…)`). Fix: name the one place the role publishes to, e.g. `target: AwsPublishTarget.ecrRepository({ repositoryArn })`.'],
  'CiPublishArtifact azure as true': [ciPublish({ azure: true }),
    '[KL-PROP-TYPE] CiPublishArtifact(payments-image): `azure` is true: expected an object `{ stack: azureStack, target: AzurePublishTarget.containerRegistry({ registryId }), resourceGroupName, location }`. Fix: give `azure: { stack: azureStack, target: AzurePublishTarget.containerRegistry({ registryId }), resourceGroupName, location }`, or leave it out.'],
};

describe('malformed props are refused with a Keyless error, never a TypeError', () => {
  test.each(Object.keys(CASES))('%s', (title) => {
    const [declare, expected] = CASES[title];
    let thrown: unknown;
    try {
      declare();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KeylessError);
    expect((thrown as KeylessError).message).toBe(expected);
  });
});

describe('checkDurationSeconds', () => {
  const ctx = { path: 'Test', today: TODAY };
  test('accepts anything whose toSeconds() is a whole positive number', () => {
    expect(checkDurationSeconds(Duration.minutes(15), ctx, 'd')).toBe(900);
    expect(checkDurationSeconds({ toSeconds: () => 60 }, ctx, 'd')).toBe(60);
    expect(checkDurationSeconds(undefined, ctx, 'd')).toBeUndefined();
  });
  test.each([
    ['zero', Duration.seconds(0), '`d` is 0 seconds: a duration here is a whole, positive number of seconds'],
    ['NaN', Duration.seconds(NaN), '`d` is NaN seconds: a duration here is a whole, positive number of seconds'],
    ['a toSeconds that throws', { toSeconds: () => { throw new Error('boom'); } }, '`d` is {}: a duration here is a whole, positive number of seconds'],
    ['a toSeconds returning a string', { toSeconds: () => '60' }, '`d` is {}: a duration here is a whole, positive number of seconds'],
    ['null', null, '`d` is null: expected a Duration'],
  ])('refuses %s', (_title, value, problem) => {
    expect(() => checkDurationSeconds(value, ctx, 'd')).toThrow(`[KL-PROP-DURATION] Test: ${problem}. ${DURATION_FIX}`);
  });
});

describe('checkObjectProp and describeValue', () => {
  const ctx = { path: 'Test', today: TODAY };
  test('an optional prop may be left out, but not set to null', () => {
    expect(checkObjectProp(undefined, ctx, 'p', { expected: 'x', fix: 'y', optional: true })).toBeUndefined();
    expect(() => checkObjectProp(null, ctx, 'p', { expected: 'x', fix: 'y', optional: true })).toThrow('[KL-PROP-MISSING] Test: `p` is null: expected x. Fix: y.');
  });
  test('class instances are named by their class; values that JSON cannot show never throw', () => {
    expect(describeValue(Duration.hours(1))).toBe('a Duration object');
    expect(describeValue(awsStack())).toBe('a Stack object');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue(Object.create(null))).toBe('{}');
    expect(() => describeValue(BigInt(1))).not.toThrow();
  });
});

describe('IAM role descriptions', () => {
  const IAM_DESCRIPTION = /^[\t\n\r\x20-\x7E\xA1-\xFF]*$/;
  const unicode = { ...OWNERSHIP, purpose: 'déployer Zürich 東京 Łódź ő' };

  test('a unicode purpose renders a description in the IAM character set; the tag keeps the exact purpose', () => {
    const stack = awsStack();
    new aws.CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: unicode, source: source() });
    const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
    expect(role.Properties.Description).toMatch(IAM_DESCRIPTION);
    expect(role.Properties.Description).toBe('GitHub Actions acme/payments-api (ref:refs/heads/main). Owner team-payments: déployer Zürich ?? ?ódz o');
    expect(role.Properties.Tags).toContainEqual({ Key: 'keyless:purpose', Value: 'déployer Zürich 東京 Łódź ő' });
  });

  test('workload and break-glass roles too', () => {
    const stack = envStack();
    new aws.WorkloadIdentity(stack, 'Workload', { name: 'payments-api', ownership: unicode, serviceAccount: sa, eks: { kind: 'irsa', issuerUrl: EKS_ISSUER } });
    new aws.BreakGlassRole(stack, 'BreakGlass', {
      name: 'payments-break-glass',
      ownership: { ...unicode, owner: 'team-sre' },
      expires: '2027-01-31',
      humans: [{ principalArn: 'arn:aws:iam::123456789012:user/alice', sourceIdentity: 'alice' }],
      statements: [new iam.PolicyStatement({ actions: ['eks:DescribeNodegroup'], resources: ['arn:aws:eks:eu-west-1:123456789012:nodegroup/prod/ng/x'] })],
      alarmTopic: sns.Topic.fromTopicArn(stack, 'Alerts', 'arn:aws:sns:eu-west-1:123456789012:alerts'),
    });
    const descriptions = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')).map((r: any) => r.Properties.Description);
    expect(descriptions).toEqual([
      'Workload payments/payments-api. Owner team-payments: déployer Zürich ?? ?ódz o',
      'Break-glass until 2027-01-31. Owner team-sre: déployer Zürich ?? ?ódz o',
    ]);
  });

  test('over 1,000 characters: cut with ASCII "...", never "…"', () => {
    const description = awsRoleDescription(`${'a'.repeat(995)} 中文中文中文`);
    expect(description).toHaveLength(1000);
    expect(description.endsWith('a ?...')).toBe(true);
    expect(description).toMatch(IAM_DESCRIPTION);
    expect(awsRoleDescription('x'.repeat(1000))).toBe('x'.repeat(1000));
  });

  test('a long CI summary (many tags) is cut to a valid description', () => {
    const stack = awsStack();
    const tags = Array.from({ length: 6 }, (_, i) => `release-${'v'.repeat(190)}-${i}`);
    new aws.CiOidcTrust(stack, 'Trust', {
      name: 'payments-deploy', ownership: OWNERSHIP, source: GitHubActions.repository({ owner: 'acme', repository: 'payments-api', ...IDS, tags }),
    });
    const [role] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')) as any[];
    expect(role.Properties.Description).toHaveLength(1000);
    expect(role.Properties.Description.endsWith('...')).toBe(true);
    expect(role.Properties.Description).toMatch(IAM_DESCRIPTION);
  });
});
