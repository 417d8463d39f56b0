import * as aws from '../../constructs/aws';
import { isCloudFormationResourceReference } from '../../constructs/aws/private/reference';
import { renderAwsAccessPolicy, Stack } from '../../constructs/aws/workload-access';
import * as azure from '../../constructs/azure';
import { renderAzureAccessAssignments } from '../../constructs/azure/workload-access';
import * as gcp from '../../constructs/gcp';
import { renderGcpAccessBindings, TerraformStack } from '../../constructs/gcp/workload-access';
import { CloudIdentityBinding, WorkloadServiceAccount } from '../../constructs/k8s';
import { ApiObject, ApiObjectProps, Chart, workloadObject } from '../../constructs/k8s/workload-object';
import { isTerraformResourceReference, terraformReferenceKey } from '../../constructs/private/terraform-reference';
import { Access } from '../../core/access';
import { fail, ValidationContext } from '../../core/errors';
import { awsWorkloadStatements, azureWorkloadAssignments, checkGrantedOnEveryCluster, gcpWorkloadBindings } from '../../core/grants';
import { Ownership } from '../../core/ownership';
import { identityOptions, TemplateIdentityOptions } from '../identity-options';

/** An EKS cluster the workload runs on. */
export interface EksTarget {
  /** The aws-cdk-lib stack for the role (with an explicit `env.account` for IRSA). */
  readonly stack: Stack;
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

/** The hardened workload object (Deployment, CronJob, …) of a template: its construct id (from the scope id) and manifest. */
export type WorkloadFactory = (id: string) => { readonly id: string; readonly manifest: ApiObjectProps };

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
    detections?: TemplateIdentityOptions['detections'];
    revoked?: TemplateIdentityOptions['revoked'];
    /** The prop of each intent in the template's props, for messages. @default - `access[i]` */
    accessProps?: readonly string[];
  },
  ctx: ValidationContext,
): WorkloadOnClusters {
  if (!props.eks && !props.gke && !props.aks) {
    fail({ code: 'KL-TPL-NO-TARGET', path: ctx.path, prop: 'eks', problem: 'and `gke` and `aks` are all missing: the workload runs nowhere', fix: 'name at least one cluster the team uses' });
  }
  const serviceAccount = { namespace: props.namespace, name: props.name };
  const options = identityOptions(props);
  const accessProps = props.accessProps ?? props.access.map((_, i) => `access[${i}]`);
  // Access targets may name the resource granted on by a reference to it in the app (never a deploy-time input).
  const referenceCtx: ValidationContext = {
    ...ctx,
    isResourceReference: (value, framework) => (framework === 'aws-cdk-lib'
      ? props.eks !== undefined && isCloudFormationResourceReference(props.eks.stack, value)
      : isTerraformResourceReference(value)),
  };
  const grants = props.access.map((access, i) => access.resolve(referenceCtx, accessProps[i]));
  checkGrantedOnEveryCluster({ eks: Boolean(props.eks), gke: Boolean(props.gke), aks: Boolean(props.aks) }, grants, accessProps, ctx);
  const bound = (chart: Chart, identity: CloudIdentityBinding) => {
    const account = new WorkloadServiceAccount(chart, `${scopeId}-ServiceAccount`, { ...serviceAccount, ownership: props.ownership, identity });
    const { id, manifest } = props.workload(scopeId);
    const workload = workloadObject(chart, id, manifest);
    account.bindWorkload(workload);
    return { serviceAccount: account, workload };
  };
  let eks: WorkloadOnClusters['eks'];
  let gke: WorkloadOnClusters['gke'];
  let aks: WorkloadOnClusters['aks'];
  if (props.eks) {
    const identity = new aws.WorkloadIdentity(props.eks.stack, scopeId, {
      name: props.name, ownership: props.ownership, serviceAccount, eks: props.eks.eks, ...options,
    });
    renderAwsAccessPolicy(identity, awsWorkloadStatements(grants, ctx));
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
      ...options,
    });
    renderGcpAccessBindings(identity, identity.member, gcpWorkloadBindings(grants, ctx, terraformReferenceKey));
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
      ...options,
    });
    renderAzureAccessAssignments(identity, identity.principalId, azureWorkloadAssignments(grants, ctx, terraformReferenceKey));
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
