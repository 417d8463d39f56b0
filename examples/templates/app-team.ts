/**
 * App-team example: the checkout team gets a service, a nightly job and a CI publisher on every target it uses,
 * each in one call. (The platform team provides the stacks and charts; see examples/synth.ts.)
 */
import * as cdk from 'aws-cdk-lib/core';
import { Chart } from 'cdk8s';
import { TerraformStack } from 'cdktf';
import { Access, GitHubActions, Ownership } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as gcp from '../../src/constructs/gcp';
import { CiPublishArtifact, DeployService, ScheduledJob } from '../../src/templates';

export interface TeamTargets {
  readonly awsStack: cdk.Stack;
  readonly gcpStack: TerraformStack;
  readonly azureStack: TerraformStack;
  readonly eksChart: Chart;
  readonly gkeChart: Chart;
  readonly aksChart: Chart;
}

/** The clusters as the platform team publishes them: the app team only adds what is its own. */
export function clusters(t: TeamTargets) {
  return {
    eks: { stack: t.awsStack, chart: t.eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } as const },
    gke: { stack: t.gcpStack, chart: t.gkeChart, project: 'acme-checkout-prod' },
    aks: {
      stack: t.azureStack,
      chart: t.aksChart,
      location: 'westeurope',
      clusterIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/',
      resourceGroupName: 'rg-checkout-identity',
    },
  };
}

const ownership: Ownership = { owner: 'team-checkout', purpose: 'checkout service', environment: 'production', tier: 2, reviewBy: '2027-05-15' };

// --- The service: the app team's code for AWS, GCP, Azure and three clusters. ---
export function checkoutService(t: TeamTargets): DeployService {
  const { eks, gke, aks } = clusters(t);
  return new DeployService({
    name: 'checkout-api',
    ownership,
    detections: { enabled: true }, // tier 2 opts in: every identity of the team is watched
    image: 'registry.example.com/checkout-api:3.1.0',
    eks,
    gke,
    aks: { ...aks, clientId: '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }, // from the applied Azure stack's output
    access: [Access.sendMessages({
      aws: { queueArn: 'arn:aws:sqs:eu-west-1:123456789012:checkout-orders' },
      gcp: { project: 'acme-checkout-prod', topic: 'checkout-orders' },
      azure: { queueId: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-checkout/providers/Microsoft.ServiceBus/namespaces/acme-checkout/queues/checkout-orders' },
    })],
  });
}

// --- The nightly reconciliation job: reads one secret. ---
export function reconciliationJob(t: TeamTargets): ScheduledJob {
  return new ScheduledJob({
    name: 'checkout-reconcile',
    ownership: { ...ownership, purpose: 'nightly checkout reconciliation' },
    detections: { enabled: true },
    image: 'registry.example.com/checkout-reconcile:3.1.0',
    schedule: '15 2 * * *',
    eks: clusters(t).eks,
    gke: clusters(t).gke,
    secret: Access.readSecret({
      aws: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:checkout/psp-api-key-AbC123' },
      gcp: { project: 'acme-checkout-prod', secretId: 'psp-api-key' },
    }),
  });
}

// --- Publishing the checkout image from release tags. ---
export function checkoutPublisher(t: TeamTargets): CiPublishArtifact {
  return new CiPublishArtifact({
    name: 'checkout-image',
    ownership: { ...ownership, tier: 1, purpose: 'publish checkout images' },
    // An older repository (name-based subject), pinned by its ids too: AWS and GCP deny a re-created `checkout`.
    source: GitHubActions.repository({
      owner: 'acme', repository: 'checkout', ownerId: '1342004', repositoryId: '77120455', subjectFormat: 'name-based', tagPatterns: ['v*'],
    }),
    aws: { stack: t.awsStack, target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/checkout/api' }) },
    gcp: {
      stack: t.gcpStack,
      project: 'acme-checkout-prod',
      projectNumber: '498765432109',
      target: gcp.GcpPublishTarget.artifactRegistryRepository({ project: 'acme-checkout-prod', location: 'europe-west1', repository: 'checkout' }),
    },
  });
}
