import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { DataResource } from 'cdktf';
import { Construct } from 'constructs';
import { GcpDetection, gcpIdentityMarkers, markerDescription, renderGcpDetections, requiredAuditLogs } from './detections';
import { IdentityDetectionsOptions, resolveDetectionsOption, ResolvedDetections } from '../../core/detections';
import { foreignImpersonationDetection, GcpRequiredAuditLog, GKE_DIRECT_NOT_WATCHED } from '../../core/detections/gcp';
import { fail, ValidationContext } from '../../core/errors';
import { checkServiceAccountRef, KubernetesServiceAccountRef } from '../../core/kubernetes';
import { checkGcpProjectId, checkGcpProjectNumber, checkGcpServiceAccountId, checkIdentityName } from '../../core/names';
import { gcpOwnership, Ownership, resolveOwnership } from '../../core/ownership';
import { resolveRevocation, Revocation } from '../../core/revocation';
import { RiskTier } from '../../core/tier';
import { GcpAccessMode, resolveGcpAccessMode } from '../../core/trust/gcp';
import { GCP_REVOKED_DESCRIPTION_INPUT, GCP_REVOKED_PRINCIPAL_INPUT } from '../../core/trust/gcp-revocation';
import { gkeWorkloadIdentity, GkeWorkloadIdentitySpec, gkeWorkloadPool } from '../../core/trust/gcp-workload';
import { claimWorkloadBinding } from '../private/bindings';
import { validationContext } from '../private/context';
import { omitCreationStacks } from '../private/creation-stacks';
import { identityDetections, IdentityDetectionDecision } from '../private/detections';
import { terraformConfig } from '../private/terraform';
import { claimGcpServiceAccountId } from '../private/uniqueness';

/**
 * How a GKE workload reaches GCP resources.
 *
 * - `direct`: resources grant roles to the workload's own principal (`principal://…/subject/ns/NS/sa/KSA`); no
 *   Google service account exists.
 * - `impersonation`: a Google service account that the Kubernetes service account may impersonate
 *   (`roles/iam.workloadIdentityUser` for `serviceAccount:PROJECT.svc.id.goog[NS/KSA]`).
 */
export type GkeAccessMode = GcpAccessMode;

/** Props of a GCP {@link WorkloadIdentity}. */
export interface WorkloadIdentityProps {
  /** Logical name of the identity (6–30 characters of `[a-z0-9-]`). */
  readonly name: string;
  /** Owner, purpose, environment, risk tier and review-by date, carried in the service account description. */
  readonly ownership: Ownership;
  /** The one Kubernetes service account bound. */
  readonly serviceAccount: KubernetesServiceAccountRef;
  /** The project whose workload pool (`PROJECT.svc.id.goog`) the GKE clusters use. */
  readonly project: string;
  /** Number of that project (required for `direct` access, whose member names the project by number). */
  readonly projectNumber?: string;
  /** @default 'direct' */
  readonly access?: GkeAccessMode;
  /** Google service account id, with `impersonation`. @default - `name` */
  readonly serviceAccountId?: string;
  /**
   * Whether the identity is watched. With `impersonation`: a log-based metric and an alert policy on
   * `GenerateAccessToken` for the Google service account by any principal but
   * `serviceAccount:PROJECT.svc.id.goog[NS/KSA]`, to the notification channels declared with `routeDetections`. It
   * reads the Data Access logs (`ADMIN_READ`, `DATA_READ`) of `iamcredentials.googleapis.com`, which Keyless does not
   * enable (see `requiredAuditLogs`). With `direct` access there is nothing Keyless can watch: the workload's own
   * principal is the only one a grant names, and GKE's metadata server makes the token exchange, of which no
   * documented audit log names an undeclared principal. The identity then reads `{ enabled: false, optOutReason }`
   * with that reason (or yours), nothing is rendered, no route is needed, and `{ enabled: true }` is refused
   * (`KL-DETECT-UNSUPPORTED`); the Data Access logs of the granted resources name the principal that acted.
   *
   * @default - on for tier 1 with `impersonation` (a route is then required), off for tiers 2 and 3 and for `direct`
   * @see https://cloud.google.com/iam/docs/audit-logging/audit-logging-iamcreds
   */
  readonly detections?: IdentityDetectionsOptions;
  /**
   * Revokes the identity (remove the prop to restore it). With `impersonation`, the `roles/iam.workloadIdentityUser`
   * binding is not rendered and the Google service account is disabled (its issued access tokens are rejected at
   * once); the access grants templates render for the identity (`renderGcpAccessBindings`) are not rendered either.
   * With `direct` access, those grants to the workload's principal are what is removed, and a `terraform_data`
   * resource (`revocationMarker`, Terraform's built-in, no provider or permission) records the principal, the
   * ownership and the moment and reason, which `keyless inventory` and `keyless verify` read; with `impersonation`
   * they are written into the service account's description.
   *
   * Time to effect: a disabled service account's tokens are rejected at once; removed bindings take typically 2
   * minutes, up to 7 or more (IAM access change propagation). Roles you granted to `member` yourself stay: with
   * `direct` access nothing else stands between them and the workload (`keyless verify` then reports the identity
   * `broken`, naming the grant); remove them too, or deny the principal with an IAM deny policy of your own (Keyless
   * renders none: managing deny policies takes `roles/iam.denyAdmin` on the organization, and one unsupported
   * permission rejects the whole policy).
   *
   * @default - not revoked
   * @see https://cloud.google.com/iam/docs/access-change-propagation
   */
  readonly revoked?: Revocation;
}

/**
 * GKE Workload Identity for exactly one Kubernetes service account.
 *
 * The workload pool `PROJECT.svc.id.goog` is shared by every GKE cluster of the project ("identity sameness"): the
 * same namespace and service account name on another cluster of the project is the same principal. Keep clusters
 * that must not share identities in separate projects.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity
 */
export class WorkloadIdentity extends Construct {
  /** The access mode. */
  public readonly access: GkeAccessMode;
  /** The member to grant roles to: the workload's principal (direct) or `serviceAccount:EMAIL` (impersonation). */
  public readonly member: string;
  /** The Kubernetes service account's member in the workload pool, as IAM sees it. */
  public readonly workloadMember: string;
  /** The Google service account (impersonation only). */
  public readonly googleServiceAccount?: ServiceAccount;
  /** Email of the Google service account (impersonation only), deterministic: the KSA annotation value. */
  public readonly googleServiceAccountEmail?: string;
  /** The Kubernetes service account bound. */
  public readonly serviceAccount: KubernetesServiceAccountRef;
  /** The validated ownership. */
  public readonly ownership: Ownership;
  /** Whether the identity is watched (and, when not on tier 1, the opt-out reason). */
  public readonly detections: ResolvedDetections;
  /** The rendered detections (foreign impersonation, with `impersonation`). */
  public readonly detectionRules: readonly GcpDetection[];
  /** The Data Access audit logs the detections read (enable them on the project; Keyless does not). */
  public readonly requiredAuditLogs: readonly GcpRequiredAuditLog[];
  /** The revocation, when the identity is revoked. */
  public readonly revocation?: Revocation;
  /**
   * A revoked identity with `direct` access: the `terraform_data` resource recording its principal, ownership and
   * revocation (the identity has no other resource of its own to carry them).
   */
  public readonly revocationMarker?: DataResource;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    const closeWindow = omitCreationStacks(this);
    try {
      const ctx = validationContext(this);
      this.ownership = resolveOwnership(props.ownership, ctx);
      const name = checkIdentityName(props.name, ctx);
      this.serviceAccount = checkServiceAccountRef(props.serviceAccount, ctx);
      const project = checkGcpProjectId(props.project, ctx);
      this.access = resolveGcpAccessMode(props.access, props.serviceAccountId, ctx);
      const watch = this.access === 'direct' ? directDetections(props.detections, this.ownership.tier, ctx)
        : identityDetections(this, 'gcp', props.detections, this.ownership.tier, ctx);
      this.detections = watch.enabled ? { enabled: true } : watch;
      this.revocation = resolveRevocation(props.revoked, ctx);
      const { namespace, name: ksa } = this.serviceAccount;
      claimWorkloadBinding(this, 'GCP', `${namespace}/${ksa} in workload pool ${gkeWorkloadPool(project)}`, 'serviceAccount');

      let decision: GkeWorkloadIdentitySpec;
      if (this.access === 'direct') {
        decision = gkeWorkloadIdentity(this.serviceAccount, { project, access: 'direct', projectNumber: checkGcpProjectNumber(props.projectNumber, ctx) });
      } else {
        const accountId = checkGcpServiceAccountId(props.serviceAccountId ?? name, ctx, 'serviceAccountId');
        claimGcpServiceAccountId(this, project, accountId);
        decision = gkeWorkloadIdentity(this.serviceAccount, { project, access: 'impersonation', accountId });
      }
      this.workloadMember = decision.workloadMember;
      this.member = decision.member;
      const account = decision.googleServiceAccount;
      if (account !== undefined) {
        const googleServiceAccount = new ServiceAccount(this, 'ServiceAccount', terraformConfig(this, {
          project: account.project,
          accountId: account.accountId,
          displayName: account.accountId,
          description: gcpOwnership(this.ownership, ctx, 'ownership', gcpIdentityMarkers(watch, this.revocation)).description,
          disabled: this.revocation ? true : undefined,
        }));
        this.googleServiceAccount = googleServiceAccount;
        this.googleServiceAccountEmail = account.email;
        // Revoked: the Kubernetes service account may no longer impersonate the account.
        for (const binding of this.revocation ? [] : decision.bindings) {
          new ServiceAccountIamMember(this, binding.id, terraformConfig(this, {
            serviceAccountId: googleServiceAccount.name,
            role: binding.role,
            member: binding.member,
          }));
        }
      }
      if (account === undefined && this.revocation !== undefined) {
        this.revocationMarker = new DataResource(this, 'Revoked', terraformConfig(this, {
          input: {
            [GCP_REVOKED_PRINCIPAL_INPUT]: decision.member,
            [GCP_REVOKED_DESCRIPTION_INPUT]: markerDescription(this.ownership, gcpIdentityMarkers(watch, this.revocation)),
          },
        }));
      }
      const specs = account === undefined ? []
        : [foreignImpersonationDetection(name, account.email, account.accountId, { exact: [decision.workloadMember] })];
      this.detectionRules = watch.enabled
        ? renderGcpDetections(this, project, name, this.ownership, ctx, watch.route.notificationChannels, specs, this.revocation)
        : [];
      this.requiredAuditLogs = watch.enabled ? requiredAuditLogs(specs) : [];
    } finally {
      closeWindow();
    }
  }
}

/** The detections of a GKE identity with direct access: off, with a reason; `{ enabled: true }` is refused. */
function directDetections(value: unknown, tier: RiskTier, ctx: ValidationContext): IdentityDetectionDecision<'gcp'> {
  const requested = resolveDetectionsOption(value, tier, ctx);
  if (requested.enabled && value !== undefined) {
    fail({
      code: 'KL-DETECT-UNSUPPORTED',
      path: ctx.path,
      prop: 'detections',
      problem: 'is `{ enabled: true }` with `access: "direct"`: GKE\'s metadata server exchanges the workload\'s token, and no documented audit log of that '
        + 'exchange names an undeclared principal, so no detection could be rendered',
      fix: 'use `access: "impersonation"` (impersonation of the Google service account by any other principal is watched), '
        + 'or leave `detections` out (the identity then reads `enabled: false` with the reason)',
      docs: 'https://cloud.google.com/iam/docs/audit-logging/examples-workload-identity',
    });
  }
  return { enabled: false, optOutReason: requested.optOutReason ?? GKE_DIRECT_NOT_WATCHED };
}
