import { GitHubActions } from '../../src/core/ci/github';
import { GitLabCi } from '../../src/core/ci/gitlab';
import { quote } from '../../src/core/errors';
import { checkObjectPrefix } from '../../src/core/object-prefix';
import { awsWebIdentityTrust } from '../../src/core/trust/aws';
import { azureCredentialName, azureFederatedTrust } from '../../src/core/trust/azure';
import { gcpWorkloadIdentityProvider } from '../../src/core/trust/gcp';

const ctx = { path: 'App/Trust', today: '2026-11-22' };
const location = { projectNumber: '412345678901', poolId: 'ci-github', providerId: 'payments-deploy' };
const payments = (props: object) => GitHubActions.repository({ owner: 'acme', repository: 'payments-api', ...props }).resolve(ctx, 'source');
const tags = (count: number) => Array.from({ length: count }, (_, i) => `v1.0.${i}`);

describe('AWS web identity trust', () => {
  test('exact subjects use StringEquals on aud, sub and the claim keys STS exposes, in one statement', () => {
    const trust = awsWebIdentityTrust(payments({ branches: ['main'], environments: ['production'], allowBranchRunsWithoutEnvironment: true }), 'sts.amazonaws.com', ctx);
    expect(trust.providerUrl).toBe('https://token.actions.githubusercontent.com');
    expect(trust.clientIds).toEqual(['sts.amazonaws.com']);
    expect(trust.conditions).toEqual([{
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        // `repository_owner` is a claim pin too, but STS exposes no key for it.
        'token.actions.githubusercontent.com:repository': 'acme/payments-api',
        'token.actions.githubusercontent.com:sub': [
          'repo:acme/payments-api:environment:production',
          'repo:acme/payments-api:ref:refs/heads/main',
        ],
      },
    }]);
  });

  test('with ids, repository_id is pinned (not repository_owner_id); environment with refs pins ref in each statement', () => {
    const trust = awsWebIdentityTrust(payments({
      ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'immutable', environments: ['production'], branches: ['main'], tagPatterns: ['v*'],
    }), 'sts.amazonaws.com', ctx);
    const sub = 'repo:acme@1342004/payments-api@86301532:environment:production';
    expect(trust.conditions).toEqual([
      { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:ref': 'refs/heads/main', 'token.actions.githubusercontent.com:repository_id': '86301532', 'token.actions.githubusercontent.com:sub': sub } },
      { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:repository_id': '86301532', 'token.actions.githubusercontent.com:sub': sub }, StringLike: { 'token.actions.githubusercontent.com:ref': 'refs/tags/v*' } },
    ]);
  });

  test('a claim requirement on an issuer whose key STS does not expose is refused, not dropped', () => {
    expect(() => awsWebIdentityTrust(payments({ enterpriseSlug: 'acme-ent', environments: ['production'], branches: ['main'] }), 'sts.amazonaws.com', ctx))
      .toThrow(/^\[KL-AWS-CLAIM-KEY\] App\/Trust: `source\.branches` requires the `ref` claim .* but AWS STS exposes no `token\.actions\.githubusercontent\.com\/acme-ent:ref` condition key/);
  });

  test('declared patterns get their own statement, so StringLike is never AND-ed with the exact list', () => {
    const trust = awsWebIdentityTrust(payments({ branches: ['main'], tagPatterns: ['v*'] }), 'sts.amazonaws.com', ctx);
    const repository = { 'token.actions.githubusercontent.com:repository': 'acme/payments-api' };
    expect(trust.conditions).toEqual([
      { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', ...repository, 'token.actions.githubusercontent.com:sub': 'repo:acme/payments-api:ref:refs/heads/main' } },
      { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', ...repository }, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/payments-api:ref:refs/tags/v*' } },
    ]);
  });

  test('GitLab condition keys are prefixed with the instance host', () => {
    const policy = GitLabCi.project({ instanceUrl: 'https://gitlab.example.com', projectPath: 'acme/app', branches: ['main'] }).resolve(ctx, 'source');
    expect(awsWebIdentityTrust(policy, 'https://gitlab.example.com', ctx).conditions[0]).toEqual({
      StringEquals: { 'gitlab.example.com:aud': 'https://gitlab.example.com', 'gitlab.example.com:sub': 'project_path:acme/app:ref_type:branch:ref:main' },
    });
  });

  test('trust policy size: 35 tags fit the 2048-character quota, 36 do not', () => {
    expect(awsWebIdentityTrust(payments({ tags: tags(35) }), 'sts.amazonaws.com', ctx).conditions).toHaveLength(1);
    expect(() => awsWebIdentityTrust(payments({ tags: tags(36) }), 'sts.amazonaws.com', ctx)).toThrow(
      /^\[KL-AWS-TRUST-SIZE\] App\/Trust: `source` renders a trust policy of about \d+ characters, over IAM's 2048-character limit for role trust policies \(36 subjects, 1 statement\)/);
  });
});

describe('GCP workload identity provider', () => {
  test('the condition pins the owner and repository ids and each exact subject', () => {
    const provider = gcpWorkloadIdentityProvider(
      payments({ ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based', branches: ['main'], environments: ['production'] }), location, ctx);
    // The environment job must also run on main: the subject names the environment, the ref claim the branch.
    expect(provider.attributeCondition).toBe(
      "assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && "
      + "assertion.ref == 'refs/heads/main' && assertion.sub == 'repo:acme/payments-api:environment:production'");
    expect(provider.allowedAudiences).toEqual([
      'https://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/ci-github/providers/payments-deploy',
    ]);
    expect(provider.members).toEqual([
      // Principals are per pool: never a subject another provider of the pool could mint.
      'principalSet://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/ci-github/attribute.keyless_trust/payments-deploy',
    ]);
    expect(provider.members.some((m) => m.endsWith('/*'))).toBe(false);
  });

  test('patterns become startsWith and the members the provider-scoped principalSet', () => {
    const provider = gcpWorkloadIdentityProvider(payments({ tagPatterns: ['v*'] }), location, ctx);
    expect(provider.attributeCondition).toBe(
      "assertion.repository == 'acme/payments-api' && assertion.repository_owner == 'acme' && assertion.sub.startsWith('repo:acme/payments-api:ref:refs/tags/v')");
    expect(provider.attributeMapping).toEqual({
      'attribute.keyless_trust': "'payments-deploy'",
      'attribute.repository': 'assertion.repository',
      'attribute.repository_owner': 'assertion.repository_owner',
      'google.subject': 'assertion.sub',
    });
    expect(provider.members).toEqual([
      'principalSet://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/ci-github/attribute.keyless_trust/payments-deploy',
    ]);
  });

  test('google.subject limit: a 127-byte subject is accepted, 128 bytes are refused', () => {
    const prefix = 'repo:acme/payments-api:ref:refs/heads/'.length;
    expect(gcpWorkloadIdentityProvider(payments({ branches: ['b'.repeat(127 - prefix)] }), location, ctx).members).toHaveLength(1);
    expect(() => gcpWorkloadIdentityProvider(payments({ branches: ['b'.repeat(128 - prefix)] }), location, ctx)).toThrow(
      /^\[KL-GCP-SUBJECT-LENGTH\] App\/Trust: `source` yields the subject "repo:acme\/payments-api:ref:refs\/heads\/b+" of 128 bytes, over the 127-byte limit of `google.subject`/);
  });
});

describe('Azure federated trust', () => {
  test('one credential per exact subject, with the token exchange audience and deterministic names', () => {
    const trust = azureFederatedTrust(payments({ branches: ['main'] }), ctx);
    expect(trust).toEqual({
      issuer: 'https://token.actions.githubusercontent.com',
      audience: 'api://AzureADTokenExchange',
      credentials: [{ name: azureCredentialName('repo:acme/payments-api:ref:refs/heads/main'), subject: 'repo:acme/payments-api:ref:refs/heads/main' }],
    });
    expect(trust.credentials[0].name).toMatch(/^repo-acme-payments-api-ref-refs-heads-main-[0-9a-f]{10}$/);
  });

  test('credential names fit 3–120 characters of [A-Za-z0-9_-] even for long subjects', () => {
    const name = azureCredentialName(`repo:acme/payments-api:environment:${'e'.repeat(200)}`);
    expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/);
  });

  test('20 subjects are accepted, 21 are refused', () => {
    expect(azureFederatedTrust(payments({ tags: tags(20) }), ctx).credentials).toHaveLength(20);
    expect(() => azureFederatedTrust(payments({ tags: tags(21) }), ctx)).toThrow(
      '[KL-AZ-TOO-MANY] App/Trust: `source` admits 21 subjects, over the limit of 20 federated credentials per user-assigned identity. Fix: split the refs over several CiOidcTrust declarations of at most 20 subjects each. See https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations');
  });
});

describe('provider limits are checked at synthesis, not at deploy', () => {
  const head = 'repo:acme/payments-api:ref:refs/tags/';
  test('GCP: a tag pattern whose prefix plus one character exceeds 127 bytes is refused; 127 bytes are accepted', () => {
    // The pattern's literal prefix and `*` (one character of a real tag) must fit google.subject's 127 bytes.
    expect(gcpWorkloadIdentityProvider(payments({ tagPatterns: [`${'v'.repeat(126 - head.length)}*`] }), location, ctx).members).toHaveLength(1);
    expect(() => gcpWorkloadIdentityProvider(payments({ tagPatterns: [`${'v'.repeat(127 - head.length)}*`] }), location, ctx)).toThrow(
      `[KL-GCP-SUBJECT-LENGTH] App/Trust: \`source\` yields the subject pattern "${head}${'v'.repeat(127 - head.length)}*" of 128 bytes (with one character for the \`*\`), over the 127-byte limit of \`google.subject\``);
  });
  test('Azure: a subject over 600 characters is refused; 600 are accepted', () => {
    const branchHead = 'repo:acme/payments-api:ref:refs/heads/';
    // git refs are at most 255 characters per Keyless's check: reach 600 with a long reusable-workflow pin.
    const long = (length: number) => payments({ branches: ['b'.repeat(length - branchHead.length)] });
    expect(azureFederatedTrust(long(255 + branchHead.length - 1), ctx).credentials).toHaveLength(1);
    const workflow = (n: number) => `acme/workflows/.github/workflows/${'w'.repeat(n)}.yml@refs/heads/main`;
    const subjectLength = (n: number) => payments({ branches: ['b'.repeat(200)], jobWorkflowRef: workflow(n), jobWorkflowRefInSubject: true }).exactSubjects[0].length;
    const at = (target: number) => { let n = 1; while (subjectLength(n) < target) n++; return n; };
    const fits = at(600);
    expect(subjectLength(fits)).toBe(600);
    expect(azureFederatedTrust(payments({ branches: ['b'.repeat(200)], jobWorkflowRef: workflow(fits), jobWorkflowRefInSubject: true }), ctx).credentials).toHaveLength(1);
    expect(() => azureFederatedTrust(payments({ branches: ['b'.repeat(200)], jobWorkflowRef: workflow(fits + 1), jobWorkflowRefInSubject: true }), ctx))
      .toThrow(/^\[KL-AZ-SUBJECT-LENGTH\] App\/Trust: `source` yields the subject "repo:acme\/payments-api:ref:refs\/heads\/b+:job_workflow_ref:acme\/workflows\/\.github\/workflows\/w+\.yml@refs\/heads\/main" of 601 characters, over the 600-character limit/);
  });
});

describe('object prefixes: one rule on every cloud', () => {
  const use = { code: 'KL-TEST-PREFIX', what: 'a prefix', fix: 'fix it' };
  const rule = 'non-empty, with no wildcards (`*`, `?`), quotes (`\'`, `\\`), control characters or leading `/`, no `//`, `.` or `..` segments, and at most 1000 bytes (an empty prefix would grant every object)';
  test.each([
    ['a newline (refused by the providers)', 'releases\nx'], ['a tab', 'a\tb'], ['a DEL', 'a\x7f'], ['a C1 control', 'a\x85b'], ['a line separator', 'a\u2028b'],
    ['a `..` segment', 'a/../b'], ['a `.` segment', './a'], ['`//`', 'a//b'], ['a leading `/`', '/a'], ['only slashes', '///'],
    ['a quote', "a'b"], ['a backslash', 'a\\b'], ['a wildcard', 'a*'], ['1001 bytes', 'a'.repeat(1001)], ['501 two-byte characters', '\u00e9'.repeat(501)],
  ])('%s is refused', (_name, prefix) => {
    expect(() => checkObjectPrefix(prefix, ctx, 'target.prefix', use)).toThrow(`[KL-TEST-PREFIX] App/Trust: \`target.prefix\` is ${quote(prefix)}: a prefix is ${rule}. Fix: fix it.`);
  });
  test('1000 bytes, unicode, `$` and `{` are accepted; trailing slashes collapse into one', () => {
    expect(checkObjectPrefix('a'.repeat(1000), ctx, 'p', use)).toBe(`${'a'.repeat(1000)}/`);
    expect(checkObjectPrefix('r\u00e9sum\u00e9s/2026', ctx, 'p', use)).toBe('r\u00e9sum\u00e9s/2026/');
    expect(checkObjectPrefix('a$b{c}///', ctx, 'p', use)).toBe('a$b{c}/');
  });
});

describe('issue 14 semantics: what each cloud renders, exactly', () => {
  const ids = { ownerId: '1342004', repositoryId: '86301532' };
  const gh = 'token.actions.githubusercontent.com';
  const sts = 'sts.amazonaws.com';
  const workflow = 'acme/workflows/.github/workflows/release.yml@refs/heads/main';
  const gitlab = (props: object) => GitLabCi.project({ projectPath: 'acme/finance/ledger', ...props } as never).resolve(ctx, 'source');
  /** Equal, and in the same key order (IAM reads a document as written; Keyless sorts the keys of each operator). */
  const exactly = (actual: unknown, expected: unknown) => {
    expect(actual).toEqual(expected);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  };
  const both = ['repo:acme/payments-api:environment:production', 'repo:acme@1342004/payments-api@86301532:environment:production'];

  test('AWS, name-only on github.com: `repository` pinned (no key for repository_owner), keys sorted', () => {
    exactly(awsWebIdentityTrust(payments({ branches: ['main'] }), sts, ctx).conditions, [{
      StringEquals: { [`${gh}:aud`]: sts, [`${gh}:repository`]: 'acme/payments-api', [`${gh}:sub`]: 'repo:acme/payments-api:ref:refs/heads/main' },
    }]);
  });

  test('AWS, ids on github.com: repository_id pinned in every form (a re-created repository is denied whatever it emits)', () => {
    for (const [subjectFormat, sub] of [
      ['name-based', 'repo:acme/payments-api:ref:refs/heads/main'],
      ['immutable', 'repo:acme@1342004/payments-api@86301532:ref:refs/heads/main'],
    ] as const) {
      exactly(awsWebIdentityTrust(payments({ ...ids, subjectFormat, branches: ['main'] }), sts, ctx).conditions, [{
        StringEquals: { [`${gh}:aud`]: sts, [`${gh}:repository_id`]: '86301532', [`${gh}:sub`]: sub },
      }]);
    }
  });

  test('AWS, both forms with environments on branches, tags and a pattern: one statement per ref alternative', () => {
    const policy = payments({ ...ids, subjectFormat: 'both', environments: ['production'], branches: ['main'], tags: ['v1.0.0'], tagPatterns: ['v*'] });
    exactly(awsWebIdentityTrust(policy, sts, ctx).conditions, [
      { StringEquals: { [`${gh}:aud`]: sts, [`${gh}:ref`]: ['refs/heads/main', 'refs/tags/v1.0.0'], [`${gh}:repository_id`]: '86301532', [`${gh}:sub`]: both } },
      { StringEquals: { [`${gh}:aud`]: sts, [`${gh}:repository_id`]: '86301532', [`${gh}:sub`]: both }, StringLike: { [`${gh}:ref`]: 'refs/tags/v*' } },
    ]);
  });

  test('AWS, the workflow by claim: StringEquals job_workflow_ref; in the subject: the subject and the pin', () => {
    exactly(awsWebIdentityTrust(payments({ ...ids, subjectFormat: 'immutable', branches: ['main'], jobWorkflowRef: workflow }), sts, ctx).conditions, [{
      StringEquals: {
        [`${gh}:aud`]: sts,
        [`${gh}:job_workflow_ref`]: workflow,
        [`${gh}:repository_id`]: '86301532',
        [`${gh}:sub`]: 'repo:acme@1342004/payments-api@86301532:ref:refs/heads/main',
      },
    }]);
    exactly(awsWebIdentityTrust(payments({ branches: ['main'], jobWorkflowRef: workflow, jobWorkflowRefInSubject: true }), sts, ctx).conditions, [{
      StringEquals: {
        [`${gh}:aud`]: sts,
        [`${gh}:job_workflow_ref`]: workflow,
        [`${gh}:repository`]: 'acme/payments-api',
        [`${gh}:sub`]: `repo:acme/payments-api:ref:refs/heads/main:job_workflow_ref:${workflow}`,
      },
    }]);
  });

  test('AWS, an enterprise issuer: no claim keys (the immutable subject carries the ids); a requirement or uncheckable ids are refused', () => {
    const ent = `${gh}/acme-ent`;
    exactly(awsWebIdentityTrust(payments({ ...ids, subjectFormat: 'immutable', enterpriseSlug: 'acme-ent', branches: ['main'] }), sts, ctx).conditions, [{
      StringEquals: { [`${ent}:aud`]: sts, [`${ent}:sub`]: 'repo:acme@1342004/payments-api@86301532:ref:refs/heads/main' },
    }]);
    exactly(awsWebIdentityTrust(payments({ enterpriseSlug: 'acme-ent', branches: ['main'] }), sts, ctx).conditions, [{
      StringEquals: { [`${ent}:aud`]: sts, [`${ent}:sub`]: 'repo:acme/payments-api:ref:refs/heads/main' },
    }]);
    expect(() => awsWebIdentityTrust(payments({ enterpriseSlug: 'acme-ent', environments: ['production'], branches: ['main'] }), sts, ctx)).toThrow(
      '[KL-AWS-CLAIM-KEY] App/Trust: `source.branches` requires the `ref` claim (jobs in "production" must also run on refs/heads/main, and a '
      + 'token\'s `sub` names only the environment), but AWS STS exposes no `token.actions.githubusercontent.com/acme-ent:ref` condition key for the '
      + 'issuer https://token.actions.githubusercontent.com/acme-ent: it checks only `sub` and `aud` there. Fix: drop the refs and restrict the '
      + 'environment\'s deployment branches and tags in the repository settings, or set `allowBranchRunsWithoutEnvironment: true` to trust either '
      + '(runs on the refs then skip the environment\'s protection rules). See '
      + 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif');
    expect(() => awsWebIdentityTrust(payments({ enterpriseSlug: 'acme-ent', branches: ['main'], jobWorkflowRef: workflow }), sts, ctx))
      .toThrow(/^\[KL-AWS-CLAIM-KEY\] App\/Trust: `source\.jobWorkflowRef` requires the `job_workflow_ref` claim/);
    for (const subjectFormat of ['name-based', 'both']) {
      expect(() => awsWebIdentityTrust(payments({ ...ids, subjectFormat, enterpriseSlug: 'acme-ent', branches: ['main'] }), sts, ctx))
        .toThrow(/^\[KL-AWS-IDS-UNCHECKABLE\] App\/Trust: `source\.subjectFormat` is "(name-based|both)" with `repositoryId` 86301532 given/);
    }
  });

  test('AWS, GitLab: aud and sub only, whatever is pinned (STS exposes no GitLab claim)', () => {
    exactly(awsWebIdentityTrust(gitlab({ namespaceId: '5521', projectId: '48213', branches: ['main'], tagPatterns: ['v*'] }), sts, ctx).conditions, [
      { StringEquals: { 'gitlab.com:aud': sts, 'gitlab.com:sub': 'project_path:acme/finance/ledger:ref_type:branch:ref:main' } },
      { StringEquals: { 'gitlab.com:aud': sts }, StringLike: { 'gitlab.com:sub': 'project_path:acme/finance/ledger:ref_type:tag:ref:v*' } },
    ]);
  });

  test('GCP, both forms with environments on refs: the pins, the ref alternatives in parentheses, then the subjects', () => {
    const policy = payments({ ...ids, subjectFormat: 'both', environments: ['production'], branches: ['main'], tags: ['v1.0.0'], tagPatterns: ['v*'] });
    expect(gcpWorkloadIdentityProvider(policy, location, ctx).attributeCondition).toBe(
      "assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && "
      + "(assertion.ref == 'refs/heads/main' || assertion.ref == 'refs/tags/v1.0.0' || assertion.ref.startsWith('refs/tags/v')) && "
      + "(assertion.sub == 'repo:acme/payments-api:environment:production' || assertion.sub == 'repo:acme@1342004/payments-api@86301532:environment:production')");
  });

  test('GCP, the workflow by claim, and an environment name with a space and a quote', () => {
    const policy = payments({ environments: ["Production EU's"], jobWorkflowRef: workflow });
    expect(gcpWorkloadIdentityProvider(policy, location, ctx).attributeCondition).toBe(
      "assertion.repository == 'acme/payments-api' && assertion.repository_owner == 'acme' && "
      + `assertion.job_workflow_ref == '${workflow}' && assertion.sub == 'repo:acme/payments-api:environment:Production EU\\'s'`);
  });

  test('GCP, GitLab: ref_protected pinned, absent with allowUnprotectedRefs', () => {
    expect(gcpWorkloadIdentityProvider(gitlab({ namespaceId: '5521', projectId: '48213', branches: ['main'], tagPatterns: ['v*'] }), location, ctx).attributeCondition)
      .toBe("assertion.namespace_id == '5521' && assertion.project_id == '48213' && assertion.ref_protected == 'true' && "
        + "(assertion.sub == 'project_path:acme/finance/ledger:ref_type:branch:ref:main' || assertion.sub.startsWith('project_path:acme/finance/ledger:ref_type:tag:ref:v'))");
    expect(gcpWorkloadIdentityProvider(gitlab({ branches: ['main'], allowUnprotectedRefs: true }), location, ctx).attributeCondition)
      .toBe("assertion.namespace_path == 'acme/finance' && assertion.project_path == 'acme/finance/ledger' && "
        + "assertion.sub == 'project_path:acme/finance/ledger:ref_type:branch:ref:main'");
  });

  test('Azure refuses what it cannot check: environments on refs, the workflow by claim (KL-AZ-CLAIM-UNCHECKABLE)', () => {
    const docs = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations';
    expect(() => azureFederatedTrust(payments({ ...ids, subjectFormat: 'immutable', environments: ['production'], branches: ['main'] }), ctx)).toThrow(
      '[KL-AZ-CLAIM-UNCHECKABLE] App/Trust: `source.branches` requires the `ref` claim (jobs in "production" must also run on refs/heads/main, and '
      + 'a token\'s `sub` names only the environment), but Azure federated credentials match only the issuer, audience and subject. Fix: drop the '
      + 'refs and restrict the environment\'s deployment branches and tags in the repository settings, or set '
      + `\`allowBranchRunsWithoutEnvironment: true\` to trust either (runs on the refs then skip the environment's protection rules). See ${docs}`);
    expect(() => azureFederatedTrust(payments({ environments: ['production'], tagPatterns: ['v*'] }), ctx))
      .toThrow(/^\[KL-AZ-CLAIM-UNCHECKABLE\] App\/Trust: `source\.tagPatterns` requires the `ref` claim/);
    expect(() => azureFederatedTrust(payments({ branches: ['main'], jobWorkflowRef: workflow }), ctx)).toThrow(
      `[KL-AZ-CLAIM-UNCHECKABLE] App/Trust: \`source.jobWorkflowRef\` requires the \`job_workflow_ref\` claim (only runs of the reusable workflow ${workflow} `
      + 'are trusted), but Azure federated credentials match only the issuer, audience and subject. Fix: set the repository\'s OIDC subject template '
      + 'to include `job_workflow_ref` and declare `jobWorkflowRefInSubject: true`, so that the subject pins the workflow. See '
      + `${docs}`);
  });

  test('Azure renders the workflow in the subject, the OR opt-in, and both forms (one credential per subject)', () => {
    const subjects = (props: object) => azureFederatedTrust(payments(props), ctx).credentials.map((c) => c.subject);
    expect(subjects({ ...ids, subjectFormat: 'immutable', branches: ['main'], jobWorkflowRef: workflow, jobWorkflowRefInSubject: true }))
      .toEqual([`repository_owner_id:1342004:repository_id:86301532:ref:refs/heads/main:job_workflow_ref:${workflow}`]);
    expect(subjects({ environments: ['production'], branches: ['main'], allowBranchRunsWithoutEnvironment: true }))
      .toEqual(['repo:acme/payments-api:environment:production', 'repo:acme/payments-api:ref:refs/heads/main']);
    expect(subjects({ ...ids, subjectFormat: 'both', environments: ['production'] })).toEqual(both);
    expect(subjects({ environments: ['Production EU'] })).toEqual(['repo:acme/payments-api:environment:Production EU']);
  });
});
