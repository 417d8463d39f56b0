import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { GcpDetection, gcpIdentityMarkers, renderGcpDetections, renderGcpPoolDetection, requiredAuditLogs } from './detections';
import { CiTrustPolicy, ICiSource } from '../../core/ci/policy';
import { IdentityDetectionsOptions, ResolvedDetections } from '../../core/detections';
import {
  federatedSubjectPrincipal, foreignExchangeDetection, foreignImpersonationDetection, GcpDetectionSpec, GcpRequiredAuditLog, LOG_METRIC_FILTER_MAX,
  refusedExchangeDetection, undeclaredProviderExchangeDetection,
} from '../../core/detections/gcp';
import { fail, ValidationContext } from '../../core/errors';
import { checkGcpPoolId, checkGcpProjectId, checkGcpProjectNumber, checkGcpServiceAccountId, checkIdentityName } from '../../core/names';
import { gcpOwnership, Ownership, resolveOwnership } from '../../core/ownership';
import { describeValue } from '../../core/props';
import { resolveRevocation, Revocation } from '../../core/revocation';
import { GcpAccessMode, gcpPoolResource, gcpWorkloadIdentityProvider, resolveGcpAccessMode } from '../../core/trust/gcp';
import { gcpServiceAccount, workloadIdentityUserBindings } from '../../core/trust/gcp-workload';
import { appRegistry } from '../private/app-registry';
import { resolveCiTrust } from '../private/ci-source';
import { validationContext } from '../private/context';
import { omitCreationStacks } from '../private/creation-stacks';
import { identityDetections } from '../private/detections';
import { registerRepositorySide } from '../private/repository-side';
import { terraformConfig } from '../private/terraform';
import { claimGcpPoolResource, claimGcpServiceAccountId } from '../private/uniqueness';

// Per app (construct tree root): the pools Keyless trusts created, by project and pool id.
const poolsByApp = appRegistry<IamWorkloadIdentityPool>();

/** What the app declares in one pool: its providers (and those vouched for), and the pool's one detection. */
interface DeclaredPool {
  readonly providerIds: Set<string>;
  /** The length of the pool's filter with `providerIds` (kept as they are added, so the check stays linear). */
  filterLength: number;
  detection?: GcpDetection;
}
// Per app, by project and pool id: one entry per pool, each trust adds its provider (linear in the trusts).
const declaredPoolsByApp = appRegistry<DeclaredPool>();

/**
 * How the CI job reaches GCP resources.
 *
 * - `direct`: resources grant roles to the federated principals (`members`); no service account exists. Preferred
 *   where the service supports it.
 * - `impersonation`: a dedicated service account, which the federated principals may impersonate
 *   (`roles/iam.workloadIdentityUser`); resources grant roles to the service account. Never with a key.
 */
export type { GcpAccessMode };

/** Props of a GCP {@link CiOidcTrust}. */
export interface CiOidcTrustProps {
  /** Logical name of the identity (6–30 characters of `[a-z0-9-]`). Provider and service account ids derive from it. */
  readonly name: string;
  /** Owner, purpose, environment, risk tier and review-by date, carried in resource descriptions. */
  readonly ownership: Ownership;
  /** The CI source whose tokens are admitted. */
  readonly source: ICiSource;
  /** Project id that holds the pool (and the service account). */
  readonly project: string;
  /** Number of that project: workload identity members name the project by number. */
  readonly projectNumber: string;
  /**
   * Workload identity pool id (4–32 characters of `[a-z0-9-]`).
   *
   * @default - `name`
   */
  readonly poolId?: string;
  /**
   * Reuse an existing pool named `poolId` instead of creating it. Trusts of one stack with the same `project` and
   * `poolId` share the pool the first of them creates without it; a trust in another stack (or a pool made outside
   * Keyless) needs it, since pool ids are unique per project.
   *
   * A shared pool never widens this trust: subjects and attribute mappings are per provider, but principals are per
   * pool, so a `principal://…/subject/SUB` member could be minted by any provider of the pool (a self-managed GitLab
   * next to gitlab.com, a provider pinned by name next to one pinned by id) without this trust's pins. The member is
   * therefore always this provider's own `principalSet://…/attribute.keyless_trust/PROVIDER_ID`, which only tokens
   * admitted by this provider's attribute condition carry. The rule for every other provider of the pool: leave
   * `attribute.keyless_trust` unmapped, or map it to its own provider id (Keyless does). Nothing enforces that rule,
   * so a watched trust's pool is watched too: see `otherPoolProviders`.
   *
   * @default false
   */
  readonly useExistingPool?: boolean;
  /**
   * Providers of this trust's pool that no Keyless trust of this app declares and that you vouch for: each leaves
   * `attribute.keyless_trust` unmapped (or maps it to its own id). Any provider of the pool that maps it to this
   * trust's name mints this trust's `members`, so when any trust of the pool is watched, the app renders one
   * detection per pool (on the first watched trust): a successful STS `ExchangeToken` at a provider of the pool
   * other than the app's trusts' providers and these. The audit log names the provider, not the attributes it
   * mapped, so a provider left out of this list alerts on every exchange. Lists of the trusts of one pool add up.
   *
   * @default - none: every provider of the pool but the app's trusts' alerts
   * @see https://cloud.google.com/iam/docs/audit-logging/examples-workload-identity
   */
  readonly otherPoolProviders?: string[];
  /**
   * Workload identity pool provider id (4–32 characters of `[a-z0-9-]`).
   *
   * @default - `name`
   */
  readonly providerId?: string;
  /**
   * How the job reaches resources.
   *
   * @default 'direct'
   */
  readonly access?: GcpAccessMode;
  /**
   * Service account id, with `access: 'impersonation'`.
   *
   * @default - `name`
   */
  readonly serviceAccountId?: string;
  /**
   * Whether the identity is watched: a log-based metric and an alert policy on refused token exchanges at this
   * trust's provider (STS `ExchangeToken` with an error status); with `direct` access, on successful exchanges there
   * by a subject (`principalSubject`, the token's `sub`) the trust does not declare (its attribute condition was
   * widened); with `impersonation`, on `GenerateAccessToken` for the service account by any principal but the
   * declared subjects. Once per pool (on the pool's first watched trust in the app), on successful exchanges at a
   * provider of the pool that no trust of the app declares (see `otherPoolProviders`). Alerts go to the notification channels
   * declared once with `routeDetections(app, { gcp: { notificationChannels } })`.
   *
   * The audit logs they read are Data Access logs, off by default: enable `ADMIN_READ` for `sts.googleapis.com` and
   * `iam.googleapis.com`, and `ADMIN_READ` and `DATA_READ` for `iamcredentials.googleapis.com`, on the project (or
   * its folder or organization). Keyless does not render those `google_project_iam_audit_config` resources: they are
   * authoritative per project and service, and usually owned by the platform's logging setup (see
   * `requiredAuditLogs`).
   *
   * @default - on for tier 1 (a route is then required), off for tiers 2 and 3
   * @see https://cloud.google.com/iam/docs/audit-logging/examples-workload-identity
   */
  readonly detections?: IdentityDetectionsOptions;
  /**
   * Revokes the identity (remove the prop to restore it). The provider, which is this trust's own, is disabled: STS
   * refuses new exchanges. With `impersonation`, the `roles/iam.workloadIdentityUser` bindings are not rendered and
   * the service account is disabled, which rejects its access tokens already issued. The pool stays enabled (other
   * trusts may share it). The moment and reason are written into the provider's and service account's descriptions
   * (`revoked=…; revoked-reason=…`). Detections stay on: an attempt to use a revoked identity is what they report.
   *
   * Time to effect: disabling the service account rejects its existing access tokens at once; removed bindings take
   * typically 2 minutes, up to 7 or more (IAM access change propagation). Federated tokens already issued by the
   * provider stay valid until they expire (at most 1 hour): roles you granted to `members` yourself keep working for
   * them until then, unless you remove those grants too.
   *
   * @default - not revoked
   * @see https://cloud.google.com/iam/docs/access-change-propagation
   * @see https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/disable
   */
  readonly revoked?: Revocation;
}

/**
 * A workload identity pool provider that admits exactly the declared CI runs, and the principals to grant roles to.
 *
 * The provider's attribute condition pins the owner and repository (by immutable id when given) and the exact
 * subjects; its audience is the provider's own URL. Nothing is granted: bind roles on resources to `members`
 * (direct access) or to `serviceAccountMember` (impersonation).
 *
 * @see https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines
 */
export class CiOidcTrust extends Construct {
  /** The access mode. */
  public readonly access: GcpAccessMode;
  /**
   * The federated principals this trust admits: the provider's own
   * `principalSet://…/POOL/attribute.keyless_trust/PROVIDER_ID`, held by exactly the tokens this provider's attribute
   * condition admits (whatever other providers share the pool). With `direct` access, grant roles on resources to
   * these. With `impersonation`, they hold `roles/iam.workloadIdentityUser` on the service account.
   */
  public readonly members: string[];
  /** Full provider resource name, as `workload_identity_provider` of google-github-actions/auth expects. */
  public readonly providerName: string;
  /** The audience the job must request: the provider's URL. */
  public readonly audience: string;
  /** The service account (impersonation only). */
  public readonly serviceAccount?: ServiceAccount;
  /** Email of the service account (impersonation only), deterministic. */
  public readonly serviceAccountEmail?: string;
  /** `serviceAccount:EMAIL`, to grant roles to (impersonation only). */
  public readonly serviceAccountMember?: string;
  /**
   * The pool, when this trust created it. A trust declared after another of the same project and pool id in the same
   * stack shares that trust's pool (and creates none).
   */
  public readonly pool?: IamWorkloadIdentityPool;
  /** Escape hatch: the provider resource. Changing its condition bypasses every check Keyless made. */
  public readonly provider: IamWorkloadIdentityPoolProvider;
  /** Federated tokens live one hour; impersonated access tokens one hour by default (not extended here). */
  public readonly maxSessionSeconds = 3600;
  /** The validated ownership. */
  public readonly ownership: Ownership;
  /** The decided trust. */
  public readonly trust: CiTrustPolicy;
  /** Whether the identity is watched (and, when not on tier 1, the opt-out reason). */
  public readonly detections: ResolvedDetections;
  /**
   * The rendered detections: refused exchange, and foreign exchange (`direct`) or foreign impersonation; on the first
   * watched trust of a pool in the app, also the pool's undeclared-provider exchange (its `filter` lists the providers
   * declared so far; the metric's, rendered at synthesis, all of them). Empty when off.
   */
  public readonly detectionRules: readonly GcpDetection[];
  /** The Data Access audit logs the detections read (enable them on the project; Keyless does not). */
  public readonly requiredAuditLogs: readonly GcpRequiredAuditLog[];
  /** The revocation, when the identity is revoked. */
  public readonly revocation?: Revocation;

  constructor(scope: Construct, id: string, props: CiOidcTrustProps) {
    super(scope, id);
    const closeWindow = omitCreationStacks(this);
    try {
      const ctx = validationContext(this);
      this.ownership = resolveOwnership(props.ownership, ctx);
      const name = checkIdentityName(props.name, ctx);
      const project = checkGcpProjectId(props.project, ctx);
      const projectNumber = checkGcpProjectNumber(props.projectNumber, ctx);
      const poolId = checkGcpPoolId(props.poolId ?? name, ctx, 'poolId');
      const providerId = checkGcpPoolId(props.providerId ?? name, ctx, 'providerId');
      const otherPoolProviders = checkOtherPoolProviders(props.otherPoolProviders, ctx);
      this.access = resolveGcpAccessMode(props.access, props.serviceAccountId, ctx);
      this.trust = resolveCiTrust(this, props.source, ctx, this.ownership.tier);
      const decision = gcpWorkloadIdentityProvider(this.trust, { projectNumber, poolId, providerId }, ctx);
      const watch = identityDetections(this, 'gcp', props.detections, this.ownership.tier, ctx);
      this.detections = watch.enabled ? { enabled: true } : watch;
      this.revocation = resolveRevocation(props.revoked, ctx);
      const owned = gcpOwnership(this.ownership, ctx);
      const marked = gcpOwnership(this.ownership, ctx, 'ownership', gcpIdentityMarkers(watch, this.revocation));

      claimGcpPoolResource(this, 'provider', project, poolId, providerId);
      // Pool ids are unique per project: trusts of one stack share the pool the first of them creates (the provider
      // references it, so it is created first); in another stack, `useExistingPool` says which trust owns it.
      const pools = poolsByApp(this);
      const shared = pools.get(`${project}|${poolId}`);
      const sharedInStack = shared !== undefined && TerraformStack.of(shared) === TerraformStack.of(this) ? shared : undefined;
      if (props.useExistingPool !== true && sharedInStack === undefined) {
        claimGcpPoolResource(this, 'pool', project, poolId, poolId);
        this.pool = new IamWorkloadIdentityPool(this, 'Pool', terraformConfig(this, {
          project,
          workloadIdentityPoolId: poolId,
          displayName: poolId,
          description: owned.description,
        }));
        pools.set(`${project}|${poolId}`, this.pool);
      }
      const pool = this.pool ?? sharedInStack;
      this.provider = new IamWorkloadIdentityPoolProvider(this, 'Provider', terraformConfig(this, {
        project,
        workloadIdentityPoolId: pool ? pool.workloadIdentityPoolId : poolId,
        workloadIdentityPoolProviderId: providerId,
        displayName: providerId,
        description: marked.description,
        disabled: this.revocation ? true : undefined,
        attributeMapping: { ...decision.attributeMapping },
        attributeCondition: decision.attributeCondition,
        oidc: { issuerUri: decision.issuerUri, allowedAudiences: [...decision.allowedAudiences] },
      }));
      this.members = [...decision.members];
      this.providerName = `${gcpPoolResource({ projectNumber, poolId, providerId })}/providers/${providerId}`;
      this.audience = decision.allowedAudiences[0];

      if (this.access === 'impersonation') {
        const accountId = checkGcpServiceAccountId(props.serviceAccountId ?? name, ctx, 'serviceAccountId');
        claimGcpServiceAccountId(this, project, accountId);
        const account = gcpServiceAccount(accountId, project);
        const serviceAccount = new ServiceAccount(this, 'ServiceAccount', terraformConfig(this, {
          project: account.project,
          accountId: account.accountId,
          displayName: account.accountId,
          description: marked.description,
          disabled: this.revocation ? true : undefined,
        }));
        this.serviceAccount = serviceAccount;
        this.serviceAccountEmail = account.email;
        this.serviceAccountMember = account.member;
        // Revoked: nobody may impersonate the account.
        for (const binding of this.revocation ? [] : workloadIdentityUserBindings(this.members)) {
          new ServiceAccountIamMember(this, binding.id, terraformConfig(this, {
            serviceAccountId: serviceAccount.name,
            role: binding.role,
            member: binding.member,
            dependsOn: [this.provider],
          }));
        }
      }
      const location = { projectNumber, poolId, providerId };
      const specs: GcpDetectionSpec[] = [refusedExchangeDetection(name, location)];
      const prefixes = this.trust.subjectPatterns.map((pattern) => pattern.slice(0, -1));
      if (this.serviceAccountEmail === undefined) {
        specs.push(foreignExchangeDetection(name, location, { exact: this.trust.exactSubjects, prefixes }));
      } else {
        specs.push(foreignImpersonationDetection(name, this.serviceAccountEmail, this.serviceAccountEmail.split('@')[0], {
          exact: this.trust.exactSubjects.map((subject) => federatedSubjectPrincipal(location, subject)),
          prefixes: prefixes.map((prefix) => federatedSubjectPrincipal(location, prefix)),
        }));
      }
      const rendered = watch.enabled
        ? renderGcpDetections(this, project, name, this.ownership, ctx, watch.route.notificationChannels, specs, this.revocation)
        : [];
      // The pool: every trust declares its provider (watched or not, revoked or not); the first watched one renders the
      // pool's detection, whose filter reads the declared providers when the stack synthesizes.
      const declaredPools = declaredPoolsByApp(this);
      let declared = declaredPools.get(`${project}|${poolId}`);
      if (declared === undefined) {
        // The filter with no provider ends in `providers/()$")`; each id adds its length and, after the first, a `|`.
        const emptyLength = undeclaredProviderExchangeDetection(location, []).filterText.length;
        declaredPools.set(`${project}|${poolId}`, declared = { providerIds: new Set(), filterLength: emptyLength - 1 });
      }
      for (const declaredId of [providerId, ...otherPoolProviders]) {
        if (declared.providerIds.has(declaredId)) continue;
        declared.providerIds.add(declaredId);
        declared.filterLength += declaredId.length + 1;
      }
      if (watch.enabled && declared.detection === undefined) {
        const ids = declared.providerIds;
        declared.detection = renderGcpPoolDetection(this, project, location, this.ownership, ctx, watch.route.notificationChannels, () => [...ids]);
        rendered.push(declared.detection);
      }
      if (declared.detection !== undefined && declared.filterLength > LOG_METRIC_FILTER_MAX) {
        fail({
          code: 'KL-DETECT-FILTER-LENGTH',
          path: ctx.path,
          prop: otherPoolProviders.length > 0 ? 'otherPoolProviders' : 'providerId',
          problem: `adds providers to pool \`${poolId}\` of project \`${project}\`, whose undeclared-provider detection filter would then be `
            + `${declared.filterLength} characters (${declared.providerIds.size} providers): a log-based metric's filter holds at most ${LOG_METRIC_FILTER_MAX}`,
          fix: 'put some trusts in another pool (`poolId`), or use shorter provider ids (`providerId`)',
          docs: 'https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics',
        });
      }
      this.detectionRules = rendered;
      this.requiredAuditLogs = watch.enabled ? requiredAuditLogs(specs) : [];
      // A revoked identity has no repository side: its pipeline must not log in (and would be refused).
      if (this.revocation === undefined) {
        registerRepositorySide(this, () => ({
          construct: this.node.path,
          trust: this.trust,
          login: { cloud: 'gcp', project, poolId, providerId, providerName: this.providerName, audience: this.audience, serviceAccountEmail: this.serviceAccountEmail },
        }));
      }
    } finally {
      closeWindow();
    }
  }
}

/** `otherPoolProviders`: provider ids (`checkGcpPoolId`), deduplicated. */
function checkOtherPoolProviders(value: unknown, ctx: ValidationContext): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fail({
      code: 'KL-PROP-TYPE',
      path: ctx.path,
      prop: 'otherPoolProviders',
      problem: `is ${describeValue(value)}: expected a list of workload identity pool provider ids`,
      fix: 'list the provider ids, e.g. `otherPoolProviders: ["gitlab-runners"]`, or remove the prop',
    });
  }
  return [...new Set(value.map((id, i) => checkGcpPoolId(id, ctx, `otherPoolProviders[${i}]`)))];
}
