import { AccessGrants, AwsAccessStatement, AzureAccessGrant, GcpAccessGrant } from './access';
import { readableContentId } from './content-id';
import { fail, ValidationContext } from './errors';

/**
 * Which identity of a workload gets which grant, on which cloud, under which id: the access intents of a workload
 * template, decided once per cluster it runs on (an EKS role, a GKE identity, an AKS identity). Constructs render the
 * result; nothing here depends on a framework.
 *
 * Ids are derived from what a grant is (its resource, role and condition), never from its position among the
 * intents: inserting, removing or reordering an intent must not rename, and so replace, the bindings of the others.
 */

/** The clusters a workload runs on, by target. */
export interface WorkloadClusters {
  readonly eks: boolean;
  readonly gke: boolean;
  readonly aks: boolean;
}

/**
 * A stable key for a value that may hold deploy-time references (whose markers are numbered by creation order): the
 * renderer writes each reference as what it refers to. @default - the value itself
 */
export type ReferenceKey = (value: string) => string;

/** A GCP grant and the construct id of its IAM member resource. */
export interface GcpAccessBinding {
  /** Construct id, derived from the grant. */
  readonly id: string;
  /** The grant. */
  readonly grant: GcpAccessGrant;
}

/** An Azure grant and the construct id of its role assignment. */
export interface AzureAccessAssignment {
  /** Construct id, derived from the grant. */
  readonly id: string;
  /** The grant. */
  readonly grant: AzureAccessGrant;
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

const GCP_GRANT_KINDS: readonly string[] = ['storage-bucket', 'pubsub-topic', 'secret'];

/**
 * Refuses an intent that grants nothing on a cloud the workload runs on: its identity there would get no permission
 * for it, silently, and the workload would fail at run time. An intent naming a cloud the template has no cluster
 * for is fine (one intent can be declared once for every cloud a team uses).
 *
 * @param accessProps the prop of each intent in the template's props, for messages (e.g. `access[1]`)
 */
export function checkGrantedOnEveryCluster(
  clusters: WorkloadClusters, grants: readonly AccessGrants[], accessProps: readonly string[], ctx: ValidationContext,
): void {
  for (const { target, cloud, identity } of CLUSTER_CLOUDS) {
    if (!clusters[target]) continue;
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

/**
 * The statements of the EKS role's one access policy: every intent's AWS statements, in declaration order, each
 * statement id once (a workload reads one prefix, sends to one queue, reads one secret).
 */
export function awsWorkloadStatements(grants: readonly AccessGrants[], ctx: ValidationContext): AwsAccessStatement[] {
  const statements = grants.flatMap((g) => g.aws);
  checkUnique(statements.map((s) => s.sid), ctx);
  return statements;
}

/**
 * The GKE identity's IAM members, one per GCP grant: `Access-RESOURCE-ROLE-HASH`, where HASH covers the whole grant
 * (kind, project, resource, role, condition), so two prefixes of one bucket are two ids and no id depends on the
 * other intents. The same grant twice is refused: it would be one binding, which removing either intent deletes.
 */
export function gcpWorkloadBindings(
  grants: readonly AccessGrants[], ctx: ValidationContext, referenceKey: ReferenceKey = (v) => v,
): GcpAccessBinding[] {
  const bindings = grants.flatMap((g) => g.gcp).map((grant): GcpAccessBinding => {
    if (!GCP_GRANT_KINDS.includes(grant.kind)) {
      fail({ code: 'KL-TPL-GCP-GRANT', path: ctx.path, prop: 'access', problem: `has an unsupported GCP grant kind ${String((grant as { kind: string }).kind)}`, fix: 'use Access.readObjects, sendMessages or readSecret' });
    }
    const content = [grant.kind, grant.project ?? '', grant.resource, grant.role, grant.condition ? [grant.condition.title, grant.condition.description, grant.condition.expression] : null];
    return { id: readableContentId('Access', [referenceKey(grant.resource), grant.role.replace(/^roles\//, '')], referenceKey(JSON.stringify(content))), grant };
  });
  checkOnce(bindings, (b) => `${b.grant.role} on ${referenceKey(b.grant.resource)}`, ctx);
  return bindings;
}

/**
 * The AKS identity's role assignments, one per Azure grant: `Access-SCOPE-ROLE-HASH`, with SCOPE the last segment
 * of the scope and HASH covering the whole grant (scope, role, condition). The same grant twice is refused.
 */
export function azureWorkloadAssignments(
  grants: readonly AccessGrants[], ctx: ValidationContext, referenceKey: ReferenceKey = (v) => v,
): AzureAccessAssignment[] {
  const assignments = grants.flatMap((g) => g.azure).map((grant): AzureAccessAssignment => {
    const scope = referenceKey(grant.scope);
    const content = [grant.scope, grant.roleDefinitionName, grant.condition ?? null];
    return { id: readableContentId('Access', [scope.slice(scope.lastIndexOf('/') + 1), grant.roleDefinitionName], referenceKey(JSON.stringify(content))), grant };
  });
  checkOnce(assignments, (a) => `${a.grant.roleDefinitionName} on ${referenceKey(a.grant.scope)}`, ctx);
  return assignments;
}

/** Refuses the same grant (the same id) twice. */
function checkOnce<T extends { readonly id: string }>(items: readonly T[], describe: (item: T) => string, ctx: ValidationContext): void {
  const duplicate = items.find((item, i) => items.findIndex((other) => other.id === item.id) !== i);
  if (duplicate) {
    fail({
      code: 'KL-TPL-DUPLICATE-ACCESS',
      path: ctx.path,
      prop: 'access',
      problem: `grants ${describe(duplicate)} twice: two intents declare the same access, which is one binding (removing either intent would remove it)`,
      fix: 'declare each access once',
    });
  }
}

function checkUnique(keys: readonly string[], ctx: ValidationContext): void {
  const duplicate = keys.find((key, i) => keys.indexOf(key) !== i);
  if (duplicate) {
    fail({ code: 'KL-TPL-DUPLICATE-ACCESS', path: ctx.path, prop: 'access', problem: `declares the same kind of access twice (${duplicate})`, fix: 'declare each access once; one workload reads one prefix, sends to one queue, reads one secret' });
  }
}
