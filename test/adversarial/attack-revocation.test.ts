/**
 * Attacks on revocation (issue 19): a revoked identity that can still act or obtain credentials, a grant that
 * survives it, or a report (inventory, verify) that calls an identity revoked when it is not, or misses it.
 * Each failing test asserts the correct behaviour; the passing ones are attacks that held.
 *
 * Engines: the independent IAM engine (test/helpers/aws-trust-evaluator.ts, aws-permission-evaluator.ts), and the
 * project's inventory and verify over the synthesized output. IAM fact used: an explicit Deny in any applicable
 * policy overrides every Allow, resource-based policies included (IAM User Guide, "Policy evaluation logic").
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { GitHubActions, Revocation } from '../../src';
import { CiOidcTrust as AwsCiOidcTrust } from '../../src/constructs/aws';
import { CiOidcTrust as AzureCiOidcTrust } from '../../src/constructs/azure';
import { CiOidcTrust as GcpCiOidcTrust, WorkloadIdentity as GkeWorkloadIdentity } from '../../src/constructs/gcp';
import { Inventory } from '../../src/inventory/model';
import { readInventoryInput } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { readSynthesizedOutput } from '../../src/synth/read';
import { verify } from '../../src/verify/verify';
import { evaluatePermission } from '../helpers/aws-permission-evaluator';
import { ACCOUNT, humanAssumeRoleAllowed } from '../helpers/aws-trust-evaluator';
import { awsStack, OWNERSHIP, tfJson, tfStack, TODAY } from '../helpers/synth';
import { PAYMENTS } from '../helpers/tokens';

const MOMENT = '2026-12-03T10:15:00Z';
const REVOKED: Revocation = { sessionsIssuedBefore: MOMENT, reason: 'INC-4711 runner token leaked' };
const source = GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'] });
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deployer`;
const SUBSCRIPTION_RG = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Writes the stacks where readInventoryInput / readSynthesizedOutput read them. */
function write(aws: object | undefined, tf: Record<string, object>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-revocation-'));
  dirs.push(dir);
  if (aws) {
    fs.mkdirSync(path.join(dir, 'aws'));
    fs.writeFileSync(path.join(dir, 'aws', 'Platform.template.json'), JSON.stringify(aws));
  }
  for (const [name, json] of Object.entries(tf)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'cdk.tf.json'), JSON.stringify(json));
  }
  return dir;
}
const inventoryOf = (dir: string): Inventory => buildInventory(readInventoryInput([dir]), { today: TODAY });

/** A revoked AWS CI role whose trust later gains a same-account AssumeRole statement (the roleResource escape hatch). */
function awsRevokedWithLaterTrust(): object {
  const stack = awsStack();
  const trust = new AwsCiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source, revoked: REVOKED });
  trust.roleResource.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(DEPLOYER)] }));
  return Template.fromStack(stack).toJSON();
}

describe('AWS: a trust statement added after construction does not survive the revocation', () => {
  const template = awsRevokedWithLaterTrust();
  const dir = write(template, {});
  // The same role with KeylessRevoked narrowed to the principals known at construction (Keyless's output before this fix,
  // or a Deny narrowed by hand): the later statement is not covered, which inventory and verify must say.
  const narrowed = JSON.parse(JSON.stringify(template));
  const role = Object.values(narrowed.Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Role')!;
  const statements: any[] = role.Properties.AssumeRolePolicyDocument.Statement;
  const deny = statements.find((s) => s.Sid === 'KeylessRevoked');
  Object.assign(deny, { Principal: statements[0].Principal, Action: 'sts:AssumeRoleWithWebIdentity' });
  const narrowedDir = write(narrowed, {});

  // Fixed finding: KeylessRevoked denied only the principals known at construction (awsRevokedTrustStatement), so a trust
  // statement added later (escape hatch, an aspect, a hand edit) still issued sessions after the moment. It now denies every
  // trust action to every principal (`"Principal": "*"`).
  test('GIVEN a revoked role whose trust gained an AssumeRole statement WHEN the deployer assumes it after the moment THEN refused', () => {
    expect(deny).toBeDefined();
    expect(humanAssumeRoleAllowed(template, 'payments-deploy', { principal: DEPLOYER, currentTime: '2026-12-04T00:00:00Z' })).toBe(false);
    // Control: the narrowed Deny lets the deployer in, so the check above is the fix, not the evaluator.
    expect(humanAssumeRoleAllowed(narrowed, 'payments-deploy', { principal: DEPLOYER, currentTime: '2026-12-04T00:00:00Z' })).toBe(true);
  });

  // Fixed finding: verify evaluated only the OIDC tokens and reported the role `revoked` with no problem while another
  // principal still assumed it. A revoked role whose trust is not wholly denied is now `broken`, with the gap named.
  test('GIVEN the role with the narrowed Deny WHEN verified THEN it is broken and the problem names the gap', () => {
    const found = (d: string) => verify(readSynthesizedOutput([d])).trusts.find((t) => t.id === 'aws:role:payments-deploy')!;
    expect([found(narrowedDir).verdict, found(narrowedDir).problems]).toEqual(['broken', [
      `revoked at ${MOMENT} (${REVOKED.reason}) but its trust still admits an assumption that no unconditional Deny covers (a statement added after the revocation?): re-deploy the revocation`,
    ]]);
    expect([found(dir).verdict, found(dir).problems]).toEqual(['revoked', []]);
  });

  // Fixed finding: the inventory listed the surviving principal as `(revoked …)` although no Deny covered it.
  test('GIVEN the role with the narrowed Deny WHEN inventoried THEN the principal no Deny covers is not marked revoked; the OIDC subject is', () => {
    const subjects = (d: string) => inventoryOf(d).identities.find((r) => r.id === 'aws:role:payments-deploy')!.trustedSubjects.map((s) => s.text);
    expect(subjects(narrowedDir)).toEqual([
      `aws ${DEPLOYER}`,
      `oidc token.actions.githubusercontent.com sub=repo:acme/payments-api:ref:refs/heads/main aud=sts.amazonaws.com repository_id=86301532 (revoked ${MOMENT})`,
    ]);
    expect(subjects(dir)[0]).toBe(`aws ${DEPLOYER} (revoked ${MOMENT})`);
  });

  test('held: the inventory warns that the narrowed role still admits an assumption, and not when the Deny covers every principal', () => {
    const warned = (d: string) => inventoryOf(d).warnings.filter((w) => /is tagged keyless:revoked=2026-12-03T10:15:00Z but its trust still admits an assumption/.test(w));
    expect([warned(narrowedDir).length, warned(dir).length]).toEqual([1, 0]);
  });
});

describe('AWS: permissions added by the user do not survive for sessions issued before the moment (held)', () => {
  const stack = awsStack();
  const trust = new AwsCiOidcTrust(stack, 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source, revoked: REVOKED });
  trust.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::acme-artifacts/*'] }));
  const template = Template.fromStack(stack).toJSON();
  const get = (issuedAt: string) => ({ action: 's3:GetObject', resource: 'arn:aws:s3:::acme-artifacts/app/build.zip', context: { 'aws:TokenIssueTime': issuedAt } });
  // A bucket policy granting the role ARN: a resource-based Allow, which the identity policy's explicit Deny still overrides.
  const bucketPolicy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/payments-deploy` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-artifacts/*' }],
  };

  test('GIVEN an addToPrincipalPolicy grant and a bucket policy naming the role WHEN a session issued before the moment reads THEN denied', async () => {
    const decision = await evaluatePermission(template, 'payments-deploy', get('2026-12-03T09:00:00Z'), { resourcePolicy: bucketPolicy, resourceAccount: ACCOUNT });
    expect(decision).toEqual({ allowed: false, identityAllows: false });
    // Control: the same request from a session issued after the moment is allowed by the policies (none can be issued).
    const later = await evaluatePermission(template, 'payments-deploy', get('2026-12-03T11:00:00Z'), { resourcePolicy: bucketPolicy, resourceAccount: ACCOUNT });
    expect(later.allowed).toBe(true);
  });
});

describe('GCP: a revoked GKE identity with direct access', () => {
  const gcp = tfStack('gcp');
  const gke = new GkeWorkloadIdentity(gcp, 'Gke', {
    name: 'payments-api', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'api' }, project: 'acme-payments-prod', projectNumber: '412345678901', access: 'direct', revoked: REVOKED,
  });
  // A role the user granted to `member` (the construct's documented way to grant): it stays after revocation (documented).
  new StorageBucketIamMember(gcp, 'UserGrant', { bucket: 'acme-artifacts', role: 'roles/storage.objectViewer', member: gke.member });
  const dir = write(undefined, { gcp: tfJson(gcp) });

  // Fixed finding: with direct access nothing carried the revocation marker (it was written only into the Google service
  // account's description), so `revokedIdentities` missed the identity. A terraform_data marker now names the principal.
  test('GIVEN the revoked identity WHEN inventoried THEN it is listed as revoked, when and why', () => {
    const inventory = inventoryOf(dir);
    expect(inventory.metrics.revokedIdentities.count).toBe(1);
    const principal = inventory.identities.find((r) => r.id.endsWith('/subject/ns/payments/sa/api'))!;
    expect(principal.revoked).toEqual({ at: MOMENT, reason: REVOKED.reason });
  });

  // Fixed finding: verify reported the surviving binding of the revoked principal `sound`; the marker now revokes its trusts (`broken` while a
  // grant outside Keyless still admits the pod).
  test('GIVEN the revoked identity WHEN verified THEN its surviving binding is not reported sound', () => {
    const report = verify(readSynthesizedOutput([dir]));
    const trust = report.trusts.find((t) => t.id.startsWith('gcp:gke:acme-payments-prod.svc.id.goog[payments/api]'))!;
    expect(trust.verdict).not.toBe('sound');
  });
});

describe('GCP: a revoked CI trust with direct access and a user grant (held)', () => {
  const gcp = tfStack('gcp');
  const trust = new GcpCiOidcTrust(gcp, 'Trust', {
    name: 'payments-deploy', ownership: OWNERSHIP, source, project: 'acme-payments-prod', projectNumber: '412345678901', poolId: 'ci-github', access: 'direct', revoked: REVOKED,
  });
  new StorageBucketIamMember(gcp, 'UserGrant', { bucket: 'acme-artifacts', role: 'roles/storage.objectAdmin', member: trust.members[0] });
  const dir = write(undefined, { gcp: tfJson(gcp) });

  test('GIVEN the disabled provider WHEN verified THEN the grant admits no legitimate token and the trust is revoked', () => {
    const report = verify(readSynthesizedOutput([dir]));
    const found = report.trusts.find((t) => t.id.startsWith('gcp:ci-github/payments-deploy->'))!;
    expect([found.verdict, found.counts.legitimateAdmitted, found.problems]).toEqual(['revoked', 0, []]);
  });
});

describe('Azure: a role assignment made with principalId survives the revocation', () => {
  const azure = tfStack('azure');
  const trust = new AzureCiOidcTrust(azure, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source, resourceGroupName: 'rg-identity', location: 'westeurope', revoked: REVOKED });
  new RoleAssignment(azure, 'UserAssignment', { scope: SUBSCRIPTION_RG, roleDefinitionName: 'Contributor', principalId: trust.principalId });
  const dir = write(undefined, { azure: tfJson(azure) });

  // Only assignRole's assignments are withheld; one made with `principalId` stays and keeps working for the Entra tokens
  // already issued (about 24 hours), undocumented on the prop, and the inventory reports the identity revoked with no warning.
  test('GIVEN the revoked identity still assigned Contributor WHEN inventoried THEN a warning names the surviving assignment', () => {
    const inventory = inventoryOf(dir);
    expect(inventory.identities.find((r) => r.id === 'azure:user-assigned-identity:rg-identity/payments-deploy')!.revoked).toEqual({ at: MOMENT, reason: REVOKED.reason });
    expect(inventory.warnings.filter((w) => /revoked/.test(w) && /Contributor|role assignment/.test(w))).toHaveLength(1);
  });
});

describe('malformed revocations fail with Keyless errors (held)', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['null', null, /^\[KL-REVOKE-INVALID\] Platform\/Deploy: `revoked` is null/],
    ['a string', 'yes', /^\[KL-REVOKE-INVALID\] Platform\/Deploy: `revoked` is "yes"/],
    ['an extra field', { sessionsIssuedBefore: MOMENT, reason: 'INC-1 leak', until: MOMENT }, /^\[KL-REVOKE-INVALID\] Platform\/Deploy: `revoked.until`/],
    ['a fractional moment', { sessionsIssuedBefore: '2026-12-03T10:15:00.000Z', reason: 'INC-1 leak' }, /^\[KL-REVOKE-MOMENT\] Platform\/Deploy: `revoked.sessionsIssuedBefore`/],
    ['an offset moment', { sessionsIssuedBefore: '2026-12-03T10:15:00+01:00', reason: 'INC-1 leak' }, /^\[KL-REVOKE-MOMENT\]/],
    ['February 30', { sessionsIssuedBefore: '2026-02-30T10:15:00Z', reason: 'INC-1 leak' }, /^\[KL-REVOKE-MOMENT\]/],
    ['a reason with a semicolon', { sessionsIssuedBefore: MOMENT, reason: 'INC-1; owner=mallory' }, /^\[KL-REVOKE-REASON\] Platform\/Deploy: `revoked.reason`/],
  ];
  test.each(cases)('GIVEN %s WHEN an AWS CI trust is created THEN a Keyless error', (_, revoked, error) => {
    expect(() => new AwsCiOidcTrust(awsStack(), 'Deploy', { name: 'payments-deploy', ownership: OWNERSHIP, source, revoked: revoked as Revocation })).toThrow(error);
  });
});
