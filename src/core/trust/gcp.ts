import { CiTrustPolicy } from '../ci/policy';
import { fail, quote, ValidationContext } from '../errors';
import { celString } from './cel';

/** `google.subject` may be at most 127 bytes (Google Cloud, "Attribute mappings"). */
export const GCP_SUBJECT_MAX_BYTES = 127;
/** An attribute condition may be at most 4096 characters. */
export const GCP_CONDITION_MAX_CHARS = 4096;
/** Attribute that names the provider a token was exchanged through, used for pattern trusts. */
export const GCP_TRUST_ATTRIBUTE = 'keyless_trust';

/** Where a workload identity provider lives. */
export interface GcpProviderLocation {
  /** Project number (members name the project by number). */
  readonly projectNumber: string;
  /** Workload identity pool id. */
  readonly poolId: string;
  /** Workload identity pool provider id. */
  readonly providerId: string;
}

/** The GCP rendering of a CI trust: one OIDC workload identity pool provider and the members it yields. */
export interface GcpWorkloadIdentityProvider {
  /** OIDC issuer URI. */
  readonly issuerUri: string;
  /** Allowed audiences: exactly the provider's own resource URL (what google-github-actions/auth requests). */
  readonly allowedAudiences: readonly string[];
  /** Attribute mapping, keys sorted. */
  readonly attributeMapping: Readonly<Record<string, string>>;
  /** Attribute condition: every claim pin AND one of the admitted subjects. */
  readonly attributeCondition: string;
  /**
   * The IAM member for the tokens this provider admits: the provider's own
   * `principalSet://…/attribute.keyless_trust/PROVIDER_ID`. Never a `principal://…/subject/SUB`: subjects are
   * per provider but principals are per pool, so another provider of the pool (a self-managed GitLab next to
   * gitlab.com, a provider pinned by name next to one pinned by id) could mint the same subject without this
   * provider's pins.
   */
  readonly members: readonly string[];
}

/** The pool's resource name, as used in member strings. */
export function gcpPoolResource(location: GcpProviderLocation): string {
  return `projects/${location.projectNumber}/locations/global/workloadIdentityPools/${location.poolId}`;
}

/**
 * Decides the GCP trust for a CI source. Shared issuers require a condition pinning the owner; Keyless pins the
 * owner and repository (by immutable id when given) and the exact subjects (Checkov CKV_GCP_125 expects an
 * `assertion.sub == '…'` equality).
 */
export function gcpWorkloadIdentityProvider(
  policy: CiTrustPolicy, location: GcpProviderLocation, ctx: ValidationContext,
): GcpWorkloadIdentityProvider {
  // A pattern's literal prefix plus at least one character must fit too, or no token could ever match it.
  for (const subject of [...policy.exactSubjects, ...policy.subjectPatterns]) {
    const bytes = Buffer.byteLength(subject, 'utf8');
    if (bytes > GCP_SUBJECT_MAX_BYTES) {
      fail({
        code: 'KL-GCP-SUBJECT-LENGTH',
        path: ctx.path,
        prop: 'source',
        problem: `yields the subject ${subject.endsWith('*') ? 'pattern ' : ''}"${subject}" of ${bytes} bytes${subject.endsWith('*') ? ' (with one character for the `*`)' : ''}, over the ${GCP_SUBJECT_MAX_BYTES}-byte limit of \`google.subject\`: GCP would reject every such token`,
        fix: 'shorten the branch, tag or environment name, or drop the `jobWorkflowRef` pin (which lengthens the subject) for GCP',
        docs: 'https://cloud.google.com/iam/docs/workload-identity-federation#mapping',
      });
    }
  }
  const pool = gcpPoolResource(location);
  const pins = policy.claimPins.map((pin) => `assertion.${pin.claim} == ${celString(pin.value)}`);
  // A requirement is one of its exact values or prefixes; CEL reads an absent claim as an error, which denies.
  for (const requirement of policy.claimRequirements ?? []) {
    const options = [
      ...requirement.values.map((value) => `assertion.${requirement.claim} == ${celString(value)}`),
      ...(requirement.prefixes ?? []).map((prefix) => `assertion.${requirement.claim}.startsWith(${celString(prefix)})`),
    ];
    pins.push(options.length === 1 ? options[0] : `(${options.join(' || ')})`);
  }
  const subjects = [
    ...policy.exactSubjects.map((subject) => `assertion.sub == ${celString(subject)}`),
    ...policy.subjectPatterns.map((pattern) => `assertion.sub.startsWith(${celString(pattern.slice(0, -1))})`),
  ];
  const attributeCondition = [...pins, subjects.length === 1 ? subjects[0] : `(${subjects.join(' || ')})`].join(' && ');
  if (attributeCondition.length > GCP_CONDITION_MAX_CHARS) {
    fail({
      code: 'KL-GCP-CONDITION-LENGTH',
      path: ctx.path,
      prop: 'source',
      problem: `renders an attribute condition of ${attributeCondition.length} characters, over the ${GCP_CONDITION_MAX_CHARS}-character limit`,
      fix: 'split the refs over several CiOidcTrust declarations, or use a tag pattern for release tags',
    });
  }
  const mapping: Record<string, string> = { 'google.subject': 'assertion.sub' };
  for (const claim of policy.mappedClaims) mapping[`attribute.${claim}`] = `assertion.${claim}`;
  // Principals are per pool, attribute mappings and conditions per provider: every token this provider admits,
  // and only those, carries this provider's id (provider ids are unique in a pool). Other providers of a shared
  // pool must leave `attribute.keyless_trust` unmapped; Keyless maps it to each provider's own id.
  mapping[`attribute.${GCP_TRUST_ATTRIBUTE}`] = celString(location.providerId);
  const members = [`principalSet://iam.googleapis.com/${pool}/attribute.${GCP_TRUST_ATTRIBUTE}/${location.providerId}`];
  return {
    issuerUri: policy.issuerUrl,
    allowedAudiences: [`https://iam.googleapis.com/${pool}/providers/${location.providerId}`],
    attributeMapping: Object.fromEntries(Object.entries(mapping).sort(([a], [b]) => (a < b ? -1 : 1))),
    attributeCondition,
    members,
  };
}

/**
 * How a GCP workload reaches resources: `direct` (roles granted to the federated principal, no service account) or
 * `impersonation` (a dedicated Google service account the principal may impersonate; never a key).
 */
export type GcpAccessMode = 'direct' | 'impersonation';

/** Resolves the access mode (default `direct`), refusing unknown modes and a service account id without impersonation. */
export function resolveGcpAccessMode(access: unknown, serviceAccountId: unknown, ctx: ValidationContext): GcpAccessMode {
  const mode = access ?? 'direct';
  if (mode !== 'direct' && mode !== 'impersonation') {
    fail({ code: 'KL-GCP-ACCESS', path: ctx.path, prop: 'access', problem: `is ${quote(mode)}: expected "direct" or "impersonation"`, fix: 'use "direct" unless the service needs a service account' });
  }
  if (serviceAccountId !== undefined && mode !== 'impersonation') {
    fail({
      code: 'KL-GCP-SA-WITHOUT-IMPERSONATION',
      path: ctx.path,
      prop: 'serviceAccountId',
      problem: `is ${quote(serviceAccountId)} but \`access\` is "direct", which creates no service account`,
      fix: 'set `access: "impersonation"` or remove `serviceAccountId`',
    });
  }
  return mode;
}
