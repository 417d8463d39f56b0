import { IConstruct } from 'constructs';
import { appRegistry } from './app-registry';
import { CiTrustPolicy, ICiSource, resolveCiSource } from '../../core/ci/policy';
import { fail, ValidationContext } from '../../core/errors';
import { RiskTier } from '../../core/tier';

interface Declared {
  /** The spelling declared first. */
  readonly spelling: string;
  /** Construct path that declared it. */
  readonly path: string;
}

// Per app: the first spelling of each repository path, owner and numeric id, keyed case-insensitively.
const declared = appRegistry<Declared>();

/**
 * Resolves the CI source of an identity with its tier, and refuses declarations of the app that cannot all be right:
 * one owner or repository spelled in two cases (GitHub emits one canonical case, and AWS and Azure compare
 * subjects case-sensitively, so one of the trusts never matches), or one numeric id declared for two names.
 * Each check is one map lookup per declaration.
 */
export function resolveCiTrust(scope: IConstruct, source: ICiSource | undefined, ctx: ValidationContext, tier?: RiskTier, prop = 'source'): CiTrustPolicy {
  const policy = resolveCiSource(source, ctx, prop, { tier });
  const repository = policy.repository;
  if (repository === undefined) return policy;
  const seen = declared(scope);
  // GitHub Enterprise Cloud repositories are github.com repositories whatever the issuer: one namespace of names.
  const host = policy.platform === 'github-actions' ? 'github.com' : policy.issuerUrl.toLowerCase();
  const what = policy.platform === 'github-actions' ? 'repository' : 'project';
  const owner = repository.path.split('/').slice(0, -1).join('/');
  const check = (key: string, spelling: string, subject: string, mismatch: (first: Declared) => string, subprop: string, fix?: string) => {
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, { spelling, path: ctx.path });
    } else if (first.spelling !== spelling) {
      fail({
        code: 'KL-CI-NAME-CONFLICT',
        path: ctx.path,
        prop: `${prop}.${subprop}`,
        problem: `${mismatch(first)} (${subject})`,
        fix: fix ?? `spell it exactly as ${policy.platform === 'github-actions' ? 'GitHub' : 'GitLab'} does in the \`${policy.platform === 'github-actions' ? 'repository' : 'project_path'}\` claim of a real run, in every declaration`,
      });
    }
  };
  const caseRule = policy.platform === 'github-actions'
    ? 'GitHub names are case-insensitive but tokens carry one canonical case, and AWS and Azure compare subjects case-sensitively, so one of the two trusts never matches'
    : 'tokens carry one spelling, and AWS and Azure compare subjects case-sensitively, so one of the two trusts never matches';
  const subOwner = policy.platform === 'github-actions' ? 'owner' : 'projectPath';
  const subRepo = policy.platform === 'github-actions' ? 'repository' : 'projectPath';
  check(`owner|${host}|${owner.toLowerCase()}`, owner, caseRule,
    (first) => `spells the owner "${owner}", which ${first.path} spells "${first.spelling}"`, subOwner);
  check(`path|${host}|${repository.path.toLowerCase()}`, repository.path, caseRule,
    (first) => `spells the ${what} "${repository.path}", which ${first.path} spells "${first.spelling}"`, subRepo);
  const idRule = 'a numeric id names one owner or repository for good';
  const idFix = policy.platform === 'github-actions'
    ? 'copy the ids from the API (`owner.id` and `id` of GET /repos/OWNER/REPO) into every declaration'
    : 'copy the namespace and project ids from the API (`namespace.id` and `id` of GET /projects/:path) into every declaration';
  // Every namespace prefix (GitLab groups nest): `Acme/tools` next to `acme/payments/api` is one group spelled twice.
  const segments = owner.split('/');
  for (let i = 1; i < segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    check(`owner|${host}|${prefix.toLowerCase()}`, prefix, caseRule,
      (first) => `spells the group "${prefix}", which ${first.path} spells "${first.spelling}"`, subOwner);
  }
  // One repository, one pair of ids (a declaration without ids pins less, which is not a contradiction).
  if (repository.repositoryId !== undefined) {
    check(`ids-of|${host}|${repository.path.toLowerCase()}`, `${repository.ownerId}/${repository.repositoryId}`, idRule,
      (first) => `declares the ids ${repository.ownerId}/${repository.repositoryId} for "${repository.path}", which ${first.path} declares as ${first.spelling}`,
      policy.platform === 'github-actions' ? 'repositoryId' : 'projectId', idFix);
  }
  if (repository.ownerId !== undefined) {
    check(`owner-id-of|${host}|${owner.toLowerCase()}`, repository.ownerId, idRule,
      (first) => `declares owner id ${repository.ownerId} for "${owner}", which ${first.path} declares with owner id ${first.spelling}`,
      policy.platform === 'github-actions' ? 'ownerId' : 'namespaceId', idFix);
    check(`owner-id|${host}|${repository.ownerId}`, owner.toLowerCase(), idRule,
      (first) => `declares owner id ${repository.ownerId} for "${owner}", which ${first.path} declares for "${first.spelling}"`,
      policy.platform === 'github-actions' ? 'ownerId' : 'namespaceId', idFix);
  }
  if (repository.repositoryId !== undefined) {
    check(`repository-id|${host}|${repository.repositoryId}`, repository.path.toLowerCase(), idRule,
      (first) => `declares ${what} id ${repository.repositoryId} for "${repository.path}", which ${first.path} declares for "${first.spelling}"`,
      policy.platform === 'github-actions' ? 'repositoryId' : 'projectId', idFix);
  }
  // A repository emits one subject form at a time: "immutable" here and "name-based" there cannot both match
  // ("both" is compatible with either, during a migration).
  if (repository.subjectFormat === 'immutable' || repository.subjectFormat === 'name-based') {
    check(`form|${host}|${repository.path.toLowerCase()}`, repository.subjectFormat,
      'a repository emits one subject form at a time, so one of the two trusts never matches',
      (first) => `is "${repository.subjectFormat}" for ${repository.path}, which ${first.path} declares "${first.spelling}"`, 'subjectFormat',
      'declare the form the repository emits in every declaration, or "both" in each while it switches');
  }
  return policy;
}
