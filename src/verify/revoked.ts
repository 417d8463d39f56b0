/**
 * `keyless verify`, revoked identities (core/revocation.ts): a revoked identity's legitimate tokens must be refused,
 * and that is what its verdict checks (`revoked`), instead of reporting the refusals as a broken trust.
 *
 * Read from what each target renders: AWS role tags `keyless:revoked` / `keyless:revoked-reason` (the trust's
 * `KeylessRevoked` Deny is evaluated like any statement: an explicit Deny wins, ./aws-trust-evaluator.ts), GCP
 * `revoked=` / `revoked-reason=` in the ownership description of a service account, workload identity provider or
 * pool, Azure tags `keyless-revoked` / `keyless-revoked-reason` on a user-assigned identity. A revoked GCP or Azure
 * identity has no binding or federated credential left, so no trust reads it: it is reported as a trust of its own
 * (`gcp:revoked:NAME`, `azure:revoked:RESOURCE_GROUP/NAME`) that admits nothing. A GKE identity with direct access
 * carries its marker in a `terraform_data` resource (core/trust/gcp-revocation.ts): grants to its principal that
 * survive (made outside Keyless) are trusts of their own, which the revocation marks, so a legitimate pod they still
 * admit makes the verdict `broken`.
 */
import type { VerifyRevocation, VerifyTrust } from './model';
import { decodeOwnershipDescription, decodeOwnershipTags, OWNERSHIP_PREFIX } from '../core/ownership';
import { REVOKED_KEY, REVOKED_REASON_KEY } from '../core/revocation';
import { gcpRevokedPrincipalMarker, TERRAFORM_DATA } from '../core/trust/gcp-revocation';
import { trustDeniesEveryAssumption } from '../synth/aws-trust-denial';
import type { NeutralResource, SynthOutput } from '../synth/model';
import { trustStatements } from '../synth/policy';
import { attributesOf, TerraformIndex } from '../synth/terraform';
import { asList, safeJson } from '../synth/values';

const label = (r: NeutralResource): string => `${r.file}:${r.id}`;

function fromFields(fields: Record<string, string>): VerifyRevocation | undefined {
  const at = fields[REVOKED_KEY];
  return at === undefined || at === '' ? undefined : { at, reason: fields[REVOKED_REASON_KEY] ?? 'not declared' };
}

/** A revoked identity of the output: the resource carrying the marker, and what a trust of its own would be called. */
interface RevokedResource {
  readonly resource: NeutralResource;
  readonly revocation: VerifyRevocation;
  /** Set for GCP and Azure identities, which keep no trust once revoked. */
  readonly own?: Pick<VerifyTrust, 'id' | 'cloud' | 'kind' | 'identity'>;
  /** A GKE principal's marker: the id prefix (`gcp:gke:POOL[NS/KSA]->`) of the trusts of the grants it still has. */
  readonly gkeTrustPrefix?: string;
}

/** `gcp:gke:POOL[NS/KSA]->`, the id prefix of the trusts verify builds for a GKE principal's grants (./gcp.ts). */
function gkeTrustPrefix(principal: string): string | undefined {
  const m = /^principal:\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+)\/subject\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
  return m ? `gcp:gke:${m[1]}[${m[2]}/${m[3]}]->` : undefined;
}

/**
 * A revoked AWS role's revocation, with a gap when a trust statement no unconditional Deny covers (added after the
 * revocation, or a Deny narrowed by hand) still issues sessions, possibly to a principal verify's tokens do not stand
 * for (an IAM role or user): ../synth/aws-trust-denial.ts.
 */
function withAwsTrustGap(role: NeutralResource, revocation: VerifyRevocation): VerifyRevocation {
  if (trustDeniesEveryAssumption(trustStatements(role))) return revocation;
  return { ...revocation, gap: 'its trust still admits an assumption that no unconditional Deny covers (a statement added after the revocation?): re-deploy the revocation' };
}

/** Every revoked identity of the output, by resource label. */
export function revokedResources(output: SynthOutput): Map<string, RevokedResource> {
  const index = new TerraformIndex(output.resources);
  const found = new Map<string, RevokedResource>();
  for (const r of output.resources) {
    if (r.type === 'AWS::IAM::Role' && r.format === 'cloudformation') {
      const tags = Object.fromEntries(asList<any>(r.properties?.Tags).filter((t) => typeof t?.Key === 'string')
        .map((t) => [t.Key, typeof t.Value === 'string' ? t.Value : safeJson(t.Value)]));
      const revocation = fromFields(decodeOwnershipTags(tags, OWNERSHIP_PREFIX.aws));
      if (revocation) found.set(label(r), { resource: r, revocation: withAwsTrustGap(r, revocation) });
    } else if (r.format !== 'terraform') {
      continue;
    } else if (r.type === 'aws_iam_role') {
      const revocation = fromFields(decodeOwnershipTags(attributesOf(r).tags, OWNERSHIP_PREFIX.aws));
      if (revocation) found.set(label(r), { resource: r, revocation: withAwsTrustGap(r, revocation) });
    } else if (r.type === 'google_service_account' || r.type === 'google_iam_workload_identity_pool_provider' || r.type === 'google_iam_workload_identity_pool') {
      const p = attributesOf(r);
      const revocation = fromFields(decodeOwnershipDescription(p.description));
      if (!revocation) continue;
      const name = r.type === 'google_service_account' ? index.resolve(r.file, p.account_id)
        : r.type === 'google_iam_workload_identity_pool' ? index.resolve(r.file, p.workload_identity_pool_id)
          : `${index.resolve(r.file, p.workload_identity_pool_id)}/${index.resolve(r.file, p.workload_identity_pool_provider_id)}`;
      found.set(label(r), { resource: r, revocation, own: { id: `gcp:revoked:${name}`, cloud: 'gcp', kind: 'gcp-workload-identity', identity: name } });
    } else if (r.type === TERRAFORM_DATA) {
      // A GKE identity with direct access (core/trust/gcp-revocation.ts): grants to its principal that survive are its trusts.
      const marker = gcpRevokedPrincipalMarker(attributesOf(r).input);
      const revocation = marker && fromFields(decodeOwnershipDescription(marker.description));
      if (!marker || !revocation) continue;
      found.set(label(r), {
        resource: r,
        revocation,
        gkeTrustPrefix: gkeTrustPrefix(marker.principal),
        own: { id: `gcp:revoked:${marker.principal}`, cloud: 'gcp', kind: 'gcp-gke', identity: marker.principal },
      });
    } else if (r.type === 'azurerm_user_assigned_identity') {
      const p = attributesOf(r);
      const revocation = fromFields(decodeOwnershipTags(p.tags, OWNERSHIP_PREFIX.azure));
      if (!revocation) continue;
      const name = `${index.resolve(r.file, p.resource_group_name)}/${index.resolve(r.file, p.name)}`;
      found.set(label(r), { resource: r, revocation, own: { id: `azure:revoked:${name}`, cloud: 'azure', kind: 'azure-fic', identity: name } });
    }
  }
  return found;
}

/**
 * The trusts with their revocation (a trust any of whose resources is revoked), plus one trust per revoked GCP or
 * Azure identity that no trust reads (its bindings or credentials are gone): it admits no token.
 */
export function withRevocations(trusts: readonly VerifyTrust[], output: SynthOutput): VerifyTrust[] {
  const revoked = revokedResources(output);
  if (revoked.size === 0) return [...trusts];
  const used = new Set<string>();
  const prefixes = [...revoked].filter(([, e]) => e.gkeTrustPrefix !== undefined);
  const marked = trusts.map((trust) => {
    const hit = trust.resources.find((r) => revoked.has(r))
      ?? prefixes.find(([, e]) => trust.id.startsWith(e.gkeTrustPrefix!))?.[0];
    if (hit === undefined) return trust;
    used.add(hit);
    return { ...trust, revocation: revoked.get(hit)!.revocation };
  });
  for (const [resource, entry] of revoked) {
    if (used.has(resource) || entry.own === undefined) continue;
    const path = entry.resource.properties?.['//']?.metadata?.path;
    marked.push({
      ...entry.own,
      location: { file: entry.resource.file, resource: entry.resource.id, ...(typeof path === 'string' ? { constructPath: path } : {}) },
      resources: [resource],
      alternatives: [],
      revocation: entry.revocation,
      withoutCredential: true,
      evaluate: () => ({ outcome: 'denied', detail: 'revoked: no binding or federated credential is rendered' }),
    });
  }
  return marked;
}
