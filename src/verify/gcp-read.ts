/**
 * What `keyless verify` reads of GCP IAM in synthesized Terraform (JSON in either block form, HCL, plans): the
 * federated members of every IAM grant, the target each grant gives access to, and the workload identity pool
 * providers with their pools.
 *
 * Principal identifiers (https://cloud.google.com/iam/docs/principal-identifiers):
 * `principal://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/POOL/subject/SUBJECT`,
 * `principalSet://…/POOL/group/GROUP`, `principalSet://…/POOL/attribute.NAME/VALUE`, `principalSet://…/POOL/*`.
 * GKE (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity): the pool is `PROJECT_ID.svc.id.goog`,
 * a workload is `principal://…/PROJECT_ID.svc.id.goog/subject/ns/NAMESPACE/sa/KSA` (or, for impersonation,
 * `serviceAccount:PROJECT_ID.svc.id.goog[NAMESPACE/KSA]`), a namespace `principalSet://…/PROJECT_ID.svc.id.goog/namespace/NAMESPACE`.
 */
import { gcpGrants, gcpIamLevel, parseGkeMember } from '../synth/gcp';
import { NeutralResource, providerOf, TerraformProvider } from '../synth/model';
import { attributesOf, nestedBlock, TerraformIndex } from '../synth/terraform';

/** A member of a workload identity pool, parsed. `number` is undefined when the member names the pool by reference. */
export interface PoolMember {
  readonly member: string;
  readonly kind: 'principal' | 'principalSet';
  readonly number?: string;
  readonly pool: string;
  /** What follows `POOL/`: `subject/S`, `group/G`, `attribute.NAME/VALUE`, `*`, GKE `ns/NS/sa/KSA` after `subject/`. */
  readonly rest: string;
}

/** Marks the project number of a pool named by reference (`${google_iam_workload_identity_pool.X.name}`). */
const UNKNOWN_NUMBER = '(number)';

/** Parses a resolved federated member; undefined for any other member. */
export function parsePoolMember(member: string): PoolMember | undefined {
  const m = /^(principal|principalSet):\/\/iam\.googleapis\.com\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+)\/(.+)$/.exec(member);
  if (!m) return undefined;
  return { member, kind: m[1] as PoolMember['kind'], ...(m[2] === UNKNOWN_NUMBER ? {} : { number: m[2] }), pool: m[3], rest: m[4] };
}

/** A GKE workload (or namespace) a member names. */
export interface GkeMember {
  readonly member: string;
  /** `PROJECT_ID.svc.id.goog`. */
  readonly pool: string;
  readonly namespace: string;
  /** Undefined for a whole-namespace principalSet. */
  readonly serviceAccount?: string;
}

/** The GKE workload a member names: the impersonation form or a principal(Set) of a `.svc.id.goog` pool. */
export function gkeMemberOf(member: string, parsed = parsePoolMember(member)): GkeMember | undefined {
  const legacy = parseGkeMember(member);
  if (legacy) return { member, pool: legacy.pool, namespace: legacy.namespace, serviceAccount: legacy.name };
  if (!parsed || !parsed.pool.endsWith('.svc.id.goog')) return undefined;
  const workload = /^subject\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(parsed.rest);
  if (parsed.kind === 'principal' && workload) return { member, pool: parsed.pool, namespace: workload[1], serviceAccount: workload[2] };
  const namespace = /^namespace\/([^/]+)$/.exec(parsed.rest);
  if (parsed.kind === 'principalSet' && namespace) return { member, pool: parsed.pool, namespace: namespace[1] };
  return undefined;
}

/** Roles that let a principal of a service account's policy obtain the account's tokens (impersonation). */
export const IMPERSONATION_ROLES: readonly string[] = ['roles/iam.workloadIdentityUser', 'roles/iam.serviceAccountTokenCreator'];

/** What a grant gives access to. */
export interface GrantTarget {
  /** For the trust id: the service account email (impersonation), else `ROLE@SCOPE`. */
  readonly key: string;
  /** For people: the service account email, else `ROLE on SCOPE`. */
  readonly identity: string;
  /** The `google_service_account` resource of the impersonated account, when the output holds it. */
  readonly serviceAccount?: NeutralResource;
}

/** One federated (or GKE) member of one grant. */
export interface FederatedGrant {
  readonly resource: NeutralResource;
  readonly role: string;
  readonly member: string;
  readonly target: GrantTarget;
}

/** Attributes of an IAM resource that say *where* it grants, not what or to whom. */
const NOT_SCOPE = new Set(['//', 'member', 'members', 'role', 'condition', 'policy_data', 'depends_on', 'provider', 'etag', 'count', 'for_each', 'lifecycle']);

/** The resolver of one output: references within a file, with the computed names verify needs. */
export class GcpResolver {
  private readonly index: TerraformIndex;

  constructor(private readonly resources: readonly NeutralResource[], private readonly providers: readonly TerraformProvider[] = []) {
    this.index = new TerraformIndex(resources);
  }

  /** A value with references followed (service accounts' email/member/name, pools' name with an unknown number). */
  public resolve(file: string, value: unknown): string {
    return this.index.resolve(file, value, (target, attribute) => {
      const a = attributesOf(target);
      if (target.type === 'google_service_account') {
        const email = typeof a.email === 'string' && !a.email.includes('${') ? a.email : `${literal(a.account_id) ?? target.id}@${literal(a.project) ?? 'PROJECT'}.iam.gserviceaccount.com`;
        if (attribute === 'email') return email;
        if (attribute === 'member') return `serviceAccount:${email}`;
        if (attribute === 'name' || attribute === 'id') return `projects/${literal(a.project) ?? '-'}/serviceAccounts/${email}`;
      }
      if (target.type === 'google_iam_workload_identity_pool' && attribute === 'name' && literal(a.workload_identity_pool_id) !== undefined) {
        return `projects/${UNKNOWN_NUMBER}/locations/global/workloadIdentityPools/${a.workload_identity_pool_id}`;
      }
      return undefined;
    });
  }

  /** The resource a whole reference in `file` points to. */
  public target(file: string, value: unknown): NeutralResource | undefined {
    return this.index.target(file, value);
  }

  /** Every member of every GCP IAM grant, resolved, with its target. */
  public grants(): FederatedGrant[] {
    return this.resources.filter((r) => gcpIamLevel(r) !== undefined).flatMap((resource) => gcpGrants(resource, this.resources).flatMap((grant) =>
      grant.members.map((member) => ({
        resource, role: grant.role, member: this.resolve(resource.file, member), target: this.targetOf(resource, grant.role),
      }))));
  }

  /** The project of the `google` provider block that configures a resource (Terraform's default project). */
  private defaultProject(resource: NeutralResource): string {
    const project = providerOf({ providers: [...this.providers] }, resource)?.attributes?.project;
    return typeof project === 'string' ? project : "(the provider's project)";
  }

  private targetOf(resource: NeutralResource, role: string): GrantTarget {
    const a = attributesOf(resource);
    const level = gcpIamLevel(resource);
    if (level === 'service account') {
      const account = this.target(resource.file, a.service_account_id);
      const email = this.resolve(resource.file, a.service_account_id).replace(/^projects\/[^/]+\/serviceAccounts\//, '');
      const serviceAccount = account?.type === 'google_service_account' ? { serviceAccount: account } : {};
      return IMPERSONATION_ROLES.includes(role) ? { key: email, identity: email, ...serviceAccount } : { key: `${role}@${email}`, identity: `${role} on ${email}`, ...serviceAccount };
    }
    const scope = level === 'resource'
      ? [resource.type.replace(/_iam_(member|binding|policy)$/, ''), ...Object.keys(a).filter((k) => !NOT_SCOPE.has(k)).sort().map((k) => this.resolve(resource.file, a[k]).replace(/^"|"$/g, ''))].join('/')
      : `${level}/${this.resolve(resource.file, level === 'organization' ? a.org_id : level === 'folder' ? a.folder : a.project ?? this.defaultProject(resource)).replace(/^"|"$/g, '')}`;
    return { key: `${role}@${scope}`, identity: `${role} on ${scope}` };
  }
}

/** A string without references, or undefined. */
export function literal(value: unknown): string | undefined {
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
}

/** A workload identity pool provider as verify reads it. */
export interface WifProvider {
  readonly resource: NeutralResource;
  /** `workload_identity_pool_provider_id` (the resource id when unset or unresolved). */
  readonly providerId: string;
  /** The pool id, resolved; undefined when unresolved (`poolProblem` says why). */
  readonly poolId?: string;
  readonly poolProblem?: string;
  /** The pool resource, when the output holds it. */
  readonly pool?: NeutralResource;
  /** The project number its allowed audiences name (`…/projects/NUMBER/…/POOL/providers/ID`), if any. */
  readonly number?: string;
  readonly attributes: any;
  readonly oidc: any;
}

/** Every `google_iam_workload_identity_pool_provider` of the output, its pool resolved. */
export function wifProviders(resources: readonly NeutralResource[], resolver: GcpResolver): WifProvider[] {
  const pools = resources.filter((r) => r.format === 'terraform' && r.type === 'google_iam_workload_identity_pool');
  return resources.filter((r) => r.format === 'terraform' && r.type === 'google_iam_workload_identity_pool_provider').map((resource) => {
    const a = attributesOf(resource);
    const providerId = literal(a.workload_identity_pool_provider_id) ?? resource.id;
    const raw = a.workload_identity_pool_id;
    const poolValue = typeof raw === 'string' ? resolver.resolve(resource.file, raw) : undefined;
    const poolId = poolValue !== undefined && poolValue !== '' && !poolValue.includes('${') ? poolValue : undefined;
    const referenced = resolver.target(resource.file, a.workload_identity_pool_id);
    const pool = referenced ?? pools.find((p) => p.file === resource.file && attributesOf(p).workload_identity_pool_id === poolId)
      ?? pools.find((p) => attributesOf(p).workload_identity_pool_id === poolId);
    const oidc = nestedBlock(a.oidc);
    const audiences: unknown[] = Array.isArray(oidc?.allowed_audiences) ? oidc.allowed_audiences : [];
    const number = audiences.map((aud) => (typeof aud === 'string' ? new RegExp(`/projects/([0-9]+)/locations/global/workloadIdentityPools/${poolId}/providers/`).exec(aud)?.[1] : undefined))
      .find((n) => n !== undefined);
    return {
      resource,
      providerId,
      attributes: a,
      oidc,
      pool,
      ...(poolId !== undefined ? { poolId } : { poolProblem: `workload_identity_pool_id is not resolved: ${JSON.stringify(a.workload_identity_pool_id)}` }),
      ...(number !== undefined ? { number } : {}),
    };
  });
}

/** The construct path cdktf records in `//.metadata.path`. */
export function constructPathOf(resource: NeutralResource): string | undefined {
  const path = resource.properties?.['//']?.metadata?.path;
  return typeof path === 'string' ? path : undefined;
}
