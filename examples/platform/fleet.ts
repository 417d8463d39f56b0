/**
 * Platform example: a fleet of nightly batch jobs on the prod-eu EKS cluster, one IRSA identity each, spread by
 * `IdentityStacks` over as many stacks as CloudFormation's 500-resource limit needs (a tiny budget here, so that the
 * example spans two stacks). Every stack is in account 123456789012, like the other platform stacks: the cluster's
 * OIDC provider exists once in that account (in the first stack that needs it) and every other stack imports it.
 * On the cluster, each job is a CronJob running as its own ServiceAccount, annotated for its role, with the admission
 * policy that lets only that CronJob's pods run as it.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk from 'aws-cdk-lib/core';
import * as cdk8s from 'cdk8s';
import { Ownership } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as k8s from '../../src/constructs/k8s';

const ownership: Ownership = {
  owner: 'team-data',
  purpose: 'nightly batch jobs read their own input files',
  environment: 'production',
  tier: 2,
  reviewBy: '2027-04-30',
};

/** The batch jobs: each reads objects under its own prefix of the data lake, and nothing else. */
const JOBS = ['ledger-export', 'fx-rates-load', 'invoice-render', 'churn-score', 'refund-audit', 'payout-report'];

/** The fleet's stacks and its identities, one per job, in the order of `JOBS`. */
export interface AwsFleet {
  readonly stacks: aws.IdentityStacks;
  readonly identities: readonly aws.WorkloadIdentity[];
}

export function awsFleet(app: cdk.App): AwsFleet {
  // A budget of 10 resources per stack (the smallest IdentityStacks takes; the default is 400): the shared provider,
  // then a role and its policy per job, so the six jobs need two stacks.
  const stacks = new aws.IdentityStacks(app, 'platform-fleet-aws', {
    env: { account: '123456789012', region: 'eu-west-1' },
    maxResourcesPerStack: 10,
    stackProps: { analyticsReporting: false },
  });
  const identities: aws.WorkloadIdentity[] = [];
  for (const job of JOBS) {
    // Three resources per identity: the role, its policy and its detection rule.
    const identity = new aws.WorkloadIdentity(stacks.stackFor(3), job, {
      name: `batch-${job}`,
      ownership,
      // Tier 2 is not watched by default: the platform team watches every batch identity anyway.
      detections: { enabled: true },
      serviceAccount: { namespace: 'batch', name: job },
      eks: { kind: 'irsa', issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C' },
    });
    identity.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [`arn:aws:s3:::acme-data-lake/batch/${job}/*`],
    }));
    identities.push(identity);
  }
  return { stacks, identities };
}

/** The prod-eu cluster's side of the fleet: one CronJob per job, each bound to its own identity-bound ServiceAccount. */
export function kubernetesFleet(app: cdk8s.App, fleet: AwsFleet): void {
  const chart = new cdk8s.Chart(app, 'platform-fleet-eks');
  JOBS.forEach((job, i) => {
    const account = new k8s.WorkloadServiceAccount(chart, `${job}-sa`, {
      namespace: 'batch', name: job, ownership, identity: k8s.CloudIdentityBinding.aws(fleet.identities[i]),
    });
    const cronJob = new cdk8s.ApiObject(chart, job, {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: job, namespace: 'batch', labels: { 'app.kubernetes.io/name': job } },
      spec: {
        schedule: `${10 + i} 2 * * *`,
        concurrencyPolicy: 'Forbid',
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            template: {
              metadata: { labels: { 'app.kubernetes.io/name': job } },
              spec: {
                restartPolicy: 'Never',
                containers: [{
                  name: job,
                  image: `registry.example.com/batch/${job}:2.3.0`,
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
                }],
              },
            },
          },
        },
      },
    });
    account.bindWorkload(cronJob);
  });
}
