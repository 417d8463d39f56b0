import { PrivilegedAccessManagerEntitlement } from '@cdktf/provider-google/lib/privileged-access-manager-entitlement';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { DataResource } from 'cdktf';
import { Construct } from 'constructs';
import { markerDescription } from './detections';
import {
  BREAK_GLASS_SESSION_SECONDS, BreakGlassExpiry, checkGcpBreakGlass, checkGcpHumans, requireBreakGlassTier, resolveBreakGlassExpiry,
  resolveGcpAuditServices,
} from '../../core/break-glass';
import { fail, quote } from '../../core/errors';
import { checkGcpProjectId, checkIdentityName } from '../../core/names';
import { gcpOwnership, Ownership, resolveOwnership } from '../../core/ownership';
import { resolveRevocation, Revocation, REVOKED_KEY, REVOKED_REASON_KEY } from '../../core/revocation';
import { GCP_REVOKED_BREAK_GLASS_INPUT, GCP_REVOKED_DESCRIPTION_INPUT } from '../../core/trust/gcp-revocation';
import { appRegistry } from '../private/app-registry';
import { validationContext } from '../private/context';
import { omitCreationStacks } from '../private/creation-stacks';
import { shortHash } from '../private/hash';
import { terraformConfig } from '../private/terraform';

// Per app (construct tree root): the audit config of each project and service.
const auditConfigsByApp = appRegistry<ProjectIamAuditConfig>();

/**
 * How break-glass access is granted on GCP.
 *
 * - `conditional-binding`: the members hold the role until the expiry, through an IAM condition
 *   `request.time < timestamp(EXPIRY)`.
 * - `privileged-access-manager`: the members may request the role through a PAM entitlement, approved by the
 *   approvers, for at most one hour per grant, and never after the expiry.
 */
export type GcpBreakGlassMode = 'conditional-binding' | 'privileged-access-manager';

/** Props of a GCP {@link BreakGlassAccess}. */
export interface BreakGlassAccessProps {
  /** Logical name (6–30 characters of `[a-z0-9-]`). */
  readonly name: string;
  /** Ownership (always tier 1). */
  readonly ownership: Ownership;
  /** Project the role is granted on. */
  readonly project: string;
  /** The role: predefined or custom; basic roles are refused. */
  readonly role: string;
  /** Human members: `user:EMAIL` or `group:EMAIL`. */
  readonly members: string[];
  /** The date (`YYYY-MM-DD`, UTC) access ends by itself. */
  readonly expires: string;
  /** Bound on `expires`, in days. @default 90 */
  readonly maxExpiryDays?: number;
  /** @default 'conditional-binding' */
  readonly mode?: GcpBreakGlassMode;
  /** Approvers of PAM requests (`user:` or `group:`), required with `privileged-access-manager`. */
  readonly approvers?: string[];
  /**
   * The service whose Data Access audit logs record the emergency access, e.g. `cloudsql.googleapis.com` (one
   * `*.googleapis.com` name, as on the service's "Audit logging" page; never `allServices`).
   *
   * Required for a custom role (its permissions may belong to any service) and for a predefined role whose family
   * Keyless does not know; for a known predefined role it may only repeat the known service.
   *
   * @default - the audit service(s) of the role's family (e.g. `roles/cloudsql.*` → `cloudsql.googleapis.com`,
   * `roles/resourcemanager.*` → `cloudresourcemanager.googleapis.com`); none for other roles, which are refused
   */
  readonly auditService?: string;
  /**
   * Revokes the access (remove the prop to restore it): neither the conditional role bindings nor the PAM
   * entitlement is rendered, so no member holds or may request the role. The audit log configuration stays, so any
   * residual use is still recorded. A `terraform_data` resource (`revocationMarker`, Terraform's built-in, no provider
   * or permission) records the mode, the entitlement id, the members, the ownership and the moment and reason, which
   * `keyless inventory` reads (the access's records stay listed, revoked).
   *
   * Time to effect: removed bindings typically 2 minutes, up to 7 or more (IAM access change propagation). A PAM
   * grant already active (at most one hour) is not documented to end with its entitlement: revoke it with
   * `gcloud pam grants revoke`.
   *
   * @default - not revoked
   * @see https://cloud.google.com/iam/docs/access-change-propagation
   * @see https://cloud.google.com/iam/docs/pam-revoke-grants
   */
  readonly revoked?: Revocation;
}

/**
 * Time-boxed emergency access on GCP for named humans, on a named (non-basic) role, with data access audit logs
 * enabled for the role's service (from Keyless's table of predefined role families, or `auditService`).
 *
 * @see https://cloud.google.com/iam/docs/configuring-temporary-access
 * @see https://cloud.google.com/iam/docs/pam-overview
 */
export class BreakGlassAccess extends Construct {
  /** The resolved expiry. */
  public readonly expiry: BreakGlassExpiry;
  /** The IAM condition expression that ends access. */
  public readonly conditionExpression: string;
  /** The members. */
  public readonly members: readonly string[];
  /** The PAM entitlement, in `privileged-access-manager` mode. */
  public readonly entitlement?: PrivilegedAccessManagerEntitlement;
  /**
   * The audit log configuration of the role's (first) audit service. Authoritative per project and service, so one
   * per app: a second break-glass access to the same service shares the first one's (created by whichever was
   * declared first).
   */
  public readonly auditConfig: ProjectIamAuditConfig;
  /** Every audit log configuration, one per audit service of the role (Bigtable roles have two). */
  public readonly auditConfigs: readonly ProjectIamAuditConfig[];
  /** The revocation, when the access is revoked. */
  public readonly revocation?: Revocation;
  /** When revoked: the `terraform_data` resource recording what the access was and its revocation. */
  public readonly revocationMarker?: DataResource;

  constructor(scope: Construct, id: string, props: BreakGlassAccessProps) {
    super(scope, id);
    const closeWindow = omitCreationStacks(this);
    try {
      const ctx = validationContext(this);
      const ownership = resolveOwnership(props.ownership, ctx);
      requireBreakGlassTier(ownership, ctx);
      const name = checkIdentityName(props.name, ctx);
      const project = checkGcpProjectId(props.project, ctx);
      const { role, members } = checkGcpBreakGlass(props.role, props.members, ctx);
      // Decided before any resource exists: emergency access without audit logs is refused.
      const auditServices = resolveGcpAuditServices(role, props.auditService, ctx);
      this.members = members;
      this.expiry = resolveBreakGlassExpiry(props.expires, ctx, props.maxExpiryDays);
      this.conditionExpression = `request.time < timestamp("${this.expiry.instant}")`;
      const description = gcpOwnership(ownership, ctx).description;
      const mode = props.mode ?? 'conditional-binding';
      this.revocation = resolveRevocation(props.revoked, ctx);

      if (mode === 'conditional-binding') {
        // Revoked: no member holds the role.
        for (const member of this.revocation ? [] : members) {
          new ProjectIamMember(this, `Member-${shortHash(member)}`, terraformConfig(this, {
            project,
            role,
            member,
            condition: { title: `break-glass until ${this.expiry.date}`, description, expression: this.conditionExpression },
          }));
        }
      } else if (mode === 'privileged-access-manager') {
        const approvers = checkGcpHumans(props.approvers, ctx, 'approvers');
        const overlap = approvers.filter((approver) => members.includes(approver));
        if (overlap.length > 0) {
          fail({ code: 'KL-BG-SELF-APPROVAL', path: ctx.path, prop: 'approvers', problem: `include ${overlap.map((o) => quote(o)).join(', ')}, who can also request: nobody approves their own break-glass`, fix: 'name approvers who are not requesters, e.g. the security on-call group' });
        }
        // Revoked: nobody may request the role.
        if (!this.revocation) {
          this.entitlement = new PrivilegedAccessManagerEntitlement(this, 'Entitlement', terraformConfig(this, {
            parent: `projects/${project}`,
            location: 'global',
            entitlementId: name,
            maxRequestDuration: `${BREAK_GLASS_SESSION_SECONDS}s`,
            eligibleUsers: [{ principals: [...members] }],
            requesterJustificationConfig: { unstructured: {} },
            approvalWorkflow: {
              manualApprovals: { requireApproverJustification: true, steps: [{ approvalsNeeded: 1, approvers: { principals: approvers } }] },
            },
            privilegedAccess: {
              gcpIamAccess: {
                resource: `//cloudresourcemanager.googleapis.com/projects/${project}`,
                resourceType: 'cloudresourcemanager.googleapis.com/Project',
                roleBindings: [{ role, conditionExpression: this.conditionExpression }],
              },
            },
          }));
        }
      } else {
        fail({ code: 'KL-BG-GCP-MODE', path: ctx.path, prop: 'mode', problem: `is ${quote(mode)}: expected "conditional-binding" or "privileged-access-manager"`, fix: 'use "privileged-access-manager" when an approval is required' });
      }

      if (this.revocation) {
        this.revocationMarker = new DataResource(this, 'Revoked', terraformConfig(this, {
          input: {
            [GCP_REVOKED_BREAK_GLASS_INPUT]: mode,
            entitlement: `${project}/${name}`,
            members: [...members],
            [GCP_REVOKED_DESCRIPTION_INPUT]: markerDescription(ownership, [
              ['expires', this.expiry.date], [REVOKED_KEY, this.revocation.sessionsIssuedBefore], [REVOKED_REASON_KEY, this.revocation.reason],
            ]),
          },
        }));
      }

      // google_project_iam_audit_config is authoritative per (project, service): one per app, shared by every
      // break-glass access to that service (two would overwrite each other at every apply). The first keeps its id.
      const configs = auditConfigsByApp(this);
      this.auditConfigs = auditServices.map((service, i) => {
        const key = `${project}|${service}`;
        let config = configs.get(key);
        if (!config) {
          config = new ProjectIamAuditConfig(this, i === 0 ? 'AuditLogs' : `AuditLogs-${shortHash(service)}`, terraformConfig(this, {
            project,
            service,
            auditLogConfig: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }],
          }));
          configs.set(key, config);
        }
        return config;
      });
      this.auditConfig = this.auditConfigs[0];
    } finally {
      closeWindow();
    }
  }
}
