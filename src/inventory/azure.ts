import { Drafts, ownershipFrom, RecordDraft, sourceOf } from './draft';
import { condition, makePermission, makeSubject, untilCondition } from './entries';
import { Condition } from './model';
import { parseAzurePimJustification } from '../core/break-glass';
import { AZURE_PRIVILEGED_ROLE_IDS, AZURE_PRIVILEGED_ROLE_NAME } from '../core/facts/azure-roles';
import { decodeOwnershipDescription, decodeOwnershipTags, OWNERSHIP_PREFIX } from '../core/ownership';
import { AZURE_REVOKED_PIM_MARKER_TYPE, azureRevokedPimMarker } from '../core/trust/azure-revocation';
import { NeutralResource } from '../synth/model';
import { attributesOf, TerraformIndex } from '../synth/terraform';
import { asList, issuerOf } from '../synth/values';

/** A role assignment's role: its name, or `roleDefinitions/GUID` (the built-in name when it is a privileged role). */
function roleOf(file: string, p: any, index: TerraformIndex): string {
  if (typeof p.role_definition_name === 'string') return index.resolve(file, p.role_definition_name);
  // A custom role defined in the same output reads as its name and exact actions, not as a reference.
  const id = index.resolve(file, p.role_definition_id ?? '', (target, attribute) => {
    if (target.type !== 'azurerm_role_definition' || !/^role_definition_(resource_)?id$/.test(attribute)) return undefined;
    const definition = attributesOf(target);
    const permissions = asList<any>(definition.permissions);
    const actions = [...permissions.flatMap((x) => asList<string>(x?.actions)), ...permissions.flatMap((x) => asList<string>(x?.data_actions))];
    return `custom role ${index.resolve(file, definition.name)} (${actions.length > 0 ? actions.join(', ') : 'no actions'})`;
  });
  if (id.startsWith('custom role ')) return id;
  const guid = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(id)?.[1]?.toLowerCase();
  if (guid && AZURE_PRIVILEGED_ROLE_IDS[guid]) return AZURE_PRIVILEGED_ROLE_IDS[guid];
  return guid ? `roleDefinitions/${guid}` : id;
}

/** An ABAC condition: the blob path prefix Keyless renders is read as such; other expressions are kept verbatim. */
function abacConditions(expression: unknown): Condition[] {
  if (typeof expression !== 'string' || expression.trim() === '') return [];
  const paths = [...expression.matchAll(/@Resource\[[^\]]*:path\]\s+StringStartsWith\s+'([^']*)'/g)];
  // Keyless's read condition also limits listing: the List request's prefix starts with the same folder.
  const listPrefixes = [...expression.matchAll(/@Request\[[^\]]*blobs:prefix\]\s+StringStartsWith\s+'([^']*)'/g)];
  const otherAttributes = expression.replace(/@Request\[[^\]]*blobs:prefix\]/g, '');
  if (paths.length === 1 && !/@(Request|Principal|Environment)\[/.test(otherAttributes)
    && (listPrefixes.length === 0 || (listPrefixes.length === 1 && listPrefixes[0][1] === paths[0][1]))) {
    return [condition('startsWith', 'blob-path', [paths[0][1]], `blob path starts with ${paths[0][1]} (ABAC)`)];
  }
  const text = expression.replace(/\s+/g, ' ').trim();
  return [condition('abac', '', [text], text)];
}

/**
 * Azure identities of Terraform JSON: user-assigned identities with their federated credentials and role
 * assignments, Entra applications with their credentials, and PIM (break-glass) assignments.
 */
export function azureRecords(resources: readonly NeutralResource[], drafts: Drafts, index: TerraformIndex): void {
  const azure = resources.filter((r) => r.format === 'terraform' && (r.type.startsWith('azurerm_') || r.type.startsWith('azuread_')));
  const byResource = new Map<string, RecordDraft>();

  for (const r of azure.filter((x) => x.type === 'azurerm_user_assigned_identity')) {
    const p = attributesOf(r);
    const draft = drafts.get('azure', 'user-assigned-identity', `${index.resolve(r.file, p.resource_group_name)}/${index.resolve(r.file, p.name)}`, r, true);
    draft.ownership = ownershipFrom(decodeOwnershipTags(p.tags, OWNERSHIP_PREFIX.azure));
    byResource.set(sourceOf(r), draft);
  }
  for (const r of azure.filter((x) => x.type === 'azuread_application' || x.type === 'azuread_application_registration')) {
    const p = attributesOf(r);
    const draft = drafts.get('azure', 'application', index.resolve(r.file, p.display_name), r, true);
    draft.ownership = ownershipFrom({ ...decodeOwnershipDescription(p.description), ...decodeOwnershipDescription(p.notes) });
    byResource.set(sourceOf(r), draft);
  }
  // Service principals belong to their application.
  for (const r of azure.filter((x) => x.type === 'azuread_service_principal')) {
    const p = attributesOf(r);
    const app = index.target(r.file, p.client_id ?? p.application_id);
    const draft = app ? byResource.get(sourceOf(app)) : undefined;
    if (draft) {
      draft.resources.add(sourceOf(r));
      byResource.set(sourceOf(r), draft);
    }
  }

  const identityAt = (r: NeutralResource, value: unknown): RecordDraft => {
    const target = index.target(r.file, value);
    const known = target ? byResource.get(sourceOf(target)) : undefined;
    if (known) return known;
    const text = index.resolve(r.file, value);
    const uai = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i.exec(text);
    if (uai) return drafts.find('azure', 'user-assigned-identity', `${uai[1]}/${uai[2]}`) ?? drafts.get('azure', 'user-assigned-identity', `${uai[1]}/${uai[2]}`, r, false);
    return drafts.get('azure', 'principal', text, r, false);
  };

  for (const r of azure) {
    const p = attributesOf(r);
    const source = sourceOf(r);
    switch (r.type) {
      case 'azurerm_federated_identity_credential':
      case 'azuread_application_federated_identity_credential': {
        const draft = identityAt(r, r.type === 'azurerm_federated_identity_credential' ? p.parent_id : p.application_id ?? p.application_object_id);
        draft.resources.add(source);
        // Federated credentials match issuer, subject and audience exactly: there are no patterns (Microsoft Entra workload identity federation).
        draft.subjects.push(makeSubject({
          kind: 'oidc',
          issuer: issuerOf(index.resolve(r.file, p.issuer)),
          source,
          claims: { sub: [index.resolve(r.file, p.subject)], aud: asList<unknown>(p.audience ?? p.audiences).map((a) => index.resolve(r.file, a)) },
        }));
        break;
      }
      case 'azuread_application_password':
      case 'azuread_application_certificate':
      case 'azuread_service_principal_password':
      case 'azuread_service_principal_certificate': {
        const draft = identityAt(r, r.type.startsWith('azuread_application_') ? p.application_id ?? p.application_object_id : p.service_principal_id);
        draft.resources.add(source);
        const end = typeof p.end_date === 'string' ? [untilCondition(p.end_date)] : [];
        draft.subjects.push(makeSubject({ kind: 'static', issuer: `${r.type.endsWith('password') ? 'client secret' : 'certificate'} ${r.id}`, conditions: end, source }));
        break;
      }
      case 'azurerm_role_assignment': {
        const draft = identityAt(r, p.principal_id);
        draft.resources.add(source);
        const role = roleOf(r.file, p, index);
        const scope = index.resolve(r.file, p.scope);
        const privileged = AZURE_PRIVILEGED_ROLE_NAME.test(role);
        if (privileged) draft.privilegedReasons.push(`${role} on ${scope}`);
        draft.permissions.push(makePermission({ kind: 'role', action: role, scope, conditions: abacConditions(p.condition), wildcard: false, privileged, source }));
        break;
      }
      case 'azurerm_pim_eligible_role_assignment':
      case 'azurerm_pim_active_role_assignment':
        pimAssignment(r, drafts, index);
        break;
      default:
        break;
    }
  }
  // A revoked break-glass assignment renders no PIM assignment: its marker (core/trust/azure-revocation.ts) keeps the record.
  for (const r of resources) {
    if (r.format !== 'terraform' || r.type !== AZURE_REVOKED_PIM_MARKER_TYPE) continue;
    const marker = azureRevokedPimMarker(attributesOf(r).input);
    if (!marker) continue;
    // Revoked: the subject stays listed (with its `revoked` condition), the role is held no more.
    pimRecord(r, drafts, {
      granted: false,
      mode: marker.mode,
      principal: marker.principalId,
      roleDefinition: index.resolve(r.file, marker.roleDefinitionId),
      role: roleOf(r.file, { role_definition_id: marker.roleDefinitionId }, index),
      scope: marker.scope,
      end: marker.expires,
      justification: marker.justification,
    });
  }
}

/** A PIM (break-glass) role assignment: eligible or active, time-bound, owned through its justification. */
function pimAssignment(r: NeutralResource, drafts: Drafts, index: TerraformIndex): void {
  const p = attributesOf(r);
  pimRecord(r, drafts, {
    granted: true,
    mode: r.type === 'azurerm_pim_eligible_role_assignment' ? 'eligible' : 'active',
    principal: index.resolve(r.file, p.principal_id),
    roleDefinition: index.resolve(r.file, p.role_definition_id),
    role: roleOf(r.file, p, index),
    scope: index.resolve(r.file, p.scope),
    end: p.schedule?.expiration?.end_date_time,
    justification: p.justification,
  });
}

/**
 * The name of a PIM assignment's record: `PRINCIPAL/ROLE_GUID/SCOPE…` (the scope, an ARM id, keeps its slashes). A role
 * assignment is one principal, one role and one scope ("Understand Azure role assignments":
 * https://learn.microsoft.com/en-us/azure/role-based-access-control/role-assignments), so a principal's two
 * assignments are two records, and a revoked one (its marker records the same three) is never merged into a live one.
 */
function pimName(principal: string, roleDefinition: string, scope: string): string {
  const guid = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(roleDefinition)?.[1]?.toLowerCase();
  return `${principal}/${guid ?? roleDefinition}${scope.startsWith('/') ? '' : '/'}${scope}`;
}

/** The record of a PIM assignment, rendered (pimAssignment, `granted`) or revoked (its marker): `r` defines it. */
function pimRecord(
  r: NeutralResource, drafts: Drafts,
  fields: {
    granted: boolean; mode: 'eligible' | 'active'; principal: string; roleDefinition: string; role: string; scope: string; end: unknown; justification: unknown;
  },
): void {
  const { mode, principal, role, scope, end } = fields;
  const source = sourceOf(r);
  const draft = drafts.get('azure', 'pim-assignment', pimName(principal, fields.roleDefinition, scope), r, true);
  draft.breakGlass = true;
  draft.credentialType = 'human-break-glass';
  const until = typeof end === 'string' ? [untilCondition(end)] : [];
  draft.subjects.push(makeSubject({ kind: 'azure', issuer: principal, conditions: [condition('pim', 'mode', [mode], `pim ${mode}`), ...until], source }));
  if (fields.granted) {
    draft.permissions.push(makePermission({ kind: 'role', action: role, scope, conditions: until, wildcard: false, privileged: true, source }));
    draft.privilegedReasons.push(`break-glass ${role} on ${scope}`);
  } else {
    draft.attributes.revokedAssignment = `pim ${mode} ${role} on ${scope}`;
  }
  // Keyless writes "(owner TEAM, until DATE)" at the end of the justification.
  const owner = parseAzurePimJustification(fields.justification);
  draft.ownership = {
    ...draft.ownership,
    ...(owner ? { owner: owner.owner } : {}),
    ...(typeof end === 'string' ? { expires: end.slice(0, 10) } : owner?.until ? { expires: owner.until } : {}),
  };
  if (typeof fields.justification === 'string') draft.attributes.justification = fields.justification;
}
