/** GCP IAM members of synthesized Terraform, and what a member string names. */
import { NeutralResource } from './model';
import { attributesOf, TerraformIndex } from './terraform';
import { asList, parseDocument } from './values';
import {
  GCP_APP_ENGINE_DEFAULT_SERVICE_ACCOUNT, GCP_DEFAULT_COMPUTE_SERVICE_ACCOUNT, GCP_DEFAULT_SERVICE_ACCOUNT_DATA_SOURCES,
} from '../core/facts/gcp-roles';
import { parseGkeServiceAccountMember } from '../core/facts/subjects';

/** Where a GCP IAM resource grants: an organization, a folder, a project, a service account, or another resource. */
export type GcpIamLevel = 'organization' | 'folder' | 'project' | 'service account' | 'resource';

/** One role granted to members by a GCP IAM resource. */
export interface GcpGrant {
  /** The role as written (`roles/editor`, `projects/P/roles/custom`). */
  readonly role: string;
  /** The members as written. */
  readonly members: readonly string[];
  /** The index of the binding in an authoritative policy (`policy_data`); undefined for `_iam_member` / `_iam_binding`. */
  readonly binding?: number;
}

/** The level a `google_*_iam_member|binding|policy` resource grants at; undefined for other resources. */
export function gcpIamLevel(resource: NeutralResource): GcpIamLevel | undefined {
  const match = resource.format === 'terraform' ? /^google_(.+)_iam_(member|binding|policy)$/.exec(resource.type) : null;
  if (!match) return undefined;
  switch (match[1]) {
    case 'organization': return 'organization';
    case 'folder': return 'folder';
    case 'project': return 'project';
    case 'service_account': return 'service account';
    default: return 'resource';
  }
}

/** Where a GCP IAM resource grants, for a message: `project acme-prod`, `service account ci@p…`, `google_storage_bucket_iam_member`. */
export function gcpIamScope(resource: NeutralResource): string {
  const a = attributesOf(resource);
  const named = (value: unknown, fallback: string): string => (typeof value === 'string' && value !== '' ? value : fallback);
  switch (gcpIamLevel(resource)) {
    case 'organization': return `organization ${named(a.org_id, '(org_id unset)')}`;
    case 'folder': return `folder ${named(a.folder, '(folder unset)')}`;
    case 'project': return `project ${named(a.project, "(the provider's project)")}`;
    case 'service account': return `service account ${named(a.service_account_id, '(service_account_id unset)')}`;
    default: return resource.type;
  }
}

const stringsOf = (value: unknown): string[] => asList<unknown>(value as unknown[]).filter((m): m is string => typeof m === 'string');

/**
 * The bindings of an authoritative policy document (`policy_data` of `google_*_iam_policy`): a literal JSON string, an
 * object, or a reference to a `data "google_iam_policy"` of the same file (`${data.google_iam_policy.X.policy_data}`,
 * read from its `binding` blocks, given `resources`); another reference or a string that is not JSON reads as none.
 */
function policyBindings(resource: NeutralResource, resources: readonly NeutralResource[]): GcpGrant[] {
  const policyData = attributesOf(resource).policy_data;
  const data = typeof policyData === 'string' ? /^\$\{data\.google_iam_policy\.([^.}\s]+)\.policy_data\}$/.exec(policyData.trim())?.[1] : undefined;
  if (data !== undefined) {
    const source = resources.find((r) => r.format === 'terraform' && r.file === resource.file && r.id === `data.google_iam_policy.${data}`);
    const blocks = source === undefined ? [] : asList<any>(attributesOf(source).binding);
    return blocks.flatMap((b, i): GcpGrant[] => (typeof b?.role === 'string' ? [{ role: b.role, members: stringsOf(b.members), binding: i }] : []));
  }
  const document = parseDocument(policyData);
  return asList<any>(document?.bindings).flatMap((b, i): GcpGrant[] => (typeof b?.role === 'string' ? [{ role: b.role, members: stringsOf(b.members), binding: i }] : []));
}

/**
 * The roles a GCP IAM resource grants and to whom: `google_*_iam_member` (`member`), `google_*_iam_binding`
 * (`members`), and `google_*_iam_policy` when its `policy_data` is literal or a `data "google_iam_policy"` among
 * `resources` (one grant per binding, with its index).
 */
export function gcpGrants(resource: NeutralResource, resources: readonly NeutralResource[] = []): GcpGrant[] {
  if (gcpIamLevel(resource) === undefined) return [];
  if (resource.type.endsWith('_iam_policy')) return policyBindings(resource, resources);
  const a = attributesOf(resource);
  const members = [...stringsOf(a.member), ...stringsOf(a.members)];
  return members.length === 0 ? [] : [{ role: typeof a.role === 'string' ? a.role : '', members }];
}

/** The key of a member's finding: `Member::M`, or `Bindings[I].Member::M` for a binding of a policy document. */
export function gcpMemberKey(grant: GcpGrant, member: string): string {
  return `${grant.binding === undefined ? '' : `Bindings[${grant.binding}].`}Member::${member}`;
}

/** IAM members of a GCP IAM resource (`google_*_iam_member` / `google_*_iam_binding`, and literal `google_*_iam_policy`). */
export function gcpMembers(resource: NeutralResource): string[] {
  return [...new Set(gcpGrants(resource).flatMap((g) => g.members))];
}

/** A GKE workload identity member `serviceAccount:PROJECT.svc.id.goog[NS/KSA]`, parsed. */
export const parseGkeMember = parseGkeServiceAccountMember;

/** `principalSet://…/POOL/*`: every identity of a workload identity pool. */
export function isWholePoolMember(member: string): boolean {
  return /^principalSet:\/\/.*\/\*$/.test(member);
}

/** The email a `google_service_account` resource will have, as far as its attributes tell. */
function serviceAccountEmail(account: NeutralResource): string {
  const a = attributesOf(account);
  if (typeof a.email === 'string' && !a.email.includes('${')) return a.email;
  const id = typeof a.account_id === 'string' && !a.account_id.includes('${') ? a.account_id : account.id;
  const project = typeof a.project === 'string' && !a.project.includes('${') ? a.project : 'PROJECT';
  return `${id}@${project}.iam.gserviceaccount.com`;
}

/** A whole reference to a service account's member, resolvable or not: `${google_service_account.X.member}`. */
const SERVICE_ACCOUNT_MEMBER_REFERENCE = /^\$\{(data\.)?google_service_account\.[^.}\s]+\.member\}$/;

const INDEXES = new WeakMap<readonly NeutralResource[], TerraformIndex>();

/**
 * A member of a GCP IAM resource as IAM will read it: `${…}` references to resources of the same file followed
 * (`${google_service_account.X.member}` and `serviceAccount:${google_service_account.X.email}` as
 * `serviceAccount:EMAIL`, a reference to a literal attribute as the attribute); a whole reference to a service
 * account's `member` (a data source too) as `serviceAccount:${…}` even when it cannot be followed. Other references
 * stay as written.
 */
export function resolveGcpMember(resource: NeutralResource, member: string, resources: readonly NeutralResource[]): string {
  let index = INDEXES.get(resources);
  if (!index) INDEXES.set(resources, index = new TerraformIndex(resources));
  const computed = (target: NeutralResource, attribute: string): string | undefined => {
    if (target.type !== 'google_service_account') return undefined;
    const email = serviceAccountEmail(target);
    return attribute === 'member' ? `serviceAccount:${email}` : attribute === 'email' ? email : undefined;
  };
  const resolved = index.resolve(resource.file, member, computed);
  return SERVICE_ACCOUNT_MEMBER_REFERENCE.test(resolved) ? `serviceAccount:${resolved}` : resolved;
}

/**
 * Which default service account a value names, once references are resolved: the email or member of the Compute
 * Engine or App Engine default service account, or a reference to the data source that reads it
 * (`${data.google_compute_default_service_account.X.email}`); undefined for anything else.
 */
export function gcpDefaultServiceAccount(value: string): 'Compute Engine' | 'App Engine' | undefined {
  const email = value.replace(/^serviceAccount:/, '').replace(/^projects\/[^/]+\/serviceAccounts\//, '');
  if (GCP_DEFAULT_COMPUTE_SERVICE_ACCOUNT.test(email)) return 'Compute Engine';
  if (GCP_APP_ENGINE_DEFAULT_SERVICE_ACCOUNT.test(email)) return 'App Engine';
  const data = /^\$\{data\.([A-Za-z0-9_]+)\.[^.}\s]+\.(email|member|name|id|unique_id)\}$/.exec(email)?.[1];
  return data === undefined ? undefined : GCP_DEFAULT_SERVICE_ACCOUNT_DATA_SOURCES[data];
}

/** The service account field of a GCP workload resource, as read by {@link gcpWorkloadServiceAccount}. */
export interface GcpWorkloadServiceAccount {
  /** The field, as a dotted path of the provider's schema (`service_account.email`). */
  readonly field: string;
  /** Its value as written; undefined when unset. */
  readonly value: unknown;
  /** The default service account the workload runs as when the field is unset; undefined when it then runs as none. */
  readonly whenUnset?: 'Compute Engine' | 'App Engine';
}

/** Workload types of the google provider: the path of the block holding the service account, the field, and the platform's default. */
const WORKLOADS: Readonly<Record<string, readonly [blocks: readonly string[], field: string, whenUnset: 'Compute Engine' | 'App Engine']>> = {
  google_compute_instance: [['service_account'], 'email', 'Compute Engine'],
  google_compute_instance_template: [['service_account'], 'email', 'Compute Engine'],
  google_compute_region_instance_template: [['service_account'], 'email', 'Compute Engine'],
  google_compute_instance_from_template: [['service_account'], 'email', 'Compute Engine'],
  google_container_node_pool: [['node_config'], 'service_account', 'Compute Engine'],
  google_container_cluster: [['node_config'], 'service_account', 'Compute Engine'],
  google_cloud_run_service: [['template', 'spec'], 'service_account_name', 'Compute Engine'],
  google_cloud_run_v2_service: [['template'], 'service_account', 'Compute Engine'],
  google_cloud_run_v2_job: [['template', 'template'], 'service_account', 'Compute Engine'],
  google_cloudfunctions_function: [[], 'service_account_email', 'App Engine'],
  google_cloudfunctions2_function: [['service_config'], 'service_account_email', 'Compute Engine'],
};

/**
 * The service account a GCP workload runs as (google provider schema; a block as a one-object list or the object).
 * Unset, the platform's default applies: the Compute Engine default for VMs with a `service_account` block without
 * `email` (a VM without the block has no service account), GKE nodes, Cloud Run and Cloud Functions (2nd gen); the
 * App Engine default for Cloud Functions (1st gen). A GKE cluster whose default node pool is removed
 * (`remove_default_node_pool`) or that is Autopilot is not read. Undefined for other resources.
 */
export function gcpWorkloadServiceAccount(resource: NeutralResource): GcpWorkloadServiceAccount | undefined {
  const known = resource.format === 'terraform' ? WORKLOADS[resource.type] : undefined;
  if (!known) return undefined;
  const [blocks, field, whenUnset] = known;
  const a = attributesOf(resource);
  if (resource.type === 'google_container_cluster' && (a.remove_default_node_pool === true || a.enable_autopilot === true)) return undefined;
  const path = [...blocks, field].join('.');
  let block: any = a;
  for (const name of blocks) {
    const next = oneBlock(block?.[name]);
    // A VM without a service_account block runs without a service account; elsewhere a missing block is the default.
    if (next === undefined) return { field: path, value: undefined, ...(resource.type.startsWith('google_compute_') ? {} : { whenUnset }) };
    block = next;
  }
  const value = block[field];
  return { field: path, value: value === '' || value === null ? undefined : value, whenUnset };
}

/** The one object of a block written as a one-object list or as the object. */
function oneBlock(value: unknown): any {
  const block = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
  return block !== null && typeof block === 'object' && !Array.isArray(block) ? block : undefined;
}

