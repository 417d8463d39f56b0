/**
 * What the reports of `keyless diff` and `keyless verify` share: the SARIF 2.1.0 log code scanning reads, and a
 * pull-request comment that stops short of GitHub's size limit.
 */

/** A rule of a SARIF run. */
export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly level: 'error' | 'warning';
  /** `security-severity` (0.0–10.0), as code scanning ranks alerts. */
  readonly severity: string;
  /** One or more sentences; the first (up to a `:`) is the short description. */
  readonly description: string;
  /** The help text shown with an alert. */
  readonly help: string;
}

/** A SARIF 2.1.0 log of one run of a Keyless tool (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html). */
export function sarifLog(tool: string, tags: readonly string[], rules: readonly SarifRule[], results: readonly object[]): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: tool,
          semanticVersion: '1.0.0',
          rules: rules.map((r) => ({
            id: r.id,
            name: r.name,
            shortDescription: { text: r.description.split(':')[0].replace(/\.$/, '') },
            fullDescription: { text: r.description },
            help: { text: r.help },
            defaultConfiguration: { level: r.level },
            properties: { 'tags': [...tags], 'security-severity': r.severity },
          })),
        },
      },
      results,
    }],
  };
}

/** What {@link packSections} appended: items shown, whether it stopped for the limit, and the comment's length then. */
export interface PackedSections {
  readonly shown: number;
  readonly full: boolean;
  readonly length: number;
}

/**
 * Appends titled sections (`### TITLE (N)`, then each item's lines) to a comment's lines while the comment, with its
 * footer, stays within `limit` characters; stops at the first item that does not fit. Sections without items are skipped.
 */
export function packSections<T>(
  lines: string[], footer: readonly string[], limit: number,
  sections: ReadonlyArray<{ readonly title: string; readonly items: readonly T[] }>, render: (item: T) => string[],
): PackedSections {
  let length = [...lines, ...footer].join('\n').length;
  let shown = 0;
  for (const { title, items } of sections) {
    if (items.length === 0) continue;
    const heading = [`### ${title} (${items.length})`, ''];
    let headed = false;
    for (const item of items) {
      const section = render(item);
      const size = [...(headed ? [] : heading), ...section].join('\n').length + 1;
      if (length + size > limit) return { shown, full: true, length };
      if (!headed) lines.push(...heading);
      headed = true;
      lines.push(...section);
      length += size;
      shown++;
    }
  }
  return { shown, full: false, length };
}
