import { Drafts, ownershipFrom, RecordDraft, sourceOf } from './draft';
import { condition, makePermission, makeSubject, untilCondition } from './entries';
import { Condition, TrustedSubject } from './model';
import { GCP_ACCESS_TOKEN_SECONDS, GCP_BASIC_ROLES, GCP_IMPERSONATION_ROLES } from '../core/facts/gcp-roles';
import { kubernetesServiceAccountSubject } from '../core/facts/subjects';
import { decodeOwnershipDescription } from '../core/ownership';
import { splitTop, unwrap } from '../synth/cel';
import { parseGkeMember } from '../synth/gcp';
import { NeutralResource } from '../synth/model';
import { attributesOf, TerraformIndex } from '../synth/terraform';
import { asList } from '../synth/values';

/** Attributes of an `*_iam_member` / `*_iam_binding` that are not part of the resource it grants on. */
const NOT_SCOPE = new Set(['member', 'members', 'role', 'condition', 'depends_on', 'provider', 'lifecycle', 'count', 'for_each', '//', 'etag', 'timeouts']);
const SCOPE_ORDER = ['project', 'folder', 'org_id', 'location', 'region', 'zone'];

/** One CEL comparison on a token claim: `assertion.X == 'v'`, `assertion.X.startsWith('v')`, `assertion.X in ['a', 'b']`. */
function claimClause(clause: string, claimName: (reference: string) => string): { claim: string; values: string[] } | undefined {
  const literal = '(?:\'([^\'\\\\]*)\'|"([^"\\\\]*)")';
  const equals = new RegExp(`^((?:assertion|attribute|google)\\.[A-Za-z0-9_.]+?)\\s*==\\s*${literal}$`).exec(clause);
  if (equals) return { claim: claimName(equals[1]), values: [equals[2] ?? equals[3]] };
  const prefix = new RegExp(`^((?:assertion|attribute|google)\\.[A-Za-z0-9_.]+?)\\.startsWith\\(\\s*${literal}\\s*\\)$`).exec(clause);
  if (prefix) return { claim: claimName(prefix[1]), values: [`${prefix[2] ?? prefix[3]}*`] };
  const within = /^((?:assertion|attribute|google)\.[A-Za-z0-9_.]+?)\s+in\s+\[(.*)\]$/.exec(clause);
  if (within) {
    const values = [...within[2].matchAll(/'([^'\\]*)'|"([^"\\]*)"/g)].map((m) => m[1] ?? m[2]);
    if (values.length > 0) return { claim: claimName(within[1]), values };
  }
  return undefined;
}

/**
 * A provider's attribute condition as claims (conjuncts that compare one claim, possibly as a disjunction) and
 * the rest as conditions, which are kept verbatim.
 */
export function celClaims(expression: string, mapping: Record<string, unknown>): { claims: Record<string, string[]>; conditions: Condition[] } {
  const claimName = (reference: string): string => {
    const mapped = reference.startsWith('assertion.') ? reference : mapping[reference];
    if (typeof mapped === 'string' && /^assertion\.[A-Za-z0-9_]+$/.test(mapped.trim())) return mapped.trim().slice('assertion.'.length);
    return reference;
  };
  const claims: Record<string, string[]> = {};
  const conditions: Condition[] = [];
  for (const conjunct of splitTop(unwrap(expression), '&&')) {
    const alternatives = splitTop(unwrap(conjunct), '||').map((a) => claimClause(unwrap(a), claimName));
    const claim = alternatives[0]?.claim;
    if (claim !== undefined && alternatives.every((a) => a?.claim === claim)) {
      const values = alternatives.flatMap((a) => a!.values);
      // Two conjuncts on one claim: keep the values both admit (exact values) or both lists.
      claims[claim] = claims[claim] ? claims[claim].filter((v) => values.includes(v)) : values;
    } else {
      conditions.push(condition('cel', '', [unwrap(conjunct)], unwrap(conjunct)));
    }
  }
  return { claims, conditions };
}

/** An IAM condition expression as conditions: expiries and prefixes are understood, the rest kept verbatim. */
export function celConditions(expression: unknown): Condition[] {
  if (typeof expression !== 'string' || expression.trim() === '') return [];
  return splitTop(unwrap(expression), '&&').map((clause) => {
    const c = unwrap(clause);
    const until = /^request\.time\s*<\s*timestamp\(\s*["']([^"']+)["']\s*\)$/.exec(c);
    if (until) return untilCondition(until[1]);
    const prefix = /^([A-Za-z0-9_.]+)\.startsWith\(\s*["']([^"']*)["']\s*\)$/.exec(c);
    if (prefix) return condition('startsWith', prefix[1], [prefix[2]], c);
    return condition('cel', '', [c], c);
  });
}

/** A member string as a trusted subject. */
function memberSubject(member: string, conditions: Condition[], source: string): TrustedSubject {
  const gke = parseGkeMember(member);
  if (gke) return makeSubject({ kind: 'pool', issuer: gke.pool, claims: { sub: [kubernetesServiceAccountSubject(gke.namespace, gke.name)] }, conditions, source });
  const pool = /^principal(Set)?:\/\/iam\.googleapis\.com\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+)\/(.*)$/.exec(member);
  if (pool) {
    const issuer = pool[3].endsWith('.svc.id.goog') ? pool[3] : `${pool[2]}/${pool[3]}`;
    const rest = pool[4];
    const subject = /^subject\/(.*)$/.exec(rest);
    if (subject) {
      const gkeSubject = /^ns\/([^/]+)\/sa\/([^/]+)$/.exec(subject[1]);
      return makeSubject({ kind: 'pool', issuer, claims: { sub: [gkeSubject ? kubernetesServiceAccountSubject(gkeSubject[1], gkeSubject[2]) : subject[1]] }, conditions, source });
    }
    const attribute = /^(attribute\.[^/]+|group)\/(.*)$/.exec(rest);
    if (attribute) return makeSubject({ kind: 'pool', issuer, claims: { [attribute[1]]: [attribute[2]] }, conditions, source });
    return makeSubject({ kind: 'pool', issuer, conditions, source });
  }
  return makeSubject({ kind: 'gcp', issuer: member, conditions, source, wildcard: member === 'allUsers' || member === 'allAuthenticatedUsers' || member.startsWith('domain:') });
}

/** Whether a role is privileged, and why. */
function privilegedRole(role: string, scope: string): string | undefined {
  if (GCP_BASIC_ROLES.includes(role) && role !== 'roles/viewer') return `basic role ${role} on ${scope}`;
  if (/admin$/i.test(role)) return `${role} on ${scope}`;
  if (GCP_IMPERSONATION_ROLES.includes(role) && !scope.startsWith('service_account ')) return `${role} on ${scope} (impersonates every service account there)`;
  return undefined;
}

/** A provider's parts, to attribute grants to pool principals. */
interface ProviderInfo {
  readonly draft: RecordDraft;
  readonly pool: string;
  readonly mapping: Record<string, unknown>;
}

/** GCP identities of Terraform JSON: service accounts, workload identity providers, PAM entitlements, break-glass bindings. */
export function gcpRecords(
  resources: readonly NeutralResource[], drafts: Drafts, index: TerraformIndex, defaultProject: (file: string) => string | undefined,
): void {
  const google = resources.filter((r) => r.format === 'terraform' && r.type.startsWith('google_'));
  const emails = new Map<string, string>();
  // `${google_service_account.X.email}` (and `.member`) are known from the account id and project.
  const computed = (target: NeutralResource, attribute: string): string | undefined => {
    if (target.type !== 'google_service_account') return undefined;
    const email = emails.get(sourceOf(target));
    return email === undefined ? undefined : attribute === 'email' ? email : attribute === 'member' ? `serviceAccount:${email}` : attribute === 'name' ? email : undefined;
  };
  const emailOf = (r: NeutralResource): string => {
    const p = attributesOf(r);
    const project = typeof p.project === 'string' ? index.resolve(r.file, p.project) : defaultProject(r.file);
    if (!project) drafts.warnings.push(`${sourceOf(r)}: the service account's project is not in the output: its email is written with project "?"`);
    return `${index.resolve(r.file, p.account_id)}@${project ?? '?'}.iam.gserviceaccount.com`;
  };
  /** A service account reference (`${google_service_account.X.name}`, `projects/P/serviceAccounts/EMAIL`, an email). */
  const serviceAccountEmail = (file: string, value: unknown): string => {
    const target = index.target(file, value);
    if (target?.type === 'google_service_account') return emails.get(sourceOf(target))!;
    const text = index.resolve(file, value);
    return /serviceAccounts\/([^/]+)$/.exec(text)?.[1] ?? text;
  };

  for (const r of google.filter((x) => x.type === 'google_service_account')) {
    const p = attributesOf(r);
    const email = emailOf(r);
    emails.set(sourceOf(r), email);
    const draft = drafts.get('gcp', 'service-account', email, r, true);
    draft.ownership = ownershipFrom(decodeOwnershipDescription(p.description));
    draft.maxSessionSeconds = GCP_ACCESS_TOKEN_SECONDS;
    if (p.disabled === true) draft.attributes.disabled = 'true';
  }

  const pools = new Map<string, NeutralResource>();
  for (const r of google.filter((x) => x.type === 'google_iam_workload_identity_pool')) pools.set(sourceOf(r), r);
  const providers: ProviderInfo[] = [];
  for (const r of google.filter((x) => x.type === 'google_iam_workload_identity_pool_provider')) {
    const p = attributesOf(r);
    const poolResource = index.target(r.file, p.workload_identity_pool_id);
    const pool = index.resolve(r.file, p.workload_identity_pool_id);
    const project = typeof p.project === 'string' ? index.resolve(r.file, p.project) : defaultProject(r.file) ?? '?';
    const id = index.resolve(r.file, p.workload_identity_pool_provider_id);
    const draft = drafts.get('gcp', 'workload-identity-provider', `${project}/${pool}/${id}`, r, true);
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
    const audiences = asList<string>(oidc?.allowed_audiences).filter((a) => !a.endsWith(`/workloadIdentityPools/${pool}/providers/${id}`));
    if (audiences.length > 0) claims.aud = audiences;
    const kind = saml ? 'saml' as const : awsBlock ? 'aws' as const : 'oidc' as const;
    const issuer = oidc ? String(index.resolve(r.file, oidc.issuer_uri)).replace(/^https?:\/\//, '').replace(/\/+$/, '')
      : awsBlock ? `arn:aws:iam::${index.resolve(r.file, awsBlock.account_id)}:root` : 'saml-idp';
    const { sub, ...others } = claims;
    for (const one of sub && sub.length > 0 ? sub.map((s) => [s]) : [undefined]) {
      draft.subjects.push(makeSubject({ kind, issuer, claims: one ? { sub: one, ...others } : others, conditions, source: sourceOf(r) }));
    }
    providers.push({ draft, pool, mapping });
  }

  for (const r of google.filter((x) => x.type === 'google_privileged_access_manager_entitlement')) {
    const p = attributesOf(r);
    const project = /^projects\/([^/]+)$/.exec(index.resolve(r.file, p.parent))?.[1] ?? index.resolve(r.file, p.parent);
    const draft = drafts.get('gcp', 'pam-entitlement', `${project}/${index.resolve(r.file, p.entitlement_id)}`, r, true);
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

  for (const r of google.filter((x) => /^google_.+_iam_policy$/.test(x.type))) {
    drafts.warnings.push(`${sourceOf(r)}: ${r.type} (an authoritative policy document) is not read: its members are not in the inventory`);
  }
  for (const r of google.filter((x) => /^google_.+_iam_(member|binding)$/.test(x.type))) {
    const p = attributesOf(r);
    const role = index.resolve(r.file, p.role);
    const members = r.type.endsWith('_member') ? [index.resolve(r.file, p.member, computed)] : asList<unknown>(p.members).map((m) => index.resolve(r.file, m, computed));
    const conditions = celConditions(p.condition?.expression);
    const stem = r.type.replace(/^google_/, '').replace(/_iam_(member|binding)$/, '');
    const targetEmail = stem === 'service_account' ? serviceAccountEmail(r.file, p.service_account_id) : undefined;
    const scope = targetEmail ? `service_account ${targetEmail}` : grantScope(r, stem, index, defaultProject);
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
        target.subjects.push(...impersonatingSubjects(member).map((subject) => memberSubject(subject, conditions, sourceOf(r))));
      }
      const serviceAccount = /^serviceAccount:([^[\]]+)$/.exec(member)?.[1];
      if (serviceAccount && !serviceAccount.includes('.svc.id.goog')) {
        const existing = drafts.find('gcp', 'service-account', serviceAccount);
        if (existing || !impersonation) grant(existing ?? drafts.get('gcp', 'service-account', serviceAccount, r, false));
        continue;
      }
      const poolMember = /^principal(Set)?:\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+)\/(.*)$/.exec(member);
      if (poolMember) {
        const matching = providers.filter((provider) => provider.pool === poolMember[2] && admits(provider, poolMember[3]));
        matching.forEach((provider) => grant(provider.draft, qualifier(provider, poolMember[3])));
        if (matching.length === 0 && !impersonation) principal(member, r, grant);
        continue;
      }
      if (/^(user|group):/.test(member)) {
        const timeBound = conditions.some((c) => c.operator === 'until');
        if (timeBound && /^(project|folder|organization)$/.test(stem)) {
          const draft = drafts.get('gcp', 'break-glass-binding', member, r, true);
          draft.breakGlass = true;
          draft.credentialType = 'human-break-glass';
          draft.maxSessionSeconds = null;
          const until = conditions.filter((c) => c.operator === 'until');
          draft.subjects.push(memberSubject(member, until, sourceOf(r)));
          const fields = decodeOwnershipDescription(p.condition?.description);
          if (Object.keys(fields).length > 0) draft.ownership = ownershipFrom(fields);
          if (until[0] && !draft.ownership.expires) draft.ownership = { ...draft.ownership, expires: until[0].values[0].slice(0, 10) };
          grant(draft);
          if (!reason) draft.privilegedReasons.push(`break-glass ${role} on ${scope}`);
        }
        continue;
      }
      if (!impersonation && /^serviceAccount:.+\.svc\.id\.goog\[/.test(member)) principal(member, r, grant);
    }
  }

  for (const r of google.filter((x) => x.type === 'google_service_account_key')) {
    const email = serviceAccountEmail(r.file, attributesOf(r).service_account_id);
    const draft = drafts.find('gcp', 'service-account', email) ?? drafts.get('gcp', 'service-account', email, r, false);
    draft.resources.add(sourceOf(r));
    draft.subjects.push(makeSubject({ kind: 'static', issuer: `service account key ${r.id}`, source: sourceOf(r) }));
    draft.maxSessionSeconds = null;
  }

  /**
   * The members a reviewer should see as trusted through `member`: a provider-wide principalSet (a constant mapping,
   * such as Keyless's `attribute.keyless_trust`) stands for the subjects that provider admits; anything else is itself.
   */
  function impersonatingSubjects(member: string): string[] {
    const poolMember = /^principalSet:\/\/iam\.googleapis\.com\/(projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+))\/(attribute\.[^/]+\/.*)$/.exec(member);
    if (!poolMember) return [member];
    const whole = providers.filter((provider) => provider.pool === poolMember[2]
      && admits(provider, poolMember[3]) && qualifier(provider, poolMember[3]) === undefined);
    const subs = whole.flatMap((provider) => provider.draft.subjects.flatMap((subject) => subject.claims.sub ?? []));
    return whole.length > 0 && subs.length > 0 ? subs.map((sub) => `principal://iam.googleapis.com/${poolMember[1]}/subject/${sub}`) : [member];
  }

  /** A member granted roles but not defined here (a pool principal without a provider in the output, a GKE principal). */
  function principal(member: string, r: NeutralResource, grant: (draft: RecordDraft) => void): void {
    const draft = drafts.get('gcp', 'principal', member, r, false);
    if (!draft.subjects.some((s) => s.source === sourceOf(r))) draft.subjects.push(memberSubject(member, [], sourceOf(r)));
    grant(draft);
  }
}

/** Whether a provider's tokens can be the pool member `rest` (`subject/S`, `attribute.A/V`, `group/G`, `*`). */
function admits(provider: ProviderInfo, rest: string): boolean {
  const attribute = /^attribute\.([^/]+)\/(.*)$/.exec(rest);
  if (attribute) {
    const mapped = provider.mapping[`attribute.${attribute[1]}`];
    if (mapped === undefined) return false;
    // A constant mapping (`'name'`) gives every token of the provider that value, and no other.
    const constant = typeof mapped === 'string' ? /^\s*'([^']*)'\s*$/.exec(mapped)?.[1] : undefined;
    return constant === undefined || constant === attribute[2];
  }
  const subject = /^subject\/(.*)$/.exec(rest);
  if (subject) {
    const subs = provider.draft.subjects.flatMap((s) => s.claims.sub ?? ['*']);
    return subs.length === 0 || subs.some((pattern) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(subject[1]));
  }
  return true;
}

/**
 * Which of a provider's tokens a grant to the pool member `rest` holds for, when not all of them: a subject, a group,
 * or an attribute the provider maps from a claim (a constant mapping gives every token the value).
 */
function qualifier(provider: ProviderInfo, rest: string): Condition | undefined {
  const subject = /^subject\/(.*)$/.exec(rest)?.[1];
  if (subject !== undefined) {
    const subs = provider.draft.subjects.flatMap((s) => s.claims.sub ?? []);
    return subs.length === 1 && subs[0] === subject ? undefined : condition('principal', 'sub', [subject], `principal sub=${subject}`);
  }
  const attribute = /^(attribute\.[^/]+|group)\/(.*)$/.exec(rest);
  if (!attribute) return undefined;
  const mapped = provider.mapping[attribute[1]];
  if (typeof mapped === 'string' && /^\s*'[^']*'\s*$/.test(mapped)) return undefined;
  return condition('principal', attribute[1], [attribute[2]], `principal ${attribute[1]}=${attribute[2]}`);
}

/** `//cloudresourcemanager.googleapis.com/projects/P` → `project P`; other full resource names as they are. */
function resourceScope(resource: string): string {
  const match = /^\/\/cloudresourcemanager\.googleapis\.com\/(projects|folders|organizations)\/(.+)$/.exec(resource);
  if (!match) return resource;
  return `${({ projects: 'project', folders: 'folder', organizations: 'organization' } as Record<string, string>)[match[1]]} ${match[2]}`;
}

/** The resource an `*_iam_member` grants on: `storage_bucket acme-settlements`, `project acme-prod`. */
function grantScope(r: NeutralResource, stem: string, index: TerraformIndex, defaultProject: (file: string) => string | undefined): string {
  const p = attributesOf(r);
  const keys = Object.keys(p).filter((k) => !NOT_SCOPE.has(k));
  keys.sort((a, b) => {
    const ia = SCOPE_ORDER.indexOf(a);
    const ib = SCOPE_ORDER.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? SCOPE_ORDER.length : ia) - (ib < 0 ? SCOPE_ORDER.length : ib);
    return a < b ? -1 : 1;
  });
  const values = keys.map((k) => index.resolve(r.file, p[k]));
  if (stem === 'project' && values.length === 0) values.push(defaultProject(r.file) ?? '?');
  return `${stem === 'organization' ? 'organization' : stem} ${values.join('/')}`;
}
