import { IdentityRecord, kindLabel } from './model';

/** Inline code that survives any content: backticks inside get a longer fence, pipes are escaped for tables. */
export function code(value: string): string {
  // Most values (ids, names) hold no backtick, pipe or line break: written as they are (an inventory writes ~100,000).
  if (!/[`|\r\n]/.test(value)) return `\`${value}\``;
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const padded = longest > 0 || value.startsWith('`') || value.endsWith('`') ? ` ${value} ` : value;
  return `${fence}${padded.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}${fence}`;
}

/** Plain text for Markdown: characters that would format are escaped. */
export function text(value: string): string {
  if (!/[\\`*_[\]<>|#\r\n]/.test(value)) return value;
  return value.replace(/([\\`*_[\]<>|#])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** A lifetime in seconds as people read it: `1 h`, `15 min`, `900 s`; `not declared` for null. */
export function duration(seconds: number | null): string {
  if (seconds === null) return 'not declared';
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A percentage with at most two decimals. */
export function percent(ratio: number): string {
  return `${Math.round(ratio * 10_000) / 100}%`;
}

/** `AWS IAM role \`name\``. */
export function identityTitle(record: Pick<IdentityRecord, 'cloud' | 'kind' | 'name'>): string {
  return `${kindLabel(record.cloud, record.kind)} ${code(record.name)}`;
}

/** One line about who owns an identity and where it is defined. */
export function identityFacts(record: IdentityRecord): string {
  const o = record.ownership;
  const facts = [
    o.owner ? `owner ${text(o.owner)}` : '**no owner**',
    ...(o.environment ? [text(o.environment)] : []),
    ...(o.tier !== undefined ? [`tier ${o.tier}`] : []),
    ...(o.reviewBy ? [`review by ${o.reviewBy}`] : []),
    ...(o.expires ? [`expires ${o.expires}`] : []),
    record.credentialType,
    `session ${duration(record.maxSessionSeconds)}`,
    ...(record.privileged ? ['**privileged**'] : []),
    record.defined ? `${code(record.file)} ${code(record.resource)}` : `referenced in ${code(record.file)} (defined elsewhere)`,
  ];
  return facts.join(' · ');
}
