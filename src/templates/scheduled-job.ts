import { checkAccess, checkAccessList, checkClusterTargets, claimTemplateName, clusterScopes, checkImage, checkTemplateProps, templatePath } from './checks';
import { TemplateIdentityOptions } from './identity-options';
import { Access } from '../core/access';
import { today } from '../core/clock';
import { fail } from '../core/errors';
import { checkNamespace } from '../core/kubernetes';
import { checkIdentityName } from '../core/names';
import { Ownership } from '../core/ownership';
import { describeValue } from '../core/props';
import { ClusterTargets, deployOnClusters, hardenedContainer, WorkloadOnClusters } from './private/clusters';

/** Props of {@link ScheduledJob}. */
export interface ScheduledJobProps extends ClusterTargets, TemplateIdentityOptions {
  /** Job name (6–30 characters of `[a-z0-9-]`). */
  readonly name: string;
  /** Ownership. */
  readonly ownership: Ownership;
  /** Container image. */
  readonly image: string;
  /** Cron schedule, e.g. `15 2 * * *`. */
  readonly schedule: string;
  /** The one secret the job reads: `Access.readSecret({ aws, gcp, azure })`. */
  readonly secret: Access;
  /** Other access. @default - none */
  readonly access?: Access[];
  /** Namespace. @default - `name` */
  readonly namespace?: string;
}

/**
 * A scheduled job: a CronJob (no concurrent runs, no retries piling up) bound to its own ServiceAccount and cloud
 * identity on each cluster, which can read exactly one secret (Secrets Manager, Secret Manager or Key Vault).
 */
export class ScheduledJob {
  /** What was created on each cluster. */
  public readonly clusters: WorkloadOnClusters;

  constructor(props: ScheduledJobProps) {
    const ctx = { path: templatePath('ScheduledJob', props), today: today() };
    checkTemplateProps(props, ctx, '{ name, ownership, image, schedule, secret, eks }');
    checkIdentityName(props.name, ctx);
    const namespace = checkNamespace(props.namespace ?? props.name, ctx, 'namespace');
    const image = checkImage(props.image, ctx);
    // Five cron fields, or a @macro (Kubernetes CronJob schedule syntax).
    if (typeof props.schedule !== 'string' || !/^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$/.test(props.schedule.trim())) {
      fail({ code: 'KL-TPL-SCHEDULE', path: ctx.path, prop: 'schedule', problem: `is ${describeValue(props.schedule)}: expected five cron fields or a macro such as @daily`, fix: 'write the schedule like "15 2 * * *"' });
    }
    const secret = checkAccess(props.secret, ctx, 'secret');
    const access = checkAccessList(props.access, ctx, 'access');
    checkClusterTargets(props as unknown as Record<string, unknown>, ctx);
    claimTemplateName('ScheduledJob', props.name, clusterScopes(props), ctx);
    const labels = { 'app.kubernetes.io/name': props.name };
    this.clusters = deployOnClusters(`Job-${props.name}`, {
      ...props,
      namespace,
      access: [secret, ...access],
      accessProps: ['secret', ...access.map((_, i) => `access[${i}]`)],
      workload: (id: string) => ({
        id: `${id}-CronJob`,
        manifest: {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: props.name, namespace, labels },
          spec: {
            schedule: props.schedule.trim(),
            concurrencyPolicy: 'Forbid',
            jobTemplate: {
              spec: {
                backoffLimit: 2,
                template: { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [hardenedContainer(props.name, image)] } },
              },
            },
          },
        },
      }),
    }, ctx);
  }
}
