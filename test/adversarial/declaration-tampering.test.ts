/**
 * Attacks on the declaration itself, found by trying to break the issue-12 fixes: text Terraform rewrites (Unicode
 * normalization), look-alike objects Keyless did not make, getters that answer validation and rendering differently,
 * deploy-time cluster names, transliteration into token markers, and construct-id collisions. Each is refused with a
 * KL error or neutralized, and the synthesized trust is evaluated where it matters.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { App, CfnParameter, Stack } from 'aws-cdk-lib/core';
import { TerraformStack, Testing } from 'cdktf';
import { awsTrustKeyAudit } from './aws-trust-keys';
import * as aws from '../../src/constructs/aws';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { GitHubActions, GitLabCi, ICiSource } from '../../src/core';
import { assumeRoleWithWebIdentityAllowed } from '../helpers/aws-trust-evaluator';
import { DETECTION_ROUTES } from '../helpers/synth';
import { githubToken, PAYMENTS as PAYMENTS_IDS } from '../helpers/tokens';

const TODAY = '2026-11-22';
const OWNERSHIP = { owner: 'team-payments', purpose: 'deploy payments-api from CI', environment: 'production', tier: 1, reviewBy: '2027-04-30' } as const;
const awsStack = () => new Stack(new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Platform');
const tfStack = () => new TerraformStack(Testing.app({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'platform');
const gcpCommon = { ownership: OWNERSHIP, project: 'acme-payments-prod', projectNumber: '412345678901' };
/** The repository with its ids, emitting the name-based subject; the tokens below are name-based. */
const PAYMENTS = { ...PAYMENTS_IDS, subjectFormat: 'name-based' } as const;
const audit = awsTrustKeyAudit();

describe('text Terraform would rewrite is refused where it decides security', () => {
  // Terraform normalizes every string to NFC: "cafe\u0301" (e + combining acute) would be written as "caf\u00e9",
  // a different git branch, which whoever can push that look-alike branch could then use.
  const decomposed = 'release-cafe\u0301';
  test('a branch not in NFC (GCP and Azure trusts)', () => {
    const message = `[KL-LITERAL-UNICODE] platform/Trust: \`source.branches[0]\` is "${decomposed}", which is not in Unicode Normalization Form C: it decides which CI runs are trusted`;
    expect(() => new gcp.CiOidcTrust(tfStack(), 'Trust', { ...gcpCommon, name: 'payments-deploy', source: GitHubActions.repository({ ...PAYMENTS, branches: [decomposed] }) }))
      .toThrow(message);
    expect(() => new azure.CiOidcTrust(tfStack(), 'Trust', {
      name: 'payments-deploy', ownership: OWNERSHIP, resourceGroupName: 'rg-ci', location: 'westeurope', source: GitHubActions.repository({ ...PAYMENTS, branches: [decomposed] }),
    })).toThrow(message);
  });
  test('the message gives the composed form to use', () => {
    expect(() => new gcp.CiOidcTrust(tfStack(), 'Trust', { ...gcpCommon, name: 'payments-deploy', source: GitHubActions.repository({ ...PAYMENTS, branches: [decomposed] }) }))
      .toThrow('Fix: write it in composed form, "release-caf\u00e9" (`value.normalize("NFC")`), exactly as the token or object name carries it.');
    // The composed form is accepted.
    expect(() => new gcp.CiOidcTrust(tfStack(), 'Trust', { ...gcpCommon, name: 'payments-deploy', source: GitHubActions.repository({ ...PAYMENTS, branches: ['release-caf\u00e9'] }) }))
      .not.toThrow();
  });
  test('a blob prefix not in NFC, and an unpaired surrogate', () => {
    const publisher = (prefix: string) => new azure.ScopedPublisherRole(tfStack(), 'Publisher', {
      name: 'payments-publish',
      ownership: OWNERSHIP,
      resourceGroupName: 'rg-ci',
      location: 'westeurope',
      source: GitHubActions.repository({ ...PAYMENTS, branches: ['main'] }),
      target: azure.AzurePublishTarget.blobContainer({
        storageAccountId: '/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acme', container: 'releases', prefix,
      }),
    });
    expect(() => publisher('cafe\u0301')).toThrow('[KL-LITERAL-UNICODE] platform/Publisher: `target.prefix` is "cafe\u0301", which is not in Unicode Normalization Form C');
    expect(() => publisher('x\uD800')).toThrow('[KL-LITERAL-UNICODE] platform/Publisher: `target.prefix` is "x\\ud800", which contains an unpaired surrogate');
  });
});

describe('declaration objects Keyless did not make are refused', () => {
  test('a custom CI source, whose trust policy would be rendered unchecked (here: any subject)', () => {
    const forged: ICiSource = {
      platform: 'github-actions',
      resolve: () => ({
        platform: 'github-actions',
        issuerUrl: 'https://token.actions.githubusercontent.com',
        issuerHostPath: 'token.actions.githubusercontent.com',
        exactSubjects: [],
        subjectPatterns: ['*'],
        claimPins: [],
        mappedClaims: [],
        summary: 'any',
      }),
    };
    expect(() => new aws.CiOidcTrust(awsStack(), 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: forged })).toThrow(
      '[KL-CI-SOURCE-UNKNOWN] Platform/Trust: `source` is not a CI source made by Keyless: the trust policy a source returns is rendered as is, so one Keyless did not validate '
      + 'could admit any token. Fix: declare the source with `GitHubActions.repository({ … })` or `GitLabCi.project({ … })`.');
  });
  test('a stack passed as the source (it has a resolve method) is refused, not a crash', () => {
    const stack = awsStack();
    expect(() => new aws.CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: stack as unknown as ICiSource }))
      .toThrow('[KL-CI-SOURCE-UNKNOWN] Platform/Trust: `source` is not a CI source made by Keyless');
  });
  test('look-alike publish targets on AWS and GCP (here: Action * on Resource *, roles/storage.admin)', () => {
    const source = GitHubActions.repository({ ...PAYMENTS, branches: ['main'] });
    const awsTarget = { kind: 'x', _statements: () => [{ sid: 'All', actions: ['*'], resources: ['*'] }] } as unknown as aws.AwsPublishTarget;
    expect(() => new aws.ScopedPublisherRole(awsStack(), 'Publisher', { name: 'payments-publish', ownership: OWNERSHIP, source, target: awsTarget })).toThrow(
      '[KL-PROP-NOT-KEYLESS] Platform/Publisher: `target` is not a Keyless AwsPublishTarget: what a look-alike object decides would be rendered without Keyless\'s checks. '
      + 'Fix: create it with `AwsPublishTarget.ecrRepository(…)`, `.s3Prefix(…)` or `.codeArtifactPackage(…)`.');
    const gcpTarget = { kind: 'storage', target: { bucket: 'acme-artifacts' }, _grant: () => ({ role: 'roles/storage.admin' }) } as unknown as gcp.GcpPublishTarget;
    expect(() => new gcp.ScopedPublisherRole(tfStack(), 'Publisher', { ...gcpCommon, name: 'payments-publish', source, target: gcpTarget }))
      .toThrow('[KL-PROP-NOT-KEYLESS] platform/Publisher: `target` is not a Keyless GcpPublishTarget');
  });
});

describe('a declaration is read once: getters cannot answer validation and rendering differently', () => {
  test('allowPullRequests turning true after the publisher refused pull requests does not reach the trust', () => {
    let reads = 0;
    const props = { ...PAYMENTS, branches: ['main'] } as Record<string, unknown>;
    Object.defineProperty(props, 'allowPullRequests', { enumerable: true, get: () => ++reads > 1 });
    const stack = awsStack();
    new aws.ScopedPublisherRole(stack, 'Publisher', {
      name: 'payments-publish',
      ownership: OWNERSHIP,
      source: GitHubActions.repository(props as any),
      target: aws.AwsPublishTarget.ecrRepository({ repositoryArn: 'arn:aws:ecr:eu-west-1:123456789012:repository/payments-api' }),
    });
    const template = audit.record(Template.fromStack(stack).toJSON());
    expect(reads).toBe(1);
    expect(JSON.stringify(template)).not.toContain('pull_request');
    const pr = githubToken({ ...PAYMENTS, ref: 'refs/pull/1/merge', event: 'pull_request' });
    expect(assumeRoleWithWebIdentityAllowed(template, 'payments-publish', pr)).toBe(false);
    expect(assumeRoleWithWebIdentityAllowed(template, 'payments-publish', githubToken({ ...PAYMENTS, ref: 'refs/heads/main' }))).toBe(true);
  });
  test('a GCS bucket getter: the binding is on the bucket that was validated', () => {
    const buckets = ['acme-artifacts', 'acme-prod-secrets'];
    let reads = 0;
    const target = { prefix: 'payments' } as Record<string, unknown>;
    Object.defineProperty(target, 'bucket', { enumerable: true, get: () => buckets[Math.min(reads++, 1)] });
    const stack = tfStack();
    new gcp.ScopedPublisherRole(stack, 'Publisher', {
      ...gcpCommon,
      name: 'payments-publish',
      source: GitHubActions.repository({ ...PAYMENTS, branches: ['main'] }),
      target: gcp.GcpPublishTarget.storagePrefix(target as any),
    });
    const bindings = Object.values(JSON.parse(Testing.synth(stack)).resource.google_storage_bucket_iam_member) as any[];
    expect(bindings.map((b) => b.bucket)).toEqual(['acme-artifacts']);
    expect(bindings[0].condition.expression).toBe("resource.name.startsWith('projects/_/buckets/acme-artifacts/objects/payments/')");
  });
});

describe('AWS specifics', () => {
  test('a Pod Identity cluster name from a CfnParameter is refused (`${aws:RequestTag/eks-cluster-name}` would admit every cluster)', () => {
    const stack = awsStack();
    const clusterName = new CfnParameter(stack, 'Cluster').valueAsString;
    expect(() => new aws.WorkloadIdentity(stack, 'Api', {
      name: 'payments-api', ownership: OWNERSHIP, serviceAccount: { namespace: 'payments', name: 'payments-api' }, eks: { kind: 'pod-identity', clusterName },
    })).toThrow(`[KL-LITERAL-TOKEN] Platform/Api: \`eks.clusterName\` is an unresolved token (${JSON.stringify(clusterName)}): it decides which cluster's pods are trusted`);
  });
  test('a full-width branch that transliterates to a token marker stays plain text in the role description', () => {
    const stack = awsStack();
    const branch = 'main\uFF04\uFF5B\uFF34\uFF4F\uFF4B\uFF45\uFF4E\uFF3B\uFF21\uFF37\uFF33\uFF0E\uFF21\uFF43\uFF43\uFF4F\uFF55\uFF4E\uFF54\uFF29\uFF44\uFF0E7\uFF3D\uFF5D';
    new aws.CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: GitHubActions.repository({ ...PAYMENTS, branches: [branch] }) });
    const role = Object.values(audit.record(Template.fromStack(stack).toJSON()).Resources as Record<string, any>).find((r) => r.Type === 'AWS::IAM::Role');
    expect(typeof role.Properties.Description).toBe('string');
    expect(role.Properties.Description).not.toMatch(/[$#]\{/);
  });
  test('two issuers whose construct ids collide are a KL error, not a framework crash', () => {
    const stack = awsStack();
    new aws.CiOidcTrust(stack, 'One', { name: 'ledger-one', ownership: OWNERSHIP, source: GitLabCi.project({ instanceUrl: 'https://gitlab.example.com', projectPath: 'acme/ledger', branches: ['main'] }) });
    expect(() => new aws.CiOidcTrust(stack, 'Two', { name: 'ledger-two', ownership: OWNERSHIP, source: GitLabCi.project({ instanceUrl: 'https://gitlab-example.com', projectPath: 'acme/ledger', branches: ['main'] }) }))
      .toThrow('[KL-AWS-OIDC-PROVIDER-ID] Platform/Two: `source` needs an OIDC provider for "https://gitlab-example.com", whose construct id KeylessOidcProvider-gitlab-example-com '
        + 'is already that of the provider for "https://gitlab.example.com" in Platform. Fix: import one of the two providers');
  });
  test('a reusable workflow ref with a control character or backslash is refused', () => {
    for (const jobWorkflowRef of ['acme/workflows/.github/workflows/release.yml@refs/heads/ma\x01in', 'acme/workflows/.github/workflows/release.yml@refs/heads/a\\b']) {
      expect(() => new aws.CiOidcTrust(awsStack(), 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: GitHubActions.repository({ ...PAYMENTS, branches: ['main'], jobWorkflowRef }) }))
        .toThrow('[KL-GH-WORKFLOW-REF] Platform/Trust: `source.jobWorkflowRef` is');
    }
  });
});

audit.defineTest();
