/**
 * One program, three apps: the declaration below is rendered into an aws-cdk-lib app, a cdktf app and a cdk8s app,
 * each with the Keyless guardrails attached once. Each framework's CLI runs its own entry point, which builds all
 * three apps (the Kubernetes service account names the Azure identity) and synthesizes only its own:
 *
 *   cd examples/cli
 *   npx cdk synth      # aws.ts        (cdk.json)
 *   npx cdktf synth    # terraform.ts  (cdktf.json)
 *   npx cdk8s synth    # k8s.ts        (cdk8s.yaml)
 *
 * The CLIs choose the output directory (CDK_OUTDIR, CDKTF_OUTDIR, CDK8S_OUTDIR): no app names one.
 *
 * `KEYLESS_EXAMPLE_VIOLATION=1` adds one insecure resource written by hand to each app (a role allowed `*` on `*`,
 * a service account granted roles/owner, a binding to cluster-admin), which the guardrails refuse: the CLI fails.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk from 'aws-cdk-lib/core';
import * as cdk8s from 'cdk8s';
import * as cdktf from 'cdktf';
import { DetectionRoutes, GitHubActions, Ownership } from '../../src';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import * as k8s from '../../src/constructs/k8s';
import * as guardrails from '../../src/guardrails';

/** Pinned like the other examples (examples/synth.ts), so that the output is the same on any day. */
export const CLI_EXAMPLE_TODAY = '2026-11-22';

// The one declaration: who the pipeline and the workload are, who owns them.
const ownership: Ownership = {
  owner: 'team-payments',
  purpose: 'deploy payments-api from CI',
  environment: 'production',
  tier: 1,
  reviewBy: '2027-04-30',
};
const pipeline = GitHubActions.repository({
  owner: 'acme',
  repository: 'payments-api',
  ownerId: '1342004',
  repositoryId: '86301532',
  subjectFormat: 'immutable',
  // Jobs in the production environment, on main: a run on main outside the environment is denied.
  environments: ['production'],
  branches: ['main'],
});
const serviceAccount = { namespace: 'payments', name: 'payments-api' };
/** Known once the Azure stack is applied (`terraform output -raw` of the identity's client id). */
const AKS_CLIENT_ID = '6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31';

/** The security team's alert targets (tier 1 identities are watched by default). */
const CLI_DETECTION_ROUTES: DetectionRoutes = {
  aws: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:security-identity-alerts' },
  gcp: { notificationChannels: ['projects/acme-security/notificationChannels/4417283949201934'] },
  azure: {
    actionGroupId: '/subscriptions/8f3b2c1d-0a4e-4b6f-9c7d-2e1f0a9b8c7d/resourceGroups/security/providers/microsoft.insights/actionGroups/identity-alerts',
    logAnalyticsWorkspaceId: '/subscriptions/8f3b2c1d-0a4e-4b6f-9c7d-2e1f0a9b8c7d/resourceGroups/security/providers/microsoft.operationalinsights/workspaces/entra-signins',
  },
};

export interface CliApps {
  readonly aws: cdk.App;
  readonly terraform: cdktf.App;
  readonly k8s: cdk8s.App;
}

/** The app an entry point synthesizes: the one its framework's CLI runs. */
export type Framework = 'aws' | 'terraform' | 'k8s';

/**
 * Builds the three apps; nothing is synthesized. `synthesizing` names the app the caller will synthesize: the others
 * write nothing (cdktf creates its output directory when its app is constructed; when another CLI runs this program
 * that directory is a scratch one, removed on exit, so that concurrent runs never race on `cdktf.out/`).
 */
export function buildApps(synthesizing: Framework): CliApps {
  const violation = process.env.KEYLESS_EXAMPLE_VIOLATION === '1';
  // Where the watched identities' detections go: the `keyless:detections` context value (it could as well be in cdk.json).
  const context = { 'keyless:today': CLI_EXAMPLE_TODAY, 'keyless:detections': CLI_DETECTION_ROUTES };

  // aws-cdk-lib: guardrails once per app, on every stack.
  const awsApp = new cdk.App({ stackTraces: false, context: { ...context, 'aws:cdk:disable-creation-stack-traces': true } });
  guardrails.addAwsGuardrails(awsApp);
  const awsStack = new cdk.Stack(awsApp, 'cli-ci-aws', { analyticsReporting: false });
  new aws.CiOidcTrust(awsStack, 'PaymentsApiDeploy', { name: 'payments-api-deploy', ownership, source: pipeline });
  // KEYLESS_EXAMPLE_FLEET=N: N IRSA identities of one EKS cluster, spread by IdentityStacks over the stacks
  // CloudFormation's limits need, all in one account (the scale a platform team runs at).
  const fleet = Number(process.env.KEYLESS_EXAMPLE_FLEET ?? 0);
  if (fleet > 0) {
    const stacks = new aws.IdentityStacks(awsApp, 'cli-fleet-aws', { env: { account: '123456789012', region: 'eu-west-1' }, stackProps: { analyticsReporting: false } });
    for (let i = 0; i < fleet; i++) {
      const n = String(i).padStart(4, '0');
      new aws.WorkloadIdentity(stacks.stackFor(1), `Job${n}`, {
        name: `fleet-job-${n}`,
        ownership: { ...ownership, purpose: 'batch job reads its own inputs', tier: 2 },
        serviceAccount: { namespace: 'fleet', name: `job-${n}` },
        eks: { kind: 'irsa', issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C' },
      });
    }
  }
  if (violation) {
    const role = new iam.Role(awsStack, 'HandWrittenAdmin', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
  }

  // cdktf: one stack per cloud; guardrails on each stack.
  const tfApp = new cdktf.App({ stackTraces: false, context, outdir: synthesizing === 'terraform' ? undefined : scratchDir() });
  const gcpStack = new cdktf.TerraformStack(tfApp, 'cli-ci-gcp');
  new cdktf.LocalBackend(gcpStack, { path: 'terraform.cli-ci-gcp.tfstate' }); // relative: machine-independent output
  new GoogleProvider(gcpStack, 'google', { project: 'acme-payments-prod' });
  new gcp.CiOidcTrust(gcpStack, 'PaymentsApiDeploy', {
    name: 'payments-api-deploy',
    ownership,
    source: pipeline,
    project: 'acme-payments-prod',
    projectNumber: '412345678901',
    poolId: 'ci-github',
    access: 'impersonation',
  });
  if (violation) {
    new ProjectIamMember(gcpStack, 'HandWrittenOwner', {
      project: 'acme-payments-prod',
      role: 'roles/owner',
      member: 'serviceAccount:ops@acme-payments-prod.iam.gserviceaccount.com',
    });
  }
  const azureStack = new cdktf.TerraformStack(tfApp, 'cli-workload-azure');
  new cdktf.LocalBackend(azureStack, { path: 'terraform.cli-workload-azure.tfstate' });
  new AzurermProvider(azureStack, 'azurerm', { features: [{}] });
  const aksIdentity = new azure.WorkloadIdentity(azureStack, 'PaymentsApi', {
    name: 'payments-api',
    ownership: { ...ownership, purpose: 'payments-api reads settlement files', tier: 2 },
    serviceAccount,
    clusterIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/',
    resourceGroupName: 'rg-payments-identity',
    location: 'westeurope',
  });
  // Guardrails once per app, as on aws-cdk-lib: every stack present at synthesis is checked.
  guardrails.addTerraformGuardrails(tfApp);

  // cdk8s: the service account bound to the Azure identity; guardrails on the chart.
  const k8sApp = new cdk8s.App();
  k8sApp.node.setContext('keyless:today', CLI_EXAMPLE_TODAY);
  const chart = new cdk8s.Chart(k8sApp, 'cli-payments-api-aks');
  new k8s.WorkloadServiceAccount(chart, 'ServiceAccount', {
    ...serviceAccount,
    ownership: { ...ownership, purpose: 'payments-api reads settlement files', tier: 2 },
    identity: k8s.CloudIdentityBinding.azure(aksIdentity, AKS_CLIENT_ID),
  });
  if (violation) {
    new cdk8s.ApiObject(chart, 'HandWrittenClusterAdmin', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'payments-api-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'payments-api', namespace: 'payments' }],
    });
  }
  guardrails.addKubernetesGuardrails(k8sApp);

  return { aws: awsApp, terraform: tfApp, k8s: k8sApp };
}

function scratchDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-cli-unused-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
