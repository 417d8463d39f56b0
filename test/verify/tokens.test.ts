import type { ClaimRequirement, Token, TrustAlternative, TrustKind } from '../../src/verify/model';
import {
  githubIssuerOf, GitHubRun, githubToken, gitlabToken, gkeToken, instantiateGlob, kubernetesToken, legitimateIdentities, MAX_LEGITIMATE_IDENTITIES,
  meetsAlternative, podIdentityToken, tokenPlatform,
} from '../../src/verify/tokens';
import * as oracle from '../helpers/tokens';

const GH = 'https://token.actions.githubusercontent.com';
const EKS = 'https://oidc.eks.us-west-2.amazonaws.com/id/5C4D9F3A1B2E8C7D6F5A4B3C2D1E0F9A';
const AKS = 'https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/3f2e1d0c-5b4a-4c3d-9e8f-7a6b5c4d3e2f/';
const eq = (...values: string[]): ClaimRequirement => ({ values, glob: false });
const like = (...values: string[]): ClaimRequirement => ({ values, glob: true });
const trust = (kind: TrustKind, ...alternatives: TrustAlternative[]) => ({ kind, alternatives });
const APP = { owner: 'acme', repository: 'app', ownerId: '1342004', repositoryId: '86301532' } as const;
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const TIMES = { iat: 1767225600, nbf: 1767225600, exp: 1767225900 };
/** A token's claims without the per-token `jti`. */
const claimsOf = (token: Token) => {
  const { jti, ...rest } = token.claims;
  expect(jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  return rest;
};

describe('githubToken', () => {
  test('a push to main: every claim GitHub issues, sub computed from them', () => {
    const token = githubToken({ ...APP, ref: 'refs/heads/main', aud: 'sts.amazonaws.com' });
    expect(token.platform).toBe('github');
    expect(token.issuer).toBe(GH);
    expect(claimsOf(token)).toEqual({
      actor: 'octocat',
      actor_id: '583231',
      aud: 'sts.amazonaws.com',
      base_ref: '',
      event_name: 'push',
      head_ref: '',
      iss: GH,
      job_workflow_ref: 'acme/app/.github/workflows/deploy.yml@refs/heads/main',
      job_workflow_sha: SHA,
      ref: 'refs/heads/main',
      ref_protected: 'true',
      ref_type: 'branch',
      repository: 'acme/app',
      repository_id: '86301532',
      repository_owner: 'acme',
      repository_owner_id: '1342004',
      repository_visibility: 'private',
      run_attempt: '1',
      run_id: '1000000001',
      run_number: '1',
      runner_environment: 'github-hosted',
      sha: SHA,
      sub: 'repo:acme/app:ref:refs/heads/main',
      workflow: 'deploy',
      workflow_ref: 'acme/app/.github/workflows/deploy.yml@refs/heads/main',
      workflow_sha: SHA,
      ...TIMES,
    });
  });

  test('default audience is the owner URL; null drops it; an enterprise issuer adds the enterprise claims', () => {
    expect(githubToken({ ...APP, ref: 'refs/heads/main' }).claims.aud).toBe('https://github.com/acme');
    expect('aud' in githubToken({ ...APP, ref: 'refs/heads/main', aud: null }).claims).toBe(false);
    const enterprise = githubToken({ ...APP, ref: 'refs/heads/main', issuer: `${GH}/acme-corp` });
    expect([enterprise.issuer, enterprise.claims.iss, enterprise.claims.enterprise, enterprise.claims.enterprise_id])
      .toEqual([`${GH}/acme-corp`, `${GH}/acme-corp`, 'acme-corp', '4242']);
  });

  test.each<[string, Partial<GitHubRun>, string]>([
    ['tag', { ref: 'refs/tags/v1.2.3' }, 'repo:acme/app:ref:refs/tags/v1.2.3'],
    ['environment (replaces the ref)', { environment: 'production' }, 'repo:acme/app:environment:production'],
    ['pull_request', { event: 'pull_request', ref: 'refs/pull/7/merge' }, 'repo:acme/app:pull_request'],
    ['ID-based', { subject: { form: 'id-based' } }, 'repo:acme@1342004/app@86301532:ref:refs/heads/main'],
    ['ID-based environment', { subject: { form: 'id-based' }, environment: 'production' }, 'repo:acme@1342004/app@86301532:environment:production'],
    ['template ids + context', { subject: { form: 'template', claimKeys: ['repository_owner_id', 'repository_id', 'context'] } },
      'repository_owner_id:1342004:repository_id:86301532:ref:refs/heads/main'],
    ['template with a colon in a value', { subject: { form: 'template', claimKeys: ['repo', 'context', 'job_workflow_ref'] }, jobWorkflowRef: 'acme/ci/.github/workflows/d.yml@v1:x' },
      'repo:acme/app:ref:refs/heads/main:job_workflow_ref:acme/ci/.github/workflows/d.yml@v1%3Ax'],
  ])('sub of a %s run', (_name, run, sub) => {
    expect(githubToken({ ...APP, ref: 'refs/heads/main', ...run }).claims.sub).toBe(sub);
  });

  // Differential: the test oracle (test/helpers/tokens.ts) builds the same claims independently.
  const runs: Array<[string, oracle.GitHubRun, Partial<GitHubRun>]> = [
    ['branch', { ...APP, ref: 'refs/heads/main' }, {}],
    ['tag', { ...APP, ref: 'refs/tags/v1.2.3' }, {}],
    ['environment', { ...APP, ref: 'refs/heads/main', environment: 'production' }, {}],
    ['pull_request', { ...APP, ref: 'refs/pull/7/merge', event: 'pull_request' }, {}],
    ['immutable', { ...APP, ref: 'refs/heads/main', format: 'immutable' }, { subject: { form: 'id-based' } }],
    ['template', { ...APP, ref: 'refs/heads/dev', subjectClaimKeys: ['repository_owner_id', 'repository_id', 'context'] },
      { subject: { form: 'template', claimKeys: ['repository_owner_id', 'repository_id', 'context'] } }],
    ['enterprise issuer', { ...APP, ref: 'refs/heads/main', iss: `${GH}/acme-corp` }, { issuer: `${GH}/acme-corp` }],
  ];
  test.each(runs)('agrees with the oracle: %s', (_name, run, ours) => {
    const expected = oracle.githubToken({ ...run, aud: 'sts.amazonaws.com' });
    const token = githubToken({ ...run, event: run.event, aud: 'sts.amazonaws.com', ...ours });
    for (const [claim, value] of Object.entries(expected)) expect([claim, token.claims[claim]]).toEqual([claim, value]);
  });
});

describe('gitlabToken', () => {
  const LEDGER = { projectPath: 'acme/finance/ledger', namespaceId: '5521', projectId: '48213' } as const;

  test('a pipeline on main: every claim GitLab issues', () => {
    const token = gitlabToken({ ...LEDGER, refType: 'branch', ref: 'main', aud: 'sts.amazonaws.com' });
    expect([token.platform, token.issuer]).toEqual(['gitlab', 'https://gitlab.com']);
    expect(claimsOf(token)).toEqual({
      aud: 'sts.amazonaws.com',
      ci_config_ref_uri: 'gitlab.com/acme/finance/ledger//.gitlab-ci.yml@refs/heads/main',
      ci_config_sha: SHA,
      iss: 'https://gitlab.com',
      job_id: '3000000001',
      job_namespace_id: '5521',
      job_namespace_path: 'acme/finance',
      job_project_id: '48213',
      job_project_path: 'acme/finance/ledger',
      namespace_id: '5521',
      namespace_path: 'acme/finance',
      pipeline_id: '2000000001',
      pipeline_source: 'push',
      project_id: '48213',
      project_path: 'acme/finance/ledger',
      project_visibility: 'private',
      ref: 'main',
      ref_path: 'refs/heads/main',
      ref_protected: 'true',
      ref_type: 'branch',
      runner_environment: 'gitlab-hosted',
      runner_id: 12270807,
      sha: SHA,
      sub: 'project_path:acme/finance/ledger:ref_type:branch:ref:main',
      user_access_level: 'developer',
      user_email: 'developer@example.com',
      user_id: '1000001',
      user_login: 'developer',
      ...TIMES,
    });
  });

  test.each<[string, oracle.GitLabRun, Parameters<typeof gitlabToken>[0]]>([
    ['tag on a self-managed instance', { ...LEDGER, refType: 'tag', ref: 'v2.0.0', instance: 'https://gitlab.example.com' },
      { ...LEDGER, refType: 'tag', ref: 'v2.0.0', instance: 'https://gitlab.example.com' }],
    ['unprotected merge-request pipeline', { ...LEDGER, refType: 'branch', ref: 'main', refProtected: false, pipelineSource: 'merge_request_event' },
      { ...LEDGER, refType: 'branch', ref: 'main', refProtected: false, pipelineSource: 'merge_request_event' }],
    ['fork merge request (18.2.2+)', { ...LEDGER, refType: 'branch', ref: 'main', forkMergeRequest: { ...oracle.LEDGER_FORK, gitlabVersion: '18.2.2-or-later' } },
      { ...LEDGER, refType: 'branch', ref: 'main', fork: oracle.LEDGER_FORK }],
  ])('agrees with the oracle: %s', (_name, run, ours) => {
    const expected = oracle.gitlabToken({ ...run, aud: 'sts.amazonaws.com' });
    const token = gitlabToken({ ...ours, aud: 'sts.amazonaws.com' });
    for (const [claim, value] of Object.entries(expected)) {
      if (value !== undefined) expect([claim, token.claims[claim]]).toEqual([claim, value]);
      else expect([claim, claim in token.claims]).toEqual([claim, false]);
    }
  });
});

describe('Kubernetes, Pod Identity and GKE tokens', () => {
  test('an EKS projected service account token', () => {
    const token = kubernetesToken({ issuer: EKS, namespace: 'payments', serviceAccount: 'api' });
    const claims = claimsOf(token) as Record<string, unknown>;
    const k8s = claims['kubernetes.io'] as { pod: { uid: string }; node: { uid: string }; serviceaccount: { uid: string } };
    expect(claims).toEqual({
      'aud': ['sts.amazonaws.com'],
      'iss': EKS,
      'sub': 'system:serviceaccount:payments:api',
      ...TIMES,
      'kubernetes.io': {
        namespace: 'payments',
        node: { name: 'ip-10-0-1-23.internal', uid: k8s.node.uid },
        pod: { name: 'api-7d4b9c8f6-x2x9q', uid: k8s.pod.uid },
        serviceaccount: { name: 'api', uid: k8s.serviceaccount.uid },
      },
    });
    expect(new Set([k8s.node.uid, k8s.pod.uid, k8s.serviceaccount.uid]).size).toBe(3);
  });

  test('an AKS token defaults to the Entra exchange audience; other clusters to their issuer', () => {
    expect(kubernetesToken({ issuer: AKS, namespace: 'a', serviceAccount: 'b' }).claims.aud).toEqual(['api://AzureADTokenExchange']);
    expect(kubernetesToken({ issuer: 'https://k8s.example', namespace: 'a', serviceAccount: 'b' }).claims.aud).toEqual(['https://k8s.example']);
  });

  test('an EKS Pod Identity session: the session tags, the cluster ARN as issuer', () => {
    const arn = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
    const token = podIdentityToken({ clusterArn: arn, namespace: 'payments', serviceAccount: 'api' });
    expect(token).toEqual({
      platform: 'eks-pod-identity',
      issuer: arn,
      claims: {
        'eks-cluster-arn': arn,
        'eks-cluster-name': 'prod',
        'kubernetes-namespace': 'payments',
        'kubernetes-pod-name': 'api-7d4b9c8f6-x2x9q',
        'kubernetes-pod-uid': token.claims['kubernetes-pod-uid'],
        'kubernetes-service-account': 'api',
      },
    });
  });

  test('a GKE workload', () => {
    expect(gkeToken({ project: 'shop', location: 'europe-west1', cluster: 'prod', namespace: 'payments', serviceAccount: 'api' })).toEqual({
      platform: 'gke',
      issuer: 'https://container.googleapis.com/v1/projects/shop/locations/europe-west1/clusters/prod',
      claims: { cluster: 'prod', location: 'europe-west1', namespace: 'payments', project: 'shop', serviceaccount: 'api' },
    });
  });
});

describe('tokenPlatform', () => {
  test.each<[string, TrustKind, TrustAlternative, string]>([
    ['github.com issuer', 'aws-oidc', { issuer: GH, claims: {} }, 'github'],
    ['github.com issuer with a trailing slash, in another case', 'azure-fic', { issuer: 'https://Token.Actions.GitHubUserContent.com/', claims: {} }, 'github'],
    ['gitlab.com with a trailing slash', 'azure-fic', { issuer: 'https://gitlab.com/', claims: {} }, 'gitlab'],
    ['enterprise issuer', 'azure-fic', { issuer: `${GH}/acme`, claims: {} }, 'github'],
    ['gitlab.com', 'aws-oidc', { issuer: 'https://gitlab.com', claims: {} }, 'gitlab'],
    ['self-managed GitLab by its subject', 'aws-oidc', { issuer: 'https://gitlab.example.com', claims: { sub: eq('project_path:a/b:ref_type:branch:ref:main') } }, 'gitlab'],
    ['EKS issuer', 'aws-oidc', { issuer: EKS, claims: {} }, 'kubernetes'],
    ['AKS issuer', 'azure-fic', { issuer: AKS, claims: {} }, 'kubernetes'],
    ['service account subject', 'azure-fic', { issuer: 'https://k8s.example', claims: { sub: eq('system:serviceaccount:a:b') } }, 'kubernetes'],
    ['GKE member', 'gcp-gke', { claims: {} }, 'gke'],
    ['Pod Identity', 'aws-pod-identity', { claims: {} }, 'eks-pod-identity'],
    ['no issuer, GitHub subject', 'gcp-workload-identity', { claims: { sub: eq('repo:a/b:ref:refs/heads/main') } }, 'github'],
    ['other issuer', 'azure-fic', { issuer: 'https://app.terraform.io', claims: { sub: eq('organization:acme') } }, 'oidc'],
  ])('%s', (_name, kind, alternative, platform) => {
    expect(tokenPlatform({ kind }, alternative)).toBe(platform);
  });
});

describe('instantiateGlob', () => {
  test.each([['release-*', 'name', 'release-legit'], ['v*', 'tag', 'v1.0.0'], ['12*', 'id', '121'], ['a?c', 'name', 'axc']] as const)(
    '%s (%s) → %s', (pattern, kind, value) => expect(instantiateGlob(pattern, kind)).toBe(value),
  );
});

describe('legitimateIdentities', () => {
  const summary = (kind: TrustKind, ...alternatives: TrustAlternative[]) =>
    legitimateIdentities(trust(kind, ...alternatives)).map((identity) => [identity.description, identity.token.claims.sub, identity.invented]);

  test('GitHub name-based branch: the full token, ids invented', () => {
    const [identity, ...rest] = legitimateIdentities(trust('aws-oidc', { issuer: GH, claims: { sub: eq('repo:acme/app:ref:refs/heads/main'), aud: eq('sts.amazonaws.com') } }));
    expect(rest).toEqual([]);
    expect(identity).toEqual({
      description: 'GitHub acme/app (name-based subject), ref refs/heads/main',
      token: githubToken({ owner: 'acme', repository: 'app', ownerId: '100001', repositoryId: '200002', ref: 'refs/heads/main', aud: 'sts.amazonaws.com', subject: { form: 'name-based' }, issuer: GH }),
      invented: ['repository_id', 'repository_owner_id'],
    });
  });

  test('GitHub tag pattern, environment, pull_request (one identity per value)', () => {
    expect(summary('aws-oidc', {
      issuer: GH,
      claims: { sub: like('repo:acme/app:ref:refs/tags/v*', 'repo:acme/app:environment:production', 'repo:acme/app:pull_request'), aud: eq('sts.amazonaws.com') },
    })).toEqual([
      ['GitHub acme/app (name-based subject), ref refs/tags/v1.0.0', 'repo:acme/app:ref:refs/tags/v1.0.0', ['ref', 'repository_id', 'repository_owner_id']],
      ['GitHub acme/app (name-based subject), environment production, ref refs/heads/main', 'repo:acme/app:environment:production',
        ['ref', 'repository_id', 'repository_owner_id']],
      ['GitHub acme/app (name-based subject), pull_request run, ref refs/pull/1/merge', 'repo:acme/app:pull_request', ['ref', 'repository_id', 'repository_owner_id']],
    ]);
  });

  test('GitHub ID-based subject pins the ids', () => {
    const [identity] = legitimateIdentities(trust('azure-fic', {
      issuer: GH, claims: { sub: eq('repo:acme@1342004/app@86301532:environment:production'), aud: eq('api://AzureADTokenExchange') },
    }));
    expect(identity.token).toEqual(githubToken({
      ...APP, ref: 'refs/heads/main', environment: 'production', subject: { form: 'id-based' }, aud: 'api://AzureADTokenExchange', issuer: GH,
    }));
    expect(identity.invented).toEqual(['ref']);
    expect(identity.description).toBe('GitHub acme/app (id-based subject), environment production, ref refs/heads/main');
  });

  test('GitHub custom template; the ANDed claims win over the subject\'s defaults', () => {
    const [identity] = legitimateIdentities(trust('aws-oidc', {
      issuer: GH,
      claims: {
        sub: eq('repository_owner_id:1342004:repository_id:86301532:environment:production'),
        aud: eq('sts.amazonaws.com'),
        repository: eq('acme/app'),
        ref: eq('refs/heads/main'),
        job_workflow_ref: eq('acme/app/.github/workflows/release.yml@refs/heads/main'),
      },
    }));
    expect(identity.token).toEqual(githubToken({
      ...APP,
      ref: 'refs/heads/main',
      environment: 'production',
      aud: 'sts.amazonaws.com',
      issuer: GH,
      workflowPath: '.github/workflows/release.yml',
      subject: { form: 'template', claimKeys: ['repository_owner_id', 'repository_id', 'context'] },
    }));
    expect(identity.invented).toEqual([]);
  });

  test('GitHub patterns: a glob that swallows the rest keeps its literal part', () => {
    expect(summary('aws-oidc', { issuer: GH, claims: { sub: like('repo:acme/app*', 'repo:acme/*', 'repo:acme/app:*', 'repo:acme/app:ref:refs/heads/release-*') } }).map((s) => s[1]))
      .toEqual(['repo:acme/app:ref:refs/heads/main', 'repo:acme/legit:ref:refs/heads/main', 'repo:acme/app:ref:refs/heads/release-legit']);
    // `repo:acme/app*` and `repo:acme/app:*` give the same token: one identity.
    expect(summary('aws-oidc', { issuer: GH, claims: { sub: like('repo:acme/*') } })[0][2])
      .toEqual(['aud', 'ref', 'repository', 'repository_id', 'repository_owner_id']);
  });

  test('GitLab SaaS and self-managed', () => {
    const [saas] = legitimateIdentities(trust('aws-oidc', {
      issuer: 'https://gitlab.com', claims: { sub: like('project_path:acme/finance/ledger:ref_type:tag:ref:v*'), aud: eq('sts.amazonaws.com') },
    }));
    expect(saas.token).toEqual(gitlabToken({
      instance: 'https://gitlab.com', projectPath: 'acme/finance/ledger', namespaceId: '300003', projectId: '400004', refType: 'tag', ref: 'v1.0.0', aud: 'sts.amazonaws.com',
    }));
    expect([saas.description, saas.invented]).toEqual(['GitLab acme/finance/ledger on https://gitlab.com, tag v1.0.0', ['namespace_id', 'project_id', 'ref']]);
    const [managed] = legitimateIdentities(trust('gcp-workload-identity', {
      issuer: 'https://gitlab.example.com',
      claims: { project_path: eq('platform/deploy'), project_id: eq('77'), namespace_id: eq('12'), ref: eq('main'), ref_protected: eq('true'), aud: eq('https://iam.example') },
    }));
    expect(managed.token).toEqual(gitlabToken({
      instance: 'https://gitlab.example.com',
      projectPath: 'platform/deploy',
      namespaceId: '12',
      projectId: '77',
      refType: 'branch',
      ref: 'main',
      refProtected: true,
      aud: 'https://iam.example',
    }));
    expect(managed.invented).toEqual([]);
  });

  test('EKS and AKS service accounts; a pattern leaves the subject invented', () => {
    expect(summary('aws-oidc',
      { issuer: EKS, claims: { sub: eq('system:serviceaccount:payments:api'), aud: eq('sts.amazonaws.com') } },
      { issuer: EKS, claims: { sub: like('system:serviceaccount:payments:*'), aud: eq('sts.amazonaws.com') } })).toEqual([
      [`EKS service account payments/api of ${EKS}`, 'system:serviceaccount:payments:api', []],
      [`EKS service account payments/legit of ${EKS}`, 'system:serviceaccount:payments:legit', ['serviceaccount', 'sub']],
    ]);
    const [aks] = legitimateIdentities(trust('azure-fic', { issuer: AKS, claims: { sub: eq('system:serviceaccount:payments:api'), aud: eq('api://AzureADTokenExchange') } }));
    expect(aks.token).toEqual(kubernetesToken({ issuer: AKS, namespace: 'payments', serviceAccount: 'api', aud: ['api://AzureADTokenExchange'] }));
    expect(aks.description).toBe(`AKS service account payments/api of ${AKS}`);
  });

  test('GKE and Pod Identity', () => {
    const [gke] = legitimateIdentities(trust('gcp-gke', { claims: { project: eq('shop'), namespace: eq('payments'), serviceaccount: eq('api') } }));
    expect(gke).toEqual({
      description: 'GKE payments/api in project shop (cluster legit-cluster, us-central1)',
      token: gkeToken({ project: 'shop', location: 'us-central1', cluster: 'legit-cluster', namespace: 'payments', serviceAccount: 'api' }),
      invented: [],
    });
    const arn = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
    const [pod] = legitimateIdentities(trust('aws-pod-identity', {
      claims: { 'aws:RequestTag/kubernetes-namespace': eq('payments'), 'kubernetes-service-account': eq('api'), 'aws:SourceArn': eq(arn) },
    }));
    expect(pod).toEqual({
      description: `EKS Pod Identity payments/api in ${arn}`, token: podIdentityToken({ clusterArn: arn, namespace: 'payments', serviceAccount: 'api' }), invented: [],
    });
  });

  test('a trust that pins nothing: one invented identity, reported', () => {
    expect(legitimateIdentities(trust('aws-oidc', { issuer: GH, claims: { aud: eq('sts.amazonaws.com') } })).map((i) => [i.description, i.invented])).toEqual([
      ['GitHub legit-owner/legit-repo (name-based subject), ref refs/heads/main', ['ref', 'repository', 'repository_id', 'repository_owner', 'repository_owner_id']],
    ]);
    expect(summary('aws-pod-identity')).toEqual([
      ['EKS Pod Identity legit/legit in arn:aws:eks:us-east-1:111122223333:cluster/legit-cluster', undefined,
        ['eks-cluster-arn', 'kubernetes-namespace', 'kubernetes-service-account']],
    ]);
    expect(summary('aws-oidc')).toEqual([['OIDC subject legit of https://legit-issuer.example', 'legit', ['aud', 'iss', 'sub']]]);
  });

  test('a subject outside the platform grammar falls back to the generic OIDC token', () => {
    expect(summary('aws-oidc', { issuer: GH, claims: { sub: eq('weird-subject') } })).toEqual([
      [`OIDC subject weird-subject of ${GH}`, 'weird-subject', ['aud']],
    ]);
  });

  test('every value used at least once, not the whole product', () => {
    expect(summary('aws-oidc', {
      issuer: GH, claims: { sub: eq('repo:acme/app:ref:refs/heads/main', 'repo:acme/app:ref:refs/heads/dev'), aud: eq('a', 'b') },
    }).map(([, sub]) => sub)).toEqual(['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:ref:refs/heads/dev', 'repo:acme/app:ref:refs/heads/main']);
  });

  test('contradictory requirements: the first combination, which does not meet its own alternative', () => {
    const alternative = { issuer: GH, claims: { sub: eq('repo:acme/app:ref:refs/heads/main'), environment: eq('production') } };
    const identities = legitimateIdentities(trust('aws-oidc', alternative));
    expect(identities.map((i) => i.token.claims.sub)).toEqual(['repo:acme/app:environment:production']);
    expect(meetsAlternative(identities[0].token, alternative)).toBe(false);
  });

  test(`at most ${MAX_LEGITIMATE_IDENTITIES} per trust, every alternative first`, () => {
    const many = Array.from({ length: 20 }, (_, i) => `repo:acme/app${i}:ref:refs/heads/main`);
    const identities = legitimateIdentities(trust('aws-oidc',
      { issuer: GH, claims: { sub: eq(...many) } }, { issuer: EKS, claims: { sub: eq('system:serviceaccount:a:b') } }));
    expect(identities).toHaveLength(16);
    expect(identities.slice(0, 3).map((i) => i.token.claims.sub)).toEqual([many[0], 'system:serviceaccount:a:b', many[1]]);
  });

  test('every legitimate token meets its alternative and is distinct', () => {
    const alternatives: TrustAlternative[] = [
      { issuer: GH, claims: { sub: like('repo:acme/app:ref:refs/tags/v*', 'repo:acme@1/app@2:pull_request') } },
      { issuer: 'https://gitlab.com', claims: { sub: like('project_path:acme/*') } },
      { issuer: AKS, claims: { sub: eq('system:serviceaccount:x:y') } },
    ];
    const identities = legitimateIdentities(trust('azure-fic', ...alternatives));
    expect(identities.map((i) => i.token.claims.sub)).toEqual([
      'repo:acme/app:ref:refs/tags/v1.0.0', 'project_path:acme/legit:ref_type:branch:ref:main', 'system:serviceaccount:x:y', 'repo:acme@1/app@2:pull_request',
    ]);
    expect(identities.every((i) => alternatives.some((a) => meetsAlternative(i.token, a)))).toBe(true);
  });
});

describe('githubIssuerOf', () => {
  test.each<[string, string | undefined]>([
    [GH, GH],
    [`${GH}/`, GH],
    ['HTTPS://TOKEN.ACTIONS.GITHUBUSERCONTENT.COM//', GH],
    [`${GH}/acme`, `${GH}/acme`],
    [`${GH}/acme/`, `${GH}/acme`],
    [`${GH}/a/b`, undefined],
    [`${GH}.example`, undefined],
    ['https://github.example.com/_services/token', undefined],
  ])('%s → %s', (issuer, real) => expect(githubIssuerOf(issuer)).toBe(real));
});

describe('legitimateIdentities: Kubernetes names, AKS issuers, Pod Identity accounts', () => {
  const identities = (kind: TrustKind, alternative: TrustAlternative) => legitimateIdentities(trust(kind, alternative));

  test('a namespace or service account outside the Kubernetes name grammar (RFC 1123): impossible, in every kind', () => {
    expect(identities('azure-fic', { issuer: AKS, claims: { sub: eq('system:serviceaccount:Payments:api') } }).map((i) => i.impossible)).toEqual([
      'a Kubernetes namespace is a lower-case RFC 1123 label (a-z, 0-9, "-"): no namespace is named "Payments"',
    ]);
    expect(identities('aws-oidc', { issuer: EKS, claims: { sub: eq('system:serviceaccount:payments:API_deploy') } })[0].impossible).toBe(
      'a Kubernetes service account name is a lower-case DNS subdomain (a-z, 0-9, "-", "."): no service account is named "API_deploy"');
    expect(identities('aws-pod-identity', { claims: { 'kubernetes-namespace': eq('orders-'), 'kubernetes-service-account': eq('api') } })[0].impossible)
      .toMatch(/no namespace is named "orders-"/);
    expect(identities('gcp-gke', { claims: { project: eq('shop'), namespace: eq('payments'), serviceaccount: eq('*') } })[0].impossible)
      .toMatch(/no service account is named "\*"/);
    // Valid names (dots in a service account), and patterns (verify's instance, not the trust's): possible.
    expect(identities('aws-oidc', { issuer: EKS, claims: { sub: eq('system:serviceaccount:kube-system:ebs.csi-controller') } })[0].impossible).toBeUndefined();
    expect(identities('aws-oidc', { issuer: EKS, claims: { sub: like('system:serviceaccount:Pay*:api') } })[0].impossible).toBeUndefined();
  });

  test('an AKS issuer without its trailing slash: the token carries the issuer as AKS writes it (with the slash)', () => {
    const [identity] = identities('azure-fic', { issuer: AKS.slice(0, -1), claims: { sub: eq('system:serviceaccount:payments:api') } });
    expect([identity.token.issuer, identity.token.claims.iss, identity.impossible]).toEqual([AKS, AKS, undefined]);
    expect(identities('azure-fic', { issuer: AKS, claims: { sub: eq('system:serviceaccount:payments:api') } })[0].token.issuer).toBe(AKS);
  });

  test('a Pod Identity account pattern: a twelve-digit account it admits', () => {
    const cluster = (pattern: string) => identities('aws-pod-identity', {
      claims: { 'eks-cluster-arn': like(`arn:aws:eks:*:${pattern}:cluster/payments`), 'kubernetes-namespace': eq('orders') },
    })[0].token.issuer;
    expect(cluster('11112222333?')).toBe('arn:aws:eks:us-east-1:111122223331:cluster/payments');
    expect(cluster('11112222*')).toBe('arn:aws:eks:us-east-1:111122221111:cluster/payments');
    expect(cluster('123456789012')).toBe('arn:aws:eks:us-east-1:123456789012:cluster/payments');
  });
});

describe('legitimateIdentities: tokens the platform never issues (impossible)', () => {
  const impossible = (alternative: TrustAlternative) =>
    legitimateIdentities(trust('azure-fic', alternative)).map((identity) => [identity.token.issuer, identity.token.claims.sub, identity.impossible]);
  const main = eq('repo:acme/app:ref:refs/heads/main');

  test('an issuer written otherwise than GitHub writes it: the token carries GitHub\'s issuer', () => {
    expect(impossible({ issuer: `${GH}/`, claims: { sub: main } })).toEqual([
      [GH, 'repo:acme/app:ref:refs/heads/main', `GitHub's issuer is ${GH}, not ${GH}/`],
    ]);
    expect(impossible({ issuer: 'https://Token.Actions.GitHubUserContent.com', claims: { sub: main } })).toEqual([
      [GH, 'repo:acme/app:ref:refs/heads/main', `GitHub's issuer is ${GH}, not https://Token.Actions.GitHubUserContent.com`],
    ]);
    const [enterprise] = legitimateIdentities(trust('azure-fic', { issuer: `${GH}/acme/`, claims: { sub: main } }));
    expect([enterprise.token.issuer, enterprise.token.claims.iss, enterprise.token.claims.enterprise, enterprise.impossible])
      .toEqual([`${GH}/acme`, `${GH}/acme`, 'acme', `GitHub's issuer is ${GH}/acme, not ${GH}/acme/`]);
  });

  test('an exact owner or repository name GitHub does not allow', () => {
    expect(impossible({ issuer: GH, claims: { sub: eq('repo:acme/*:ref:refs/heads/main') } })).toEqual([
      [GH, 'repo:acme/*:ref:refs/heads/main', 'GitHub allows no repository named "*" (letters, digits, ., _ and -)'],
    ]);
    expect(impossible({ issuer: GH, claims: { sub: eq('repo:acme corp/app:ref:refs/heads/main') } })).toEqual([
      [GH, 'repo:acme corp/app:ref:refs/heads/main', 'GitHub allows no owner named "acme corp" (letters, digits and -)'],
    ]);
    expect(impossible({ issuer: GH, claims: { repository: eq('acme/a?p') } })[0][2]).toBe('GitHub allows no repository named "a?p" (letters, digits, ., _ and -)');
  });

  test('possible tokens: GitHub\'s own issuers, patterns, names GitHub allows (dots, underscores)', () => {
    expect(impossible({ issuer: GH, claims: { sub: main } })).toEqual([[GH, 'repo:acme/app:ref:refs/heads/main', undefined]]);
    expect(impossible({ issuer: `${GH}/acme`, claims: { sub: main } })).toEqual([[`${GH}/acme`, 'repo:acme/app:ref:refs/heads/main', undefined]]);
    expect(impossible({ issuer: GH, claims: { sub: like('repo:acme/*:ref:refs/heads/main') } })).toEqual([[GH, 'repo:acme/legit:ref:refs/heads/main', undefined]]);
    expect(impossible({ issuer: GH, claims: { sub: eq('repo:my-org2/my_app.js:ref:refs/heads/main') } }))
      .toEqual([[GH, 'repo:my-org2/my_app.js:ref:refs/heads/main', undefined]]);
    expect('impossible' in legitimateIdentities(trust('aws-oidc', { issuer: GH, claims: { sub: main } }))[0]).toBe(false);
  });

  test('GitLab: the instance URL without a trailing slash', () => {
    const sub = eq('project_path:acme/app:ref_type:branch:ref:main');
    expect(legitimateIdentities(trust('azure-fic', { issuer: 'https://gitlab.example.com/', claims: { sub } }))
      .map((identity) => [identity.token.issuer, identity.token.claims.iss, identity.impossible]))
      .toEqual([['https://gitlab.example.com', 'https://gitlab.example.com', 'GitLab\'s issuer is https://gitlab.example.com, not https://gitlab.example.com/']]);
    expect(legitimateIdentities(trust('azure-fic', { issuer: 'https://gitlab.example.com', claims: { sub } }))[0].impossible).toBeUndefined();
  });
});
