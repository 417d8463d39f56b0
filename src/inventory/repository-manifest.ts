import * as fs from 'fs';
import * as path from 'path';
import { UnreadableInputError } from '../synth/model';

/**
 * The repository side Keyless writes next to the synthesized output (`out/ci/manifest.json`): per CI repository, the
 * files emitted for it (subject template, workflow snippet) and the inventory ids of the identities they are for.
 *
 * ```
 * { schemaVersion: 1, repositories: [ { platform, repository, issuer, files: ["ci/…"], identities: [ { id, construct, cloud } ] } ] }
 * ```
 * `files` are relative to the out directory, the directory above the manifest's own (`out/` for `out/ci/manifest.json`).
 */
export const REPOSITORY_SIDE_SCHEMA_VERSION = 1;

/** The repository side read from one manifest. */
export interface RepositorySide {
  /** The manifest, labelled as the reader labels files (DIR-NAME/relative/path, e.g. `ci/manifest.json`). */
  readonly file: string;
  /** Inventory id → the files emitted for it (sorted, relative to the out directory). */
  readonly files: ReadonlyMap<string, readonly string[]>;
}

/** Whether a parsed `manifest.json` is a repository-side manifest (CDK and cdktf manifests have `artifacts` / `stacks` instead). */
export function isRepositorySideDocument(document: unknown): boolean {
  return typeof document === 'object' && document !== null && !Array.isArray(document) && Array.isArray((document as any).repositories);
}

/** The parsed manifest if `file` is a repository-side manifest, else undefined (not JSON, or another tool's manifest). */
export function repositorySideDocument(file: string): unknown {
  if (path.basename(file) !== 'manifest.json') return undefined;
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined; // not ours: an unparseable CDK manifest is reported by the reader
  }
  return isRepositorySideDocument(document) ? document : undefined;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Reads a repository-side manifest. Refuses, with an {@link UnreadableInputError} naming the manifest, an unknown
 * `schemaVersion`, an entry without its platform, repository, files or identity ids, and a listed file that is
 * missing (a partial output, as for a CDK manifest's missing template).
 */
export function readRepositorySide(absolute: string, label: string, document: unknown): RepositorySide {
  const manifest = document as { schemaVersion?: unknown; repositories: unknown[] };
  const refuse = (problem: string): never => {
    throw new UnreadableInputError(`${label}: ${problem}`);
  };
  if (manifest.schemaVersion !== REPOSITORY_SIDE_SCHEMA_VERSION) {
    refuse(`schemaVersion is ${JSON.stringify(manifest.schemaVersion)}: this reader knows repository-side schemaVersion ${REPOSITORY_SIDE_SCHEMA_VERSION} (re-run the synthesis with this Keyless)`);
  }
  const outDir = path.dirname(path.dirname(absolute));
  const files = new Map<string, Set<string>>();
  manifest.repositories.forEach((entry: any, i) => {
    const at = `repositories[${i}]`;
    if (!isText(entry?.platform) || !isText(entry?.repository)) refuse(`${at} has no \`platform\` or \`repository\`: expected e.g. { "platform": "github-actions", "repository": "acme/app", … }`);
    if (!Array.isArray(entry.files) || !entry.files.every(isText)) refuse(`${at} (${entry.repository}): \`files\` is not a list of paths`);
    if (!Array.isArray(entry.identities) || !entry.identities.every((identity: any) => isText(identity?.id))) {
      refuse(`${at} (${entry.repository}): \`identities\` is not a list of { "id": "<inventory id>" }`);
    }
    for (const file of entry.files as string[]) {
      if (!fs.existsSync(path.join(outDir, file))) refuse(`lists ${file}, which is missing: the output is partial (re-run the synthesis)`);
    }
    for (const { id } of entry.identities as Array<{ id: string }>) {
      if (!files.has(id)) files.set(id, new Set());
      for (const file of entry.files as string[]) files.get(id)!.add(file);
    }
  });
  return { file: label, files: new Map([...files].map(([id, set]) => [id, [...set].sort()])) };
}
