import { Drafts, ownershipFrom, RecordDraft, sourceOf } from './draft';
import { condition, makePermission, makeSubject } from './entries';
import {
  admits, celClaims, celConditions, grantScope, memberSubject, privilegedRole, ProviderInfo, qualifier, resourceScope,
} from './gcp-members';
import { Condition } from './model';
import { gcpRevocation } from './revocation';
import { GCP_ACCESS_TOKEN_SECONDS, GCP_BASIC_ROLES, GCP_IMPERSONATION_ROLES } from '../core/facts/gcp-roles';
import { GKE_WORKLOAD_POOL_SUFFIX, isGkeServiceAccountMember } from '../core/facts/subjects';
import { decodeOwnershipDescription } from '../core/ownership';
import { gcpRevokedBreakGlassMarker, gcpRevokedPrincipalMarker, TERRAFORM_DATA } from '../core/trust/gcp-revocation';
import { NeutralResource } from '../synth/model';
import { attributesOf, TerraformIndex } from '../synth/terraform';
import { asList, issuerOf } from '../synth/values';

export { celClaims, celConditions } from './gcp-members';

/** What every phase of the GCP reading shares. */
interface GcpContext {
  readonly google: readonly NeutralResource[];
  readonly drafts: Drafts;
  readonly index: TerraformIndex;
  /** The project of the provider block a resource is configured by, when the resource names none. */
  readonly defaultProject: (resource: NeutralResource) => string | undefined;
  /** Service account emails by source (`file:id`). */
  readonly emails: Map<string, string>;
  /** Workload identity providers read so far. */
  readonly providers: ProviderInfo[];
}

/** GCP identities of Terraform JSON: service accounts, workload identity providers, PAM entitlements, break-glass bindings. */
export function gcpRecords(
  resources: readonly NeutralResource[], drafts: Drafts, index: TerraformIndex, defaultProject: (resource: NeutralResource) => string | undefined,
): void {
  const ctx: GcpContext = {
    google: resources.filter((r) => r.format === 'terraform' && r.type.startsWith('google_')),
    drafts,
    index,
    defaultProject,
    emails: new Map(),
    providers: [],
  };
  serviceAccounts(ctx);
  workloadIdentityProviders(ctx);
  pamEntitlements(ctx);
  for (const r of ctx.google.filter((x) => /^google_.+_iam_policy$/.test(x.type))) {
    drafts.warnings.push(`${sourceOf(r)}: ${r.type} (an authoritative policy document) is not read: its members are not in the inventory`);
  }
  for (const r of ctx.google.filter((x) => /^google_.+_iam_(member|binding)$/.test(x.type))) iamGrant(ctx, r);
  // After the grants: a marker never revokes a break-glass record that a live binding or entitlement defines.
  revokedPrincipals(resources, drafts);
  // A revoked GKE principal (direct access) has nothing between it and a grant Keyless did not render: say which remain.
  for (const [id, draft] of drafts.entries()) {
    if (draft.cloud !== 'gcp' || draft.kind !== 'principal' || draft.revoked === undefined || draft.permissions.length === 0) continue;
    const grants = [...new Set(draft.permissions.map((p) => `${p.text} (${p.source})`))].sort().join(', ');
    drafts.warnings.push(`${id} is revoked (${draft.revoked.at}) but is still granted ${grants}: Keyless does not render these grants, so the workload keeps them; remove them`);
  }
  for (const r of ctx.google.filter((x) => x.type === 'google_service_account_key')) {
    const email = serviceAccountEmail(ctx, r.file, attributesOf(r).service_account_id);
    const draft = drafts.find('gcp', 'service-account', email) ?? drafts.get('gcp', 'service-account', email, r, false);
    draft.resources.add(sourceOf(r));
    draft.subjects.push(makeSubject({ kind: 'static', issuer: `service account key ${r.id}`, source: sourceOf(r) }));
    draft.maxSessionSeconds = null;
  }
}

/** A service account reference (`${google_service_account.X.name}`, `projects/P/serviceAccounts/EMAIL`, an email). */
function serviceAccountEmail(ctx: GcpContext, file: string, value: unknown): string {
  const target = ctx.index.target(file, value);
  if (target?.type === 'google_service_account') return ctx.emails.get(sourceOf(target))!;
  const text = ctx.index.resolve(file, value);
  return /serviceAccounts\/([^/]+)$/.exec(text)?.[1] ?? text;
}

function serviceAccounts(ctx: GcpContext): void {
  for (const r of ctx.google.filter((x) => x.type === 'google_service_account')) {
    const p = attributesOf(r);
    const project = typeof p.project === 'string' ? ctx.index.resolve(r.file, p.project) : ctx.defaultProject(r);
    if (!project) ctx.drafts.warnings.push(`${sourceOf(r)}: the service account's project is not in the output: its email is written with project "?"`);
    const email = `${ctx.index.resolve(r.file, p.account_id)}@${project ?? '?'}.iam.gserviceaccount.com`;
    ctx.emails.set(sourceOf(r), email);
    const draft = ctx.drafts.get('gcp', 'service-account', email, r, true);
    draft.ownership = ownershipFrom(decodeOwnershipDescription(p.description));
    draft.maxSessionSeconds = GCP_ACCESS_TOKEN_SECONDS;
    if (p.disabled === true) draft.attributes.disabled = 'true';
  }
}

function workloadIdentityProviders(ctx: GcpContext): void {
  const { index } = ctx;
  for (const r of ctx.google.filter((x) => x.type === 'google_iam_workload_identity_pool_provider')) {
    const p = attributesOf(r);
    const poolResource = index.target(r.file, p.workload_identity_pool_id);
    const pool = index.resolve(r.file, p.workload_identity_pool_id);
    const project = typeof p.project === 'string' ? index.resolve(r.file, p.project) : ctx.defaultProject(r) ?? '?';
    const id = index.resolve(r.file, p.workload_identity_pool_provider_id);
    const draft = ctx.drafts.get('gcp', 'workload-identity-provider', `${project}/${pool}/${id}`, r, true);
    if (poolResource) draft.resources.add(sourceOf(poolResource));
    const poolFields = poolResource ? decodeOwnershipDescription(attributesOf(poolResource).description) : {};
    draft.ownership = ownershipFrom({ ...poolFields, ...decodeOwnershipDescription(p.description) });
    draft.maxSessionSeconds = GCP_ACCESS_TOKEN_SECONDS;
    if (p.disabled === true || (poolResource && attributesOf(poolResource).disabled === true)) draft.attributes.disabled = 'true';
    const mapping: Record<string, unknown> = p.attribute_mapping ?? {};
    const { claims, conditions } = typeof p.attribute_condition === 'string' ? celClaims(p.attribute_condition, mapping) : { claims: {}, conditions: [] };
    const oidc = Array.isArray(p.oidc) ? p.oidc[0] : p.oidc;
    const saml = Array.isArray(p.saml) ? p.saml[0] : p.saml;
    const awsBlock = Array.isArray(p.aws) ? p.aws[0] : p.aws;
    // The default audience is the provider's own resource name: shown only when the output names others.
    const audiences = asList<unknown>(oidc?.allowed_audiences).map((a) => index.resolve(r.file, a))
      .filter((a) => !a.endsWith(`/workloadIdentityPools/${pool}/providers/${id}`));
    if (audiences.length > 0) claims.aud = audiences;
    const kind = saml ? 'saml' as const : awsBlock ? 'aws' as const : 'oidc' as const;
    const issuer = oidc ? issuerOf(String(index.resolve(r.file, oidc.issuer_uri)))
      : awsBlock ? `arn:aws:iam::${index.resolve(r.file, awsBlock.account_id)}:root` : 'saml-idp';
    const { sub, ...others } = claims;
    for (const one of sub && sub.length > 0 ? sub.map((s) => [s]) : [undefined]) {
      draft.subjects.push(makeSubject({ kind, issuer, claims: one ? { sub: one, ...others } : others, conditions, source: sourceOf(r) }));
    }
    ctx.providers.push({ draft, pool, mapping });
  }
}

function pamEntitlements(ctx: GcpContext): void {
  const { index } = ctx;
  for (const r of ctx.google.filter((x) => x.type === 'google_privileged_access_manager_entitlement')) {
    const p = attributesOf(r);
    const project = /^projects\/([^/]+)$/.exec(index.resolve(r.file, p.parent))?.[1] ?? index.resolve(r.file, p.parent);
    const draft = ctx.drafts.get('gcp', 'pam-entitlement', `${project}/${index.resolve(r.file, p.entitlement_id)}`, r, true);
    draft.breakGlass = true;
    draft.credentialType = 'human-break-glass';
    const seconds = /^(\d+)s$/.exec(String(p.max_request_duration ?? ''))?.[1];
    draft.maxSessionSeconds = seconds ? Number(seconds) : null;
    const approvals = asList<any>(p.approval_workflow?.manual_approvals?.steps).flatMap((step) => asList<string>(step?.approvers?.principals));
    const requestConditions: Condition[] = [];
    if (approvals.length > 0) requestConditions.push(condition('approval', 'approvers', approvals, `approval by ${[...approvals].sort().join('|')}`));
    if (p.requester_justification_config) requestConditions.push(condition('justification', 'requester', [], 'justification required'));
    for (const eligible of asList<any>(p.eligible_users).flatMap((u) => asList<string>(u?.principals))) {
      draft.subjects.push(memberSubject(eligible, requestConditions, sourceOf(r)));
    }
    const access = p.privileged_access?.gcp_iam_access;
    const scope = resourceScope(index.resolve(r.file, access?.resource ?? ''));
    for (const binding of asList<any>(access?.role_bindings)) {
      const role = String(binding?.role);
      const conditions = celConditions(binding?.condition_expression);
      const reason = privilegedRole(role, scope);
      draft.privilegedReasons.push(reason ?? `break-glass ${role} on ${scope}`);
      draft.permissions.push(makePermission({ kind: 'role', action: role, scope, conditions, wildcard: GCP_BASIC_ROLES.includes(role), privileged: true, source: sourceOf(r) }));
      const until = conditions.find((c) => c.operator === 'until');
      if (until && !draft.ownership.expires) draft.ownership = { ...draft.ownership, expires: until.values[0].slice(0, 10) };
    }
  }
}

/** One `google_*_iam_member` / `_iam_binding`: who gains what, and who may act as the service account it targets. */
function iamGrant(ctx: GcpContext, r: NeutralResource): void {
  const { drafts, index } = ctx;
  const p = attributesOf(r);
  const role = index.resolve(r.file, p.role);
  // `${google_service_account.X.email}` (and `.member`) are known from the account id and project.
  const computed = (target: NeutralResource, attribute: string): string | undefined => {
    if (target.type !== 'google_service_account') return undefined;
    const email = ctx.emails.get(sourceOf(target));
    return email === undefined ? undefined : attribute === 'email' ? email : attribute === 'member' ? `serviceAccount:${email}` : attribute === 'name' ? email : undefined;
  };
  const members = r.type.endsWith('_member') ? [index.resolve(r.file, p.member, computed)] : asList<unknown>(p.members).map((m) => index.resolve(r.file, m, computed));
  const conditions = celConditions(p.condition?.expression);
  const stem = r.type.replace(/^google_/, '').replace(/_iam_(member|binding)$/, '');
  const targetEmail = stem === 'service_account' ? serviceAccountEmail(ctx, r.file, p.service_account_id) : undefined;
  const scope = targetEmail ? `service_account ${targetEmail}` : grantScope(r, stem, index, ctx.defaultProject);
  const reason = privilegedRole(role, scope);
  const grant = (draft: RecordDraft, only?: Condition) => {
    draft.resources.add(sourceOf(r));
    draft.permissions.push(makePermission({
      kind: 'role',
      action: role,
      scope,
      conditions: only ? [...conditions, only] : conditions,
      wildcard: GCP_BASIC_ROLES.includes(role),
      privileged: reason !== undefined,
      source: sourceOf(r),
    }));
    if (reason) draft.privilegedReasons.push(reason);
  };
  const impersonation = targetEmail !== undefined && GCP_IMPERSONATION_ROLES.includes(role);
  for (const member of members) {
    if (impersonation) {
      const target = drafts.find('gcp', 'service-account', targetEmail) ?? drafts.get('gcp', 'service-account', targetEmail, r, false);
      target.resources.add(sourceOf(r));
      target.subjects.push(...impersonatingSubjects(ctx, member).map((subject) => memberSubject(subject, conditions, sourceOf(r))));
    }
    const serviceAccount = /^serviceAccount:([^[\]]+)$/.exec(member)?.[1];
    if (serviceAccount && !serviceAccount.includes(GKE_WORKLOAD_POOL_SUFFIX)) {
      const existing = drafts.find('gcp', 'service-account', serviceAccount);
      if (existing || !impersonation) grant(existing ?? drafts.get('gcp', 'service-account', serviceAccount, r, false));
      continue;
    }
    const poolMember = /^principal(Set)?:\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+)\/(.*)$/.exec(member);
    if (poolMember) {
      const matching = ctx.providers.filter((provider) => provider.pool === poolMember[2] && admits(provider, poolMember[3]));
      matching.forEach((provider) => grant(provider.draft, qualifier(provider, poolMember[3])));
      if (matching.length === 0 && !impersonation) principal(ctx, member, r, grant);
      continue;
    }
    if (/^(user|group):/.test(member)) {
      if (conditions.some((c) => c.operator === 'until') && /^(project|folder|organization)$/.test(stem)) {
        const draft = breakGlassBinding(ctx, member, r, conditions);
        grant(draft);
        if (!reason) draft.privilegedReasons.push(`break-glass ${role} on ${scope}`);
      }
      continue;
    }
    if (!impersonation && isGkeServiceAccountMember(member)) principal(ctx, member, r, grant);
  }
}

/** A time-bound grant to a human on a project, folder or organization: break-glass access. */
function breakGlassBinding(ctx: GcpContext, member: string, r: NeutralResource, conditions: readonly Condition[]): RecordDraft {
  const draft = ctx.drafts.get('gcp', 'break-glass-binding', member, r, true);
  draft.breakGlass = true;
  draft.credentialType = 'human-break-glass';
  draft.maxSessionSeconds = null;
  const until = conditions.filter((c) => c.operator === 'until');
  draft.subjects.push(memberSubject(member, until, sourceOf(r)));
  const fields = decodeOwnershipDescription(attributesOf(r).condition?.description);
  if (Object.keys(fields).length > 0) draft.ownership = ownershipFrom(fields);
  if (until[0] && !draft.ownership.expires) draft.ownership = { ...draft.ownership, expires: until[0].values[0].slice(0, 10) };
  return draft;
}

/**
 * The members a reviewer should see as trusted through `member`: a provider-wide principalSet (a constant mapping,
 * such as Keyless's `attribute.keyless_trust`) stands for the subjects that provider admits; anything else is itself.
 */
function impersonatingSubjects(ctx: GcpContext, member: string): string[] {
  const poolMember = /^principalSet:\/\/iam\.googleapis\.com\/(projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+))\/(attribute\.[^/]+\/.*)$/.exec(member);
  if (!poolMember) return [member];
  const whole = ctx.providers.filter((provider) => provider.pool === poolMember[2]
    && admits(provider, poolMember[3]) && qualifier(provider, poolMember[3]) === undefined);
  const subs = whole.flatMap((provider) => provider.draft.subjects.flatMap((subject) => subject.claims.sub ?? []));
  return whole.length > 0 && subs.length > 0 ? subs.map((sub) => `principal://iam.googleapis.com/${poolMember[1]}/subject/${sub}`) : [member];
}

/** A member granted roles but not defined here (a pool principal without a provider in the output, a GKE principal). */
function principal(ctx: GcpContext, member: string, r: NeutralResource, grant: (draft: RecordDraft) => void): void {
  const draft = ctx.drafts.get('gcp', 'principal', member, r, false);
  if (!draft.subjects.some((s) => s.source === sourceOf(r))) draft.subjects.push(memberSubject(member, [], sourceOf(r)));
  grant(draft);
}

/**
 * The revocation markers (core/trust/gcp-revocation.ts), each defining the records of what it revoked, with the
 * ownership and revocation of its description: a GKE principal with direct access (`gcp:principal:…`), a break-glass
 * PAM entitlement (`gcp:pam-entitlement:PROJECT/ID`) or its conditional bindings (`gcp:break-glass-binding:MEMBER`,
 * one per member). The members stay listed as subjects; no role is left to list.
 *
 * A break-glass record is keyed by member (a binding names no entitlement), so one member's live access and revoked
 * access are one record: when a live grant (a binding, an entitlement with the same id) already holds a role there,
 * the record is not read revoked (it would hide a role still held, and count as revoked), and a warning names the
 * revoked access and the grants that remain. Read after the grants (gcpRecords) so that they are known.
 */
function revokedPrincipals(resources: readonly NeutralResource[], drafts: Drafts): void {
  for (const r of resources) {
    if (r.format !== 'terraform' || r.type !== TERRAFORM_DATA) continue;
    const input = attributesOf(r).input;
    const gke = gcpRevokedPrincipalMarker(input);
    const breakGlass = gcpRevokedBreakGlassMarker(input);
    const marked: Array<[RecordDraft, string[]]> = [];
    if (gke) marked.push([drafts.get('gcp', 'principal', gke.principal, r, true), [gke.principal]]);
    const description = (gke ?? breakGlass)?.description;
    const breakGlassRecord = (kind: 'pam-entitlement' | 'break-glass-binding', name: string, members: string[]) => {
      const live = drafts.find('gcp', kind, name);
      if (!live || live.permissions.length === 0) {
        marked.push([drafts.get('gcp', kind, name, r, true), members]);
        return;
      }
      const revoked = gcpRevocation(description);
      const when = revoked ? ` (${revoked.at}: ${revoked.reason})` : '';
      const grants = [...new Set(live.permissions.map((p) => `${p.text} (${p.source})`))].sort().join(', ');
      drafts.warnings.push(`${Drafts.id('gcp', kind, name)}: ${sourceOf(r)} revokes the break-glass access ${breakGlass!.entitlement}${when}, `
        + `but the record still holds ${grants}: it is not read revoked; remove any of these grants that belongs to the revoked access`);
    };
    if (breakGlass?.mode === 'privileged-access-manager') breakGlassRecord('pam-entitlement', breakGlass.entitlement, breakGlass.members);
    if (breakGlass?.mode === 'conditional-binding') breakGlass.members.forEach((m) => breakGlassRecord('break-glass-binding', m, [m]));
    for (const [draft, members] of marked) {
      draft.ownership = ownershipFrom(decodeOwnershipDescription(description));
      draft.revoked = gcpRevocation(description);
      if (breakGlass) {
        draft.breakGlass = true;
        draft.credentialType = 'human-break-glass';
      }
      for (const member of members) {
        const subject = memberSubject(member, [], sourceOf(r));
        if (!draft.subjects.some((s) => s.source === subject.source && s.text === subject.text)) draft.subjects.push(subject);
      }
    }
  }
}
