import type { CiPlatform, CiTrustPolicy } from './policy';
import { githubRepositoryFiles, reusableWorkflowShapes } from './repository-github';
import { gitlabProjectFiles } from './repository-gitlab';
import { compare, pathSegment, templateText } from './repository-runs';
import { contentId } from '../content-id';
import { fail, quote } from '../errors';

export { pathSegment } from './repository-runs';

/**
 * The repository side of every CI trust: what the repository or project must do for the trust to match its runs
 * (GitHub: the OIDC subject claim template and a workflow; GitLab: a job with `id_tokens`), decided from the same
 * {@link CiTrustPolicy} the cloud trust was rendered from, and written under `out/ci/` with a manifest.
 */

/**
 * Marks the constructs whose repository side the writer collects (the CI trusts of every cloud). A registered symbol,
 * so that the writer of one copy of the library finds the trusts declared with another copy in the same app.
 */
export const REPOSITORY_SIDE_BRAND: unique symbol = Symbol.for('@keyless/constructs.RepositorySide') as any;

/** The shape of what a construct registers under {@link REPOSITORY_SIDE_BRAND}; bumped if it ever changes. */
export const REPOSITORY_SIDE_VERSION = 1;

/** What a construct registers: the version of the shape and how to describe its identity once the app is complete. */
export interface RepositorySideRegistration {
  readonly version: number;
  readonly describe: () => CiRepositorySideIdentity;
}

/** How a job signs in as an AWS role. */
export interface AwsCiLogin {
  readonly cloud: 'aws';
  /** The role name (deterministic). */
  readonly roleName: string;
  /** The role ARN, when the stack's account and partition are literal. @default - set per repository as a variable */
  readonly roleArn?: string;
  /** The stack's region, when literal. @default - set per repository as a variable */
  readonly region?: string;
  /** The `aud` the trust requires. */
  readonly audience: string;
}

/** How a job signs in through a GCP workload identity pool provider. */
export interface GcpCiLogin {
  readonly cloud: 'gcp';
  /** Project id of the pool. */
  readonly project: string;
  readonly poolId: string;
  readonly providerId: string;
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`. */
  readonly providerName: string;
  /** The `aud` the provider allows (its own URL). */
  readonly audience: string;
  /** The service account the job impersonates. @default - direct resource access */
  readonly serviceAccountEmail?: string;
}

/** How a job signs in as an Azure user-assigned identity (its client id is known only after apply). */
export interface AzureCiLogin {
  readonly cloud: 'azure';
  readonly identityName: string;
  /** The resource group's name, or the Terraform address that names it. */
  readonly resourceGroupName: string;
  /** The Terraform output holding the client id. */
  readonly clientIdOutput: string;
  /** The Terraform stack (cdktf: `out/terraform/stacks/NAME`) that holds the output. */
  readonly terraformStack: string;
  /** The `aud` the federated credentials require. */
  readonly audience: string;
}

/** How a job signs in to the cloud that holds the identity. */
export type CiCloudLogin = AwsCiLogin | GcpCiLogin | AzureCiLogin;

/** One CI identity: the construct, the trust it renders and how a job signs in as it. */
export interface CiRepositorySideIdentity {
  /** Construct path. */
  readonly construct: string;
  /** The decided trust. */
  readonly trust: CiTrustPolicy;
  readonly login: CiCloudLogin;
}

/** An identity of a repository, as listed in the manifest. */
export interface RepositorySideIdentityRef {
  /** Inventory id, e.g. `aws:role:payments-api-deploy`. */
  readonly id: string;
  /** Construct path. */
  readonly construct: string;
  readonly cloud: 'aws' | 'gcp' | 'azure';
}

/** A repository or project of the manifest: its files (relative to the out directory) and identities. */
export interface RepositorySideRepository {
  readonly platform: CiPlatform;
  /** `OWNER/REPO` (GitHub) or the project path (GitLab). */
  readonly repository: string;
  /** Token issuer URL. */
  readonly issuer: string;
  /** Files written for it, relative to the out directory, sorted. */
  readonly files: readonly string[];
  /** Its identities, sorted by id. */
  readonly identities: readonly RepositorySideIdentityRef[];
}

/** `out/ci/manifest.json`: every repository with a CI trust, sorted by platform and repository. */
export interface RepositorySideManifest {
  readonly schemaVersion: 1;
  readonly repositories: readonly RepositorySideRepository[];
}

/** An identity with the names the renderers need. */
export interface NamedIdentity extends CiRepositorySideIdentity {
  /** Inventory ids (a GCP trust with impersonation has two: the provider and the service account). */
  readonly ids: readonly string[];
  /**
   * File name stem of its workflow, e.g. `aws-payments-api-deploy`: unique in its repository case-insensitively
   * (macOS and Windows file systems), and derived from the identity alone (see `uniqueNames`).
   */
  readonly stem: string;
  /**
   * Suffix of its repository or CI/CD variables, e.g. `PAYMENTS_API_DEPLOY` (`vars.AZURE_CLIENT_ID_PAYMENTS_API_DEPLOY`):
   * letters, digits and `_`, unique among the identities of its cloud in its repository, so that no job reads the
   * value of another identity.
   */
  readonly variable: string;
}

/** A repository's identities, which agree on everything a repository has once. */
export interface RepositoryGroup {
  readonly platform: CiPlatform;
  readonly path: string;
  readonly issuer: string;
  /** Directory under the out directory, e.g. `ci/github/acme/payments-api`. */
  readonly dir: string;
  /** Sorted by inventory id, then construct path. */
  readonly identities: readonly NamedIdentity[];
}

const DOCS = 'https://docs.github.com/en/actions/reference/security/oidc';

/**
 * Decides every file of the repository side: per repository, the subject template (GitHub) and one workflow or job
 * per identity, and `ci/manifest.json`. Paths are relative to the out directory.
 *
 * Refuses identities of one repository that cannot all be right, since a repository has one of each: one subject
 * template, one subject form, one issuer, one spelling.
 */
export function renderRepositorySide(
  identities: readonly CiRepositorySideIdentity[],
): { files: Map<string, string>; manifest: RepositorySideManifest } {
  const files = new Map<string, string>();
  const repositories: RepositorySideRepository[] = [];
  const groups = groupByRepository(identities);
  const shapes = reusableWorkflowShapes(groups.filter((group) => group.platform === 'github-actions'));
  for (const group of groups) {
    const own = group.platform === 'github-actions' ? githubRepositoryFiles(group, shapes) : gitlabProjectFiles(group);
    for (const [file, content] of own) files.set(file, content);
    repositories.push({
      platform: group.platform,
      repository: group.path,
      issuer: group.issuer,
      files: [...own.keys()].sort(),
      identities: group.identities
        .flatMap((identity) => identity.ids.map((id) => ({ id, construct: identity.construct, cloud: identity.login.cloud })))
        .sort((a, b) => compare(a.id, b.id) || compare(a.construct, b.construct)),
    });
  }
  const manifest: RepositorySideManifest = { schemaVersion: 1, repositories };
  files.set('ci/manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  return { files: new Map([...files].sort(([a], [b]) => compare(a, b))), manifest };
}

/** Inventory ids of an identity, as `keyless inventory` names the records. */
export function inventoryIds(login: CiCloudLogin): string[] {
  switch (login.cloud) {
    case 'aws': return [`aws:role:${login.roleName}`];
    case 'gcp': return [
      `gcp:workload-identity-provider:${login.project}/${login.poolId}/${login.providerId}`,
      ...(login.serviceAccountEmail === undefined ? [] : [`gcp:service-account:${login.serviceAccountEmail}`]),
    ];
    case 'azure': return [`azure:user-assigned-identity:${login.resourceGroupName}/${login.identityName}`];
  }
}

/** Groups identities per repository, refusing those of one repository that disagree; sorted by platform and path. */
export function groupByRepository(identities: readonly CiRepositorySideIdentity[]): RepositoryGroup[] {
  const groups = new Map<string, CiRepositorySideIdentity[]>();
  for (const identity of identities) {
    const repository = identity.trust.repository;
    if (repository === undefined) {
      fail({ code: 'KL-CI-REPO-UNKNOWN', path: identity.construct, prop: 'source', problem: 'names no repository or project', fix: 'declare the source with `GitHubActions.repository(…)` or `GitLabCi.project(…)`' });
    }
    // GitHub Enterprise Cloud repositories share github.com's names; GitLab projects are per instance.
    const host = identity.trust.platform === 'github-actions' ? 'github.com' : identity.trust.issuerHostPath.toLowerCase();
    const key = `${identity.trust.platform}|${host}|${repository.path.toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), identity]);
  }
  const result: RepositoryGroup[] = [];
  for (const members of groups.values()) {
    const sorted = [...members].sort((a, b) => compare(inventoryIds(a.login)[0], inventoryIds(b.login)[0]) || compare(a.construct, b.construct));
    checkAgreement(sorted);
    const first = sorted[0].trust;
    const path = first.repository!.path;
    const dir = first.platform === 'github-actions'
      ? ['ci', 'github', ...path.split('/')]
      : ['ci', 'gitlab', ...first.issuerHostPath.toLowerCase().split('/'), ...path.split('/')];
    result.push({
      platform: first.platform,
      path,
      issuer: first.issuerUrl,
      dir: dir.map((segment) => pathSegment(segment, sorted[0].construct)).join('/'),
      identities: withStems(sorted),
    });
  }
  return result.sort((a, b) => compare(a.platform, b.platform) || compare(a.path, b.path) || compare(a.issuer, b.issuer));
}

/** What a repository has once: the identities must agree on it, or one of their trusts never matches. */
function checkAgreement(identities: readonly CiRepositorySideIdentity[]): void {
  const first = identities[0];
  const path = first.trust.repository!.path;
  const template = (i: CiRepositorySideIdentity) => templateText(i.trust.subjectClaimKeys);
  const form = (i: CiRepositorySideIdentity) => i.trust.repository!.subjectFormat;
  const ids = (i: CiRepositorySideIdentity) => (i.trust.repository!.repositoryId === undefined ? undefined : `${i.trust.repository!.ownerId}/${i.trust.repository!.repositoryId}`);
  for (const other of identities.slice(1)) {
    const conflict = (code: string, prop: string, mine: string, theirs: string, why: string, fix: string) => fail({
      code,
      path: other.construct,
      prop,
      problem: `needs ${mine} for ${path}, but ${first.construct} needs ${theirs}: ${why}`,
      fix,
      docs: first.trust.platform === 'github-actions' ? DOCS : undefined,
    });
    if (other.trust.repository!.path !== path) {
      conflict('KL-CI-REPO-SPELLING', 'source.repository', `the spelling ${quote(other.trust.repository!.path)}`, `${quote(path)}`,
        'tokens carry one spelling, and AWS and Azure compare subjects case-sensitively, so one of the two trusts never matches',
        'spell the repository exactly as the `repository` claim of a real run does, in every declaration');
    }
    if (other.trust.issuerUrl !== first.trust.issuerUrl) {
      conflict('KL-CI-REPO-ISSUER', 'source.issuerUrl', `the issuer ${quote(other.trust.issuerUrl)}`, quote(first.trust.issuerUrl),
        'the tokens of one repository come from one issuer, so one of the two trusts never matches',
        'declare the issuer the repository\'s runs use (`iss` of a real token) in every declaration');
    }
    if (template(other) !== template(first)) {
      conflict('KL-CI-REPO-TEMPLATE', 'source.jobWorkflowRefInSubject', `the OIDC subject template ${template(other)}`, template(first),
        'a repository has one subject template, and the `sub` of its runs follows it, so one of the two trusts never matches',
        'declare `jobWorkflowRefInSubject` alike in every trust of the repository, or trust the other workflow from its own repository');
    }
    const [a, b] = [form(first), form(other)];
    if (a !== undefined && b !== undefined && a !== b && a !== 'both' && b !== 'both') {
      conflict('KL-CI-REPO-FORM', 'source.subjectFormat', `the ${b} subject form`, `the ${a} form`,
        'a repository emits one subject form at a time, so one of the two trusts never matches',
        'declare the form the repository emits (the `sub` of a real run shows it) in every trust, or "both" in each while it switches');
    }
    if (ids(first) !== undefined && ids(other) !== undefined && ids(first) !== ids(other)) {
      conflict('KL-CI-REPO-IDS', 'source.repositoryId', `the ids ${ids(other)}`, `${ids(first)}`,
        'a numeric id names one owner or repository for good',
        'copy the ids from the API (`owner.id` and `id` of GET /repos/OWNER/REPO) into every declaration');
    }
  }
}

/** The name an identity's files and variables start from: its role, provider or identity name. */
function identityName(login: CiCloudLogin): string {
  return login.cloud === 'aws' ? login.roleName : login.cloud === 'gcp' ? login.providerId : login.identityName;
}

/**
 * Where an identity's name is unique, readable: the AWS account (from a literal ARN), the GCP project, the Azure
 * resource group. Names one identity among same-named ones of a repository.
 */
function identityScope(login: CiCloudLogin): string | undefined {
  switch (login.cloud) {
    case 'aws': return login.roleArn?.split(':')[4] || undefined;
    case 'gcp': return login.project;
    case 'azure': return login.resourceGroupName;
  }
}

/**
 * A short hash of what the identity is (its construct path and cloud ids), for same-named identities without a distinct
 * scope: never of its subjects or login, so that editing a trust never renames its workflow or variable.
 */
function identityHash(identity: CiRepositorySideIdentity): string {
  return contentId(JSON.stringify([identity.construct, ...inventoryIds(identity.login)])).slice(0, 8);
}

/**
 * Names unique in one repository under `fold` (case-insensitive file systems; variable names, which GitHub reads
 * case-insensitively and which write every other character as `_`). A name is its base, derived from the identity
 * alone; same-named identities (equal once folded) each get their scope where the scopes tell them apart, else the
 * hash of what they are. An identity whose plain name equals such a qualified name is itself qualified (it yields:
 * the qualified name was decided from the other identity alone), so adding a trust never renames an identity of
 * another name and never hands one identity's name (and variable) to another.
 */
function uniqueNames(
  identities: readonly CiRepositorySideIdentity[],
  base: (identity: CiRepositorySideIdentity) => string,
  qualify: (name: string, qualifier: string) => string,
  fold: (name: string) => string,
): string[] {
  const bases = identities.map(base);
  const hashed = bases.map((name, i) => qualify(name, identityHash(identities[i])));
  const sameNamed = (i: number) => bases.filter((other) => fold(other) === fold(bases[i])).length > 1;
  // Same-named identities: their scopes where those tell every one of them apart, so that one identity's name never
  // depends on another's scope; else hashes.
  const qualified = bases.map((name, i) => {
    if (!sameNamed(i)) return undefined;
    const scopes = identities.filter((_, j) => fold(bases[j]) === fold(name)).map((identity) => identityScope(identity.login));
    const names = scopes.map((scope) => (scope === undefined ? undefined : fold(qualify(name, scope))));
    const distinct = names.every((n) => n !== undefined) && new Set(names).size === names.length;
    return distinct ? qualify(name, identityScope(identities[i].login)!) : hashed[i];
  });
  const taken = new Set(qualified.filter((name): name is string => name !== undefined).map(fold));
  // A plain name another identity's qualified name already holds yields: its own scope, else its hash.
  const names = bases.map((name, i) => {
    if (qualified[i] !== undefined) return qualified[i]!;
    if (!taken.has(fold(name))) return name;
    const scope = identityScope(identities[i].login);
    return scope === undefined ? hashed[i] : qualify(name, scope);
  });
  const count = (name: string) => names.filter((other) => fold(other) === fold(name)).length;
  // A yielded name that still meets another takes its hash; what still collides is one identity declared twice.
  const yielded = names.map((name, i) => (qualified[i] === undefined && name !== bases[i] && count(name) > 1 ? hashed[i] : name));
  const twin = yielded.findIndex((name) => yielded.filter((other) => fold(other) === fold(name)).length > 1);
  if (twin >= 0) {
    const other = identities[yielded.findIndex((name, j) => j !== twin && fold(name) === fold(yielded[twin]))];
    fail({
      code: 'KL-CI-REPO-DUPLICATE',
      path: identities[twin].construct,
      prop: 'source',
      problem: `declares the same identity for ${identities[twin].trust.repository!.path} as ${other.construct}, so their workflows would be one file`,
      fix: 'declare each CI trust once',
    });
  }
  return yielded;
}

function withStems(identities: readonly CiRepositorySideIdentity[]): NamedIdentity[] {
  const stems = uniqueNames(identities, (i) => `${i.login.cloud}-${identityName(i.login)}`,
    (name, qualifier) => `${name}-${qualifier.replace(/[^A-Za-z0-9._-]+/g, '-')}`, (name) => name.toLowerCase());
  // Variables are per cloud (AWS_ROLE_ARN_…, AZURE_CLIENT_ID_…): the cloud is in the folded name, not in the suffix.
  const variableFold = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const variables = uniqueNames(identities, (i) => `${i.login.cloud}:${identityName(i.login)}`,
    (name, qualifier) => `${name}_${qualifier}`, variableFold);
  return identities.map((identity, i) => ({
    ...identity,
    ids: inventoryIds(identity.login),
    stem: stems[i],
    variable: variableFold(variables[i].slice(identity.login.cloud.length + 1)),
  }));
}
