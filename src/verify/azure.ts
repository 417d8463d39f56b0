/**
 * `keyless verify`, Azure: federated identity credentials of user-assigned managed identities
 * (`azurerm_federated_identity_credential`) and of app registrations (`azuread_application_federated_identity_credential`),
 * in any Terraform format, each with an evaluator of Microsoft Entra's matching rule.
 *
 * Entra accepts an external token for a credential when the token's `iss` equals the credential's `issuer`, its `sub`
 * equals the credential's `subject`, and its `aud` holds one of the credential's audiences: compared as strings,
 * exactly and case-sensitively, no wildcard (Microsoft Graph, federatedIdentityCredential resource type: `issuer`
 * "must match the issuer claim of the external token", `subject` "must match the sub claim within the token",
 * `audiences` "what Microsoft identity platform should accept in the aud claim",
 * https://learn.microsoft.com/graph/api/resources/federatedidentitycredential; "Important considerations and
 * restrictions for federated identity credentials", https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations;
 * AADSTS7002138 "The subject matches with case-insensitive comparison, but not with case-sensitive comparison",
 * https://github.com/Azure/login/issues/573). A trailing `/` is part of the issuer string: AKS issuers end with one
 * and `iss` must carry it. Flexible credentials (`claims_matching_expression`, app registrations only) are reported,
 * not evaluated.
 */
import type { Decision, Token, TrustAlternative, VerifyTrust } from './model';
import { byText } from './order';
import { NeutralResource, SynthOutput } from '../synth/model';
import { attributesOf, TerraformIndex } from '../synth/terraform';
import { asList, safeJson } from '../synth/values';

/** The credential types read, with their audience attribute and the parent attribute. */
const CREDENTIAL_TYPES: Readonly<Record<string, { readonly audience: string; readonly parents: readonly string[]; readonly name: string }>> = {
  azurerm_federated_identity_credential: { audience: 'audience', parents: ['parent_id'], name: 'name' },
  azuread_application_federated_identity_credential: { audience: 'audiences', parents: ['application_id', 'application_object_id'], name: 'display_name' },
  azuread_application_flexible_federated_identity_credential: { audience: 'audience', parents: ['application_id'], name: 'display_name' },
};

const FLEXIBLE = 'azuread_application_flexible_federated_identity_credential';

const label = (r: NeutralResource): string => `${r.file}:${r.id}`;
const unresolved = (value: string): boolean => value.includes('${');

/** What a credential's parent is: a managed identity or an application of the output (by name), else as written. */
function parentOf(index: TerraformIndex, credential: NeutralResource, value: unknown): { name: string; resource?: NeutralResource } {
  const target = index.target(credential.file, value);
  if (target !== undefined) {
    const t = attributesOf(target);
    const name = typeof t.name === 'string' ? index.resolve(credential.file, t.name) : typeof t.display_name === 'string' ? index.resolve(credential.file, t.display_name) : target.id;
    return { name, resource: target };
  }
  if (typeof value === 'string') {
    const resolved = index.resolve(credential.file, value);
    // An identity's resource id: `/subscriptions/…/userAssignedIdentities/NAME`.
    return { name: /\/userAssignedIdentities\/([^/]+)$/i.exec(resolved)?.[1] ?? resolved };
  }
  return { name: safeJson(value) };
}

function decide(issuer: string, subject: string, audiences: readonly string[], token: Token): Decision {
  const iss = token.claims.iss ?? token.issuer;
  if (iss !== issuer) return { outcome: 'denied', detail: `issuer ${JSON.stringify(iss)} is not ${JSON.stringify(issuer)} (compared exactly)` };
  const sub = token.claims.sub;
  if (typeof sub !== 'string') return { outcome: 'denied', detail: 'the token has no sub claim' };
  if (sub !== subject) {
    const caseOnly = sub.toLowerCase() === subject.toLowerCase();
    return { outcome: 'denied', detail: `subject ${JSON.stringify(sub)} is not ${JSON.stringify(subject)} (compared exactly${caseOnly ? ': they differ in case only' : ''})` };
  }
  const aud = token.claims.aud;
  const tokenAudiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(String) : [];
  if (tokenAudiences.length === 0) return { outcome: 'denied', detail: 'the token has no aud claim' };
  if (!tokenAudiences.some((a) => audiences.includes(a))) {
    return { outcome: 'denied', detail: `audience ${JSON.stringify(aud)} is not one of ${JSON.stringify(audiences)}` };
  }
  return { outcome: 'admitted', detail: 'issuer, subject and audience match the credential exactly' };
}

/**
 * The federated identity credentials of Azure identities in synthesized output: one `azure-fic` trust per
 * credential (`azure:fic:PARENT/NAME`, PARENT the managed identity's or application's name). Issuer, subject and
 * audience must each be known; a credential with an unresolved `${…}` issuer, subject or audience, or a flexible
 * credential, is not evaluable. Sorted by id.
 */
export function azureTrusts(output: SynthOutput): { trusts: VerifyTrust[]; warnings: string[] } {
  const index = new TerraformIndex(output.resources);
  const trusts: VerifyTrust[] = [];
  const warnings: string[] = [];
  for (const r of output.resources) {
    const spec = CREDENTIAL_TYPES[r.type];
    if (r.format !== 'terraform' || spec === undefined) continue;
    const p = attributesOf(r);
    const resolve = (value: unknown): string => (typeof value === 'string' ? index.resolve(r.file, value) : safeJson(value));
    const parentValue = spec.parents.map((k) => p[k]).find((v) => v !== undefined);
    const parent = parentOf(index, r, parentValue);
    const name = typeof p[spec.name] === 'string' ? resolve(p[spec.name]) : r.id;
    const resources = [label(r), ...(parent.resource ? [label(parent.resource)] : [])].sort();
    const path = r.properties?.['//']?.metadata?.path;
    const base = {
      id: `azure:fic:${parent.name}/${name}`,
      cloud: 'azure' as const,
      kind: 'azure-fic' as const,
      identity: parent.name,
      location: { file: r.file, resource: r.id, ...(typeof path === 'string' ? { constructPath: path } : {}) },
      resources,
    };
    const issuer = typeof p.issuer === 'string' ? resolve(p.issuer) : undefined;
    const audiences = asList<unknown>(p[spec.audience]).map(resolve).sort();
    let reason: string | undefined;
    if (r.type === FLEXIBLE) reason = 'claims matching expressions are not evaluated';
    else if (issuer === undefined) reason = 'the credential has no issuer';
    else if (unresolved(issuer)) reason = `the issuer ${issuer} is not resolved`;
    const subject = typeof p.subject === 'string' ? resolve(p.subject) : undefined;
    if (reason === undefined && subject === undefined) reason = 'the credential has no subject';
    if (reason === undefined && unresolved(subject!)) reason = `the subject ${subject} is not resolved`;
    if (reason === undefined && audiences.length === 0) reason = 'the credential has no audience';
    if (reason === undefined && audiences.some(unresolved)) reason = `the audience ${audiences.find(unresolved)} is not resolved`;
    if (reason !== undefined) {
      const detail = `not evaluated: ${reason}`;
      trusts.push({ ...base, alternatives: [], unevaluable: reason, evaluate: () => ({ outcome: 'unsupported', detail }) });
      continue;
    }
    const alternative: TrustAlternative = {
      issuer: issuer!,
      claims: { aud: { values: audiences, glob: false }, sub: { values: [subject!], glob: false } },
    };
    trusts.push({ ...base, alternatives: [alternative], evaluate: (token) => decide(issuer!, subject!, audiences, token) });
  }
  // Entra refuses a second credential with the same issuer and subject on one parent; the output may still hold one.
  const seen = new Map<string, string>();
  for (const t of trusts) {
    const alt = t.alternatives[0];
    if (alt === undefined) continue;
    const key = `${t.identity}\n${alt.issuer}\n${alt.claims.sub.values[0]}`;
    if (seen.has(key)) warnings.push(`${t.location.file}:${t.location.resource}: same issuer and subject as ${seen.get(key)} on ${t.identity} (Entra refuses the second)`);
    else seen.set(key, `${t.location.file}:${t.location.resource}`);
  }
  trusts.sort((a, b) => byText(a.id, b.id));
  return { trusts, warnings: warnings.sort() };
}
