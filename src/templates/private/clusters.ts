import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApiObject, Chart } from 'cdk8s';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import * as aws from '../../constructs/aws';
import { isCloudFormationResourceReference } from '../../constructs/aws/private/reference';
import * as azure from '../../constructs/azure';
import * as gcp from '../../constructs/gcp';
import { CloudIdentityBinding, WorkloadServiceAccount } from '../../constructs/k8s';
import { terraformConfig } from '../../constructs/private/terraform';
import { isTerraformResourceReference } from '../../constructs/private/terraform-reference';
import { Access, AccessGrants } from '../../core/access';
import { fail, ValidationContext } from '../../core/errors';
import { Ownership } from '../../core/ownership';

/** An EKS cluster the workload runs on. */
export interface EksTarget {
  /** The aws-cdk-lib stack for the role (with an explicit `env.account` for IRSA). */
  readonly stack: cdk.Stack;
  /** The cdk8s chart of that cluster. */
  readonly chart: Chart;
  /** IRSA or Pod Identity. */
  readonly eks: aws.EksBinding;
}

/** A GKE cluster the workload runs on. */
export interface GkeTarget {
  /** The cdktf stack for the identity. */
  readonly stack: TerraformStack;
  /** The cdk8s chart of that cluster. */
  readonly chart: Chart;
  /** Project of the cluster's workload pool. */
  readonly project: string;
  /** Project number, for direct access. @default - impersonation of a dedicated Google service account */
  readonly projectNumber?: string;
}

/** An AKS cluster the workload runs on. */
export interface AksTarget {
  /** The cdktf stack for the identity. */
  readonly stack: TerraformStack;
  /** The cdk8s chart of that cluster. Needs `clientId`. @default - identity only (apply it, then add the chart) */
  readonly chart?: Chart;
  /** The cluster's OIDC issuer URL. */
  readonly clusterIssuerUrl: string;
  readonly resourceGroupName: string;
  readonly location: string;
  /** The identity's client id, from the applied stack's output (required with `chart`). */
  readonly clientId?: string;
}

/** The clusters a workload runs on: any of them. */
export interface ClusterTargets {
  readonly eks?: EksTarget;
  readonly gke?: GkeTarget;
  readonly aks?: AksTarget;
}

/** What was created on each cluster. */
export interface WorkloadOnClusters {
  readonly eks?: { readonly identity: aws.WorkloadIdentity; readonly serviceAccount: WorkloadServiceAccount; readonly workload: ApiObject };
  readonly gke?: { readonly identity: gcp.WorkloadIdentity; readonly serviceAccount: WorkloadServiceAccount; readonly workload: ApiObject };
  readonly aks?: { readonly identity: azure.WorkloadIdentity; readonly serviceAccount?: WorkloadServiceAccount; readonly workload?: ApiObject };
}

/** Builds the hardened workload object (Deployment, CronJob, …) in a chart. */
export type WorkloadFactory = (chart: Chart, id: string) => ApiObject;

/** Hardened container defaults: non-root, read-only root filesystem, no privilege escalation, no capabilities. */
export function hardenedContainer(name: string, image: string): Record<string, unknown> {
  return {
    name,
    image,
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/**
 * One identity per cluster, one hardened ServiceAccount per cluster bound to it, one workload on it, and the access
 * intents granted to each identity: the composition every workload template shares.
 */
export function deployOnClusters(
  scopeId: string,
  props: ClusterTargets & {
    name: string;
    namespace: string;
    ownership: Ownership;
    access: readonly Access[];
    workload: WorkloadFactory;
    /** The prop of each intent in the template's props, for messages. @default - `access[i]` */
    accessProps?: readonly string[];
  },
  ctx: ValidationContext,
): WorkloadOnClusters {
  if (!props.eks && !props.gke && !props.aks) {
    fail({ code: 'KL-TPL-NO-TARGET', path: ctx.path, prop: 'eks', problem: 'and `gke` and `aks` are all missing: the workload runs nowhere', fix: 'name at least one cluster the team uses' });
  }
  const serviceAccount = { namespace: props.namespace, name: props.name };
  const accessProps = props.accessProps ?? props.access.map((_, i) => `access[${i}]`);
  // Access targets may name the resource granted on by a reference to it in the app (never a deploy-time input).
  const referenceCtx: ValidationContext = {
    ...ctx,
    isResourceReference: (value, framework) => (framework === 'aws-cdk-lib'
      ? props.eks !== undefined && isCloudFormationResourceReference(props.eks.stack, value)
      : isTerraformResourceReference(value)),
  };
  const grants = props.access.map((access, i) => access.resolve(referenceCtx, accessProps[i]));
  checkRenderedOnEveryCluster(props, grants, accessProps, ctx);
  const bound = (chart: Chart, identity: CloudIdentityBinding) => {
    const account = new WorkloadServiceAccount(chart, `${scopeId}-ServiceAccount`, { ...serviceAccount, ownership: props.ownership, identity });
    const workload = props.workload(chart, scopeId);
    account.bindWorkload(workload);
    return { serviceAccount: account, workload };
  };
  let eks: WorkloadOnClusters['eks'];
  let gke: WorkloadOnClusters['gke'];
  let aks: WorkloadOnClusters['aks'];
  if (props.eks) {
    const identity = new aws.WorkloadIdentity(props.eks.stack, scopeId, {
      name: props.name, ownership: props.ownership, serviceAccount, eks: props.eks.eks,
    });
    grantAws(identity, grants, ctx);
    eks = { identity, ...bound(props.eks.chart, CloudIdentityBinding.aws(identity)) };
  }
  if (props.gke) {
    const identity = new gcp.WorkloadIdentity(props.gke.stack, scopeId, {
      name: props.name,
      ownership: props.ownership,
      serviceAccount,
      project: props.gke.project,
      projectNumber: props.gke.projectNumber,
      access: props.gke.projectNumber ? 'direct' : 'impersonation',
    });
    grantGcp(identity, identity.member, grants, ctx);
    gke = { identity, ...bound(props.gke.chart, CloudIdentityBinding.gcp(identity)) };
  }
  if (props.aks) {
    const identity = new azure.WorkloadIdentity(props.aks.stack, scopeId, {
      name: props.name,
      ownership: props.ownership,
      serviceAccount,
      clusterIssuerUrl: props.aks.clusterIssuerUrl,
      resourceGroupName: props.aks.resourceGroupName,
      location: props.aks.location,
    });
    grantAzure(identity, identity.principalId, grants, ctx);
    if (props.aks.chart) {
      if (props.aks.clientId === undefined) {
        fail({
          code: 'KL-TPL-AKS-CLIENT-ID',
          path: ctx.path,
          prop: 'aks.clientId',
          problem: 'is missing while `aks.chart` is given: the service account annotation needs the identity\'s client id, which exists only after the Azure stack is applied',
          fix: 'apply the Azure stack first, then pass its ClientId output as `aks.clientId`',
        });
      }
      aks = { identity, ...bound(props.aks.chart, CloudIdentityBinding.azure(identity, props.aks.clientId)) };
    } else {
      aks = { identity };
    }
  }
  return { eks, gke, aks };
}

const CLUSTER_CLOUDS = [
  { target: 'eks', cloud: 'aws', identity: 'AWS role' },
  { target: 'gke', cloud: 'gcp', identity: 'GKE identity' },
  { target: 'aks', cloud: 'azure', identity: 'Azure identity' },
] as const;

/** The factory and per-cloud fields of each intent, for the fix of a missing target. */
const INTENT_FIELDS: Record<string, { factory: string; aws: string; gcp: string; azure: string }> = {
  'read objects under a prefix': { factory: 'Access.readObjects', aws: '{ bucketName, prefix }', gcp: '{ bucket, prefix }', azure: '{ storageAccountId, container, prefix }' },
  'send messages to one queue': { factory: 'Access.sendMessages', aws: '{ queueArn }', gcp: '{ project, topic }', azure: '{ queueId }' },
  'read one secret': { factory: 'Access.readSecret', aws: '{ secretArn }', gcp: '{ project, secretId }', azure: '{ keyVaultId, secretName }' },
};

/**
 * Refuses an intent that grants nothing on a cloud the workload runs on: its identity there would get no permission
 * for it, silently, and the workload would fail at run time. An intent naming a cloud the template has no cluster
 * for is fine (one intent can be declared once for every cloud a team uses).
 */
function checkRenderedOnEveryCluster(
  targets: ClusterTargets, grants: readonly AccessGrants[], accessProps: readonly string[], ctx: ValidationContext,
): void {
  for (const { target, cloud, identity } of CLUSTER_CLOUDS) {
    if (!targets[target]) continue;
    grants.forEach((grant, i) => {
      if (grant[cloud].length > 0) return;
      const fields = INTENT_FIELDS[grant.description];
      fail({
        code: 'KL-TPL-ACCESS-UNRENDERED',
        path: ctx.path,
        prop: accessProps[i],
        problem: `(${grant.description}) has no \`${cloud}\` target, but the workload runs on \`${target}\`: its ${identity} would get no permission for it, silently, and the workload would fail at run time`,
        fix: `add \`${cloud}: ${fields ? fields[cloud] : '{ … }'}\` to ${fields ? `\`${fields.factory}(…)\`` : 'the intent'}, `
          + `or leave \`${target}\` out if the workload does not run there`,
      });
    });
  }
}

/** Grants access intents to an AWS role, as one explicit policy. */
export function grantAws(identity: Construct & { role: iam.IRole }, grants: readonly AccessGrants[], ctx: ValidationContext): void {
  const statements = grants.flatMap((g) => g.aws);
  if (statements.length === 0) return;
  checkUnique(statements.map((s) => s.sid), ctx);
  new iam.Policy(identity, 'Access', {
    roles: [identity.role],
    statements: statements.map((s) => new iam.PolicyStatement({
      sid: s.sid, actions: [...s.actions], resources: [...s.resources], conditions: s.conditions,
    })),
  });
}

/** Grants access intents on GCP resources to a member. */
export function grantGcp(scope: Construct, member: string, grants: readonly AccessGrants[], ctx: ValidationContext): void {
  grants.flatMap((g) => g.gcp).forEach((grant, i) => {
    const id = `Access${i}`;
    if (grant.kind === 'storage-bucket') new StorageBucketIamMember(scope, id, terraformConfig(scope, { bucket: grant.resource, role: grant.role, member, condition: grant.condition }));
    else if (grant.kind === 'pubsub-topic') new PubsubTopicIamMember(scope, id, terraformConfig(scope, { project: grant.project, topic: grant.resource, role: grant.role, member }));
    else if (grant.kind === 'secret') new SecretManagerSecretIamMember(scope, id, terraformConfig(scope, { project: grant.project, secretId: grant.resource, role: grant.role, member }));
    else fail({ code: 'KL-TPL-GCP-GRANT', path: ctx.path, prop: 'access', problem: `has an unsupported GCP grant kind ${String((grant as { kind: string }).kind)}`, fix: 'use Access.readObjects, sendMessages or readSecret' });
  });
}

/** Grants access intents on Azure resources to a principal. */
export function grantAzure(scope: Construct, principalId: string, grants: readonly AccessGrants[], _ctx: ValidationContext): void {
  grants.flatMap((g) => g.azure).forEach((grant, i) => new RoleAssignment(scope, `Access${i}`, terraformConfig(scope, {
    scope: grant.scope,
    roleDefinitionName: grant.roleDefinitionName,
    principalId,
    principalType: 'ServicePrincipal',
    condition: grant.condition,
    conditionVersion: grant.condition ? '2.0' : undefined,
  })));
}

function checkUnique(sids: string[], ctx: ValidationContext): void {
  const duplicate = sids.find((sid, i) => sids.indexOf(sid) !== i);
  if (duplicate) {
    fail({ code: 'KL-TPL-DUPLICATE-ACCESS', path: ctx.path, prop: 'access', problem: `declares the same kind of access twice (${duplicate})`, fix: 'declare each access once; one workload reads one prefix, sends to one queue, reads one secret' });
  }
}
