import { Change, ChangeType, diffFails, FailOn, IdentityChange, InventoryDiff } from './diff';
import { code, identityFacts, identityTitle, text } from './markdown';
import { packSections } from '../core/report';

/** Marks the comment, so CI can find and edit its own previous comment. */
export const DIFF_COMMENT_MARKER = '<!-- keyless-identity-diff -->';

/** GitHub refuses comments over 65,536 characters: the comment stops short of it and says so. */
const MAX_COMMENT_LENGTH = 60_000;

/** Entries listed for an added identity before "… and N more". */
const MAX_LISTED = 25;

const LABELS: Record<ChangeType, string> = {
  'identity-added': 'Added',
  'identity-removed': 'Removed',
  'trust-broadened': 'Trust broadened',
  'trust-narrowed': 'Trust narrowed',
  'permission-broadened': 'Permissions broadened',
  'permission-narrowed': 'Permissions narrowed',
  'session-increased': 'Session lifetime increased',
  'session-decreased': 'Session lifetime decreased',
  'credential-changed': 'Credential changed',
  'ownership-removed': 'Ownership removed',
  'ownership-changed': 'Ownership changed',
  'attribute-changed': 'Attribute changed',
  'identity-revoked': 'Revoked',
  'identity-unrevoked': 'No longer revoked',
  'revocation-changed': 'Revocation changed',
  'detections-removed': 'Detections removed',
  'detections-added': 'Detections added',
};

const SECTIONS: Array<[IdentityChange['status'], string]> = [
  ['broadened', 'Broadened'], ['added', 'Added'], ['removed', 'Removed'], ['narrowed', 'Narrowed'], ['changed', 'Other changes'],
];

/** One change as a Markdown list item: broadening in bold, subjects and permissions as code, then why. */
function changeLine(change: Change): string {
  const label = change.direction === 'broadening' ? `**${LABELS[change.type]}**` : LABELS[change.type];
  const was = change.counterparts.length > 0 ? [`was ${change.counterparts.map(code).join(', ')}`] : [];
  const why = (extra: string[]) => ([...extra, ...change.reasons].length > 0 ? ` (${[...extra, ...change.reasons].join('; ')})` : '');
  const value = code(change.value ?? '');
  const replacedBy = change.counterparts.map(code).join(', ');
  let detail: string;
  switch (change.type) {
    case 'trust-broadened': detail = `now assumable by ${value}${why(was)}`; break;
    case 'trust-narrowed': detail = change.counterparts.length > 0 ? `${value} now only ${replacedBy}` : `no longer assumable by ${value}`; break;
    case 'permission-broadened': detail = change.reasons.includes('deny removed') ? `no longer denied: ${value}` : `can now do ${value}${why(was)}`; break;
    case 'permission-narrowed':
      detail = change.reasons.includes('deny added') ? `now denied: ${value}` : change.counterparts.length > 0 ? `${value} now only ${replacedBy}` : `can no longer do ${value}`;
      break;
    case 'identity-revoked': detail = `revoked at ${text(change.after ?? '')}`; break;
    case 'identity-unrevoked': detail = `no longer revoked (was revoked at ${text(change.before ?? '')})`; break;
    case 'revocation-changed': detail = `${text(change.before ?? '')} → ${text(change.after ?? '')}${why([])}`; break;
    case 'detections-removed': detail = `no longer watched: ${code(change.after ?? '')} (was ${code(change.before ?? '')}; ${change.reasons.join('; ')})`; break;
    case 'detections-added': detail = `now ${code(change.after ?? '')}${change.before !== undefined ? ` (was ${code(change.before)})` : ''}`; break;
    case 'ownership-removed': detail = `${change.field} (was ${text(change.before ?? '')})`; break;
    case 'ownership-changed':
    case 'attribute-changed': detail = `${change.field}: ${change.before === undefined ? '—' : code(change.before)} → ${change.after === undefined ? '—' : code(change.after)}`; break;
    default: detail = `${change.before} → ${change.after}`; break;
  }
  return `- ${label}: ${detail}`;
}

/** The lines of one identity's section. */
function identitySection(identity: IdentityChange): string[] {
  const r = identity.record;
  const lines = [`#### ${identityTitle(r)}`, '', `${code(r.id)} · ${identityFacts(r)}`, ''];
  if (identity.status === 'added') {
    const list = (intro: string, entries: string[]) => {
      if (entries.length === 0) lines.push(`- ${intro}: nothing in this output`);
      for (const entry of entries.slice(0, MAX_LISTED)) lines.push(`- ${intro}: ${entry}`);
      if (entries.length > MAX_LISTED) lines.push(`- … and ${entries.length - MAX_LISTED} more (see the JSON report)`);
    };
    list('**Assumable by**', r.trustedSubjects.map((s) => `${code(s.text)}${flags([s.wildcard && 'wildcard', s.pullRequest && 'admits pull_request runs', s.kind === 'static' && 'static credential'])}`));
    list('**Can do**', r.permissions.map((p) => `${code(p.text)}${flags([p.wildcard && 'wildcard', p.privileged && 'privileged'])}`));
  } else if (identity.status === 'removed') {
    lines.push(`- Removed: was assumable by ${r.trustedSubjects.length} subject${r.trustedSubjects.length === 1 ? '' : 's'} and could do ${r.permissions.length} thing${r.permissions.length === 1 ? '' : 's'}`);
  } else {
    lines.push(...identity.changes.map(changeLine));
  }
  lines.push('');
  return lines;
}

function flags(values: Array<string | false>): string {
  const set = values.filter((v): v is string => typeof v === 'string');
  return set.length > 0 ? ` (${set.join(', ')})` : '';
}

/** Options for {@link diffMarkdown}. */
export interface DiffMarkdownOptions {
  /** The gate in force, to say in the comment whether it fails. @default 'never' */
  readonly failOn?: FailOn;
  /** Longest comment, in characters. @default 60000 */
  readonly maxLength?: number;
}

/**
 * The pull-request comment: per identity, who can now assume it and what it can now do that it could not before,
 * then what it lost; broadened and added identities first.
 */
export function diffMarkdown(diff: InventoryDiff, options: DiffMarkdownOptions = {}): string {
  const s = diff.summary;
  const compared = `Base: ${diff.base.identities} identities in ${diff.base.files} files; head: ${diff.head.identities} identities in ${diff.head.files} files.`;
  const lines = [DIFF_COMMENT_MARKER, '## Keyless identity diff', ''];
  if (diff.identities.length === 0) {
    lines.push(`**No identity changes.** ${compared}`, '');
  } else {
    const counts = [`${s.broadened} broadened`, `${s.added} added`, `${s.removed} removed`, `${s.narrowed} narrowed`, `${s.changed} otherwise changed`];
    lines.push(`**${counts.join(', ')}**; ${s.unchanged} unchanged. ${compared}`, '');
    if (options.failOn && diffFails(diff, options.failOn)) {
      lines.push(`This fails \`--fail-on ${options.failOn}\`: ${options.failOn === 'any' ? 'any identity change' : 'a broadened or added identity'} needs a security review.`, '');
    }
  }
  const footer = ['<sub>Identities are matched by id (cloud:kind:name). A subject or permission already admitted by one in base is not a broadening: tightening a pattern or a condition is narrowing.</sub>'];
  if (diff.warnings.length > 0) footer.unshift('### Warnings', '', ...diff.warnings.map((w) => `- ${text(w)}`), '');
  const limit = options.maxLength ?? MAX_COMMENT_LENGTH;
  const sections = SECTIONS.map(([status, title]) => ({ title, items: diff.identities.filter((i) => i.status === status) }));
  const { shown } = packSections(lines, footer, limit, sections, identitySection);
  if (shown < diff.identities.length) lines.push(`… ${diff.identities.length - shown} more changed identities are not shown (comment size limit): see the JSON report.`, '');
  lines.push(...footer);
  return `${lines.join('\n')}\n`;
}

/** The diff as JSON, two-space indented, with a final newline. */
export function diffJson(diff: InventoryDiff): string {
  return `${JSON.stringify(diff, null, 2)}\n`;
}
