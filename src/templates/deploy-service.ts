import { checkAccessList, checkClusterTargets, claimTemplateName, clusterScopes, checkImage, checkReplicas, checkTemplateProps, templatePath } from './checks';
import { TemplateIdentityOptions } from './identity-options';
import { Access } from '../core/access';
import { today } from '../core/clock';
import { checkNamespace } from '../core/kubernetes';
import { checkIdentityName } from '../core/names';
import { Ownership } from '../core/ownership';
import { ClusterTargets, deployOnClusters, hardenedContainer, WorkloadOnClusters } from './private/clusters';

/** Props of {@link DeployService}. */
export interface DeployServiceProps extends ClusterTargets, TemplateIdentityOptions {
  /** Service name: the ServiceAccount, Deployment and identity names (6–30 characters of `[a-z0-9-]`). */
  readonly name: string;
  /** Owner, purpose, environment, tier, review-by. */
  readonly ownership: Ownership;
  /** Container image. */
  readonly image: string;
  /** Namespace. @default - `name` */
  readonly namespace?: string;
  /** Replicas. @default 2 */
  readonly replicas?: number;
  /** What the service may access, as intent: `Access.readObjects(…)`, `Access.sendMessages(…)`, `Access.readSecret(…)`. @default - nothing */
  readonly access?: Access[];
}

/**
 * Deploy a service: on each cluster the team uses, its own cloud identity (IRSA or Pod Identity on EKS, GKE
 * Workload Identity, AKS workload identity), a hardened ServiceAccount bound to it, a hardened Deployment running as
 * it, and exactly the declared access.
 *
 * ```ts
 * new DeployService({
 *   name: 'payments-api', ownership, image: 'registry.example.com/payments-api:1.4.2',
 *   eks: { stack: awsStack, chart: eksChart, eks: { kind: 'pod-identity', clusterName: 'prod-eu' } },
 *   gke: { stack: gcpStack, chart: gkeChart, project: 'acme-prod' },
 *   access: [Access.readObjects({ aws: { bucketName: 'acme-settlements', prefix: 'payments-api' }, gcp: { bucket: 'acme-settlements', prefix: 'payments-api' } })],
 * });
 * ```
 */
export class DeployService {
  /** What was created on each cluster. */
  public readonly clusters: WorkloadOnClusters;

  constructor(props: DeployServiceProps) {
    const ctx = { path: templatePath('DeployService', props), today: today() };
    checkTemplateProps(props, ctx, '{ name, ownership, image, eks }');
    checkIdentityName(props.name, ctx);
    const namespace = checkNamespace(props.namespace ?? props.name, ctx, 'namespace');
    const image = checkImage(props.image, ctx);
    const replicas = checkReplicas(props.replicas, ctx);
    const access = checkAccessList(props.access, ctx, 'access');
    checkClusterTargets(props as unknown as Record<string, unknown>, ctx);
    claimTemplateName('DeployService', props.name, clusterScopes(props), ctx);
    const labels = { 'app.kubernetes.io/name': props.name };
    this.clusters = deployOnClusters(`Service-${props.name}`, {
      ...props,
      namespace,
      access,
      workload: (id: string) => ({
        id: `${id}-Deployment`,
        manifest: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: props.name, namespace, labels },
          spec: {
            replicas: replicas ?? 2,
            selector: { matchLabels: labels },
            template: { metadata: { labels }, spec: { containers: [hardenedContainer(props.name, image)] } },
          },
        },
      }),
    }, ctx);
  }
}
