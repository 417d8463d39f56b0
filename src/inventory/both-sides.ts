import { Drafts, RecordDraft } from './draft';
import { uniqueSorted } from './entries';
import { ServiceAccountSide } from './kubernetes';
import { IdentityRecord, TrustedSubject } from './model';
import { RepositorySide } from './repository-manifest';
import { GITHUB_ISSUER } from '../core/ci/github';
import { GITLAB_COM_ISSUER } from '../core/ci/gitlab';
import { parseKubernetesServiceAccountSubject } from '../core/facts/subjects';
import { issuerOf } from '../synth/values';

/**
 * The other side of each trust: a cloud trust is half of the path. For a CI trust the other half is the
 * repository's configuration (subject template, workflow), emitted into `out/ci/` and listed in its manifest; for a
 * workload identity it is the admission policy that keeps other pods of the namespace off the bound ServiceAccount.
 * This pass records, per identity, whether that other half was emitted with it (attributes `repositorySide` and
 * `admissionPolicy`, see model.ts).
 */

/** Attribute: the repository-side files emitted for a CI trust (`emitted: FILE, …`), or `missing`. */
export const REPOSITORY_SIDE = 'repositorySide';
/** Attribute: the admission policy of a bound ServiceAccount (`emitted: NAME`, `opted-out: REASON`, `missing[: WHY]`). */
export const ADMISSION_POLICY = 'admissionPolicy';

/** Separates the entries of a cloud identity's `admissionPolicy`, one per bound ServiceAccount. */
const ENTRY_SEPARATOR = '; ';

/** Claims only GitHub Actions tokens carry (GitHub, "OpenID Connect reference"). */
const GITHUB_CLAIMS = ['repository', 'repository_id', 'repository_owner', 'repository_owner_id', 'job_workflow_ref', 'workflow_ref', 'repository_visibility'];
/** Claims only GitLab CI ID tokens carry (GitLab, "ID token authentication"). */
const GITLAB_CLAIMS = ['project_path', 'project_id', 'namespace_path', 'namespace_id', 'ref_protected', 'pipeline_source'];
/** `sub` heads of GitHub's default, immutable (ID-based) and custom-template subjects. */
const GITHUB_SUBJECT_HEADS = ['repo:', 'repository_owner_id:', 'repository_id:', 'repository:'];

/**
 * The CI platform whose tokens a trusted subject admits, or undefined when it is no CI token: a Kubernetes
 * ServiceAccount token (`system:serviceaccount:…`), another principal. Read from the issuer (GitHub's, gitlab.com),
 * the `sub` grammar (`repo:…`, `project_path:…`) or claims only that platform's tokens carry (a GCP pool's
 * `attribute.NAME` counts as the claim it maps, by convention the same name).
 */
export function ciPlatformOf(subject: TrustedSubject): 'github-actions' | 'gitlab-ci' | undefined {
  if (subject.kind !== 'oidc' && subject.kind !== 'pool') return undefined;
  const subs = subject.claims.sub ?? [];
  if (subs.some((s) => parseKubernetesServiceAccountSubject(s) !== undefined)) return undefined;
  const github = issuerOf(GITHUB_ISSUER);
  if (subject.issuer === github || subject.issuer.startsWith(`${github}/`)) return 'github-actions';
  if (subject.issuer === issuerOf(GITLAB_COM_ISSUER)) return 'gitlab-ci';
  const claims = Object.keys(subject.claims).map((c) => c.replace(/^attribute\./, ''));
  if (subs.some((s) => s.startsWith('project_path:')) || claims.some((c) => GITLAB_CLAIMS.includes(c))) return 'gitlab-ci';
  if (subs.some((s) => GITHUB_SUBJECT_HEADS.some((head) => s.startsWith(head))) || claims.some((c) => GITHUB_CLAIMS.includes(c))) return 'github-actions';
  return undefined;
}

/** Whether an identity is trusted by a CI platform's tokens (its other side is a repository's configuration). */
export function hasCiTrust(subjects: readonly TrustedSubject[]): boolean {
  return subjects.some((s) => ciPlatformOf(s) !== undefined);
}

/** A Kubernetes ServiceAccount that can obtain a cloud identity: by its token's `sub`, or by an EKS Pod Identity association. */
interface TrustedServiceAccount {
  readonly namespace: string;
  readonly name: string;
  readonly via: 'token' | 'pod-identity';
}

/** The ServiceAccounts a cloud identity trusts: `system:serviceaccount:NS:NAME` subjects and `podIdentity` (`CLUSTER/NS/NAME, …`). */
export function trustedServiceAccounts(subjects: readonly TrustedSubject[], attributes: Readonly<Record<string, string>>): TrustedServiceAccount[] {
  const found = new Map<string, TrustedServiceAccount>();
  for (const subject of subjects.filter((s) => s.kind === 'oidc' || s.kind === 'pool')) {
    for (const sub of subject.claims.sub ?? []) {
      const account = parseKubernetesServiceAccountSubject(sub);
      if (account) found.set(`token ${account.namespace}/${account.name}`, { ...account, via: 'token' });
    }
  }
  for (const association of (attributes.podIdentity ?? '').split(', ').filter(Boolean)) {
    const [namespace, name] = association.split('/').slice(-2);
    if (namespace && name) found.set(`pod-identity ${namespace}/${name}`, { namespace, name, via: 'pod-identity' });
  }
  return [...found.values()];
}

/** The states of an attribute value's entries (`emitted`, `opted-out`, `missing`); empty when absent. */
export function sideStates(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(ENTRY_SEPARATOR).map((entry) => entry.replace(/:.*$/s, '').replace(/ \(.*$/s, ''));
}

/** Whether every entry of a `repositorySide` / `admissionPolicy` value is emitted (false when absent). */
export function sideEmitted(value: string | undefined): boolean {
  const states = sideStates(value);
  return states.length > 0 && states.every((s) => s === 'emitted');
}

/** Whether the other side of an identity applies to the record: it has a CI trust, or it is (or trusts) a bound ServiceAccount. */
export function otherSideApplies(record: IdentityRecord, attribute: string): boolean {
  if (attribute === REPOSITORY_SIDE) return hasCiTrust(record.trustedSubjects);
  if (record.cloud === 'kubernetes') return record.permissions.some((p) => p.kind === 'impersonation');
  return trustedServiceAccounts(record.trustedSubjects, record.attributes).length > 0;
}

/** What the pass reads besides the drafts. */
export interface BothSidesInput {
  /** Every ServiceAccount defined in the output (kubernetes.ts). */
  readonly serviceAccounts: readonly ServiceAccountSide[];
  /** The repository-side manifests among the inputs: without one, `repositorySide` is not recorded. */
  readonly repositorySides: readonly RepositorySide[];
  /** Kubernetes objects were among the inputs: without them, a cloud identity's `admissionPolicy` is not recorded. */
  readonly kubernetesRead: boolean;
}

const SERVICE_ACCOUNT_PREFIX = Drafts.id('kubernetes', 'service-account', '');

/** The role name of an IAM role ARN (`arn:aws:iam::ACCOUNT:role/PATH/NAME`). */
function roleName(arn: string): string | undefined {
  return /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
}

/**
 * Whether a ServiceAccount trusted by a cloud identity (by namespace and name) is bound to that identity: its
 * annotation names the AWS role or GCP service account (a still unresolved `${…}` reference is given the benefit of
 * the doubt), carries an Azure client id (known only after apply, so not compared), or, for an EKS Pod Identity
 * association (which names a cluster, not a chart), carries no cloud annotation at all (Pod Identity needs none).
 */
function bindsTo(account: ServiceAccountSide, draft: RecordDraft, via: TrustedServiceAccount['via']): boolean {
  if (via === 'pod-identity') return account.bindings.length === 0;
  const names = (cloud: string, matches: (value: string) => boolean) => account.bindings.some((b) => b.cloud === cloud && (b.value.includes('${') || matches(b.value)));
  if (draft.cloud === 'aws' && draft.kind === 'role') return names('aws', (arn) => roleName(arn) === draft.name);
  if (draft.cloud === 'gcp' && draft.kind === 'service-account') return names('gcp', (email) => email === draft.name);
  if (draft.cloud === 'azure' && draft.kind === 'user-assigned-identity') return names('azure', () => true);
  return true;
}

/**
 * Records both sides on the drafts. Returns warnings (repository-side entries for ids the output does not hold).
 *
 * - `repositorySide` (only with a repository-side manifest among the inputs): `emitted: FILE, …` for an identity the
 *   manifest lists, `missing` for one with a CI trust it does not list (a revoked identity has none to look for).
 * - `admissionPolicy` on a ServiceAccount that is bound (a cloud annotation, Keyless' admission annotations, or a
 *   cloud identity of the output that it can obtain): its policy as the chart gives it.
 * - `admissionPolicy` on a cloud identity trusted by ServiceAccounts (only with Kubernetes objects among the inputs):
 *   one entry per ServiceAccount bound to it, `STATE (ServiceAccount CONTEXT/NS/NAME)`, joined by `; `; `missing: no
 *   ServiceAccount NS/NAME bound to it in the Kubernetes output` when none is. A reviewer reading the role sees whether
 *   the pods that can obtain it are fenced, without looking up the ServiceAccount.
 */
export function recordBothSides(drafts: Drafts, input: BothSidesInput): string[] {
  const warnings: string[] = [];
  const entries = drafts.entries();
  if (input.repositorySides.length > 0) {
    const known = new Set(entries.map(([id]) => id));
    const listed = new Map<string, Set<string>>();
    for (const side of input.repositorySides) {
      for (const [id, files] of side.files) {
        if (!known.has(id)) warnings.push(`${side.file}: lists the repository side of ${id}, which is not in the output read`);
        listed.set(id, new Set([...(listed.get(id) ?? []), ...files]));
      }
    }
    for (const [id, draft] of entries) {
      const files = uniqueSorted(listed.get(id) ?? []);
      if (files.length > 0) draft.attributes[REPOSITORY_SIDE] = `emitted: ${files.join(', ')}`;
      // A revoked identity has no repository side to look for: Keyless writes none (its pipeline must not log in).
      else if (hasCiTrust(draft.subjects) && draft.revoked === undefined) draft.attributes[REPOSITORY_SIDE] = 'missing';
    }
  }
  const bound = new Set(input.serviceAccounts.filter((a) => a.bindings.length > 0 || a.declared).map((a) => a.id));
  if (input.kubernetesRead) {
    // The ServiceAccounts by namespace and name, in input order: one lookup per trusted account instead of a scan of
    // every ServiceAccount (identities x ServiceAccounts).
    const byName = new Map<string, ServiceAccountSide[]>();
    for (const a of input.serviceAccounts) {
      const key = `${a.namespace}\0${a.name}`;
      const list = byName.get(key);
      if (list === undefined) byName.set(key, [a]);
      else list.push(a);
    }
    for (const [, draft] of entries.filter(([, d]) => d.cloud !== 'kubernetes')) {
      const trusted = trustedServiceAccounts(draft.subjects, draft.attributes);
      if (trusted.length === 0) continue;
      const values: string[] = [];
      for (const account of trusted) {
        const accounts = (byName.get(`${account.namespace}\0${account.name}`) ?? [])
          .filter((a) => a.namespace === account.namespace && a.name === account.name && bindsTo(a, draft, account.via));
        if (accounts.length === 0) values.push(`missing: no ServiceAccount ${account.namespace}/${account.name} bound to it in the Kubernetes output`);
        for (const a of accounts) {
          bound.add(a.id);
          values.push(`${a.admissionPolicy} (ServiceAccount ${a.id.slice(SERVICE_ACCOUNT_PREFIX.length)})`);
        }
      }
      draft.attributes[ADMISSION_POLICY] = uniqueSorted(values).join(ENTRY_SEPARATOR);
    }
  }
  for (const account of input.serviceAccounts.filter((a) => bound.has(a.id))) {
    const draft = drafts.find('kubernetes', 'service-account', account.id.slice(SERVICE_ACCOUNT_PREFIX.length));
    if (draft) draft.attributes[ADMISSION_POLICY] = account.admissionPolicy;
  }
  return warnings;
}
