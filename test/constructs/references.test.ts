/**
 * References where they are harmless: the resource a grant is on may be named by a reference to that resource in the
 * app (`repo.repositoryArn`, `bucket.bucketName`, a Terraform resource group's `name`), which the framework resolves
 * from the declared resource and orders after it. Deploy-time inputs (parameters, imports, variables) stay refused,
 * and values that decide a trust or a prefix stay literal.
 */
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { App, CfnParameter, CustomResource, Stack } from 'aws-cdk-lib/core';
import { TerraformResource, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { Access, GitHubActions } from '../../src/core';
import { DeployService } from '../../src/templates';
import { DETECTION_ROUTES, OWNERSHIP as TEAM_OWNERSHIP } from '../helpers/synth';
import { teamTargets } from '../helpers/team';
import { PAYMENTS } from '../helpers/tokens';

const TODAY = '2026-11-22';
const OWNERSHIP = { owner: 'team-payments', purpose: 'deploy payments-api from CI', environment: 'production', tier: 1, reviewBy: '2027-04-30' } as const;
const source = GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'] });
const policyOf = (stack: Stack) => Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Policy').Properties.PolicyDocument.Statement;

describe('aws-cdk-lib: the repository or bucket just created', () => {
  test('ECR: `repo.repositoryArn` is accepted and the grant is exactly that repository (Fn::GetAtt)', () => {
    const stack = new Stack(new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Publish');
    const repo = new ecr.Repository(stack, 'Repo');
    new aws.ScopedPublisherRole(stack, 'Publisher', { name: 'payments-image', ownership: OWNERSHIP, source, target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: repo.repositoryArn }) });
    const push = policyOf(stack).find((s: any) => s.Sid === 'PushToRepository');
    expect(push.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Repo/), 'Arn'] });
  });
  test('S3: `bucket.bucketName` is accepted; the prefix stays literal', () => {
    const stack = new Stack(new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Publish');
    const bucket = new s3.Bucket(stack, 'Artifacts');
    new aws.ScopedPublisherRole(stack, 'Publisher', { name: 'payments-bundle', ownership: OWNERSHIP, source, target: aws.AwsPublishTarget.s3Prefix({ bucketName: bucket.bucketName, prefix: 'payments-api' }) });
    const put = policyOf(stack).find((s: any) => s.Sid === 'PutUnderPrefix');
    expect(put.Resource).toEqual({ 'Fn::Join': ['', ['arn:aws:s3:::', { Ref: expect.stringMatching(/^Artifacts/) }, '/payments-api/*']] });
  });
  test('a CfnParameter as the repository ARN stays refused (it could be `*` at deploy time)', () => {
    const stack = new Stack(new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Publish');
    const arn = new CfnParameter(stack, 'Arn').valueAsString;
    expect(() => new aws.ScopedPublisherRole(stack, 'Publisher', { name: 'payments-image', ownership: OWNERSHIP, source, target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: arn }) }))
      .toThrow('[KL-LITERAL-TOKEN] Publish/Publisher: `target.repositoryArn` is an unresolved token');
  });
});

describe('cdktf: the bucket or resource group just created', () => {
  const tf = () => new TerraformStack(Testing.app({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'platform');
  test('GCS: `bucket.name` is accepted; the condition names it through the reference', () => {
    const stack = tf();
    const bucket = new StorageBucket(stack, 'Artifacts', { name: 'acme-artifacts', location: 'EU' });
    new gcp.ScopedPublisherRole(stack, 'Publisher', {
      name: 'payments-bundle',
      ownership: OWNERSHIP,
      source,
      project: 'acme-payments-prod',
      projectNumber: '412345678901',
      target: gcp.GcpPublishTarget.storagePrefix({ bucket: bucket.name, prefix: 'payments-api' }),
    });
    const binding = Object.values(JSON.parse(Testing.synth(stack)).resource.google_storage_bucket_iam_member)[0] as any;
    expect(binding.bucket).toBe('${google_storage_bucket.Artifacts.name}');
    expect(binding.condition.expression).toBe("resource.name.startsWith('projects/_/buckets/${google_storage_bucket.Artifacts.name}/objects/payments-api/')");
  });
  test('Azure: a resource group reference keeps the dependency; a variable stays refused', () => {
    const stack = tf();
    const group = new ResourceGroup(stack, 'Identities', { name: 'rg-identities', location: 'westeurope' });
    new azure.CiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source, resourceGroupName: group.name, location: 'westeurope' });
    const identity = Object.values(JSON.parse(Testing.synth(stack)).resource.azurerm_user_assigned_identity)[0] as any;
    expect(identity.resource_group_name).toBe('${azurerm_resource_group.Identities.name}');
    const variable = new TerraformVariable(stack, 'rg', {}).stringValue;
    expect(() => new azure.CiOidcTrust(stack, 'Other', { name: 'payments-other', ownership: OWNERSHIP, source, resourceGroupName: variable, location: 'westeurope' }))
      .toThrow('[KL-AZ-RESOURCE-GROUP] platform/Other: `resourceGroupName` is');
  });
  test('two identities of one name in one referenced resource group are still one clash', () => {
    const stack = tf();
    const group = new ResourceGroup(stack, 'Identities', { name: 'rg-identities', location: 'westeurope' });
    new azure.CiOidcTrust(stack, 'One', { name: 'payments-deploy', ownership: OWNERSHIP, source, resourceGroupName: group.name, location: 'westeurope' });
    expect(() => new azure.CiOidcTrust(stack, 'Two', { name: 'payments-deploy', ownership: OWNERSHIP, source, resourceGroupName: group.name, location: 'westeurope' }))
      .toThrow('[KL-UNIQUE-NAME] platform/Two: `identityName` names the user-assigned identity "payments-deploy", which platform/One already names in resource group ${azurerm_resource_group.identities.name}');
  });
});

describe('references whose values are arbitrary are not accepted', () => {
  test('a custom resource attribute (its handler returns any value at deploy time)', () => {
    const stack = new Stack(new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Publish');
    const lookup = new CustomResource(stack, 'Lookup', { serviceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:lookup' });
    expect(() => new aws.ScopedPublisherRole(stack, 'Publisher', {
      name: 'payments-image', ownership: OWNERSHIP, source, target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: lookup.getAttString('Arn') }),
    })).toThrow('[KL-LITERAL-TOKEN] Publish/Publisher: `target.repositoryArn` is an unresolved token');
  });
  test('a terraform_data output', () => {
    const stack = new TerraformStack(Testing.app({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'platform');
    const data = new TerraformResource(stack, 'Data', { terraformResourceType: 'terraform_data' });
    expect(() => new gcp.ScopedPublisherRole(stack, 'Publisher', {
      name: 'payments-bundle',
      ownership: OWNERSHIP,
      source,
      project: 'acme-payments-prod',
      projectNumber: '412345678901',
      target: gcp.GcpPublishTarget.storagePrefix({ bucket: data.getStringAttribute('output'), prefix: 'payments-api' }),
    })).toThrow('[KL-LITERAL-TOKEN] platform/Publisher: `target.bucket` is an unresolved token');
  });
});

describe('templates: access intents name the queue or topic just created', () => {
  test('DeployService: `queue.queueArn` on EKS and `topic.name` on GKE are granted exactly; a parameter stays refused', () => {
    const t = teamTargets();
    const queue = new sqs.Queue(t.awsStack, 'Orders');
    const topic = new PubsubTopic(t.gcpStack, 'Orders', { name: 'checkout-orders' });
    new DeployService({
      name: 'ledger-api',
      ownership: TEAM_OWNERSHIP,
      image: 'ledger:1',
      eks: { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } },
      gke: { stack: t.gcpStack, chart: t.gkeChart, project: 'acme-ledger-prod', projectNumber: '412345678901' },
      access: [Access.sendMessages({ aws: { queueArn: queue.queueArn }, gcp: { project: 'acme-ledger-prod', topic: topic.name } })],
    });
    const send = policyOf(t.awsStack).find((s: any) => s.Sid === 'SendMessages');
    expect(send).toEqual({ Sid: 'SendMessages', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Orders/), 'Arn'] } });
    const binding = Object.values(JSON.parse(Testing.synth(t.gcpStack)).resource.google_pubsub_topic_iam_member)[0] as any;
    expect(binding.topic).toBe('${google_pubsub_topic.Orders.name}');

    const other = teamTargets();
    const arn = new CfnParameter(other.awsStack, 'QueueArn').valueAsString;
    expect(() => new DeployService({
      name: 'ledger-api',
      ownership: TEAM_OWNERSHIP,
      image: 'ledger:1',
      eks: { stack: other.awsStack, chart: other.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } },
      access: [Access.sendMessages({ aws: { queueArn: arn } })],
    })).toThrow('[KL-LITERAL-TOKEN] DeployService(ledger-api): `access[0].aws.queueArn` is an unresolved token');
  });
});
