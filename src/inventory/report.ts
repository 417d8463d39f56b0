import { ADMISSION_POLICY, REPOSITORY_SIDE, sideStates } from './both-sides';
import { DETECTIONS } from './detections';
import { code, duration, identityFacts, identityTitle, percent, text } from './markdown';
import { IdentityRecord, Inventory } from './model';

/** The inventory as JSON (the documented schema, see model.ts), two-space indented, with a final newline. */
export function inventoryJson(inventory: Inventory): string {
  return `${JSON.stringify(inventory, null, 2)}\n`;
}

const CSV_COLUMNS: Array<[string, (r: IdentityRecord) => unknown]> = [
  ['id', (r) => r.id],
  ['cloud', (r) => r.cloud],
  ['kind', (r) => r.kind],
  ['name', (r) => r.name],
  ['defined', (r) => r.defined],
  ['owner', (r) => r.ownership.owner],
  ['purpose', (r) => r.ownership.purpose],
  ['environment', (r) => r.ownership.environment],
  ['tier', (r) => r.ownership.tier],
  ['review_by', (r) => r.ownership.reviewBy],
  ['expires', (r) => r.ownership.expires],
  ['credential_type', (r) => r.credentialType],
  ['max_session_seconds', (r) => r.maxSessionSeconds],
  ['trusted_subjects', (r) => r.trustedSubjects.map((s) => s.text).join('\n')],
  ['permissions', (r) => r.permissions.map((p) => p.text).join('\n')],
  ['blast_radius', (r) => r.blastRadius.entries],
  ['wildcard_entries', (r) => r.blastRadius.wildcardEntries],
  ['wildcard_subjects', (r) => r.trustedSubjects.filter((s) => s.wildcard).length],
  ['privileged', (r) => r.privileged],
  ['privileged_reasons', (r) => r.privilegedReasons.join('\n')],
  ['review_overdue', (r) => r.reviewOverdue],
  ['revoked', (r) => (r.revoked ? `${r.revoked.at} ${r.revoked.reason}` : '')],
  ['detections', (r) => r.attributes[DETECTIONS]],
  ['findings', (r) => r.findings.map((f) => `${f.ruleId} ${f.message}`).join('\n')],
  ['exceptions', (r) => r.exceptions.map((e) => `${e.ruleId} (${e.owner}, until ${e.expires}): ${e.reason}`).join('\n')],
  ['file', (r) => r.file],
  ['resource', (r) => r.resource],
];

/** One CSV cell (RFC 4180); a leading `= + - @` is neutralised so a spreadsheet does not run it as a formula. */
function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The inventory as CSV: one row per identity; lists (subjects, permissions…) one per line within the cell. */
export function inventoryCsv(inventory: Inventory): string {
  const rows = [CSV_COLUMNS.map(([name]) => name), ...inventory.identities.map((r) => CSV_COLUMNS.map(([, get]) => cell(get(r))))];
  return `${rows.map((row) => row.join(',')).join('\r\n')}\r\n`;
}

/** Flags for an other side that is not emitted: `repository side missing`, `admission policy missing` / `opted out`. */
function otherSideFlags(record: IdentityRecord): string[] {
  const repository = sideStates(record.attributes[REPOSITORY_SIDE]);
  const admission = sideStates(record.attributes[ADMISSION_POLICY]);
  return [
    ...(repository.includes('missing') ? ['repository side missing'] : []),
    ...(admission.includes('missing') ? ['admission policy missing'] : admission.includes('opted-out') ? ['admission policy opted out'] : []),
  ];
}

/** Flags for detections that do not watch the identity: `not watched`, `detections opted out`. */
function detectionFlags(record: IdentityRecord): string[] {
  const state = record.attributes[DETECTIONS];
  if (state === undefined || state.startsWith('watched')) return [];
  return state.startsWith('opted-out') ? ['detections opted out'] : ['not watched'];
}

/** The inventory as a Markdown report: metrics, a table of identities, and each identity's trust and permissions. */
export function inventoryMarkdown(inventory: Inventory): string {
  const m = inventory.metrics;
  const lines: string[] = [];
  const clouds = Object.entries(m.byCloud).filter(([, n]) => n > 0).map(([cloud, n]) => `${({ aws: 'AWS', gcp: 'GCP', azure: 'Azure', kubernetes: 'Kubernetes' } as Record<string, string>)[cloud]} ${n}`);
  lines.push('# Identity inventory', '');
  lines.push(`As of ${inventory.asOf}: ${m.identities.defined} identities defined${clouds.length > 0 ? ` (${clouds.join(', ')})` : ''}, ${m.identities.referenced} referenced but defined elsewhere, read from ${inventory.sources.length} files.`, '');
  const largest = m.blastRadius.perIdentity[0];
  lines.push('## Metrics', '', '| metric | value |', '|---|---|');
  lines.push(`| Static credential ratio | ${m.staticCredentialRatio.static} of ${m.staticCredentialRatio.machine} machine identities (${percent(m.staticCredentialRatio.ratio)}) |`);
  lines.push(`| Ownership coverage | ${m.ownershipCoverage.owned} of ${m.ownershipCoverage.total} identities have an owner (${percent(m.ownershipCoverage.ratio)}); ${m.ownershipCoverage.complete} also an environment and a review-by or expiry date |`);
  lines.push(`| Wildcards | ${m.wildcardCount.total} (${m.wildcardCount.trust} in trust, ${m.wildcardCount.permissions} in permissions) |`);
  lines.push(`| Blast radius | ${m.blastRadius.total} permission entries in all; largest ${m.blastRadius.max}${largest && largest.entries > 0 ? ` (${code(largest.id)})` : ''} |`);
  lines.push(`| Exception debt | ${m.exceptionDebt.exceptions} live exceptions covering ${m.exceptionDebt.exceptedFindings} findings; ${m.exceptionDebt.expired} expired |`);
  lines.push(`| Privileged identities | ${m.privilegedIdentities.count}${m.privilegedIdentities.count > 0 ? `: ${m.privilegedIdentities.ids.map(code).join(', ')}` : ''} |`);
  lines.push(`| Review overdue | ${m.reviewOverdue.count}${m.reviewOverdue.count > 0 ? `: ${m.reviewOverdue.ids.map(code).join(', ')}` : ''} |`);
  const ids = (list: readonly string[]) => (list.length > 0 ? ` (${list.map(code).join(', ')})` : '');
  const repository = m.repositorySide;
  lines.push(inventory.sources.some((source) => source.format === 'repository-side')
    ? `| Repository side | ${repository.emitted} of ${repository.emitted + repository.missing} CI identities have their repository side emitted; ${repository.missing} missing${ids(repository.missingIds)} |`
    : '| Repository side | not checked: no repository-side manifest (`ci/manifest.json`) among the inputs |');
  const admission = m.admissionPolicy;
  lines.push(`| Admission policy | ${admission.emitted} of ${admission.emitted + admission.optedOut + admission.missing} identity-bound ServiceAccounts have an admission policy emitted; `
    + `${admission.optedOut} opted out${ids(admission.optedOutIds)}; ${admission.missing} missing${ids(admission.missingIds)} |`);
  const both = m.bothSides;
  lines.push(`| Both sides | ${both.complete} of ${both.total} cloud identities with a CI or ServiceAccount trust have the other side emitted (${percent(both.ratio)})`
    + `${both.incompleteIds.length > 0 ? `; not: ${both.incompleteIds.map(code).join(', ')}` : ''} |`);
  const detections = m.identitiesWithDetections;
  lines.push(`| Identities with detections | ${detections.watched} of ${detections.total} federated identities are watched for refused and foreign assumptions (${percent(detections.ratio)}); `
    + `${detections.optedOutIds.length} opted out${ids(detections.optedOutIds)}; ${detections.missingIds.length} missing${ids(detections.missingIds)} |`);
  lines.push(`| Revoked identities | ${m.revokedIdentities.count}${m.revokedIdentities.count > 0 ? `: ${m.revokedIdentities.ids.map(code).join(', ')}` : ''} |`);
  lines.push(`| Credential types | ${Object.entries(m.byCredentialType).map(([type, n]) => `${type} ${n}`).join(', ')} |`);
  lines.push('');
  lines.push('## Identities', '', '| identity | owner | environment | tier | review-by | credential | session | trusted subjects | blast radius | flags |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const r of inventory.identities) {
    const flags = [
      ...(r.defined ? [] : ['defined elsewhere']),
      ...(r.privileged ? ['privileged'] : []),
      ...(r.blastRadius.wildcardEntries + r.trustedSubjects.filter((s) => s.wildcard).length > 0 ? ['wildcard'] : []),
      ...(r.reviewOverdue ? ['review overdue'] : []),
      ...(r.findings.length > 0 ? [`${r.findings.length} findings`] : []),
      ...(r.exceptions.length > 0 ? [`${r.exceptions.length} exceptions`] : []),
      ...otherSideFlags(r),
      ...detectionFlags(r),
      ...(r.revoked ? [`revoked ${r.revoked.at}`] : []),
    ];
    const o = r.ownership;
    lines.push(`| ${code(r.id)} | ${text(o.owner ?? '—')} | ${text(o.environment ?? '—')} | ${o.tier ?? '—'} | ${o.reviewBy ?? o.expires ?? '—'} | ${r.credentialType} | ${duration(r.maxSessionSeconds)} | ${r.trustedSubjects.length} | ${r.blastRadius.entries}${r.blastRadius.wildcardEntries > 0 ? ` (${r.blastRadius.wildcardEntries} wildcard)` : ''} | ${flags.join(', ')} |`);
  }
  lines.push('');
  const revoked = inventory.identities.filter((r) => r.revoked !== null);
  if (revoked.length > 0) {
    lines.push('## Revoked identities', '', '| identity | revoked at | reason |', '|---|---|---|');
    for (const r of revoked) lines.push(`| ${code(r.id)} | ${r.revoked!.at} | ${text(r.revoked!.reason)} |`);
    lines.push('');
  }
  lines.push('## Details', '');
  for (const r of inventory.identities) {
    lines.push(`### ${identityTitle(r)}`, '', `${code(r.id)} · ${identityFacts(r)}`, '');
    if (r.revoked) lines.push(`**Revoked** at ${r.revoked.at}: ${text(r.revoked.reason)}.${r.trustedSubjects.length > 0 ? ' Every subject below is refused.' : ''}`, '');
    if (r.attributes[DETECTIONS] !== undefined) lines.push(`Detections: ${code(r.attributes[DETECTIONS])}.`, '');
    lines.push(r.trustedSubjects.length > 0 ? 'Can be assumed by:' : 'Can be assumed by: nobody in this output.');
    for (const s of r.trustedSubjects) lines.push(`- ${code(s.text)}${s.wildcard ? ' (wildcard)' : ''}${s.pullRequest ? ' (admits pull_request runs)' : ''}`);
    lines.push('', r.permissions.length > 0 ? 'Can do:' : 'Can do: nothing granted in this output.');
    for (const p of r.permissions) lines.push(`- ${code(p.text)}${p.wildcard ? ' (wildcard)' : ''}${p.privileged ? ' (privileged)' : ''}`);
    if (r.privilegedReasons.length > 0) lines.push('', `Privileged: ${r.privilegedReasons.map(code).join(', ')}.`);
    if (r.findings.length > 0) lines.push('', 'Guardrail findings:', ...r.findings.map((f) => `- ${code(f.ruleId)} ${text(f.message)}`));
    if (r.exceptions.length > 0) lines.push('', 'Exceptions:', ...r.exceptions.map((e) => `- ${code(e.ruleId)} owner ${text(e.owner)}, until ${e.expires}: ${text(e.reason)}`));
    const attributes = Object.entries(r.attributes);
    if (attributes.length > 0) lines.push('', `Attributes: ${attributes.map(([k, v]) => `${k} ${code(v)}`).join(', ')}.`);
    lines.push('');
  }
  if (inventory.warnings.length > 0) {
    lines.push('## Warnings', '', ...inventory.warnings.map((w) => `- ${text(w)}`), '');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
