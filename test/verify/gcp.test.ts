import * as fs from 'fs';
import * as path from 'path';
import { SynthOutput } from '../../src/synth/model';
import { readSynthesizedOutput, terraformProviders, terraformResources } from '../../src/synth/read';
import { terraformShowOutput } from '../../src/synth/terraform-plan';
import { GcpPoolTrust, gcpTrusts } from '../../src/verify/gcp';
import { celUnsupported, termRequirement, unboundFunctions } from '../../src/verify/gcp-cel';
import { mappedConcat, splitTernary } from '../../src/verify/gcp-mapping';
import { Token, VerifyTrust } from '../../src/verify/model';
import { synthesizedExamples } from '../helpers/examples';
import { admitted, findWorkloadIdentityProvider, gcpTokenExchange, resolvePoolId } from '../helpers/gcp-token-exchange';
import {
  Claims, forgedGitHubTokens, forgedGitLabTokens, GITHUB_ISSUER, githubToken, legitimateGitHubTokens, legitimateGitLabTokens, NamedToken, PAYMENTS,
  recreatedRepositoryGitHubTokens, sameNamesOtherIdsGitHubTokens, sameNamesOtherIdsGitLabTokens, forkMergeRequestGitLabTokens,
  environmentOnOtherRefGitHubTokens, forgedImmutableGitHubTokens,
} from '../helpers/tokens';

const NUM = '123456789012';
const POOL = `projects/${NUM}/locations/global/workloadIdentityPools/ci`;
const SET = `principalSet://iam.googleapis.com/${POOL}`;
const ONE = `principal://iam.googleapis.com/${POOL}`;
const AUD = `https://iam.googleapis.com/${POOL}/providers/github`;
const AUD_SLASHES = `//iam.googleapis.com/${POOL}/providers/github`;
const PROVIDER = 'main.tf.json:google_iam_workload_identity_pool_provider.github';
const SA = 'deploy@acme-prod.iam.gserviceaccount.com';
const TRUST = `gcp:ci/github->${SA}`;
const MAPPING = {
  'google.subject': 'assertion.sub',
  'attribute.repository': 'assertion.repository',
  'attribute.repository_id': 'assertion.repository_id',
  'attribute.repository_owner': 'assertion.repository_owner',
  'attribute.repository_owner_id': 'assertion.repository_owner_id',
};
const PINNED = "assertion.repository_id == '86301532' && assertion.repository_owner_id == '1342004' && assertion.ref == 'refs/heads/main'";

/** A Terraform JSON stack (object form): pool `ci`, GitHub provider `github`, service account `deploy` granted to `members`. */
type Attributes = Record<string, unknown>;
function stack(provider: Attributes, members: readonly string[], extra: Attributes = {}, pool: Attributes = {}): any {
  return {
    provider: { google: [{ project: 'acme-prod' }] },
    resource: {
      google_iam_workload_identity_pool: { pool: { workload_identity_pool_id: 'ci', project: 'acme-prod', ...pool } },
      google_iam_workload_identity_pool_provider: {
        github: {
          '//': { metadata: { path: 'platform/Github/Provider' } },
          'workload_identity_pool_id': '${google_iam_workload_identity_pool.pool.workload_identity_pool_id}',
          'workload_identity_pool_provider_id': 'github',
          'attribute_mapping': MAPPING,
          'oidc': { issuer_uri: GITHUB_ISSUER },
          ...provider,
        },
      },
      google_service_account: { deploy: { account_id: 'deploy', project: 'acme-prod' } },
      google_service_account_iam_member: Object.fromEntries(members.map((member, i) => [`wif${i}`, {
        service_account_id: '${google_service_account.deploy.name}', role: 'roles/iam.workloadIdentityUser', member,
      }])),
      ...extra,
    },
  };
}

function output(document: any, file = 'main.tf.json'): SynthOutput {
  return { resources: terraformResources(document, file), providers: terraformProviders(document, file), files: [{ file, format: 'terraform' }] };
}

function only(document: any): VerifyTrust {
  const { trusts } = gcpTrusts(output(document));
  expect(trusts.map((t) => t.id)).toHaveLength(1);
  return trusts[0];
}

/** A token of the claims (undefined claims absent). */
function token(claims: Claims, platform: Token['platform'] = 'github'): Token {
  const defined = Object.fromEntries(Object.entries(claims).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return { platform, issuer: claims.iss ?? '', claims: defined };
}

const payments = (overrides: Partial<Parameters<typeof githubToken>[0]> = {}): Token => token(githubToken({ ...PAYMENTS, ref: 'refs/heads/main', aud: AUD, ...overrides }));
const exact = (...values: string[]) => ({ values, glob: false });
const AUDIENCES = exact(AUD, AUD_SLASHES);
const grant = (i = 0) => `(roles/iam.workloadIdentityUser, main.tf.json:google_service_account_iam_member.wif${i})`;

describe('gcpTrusts: workload identity federation', () => {
  test('a condition pinning repository_id, owner id and ref: one trust, its ways in, exact decisions', () => {
    const member = `${SET}/attribute.repository_id/86301532`;
    const trust = only(stack({ attribute_condition: PINNED }, [member]));
    expect({ ...trust, evaluate: undefined, additionalForged: undefined }).toEqual({
      id: TRUST,
      cloud: 'gcp',
      kind: 'gcp-workload-identity',
      identity: SA,
      location: { file: 'main.tf.json', resource: 'google_iam_workload_identity_pool_provider.github', constructPath: 'platform/Github/Provider' },
      resources: [
        'main.tf.json:google_iam_workload_identity_pool.pool',
        PROVIDER,
        'main.tf.json:google_service_account.deploy',
        'main.tf.json:google_service_account_iam_member.wif0',
      ],
      alternatives: [{
        issuer: GITHUB_ISSUER,
        claims: { aud: AUDIENCES, ref: exact('refs/heads/main'), repository_id: exact('86301532'), repository_owner_id: exact('1342004') },
      }],
      evaluate: undefined,
    });
    expect(trust.evaluate(payments())).toEqual({ outcome: 'admitted', detail: `admitted by ${member} ${grant()}` });
    expect(trust.evaluate(payments({ aud: AUD_SLASHES })).outcome).toBe('admitted');
    expect(trust.evaluate(payments({ format: 'immutable' })).outcome).toBe('admitted');
    expect(trust.evaluate(payments({ ref: 'refs/heads/dev' }))).toEqual({ outcome: 'denied', detail: 'attribute_condition is false' });
    expect(trust.evaluate(payments({ repositoryId: '99000001' }))).toEqual({ outcome: 'denied', detail: 'attribute_condition is false' });
    expect(trust.evaluate(payments({ aud: 'https://evil.example.com' }))).toEqual({
      outcome: 'denied', detail: `audience "https://evil.example.com" is not accepted (accepted: "${AUD}", "${AUD_SLASHES}")`,
    });
    expect(trust.evaluate(payments({ aud: null }))).toEqual({ outcome: 'denied', detail: 'the token has no aud claim' });
    expect(trust.evaluate(payments({ iss: `${GITHUB_ISSUER}/evil-enterprise` }))).toEqual({
      outcome: 'denied', detail: `issuer "${GITHUB_ISSUER}/evil-enterprise" is not the provider's issuer_uri "${GITHUB_ISSUER}"`,
    });
    // A list audience is accepted when one of its values is.
    expect(trust.evaluate({ ...payments(), claims: { ...payments().claims, aud: ['other', AUD] } }).outcome).toBe('admitted');
  });

  test('a condition only on repository_owner: every repository of the owner gets in', () => {
    const member = `${SET}/attribute.repository_owner/acme`;
    const trust = only(stack({ attribute_condition: "assertion.repository_owner == 'acme'" }, [member]));
    expect(trust.alternatives).toEqual([{ issuer: GITHUB_ISSUER, claims: { aud: AUDIENCES, repository_owner: exact('acme') } }]);
    expect(trust.evaluate(payments({ repository: 'other-app', repositoryId: '1' }))).toEqual({ outcome: 'admitted', detail: `admitted by ${member} ${grant()}` });
    expect(trust.evaluate(payments({ owner: 'acme-forged' }))).toEqual({ outcome: 'denied', detail: 'attribute_condition is false' });
  });

  test('no condition: the member alone, inverted through the mapping, is the way in; the denial names the principals', () => {
    const member = `${SET}/attribute.repository/acme/payments-api`;
    const trust = only(stack({}, [member]));
    expect(trust.alternatives).toEqual([{ issuer: GITHUB_ISSUER, claims: { aud: AUDIENCES, repository: exact('acme/payments-api') } }]);
    expect(trust.evaluate(payments({ event: 'pull_request', ref: 'refs/pull/7/merge' })).outcome).toBe('admitted');
    expect(trust.evaluate(payments({ owner: 'evil', ownerId: '666' }))).toEqual({
      outcome: 'denied',
      detail: `no granted member matches the token's principals ${ONE}/subject/repo:evil/payments-api:ref:refs/heads/main, ${SET}/attribute.repository/evil/payments-api, `
        + `${SET}/attribute.repository_id/86301532, ${SET}/attribute.repository_owner/evil, ${SET}/attribute.repository_owner_id/666`,
    });
  });

  test('a subject member: sub is the way in, exactly', () => {
    const member = `${ONE}/subject/repo:acme/payments-api:ref:refs/heads/main`;
    const trust = only(stack({ attribute_condition: "assertion.repository_owner_id == '1342004'" }, [member]));
    expect(trust.alternatives).toEqual([{
      issuer: GITHUB_ISSUER, claims: { aud: AUDIENCES, repository_owner_id: exact('1342004'), sub: exact('repo:acme/payments-api:ref:refs/heads/main') },
    }]);
    expect(trust.evaluate(payments())).toEqual({ outcome: 'admitted', detail: `admitted by ${member} ${grant()}` });
    expect(trust.evaluate(payments({ environment: 'production' })).outcome).toBe('denied');
  });

  test('the whole pool (principalSet …/*) admits every token the provider exchanges', () => {
    const member = `${SET}/*`;
    const trust = only(stack({ attribute_condition: "assertion.repository_owner_id == '1342004'" }, [member]));
    expect(trust.alternatives).toEqual([{ issuer: GITHUB_ISSUER, claims: { aud: AUDIENCES, repository_owner_id: exact('1342004') } }]);
    expect(trust.evaluate(payments({ repository: 'anything', repositoryId: '5' }))).toEqual({ outcome: 'admitted', detail: `admitted by ${member} ${grant()}` });
  });

  test('a disabled provider or pool exchanges nothing', () => {
    const member = `${SET}/attribute.repository_id/86301532`;
    expect(only(stack({ attribute_condition: PINNED, disabled: true }, [member])).evaluate(payments())).toEqual({ outcome: 'denied', detail: 'provider ci/github is disabled' });
    expect(only(stack({ attribute_condition: PINNED }, [member], {}, { disabled: true })).evaluate(payments())).toEqual({ outcome: 'denied', detail: 'pool ci is disabled' });
  });

  test('allowed_audiences replace the default audience', () => {
    const trust = only(stack({ attribute_condition: PINNED, oidc: { issuer_uri: GITHUB_ISSUER, allowed_audiences: ['https://github.com/acme'] } }, [`${SET}/attribute.repository_id/86301532`]));
    expect(trust.alternatives[0].claims.aud).toEqual(exact('https://github.com/acme'));
    expect(trust.evaluate(payments({ aud: 'https://github.com/acme' })).outcome).toBe('admitted');
    expect(trust.evaluate(payments())).toEqual({ outcome: 'denied', detail: `audience "${AUD}" is not accepted (accepted: "https://github.com/acme")` });
  });

  test('mapping and condition failures deny, with the reason', () => {
    const member = `${SET}/attribute.repository_id/86301532`;
    const failing = only(stack({ attribute_mapping: { ...MAPPING, 'google.subject': "assertion.sub + ':' + assertion.missing_claim" } }, [member]));
    expect(failing.evaluate(payments())).toEqual({
      outcome: 'denied', detail: 'google.subject mapping "assertion.sub + \':\' + assertion.missing_claim" failed: field not found: missing_claim',
    });
    const long = payments({ ref: `refs/heads/${'b'.repeat(110)}` });
    expect(only(stack({}, [member])).evaluate(long)).toEqual({ outcome: 'denied', detail: 'google.subject is 148 bytes, more than 127' });
    const environment = only(stack({ attribute_mapping: { ...MAPPING, 'attribute.environment': 'assertion.environment' }, attribute_condition: "attribute.environment == 'production'" }, [member]));
    expect(environment.evaluate(payments())).toEqual({ outcome: 'denied', detail: 'attribute_condition failed: field not found: environment' });
    expect(environment.evaluate(payments({ environment: 'production' })).outcome).toBe('admitted');
    // A condition on the mapped attribute reads, through the mapping, as a requirement on the claim.
    expect(environment.alternatives).toEqual([{ issuer: GITHUB_ISSUER, claims: { aud: AUDIENCES, environment: exact('production'), repository_id: exact('86301532') } }]);
  });

  test('a provider that cannot be read is not evaluable, with the reason', () => {
    const member = `${SET}/attribute.repository_id/86301532`;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ oidc: { issuer_uri: '${var.issuer}' } }, `${PROVIDER}: oidc.issuer_uri is not resolved: "\${var.issuer}"`],
      [{ attribute_condition: '${var.condition}' }, `${PROVIDER}: attribute_condition is not resolved: "\${var.condition}"`],
      [{ attribute_condition: 'assertion.sub ==' }, `${PROVIDER}: attribute_condition is not valid CEL: <input>:1:15: found = but expecting end of input`],
      [{ attribute_mapping: { 'attribute.repository_id': 'assertion.repository_id' } }, `${PROVIDER}: attribute_mapping does not map google.subject`],
      [{ attribute_mapping: { ...MAPPING, 'attribute.repository_id': '${local.mapping}' } }, `${PROVIDER}: attribute_mapping attribute.repository_id is not resolved: "\${local.mapping}"`],
      [{ saml: { idp_metadata_xml: '<xml/>' } }, `${PROVIDER}: only OIDC providers are evaluated (this one is SAML)`],
    ];
    for (const [provider, reason] of cases) {
      const trust = only(stack(provider, [member]));
      expect([trust.id, trust.unevaluable, trust.alternatives]).toEqual([TRUST, reason, []]);
      expect(trust.evaluate(payments())).toEqual({ outcome: 'unsupported', detail: reason });
    }
  });

  test('a pool named by reference: the number is unknown, so the default audience is too', () => {
    const member = 'principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.pool.name}/attribute.repository_id/86301532';
    expect(only(stack({ attribute_condition: PINNED }, [member])).unevaluable)
      .toBe(`${PROVIDER}: the project number of pool ci is not known, so the default audience cannot be computed`);
    const trust = only(stack({ attribute_condition: PINNED, oidc: { issuer_uri: GITHUB_ISSUER, allowed_audiences: ['acme'] } }, [member]));
    expect(trust.evaluate(payments({ aud: 'acme' })).outcome).toBe('admitted');
  });

  test('an unresolved pool, a member of another pool, an unresolved member', () => {
    const member = `${SET}/attribute.repository_id/86301532`;
    const unresolved = gcpTrusts(output(stack({ workload_identity_pool_id: '${var.pool}' }, [member])));
    expect(unresolved.trusts.map((t) => [t.id, t.unevaluable])).toEqual([[`gcp:ci/?->${SA}`,
      `no workload identity pool provider of pool ci of project ${NUM} is in the output (${PROVIDER}: workload_identity_pool_id is not resolved: "\${var.pool}"): the members ${member} cannot be evaluated`]]);
    const other = 'principalSet://iam.googleapis.com/projects/999/locations/global/workloadIdentityPools/other/attribute.repository/acme/app';
    const elsewhere = gcpTrusts(output(stack({}, [other])));
    expect(elsewhere.trusts.map((t) => [t.id, t.unevaluable, t.evaluate(payments()).outcome])).toEqual([[`gcp:other/?->${SA}`,
      `no workload identity pool provider of pool other of project 999 is in the output: the members ${other} cannot be evaluated`, 'unsupported']]);
    expect(elsewhere.warnings).toEqual([`${PROVIDER}: no IAM grant in the output names a principal of pool ci; not verified`]);
    const variable = gcpTrusts(output(stack({}, ['${var.member}'])));
    expect(variable).toEqual({
      trusts: [],
      warnings: [
        `${PROVIDER}: no IAM grant in the output names a principal of pool ci; not verified`,
        'main.tf.json:google_service_account_iam_member.wif0: member ${var.member} is not resolved; not verified',
      ],
    });
  });

  test('disjunctions, in-lists and prefixes become alternatives and globs', () => {
    const condition = "assertion.repository_owner_id == '1342004' && (assertion.ref == 'refs/heads/main' || assertion.ref.startsWith('refs/tags/v'))"
      + " && assertion.repository in ['acme/app', 'acme/api'] || assertion.sub == 'repo:acme/ops:environment:production'";
    const trust = only(stack({ attribute_condition: condition }, [`${SET}/*`]));
    expect(trust.alternatives).toEqual([
      {
        issuer: GITHUB_ISSUER,
        claims: { aud: AUDIENCES, ref: { values: ['refs/heads/main', 'refs/tags/v*'], glob: true }, repository: exact('acme/app', 'acme/api'), repository_owner_id: exact('1342004') },
      },
      { issuer: GITHUB_ISSUER, claims: { aud: AUDIENCES, sub: exact('repo:acme/ops:environment:production') } },
    ]);
    // A member the condition contradicts gives no way in; one it narrows, the intersection.
    const narrowed = only(stack({ attribute_condition: "assertion.repository in ['acme/app', 'acme/api']" }, [`${SET}/attribute.repository/acme/api`, `${SET}/attribute.repository/evil/x`]));
    expect(narrowed.alternatives).toEqual([{ issuer: GITHUB_ISSUER, claims: { aud: AUDIENCES, repository: exact('acme/api') } }]);
  });

  test('a constant mapping (Keyless trust tag) needs no claim; a constant that differs admits no one', () => {
    const mapping = { ...MAPPING, 'attribute.keyless_trust': "'deploy'" };
    const trust = only(stack({ attribute_mapping: mapping, attribute_condition: PINNED }, [`${SET}/attribute.keyless_trust/deploy`]));
    expect(trust.alternatives).toEqual([{ issuer: GITHUB_ISSUER, claims: { aud: AUDIENCES, ref: exact('refs/heads/main'), repository_id: exact('86301532'), repository_owner_id: exact('1342004') } }]);
    expect(trust.evaluate(payments()).outcome).toBe('admitted');
    const other = only(stack({ attribute_mapping: mapping, attribute_condition: PINNED }, [`${SET}/attribute.keyless_trust/other`]));
    expect(other.evaluate(payments()).outcome).toBe('denied');
  });

  test('direct resource access, project grants and two providers of one pool', () => {
    const member = `${SET}/attribute.repository_id/86301532`;
    const second = {
      workload_identity_pool_id: 'ci',
      workload_identity_pool_provider_id: 'gitlab',
      attribute_mapping: { 'google.subject': 'assertion.sub', 'attribute.repository_id': 'assertion.project_id' },
      oidc: { issuer_uri: 'https://gitlab.com' },
    };
    const document = stack({ attribute_condition: PINNED }, [], {
      google_storage_bucket_iam_member: { writer: { bucket: 'acme-artifacts', role: 'roles/storage.objectCreator', member } },
      google_project_iam_member: { viewer: { role: 'roles/viewer', member } },
    });
    document.resource.google_iam_workload_identity_pool_provider.gitlab = second;
    const { trusts, warnings } = gcpTrusts(output(document));
    expect(warnings).toEqual([]);
    expect(trusts.map((t) => [t.id, t.identity])).toEqual([
      ['gcp:ci/github->roles/storage.objectCreator@google_storage_bucket/acme-artifacts', 'roles/storage.objectCreator on google_storage_bucket/acme-artifacts'],
      ['gcp:ci/github->roles/viewer@project/acme-prod', 'roles/viewer on project/acme-prod'],
      ['gcp:ci/gitlab->roles/storage.objectCreator@google_storage_bucket/acme-artifacts', 'roles/storage.objectCreator on google_storage_bucket/acme-artifacts'],
      ['gcp:ci/gitlab->roles/viewer@project/acme-prod', 'roles/viewer on project/acme-prod'],
    ]);
    // Principals are per pool: a GitLab project whose id is the repository id gets the same principalSet.
    const gitlab = trusts[2];
    expect(gitlab.alternatives).toEqual([{
      issuer: 'https://gitlab.com', claims: { aud: exact(`https://iam.googleapis.com/${POOL}/providers/gitlab`, `//iam.googleapis.com/${POOL}/providers/gitlab`), project_id: exact('86301532') },
    }]);
    const gitlabToken: Token = { platform: 'gitlab', issuer: 'https://gitlab.com', claims: { iss: 'https://gitlab.com', sub: 'project_path:x/y:ref_type:branch:ref:main', project_id: '86301532', aud: `https://iam.googleapis.com/${POOL}/providers/gitlab` } };
    expect(gitlab.evaluate(gitlabToken)).toEqual({ outcome: 'admitted', detail: `admitted by ${member} (roles/storage.objectCreator, main.tf.json:google_storage_bucket_iam_member.writer)` });
  });

  test('the array form of Terraform JSON and a terraform show -json plan read the same', () => {
    const member = `${SET}/attribute.repository_id/86301532`;
    const document = stack({ attribute_condition: PINNED }, [member]);
    const array = {
      provider: [{ google: [{ project: 'acme-prod' }] }],
      resource: Object.entries(document.resource).map(([type, byName]) => ({
        [type]: Object.entries(byName as object).map(([name, body]) => ({ [name]: [body] })),
      })),
    };
    const fromArray = gcpTrusts(output(array)).trusts;
    expect(fromArray.map((t) => [t.id, t.alternatives])).toEqual(gcpTrusts(output(document)).trusts.map((t) => [t.id, t.alternatives]));

    const values = (type: string, name: string, v: Record<string, unknown>) => ({ address: `${type}.${name}`, mode: 'managed', type, name, values: v });
    const plan = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            values('google_iam_workload_identity_pool', 'pool', { workload_identity_pool_id: 'ci', disabled: false }),
            values('google_iam_workload_identity_pool_provider', 'github', {
              workload_identity_pool_id: 'ci',
              workload_identity_pool_provider_id: 'github',
              attribute_mapping: MAPPING,
              attribute_condition: PINNED,
              disabled: false,
              oidc: [{ issuer_uri: GITHUB_ISSUER, allowed_audiences: [] }],
              aws: [],
              saml: [],
            }),
            values('google_service_account_iam_member', 'wif', { service_account_id: `projects/acme-prod/serviceAccounts/${SA}`, role: 'roles/iam.workloadIdentityUser', member }),
          ],
        },
      },
    };
    const planned = terraformShowOutput(plan, 'plan.json');
    const trusts = gcpTrusts({ ...planned, files: [{ file: 'plan.json', format: 'terraform' }] }).trusts;
    expect(trusts.map((t) => [t.id, t.unevaluable, t.alternatives])).toEqual([[TRUST, undefined, only(document).alternatives]]);
    expect(trusts[0].evaluate(payments())).toEqual({ outcome: 'admitted', detail: `admitted by ${member} (roles/iam.workloadIdentityUser, plan.json:google_service_account_iam_member.wif)` });

    // A condition known only after apply is not evaluable.
    const address = 'google_iam_workload_identity_pool_provider.github';
    const unknown = {
      ...plan,
      resource_changes: [{ address, change: { after_unknown: { attribute_condition: true } } }],
      configuration: { root_module: { resources: [{ address, expressions: { attribute_condition: { references: ['random_id.x.hex', 'random_id.x'] } } }] } },
    };
    const later = gcpTrusts({ ...terraformShowOutput(unknown, 'plan.json'), files: [] }).trusts;
    expect(later.map((t) => t.unevaluable)).toEqual([
      `plan.json:${address}: attribute_condition is not resolved: "\${known after apply: random_id.x.hex}"`,
    ]);
  });
});

describe('gcpTrusts: GKE members', () => {
  const gke = (claims: Record<string, string>): Token => ({ platform: 'gke', issuer: 'https://container.googleapis.com/v1/projects/acme-prod/locations/europe-west1/clusters/c1', claims });
  const workload = { project: 'acme-prod', cluster: 'c1', location: 'europe-west1', namespace: 'payments', serviceaccount: 'api' };

  test('impersonation member, direct principal, namespace principalSet', () => {
    const document = {
      resource: {
        google_service_account: { api: { account_id: 'api', project: 'acme-prod' } },
        google_service_account_iam_member: { wi: { service_account_id: '${google_service_account.api.name}', role: 'roles/iam.workloadIdentityUser', member: 'serviceAccount:acme-prod.svc.id.goog[payments/api]' } },
        google_storage_bucket_iam_member: {
          direct: { bucket: 'b', role: 'roles/storage.objectViewer', member: 'principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/subject/ns/payments/sa/api' },
          namespace: { bucket: 'b', role: 'roles/storage.objectCreator', member: 'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/namespace/payments' },
        },
      },
    };
    const { trusts, warnings } = gcpTrusts(output(document));
    expect(warnings).toEqual([]);
    expect(trusts.map((t) => [t.id, t.kind, t.identity, t.location.resource, t.alternatives])).toEqual([
      ['gcp:gke:acme-prod.svc.id.goog[payments/*]->roles/storage.objectCreator@google_storage_bucket/b', 'gcp-gke', 'roles/storage.objectCreator on google_storage_bucket/b',
        'google_storage_bucket_iam_member.namespace', [{ claims: { project: exact('acme-prod'), namespace: exact('payments') } }]],
      ['gcp:gke:acme-prod.svc.id.goog[payments/api]->api@acme-prod.iam.gserviceaccount.com', 'gcp-gke', 'api@acme-prod.iam.gserviceaccount.com',
        'google_service_account_iam_member.wi', [{ claims: { project: exact('acme-prod'), namespace: exact('payments'), serviceaccount: exact('api') } }]],
      ['gcp:gke:acme-prod.svc.id.goog[payments/api]->roles/storage.objectViewer@google_storage_bucket/b', 'gcp-gke', 'roles/storage.objectViewer on google_storage_bucket/b',
        'google_storage_bucket_iam_member.direct', [{ claims: { project: exact('acme-prod'), namespace: exact('payments'), serviceaccount: exact('api') } }]],
    ]);
    const sa = trusts[1];
    expect(sa.resources).toEqual(['main.tf.json:google_service_account.api', 'main.tf.json:google_service_account_iam_member.wi']);
    expect(sa.evaluate(gke(workload))).toEqual({
      outcome: 'admitted', detail: 'admitted by serviceAccount:acme-prod.svc.id.goog[payments/api] (roles/iam.workloadIdentityUser, main.tf.json:google_service_account_iam_member.wi)',
    });
    // Identity sameness: another cluster of the project is the same identity.
    expect(sa.evaluate(gke({ ...workload, cluster: 'other' })).outcome).toBe('admitted');
    expect(sa.evaluate(gke({ ...workload, namespace: 'payments-forged' }))).toEqual({ outcome: 'denied', detail: 'the workload\'s namespace is "payments-forged", not "payments"' });
    expect(sa.evaluate(gke({ ...workload, serviceaccount: 'other' }))).toEqual({ outcome: 'denied', detail: 'the workload\'s Kubernetes service account is "other", not "api"' });
    expect(sa.evaluate(gke({ ...workload, project: 'evil' }))).toEqual({ outcome: 'denied', detail: 'the workload\'s pool is evil.svc.id.goog, not acme-prod.svc.id.goog' });
    expect(sa.evaluate(payments())).toEqual({ outcome: 'denied', detail: 'a github token does not hold a GKE workload identity of acme-prod.svc.id.goog' });
    expect(trusts[0].evaluate(gke({ ...workload, serviceaccount: 'any' })).outcome).toBe('admitted');
  });

  test('a member naming no Kubernetes name (GKE has no wildcard) admits no workload', () => {
    const member = 'serviceAccount:acme-prod.svc.id.goog[payments/*]';
    const document = { resource: { google_service_account_iam_member: { wi: { service_account_id: 'projects/acme-prod/serviceAccounts/api@acme-prod.iam.gserviceaccount.com', role: 'roles/iam.workloadIdentityUser', member } } } };
    const [trust] = gcpTrusts(output(document)).trusts;
    expect(trust.evaluate(gke({ ...workload, serviceaccount: '*' }))).toEqual({
      outcome: 'denied',
      detail: `no workload holds ${member}: the Kubernetes service account "*" is not a ServiceAccount name (a DNS subdomain), and GKE has no wildcard in a member`,
    });
    document.resource.google_service_account_iam_member.wi.member = 'serviceAccount:acme-prod.svc.id.goog[Payments/api]';
    expect(gcpTrusts(output(document)).trusts[0].evaluate(gke({ ...workload, namespace: 'Payments' })).detail).toContain('the namespace "Payments" is not a Kubernetes namespace name');
  });
});

describe('gcpTrusts on the examples, differentially against the independent exchange model', () => {
  const root = path.join(synthesizedExamples(), 'terraform');
  const { trusts, warnings } = gcpTrusts(readSynthesizedOutput([root]));

  test('the trusts of the examples', () => {
    expect(warnings).toEqual([]);
    expect(trusts.map((t) => [t.id, t.kind, t.unevaluable])).toEqual([
      ['gcp:checkout-image/checkout-image->roles/artifactregistry.writer@google_artifact_registry_repository/europe-west1/acme-checkout-prod/checkout', 'gcp-workload-identity', undefined],
      ['gcp:ci-github/payments-api-deploy->roles/storage.objectCreator@google_storage_bucket/acme-payments-artifacts', 'gcp-workload-identity', undefined],
      ['gcp:ci-gitlab/ledger-deploy->ledger-deploy@acme-payments-prod.iam.gserviceaccount.com', 'gcp-workload-identity', undefined],
      ['gcp:ci-publish/payments-api-image->roles/artifactregistry.writer@google_artifact_registry_repository/europe-west1/acme-payments-prod/payments', 'gcp-workload-identity', undefined],
      ['gcp:gke:acme-checkout-prod.svc.id.goog[checkout-api/checkout-api]->checkout-api@acme-checkout-prod.iam.gserviceaccount.com', 'gcp-gke', undefined],
      ['gcp:gke:acme-checkout-prod.svc.id.goog[checkout-reconcile/checkout-reconcile]->checkout-reconcile@acme-checkout-prod.iam.gserviceaccount.com', 'gcp-gke', undefined],
      ['gcp:gke:acme-payments-prod.svc.id.goog[payments/payments-api]->payments-api@acme-payments-prod.iam.gserviceaccount.com', 'gcp-gke', undefined],
      ['gcp:payments-api-bundle/payments-api-bundle->roles/storage.objectCreator@google_storage_bucket/acme-release-artifacts', 'gcp-workload-identity', undefined],
    ]);
  });

  const federated = trusts.filter((t) => t.kind === 'gcp-workload-identity');
  test.each(federated.map((t) => [t.id, t] as const))('%s decides as the exchange model does', (_id, trust) => {
    const synthesized = JSON.parse(fs.readFileSync(path.join(path.dirname(root), trust.location.file), 'utf8'));
    const provider = findWorkloadIdentityProvider(synthesized, trust.location.constructPath);
    const poolId = resolvePoolId(synthesized, provider);
    const aud = trust.alternatives[0].claims.aud.values[0];
    const projectNumber = /projects\/([0-9]+)\//.exec(aud)![1];
    const members = Object.values<Record<string, any>>(synthesized.resource).flatMap((byName) => Object.values(byName))
      .map((r) => r.member).filter((m): m is string => typeof m === 'string' && m.includes(`/workloadIdentityPools/${poolId}/`));
    const github: NamedToken[] = [legitimateGitHubTokens, forgedGitHubTokens, sameNamesOtherIdsGitHubTokens, recreatedRepositoryGitHubTokens,
      environmentOnOtherRefGitHubTokens, forgedImmutableGitHubTokens].flatMap((f) => f(aud));
    const gitlab: NamedToken[] = [legitimateGitLabTokens, forgedGitLabTokens, sameNamesOtherIdsGitLabTokens, forkMergeRequestGitLabTokens]
      .flatMap((f) => f(aud));
    const tags = ['refs/tags/v1.2.3', 'refs/tags/v9'].flatMap((ref) => [
      { name: ref, claims: githubToken({ ...PAYMENTS, ref, aud }) }, { name: `${ref} immutable`, claims: githubToken({ ...PAYMENTS, ref, aud, format: 'immutable' }) },
      { name: `${ref} release`, claims: githubToken({ ...PAYMENTS, ref, aud, format: 'immutable', environment: 'release', jobWorkflowRef: 'acme/workflows/.github/workflows/release.yml@refs/heads/main' }) },
      { name: `${ref} production`, claims: githubToken({ ...PAYMENTS, ref: 'refs/heads/main', aud, format: 'immutable', environment: 'production' }) },
    ]);
    const checkout = [{ name: 'checkout tag', claims: githubToken({ owner: 'acme', repository: 'checkout', ownerId: '1342004', repositoryId: '77120455', ref: 'refs/tags/v3.1.0', aud }) }];
    const tokens = trust.alternatives[0].issuer === 'https://gitlab.com' ? gitlab : [...github, ...tags, ...checkout];
    const outcomes = tokens.map(({ name, claims }) => {
      const expected = admitted(gcpTokenExchange({ stack: synthesized, provider, projectNumber, poolId, claims }), members);
      return [name, trust.evaluate(token(claims, claims.iss?.includes('gitlab') ? 'gitlab' : 'github')).outcome, expected ? 'admitted' : 'denied'];
    });
    expect(outcomes.filter(([, ours, theirs]) => ours !== theirs)).toEqual([]);
    // Neither side admits everything or nothing: the comparison decides something.
    expect(new Set(outcomes.map(([, ours]) => ours))).toEqual(new Set(['admitted', 'denied']));
  });
});

describe('gcpTrusts: pools of one id in two projects, CEL outside the evaluated subset, providers sharing a pool', () => {
  const member = `${SET}/attribute.repository_id/86301532`;
  const elsewhere = 'principalSet://iam.googleapis.com/projects/999/locations/global/workloadIdentityPools/ci/*';
  test('a member of pool ci of another project is its own not-evaluable trust; the local trust ignores it', () => {
    const oidc = { issuer_uri: GITHUB_ISSUER, allowed_audiences: [AUD] };
    const { trusts } = gcpTrusts(output(stack({ attribute_condition: PINNED, oidc }, [member, elsewhere])));
    expect(trusts.map((t) => [t.id, t.unevaluable])).toEqual([
      [`gcp:ci/?->${SA}`, `no workload identity pool provider of pool ci of project 999 is in the output: the members ${elsewhere} cannot be evaluated`],
      [TRUST, undefined],
    ]);
    expect(trusts[1].evaluate(payments({ ref: 'refs/heads/other' })).outcome).toBe('denied');
    expect(trusts[1].evaluate(payments()).outcome).toBe('admitted');
  });
  test('no allowed_audiences and members naming two numbers: which pool is local cannot be told', () => {
    const [trust] = gcpTrusts(output(stack({ attribute_condition: PINNED }, [member, elsewhere]))).trusts;
    expect([trust.id, trust.unevaluable]).toEqual([TRUST, `${PROVIDER}: the project number of pool ci is not in the output (no allowed_audiences name it) and its members `
      + 'name projects 123456789012, 999: which of them holds this provider cannot be told, nor which members are of its pool']);
  });
  test('a function @bufbuild/cel lacks makes the provider not evaluable; library errors are undecided, token errors denials', () => {
    const trust = only(stack({ attribute_condition: "assertion.ref.extract('refs/{kind}/') == 'tags'" }, [member]));
    expect(trust.unevaluable).toBe(`${PROVIDER}: attribute_condition calls extract, which verify's CEL (the standard library of @bufbuild/cel) does not evaluate: `
      + "GCP's own result is not known");
    expect(unboundFunctions("assertion.sub.lowerAscii() == 'x' && has(assertion.ref) && assertion.l.exists(x, x.startsWith('a'))")).toEqual(['lowerAscii']);
    expect([celUnsupported('unbound function: extract'), celUnsupported("found no matching overload for 'size' applied to '(double)'"), celUnsupported('field not found: x')])
      .toEqual([true, true, false]);
    const typed = only(stack({ attribute_condition: 'size(assertion.repository_id) > 0' }, [member]));
    expect(typed.evaluate({ ...payments(), claims: { ...payments().claims, repository_id: 86301532 } })).toEqual({
      outcome: 'unsupported', detail: "attribute_condition failed: found no matching overload for 'size' applied to '(double)'",
    });
  });
  test('group and prefixed-subject mappings are inverted into the claim they wrap', () => {
    expect(mappedConcat("'gh:' + assertion.sub + '@ci'")).toEqual({ prefix: 'gh:', claim: 'sub', suffix: '@ci' });
    expect(mappedConcat('assertion.sub + assertion.ref')).toBeUndefined();
    const groups = only(stack({ attribute_mapping: { 'google.subject': 'assertion.sub', 'google.groups': '[assertion.repository]' } }, [`${SET}/group/acme/app`]));
    expect(groups.alternatives).toEqual([{ issuer: GITHUB_ISSUER, claims: { aud: AUDIENCES, repository: exact('acme/app') } }]);
    const subjects = [`${ONE}/subject/gh:repo:acme/app:ref:refs/heads/main`, `${ONE}/subject/repo:x/y:ref:z`];
    const prefixed = only(stack({ attribute_mapping: { 'google.subject': "'gh:' + assertion.sub" } }, subjects));
    expect(prefixed.alternatives).toEqual([{ issuer: GITHUB_ISSUER, claims: { aud: AUDIENCES, sub: exact('repo:acme/app:ref:refs/heads/main') } }]);
  });
  test('another issuer\'s provider of the pool minting the same member: its legitimate tokens are forged variants, admitted', () => {
    const document = stack({ attribute_condition: PINNED }, [member]);
    document.resource.google_iam_workload_identity_pool_provider.gitlab = {
      workload_identity_pool_id: 'ci',
      workload_identity_pool_provider_id: 'gitlab',
      attribute_mapping: { 'google.subject': 'assertion.sub', 'attribute.repository_id': 'assertion.project_id' },
      oidc: { issuer_uri: 'https://gitlab.com' },
    };
    const [github, gitlab] = gcpTrusts(output(document)).trusts as GcpPoolTrust[];
    const forged = github.additionalForged();
    // One per accepted audience of the GitLab provider (its default, with and without `https:`).
    const gitlabAud = `iam.googleapis.com/${POOL}/providers/gitlab`;
    expect(forged.map((v) => [v.family, v.token.issuer, v.token.claims.project_id, v.token.claims.aud]))
      .toEqual([`https://${gitlabAud}`, `//${gitlabAud}`].map((aud) => ['other-provider-of-pool', 'https://gitlab.com', '86301532', aud]));
    expect(github.evaluate(forged[0].token)).toEqual({
      outcome: 'admitted',
      detail: `exchanged at provider ci/gitlab of the same pool, admitted by ${member} ${grant()}: a member this provider's legitimate identities hold`,
    });
    expect(gitlab.additionalForged().map((v) => v.token.issuer)).toEqual([GITHUB_ISSUER, GITHUB_ISSUER]);
  });
});

describe('termRequirement: the legitimate value a condition term states', () => {
  test.each<[string, ReturnType<typeof termRequirement>]>([
    ["assertion.ref == 'refs/heads/main'", { variable: 'assertion', name: 'ref', requirement: { values: ['refs/heads/main'], glob: false } }],
    ["assertion.ref.startsWith('refs/tags/v')", { variable: 'assertion', name: 'ref', requirement: { values: ['refs/tags/v*'], glob: true } }],
    ["assertion.sub.matches('^repo:acme/app:ref:refs/heads/main')",
      { variable: 'assertion', name: 'sub', requirement: { values: ['repo:acme/app:ref:refs/heads/main*'], glob: true } }],
    ["assertion.sub.matches('^repo:acme/app:ref:refs/heads/main$')",
      { variable: 'assertion', name: 'sub', requirement: { values: ['repo:acme/app:ref:refs/heads/main'], glob: false } }],
    // Unanchored (CEL matches searches anywhere), a `.` (any character) or a quantifier: no stated value.
    ["assertion.sub.matches('repo:acme/app')", undefined],
    ["assertion.repository.matches('^acme/app.$')", undefined],
    ["assertion.repository.matches('^acme/ap+$')", undefined],
  ])('%s', (term, expected) => {
    expect(termRequirement(term)).toEqual(expected);
  });
});

describe('splitTernary: a mapping written as a conditional', () => {
  test.each<[string, ReturnType<typeof splitTernary>]>([
    ["assertion.repository_owner == 'acme' ? assertion.sub : 'nobody'",
      { condition: "assertion.repository_owner == 'acme'", then: 'assertion.sub', otherwise: "'nobody'" }],
    // A `?` or `:` inside a string or a nested conditional belongs to its part.
    ["assertion.ref == 'a:b?' ? (x ? 'y' : 'z') : assertion.sub", { condition: "assertion.ref == 'a:b?'", then: "(x ? 'y' : 'z')", otherwise: 'assertion.sub' }],
    ["a ? b ? 'c' : 'd' : 'e'", { condition: 'a', then: "b ? 'c' : 'd'", otherwise: "'e'" }],
    ['assertion.sub', undefined],
    ["assertion.sub.startsWith('repo:')", undefined],
  ])('%s', (expression, expected) => {
    expect(splitTernary(expression)).toEqual(expected);
  });
});
