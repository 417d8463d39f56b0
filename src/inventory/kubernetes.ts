import { Drafts, ownershipFrom, RecordDraft, sourceOf } from './draft';
import { makePermission, makeSubject } from './entries';
import { admissionIndex, admissionPolicyOf } from './kubernetes-admission';
import { parseKubernetesServiceAccountGroup, parseKubernetesServiceAccountSubject } from '../core/facts/subjects';
import { ADMISSION_POLICY_ANNOTATION, ADMISSION_POLICY_OPT_OUT_ANNOTATION } from '../core/kubernetes-admission';
import { decodeOwnershipTags, OWNERSHIP_PREFIX } from '../core/ownership';
import { kubernetesObject, namespaceOf as podNamespace, podServiceAccount, podSpec } from '../synth/kubernetes';
import { NeutralResource } from '../synth/model';
import { asList } from '../synth/values';

/** Annotations that bind a ServiceAccount to a cloud identity, how the identity reads, and its cloud. */
const CLOUD_BINDINGS: Array<[string, string, ServiceAccountBinding['cloud']]> = [
  ['eks.amazonaws.com/role-arn', 'aws role', 'aws'],
  ['iam.gke.io/gcp-service-account', 'gcp service account', 'gcp'],
  ['azure.workload.identity/client-id', 'azure client-id', 'azure'],
];

/** A cloud identity a ServiceAccount's annotation names: an AWS role ARN, a GCP service account email, an Azure client id. */
export interface ServiceAccountBinding {
  readonly cloud: 'aws' | 'gcp' | 'azure';
  readonly value: string;
}

/** A ServiceAccount defined in the output, with what the two-sides pass (both-sides.ts) needs to know of it. */
export interface ServiceAccountSide {
  /** Its record id. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** The cloud identities its annotations name. */
  readonly bindings: readonly ServiceAccountBinding[];
  /** It carries Keyless' admission-policy annotation or opt-out (Keyless declared it identity-bound). */
  readonly declared: boolean;
  /** Its admission policy as the chart gives it (see kubernetes-admission.ts). */
  readonly admissionPolicy: string;
}
/** Annotations that set the projected token lifetime of the cloud webhooks (EKS, Azure workload identity). */
const TOKEN_EXPIRATION = ['eks.amazonaws.com/token-expiration', 'azure.workload.identity/service-account-token-expiration'];

/** Built-in ClusterRoles that grant administrative power. */
const PRIVILEGED_CLUSTER_ROLES = ['cluster-admin', 'admin', 'edit'];

/**
 * The cluster a manifest describes: cdk8s writes one chart (one cluster, in Keyless) per `NAME.k8s.yaml`; other
 * manifests are grouped by directory.
 */
export function manifestContext(relativeFile: string): string {
  const base = relativeFile.replace(/^.*\//, '');
  if (/\.k8s\.ya?ml$/.test(base)) return base.replace(/\.k8s\.ya?ml$/, '');
  const dir = relativeFile.includes('/') ? relativeFile.slice(0, relativeFile.lastIndexOf('/')) : '';
  return dir;
}

/** What the readers of one manifest context (a chart, a directory of manifests) share. */
interface KubernetesContext {
  readonly objects: readonly NeutralResource[];
  readonly accounts: readonly NeutralResource[];
  readonly account: (namespace: string, name: string, at: NeutralResource, defined: boolean) => RecordDraft;
}

/**
 * Kubernetes ServiceAccounts: workloads using them, RBAC bindings, bound cloud identities, token secrets. Returns every
 * ServiceAccount defined, with its cloud bindings and admission policy, for the two-sides pass.
 */
export function kubernetesRecords(
  resources: readonly NeutralResource[], drafts: Drafts, relativeFile: (file: string) => string,
): ServiceAccountSide[] {
  const sides: ServiceAccountSide[] = [];
  const byContext = new Map<string, NeutralResource[]>();
  for (const resource of resources) {
    // Manifests, and Terraform's kubernetes_* resources read as the objects they create (synth kubernetesObject).
    const object = kubernetesObject(resource);
    if (object === undefined || typeof object.kind !== 'string') continue;
    const r: NeutralResource = resource.format === 'kubernetes' ? resource : { ...resource, type: object.kind, properties: object };
    const context = manifestContext(relativeFile(r.file));
    if (!byContext.has(context)) byContext.set(context, []);
    byContext.get(context)!.push(r);
  }
  for (const [context, objects] of [...byContext.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const ctx: KubernetesContext = {
      objects,
      accounts: objects.filter((o) => o.type === 'ServiceAccount'),
      account: (namespace, name, at, defined) => drafts.get('kubernetes', 'service-account', recordName(context, namespace, name), at, defined),
    };
    sides.push(...serviceAccounts(ctx, context));
    workloads(ctx);
    tokenSecrets(ctx);
    rbacBindings(ctx);
  }
  return sides;
}

/** A ServiceAccount record's name: `CONTEXT/NAMESPACE/NAME` (without the context for top-level manifests). */
function recordName(context: string, namespace: string, name: string): string {
  return `${context ? `${context}/` : ''}${namespace}/${name}`;
}

/** An object's namespace, as the rules read it (`default` when unset or empty). */
const namespaceOf = (o: NeutralResource): string => podNamespace(o.properties);

function serviceAccounts({ objects, accounts, account }: KubernetesContext, context: string): ServiceAccountSide[] {
  const sides: ServiceAccountSide[] = [];
  const admission = admissionIndex(objects);
  for (const o of accounts) {
    const metadata = o.properties.metadata ?? {};
    const draft = account(namespaceOf(o), String(metadata.name), o, true);
    const bindings: ServiceAccountBinding[] = [];
    draft.ownership = ownershipFrom({
      ...decodeOwnershipTags(metadata.labels, OWNERSHIP_PREFIX.kubernetes),
      ...decodeOwnershipTags(metadata.annotations, OWNERSHIP_PREFIX.kubernetes),
    });
    draft.attributes.automountServiceAccountToken = String(o.properties.automountServiceAccountToken ?? true);
    for (const [annotation, label, cloud] of CLOUD_BINDINGS) {
      const value = metadata.annotations?.[annotation];
      if (typeof value === 'string') {
        bindings.push({ cloud, value });
        draft.permissions.push(makePermission({ kind: 'impersonation', action: 'impersonate', scope: `${label} ${value}`, wildcard: false, privileged: false, source: sourceOf(o) }));
      }
    }
    for (const annotation of TOKEN_EXPIRATION) {
      const seconds = Number(metadata.annotations?.[annotation]);
      if (Number.isFinite(seconds) && seconds > 0) draft.maxSessionSeconds = Math.max(draft.maxSessionSeconds ?? 0, seconds);
    }
    sides.push({
      id: Drafts.id('kubernetes', 'service-account', recordName(context, namespaceOf(o), String(metadata.name))),
      namespace: namespaceOf(o),
      name: String(metadata.name),
      bindings,
      declared: [ADMISSION_POLICY_ANNOTATION, ADMISSION_POLICY_OPT_OUT_ANNOTATION].some((a) => metadata.annotations?.[a] !== undefined),
      admissionPolicy: admissionPolicyOf(o, namespaceOf(o), admission),
    });
  }
  return sides;
}

/** Workloads: the service account they run as (`default` when unset or empty), automount, projected tokens. */
function workloads({ objects, accounts, account }: KubernetesContext): void {
  for (const o of objects) {
    const spec = podSpec(o.properties);
    if (spec === undefined) continue;
    const namespace = namespaceOf(o);
    const name = podServiceAccount(spec) ?? 'default';
    const serviceAccount = accounts.find((a) => namespaceOf(a) === namespace && a.properties.metadata?.name === name);
    const draft = account(namespace, name, o, false);
    draft.resources.add(sourceOf(o));
    const workload = `${o.type} ${namespace}/${o.properties.metadata?.name ?? '(unnamed)'}`;
    draft.subjects.push(makeSubject({ kind: 'workload', issuer: workload, source: sourceOf(o) }));
    const automount = spec.automountServiceAccountToken ?? serviceAccount?.properties.automountServiceAccountToken ?? true;
    if (automount !== false) draft.attributes.tokenAutomountedBy = [...new Set([...(draft.attributes.tokenAutomountedBy ?? '').split(', ').filter(Boolean), workload])].sort().join(', ');
    for (const volume of asList<any>(spec.volumes)) {
      for (const source of asList<any>(volume?.projected?.sources)) {
        const token = source?.serviceAccountToken;
        if (!token) continue;
        const seconds = Number(token.expirationSeconds ?? 3600);
        draft.maxSessionSeconds = Math.max(draft.maxSessionSeconds ?? 0, seconds);
        const audiences = new Set((draft.attributes.tokenAudiences ?? '').split(', ').filter(Boolean));
        audiences.add(String(token.audience ?? '(API server)'));
        draft.attributes.tokenAudiences = [...audiences].sort().join(', ');
      }
    }
  }
}

function tokenSecrets({ objects, account }: KubernetesContext): void {
  for (const o of objects.filter((x) => x.type === 'Secret' && x.properties.type === 'kubernetes.io/service-account-token')) {
    const name = o.properties.metadata?.annotations?.['kubernetes.io/service-account.name'];
    if (typeof name !== 'string') continue;
    const draft = account(namespaceOf(o), name, o, false);
    draft.subjects.push(makeSubject({ kind: 'static', issuer: `token secret ${o.id}`, source: sourceOf(o) }));
  }
}

/** Role and cluster role bindings: the service accounts (by name, user or group) they bind, and what they grant. */
function rbacBindings({ objects, accounts, account }: KubernetesContext): void {
  const roles = new Map<string, NeutralResource>();
  for (const o of objects.filter((x) => x.type === 'Role' || x.type === 'ClusterRole')) {
    roles.set(o.type === 'Role' ? `Role ${namespaceOf(o)}/${o.properties.metadata?.name}` : `ClusterRole ${o.properties.metadata?.name}`, o);
  }
  for (const o of objects.filter((x) => x.type === 'RoleBinding' || x.type === 'ClusterRoleBinding')) {
    const namespace = o.type === 'RoleBinding' ? namespaceOf(o) : undefined;
    const roleRef = o.properties.roleRef ?? {};
    const roleKey = roleRef.kind === 'Role' ? `Role ${namespace}/${roleRef.name}` : `ClusterRole ${roleRef.name}`;
    const role = roles.get(roleKey);
    const where = namespace ? `namespace ${namespace}` : 'all namespaces';
    const targets: RecordDraft[] = [];
    for (const subject of asList<any>(o.properties.subjects)) {
      if (subject?.kind === 'ServiceAccount') targets.push(account(String(subject.namespace ?? namespace ?? 'default'), String(subject.name), o, false));
      const user = subject?.kind === 'User' ? parseKubernetesServiceAccountSubject(String(subject.name)) : undefined;
      if (user) targets.push(account(user.namespace, user.name, o, false));
      const group = subject?.kind === 'Group' ? parseKubernetesServiceAccountGroup(String(subject.name)) : undefined;
      if (group !== undefined) {
        for (const a of accounts.filter((x) => group === '*' || namespaceOf(x) === group)) {
          targets.push(account(namespaceOf(a), String(a.properties.metadata?.name), o, false));
        }
      }
    }
    for (const draft of targets) {
      draft.resources.add(sourceOf(o));
      if (role) draft.resources.add(sourceOf(role));
      if (!role) {
        const privileged = roleRef.kind !== 'Role' && PRIVILEGED_CLUSTER_ROLES.includes(roleRef.name);
        if (privileged) draft.privilegedReasons.push(`ClusterRole ${roleRef.name} on ${where}`);
        draft.permissions.push(makePermission({
          kind: 'role', action: `${roleRef.kind ?? 'ClusterRole'} ${roleRef.name}`, scope: where, wildcard: roleRef.name === 'cluster-admin', privileged, source: sourceOf(o),
        }));
        continue;
      }
      for (const rule of asList<any>(role.properties.rules)) rbacRule(draft, rule, where, sourceOf(o));
    }
  }
}

/** One RBAC rule as verb × resource entries. */
function rbacRule(draft: RecordDraft, rule: any, where: string, source: string): void {
  const verbs = asList<string>(rule?.verbs).map(String);
  const groups = asList<string>(rule?.apiGroups).map(String);
  const resources = asList<string>(rule?.resources).map(String);
  const names = asList<string>(rule?.resourceNames).map(String);
  const targets: string[] = [];
  for (const group of groups.length > 0 ? groups : ['']) {
    for (const resource of resources) {
      for (const name of names.length > 0 ? names : ['']) targets.push(`${group ? `${group}/` : ''}${resource}${name ? `/${name}` : ''} in ${where}`);
    }
  }
  for (const url of asList<string>(rule?.nonResourceURLs)) targets.push(`url ${url}`);
  for (const verb of verbs) {
    for (const target of targets) {
      const wildcard = verb === '*' || /(^|\/)\*( |\/|$)/.test(target);
      const reasons: string[] = [];
      if (wildcard) reasons.push(`${verb} on ${target}`);
      else if (['escalate', 'bind', 'impersonate'].includes(verb)) reasons.push(`${verb} on ${target} (privilege escalation)`);
      else if (/^secrets( |\/)/.test(target) && ['get', 'list', 'watch'].includes(verb) && where === 'all namespaces') reasons.push(`${verb} on ${target}`);
      else if (/^serviceaccounts\/token /.test(target) && verb === 'create') reasons.push(`${verb} on ${target} (mints tokens of other service accounts)`);
      draft.privilegedReasons.push(...reasons);
      draft.permissions.push(makePermission({ kind: 'rbac', action: verb, scope: target, wildcard, privileged: reasons.length > 0, source }));
    }
  }
}
