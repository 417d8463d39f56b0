/**
 * The inventory's reading of an AWS detection rule's role ARN in another letter case (src/inventory/detections.ts):
 * under `equals-ignore-case` EventBridge matches the ARN in any case and IAM role names are unique ignoring case
 * (IAM API Reference, CreateRole `RoleName`: "Names are not distinguished by case"), so the rule watches the role
 * whatever the case; an exact matcher is case-sensitive (moto's EventBridge engine agrees) and does not.
 */
import { Inventory } from '../../src/inventory/model';
import { buildInventory } from '../../src/inventory/records';
import type { NeutralResource } from '../../src/synth/model';
import { eventBridgeMatches, webIdentityEvent } from '../helpers/eventbridge';
import { TODAY } from '../helpers/synth';

const ACCOUNT = '123456789012';
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:security-alerts`;
const cfn = (file: string, id: string, type: string, properties: any): NeutralResource => ({ format: 'cloudformation', file, type, id, properties });

const role = (file: string, id: string, RoleName: string) => cfn(file, id, 'AWS::IAM::Role', {
  RoleName,
  AssumeRolePolicyDocument: {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': `repo:acme/${RoleName}:ref:refs/heads/main` } },
    }],
  },
  Tags: [{ Key: 'keyless:owner', Value: 'platform' }, { Key: 'keyless:tier', Value: '1' }],
});
const pattern = (roleArn: unknown) => ({
  'source': ['aws.sts'],
  'detail-type': ['AWS API Call via CloudTrail'],
  'detail': { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoleWithWebIdentity'], requestParameters: { roleArn: [roleArn] } },
});
const rule = (file: string, roleArn: unknown) => cfn(file, 'Soc', 'AWS::Events::Rule', {
  State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', EventPattern: pattern(roleArn), Targets: [{ Id: 'T', Arn: TOPIC }],
});

function inventoryOf(resources: NeutralResource[]): Inventory {
  const files = [...new Set(resources.map((r) => r.file))].map((file) => ({ file, format: 'cloudformation' }));
  return buildInventory({ resources, files, warnings: [] }, { today: TODAY });
}
const detections = (inventory: Inventory) => Object.fromEntries(inventory.identities.map((r) => [r.id, r.attributes.detections]));

/** moto's EventBridge engine: whether `pattern` matches a web identity call naming `roleArn`. */
const motoMatches = (eventPattern: object, roleArn: string): boolean =>
  eventBridgeMatches(eventPattern, [webIdentityEvent({ roleArn, subject: 'repo:acme/app:ref:refs/heads/main' })])[0];

describe('inventory: an AWS rule naming the role in another letter case', () => {
  const APP = `arn:aws:iam::${ACCOUNT}:role/App`;

  test('GIVEN `role/App` under equals-ignore-case, in the role\'s template or another one WHEN read THEN the role `app` is watched', () => {
    expect(motoMatches(pattern({ 'equals-ignore-case': APP }), `arn:aws:iam::${ACCOUNT}:role/app`)).toBe(true);
    expect(detections(inventoryOf([role('aws/a.template.json', 'Role', 'app'), rule('aws/a.template.json', { 'equals-ignore-case': APP })])))
      .toEqual({ 'aws:role:app': 'watched: aws/a.template.json:Soc' });
    expect(detections(inventoryOf([role('aws/a.template.json', 'Role', 'app'), rule('aws/soc.template.json', { 'equals-ignore-case': APP })])))
      .toEqual({ 'aws:role:app': 'watched: aws/soc.template.json:Soc' });
  });

  test('GIVEN `role/App` matched exactly WHEN read THEN the role `app` is not watched (the exact matcher is case-sensitive)', () => {
    expect(motoMatches(pattern(APP), `arn:aws:iam::${ACCOUNT}:role/app`)).toBe(false);
    const read = detections(inventoryOf([role('aws/a.template.json', 'Role', 'app'), rule('aws/a.template.json', APP)]));
    expect(read['aws:role:app']).not.toMatch(/^watched/);
  });

  test('GIVEN roles `app` and `App` in two templates (two accounts) WHEN a third names `role/APP` ignoring case THEN neither is credited; `role/app` credits the exact one', () => {
    const roles = [role('aws/a.template.json', 'Role', 'app'), role('aws/b.template.json', 'Role', 'App')];
    const ambiguous = detections(inventoryOf([...roles, rule('aws/soc.template.json', { 'equals-ignore-case': `arn:aws:iam::${ACCOUNT}:role/APP` })]));
    expect(Object.keys(ambiguous).sort()).toEqual(['aws:role:App', 'aws:role:app']);
    expect(Object.values(ambiguous).filter((d) => /^watched/.test(String(d)))).toEqual([]);
    const exact = detections(inventoryOf([...roles, rule('aws/soc.template.json', { 'equals-ignore-case': `arn:aws:iam::${ACCOUNT}:role/app` })]));
    expect(exact['aws:role:app']).toBe('watched: aws/soc.template.json:Soc');
    expect(exact['aws:role:App']).not.toMatch(/^watched/);
  });
});
