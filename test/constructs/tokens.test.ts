/**
 * Values that decide security are literals: an unresolved aws-cdk-lib or cdktf token (parameter, import, variable,
 * reference) in a subject, issuer, prefix or condition is refused with a message that says so, because its value
 * would only be known after every Keyless check.
 */
import { App, CfnParameter, Fn, Stack, Token } from 'aws-cdk-lib/core';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import * as aws from '../../src/constructs/aws';
import * as gcp from '../../src/constructs/gcp';
import { Access, GitHubActions, GitLabCi, isUnresolvedToken, requireLiterals } from '../../src/core';
import { PAYMENTS } from '../helpers/tokens';

const TODAY = '2026-11-22';
const OWNERSHIP = { owner: 'team-payments', purpose: 'deploy payments-api from CI', environment: 'production', tier: 1, reviewBy: '2027-04-30' } as const;
const TOKEN_FIX = 'Fix: give the value as a literal string known at synthesis (read it from your configuration, not from a CfnParameter, Fn.importValue, a TerraformVariable or another resource\'s attribute).';

function awsStack(): Stack {
  return new Stack(new App({ context: { 'keyless:today': TODAY } }), 'Platform');
}
function tfStack(): TerraformStack {
  return new TerraformStack(Testing.app({ context: { 'keyless:today': TODAY } }), 'platform');
}
const tokenMessage = (path: string, prop: string, value: string, what: string) =>
  `[KL-LITERAL-TOKEN] ${path}: \`${prop}\` is an unresolved token (${JSON.stringify(value)}): it decides ${what}, and a value known only at deploy or plan time (a parameter, an import, a variable, a reference) would reach the provider after every Keyless check. ${TOKEN_FIX}`;

describe('isUnresolvedToken', () => {
  test('recognizes aws-cdk-lib and cdktf string, list and number tokens, and nothing else', () => {
    const stack = awsStack();
    const parameter = new CfnParameter(stack, 'Branch');
    const count = new CfnParameter(stack, 'Count', { type: 'Number' });
    const list = new CfnParameter(stack, 'List', { type: 'CommaDelimitedList' });
    const tf = tfStack();
    const variable = new TerraformVariable(tf, 'prefix', {});
    expect(isUnresolvedToken(parameter.valueAsString)).toBe(true);
    expect(isUnresolvedToken(count.valueAsNumber)).toBe(true);
    expect(isUnresolvedToken(list.valueAsList)).toBe(true);
    expect(isUnresolvedToken(Fn.importValue('x'))).toBe(true);
    expect(isUnresolvedToken(`prefix/${Token.asString(parameter.value)}`)).toBe(true);
    expect(isUnresolvedToken(variable.stringValue)).toBe(true);
    expect(isUnresolvedToken(variable.numberValue)).toBe(true);
    expect(isUnresolvedToken(variable.listValue)).toBe(true);
    for (const literal of ['main', '${x}', '#{y}', '${Tok}', 12, 3600, -1, 1e100, [], {}, null, undefined]) {
      expect(isUnresolvedToken(literal)).toBe(false);
    }
  });
  test('requireLiterals walks plain objects and arrays and names the exact prop', () => {
    const variable = new TerraformVariable(tfStack(), 'branch', {});
    expect(() => requireLiterals({ a: [{ b: 'x' }, { c: variable.stringValue }] }, { path: 'P', today: TODAY }, 'props', 'the test'))
      .toThrow(/^\[KL-LITERAL-TOKEN\] P: `props\.a\[1\]\.c` is an unresolved token \("\$\{TfToken\[TOKEN\.\d+\]\}"\): it decides the test,/);
  });
});

describe('tokens are refused where they decide security', () => {
  test('AWS CiOidcTrust: a branch from a CfnParameter', () => {
    const stack = awsStack();
    const branch = new CfnParameter(stack, 'Branch').valueAsString;
    expect(() => new aws.CiOidcTrust(stack, 'Trust', { name: 'payments-deploy', ownership: OWNERSHIP, source: GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: [branch] }) }))
      .toThrow(tokenMessage('Platform/Trust', 'source.branches[0]', branch, 'which CI runs are trusted'));
  });
  test('GCP CiOidcTrust: a GitLab instance URL from a TerraformVariable', () => {
    const stack = tfStack();
    const url = new TerraformVariable(stack, 'gitlab', {}).stringValue;
    expect(() => new gcp.CiOidcTrust(stack, 'Trust', {
      name: 'ledger-deploy',
      ownership: OWNERSHIP,
      project: 'acme-ledger-prod',
      projectNumber: '412345678901',
      source: GitLabCi.project({ instanceUrl: url, projectPath: 'acme/ledger', branches: ['main'] }),
    })).toThrow(tokenMessage('platform/Trust', 'source.instanceUrl', url, 'which CI runs are trusted'));
  });
  test('AWS ScopedPublisherRole: an S3 prefix from Fn.importValue (a parameter set to `*` would allow PutObject anywhere)', () => {
    const stack = awsStack();
    const prefix = Fn.importValue('ReleasePrefix');
    expect(() => new aws.ScopedPublisherRole(stack, 'Publisher', {
      name: 'payments-publish',
      ownership: OWNERSHIP,
      source: GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'] }),
      target: aws.AwsPublishTarget.s3Prefix({ bucketName: 'acme-artifacts', prefix }),
    })).toThrow(tokenMessage('Platform/Publisher', 'target.prefix', prefix, 'which objects may be read or written'));
  });
  test('GCP ScopedPublisherRole: a GCS prefix from a TerraformVariable (it could close the condition string)', () => {
    const stack = tfStack();
    const prefix = new TerraformVariable(stack, 'prefix', {}).stringValue;
    expect(() => new gcp.ScopedPublisherRole(stack, 'Publisher', {
      name: 'payments-publish',
      ownership: OWNERSHIP,
      project: 'acme-payments-prod',
      projectNumber: '412345678901',
      source: GitHubActions.repository({ ...PAYMENTS, subjectFormat: 'name-based', branches: ['main'] }),
      target: gcp.GcpPublishTarget.storagePrefix({ bucket: 'acme-artifacts', prefix }),
    })).toThrow(tokenMessage('platform/Publisher', 'target.prefix', prefix, 'which objects may be read or written'));
  });
  test('Access.readObjects: a prefix or a bucket from a CfnParameter', () => {
    const stack = awsStack();
    const prefix = new CfnParameter(stack, 'Prefix').valueAsString;
    const ctx = { path: 'Platform/Service', today: TODAY };
    expect(() => Access.readObjects({ aws: { bucketName: 'acme-settlements', prefix } }).resolve(ctx, 'access[0]'))
      .toThrow(tokenMessage('Platform/Service', 'access[0].aws.prefix', prefix, 'which objects may be read or written'));
    expect(() => Access.readObjects({ gcp: { bucket: prefix, prefix: 'settlements' } }).resolve(ctx, 'access[0]'))
      .toThrow(tokenMessage('Platform/Service', 'access[0].gcp.bucket', prefix, 'which resource the workload may use'));
  });
});

describe('access intents never drop a declared target', () => {
  const ctx = { path: 'Platform/Service', today: TODAY };
  test('an unknown cloud key is refused, not ignored', () => {
    expect(() => Access.readSecret({ gpc: { project: 'acme-payments-prod', secretId: 'db' } } as any).resolve(ctx, 'secret'))
      .toThrow('[KL-ACCESS-TARGETS] Platform/Service: `secret.gpc` is not a cloud Keyless grants on: the grant it declares would be silently dropped. Fix: use `aws`, `gcp` or `azure`.');
  });
  test('no target, or a target that is not an object, is refused', () => {
    expect(() => Access.sendMessages({}).resolve(ctx, 'access[0]'))
      .toThrow('[KL-ACCESS-TARGETS] Platform/Service: `access[0]` names no cloud: it would grant nothing. Fix: give the `aws`, `gcp` and/or `azure` target of the intent.');
    expect(() => Access.sendMessages(undefined as any).resolve(ctx, 'access[0]'))
      .toThrow('[KL-ACCESS-TARGETS] Platform/Service: `access[0]` is declared with undefined: expected an object with `aws`, `gcp` and/or `azure` targets.');
    expect(() => Access.sendMessages({ aws: 'arn:aws:sqs:eu-west-1:123456789012:q' } as any).resolve(ctx, 'access[0]'))
      .toThrow('[KL-ACCESS-TARGETS] Platform/Service: `access[0].aws` is "arn:aws:sqs:eu-west-1:123456789012:q": expected an object naming the resource.');
  });
});
