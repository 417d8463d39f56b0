/**
 * Generators of Keyless declarations for the property-based suite (test/property/*.test.ts).
 *
 * Every generated declaration is plain data (so that fast-check can print, replay and shrink it): framework tokens
 * and Durations appear as markers (`{ $token: … }`, `{ $duration: … }`) that `materialize` turns into the real
 * values in the stack the declaration is built in. Each field mixes valid values with hostile ones: Terraform
 * templates, IAM policy variables, quotes, backslashes, unicode, newlines, very long and empty strings, wrong types
 * (numbers, arrays, sparse arrays, null, plain objects), wildcards, look-alike names and framework tokens.
 */
import { createHash } from 'crypto';
import * as fc from 'fast-check';

/** Today for every generated declaration (pinned in every app as `keyless:today`). */
export const TODAY = '2026-11-22';

/** A framework token, created in the declaration's stack when it is built. */
export interface TokenMarker {
  readonly $token: 'cfn-parameter' | 'import-value' | 'tf-variable' | 'tf-number-variable';
}
/** An aws-cdk-lib Duration of this many seconds, or a cdktf-free stand-in for one. */
export interface DurationMarker {
  readonly $duration: number;
}

/** Terraform templates, one of which decodes to a CEL injection (`') || true || ('x' == '`). */
export const TERRAFORM_TEMPLATES = [
  '${base64decode("JykgfHwgdHJ1ZSB8fCAoJ3gnID09ICc=")}',
  '${"x"}',
  '%{if true}x%{endif}',
  '${upper("main")}',
  '$${already-escaped}',
  '${var.x}',
  '${aws_iam_role.x.arn}',
  '$${"x"}${"y"}',
];

const HOSTILE_STRINGS: string[] = [
  'rg_${x}', "rg'x", 'rg-%{if true}x%{endif}', 'rg-ü',
  ...TERRAFORM_TEMPLATES,
  '${aws:username}', '${*}', '${$}', '${aws:PrincipalTag/team}',
  "'", '"', '\\', "ma'in", 'ma"in', 'ma\\in', "') || true || ('", '" || true || "',
  'main\n', 'ma\nin', '\t', ' main', 'main ', '\u0000', '\u202emain', 'mäin', 'ｍａｉｎ', '🚀', 'main\u200b',
  '', ' ', 'a'.repeat(300), 'b'.repeat(5000),
  '*', '?', 'main*', 'ma?n', '[a]', 'main/*', '**',
  'refs/heads/main', 'refs/pull/1/merge', 'pull/1', '..', '.', '-x', 'x.lock', 'a:b', 'a//b', '/a', 'a/',
  'ACME', 'acme-corp', 'acm', 'acme.evil', 'аcme', 'default', 'kube-system',
  '#{Token[TOKEN.9]}', '${Token[TOKEN.9]}', '${TfToken[TOKEN.9]}',
];

/** Values of the wrong type. */
const WRONG_TYPES: unknown[] = [
  42, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e300, true, false, null, undefined,
  [], ['main'], [undefined], {}, { value: 'main' }, { toString: 'main' },
];

/** A sparse array (a hole at index 0) of `value`. */
function sparse<T>(value: T): T[] {
  const array: T[] = [];
  array[1] = value;
  return array;
}

const token = (): fc.Arbitrary<TokenMarker> => fc.constantFrom<TokenMarker['$token']>('cfn-parameter', 'import-value', 'tf-variable', 'tf-number-variable')
  .map(($token) => ({ $token }));

/** A hostile value: a hostile string, a valid value with a hostile piece, a wrong type or a framework token. */
export function hostile(valid?: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [fc.constantFrom(...HOSTILE_STRINGS), fc.constantFrom(...WRONG_TYPES), token()];
  if (valid) {
    // Pieces are joined to strings only; a valid object (a record) is given hostile values field by field instead.
    const join = (...parts: unknown[]) => (parts.every((p) => typeof p === 'string') ? parts.join('') : parts.find((p) => typeof p !== 'string'));
    options.push(fc.tuple(valid, fc.constantFrom(...HOSTILE_STRINGS)).map(([v, h]) => join(v, h)));
    options.push(fc.tuple(fc.constantFrom(...HOSTILE_STRINGS), valid).map(([h, v]) => join(h, v)));
    options.push(fc.tuple(valid, fc.constantFrom(...TERRAFORM_TEMPLATES), valid).map(([a, t, b]) => join(a, t, b)));
  }
  return fc.oneof(...options);
}

/** Mostly `valid`, sometimes hostile (`hostility` = weight of the hostile branch against 10 for the valid one). */
export function field<T>(valid: fc.Arbitrary<T>, hostility = 1): fc.Arbitrary<T | unknown> {
  if (hostility === 0) return valid;
  return fc.oneof({ weight: 10, arbitrary: valid }, { weight: hostility, arbitrary: hostile(valid as unknown as fc.Arbitrary<string>) });
}

/** An optional field: absent, valid or hostile. */
export function optional<T>(valid: fc.Arbitrary<T>, hostility = 1): fc.Arbitrary<T | unknown | undefined> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: field(valid, hostility) });
}

/** A list prop: absent, a list of mostly valid items, a sparse list, or a hostile non-list. */
export function list<T>(item: fc.Arbitrary<T>, hostility = 1, maxLength = 3): fc.Arbitrary<unknown> {
  if (hostility === 0) return fc.oneof(fc.constant(undefined), fc.array(item, { minLength: 1, maxLength }));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 8, arbitrary: fc.array(field(item, hostility), { minLength: 1, maxLength }) },
    { weight: hostility, arbitrary: field(item, 0).map((v) => sparse(v)) },
    { weight: hostility, arbitrary: fc.constantFrom<unknown>('main', 42, null, {}, []) },
    { weight: hostility, arbitrary: token() },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Valid building blocks
// ---------------------------------------------------------------------------------------------------------------

const lower = 'abcdefghijklmnopqrstuvwxyz';
const alnum = `${lower}0123456789`;
const chars = (set: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...set.split('')), minLength: min, maxLength: max });

/** A Keyless identity name: 6–30 characters of `[a-z0-9-]`, starting with a letter; random enough not to collide. */
export const identityName = fc.tuple(chars(lower, 1, 1), chars(alnum, 7, 12)).map(([a, b]) => `${a}${b}`);
// One spelling per owner (GitHub's canonical case; `Octo-Org` has capitals): Keyless refuses one owner spelled in two
// cases within an app (KL-CI-NAME-CONFLICT), and the generated cases share apps.
export const ghOwner = fc.constantFrom('acme', 'acme-corp', 'Octo-Org', 'a1');
export const ghRepo = fc.constantFrom('payments-api', 'app', 'my.repo', 'x_y', 'api-v2');
const GH_REPOS: readonly string[] = ['payments-api', 'app', 'my.repo', 'x_y', 'api-v2'];
export const numericId = fc.integer({ min: 1, max: 2_000_000_000 }).map(String);
/** Valid git ref names, including ones that are hostile downstream (templates, quotes, unicode). */
export const refName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('main', 'release/1.x', 'v1.2.3', 'dev', 'hotfix-2', 'prod') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '${base64decode("JykgfHwgdHJ1ZSB8fCAoJ3gnID09ICc=")}', '${aws:username}', "it's", 'a"b', 'mäin', '%{if true}x%{endif}',
      '$${x}', 'x${"y"}', '${upper("main")}', '@', 'a@b', '{x}', '$$', '%',
    ),
  },
);
export const tagPrefix = fc.constantFrom('v', 'release-', 'v1.', '${x}', "r'", 'ü');
export const environmentName = fc.constantFrom('production', 'staging', 'prod.eu', 'release_1', 'Production EU', "QA 'blue'  2");
export const workflowRef = fc.constantFrom(
  'acme/workflows/.github/workflows/release.yml@refs/heads/main',
  'acme/workflows/.github/workflows/publish.yaml@refs/tags/v1',
);
export const gitlabPath = fc.constantFrom('acme/finance/ledger', 'acme/app', 'group_1/sub.g/proj-x');
const GITLAB_PATHS: readonly string[] = ['acme/finance/ledger', 'acme/app', 'group_1/sub.g/proj-x'];

/**
 * The numeric id GitHub or GitLab gives an owner or namespace (by its lower-case name): one per name, as on the
 * platform. Generated cases are built many to an app, and Keyless refuses one owner declared with two ids, or one id
 * for two owners, within an app (KL-CI-NAME-CONFLICT): random owner ids would refuse most batched declarations.
 */
export function ownerIdOf(name: string): string {
  const hash = parseInt(createHash('sha256').update(name.toLowerCase()).digest('hex').slice(0, 12), 16);
  return String((hash % 1_999_999_999) + 1);
}

/**
 * Makes a valid generated source one repository (project) of its own: a per-case suffix on the repository name or
 * the project's last segment, so that the ids and the subject form declared for it never contradict another
 * case's in the same app; the owner (namespace) id is the name's own. Hostile values are left as generated.
 */
function ownRepository(props: Record<string, unknown>, suffix: string, platform: 'github' | 'gitlab'): Record<string, unknown> {
  const out = { ...props };
  const numeric = (v: unknown) => typeof v === 'string' && /^[1-9][0-9]*$/.test(v);
  if (platform === 'github') {
    if (typeof out.repository === 'string' && GH_REPOS.includes(out.repository)) out.repository = `${out.repository}-${suffix}`;
    if (numeric(out.ownerId) && typeof out.owner === 'string') out.ownerId = ownerIdOf(out.owner);
  } else {
    const path = out.projectPath;
    if (typeof path === 'string' && GITLAB_PATHS.includes(path)) out.projectPath = `${path}-${suffix}`;
    if (numeric(out.namespaceId) && typeof path === 'string') out.namespaceId = ownerIdOf(path.split('/').slice(0, -1).join('/'));
  }
  return out;
}
export const reviewBy = fc.constantFrom('2027-01-31', '2027-04-30', '2026-12-01');
export const expires = fc.constantFrom('2027-01-31', '2026-12-24', '2027-02-19');

export const ownership = (h: number, tiers: number[] = [1, 2, 3]) => fc.record({
  owner: field(fc.constantFrom('team-payments', 'sre@example.com', 'team-sre'), h),
  purpose: field(fc.constantFrom('deploy payments-api from CI', 'emergency repair', 'publish: artifacts'), h),
  environment: field(fc.constantFrom('production', 'staging', 'dev'), h),
  tier: field(fc.constantFrom(...tiers), h),
  reviewBy: field(reviewBy, h),
});

/**
 * Half the declarations are clean (every value valid, though possibly hostile downstream: templates and quotes in
 * ref names and prefixes), half carry hostile values in any field.
 */
export function declarations<T>(make: (h: number) => fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof(make(0), make(1));
}

export interface GitHubCase {
  readonly platform: 'github';
  readonly props: Record<string, unknown>;
  /** Which forged runs the properties try against this declaration (see test/property/models.ts). */
  readonly probes?: number[];
}
export interface GitLabCase {
  readonly platform: 'gitlab';
  readonly props: Record<string, unknown>;
  readonly probes?: number[];
}
export type SourceCase = GitHubCase | GitLabCase;

export function githubSource(h: number, options: { patterns?: boolean; pullRequests?: boolean } = {}): fc.Arbitrary<GitHubCase> {
  const pair = fc.record({ ownerId: field(numericId, h), repositoryId: field(numericId, h) });
  const ids = h === 0
    ? fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 3, arbitrary: pair })
    : fc.oneof(
      { weight: 2, arbitrary: fc.constant({}) },
      { weight: 3, arbitrary: pair },
      { weight: 1, arbitrary: fc.record({ ownerId: field(numericId, h) }) },
    );
  // With the ids, the subject form is declared (mostly); without them, mostly not (name-based is the only form).
  // Valid declarations (h = 0) always state the form with the ids and opt out of id pinning without them.
  const formed: fc.Arbitrary<Record<string, unknown>> = h === 0
    ? ids.chain((i): fc.Arbitrary<Record<string, unknown>> => (Object.keys(i).length > 0
      ? fc.constantFrom('name-based', 'immutable', 'both').map((subjectFormat) => ({ ...i, subjectFormat }))
      : fc.constant({ ...i, allowNameOnlyPinning: true })))
    : ids.chain((i): fc.Arbitrary<Record<string, unknown>> => (Object.keys(i).length > 0
      ? fc.oneof({ weight: 12, arbitrary: field(fc.constantFrom('name-based', 'immutable', 'both'), h) }, { weight: 1, arbitrary: fc.constant(undefined) })
    // Without ids: mostly undeclared; 'default' (renamed) and 'immutable' (needs the ids) are refused now and then.
      : fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constant('name-based') }, { weight: 1, arbitrary: fc.constantFrom('immutable', 'default') }))
    // Name-only pinning is refused for tier 1 without the explicit opt-out, given to most id-less cases here.
      .chain((subjectFormat) => (Object.keys(i).length > 0 ? fc.constant({ ...i, subjectFormat })
        : fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.constant(true) })
          .map((allowNameOnlyPinning) => ({ ...i, subjectFormat, allowNameOnlyPinning })))));
  return fc.record({
    owner: field(ghOwner, h),
    repository: field(ghRepo, h),
    ids: formed,
    allowBranchRunsWithoutEnvironment: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(fc.constant(true), h) }),
    jobWorkflowRefInSubject: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(fc.constant(true), h) }),
    enterpriseSlug: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(fc.constant('acme-ent'), h) }),
    branches: list(refName, h),
    tags: list(refName, h),
    tagPatterns: options.patterns === false ? fc.constant(undefined) : list(tagPrefix.map((p) => `${p}*`), h),
    environments: list(environmentName, h),
    allowPullRequests: options.pullRequests === false ? fc.constant(undefined) : optional(fc.boolean(), h),
    jobWorkflowRef: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(workflowRef, h) }),
    suffix: chars(alnum, 4, 4),
  }).map(({ ids: i, suffix, ...rest }) => {
    // The opt-ins only where they mean something (elsewhere they are refused, which other cases cover).
    const many = (v: unknown) => Array.isArray(v) && v.length > 0;
    const both = many(rest.environments) && (many(rest.branches) || many(rest.tags) || many(rest.tagPatterns));
    return {
      platform: 'github' as const,
      props: dropUndefined(ownRepository({
        ...rest,
        ...i,
        allowBranchRunsWithoutEnvironment: both ? rest.allowBranchRunsWithoutEnvironment : undefined,
        // Pull requests with environment AND refs are refused (KL-GH-ENV-PULL-REQUEST): mostly only with the opt-in.
        allowPullRequests: both && rest.allowBranchRunsWithoutEnvironment === undefined && rest.allowPullRequests === true
          ? undefined : rest.allowPullRequests,
        jobWorkflowRefInSubject: rest.jobWorkflowRef !== undefined && i.subjectFormat !== 'both' ? rest.jobWorkflowRefInSubject : undefined,
      }, suffix, 'github')),
    };
  });
}

export function gitlabSource(h: number, options: { patterns?: boolean } = {}): fc.Arbitrary<GitLabCase> {
  return fc.record({
    projectPath: field(gitlabPath, h),
    instanceUrl: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(fc.constantFrom('https://gitlab.example.com', 'https://gitlab.com'), h) }),
    ids: fc.oneof(fc.constant({}), fc.record({ namespaceId: field(numericId, h), projectId: field(numericId, h) })),
    branches: list(refName, h),
    tags: list(refName, h),
    tagPatterns: options.patterns === false ? fc.constant(undefined) : list(tagPrefix.map((p) => `${p}*`), h),
    allowUnprotectedRefs: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(fc.constant(true), h) }),
    suffix: chars(alnum, 4, 4),
  }).map(({ ids, suffix, ...rest }) => ({ platform: 'gitlab' as const, props: dropUndefined(ownRepository({ ...rest, ...ids }, suffix, 'gitlab')) }));
}

export function ciSource(h: number, options: { patterns?: boolean; pullRequests?: boolean } = {}): fc.Arbitrary<SourceCase> {
  const probes = fc.array(fc.nat({ max: 10_000 }), { minLength: 12, maxLength: 12 });
  return fc.tuple(fc.oneof({ weight: 3, arbitrary: githubSource(h, options) }, { weight: 1, arbitrary: gitlabSource(h, options) }), probes)
    .map(([source, p]) => ({ ...source, probes: p }));
}

export function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export const duration = (seconds: number[]) => fc.constantFrom(...seconds).map(($duration): DurationMarker => ({ $duration }));

/** Azure resource ids with hostile but pattern-valid resource group names. */
export const subscription = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
export const resourceGroup = fc.constantFrom('rg-identity', 'rg_identity.1', 'rg-(prod)');
export const azureLocation = fc.constantFrom('westeurope', 'eastus2', 'germanywestcentral');
export const issuerUrlEks = fc.constantFrom(
  'https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C',
  'https://oidc.eks.us-east-1.amazonaws.com/id/0B7A3D5E9C1F4A2B8E6D0C3F7A9B1E5D',
);
export const issuerUrlAks = fc.constantFrom(
  'https://westeurope.oic.prod-aks.azure.com/2f3b8c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f/7a8b9c0d-1e2f-4a3b-9c8d-7e6f5a4b3c2d/',
  'https://eastus.oic.prod-aks.azure.com/00000000-1a2b-4c3d-8e9f-0a1b2c3d4e5f/11111111-1e2f-4a3b-9c8d-7e6f5a4b3c2d/',
);
/** Service account names, unique enough that two generated workloads rarely share one. */
export const k8sName = fc.tuple(fc.constantFrom('payments-api', 'worker', 'a.b-c', 'x1'), chars(alnum, 5, 5)).map(([n, s]) => `${n}-${s}`);
export const k8sNamespace = fc.constantFrom('payments', 'team-a', 'ns1');
export const gcpProject = fc.constantFrom('acme-payments-prod', 'acme-prod', 'a12345');
export const gcpProjectNumber = fc.constantFrom('412345678901', '598765432109');
