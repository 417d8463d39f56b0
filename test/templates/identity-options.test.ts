import { Template } from 'aws-cdk-lib/assertions';
import { Testing } from 'cdktf';
import { clusters } from '../../examples/templates/app-team';
import { Access, GitHubActions } from '../../src';
import * as aws from '../../src/constructs/aws';
import { CiPublishArtifact, DeployService } from '../../src/templates';
import { OWNERSHIP, tfResources } from '../helpers/synth';
import { teamTargets } from '../helpers/team';

const REVOKED = { sessionsIssuedBefore: '2026-11-22T10:15:00Z', reason: 'INC-4711 checkout pod compromised' };
const KEY_VAULT = '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg-checkout/providers/Microsoft.KeyVault/vaults/acme-checkout';
const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:checkout/psp-api-key-AbC123';

function service(t: ReturnType<typeof teamTargets>, extra: Record<string, unknown>): DeployService {
  const { eks, gke, aks } = clusters(t);
  return new DeployService({
    name: 'checkout-api',
    ownership: OWNERSHIP,
    image: 'registry.example.com/checkout-api:3.1.0',
    eks,
    gke,
    aks: { ...aks, clientId: '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d' },
    access: [Access.readSecret({ aws: { secretArn }, gcp: { project: 'acme-checkout-prod', secretId: 'psp-api-key' }, azure: { keyVaultId: KEY_VAULT, secretName: 'psp-api-key' } })],
    ...extra,
  } as never);
}

describe('templates pass `revoked` and `detections` to every cloud identity they create', () => {
  test('GIVEN a tier 1 DeployService WHEN nothing is said THEN each cloud identity is watched', () => {
    const t = teamTargets();
    const deployed = service(t, {});
    expect(deployed.clusters.eks?.identity.detections).toEqual({ enabled: true });
    expect(deployed.clusters.gke?.identity.detections).toEqual({ enabled: true });
    expect(deployed.clusters.aks?.identity.detections).toEqual({ enabled: true });
    expect(Object.keys(Template.fromStack(t.awsStack).findResources('AWS::Events::Rule'))).toHaveLength(1);
    expect(Object.keys(tfResources(JSON.parse(Testing.synth(t.azureStack)), 'azurerm_monitor_scheduled_query_rules_alert_v2'))).toHaveLength(1);
  });

  test('GIVEN `revoked` on a DeployService WHEN synthesized THEN every cloud identity is revoked, and still watched', () => {
    const t = teamTargets();
    const deployed = service(t, { revoked: REVOKED });
    for (const identity of [deployed.clusters.eks?.identity, deployed.clusters.gke?.identity, deployed.clusters.aks?.identity]) {
      expect(identity?.revocation).toEqual(REVOKED);
    }
    const template = Template.fromStack(t.awsStack).toJSON();
    const role = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement.filter((s: any) => s.Effect === 'Deny'))
      .toEqual([{
        Sid: 'KeylessRevoked',
        Effect: 'Deny',
        Principal: '*',
        Action: ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:SetContext', 'sts:SetSourceIdentity', 'sts:TagSession'],
      }]);
    const policies = Object.values(template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::IAM::Policy').map((r) => r.Properties.PolicyName);
    expect(policies).toContain('keyless-revoked');
    const gcpJson = JSON.parse(Testing.synth(t.gcpStack));
    expect(Object.values(tfResources(gcpJson, 'google_service_account')).map((sa: any) => sa.disabled)).toEqual([true]);
    expect(tfResources(gcpJson, 'google_service_account_iam_member')).toEqual({});
    const azureJson = JSON.parse(Testing.synth(t.azureStack));
    expect(tfResources(azureJson, 'azurerm_federated_identity_credential')).toEqual({});
    expect(Object.keys(tfResources(azureJson, 'azurerm_monitor_scheduled_query_rules_alert_v2'))).toHaveLength(1);
  });

  test('GIVEN a tier 1 opt-out on a CiPublishArtifact THEN no cloud renders a detection, and the reason is kept', () => {
    const t = teamTargets();
    const published = new CiPublishArtifact({
      name: 'checkout-image',
      ownership: OWNERSHIP,
      source: GitHubActions.repository({ owner: 'acme', repository: 'checkout', ownerId: '1342004', repositoryId: '77120455', subjectFormat: 'name-based', tagPatterns: ['v*'] }),
      aws: { stack: t.awsStack, target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/checkout/api' }) },
      detections: { enabled: false, reason: 'watched by the SOC CloudTrail rules SEC-881' },
    });
    expect(published.aws?.detections).toEqual({ enabled: false, optOutReason: 'watched by the SOC CloudTrail rules SEC-881' });
    expect(Template.fromStack(t.awsStack).findResources('AWS::Events::Rule')).toEqual({});
  });

  test('GIVEN a bad `revoked` on a template THEN the identity construct refuses it with its path', () => {
    const t = teamTargets();
    expect(() => service(t, { revoked: { sessionsIssuedBefore: '2026-11-22', reason: 'INC-4711 checkout pod compromised' } }))
      .toThrow(/^\[KL-REVOKE-MOMENT\] team-aws\/Service-checkout-api: `revoked.sessionsIssuedBefore` is "2026-11-22": expected a real UTC instant/);
  });
});
