/**
 * src/verify/azure.ts: federated identity credentials read from Terraform (JSON and a plan), their alternatives and
 * Entra's exact matching (issuer with its trailing slash, case-sensitive subject, audience), flexible credentials and
 * unresolved values not evaluable; differentially, the evaluator against test/helpers/azure-token-exchange.ts on the
 * examples' Azure stacks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readSynthesizedOutput } from '../../src/synth/read';
import { azureTrusts } from '../../src/verify/azure';
import type { Token, VerifyTrust } from '../../src/verify/model';
import { verifyTrust } from '../../src/verify/verify';
import { azureTokenAccepted } from '../helpers/azure-token-exchange';
import { synthesizedExamples } from '../helpers/examples';

const GH = 'https://token.actions.githubusercontent.com';
const AKS = 'https://westeurope.oic.prod-aks.azure.com/tenant/cluster/';
const EXCHANGE = 'api://AzureADTokenExchange';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-verify-azure-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function read(name: string, files: Record<string, unknown>) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), JSON.stringify(content, null, 1));
  return azureTrusts(readSynthesizedOutput([dir]));
}

function trust(trusts: readonly VerifyTrust[], id: string): VerifyTrust {
  const found = trusts.find((t) => t.id === id);
  if (!found) throw new Error(`no trust ${id} among ${trusts.map((t) => t.id).join(', ')}`);
  return found;
}

function token(iss: string, sub: string | undefined, aud: string | string[] | undefined): Token {
  return {
    platform: 'oidc',
    issuer: iss,
    claims: { iss, ...(sub !== undefined ? { sub } : {}), ...(aud !== undefined ? { aud } : {}) },
  };
}

describe('Terraform JSON', () => {
  let result: ReturnType<typeof azureTrusts>;
  beforeAll(() => {
    result = read('tf', {
      'main.tf.json': {
        resource: {
          azurerm_user_assigned_identity: { deploy: { name: 'deploy', location: 'westeurope', resource_group_name: 'rg' }, api: { name: 'api', location: 'westeurope', resource_group_name: 'rg' } },
          azurerm_federated_identity_credential: {
            main: {
              '//': { metadata: { path: 'stack/deploy/main' } },
              'name': 'main',
              'resource_group_name': 'rg',
              'parent_id': '${azurerm_user_assigned_identity.deploy.id}',
              'issuer': GH,
              'subject': 'repo:Acme/App:ref:refs/heads/main',
              'audience': [EXCHANGE],
            },
            aks: { name: 'aks', resource_group_name: 'rg', parent_id: '${azurerm_user_assigned_identity.api.id}', issuer: AKS, subject: 'system:serviceaccount:payments:api', audience: [EXCHANGE] },
            wrongaud: { name: 'wrong-aud', resource_group_name: 'rg', parent_id: '${azurerm_user_assigned_identity.api.id}', issuer: GH, subject: 'repo:acme/app:environment:prod', audience: ['api://AzureADTokenExchange/'] },
            unresolved: {
              name: 'unresolved',
              resource_group_name: 'rg',
              parent_id: '${azurerm_user_assigned_identity.api.id}',
              issuer: '${azurerm_kubernetes_cluster.prod.oidc_issuer_url}',
              subject: 'system:serviceaccount:payments:api',
              audience: [EXCHANGE],
            },
            bysubject: {
              name: 'by-subject',
              resource_group_name: 'rg',
              parent_id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/imported',
              issuer: GH,
              subject: 'repo:acme/${var.repository}:ref:refs/heads/main',
              audience: [EXCHANGE],
            },
          },
          azuread_application: { ci: { display_name: 'ci-app' } },
          azuread_application_federated_identity_credential: {
            ci: { application_id: '${azuread_application.ci.id}', display_name: 'ci', issuer: GH, subject: 'repo:acme/app:pull_request', audiences: [EXCHANGE, 'api://other'] },
          },
          azuread_application_flexible_federated_identity_credential: {
            flex: {
              application_id: '${azuread_application.ci.id}',
              display_name: 'flex',
              issuer: GH,
              audience: EXCHANGE,
              claims_matching_expression: "claims['sub'] matches 'repo:acme/*'",
            },
          },
        },
      },
    });
  });

  test('one trust per credential, by parent name and credential name', () => {
    expect(result.warnings).toEqual([]);
    expect(result.trusts.map((t) => [t.id, t.identity, t.unevaluable])).toEqual([
      ['azure:fic:api/aks', 'api', undefined],
      ['azure:fic:api/unresolved', 'api', 'the issuer ${azurerm_kubernetes_cluster.prod.oidc_issuer_url} is not resolved'],
      ['azure:fic:api/wrong-aud', 'api', undefined],
      ['azure:fic:ci-app/ci', 'ci-app', undefined],
      ['azure:fic:ci-app/flex', 'ci-app', 'claims matching expressions are not evaluated'],
      ['azure:fic:deploy/main', 'deploy', undefined],
      ['azure:fic:imported/by-subject', 'imported', 'the subject repo:acme/${var.repository}:ref:refs/heads/main is not resolved'],
    ]);
    const main = trust(result.trusts, 'azure:fic:deploy/main');
    expect(main.kind).toBe('azure-fic');
    expect(main.location).toEqual({ file: 'tf/main.tf.json', resource: 'azurerm_federated_identity_credential.main', constructPath: 'stack/deploy/main' });
    expect(main.resources).toEqual(['tf/main.tf.json:azurerm_federated_identity_credential.main', 'tf/main.tf.json:azurerm_user_assigned_identity.deploy']);
  });

  test('alternatives: issuer, subject and audiences as written', () => {
    expect(trust(result.trusts, 'azure:fic:deploy/main').alternatives).toEqual([
      { issuer: GH, claims: { aud: { values: [EXCHANGE], glob: false }, sub: { values: ['repo:Acme/App:ref:refs/heads/main'], glob: false } } },
    ]);
    expect(trust(result.trusts, 'azure:fic:ci-app/ci').alternatives).toEqual([
      { issuer: GH, claims: { aud: { values: [EXCHANGE, 'api://other'], glob: false }, sub: { values: ['repo:acme/app:pull_request'], glob: false } } },
    ]);
    expect(trust(result.trusts, 'azure:fic:ci-app/flex').alternatives).toEqual([]);
  });

  test('exact and case-sensitive subject', () => {
    const main = trust(result.trusts, 'azure:fic:deploy/main');
    expect(main.evaluate(token(GH, 'repo:Acme/App:ref:refs/heads/main', EXCHANGE))).toEqual({
      outcome: 'admitted', detail: 'issuer, subject and audience match the credential exactly',
    });
    expect(main.evaluate(token(GH, 'repo:acme/app:ref:refs/heads/main', EXCHANGE))).toEqual({
      outcome: 'denied',
      detail: 'subject "repo:acme/app:ref:refs/heads/main" is not "repo:Acme/App:ref:refs/heads/main" (compared exactly: they differ in case only)',
    });
    expect(main.evaluate(token(GH, 'repo:Acme/App:ref:refs/heads/main-2', EXCHANGE))).toEqual({
      outcome: 'denied', detail: 'subject "repo:Acme/App:ref:refs/heads/main-2" is not "repo:Acme/App:ref:refs/heads/main" (compared exactly)',
    });
    expect(main.evaluate(token(GH, undefined, EXCHANGE))).toEqual({ outcome: 'denied', detail: 'the token has no sub claim' });
  });

  test('the issuer compared exactly: the AKS issuer\'s trailing slash matters', () => {
    const aks = trust(result.trusts, 'azure:fic:api/aks');
    expect(aks.evaluate(token(AKS, 'system:serviceaccount:payments:api', EXCHANGE)).outcome).toBe('admitted');
    expect(aks.evaluate(token(AKS.replace(/\/$/, ''), 'system:serviceaccount:payments:api', EXCHANGE))).toEqual({
      outcome: 'denied',
      detail: 'issuer "https://westeurope.oic.prod-aks.azure.com/tenant/cluster" is not "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/" (compared exactly)',
    });
  });

  test('audience: one of the credential\'s, exactly; a list aud with one of them is accepted', () => {
    const wrong = trust(result.trusts, 'azure:fic:api/wrong-aud');
    expect(wrong.evaluate(token(GH, 'repo:acme/app:environment:prod', EXCHANGE))).toEqual({
      outcome: 'denied', detail: 'audience "api://AzureADTokenExchange" is not one of ["api://AzureADTokenExchange/"]',
    });
    expect(wrong.evaluate(token(GH, 'repo:acme/app:environment:prod', undefined))).toEqual({ outcome: 'denied', detail: 'the token has no aud claim' });
    const ci = trust(result.trusts, 'azure:fic:ci-app/ci');
    expect(ci.evaluate(token(GH, 'repo:acme/app:pull_request', 'api://other')).outcome).toBe('admitted');
    expect(ci.evaluate(token(GH, 'repo:acme/app:pull_request', ['x', EXCHANGE])).outcome).toBe('admitted');
  });

  test('not evaluable: never decided', () => {
    expect(trust(result.trusts, 'azure:fic:ci-app/flex').evaluate(token(GH, 'repo:acme/app:pull_request', EXCHANGE))).toEqual({
      outcome: 'unsupported', detail: 'not evaluated: claims matching expressions are not evaluated',
    });
  });
});

test('a plan, and a second credential with the same issuer and subject on one identity', () => {
  const credential = (name: string) => ({
    address: `azurerm_federated_identity_credential.${name}`,
    mode: 'managed',
    type: 'azurerm_federated_identity_credential',
    name,
    values: { name, resource_group_name: 'rg', parent_id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deploy', issuer: GH, subject: 'repo:acme/app:environment:prod', audience: [EXCHANGE] },
  });
  const { trusts, warnings } = read('plan', { 'plan.json': { format_version: '1.2', planned_values: { root_module: { resources: [credential('a'), credential('b')] } } } });
  expect(trusts.map((t) => [t.id, t.location.resource])).toEqual([
    ['azure:fic:deploy/a', 'azurerm_federated_identity_credential.a'],
    ['azure:fic:deploy/b', 'azurerm_federated_identity_credential.b'],
  ]);
  expect(warnings).toEqual([
    'plan/plan.json:azurerm_federated_identity_credential.b: same issuer and subject as plan/plan.json:azurerm_federated_identity_credential.a on deploy (Entra refuses the second)',
  ]);
  expect(trusts[0].evaluate(token(GH, 'repo:acme/app:environment:prod', EXCHANGE)).outcome).toBe('admitted');
});

describe('credentials no token matches', () => {
  // AKS prints its issuer with a trailing slash (`az aks show --query oidcIssuerProfile.issuerUrl`:
  // https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster) and writes it so in `iss`; Entra compares exactly.
  const credential = (name: string, issuer: string, subject: string) => ({ name, resource_group_name: 'rg', parent_id: '${azurerm_user_assigned_identity.api.id}', issuer, subject, audience: [EXCHANGE] });
  let trusts: VerifyTrust[];
  beforeAll(() => {
    trusts = read('dead', {
      'main.tf.json': {
        resource: {
          azurerm_user_assigned_identity: { api: { name: 'api', location: 'westeurope', resource_group_name: 'rg' } },
          azurerm_federated_identity_credential: {
            noslash: credential('noslash', AKS.slice(0, -1), 'system:serviceaccount:payments:api'),
            upper: credential('upper', AKS, 'system:serviceaccount:Payments:api'),
            good: credential('good', AKS, 'system:serviceaccount:payments:api'),
          },
        },
      },
    }).trusts;
  });

  test.each([
    ['azure:fic:api/noslash', 'broken', `issuer "${AKS}" is not "${AKS.slice(0, -1)}" (compared exactly)`],
    ['azure:fic:api/upper', 'broken', 'no such token is issued: a Kubernetes namespace is a lower-case RFC 1123 label (a-z, 0-9, "-"): no namespace is named "Payments"'],
    ['azure:fic:api/good', 'sound', undefined],
  ])('%s is %s', (id, verdict, refusal) => {
    const result = verifyTrust(trust(trusts, id));
    expect([result.verdict, result.unpinned, result.legitimate[0].decision.outcome === 'admitted' ? undefined : result.legitimate[0].decision.detail])
      .toEqual([verdict, false, refusal]);
  });
});

describe('differential: the examples\' Azure stacks against the token-exchange oracle', () => {
  const dir = synthesizedExamples();
  const stacks = fs.readdirSync(path.join(dir, 'terraform', 'stacks')).filter((s) => s.includes('azure'));
  const output = readSynthesizedOutput(stacks.map((s) => path.join(dir, 'terraform', 'stacks', s)));
  const { trusts } = azureTrusts(output);

  test('every example credential is read and evaluable', () => {
    expect(trusts.length).toBeGreaterThanOrEqual(5);
    expect(trusts.every((t) => t.unevaluable === undefined && t.alternatives.length === 1)).toBe(true);
  });

  test('every decision equals the oracle\'s', () => {
    let compared = 0;
    for (const t of trusts) {
      const stack = stacks.find((s) => t.location.file.startsWith(`${s}/`))!;
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'terraform', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      const identity = /^\$\{azurerm_user_assigned_identity\.(.+)\.id\}$/.exec(json.resource.azurerm_federated_identity_credential[t.location.resource.split('.')[1]].parent_id)![1];
      const alt = t.alternatives[0];
      const sub = alt.claims.sub.values[0];
      const aud = alt.claims.aud.values[0];
      const variants: Array<Record<string, string | undefined>> = [
        { iss: alt.issuer, sub, aud },
        { iss: alt.issuer, sub: sub.toUpperCase(), aud },
        { iss: alt.issuer, sub: `${sub}x`, aud },
        { iss: alt.issuer!.endsWith('/') ? alt.issuer!.slice(0, -1) : `${alt.issuer}/`, sub, aud },
        { iss: alt.issuer, sub, aud: `${aud}/` },
        { iss: alt.issuer, sub, aud: undefined },
      ];
      for (const claims of variants) {
        const defined = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as Record<string, string>;
        const ours = t.evaluate({ platform: 'oidc', issuer: claims.iss!, claims: defined }).outcome === 'admitted';
        expect({ trust: t.id, claims, admitted: ours }).toEqual({ trust: t.id, claims, admitted: azureTokenAccepted(json, identity, claims) });
        compared++;
      }
    }
    expect(compared).toBe(trusts.length * 6);
  });
});
