import type { NeutralResource, SynthOutput } from '../../src/synth/model';
import { verifyJson, verifySummaryLines } from '../../src/verify/report';
import { verifyMarkdown } from '../../src/verify/report-markdown';
import { verifySarif } from '../../src/verify/report-sarif';
import { verify, verifyFails } from '../../src/verify/verify';

/**
 * `keyless verify` on revoked identities (issue 19), over hand-built output following the plan's output contract:
 * an AWS role with the `KeylessRevoked` trust Deny (an explicit Deny wins over any Allow: IAM User Guide, "Policy
 * evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), a GCP
 * service account and an Azure identity whose bindings and credentials are no longer rendered.
 */
const MOMENT = '2026-12-03T10:15:00Z';
const REASON = 'INC-4711 runner token leaked';
const CFN = 'aws/app.template.json';
const PROVIDER = { Ref: 'GithubProvider' };
const allow = (name: string) => ({
  Effect: 'Allow',
  Principal: { Federated: PROVIDER },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': `repo:acme/${name}:environment:production` } },
});
const DENY = { Sid: 'KeylessRevoked', Effect: 'Deny', Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity' };
const REVOKED_TAGS = [{ Key: 'keyless:revoked', Value: MOMENT }, { Key: 'keyless:revoked-reason', Value: REASON }];

function role(id: string, name: string, statements: any[], tags: any[] = []): NeutralResource {
  return { format: 'cloudformation', file: CFN, type: 'AWS::IAM::Role', id, properties: { RoleName: name, AssumeRolePolicyDocument: { Statement: statements }, Tags: tags } };
}
const tf = (file: string, type: string, name: string, properties: any): NeutralResource => ({ format: 'terraform', file, type, id: `${type}.${name}`, properties });

function output(resources: NeutralResource[]): SynthOutput {
  const files = [...new Set(resources.map((r) => r.file))].map((file) => ({ file, format: file.endsWith('.template.json') ? 'cloudformation' as const : 'terraform' as const }));
  return { resources, providers: [], files };
}

const resources: NeutralResource[] = [
  { format: 'cloudformation', file: CFN, type: 'AWS::IAM::OIDCProvider', id: 'GithubProvider', properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] } },
  role('ActiveRole', 'active', [allow('active')]),
  role('RevokedRole', 'revoked', [allow('revoked'), DENY], REVOKED_TAGS),
  // Tagged revoked, but the Deny was never rendered: the revocation does not hold.
  role('LeakyRole', 'leaky', [allow('leaky')], REVOKED_TAGS),
  tf('terraform/gcp/cdk.tf.json', 'google_service_account', 'old', {
    account_id: 'old', project: 'acme-prod', disabled: true, description: `owner=platform; revoked=${MOMENT}; revoked-reason=${REASON}`,
  }),
  tf('terraform/azure/cdk.tf.json', 'azurerm_user_assigned_identity', 'old', {
    name: 'old', resource_group_name: 'rg-ci', location: 'westeurope', tags: { 'keyless-revoked': MOMENT, 'keyless-revoked-reason': REASON },
  }),
];

describe('verify: a revoked identity refuses its legitimate tokens, as declared', () => {
  const report = verify(output(resources));
  const trust = (id: string) => report.trusts.find((t) => t.id === id)!;

  test('AWS: the explicit Deny wins; the refusals are the revocation holding, not a broken trust', () => {
    const revoked = trust('aws:role:revoked');
    expect(revoked.verdict).toBe('revoked');
    expect(revoked.revocation).toEqual({ at: MOMENT, reason: REASON });
    expect(revoked.problems).toEqual([]);
    expect(revoked.legitimate.map((e) => e.decision)).toEqual([{ outcome: 'denied', detail: 'explicitly denied by Statement[1] (Sid KeylessRevoked)' }]);
    expect(revoked.counts.legitimateAdmitted).toBe(0);
    expect(revoked.counts.forgedDenied).toBe(revoked.counts.forged);
    expect(trust('aws:role:active').verdict).toBe('sound');
  });

  test('AWS: a role tagged revoked whose trust still admits its token is broken', () => {
    const leaky = trust('aws:role:leaky');
    expect(leaky.verdict).toBe('broken');
    expect(leaky.problems).toEqual([
      `revoked at ${MOMENT} (${REASON}) but the legitimate identity is still admitted: ${leaky.legitimate[0].description}: Statement[0] allows sts:AssumeRoleWithWebIdentity`,
    ]);
    expect(verifyFails(report)).toBe(true);
    const sarif = (verifySarif(report) as any).runs[0].results.map((r: any) => r.ruleId);
    expect(sarif).toEqual(['KL-V-REVOKED-ADMITTED']);
  });

  test('GCP and Azure: no binding or credential left; reported as revoked, nothing admitted, no crash', () => {
    for (const id of ['gcp:revoked:old', 'azure:revoked:rg-ci/old']) {
      const t = trust(id);
      expect([t.verdict, t.problems, t.legitimate.length, t.forged.length]).toEqual(['revoked', [], 0, 0]);
      expect(t.revocation).toEqual({ at: MOMENT, reason: REASON });
    }
    expect(trust('gcp:revoked:old').location).toEqual({ file: 'terraform/gcp/cdk.tf.json', resource: 'google_service_account.old' });
  });

  test('summary, terminal lines, JSON and Markdown say revoked', () => {
    expect(report.summary).toMatchObject({ trusts: 5, sound: 1, broken: 1, weak: 0, notEvaluable: 0, revoked: 3 });
    const lines = verifySummaryLines(report);
    const revoked = trust('aws:role:revoked');
    expect(lines).toContain(`revoked aws:role:revoked (${CFN} RevokedRole): revoked at ${MOMENT} (${REASON}): legitimate tokens refused as declared, `
      + `legitimate 0/1 admitted, forged ${revoked.counts.forged}/${revoked.counts.forged} denied`);
    expect(lines).toContain(`revoked gcp:revoked:old (terraform/gcp/cdk.tf.json google_service_account.old): revoked at ${MOMENT} (${REASON}): `
      + 'no binding or credential is left, no token is admitted, legitimate 0/0 admitted, forged 0/0 denied');
    const json = JSON.parse(verifyJson(report));
    expect(json.trusts.find((t: any) => t.id === 'azure:revoked:rg-ci/old')).toMatchObject({ verdict: 'revoked', revocation: { at: MOMENT, reason: REASON } });
    const markdown = verifyMarkdown(report);
    expect(markdown).toContain('**5 trusts: 0 weak, 1 broken, 0 not evaluable, 1 sound, 3 revoked**');
    expect(markdown).toContain(`**Revoked** at ${MOMENT}: ${REASON}. Legitimate tokens refused as declared.`);
    expect(markdown).toContain(`**Revoked** at ${MOMENT}: ${REASON}. No binding or credential is left, no token is admitted.`);
  });
});
