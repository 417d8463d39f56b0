import { createHash } from 'crypto';
import { ChangeType, InventoryDiff } from './diff';
import { kindLabel } from './model';
import { sarifLog } from '../core/report';

/** What each broadening means, for code scanning rules. */
const RULES: Array<{ type: ChangeType; id: string; name: string; level: 'error' | 'warning'; severity: string; description: string }> = [
  { type: 'trust-broadened', id: 'KL-D-TRUST-BROADENED', name: 'TrustBroadened', level: 'error', severity: '8.0', description: 'An identity can now be assumed by a subject (issuer, repository, ref, workload, principal) that could not assume it before.' },
  { type: 'permission-broadened', id: 'KL-D-PERMISSION-BROADENED', name: 'PermissionBroadened', level: 'error', severity: '7.0', description: 'An identity can now do something (an action or role on a scope) it could not do before, or a deny was removed.' },
  { type: 'identity-added', id: 'KL-D-IDENTITY-ADDED', name: 'IdentityAdded', level: 'warning', severity: '5.0', description: 'A new identity: review who can assume it and what it can do.' },
  { type: 'credential-changed', id: 'KL-D-STATIC-CREDENTIAL', name: 'StaticCredential', level: 'error', severity: '8.0', description: 'An identity now has a static, long-lived credential (key, secret, password or token secret).' },
  { type: 'session-increased', id: 'KL-D-SESSION-INCREASED', name: 'SessionIncreased', level: 'warning', severity: '4.0', description: 'An identity\'s credentials now live longer.' },
  { type: 'ownership-removed', id: 'KL-D-OWNERSHIP-REMOVED', name: 'OwnershipRemoved', level: 'warning', severity: '3.0', description: 'An identity lost its owner, environment, tier or review-by date.' },
  { type: 'identity-unrevoked', id: 'KL-D-REVOCATION-REMOVED', name: 'RevocationRemoved', level: 'error', severity: '8.0', description: 'A revoked identity is no longer revoked: its trust admits its subjects again and its sessions are no longer denied.' },
  { type: 'revocation-changed', id: 'KL-D-REVOCATION-EARLIER', name: 'RevocationEarlier', level: 'warning', severity: '6.0', description: 'A revocation\'s moment moved earlier: sessions issued between the two moments are no longer denied.' },
  { type: 'detections-removed', id: 'KL-D-DETECTIONS-REMOVED', name: 'DetectionsRemoved', level: 'warning', severity: '5.0', description: 'A federated identity is no longer watched for refused and foreign assumptions (its detection was removed, disabled or opted out): less oversight, not more access.' },
  { type: 'attribute-changed', id: 'KL-D-GUARD-REMOVED', name: 'GuardRemoved', level: 'warning', severity: '5.0', description: 'A limit on an identity was removed (permissions boundary, disabled state), its token is now mounted into pods, or the other side of its trust (repository side, admission policy) is no longer emitted.' },
];

/** Options for {@link diffSarif}. */
export interface SarifOptions {
  /** The line where a resource is defined in a file (1-based), if it can be found. */
  readonly locate?: (file: string, resource: string) => number | undefined;
}

/** Splits `file:resource-id` (resource ids hold no colon). */
function splitSource(source: string): [string, string] {
  const colon = source.lastIndexOf(':');
  return colon < 0 ? [source, ''] : [source.slice(0, colon), source.slice(colon + 1)];
}

/**
 * SARIF 2.1.0 for code scanning: one result per broadening change (what needs a security review), located at the
 * resource that causes it in the head output, with a stable fingerprint per identity and change.
 */
export function diffSarif(diff: InventoryDiff, options: SarifOptions = {}): object {
  const results: object[] = [];
  for (const identity of diff.identities) {
    for (const change of identity.changes) {
      if (change.direction !== 'broadening') continue;
      const rule = RULES.find((r) => r.type === change.type) ?? RULES[0];
      const [file, resource] = splitSource(change.source);
      const line = options.locate?.(file, resource) ?? 1;
      const reasons = change.reasons.length > 0 ? ` (${change.reasons.join(', ')})` : '';
      results.push({
        ruleId: rule.id,
        level: rule.level,
        message: { text: `${kindLabel(identity.cloud, identity.kind)} ${identity.name}: ${change.text}${reasons}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: file }, region: { startLine: line } } }],
        partialFingerprints: {
          'keylessIdentityChange/v1': createHash('sha256').update(`${identity.id}\0${change.type}\0${change.value ?? change.field ?? ''}`).digest('hex').slice(0, 32),
        },
        properties: { identity: identity.id, change: change.type },
      });
    }
  }
  return sarifLog('keyless-identity-diff', ['security', 'identity'], RULES.map((r) => ({
    ...r,
    help: `${r.description} Read the pull-request comment of \`keyless diff\` for who can now assume the identity or what it can now do.`,
  })), results);
}

/**
 * The line where a resource is defined in synthesized output: the CloudFormation logical id or Terraform resource
 * name as a JSON key, or the Kubernetes object's `name:` line.
 */
export function locateResource(content: string, resource: string): number | undefined {
  return resourceLocator(content)(resource);
}

/** The name {@link locateResource} looks for: after the last `/` (Kubernetes), else after the first `.` (Terraform). */
function locatedName(resource: string): string {
  return resource.includes('/') ? resource.slice(resource.lastIndexOf('/') + 1) : resource.includes('.') ? resource.slice(resource.indexOf('.') + 1) : resource;
}

/**
 * {@link locateResource} for many resources of one file: the file's JSON keys and `name:` lines are indexed once
 * (a SARIF report of thousands of changes would otherwise split and scan the file once per resource). The answers are
 * locateResource's: the first line holding `"NAME":`, else the first `name: NAME` line.
 */
export function resourceLocator(content: string): (resource: string) => number | undefined {
  // Every `"…":` of the text (a name without `"` or a line break is the text between the `":` and the `"` before it),
  // with the line of its first occurrence.
  const keys = new Map<string, number>();
  let line = 1;
  let counted = 0;
  for (let close = content.indexOf('":'); close >= 0; close = content.indexOf('":', close + 1)) {
    for (let nl = content.indexOf('\n', counted); nl >= 0 && nl < close; nl = content.indexOf('\n', nl + 1)) {
      line++;
      counted = nl + 1;
    }
    const open = content.lastIndexOf('"', close - 1);
    if (open < 0) continue;
    const key = content.slice(open + 1, close);
    if (!keys.has(key)) keys.set(key, line);
  }
  let names: Map<string, number> | undefined;
  const nameLines = (): Map<string, number> => {
    if (names === undefined) {
      names = new Map();
      content.split('\n').forEach((l, i) => {
        if (!/^\s*name:\s*/.test(l)) return;
        const value = l.replace(/^\s*name:\s*/, '').trim().replace(/^["']|["']$/g, '');
        if (!names!.has(value)) names!.set(value, i + 1);
      });
    }
    return names;
  };
  let lines: string[] | undefined;
  return (resource) => {
    const name = locatedName(resource);
    if (name.includes('"') || name.includes('\n')) {
      // A name the index cannot hold (its `"…":` is not the text after the last quote): the lines are searched.
      lines ??= content.split('\n');
      const key = lines.findIndex((l) => l.includes(`"${name}":`));
      if (key >= 0) return key + 1;
    } else {
      const key = keys.get(name);
      if (key !== undefined) return key;
    }
    return nameLines().get(name);
  };
}
