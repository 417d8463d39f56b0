import { FORGED_FAMILIES, forgedVariants } from '../../src/verify/forge';
import type { ClaimRequirement, Token, TrustAlternative, TrustKind } from '../../src/verify/model';
import { legitimateIdentities, meetsAlternative, sameToken } from '../../src/verify/tokens';
import * as oracle from '../helpers/tokens';

const GH = 'https://token.actions.githubusercontent.com';
const EKS = 'https://oidc.eks.us-west-2.amazonaws.com/id/5C4D9F3A1B2E8C7D6F5A4B3C2D1E0F9A';
const AKS = 'https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/3f2e1d0c-5b4a-4c3d-9e8f-7a6b5c4d3e2f/';
const eq = (...values: string[]): ClaimRequirement => ({ values, glob: false });
const like = (...values: string[]): ClaimRequirement => ({ values, glob: true });
const trust = (kind: TrustKind, ...alternatives: TrustAlternative[]) => ({ kind, alternatives });
type Trust = ReturnType<typeof trust>;

/** family → sub (or, without sub, the issuer) of each variant of the trust's first legitimate identity. */
const variants = (t: Trust, index = 0) => forgedVariants(t, legitimateIdentities(t)[index]);
const subs = (t: Trust, index = 0) => variants(t, index).map((v) => [v.family, v.token.claims.sub ?? v.token.issuer]);

describe('FORGED_FAMILIES', () => {
  test('the documented families, in order', () => {
    expect(FORGED_FAMILIES.map((f) => f.family)).toEqual([
      'other-owner', 'owner-prefix', 'owner-pattern', 'repository-prefix', 'repository-pattern', 'other-repository', 'fork', 'other-group',
      'group-prefix', 'other-project', 'project-prefix', 'fork-merge-request', 'other-namespace', 'other-service-account', 'namespace-prefix',
      'service-account-prefix', 'namespace-pattern', 'service-account-pattern', 'other-branch', 'branch-prefix', 'tag', 'other-tag', 'tag-prefix', 'ref-case', 'pull-request', 'pull-request-contributor', 'other-environment', 'no-environment', 'other-workflow', 'unprotected-ref',
      'recreated-repository', 'other-owner-id', 'id-prefix', 'other-project-id', 'other-subject', 'wrong-audience', 'missing-audience',
      'other-issuer', 'self-managed-instance', 'other-cluster', 'other-region', 'other-account', 'other-provider-of-pool', 'other-project', 'same-project-other-cluster',
    ]);
    expect(FORGED_FAMILIES.every((f) => f.description.length > 10 && f.platforms.length > 0)).toBe(true);
  });
});

describe('GitHub', () => {
  const branch = trust('aws-oidc', { issuer: GH, claims: { sub: eq('repo:acme/app:ref:refs/heads/main'), aud: eq('sts.amazonaws.com') } });

  test('name-based branch: every family, no id family (no id is pinned)', () => {
    expect(subs(branch)).toEqual([
      ['other-owner', 'repo:keyless-attacker/app:ref:refs/heads/main'],
      ['owner-prefix', 'repo:acme-forged/app:ref:refs/heads/main'],
      ['repository-prefix', 'repo:acme/app-forged:ref:refs/heads/main'],
      ['other-repository', 'repo:acme/keyless-forged:ref:refs/heads/main'],
      ['fork', 'repo:keyless-attacker/app:pull_request'],
      ['other-branch', 'repo:acme/app:ref:refs/heads/keyless-forged'],
      ['branch-prefix', 'repo:acme/app:ref:refs/heads/main-keyless-forged'],
      ['tag', 'repo:acme/app:ref:refs/tags/keyless-forged'],
      ['ref-case', 'repo:acme/app:ref:refs/heads/MAIN'],
      ['pull-request', 'repo:acme/app:pull_request'],
      ['other-environment', 'repo:acme/app:environment:keyless-forged'],
      ['wrong-audience', 'repo:acme/app:ref:refs/heads/main'],
      ['missing-audience', 'repo:acme/app:ref:refs/heads/main'],
      ['other-issuer', 'repo:acme/app:ref:refs/heads/main'],
      ['other-issuer', 'repo:acme/app:ref:refs/heads/main'],
    ]);
    const byFamily = Object.fromEntries(variants(branch).map((v) => [`${v.family}:${v.token.issuer}`, v]));
    expect(byFamily[`wrong-audience:${GH}`].token.claims.aud).toBe('https://keyless-forged.example');
    expect('aud' in byFamily[`missing-audience:${GH}`].token.claims).toBe(false);
    expect(Object.keys(byFamily).filter((key) => key.startsWith('other-issuer:'))).toEqual([
      `other-issuer:${GH}/keyless-forged`, `other-issuer:${GH}.keyless-forged.example`,
    ]);
    expect(byFamily[`other-issuer:${GH}/keyless-forged`].token.claims.enterprise).toBe('keyless-forged');
  });

  test('an exact forged token: the fork, every claim naming the fork', () => {
    const fork = variants(branch).find((v) => v.family === 'fork')!;
    expect(fork.description).toBe('the fork keyless-attacker/app in a pull_request run');
    expect(fork.token.claims).toMatchObject({
      repository: 'keyless-attacker/app',
      repository_owner: 'keyless-attacker',
      repository_owner_id: '990001',
      repository_id: '990015',
      event_name: 'pull_request',
      ref: 'refs/pull/1/merge',
      head_ref: 'keyless-forged',
      base_ref: 'main',
      ref_protected: 'false',
      job_workflow_ref: 'keyless-attacker/app/.github/workflows/deploy.yml@refs/pull/1/merge',
      aud: 'sts.amazonaws.com',
      sub: 'repo:keyless-attacker/app:pull_request',
    });
  });

  test('environment subject: no run-level variant that leaves the constrained claims as they are (other-branch)', () => {
    expect(variants(trust('aws-oidc', { issuer: GH, claims: { sub: eq('repo:acme/app:environment:production') } })).map((v) => v.family)).toEqual([
      'other-owner', 'owner-prefix', 'repository-prefix', 'other-repository', 'fork', 'pull-request', 'other-environment', 'no-environment',
      'wrong-audience', 'missing-audience', 'other-issuer', 'other-issuer',
    ]);
    // AWS can AND the ref: then another branch (keeping the environment) is generated.
    const anded = trust('aws-oidc', { issuer: GH, claims: { sub: eq('repo:acme/app:environment:production'), ref: eq('refs/heads/main') } });
    expect(subs(anded).filter(([family]) => ['other-branch', 'tag', 'no-environment'].includes(family as string))).toEqual([
      ['other-branch', 'repo:acme/app:environment:production'],
      ['tag', 'repo:acme/app:environment:production'],
      ['no-environment', 'repo:acme/app:ref:refs/heads/main'],
    ]);
  });

  test('ID-based subject: the id families', () => {
    const ids = trust('azure-fic', { issuer: GH, claims: { sub: eq('repo:acme@1342004/app@86301532:ref:refs/tags/v1.0.0'), aud: eq('api://AzureADTokenExchange') } });
    expect(subs(ids).filter(([family]) => /id|recreated|tag/.test(family as string))).toEqual([
      ['other-tag', 'repo:acme@1342004/app@86301532:ref:refs/tags/keyless-forged'],
      ['tag-prefix', 'repo:acme@1342004/app@86301532:ref:refs/tags/v1.0.0-keyless-forged'],
      ['recreated-repository', 'repo:acme@1342004/app@990016:ref:refs/tags/v1.0.0'],
      ['other-owner-id', 'repo:acme@990017/app@990018:ref:refs/tags/v1.0.0'],
      ['id-prefix', 'repo:acme@1342004/app@863015321:ref:refs/tags/v1.0.0'],
      ['id-prefix', 'repo:acme@13420041/app@990019:ref:refs/tags/v1.0.0'],
    ]);
  });

  test('recreated-repository only when an id is pinned: a repository_id claim pins it, the name-based subject does not', () => {
    const families = (t: Trust) => variants(t).map((v) => v.family).filter((f) => ['recreated-repository', 'other-owner-id', 'id-prefix'].includes(f));
    expect(families(branch)).toEqual([]);
    const byRepositoryId = trust('gcp-workload-identity', { issuer: GH, claims: { repository: eq('acme/app'), repository_id: eq('86301532') } });
    expect(families(byRepositoryId)).toEqual(['recreated-repository', 'id-prefix']);
    const recreated = variants(byRepositoryId).find((v) => v.family === 'recreated-repository')!;
    expect([recreated.token.claims.repository, recreated.token.claims.repository_id, recreated.token.claims.sub])
      .toEqual(['acme/app', '990016', 'repo:acme/app:ref:refs/heads/main']);
    const template = trust('aws-oidc', { issuer: GH, claims: { sub: like('repository_owner_id:1342004:repository_id:86301532:*') } });
    expect(families(template)).toEqual(['recreated-repository', 'other-owner-id', 'id-prefix', 'id-prefix']);
  });

  test('other-workflow only when the workflow is constrained', () => {
    const pinned = trust('aws-oidc', {
      issuer: GH, claims: { sub: eq('repo:acme/app:ref:refs/heads/main'), job_workflow_ref: eq('acme/app/.github/workflows/deploy.yml@refs/heads/main') },
    });
    const other = variants(pinned).find((v) => v.family === 'other-workflow')!;
    expect([other.token.claims.job_workflow_ref, other.token.claims.workflow_ref, other.token.claims.sub]).toEqual([
      'acme/app/.github/workflows/keyless-forged.yml@refs/heads/main', 'acme/app/.github/workflows/keyless-forged.yml@refs/heads/main',
      'repo:acme/app:ref:refs/heads/main',
    ]);
    expect(variants(branch).some((v) => v.family === 'other-workflow')).toBe(false);
  });

  test('a variant equal to a legitimate token of the trust is dropped (pull-request when pull_request is admitted)', () => {
    const both = trust('aws-oidc', { issuer: GH, claims: { sub: eq('repo:acme/app:ref:refs/heads/main', 'repo:acme/app:pull_request') } });
    const legitimate = legitimateIdentities(both);
    expect(legitimate.map((l) => l.token.claims.sub)).toEqual(['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:pull_request']);
    expect(forgedVariants(both, legitimate[0]).map((v) => v.family)).not.toContain('pull-request');
  });

  // Every GitHub token, legitimate or forged, has the claims the independent oracle computes for its run.
  test('every variant is self-consistent (differential against the test oracle)', () => {
    const trusts = [
      branch,
      trust('aws-oidc', { issuer: GH, claims: { sub: like('repo:acme@1342004/app@86301532:environment:production', 'repo:acme/*') } }),
      trust('gcp-workload-identity', { issuer: `${GH}/acme-corp`, claims: { repository_id: eq('86301532'), ref: like('refs/tags/v*') } }),
      trust('aws-oidc', { issuer: GH, claims: { sub: eq('repository_owner_id:1342004:repository_id:86301532:ref:refs/heads/main') } }),
    ];
    let checked = 0;
    for (const t of trusts) {
      for (const legit of legitimateIdentities(t)) {
        for (const token of [legit.token, ...forgedVariants(t, legit).map((v) => v.token)]) {
          const c = token.claims as Record<string, string>;
          const [owner, repository] = c.repository.split('/');
          const sub = c.sub;
          const expected = oracle.githubToken({
            owner,
            repository,
            ownerId: c.repository_owner_id,
            repositoryId: c.repository_id,
            ref: c.ref,
            environment: c.environment,
            event: c.event_name as oracle.GitHubRun['event'],
            jobWorkflowRef: c.job_workflow_ref,
            iss: token.issuer,
            aud: 'aud' in c ? c.aud : null,
            workflow: c.workflow,
            ...(sub.startsWith(`repo:${owner}@`) ? { format: 'immutable' as const } : {}),
            ...(sub.startsWith('repository_owner_id:') ? { subjectClaimKeys: ['repository_owner_id', 'repository_id', 'context'] } : {}),
          });
          for (const [claim, value] of Object.entries(expected)) expect([sub, claim, c[claim]]).toEqual([sub, claim, value]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('GitLab', () => {
  const ledger = trust('aws-oidc', {
    issuer: 'https://gitlab.com', claims: { sub: eq('project_path:acme/finance/ledger:ref_type:branch:ref:main'), aud: eq('sts.amazonaws.com') },
  });

  test('SaaS: every family', () => {
    expect(subs(ledger)).toEqual([
      ['other-group', 'project_path:keyless-attacker/ledger:ref_type:branch:ref:main'],
      ['group-prefix', 'project_path:acme-forged/finance/ledger:ref_type:branch:ref:main'],
      ['other-project', 'project_path:acme/finance/keyless-forged:ref_type:branch:ref:main'],
      ['project-prefix', 'project_path:acme/finance/ledger-forged:ref_type:branch:ref:main'],
      ['fork-merge-request', 'project_path:keyless-attacker/ledger:ref_type:branch:ref:main'],
      ['other-branch', 'project_path:acme/finance/ledger:ref_type:branch:ref:keyless-forged'],
      ['branch-prefix', 'project_path:acme/finance/ledger:ref_type:branch:ref:main-keyless-forged'],
      ['tag', 'project_path:acme/finance/ledger:ref_type:tag:ref:keyless-forged'],
      ['ref-case', 'project_path:acme/finance/ledger:ref_type:branch:ref:MAIN'],
      ['wrong-audience', 'project_path:acme/finance/ledger:ref_type:branch:ref:main'],
      ['missing-audience', 'project_path:acme/finance/ledger:ref_type:branch:ref:main'],
      ['self-managed-instance', 'project_path:acme/finance/ledger:ref_type:branch:ref:main'],
    ]);
    const self = variants(ledger).find((v) => v.family === 'self-managed-instance')!;
    expect([self.token.issuer, self.token.claims.iss, self.token.claims.aud]).toEqual(['https://gitlab.keyless-forged.example', 'https://gitlab.keyless-forged.example', 'sts.amazonaws.com']);
  });

  test('the fork merge request names the fork in project_* and the parent in job_project_*', () => {
    const fork = variants(ledger).find((v) => v.family === 'fork-merge-request')!;
    expect(fork.token.claims).toMatchObject({
      project_path: 'keyless-attacker/ledger',
      namespace_path: 'keyless-attacker',
      job_project_path: 'acme/finance/ledger',
      source_project_path: 'keyless-attacker/ledger',
      ref_protected: 'false',
      pipeline_source: 'merge_request_event',
    });
  });

  test('self-managed, ids and protection pinned: other-project-id and unprotected-ref', () => {
    const managed = trust('gcp-workload-identity', {
      issuer: 'https://gitlab.example.com', claims: { project_path: eq('platform/deploy'), project_id: eq('77'), ref_protected: eq('true') },
    });
    expect(subs(managed).filter(([family]) => ['unprotected-ref', 'other-project-id', 'self-managed-instance', 'other-branch'].includes(family as string))).toEqual([
      ['other-branch', 'project_path:platform/deploy:ref_type:branch:ref:keyless-forged'],
      ['unprotected-ref', 'project_path:platform/deploy:ref_type:branch:ref:main'],
      ['other-project-id', 'project_path:platform/deploy:ref_type:branch:ref:main'],
      ['self-managed-instance', 'project_path:platform/deploy:ref_type:branch:ref:main'],
    ]);
    const unprotected = variants(managed).find((v) => v.family === 'unprotected-ref')!;
    expect([unprotected.token.claims.ref_protected, unprotected.token.claims.pipeline_source, unprotected.token.claims.source_project_path])
      .toEqual(['false', 'merge_request_event', 'platform/deploy']);
  });
});

describe('Kubernetes, Pod Identity, GKE, other OIDC', () => {
  test('EKS: namespace, service account, cluster, region, audience', () => {
    const eks = trust('aws-oidc', { issuer: EKS, claims: { sub: eq('system:serviceaccount:payments:api'), aud: eq('sts.amazonaws.com') } });
    expect(variants(eks).map((v) => [v.family, v.token.claims.sub, v.token.issuer, v.token.claims.aud])).toEqual([
      ['other-namespace', 'system:serviceaccount:keyless-forged:api', EKS, ['sts.amazonaws.com']],
      ['other-service-account', 'system:serviceaccount:payments:keyless-forged', EKS, ['sts.amazonaws.com']],
      ['namespace-prefix', 'system:serviceaccount:payments-forged:api', EKS, ['sts.amazonaws.com']],
      ['service-account-prefix', 'system:serviceaccount:payments:api-forged', EKS, ['sts.amazonaws.com']],
      ['wrong-audience', 'system:serviceaccount:payments:api', EKS, ['https://keyless-forged.example']],
      ['missing-audience', 'system:serviceaccount:payments:api', EKS, undefined],
      ['other-cluster', 'system:serviceaccount:payments:api', 'https://oidc.eks.us-west-2.amazonaws.com/id/F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0', ['sts.amazonaws.com']],
      ['other-region', 'system:serviceaccount:payments:api', 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C4D9F3A1B2E8C7D6F5A4B3C2D1E0F9A', ['sts.amazonaws.com']],
    ]);
    const ns = variants(eks)[0].token.claims['kubernetes.io'] as { namespace: string; serviceaccount: { name: string } };
    expect([ns.namespace, ns.serviceaccount.name]).toEqual(['keyless-forged', 'api']);
  });

  test('AKS: other cluster and region keep the tenant and the trailing slash', () => {
    const aks = trust('azure-fic', { issuer: AKS, claims: { sub: eq('system:serviceaccount:payments:api'), aud: eq('api://AzureADTokenExchange') } });
    expect(variants(aks).filter((v) => v.family.startsWith('other-') && v.family !== 'other-namespace' && v.family !== 'other-service-account')
      .map((v) => [v.family, v.token.issuer])).toEqual([
      ['other-cluster', 'https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/00000000-0000-0000-0000-00000000f0f0/'],
      ['other-region', 'https://eastus.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/3f2e1d0c-5b4a-4c3d-9e8f-7a6b5c4d3e2f/'],
    ]);
  });

  test('Pod Identity: namespace, service account, cluster, region, account', () => {
    const arn = 'arn:aws:eks:us-east-1:123456789012:cluster/prod';
    const pod = trust('aws-pod-identity', { claims: { 'kubernetes-namespace': eq('payments'), 'kubernetes-service-account': eq('api'), 'aws:SourceArn': eq(arn) } });
    expect(variants(pod).map((v) => [v.family, v.token.issuer, v.token.claims['kubernetes-namespace'], v.token.claims['kubernetes-service-account']])).toEqual([
      ['other-namespace', arn, 'keyless-forged', 'api'],
      ['other-service-account', arn, 'payments', 'keyless-forged'],
      ['namespace-prefix', arn, 'payments-forged', 'api'],
      ['service-account-prefix', arn, 'payments', 'api-forged'],
      ['other-cluster', 'arn:aws:eks:us-east-1:123456789012:cluster/keyless-forged', 'payments', 'api'],
      ['other-region', 'arn:aws:eks:eu-west-1:123456789012:cluster/prod', 'payments', 'api'],
      ['other-account', 'arn:aws:eks:us-east-1:999999999999:cluster/prod', 'payments', 'api'],
    ]);
    expect(variants(pod)[4].token.claims['eks-cluster-name']).toBe('keyless-forged');
  });

  test('GKE: the other cluster of the project is shared by design, never a forgery', () => {
    const gke = trust('gcp-gke', { claims: { project: eq('shop'), namespace: eq('payments'), serviceaccount: eq('api') } });
    const forged = variants(gke);
    const rows = forged.map((v) =>
      [v.family, v.token.issuer, v.token.claims.namespace, v.token.claims.serviceaccount, v.sharedByDesign !== undefined]);
    expect(rows).toEqual([
      ['other-namespace', 'https://container.googleapis.com/v1/projects/shop/locations/us-central1/clusters/legit-cluster', 'keyless-forged', 'api', false],
      ['other-service-account', 'https://container.googleapis.com/v1/projects/shop/locations/us-central1/clusters/legit-cluster', 'payments', 'keyless-forged', false],
      ['other-project', 'https://container.googleapis.com/v1/projects/keyless-forged-project/locations/us-central1/clusters/legit-cluster', 'payments', 'api', false],
      ['same-project-other-cluster', 'https://container.googleapis.com/v1/projects/shop/locations/us-central1/clusters/keyless-forged', 'payments', 'api', true],
    ]);
    expect(forged[3].sharedByDesign).toBe('every cluster of project shop shares the workload pool shop.svc.id.goog: GKE gives payments/api of any of them the same '
      + 'identity (identity sameness, https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity); '
      + 'issuer https://container.googleapis.com/v1/projects/shop/locations/us-central1/clusters/keyless-forged');
  });

  test('other OIDC issuers: subject, audience, issuer', () => {
    const tfc = trust('azure-fic', { issuer: 'https://app.terraform.io', claims: { sub: eq('organization:acme:project:infra:workspace:prod:run_phase:apply'), aud: eq('api://x') } });
    expect(variants(tfc).map((v) => [v.family, v.token.issuer, v.token.claims.sub, v.token.claims.aud])).toEqual([
      ['other-subject', 'https://app.terraform.io', 'keyless-forged', 'api://x'],
      ['wrong-audience', 'https://app.terraform.io', 'organization:acme:project:infra:workspace:prod:run_phase:apply', 'https://keyless-forged.example'],
      ['missing-audience', 'https://app.terraform.io', 'organization:acme:project:infra:workspace:prod:run_phase:apply', undefined],
      ['other-issuer', 'https://keyless-forged.example', 'organization:acme:project:infra:workspace:prod:run_phase:apply', 'api://x'],
    ]);
  });
});

describe('forgedVariants', () => {
  test('no forged variant equals a legitimate token, none repeats, every family is documented for its platform', () => {
    const trusts: Trust[] = [
      trust('aws-oidc', {
        issuer: GH, claims: { sub: like('repo:acme/app:*', 'repo:acme/app:ref:refs/heads/keyless-forged', 'repo:keyless-attacker/app:pull_request') },
      }),
      trust('aws-oidc', { issuer: 'https://gitlab.com', claims: { sub: like('project_path:acme/*') } }),
      trust('aws-oidc', { issuer: EKS, claims: { sub: like('system:serviceaccount:*') } }),
      trust('aws-pod-identity'),
      trust('gcp-gke', { claims: { project: eq('shop'), namespace: eq('keyless-forged', 'payments'), serviceaccount: eq('api') } }),
    ];
    for (const t of trusts) {
      const legitimate = legitimateIdentities(t);
      for (const legit of legitimate) {
        const forged = forgedVariants(t, legit);
        expect(forged.length).toBeGreaterThan(2);
        const tokens: Token[] = [];
        for (const variant of forged) {
          expect(legitimate.some((l) => sameToken(l.token, variant.token))).toBe(false);
          expect(tokens.some((known) => sameToken(known, variant.token))).toBe(false);
          tokens.push(variant.token);
          const family = FORGED_FAMILIES.find((f) => f.family === variant.family && f.platforms.includes(legit.token.platform));
          expect([variant.family, legit.token.platform, family !== undefined]).toEqual([variant.family, legit.token.platform, true]);
        }
      }
    }
  });

  test('GKE: another namespace that is itself admitted is no forgery', () => {
    const gke = trust('gcp-gke', { claims: { project: eq('shop'), namespace: eq('keyless-forged', 'payments'), serviceaccount: eq('api') } });
    expect(variants(gke, 1).map((v) => v.family)).toEqual(['other-service-account', 'other-project', 'same-project-other-cluster']);
  });

  test('refuses an identity that is not the trust\'s', () => {
    const a = trust('aws-oidc', { issuer: EKS, claims: { sub: eq('system:serviceaccount:a:b') } });
    const b = trust('aws-oidc', { issuer: EKS, claims: { sub: eq('system:serviceaccount:a:c') } });
    expect(() => forgedVariants(a, legitimateIdentities(b)[0])).toThrow(
      `forgedVariants: "EKS service account a/c of ${EKS}" is not a legitimate identity of this trust (derive it with legitimateIdentities)`,
    );
  });
});

describe('refs: branch-prefix, tag-prefix, ref-case', () => {
  const aws = (sub: ClaimRequirement, issuer = GH) => trust('aws-oidc', { issuer, claims: { sub, aud: eq('sts.amazonaws.com') } });
  /** family → sub of the variants of these families, and whether the trust's own alternative admits each. */
  const refVariants = (t: Trust, families: string[]) => variants(t)
    .filter((v) => families.includes(v.family)).map((v) => [v.family, v.token.claims.sub, meetsAlternative(v.token, t.alternatives[0])]);
  const REF_FAMILIES = ['other-branch', 'branch-prefix', 'tag', 'other-tag', 'tag-prefix', 'ref-case'];

  test('GitHub main*: a branch extending the representative gets in (the pattern is no declared branch)', () => {
    expect(refVariants(aws(like('repo:acme/app:ref:refs/heads/main*')), REF_FAMILIES)).toEqual([
      ['other-branch', 'repo:acme/app:ref:refs/heads/keyless-forged', false],
      ['branch-prefix', 'repo:acme/app:ref:refs/heads/mainlegit-keyless-forged', true],
      ['tag', 'repo:acme/app:ref:refs/tags/keyless-forged', false],
      ['ref-case', 'repo:acme/app:ref:refs/heads/MAINLEGIT', false],
    ]);
    const prefix = variants(aws(like('repo:acme/app:ref:refs/heads/main*'))).find((v) => v.family === 'branch-prefix')!;
    expect([prefix.token.claims.ref, prefix.token.claims.ref_protected, prefix.token.claims.ref_type, prefix.description])
      .toEqual(['refs/heads/mainlegit-keyless-forged', 'false', 'branch', 'a run of acme/app on a branch extending mainlegit (refs/heads/mainlegit-keyless-forged)']);
  });

  test('GitHub tags: a tag extending an exact tag; none for a declared tag pattern (v*), which stays sound', () => {
    expect(refVariants(aws(eq('repo:acme/app:ref:refs/tags/v1.2.3')), REF_FAMILIES)).toEqual([
      ['other-branch', 'repo:acme/app:ref:refs/heads/keyless-forged', false],
      ['other-tag', 'repo:acme/app:ref:refs/tags/keyless-forged', false],
      ['tag-prefix', 'repo:acme/app:ref:refs/tags/v1.2.3-keyless-forged', false],
      ['ref-case', 'repo:acme/app:ref:refs/tags/V1.2.3', false],
    ]);
    expect(refVariants(aws(like('repo:acme/app:ref:refs/tags/v*')), REF_FAMILIES)).toEqual([
      ['other-branch', 'repo:acme/app:ref:refs/heads/keyless-forged', false],
      ['other-tag', 'repo:acme/app:ref:refs/tags/keyless-forged', false],
      ['ref-case', 'repo:acme/app:ref:refs/tags/V1.0.0', false],
    ]);
    // A tag without a letter has no other case.
    expect(refVariants(aws(eq('repo:acme/app:ref:refs/tags/1.0.0')), ['ref-case'])).toEqual([]);
  });

  test('ref-case: upper case, else lower case; unprotected; the owner and repository keep their case', () => {
    const upper = variants(aws(eq('repo:acme/app:ref:refs/heads/RELEASE'))).find((v) => v.family === 'ref-case')!;
    expect([upper.token.claims.sub, upper.token.claims.ref_protected, upper.token.claims.repository])
      .toEqual(['repo:acme/app:ref:refs/heads/release', 'false', 'acme/app']);
    const mixed = variants(aws(eq('repo:Acme/App:ref:refs/heads/Main'))).find((v) => v.family === 'ref-case')!;
    expect(mixed.token.claims.sub).toBe('repo:Acme/App:ref:refs/heads/MAIN');
  });

  test('GitLab main*: branch-prefix, ref-case; a tag extending an exact tag', () => {
    const gitlab = (sub: ClaimRequirement) => aws(sub, 'https://gitlab.com');
    expect(refVariants(gitlab(like('project_path:acme/app:ref_type:branch:ref:main*')), REF_FAMILIES)).toEqual([
      ['other-branch', 'project_path:acme/app:ref_type:branch:ref:keyless-forged', false],
      ['branch-prefix', 'project_path:acme/app:ref_type:branch:ref:mainlegit-keyless-forged', true],
      ['tag', 'project_path:acme/app:ref_type:tag:ref:keyless-forged', false],
      ['ref-case', 'project_path:acme/app:ref_type:branch:ref:MAINLEGIT', false],
    ]);
    expect(refVariants(gitlab(eq('project_path:acme/app:ref_type:tag:ref:v2')), REF_FAMILIES)).toEqual([
      ['other-branch', 'project_path:acme/app:ref_type:branch:ref:keyless-forged', false],
      ['other-tag', 'project_path:acme/app:ref_type:tag:ref:keyless-forged', false],
      ['tag-prefix', 'project_path:acme/app:ref_type:tag:ref:v2-keyless-forged', false],
      ['ref-case', 'project_path:acme/app:ref_type:tag:ref:V2', false],
    ]);
    expect(refVariants(gitlab(like('project_path:acme/app:ref_type:tag:ref:v*')), ['tag-prefix'])).toEqual([]);
    const cased = variants(gitlab(eq('project_path:acme/app:ref_type:branch:ref:main'))).find((v) => v.family === 'ref-case')!;
    expect([cased.token.claims.ref, cased.token.claims.ref_path, cased.token.claims.ref_protected]).toEqual(['MAIN', 'refs/heads/MAIN', 'false']);
  });
});

describe('run-level families when the trust constrains no run context claim', () => {
  const RUN_FAMILIES = ['other-branch', 'branch-prefix', 'tag', 'ref-case', 'pull-request', 'other-environment', 'other-workflow', 'unprotected-ref'];
  const runFamilies = (t: Trust) => variants(t).map((v) => v.family).filter((f) => RUN_FAMILIES.includes(f));

  test.each<[string, TrustAlternative]>([
    ['GitHub repository claim', { issuer: GH, claims: { repository: eq('acme/app'), aud: eq('sts.amazonaws.com') } }],
    ['GitHub repository_id claim', { issuer: GH, claims: { repository_id: eq('76543210'), aud: eq('sts.amazonaws.com') } }],
  ])('%s: every run of the repository is a forgery to try', (_name, alternative) => {
    expect(runFamilies(trust('aws-oidc', alternative))).toEqual(['other-branch', 'branch-prefix', 'tag', 'ref-case', 'pull-request', 'other-environment', 'other-workflow']);
  });

  test('GitLab project_path claim: branches, tags, unprotected refs', () => {
    const t = trust('gcp-workload-identity', { issuer: 'https://gitlab.com', claims: { project_path: eq('acme/app'), aud: eq('x') } });
    expect(runFamilies(t)).toEqual(['other-branch', 'branch-prefix', 'tag', 'ref-case', 'unprotected-ref']);
  });

  test('a constrained context keeps the rule: an environment subject gets no branch variant, a ref claim no environment variant', () => {
    const environment = trust('aws-oidc', { issuer: GH, claims: { sub: eq('repo:acme/app:environment:production') } });
    expect(runFamilies(environment)).toEqual(['pull-request', 'other-environment']);
    const ref = trust('gcp-workload-identity', { issuer: GH, claims: { repository: eq('acme/app'), ref: eq('refs/heads/main') } });
    expect(runFamilies(ref)).toEqual(['other-branch', 'branch-prefix', 'tag', 'ref-case', 'pull-request']);
  });
});

describe('namespace-pattern and service-account-pattern; other-account from an account pattern', () => {
  const patterns = (t: Trust) => variants(t).filter((v) => v.family.endsWith('-pattern'))
    .map((v) => [v.family, v.token.claims.sub ?? `${v.token.claims['kubernetes-namespace'] ?? v.token.claims.namespace}/${v.token.claims['kubernetes-service-account'] ?? v.token.claims.serviceaccount}`,
      meetsAlternative(v.token, t.alternatives[0])]);

  test.each<[string, TrustKind, TrustAlternative, Array<[string, string, boolean]>]>([
    ['IRSA ? in the service account', 'aws-oidc', { issuer: EKS, claims: { sub: like('system:serviceaccount:payments:deploy-?') } },
      [['service-account-pattern', 'system:serviceaccount:payments:deploy-q', true]]],
    ['IRSA * inside the namespace', 'aws-oidc', { issuer: EKS, claims: { sub: like('system:serviceaccount:team-*-prod:api') } },
      [['namespace-pattern', 'system:serviceaccount:team-keyless-forged-prod:api', true]]],
    ['a namespace glob that swallows the service account', 'aws-oidc', { issuer: EKS, claims: { sub: like('system:serviceaccount:pay*') } },
      [['namespace-pattern', 'system:serviceaccount:paykeyless-forged:legit', true]]],
    ['Pod Identity tags', 'aws-pod-identity', { claims: { 'kubernetes-namespace': like('orders-?'), 'kubernetes-service-account': like('api-*') } },
      [['namespace-pattern', 'orders-q/api-legit', true], ['service-account-pattern', 'orders-x/api-keyless-forged', true]]],
    ['GKE', 'gcp-gke', { claims: { project: eq('shop'), namespace: eq('payments'), serviceaccount: like('ci-?') } },
      [['service-account-pattern', 'payments/ci-q', true]]],
    // Only `*` (other-namespace, other-service-account cover it), or no pattern: nothing.
    ['system:serviceaccount:payments:*', 'aws-oidc', { issuer: EKS, claims: { sub: like('system:serviceaccount:payments:*') } }, []],
    ['an exact subject', 'aws-oidc', { issuer: EKS, claims: { sub: eq('system:serviceaccount:payments:deploy-?') } }, []],
  ])('%s', (_name, kind, alternative, expected) => {
    expect(patterns(trust(kind, alternative))).toEqual(expected);
  });

  test('Pod Identity: the other account is one the trust\'s account pattern admits', () => {
    const account = (pattern: string) => {
      const t = trust('aws-pod-identity', { claims: { 'eks-cluster-arn': like(`arn:aws:eks:*:${pattern}:cluster/payments`), 'kubernetes-namespace': eq('orders') } });
      const other = variants(t).find((v) => v.family === 'other-account')!;
      return [other.token.issuer, meetsAlternative(other.token, t.alternatives[0])];
    };
    expect(account('11112222333?')).toEqual(['arn:aws:eks:us-east-1:111122223334:cluster/payments', true]);
    expect(account('11112222*')).toEqual(['arn:aws:eks:us-east-1:111122224444:cluster/payments', true]);
    expect(account('111122223333')).toEqual(['arn:aws:eks:us-east-1:999999999999:cluster/payments', false]);
    expect(account('*')).toEqual(['arn:aws:eks:us-east-1:999999999999:cluster/payments', true]);
  });
});

describe('owner-pattern and repository-pattern', () => {
  const patterns = (t: Trust) => variants(t).filter((v) => v.family.endsWith('-pattern'))
    .map((v) => [v.family, v.token.claims.repository, meetsAlternative(v.token, t.alternatives[0])]);

  test.each<[string, TrustAlternative, Array<[string, string, boolean]>]>([
    ['? in the owner', { issuer: GH, claims: { sub: like('repo:acm?/app:ref:refs/heads/main') } }, [['owner-pattern', 'acmq/app', true]]],
    ['* inside the owner', { issuer: GH, claims: { sub: like('repo:a*e/app:ref:refs/heads/main') } }, [['owner-pattern', 'akeyless-attackere/app', true]]],
    // The ID-based subject pins the owner's id: the attacker's account has another one, so the pattern alone does not let it in.
    ['ID-based subject', { issuer: GH, claims: { sub: like('repo:ac?e@1342004/app@86301532:ref:refs/heads/main') } }, [['owner-pattern', 'acqe/app', false]]],
    ['? in the repository', { issuer: GH, claims: { sub: like('repo:acme/ap?:ref:refs/heads/main') } }, [['repository-pattern', 'acme/apq', true]]],
    ['repository claim', { issuer: GH, claims: { repository: like('a?me/a*p') } }, [['owner-pattern', 'aqme/alegitp', true], ['repository-pattern', 'axme/akeyless-attackerp', true]]],
    ['repository_owner claim', { issuer: GH, claims: { repository_owner: like('acme-*-team'), repository: like('*/app') } }, [['owner-pattern', 'acme-keyless-attacker-team/app', true]]],
    // Only `*` (other-owner, other-repository cover it), or no pattern: nothing.
    ['repo:acme/*', { issuer: GH, claims: { sub: like('repo:acme/*') } }, []],
    ['an exact subject', { issuer: GH, claims: { sub: eq('repo:acm?/app:ref:refs/heads/main') } }, []],
  ])('%s', (_name, alternative, expected) => {
    expect(patterns(trust('aws-oidc', alternative))).toEqual(expected);
  });

  test('a ? filled like the legitimate owner takes another letter', () => {
    const t = trust('aws-oidc', { issuer: GH, claims: { sub: like('repo:acm?/app:ref:refs/heads/main'), repository_owner: eq('acmq') } });
    const owner = variants(t).find((v) => v.family === 'owner-pattern')!;
    expect([owner.token.claims.repository_owner, owner.description]).toEqual(['acmz', 'an owner the pattern acm? admits, registered by the attacker (acmz/app)']);
  });
});
