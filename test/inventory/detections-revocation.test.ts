import { diffInventories } from '../../src/inventory/diff';
import { diffMarkdown } from '../../src/inventory/diff-report';
import { IdentityRecord, Inventory } from '../../src/inventory/model';
import { buildInventory } from '../../src/inventory/records';
import { inventoryCsv, inventoryMarkdown } from '../../src/inventory/report';
import { diffSarif } from '../../src/inventory/sarif';
import type { NeutralResource } from '../../src/synth/model';

/**
 * Detections and revocation as the inventory reads them (issue 19), over hand-built output that follows the plan's
 * output contract: a CloudFormation template (roles, EventBridge rules, the KeylessRevoked trust Deny and the
 * keyless-revoked session policy), Terraform JSON for GCP (provider, service accounts, log-based metric, alert
 * policies) and Azure (user-assigned identities, federated credentials, a scheduled query rule).
 */
const TODAY = '2026-11-22';
const MOMENT = '2026-12-03T10:15:00Z';
const REASON = 'INC-4711 runner token leaked';
const CFN = 'aws/app.template.json';
const TF_GCP = 'terraform/gcp/cdk.tf.json';
const TF_AZURE = 'terraform/azure/cdk.tf.json';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:security-alerts';
const ACTION_GROUP = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/security/providers/microsoft.insights/actionGroups/soc';

const cfn = (id: string, type: string, properties: any): NeutralResource => ({ format: 'cloudformation', file: CFN, type, id, properties });
const tf = (file: string, type: string, name: string, properties: any): NeutralResource => ({ format: 'terraform', file, type, id: `${type}.${name}`, properties });

const GITHUB = { Ref: 'GithubProvider' };
const assume = (sub: string) => ({
  Effect: 'Allow',
  Principal: { Federated: GITHUB },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub } },
});
// The contract's revocation: the same principal and actions denied (Sid KeylessRevoked), and sessions issued before the moment denied everything.
const REVOKED_TRUST = { Sid: 'KeylessRevoked', Effect: 'Deny', Principal: { Federated: GITHUB }, Action: 'sts:AssumeRoleWithWebIdentity' };
const REVOKED_SESSIONS = { Sid: 'KeylessRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': MOMENT } } };

function role(id: string, name: string, options: { tags?: Record<string, string>; deny?: boolean; policies?: any[] } = {}): NeutralResource {
  const tags = { 'keyless:owner': 'platform', 'keyless:tier': '1', ...options.tags };
  return cfn(id, 'AWS::IAM::Role', {
    RoleName: name,
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [assume(`repo:acme/${name}:environment:production`), ...(options.deny ? [REVOKED_TRUST] : [])] },
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    ...(options.policies ? { Policies: options.policies } : {}),
  });
}

/** The one EventBridge rule of the contract: the role's STS calls, refused or from a foreign subject, to the SNS topic. */
function rule(id: string, roleArn: unknown, options: { state?: string; targets?: boolean } = {}): NeutralResource {
  return cfn(id, 'AWS::Events::Rule', {
    Description: 'Keyless detections for role R: refused and foreign AssumeRoleWithWebIdentity',
    State: options.state ?? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    EventPattern: {
      'source': ['aws.sts'],
      'detail-type': ['AWS API Call via CloudTrail'],
      'detail': {
        eventSource: ['sts.amazonaws.com'],
        eventName: ['AssumeRoleWithWebIdentity'],
        requestParameters: { roleArn: [roleArn] },
        $or: [{ errorCode: [{ exists: true }] }, { userIdentity: { userName: [{ 'anything-but': ['repo:acme/app:environment:production'] }] } }],
      },
    },
    ...(options.targets === false ? {} : { Targets: [{ Arn: TOPIC, Id: 'Target0' }] }),
  });
}

function awsResources(revokeDeploy = false, optOutDeploy = false): NeutralResource[] {
  return [
    cfn('GithubProvider', 'AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] }),
    role('DeployRole', 'app', {
      deny: revokeDeploy,
      tags: {
        ...(revokeDeploy ? { 'keyless:revoked': MOMENT, 'keyless:revoked-reason': REASON } : {}),
        ...(optOutDeploy ? { 'keyless:detections-opt-out': 'watched by the SOC CloudTrail rules SEC-881' } : {}),
      },
    }),
    ...(revokeDeploy ? [cfn('DeployRevoked', 'AWS::IAM::Policy', { PolicyName: 'keyless-revoked', Roles: [{ Ref: 'DeployRole' }], PolicyDocument: { Statement: [REVOKED_SESSIONS] } })] : []),
    ...(optOutDeploy ? [] : [rule('DeployDetections', { 'Fn::GetAtt': ['DeployRole', 'Arn'] })]),
    // Revoked by the constructs: tags, the trust's Deny, the keyless-revoked policy; watched through a literal ARN.
    role('OldRole', 'old', { deny: true, tags: { 'keyless:revoked': MOMENT, 'keyless:revoked-reason': REASON } }),
    cfn('OldRevoked', 'AWS::IAM::Policy', { PolicyName: 'keyless-revoked', Roles: [{ Ref: 'OldRole' }], PolicyDocument: { Statement: [REVOKED_SESSIONS] } }),
    rule('OldDetections', 'arn:aws:iam::123456789012:role/old'),
    // Revoked by hand: no tags, the same Deny and an inline session policy; its rule is disabled.
    role('HandRole', 'hand', { deny: true, policies: [{ PolicyName: 'revoke-sessions', PolicyDocument: { Statement: [REVOKED_SESSIONS] } }] }),
    rule('HandDetections', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/', { Ref: 'HandRole' }]] }, { state: 'DISABLED' }),
    // A trust Deny alone leaves issued sessions valid: not revoked.
    role('DenyOnlyRole', 'deny-only', { deny: true }),
    role('NoTargetRole', 'no-target'),
    rule('NoTargetDetections', { 'Fn::GetAtt': ['NoTargetRole', 'Arn'] }, { targets: false }),
    role('EnabledRole', 'enabled'),
    rule('EnabledDetections', { 'Fn::GetAtt': ['EnabledRole', 'Arn'] }, { state: 'ENABLED' }),
    role('OptOutRole', 'opt-out', { tags: { 'keyless:detections-opt-out': 'watched by the SOC CloudTrail rules SEC-881' } }),
    role('UnwatchedRole', 'unwatched'),
  ];
}

const POOL = 'projects/123456789/locations/global/workloadIdentityPools/ci-pool';
function gcpResources(): NeutralResource[] {
  return [
    tf(TF_GCP, 'google_iam_workload_identity_pool', 'ci', { workload_identity_pool_id: 'ci-pool', project: 'acme-prod' }),
    tf(TF_GCP, 'google_iam_workload_identity_pool_provider', 'github', {
      project: 'acme-prod',
      workload_identity_pool_id: '${google_iam_workload_identity_pool.ci.workload_identity_pool_id}',
      workload_identity_pool_provider_id: 'github',
      description: 'owner=platform; tier=1',
      attribute_mapping: { 'google.subject': 'assertion.sub' },
      attribute_condition: "assertion.sub == 'repo:acme/app:ref:refs/heads/main'",
      oidc: { issuer_uri: 'https://token.actions.githubusercontent.com' },
    }),
    tf(TF_GCP, 'google_service_account', 'deploy', { account_id: 'deploy', project: 'acme-prod', description: 'owner=platform; tier=1' }),
    tf(TF_GCP, 'google_service_account_iam_member', 'deploy_wif', {
      service_account_id: '${google_service_account.deploy.name}',
      role: 'roles/iam.workloadIdentityUser',
      member: `principal://iam.googleapis.com/${POOL}/subject/repo:acme/app:ref:refs/heads/main`,
    }),
    // Revoked: its binding is not rendered, the description carries the moment and the reason.
    tf(TF_GCP, 'google_service_account', 'old', {
      account_id: 'old', project: 'acme-prod', disabled: true, description: `owner=platform; tier=1; revoked=${MOMENT}; revoked-reason=${REASON}`,
    }),
    // Refused exchanges at the provider: the metric's filter names it, the alert reads the metric by reference.
    tf(TF_GCP, 'google_logging_metric', 'refused', {
      name: 'keyless-refused-exchange-github',
      filter: 'protoPayload.serviceName="sts.googleapis.com" AND protoPayload.status.code!=0 AND '
        + 'protoPayload.request.audience:"//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/ci-pool/providers/github"',
    }),
    tf(TF_GCP, 'google_monitoring_alert_policy', 'refused', {
      display_name: 'Keyless detections for ci-pool/github: refused exchange',
      combiner: 'OR',
      user_labels: { 'keyless-identity': 'ci-pool_github', 'keyless-detection': 'refused-exchange' },
      notification_channels: ['projects/acme-sec/notificationChannels/123'],
      conditions: [{ display_name: 'refused', condition_threshold: { filter: 'metric.type="logging.googleapis.com/user/${google_logging_metric.refused.name}"', comparison: 'COMPARISON_GT' } }],
    }),
    // Foreign impersonation of the service account: labelled, but disabled.
    tf(TF_GCP, 'google_monitoring_alert_policy', 'foreign', {
      display_name: 'Keyless detections for deploy: foreign impersonation',
      enabled: false,
      user_labels: { 'keyless-identity': 'deploy', 'keyless-detection': 'foreign-impersonation' },
      notification_channels: ['projects/acme-sec/notificationChannels/123'],
      conditions: [{ display_name: 'foreign', condition_matched_log: { filter: 'protoPayload.methodName="GenerateAccessToken"' } }],
    }),
  ];
}

function azureResources(): NeutralResource[] {
  const uai = (name: string, tags: Record<string, string>) => tf(TF_AZURE, 'azurerm_user_assigned_identity', name, {
    name, resource_group_name: 'rg-ci', location: 'westeurope', tags: { 'keyless-owner': 'platform', 'keyless-tier': '1', ...tags },
  });
  const fic = (name: string) => tf(TF_AZURE, 'azurerm_federated_identity_credential', name, {
    name,
    resource_group_name: 'rg-ci',
    parent_id: `\${azurerm_user_assigned_identity.${name}.id}`,
    issuer: 'https://token.actions.githubusercontent.com',
    subject: 'repo:acme/app:environment:production',
    audience: ['api://AzureADTokenExchange'],
  });
  return [
    uai('deploy', {}), fic('deploy'),
    tf(TF_AZURE, 'azurerm_monitor_scheduled_query_rules_alert_v2', 'deploy', {
      name: 'keyless-refused-sign-in-deploy',
      enabled: true,
      tags: { 'keyless-identity': 'rg-ci/deploy', 'keyless-detection': 'refused-sign-in' },
      criteria: [{ query: 'AADManagedIdentitySignInLogs\n| where ResultType != "0"' }],
      action: { action_groups: [ACTION_GROUP] },
    }),
    uai('nows', { 'keyless-detections': 'no-workspace' }), fic('nows'),
    // Revoked: no federated credential rendered.
    uai('old', { 'keyless-revoked': MOMENT, 'keyless-revoked-reason': REASON }),
  ];
}

function inventoryOf(resources: NeutralResource[]): Inventory {
  const files = [...new Set(resources.map((r) => r.file))].map((file) => ({ file, format: file.endsWith('.template.json') ? 'cloudformation' : 'terraform' }));
  return buildInventory({ resources, files, warnings: [] }, { today: TODAY });
}

describe('revocation and detections in the inventory', () => {
  const inventory = inventoryOf([...awsResources(), ...gcpResources(), ...azureResources()]);
  const record = (id: string): IdentityRecord => {
    const found = inventory.identities.find((r) => r.id === id);
    if (!found) throw new Error(`no record ${id}: ${inventory.identities.map((r) => r.id).join(', ')}`);
    return found;
  };

  test('revoked: AWS by tags (with the trust Deny and the session policy) and by hand; GCP description; Azure tags', () => {
    const revoked = { at: MOMENT, reason: REASON };
    expect(record('aws:role:old').revoked).toEqual(revoked);
    expect(record('aws:role:hand').revoked).toEqual({ at: MOMENT, reason: 'not declared (the trust denies every assumption, and sessions issued before it are denied)' });
    expect(record('gcp:service-account:old@acme-prod.iam.gserviceaccount.com').revoked).toEqual(revoked);
    expect(record('azure:user-assigned-identity:rg-ci/old').revoked).toEqual(revoked);
    expect(record('aws:role:app').revoked).toBeNull();
    // A trust Deny alone is not a revocation: sessions already issued stay valid, and the inventory says so.
    expect(record('aws:role:deny-only').revoked).toBeNull();
    expect(inventory.warnings).toContain(`${CFN}:DenyOnlyRole: the trust denies every assumption but no policy denies sessions already issued (aws:TokenIssueTime): not read as revoked`);
  });

  test('a revoked identity keeps its trusted subjects, each with the `revoked AT` condition', () => {
    const subjects = record('aws:role:old').trustedSubjects;
    expect(subjects.map((s) => s.text)).toEqual([
      `oidc token.actions.githubusercontent.com sub=repo:acme/old:environment:production aud=sts.amazonaws.com (revoked ${MOMENT})`,
    ]);
    expect(subjects[0].conditions).toEqual([{ text: `revoked ${MOMENT}`, operator: 'revoked', key: 'keyless:revoked', values: [MOMENT] }]);
    expect(record('aws:role:app').trustedSubjects.map((s) => s.text)).toEqual([
      'oidc token.actions.githubusercontent.com sub=repo:acme/app:environment:production aud=sts.amazonaws.com',
    ]);
    // GCP and Azure render no binding or credential for a revoked identity: nothing is left to list.
    expect(record('azure:user-assigned-identity:rg-ci/old').trustedSubjects).toEqual([]);
  });

  test('detections: watched, opted out, missing with the reason', () => {
    const detections = (id: string) => record(id).attributes.detections;
    expect(detections('aws:role:app')).toBe(`watched: ${CFN}:DeployDetections`);
    expect(detections('aws:role:old')).toBe(`watched: ${CFN}:OldDetections`);
    expect(detections('aws:role:hand')).toBe('missing: rule HandDetections is DISABLED');
    expect(detections('aws:role:no-target')).toBe('missing: rule NoTargetDetections has no target');
    expect(detections('aws:role:enabled')).toBe('missing: rule EnabledDetections is ENABLED, which does not receive read-only CloudTrail management events '
      + '(sts:AssumeRoleWithWebIdentity): needs ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(detections('aws:role:opt-out')).toBe('opted-out: watched by the SOC CloudTrail rules SEC-881');
    expect(detections('aws:role:unwatched')).toBe('missing');
    expect(detections('gcp:workload-identity-provider:acme-prod/ci-pool/github'))
      .toBe(`watched: ${TF_GCP}:google_logging_metric.refused, ${TF_GCP}:google_monitoring_alert_policy.refused`);
    expect(detections('gcp:service-account:deploy@acme-prod.iam.gserviceaccount.com')).toBe('missing: alert policy google_monitoring_alert_policy.foreign is disabled');
    expect(detections('azure:user-assigned-identity:rg-ci/deploy')).toBe(`watched: ${TF_AZURE}:azurerm_monitor_scheduled_query_rules_alert_v2.deploy`);
    expect(detections('azure:user-assigned-identity:rg-ci/nows')).toBe('missing: no Log Analytics workspace');
    // A revoked identity with no credential left is still one to watch (an attempt to use it should alert): none here.
    expect(detections('gcp:service-account:old@acme-prod.iam.gserviceaccount.com')).toBe('missing');
    expect(detections('azure:user-assigned-identity:rg-ci/old')).toBe('missing');
    // Not federated: no detections state (a Kubernetes ServiceAccount or a static credential would not have one either).
    expect(record('azure:user-assigned-identity:rg-ci/old').credentialType).toBe('unknown');
  });

  test('metrics: identities with detections and revoked identities', () => {
    expect(inventory.metrics.identitiesWithDetections).toEqual({
      // 8 AWS roles, the GCP provider and 2 service accounts, 3 Azure identities; watched: app, old, the provider, Azure deploy.
      watched: 4,
      total: 14,
      ratio: 0.2857,
      optedOutIds: ['aws:role:opt-out'],
      missingIds: [
        'aws:role:deny-only', 'aws:role:enabled', 'aws:role:hand', 'aws:role:no-target', 'aws:role:unwatched',
        'azure:user-assigned-identity:rg-ci/nows', 'azure:user-assigned-identity:rg-ci/old',
        'gcp:service-account:deploy@acme-prod.iam.gserviceaccount.com', 'gcp:service-account:old@acme-prod.iam.gserviceaccount.com',
      ],
    });
    expect(inventory.metrics.revokedIdentities).toEqual({
      count: 4,
      ids: ['aws:role:hand', 'aws:role:old', 'azure:user-assigned-identity:rg-ci/old', 'gcp:service-account:old@acme-prod.iam.gserviceaccount.com'],
    });
  });

  test('Markdown: both metrics, the revoked identities with when and why, each identity\'s detections', () => {
    const markdown = inventoryMarkdown(inventory);
    expect(markdown).toContain('| Identities with detections | 4 of 14 federated identities are watched for refused and foreign assumptions (28.57%); 1 opted out (`aws:role:opt-out`); '
      + '9 missing (`aws:role:deny-only`, `aws:role:enabled`, `aws:role:hand`, `aws:role:no-target`, `aws:role:unwatched`, `azure:user-assigned-identity:rg-ci/nows`, '
      + '`azure:user-assigned-identity:rg-ci/old`, `gcp:service-account:deploy@acme-prod.iam.gserviceaccount.com`, '
      + '`gcp:service-account:old@acme-prod.iam.gserviceaccount.com`) |');
    expect(markdown).toContain('| Revoked identities | 4: `aws:role:hand`, `aws:role:old`, `azure:user-assigned-identity:rg-ci/old`, `gcp:service-account:old@acme-prod.iam.gserviceaccount.com` |');
    expect(markdown).toContain([
      '## Revoked identities', '', '| identity | revoked at | reason |', '|---|---|---|',
      `| \`aws:role:hand\` | ${MOMENT} | not declared (the trust denies every assumption, and sessions issued before it are denied) |`,
      `| \`aws:role:old\` | ${MOMENT} | ${REASON} |`,
      `| \`azure:user-assigned-identity:rg-ci/old\` | ${MOMENT} | ${REASON} |`,
      `| \`gcp:service-account:old@acme-prod.iam.gserviceaccount.com\` | ${MOMENT} | ${REASON} |`,
    ].join('\n'));
    expect(markdown).toContain(`**Revoked** at ${MOMENT}: ${REASON}. Every subject below is refused.\n\nDetections: \`watched: ${CFN}:OldDetections\`.`);
    // The flags column (the roles also lack an environment and a review-by date: 2 ownership findings each).
    const flags = (id: string) => markdown.split('\n').find((l) => l.startsWith(`| \`${id}\` |`))!.split(' | ').pop();
    expect(flags('aws:role:old')).toBe(`2 findings, revoked ${MOMENT} |`);
    expect(flags('aws:role:unwatched')).toBe('2 findings, not watched |');
    expect(flags('aws:role:opt-out')).toBe('2 findings, detections opted out |');
    expect(flags('aws:role:app')).toBe('2 findings |');
  });

  test('CSV: revoked and detections columns', () => {
    const [header, ...rows] = inventoryCsv(inventory).split('\r\n');
    const columns = header.split(',');
    expect(columns.slice(columns.indexOf('review_overdue') + 1, columns.indexOf('findings'))).toEqual(['revoked', 'detections']);
    const old = rows.find((r) => r.startsWith('aws:role:old,'))!;
    expect(old).toContain(`,${MOMENT} ${REASON},watched: ${CFN}:OldDetections,`);
  });

  test('linear: 2,000 roles and their rules read in well under the time a pairwise scan would take', () => {
    const many: NeutralResource[] = [cfn('GithubProvider', 'AWS::IAM::OIDCProvider', { Url: 'https://token.actions.githubusercontent.com' })];
    for (let i = 0; i < 2000; i++) many.push(role(`Role${i}`, `role-${i}`), rule(`Rule${i}`, { 'Fn::GetAtt': [`Role${i}`, 'Arn'] }));
    const big = inventoryOf(many);
    expect(big.metrics.identitiesWithDetections.watched).toBe(2000);
    expect(big.identities.find((r) => r.id === 'aws:role:role-1999')!.attributes.detections).toBe(`watched: ${CFN}:Rule1999`);
  });
});

describe('keyless diff: revocation narrows, un-revoking widens, lost detections are a weakening to review', () => {
  const active = inventoryOf(awsResources(false));
  const revoked = inventoryOf(awsResources(true));
  const optedOut = inventoryOf(awsResources(false, true));

  test('revoking is one narrowing: no trust change listed, the session policy is a deny added', () => {
    const diff = diffInventories(active, revoked);
    expect(diff.summary).toEqual({ added: 0, removed: 0, broadened: 0, narrowed: 1, changed: 0, unchanged: 7 });
    const change = diff.identities[0];
    expect([change.id, change.status]).toEqual(['aws:role:app', 'narrowed']);
    expect(change.changes.map((c) => [c.type, c.direction, c.text])).toEqual([
      ['identity-revoked', 'narrowing', `revoked at ${MOMENT} (${REASON})`],
      ['permission-narrowed', 'narrowing', `now denied: deny * on * when aws:TokenIssueTime<${MOMENT}`],
      ['attribute-changed', 'neutral', 'trustDenies set to yes'],
    ]);
    expect(diffMarkdown(diff)).toContain(`- Revoked: revoked at ${MOMENT} (${REASON})\n`);
    expect((diffSarif(diff) as any).runs[0].results).toEqual([]);
  });

  test('un-revoking is a broadening, reported once (its subjects are not listed again as new)', () => {
    const diff = diffInventories(revoked, active);
    expect(diff.summary.broadened).toBe(1);
    const change = diff.identities[0];
    expect(change.changes.map((c) => [c.type, c.direction, c.text])).toEqual([
      ['identity-unrevoked', 'broadening', `no longer revoked (was revoked at ${MOMENT} (${REASON}))`],
      ['permission-broadened', 'broadening', `no longer denied: deny * on * when aws:TokenIssueTime<${MOMENT}`],
      ['attribute-changed', 'neutral', 'trustDenies removed (was yes)'],
    ]);
    expect(diffMarkdown(diff)).toContain(`- **No longer revoked**: no longer revoked (was revoked at ${MOMENT} (${REASON}))\n`);
    const results = (diffSarif(diff) as any).runs[0].results;
    expect(results.map((r: any) => [r.ruleId, r.message.text])).toEqual([
      ['KL-D-REVOCATION-REMOVED', `AWS IAM role app: no longer revoked (was revoked at ${MOMENT} (${REASON})) (revocation removed)`],
      ['KL-D-PERMISSION-BROADENED', `AWS IAM role app: no longer denied: deny * on * when aws:TokenIssueTime<${MOMENT} (deny removed)`],
    ]);
  });

  test('opting out of detections: detections-removed, a weakening (less oversight), not a trust broadening; opting back in narrows', () => {
    const diff = diffInventories(active, optedOut);
    const change = diff.identities[0];
    expect(change.changes.map((c) => [c.type, c.direction, c.text, c.reasons])).toEqual([
      ['detections-removed', 'broadening',
        `no longer watched for refused and foreign assumptions: opted-out: watched by the SOC CloudTrail rules SEC-881 (was watched: ${CFN}:DeployDetections)`,
        ['detections opted out']],
    ]);
    expect(diffMarkdown(diff)).toContain(`- **Detections removed**: no longer watched: \`opted-out: watched by the SOC CloudTrail rules SEC-881\` (was \`watched: ${CFN}:DeployDetections\`; detections opted out)\n`);
    expect((diffSarif(diff) as any).runs[0].results.map((r: any) => r.ruleId)).toEqual(['KL-D-DETECTIONS-REMOVED']);
    const back = diffInventories(optedOut, active).identities[0];
    expect(back.status).toBe('narrowed');
    expect(back.changes.map((c) => [c.type, c.direction, c.text])).toEqual([
      ['detections-added', 'narrowing', `now watched: ${CFN}:DeployDetections (was opted-out: watched by the SOC CloudTrail rules SEC-881)`],
    ]);
  });

  test('the revocation moment moved earlier is a broadening (sessions in between no longer denied); later narrows', () => {
    const at = (moment: string) => inventoryOf(awsResources(true).map((r) => (r.id !== 'DeployRole' ? r : {
      ...r, properties: { ...r.properties, Tags: r.properties.Tags.map((t: any) => (t.Key === 'keyless:revoked' ? { ...t, Value: moment } : t)) },
    })));
    const earlier = diffInventories(at('2026-12-03T10:15:00Z'), at('2026-12-01T00:00:00Z')).identities[0].changes.find((c) => c.type === 'revocation-changed')!;
    expect([earlier.direction, earlier.text]).toEqual(['broadening',
      'revocation moment moved from 2026-12-03T10:15:00Z to 2026-12-01T00:00:00Z (sessions issued in between are no longer denied)']);
    const later = diffInventories(at('2026-12-01T00:00:00Z'), at('2026-12-03T10:15:00Z')).identities[0].changes.find((c) => c.type === 'revocation-changed')!;
    expect([later.direction, later.text]).toEqual(['narrowing', 'revocation moment moved from 2026-12-01T00:00:00Z to 2026-12-03T10:15:00Z']);
  });
});
