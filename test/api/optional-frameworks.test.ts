/**
 * Issue 15, optional frameworks: with only aws-cdk-lib and constructs installed, the root and
 * `@keyless/constructs/aws` load and work, and never even look for cdktf, cdk8s or the cdktf providers; the other
 * namespaces say which packages to install. Each case runs the source (ts-node) in a child process whose module
 * resolution cannot find the uninstalled packages (fixtures/without-frameworks.js).
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');

interface Report {
  readonly rootKeys: string[];
  readonly trustCondition?: Record<string, Record<string, string>>;
  readonly sameAws?: boolean;
  readonly errors: Record<string, { keyless: boolean; message: string } | null>;
  readonly resolveAttempts: { phase: string; request: string }[];
}

async function useRoot(uninstalled: readonly string[], useAws: boolean): Promise<Report> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--require', path.join(FIXTURES, 'without-frameworks.js'),
    '--require', 'ts-node/register/transpile-only',
    path.join(FIXTURES, 'use-root.js'),
  ], {
    cwd: ROOT,
    env: { ...process.env, KEYLESS_TEST_UNINSTALLED: uninstalled.join(','), KEYLESS_TEST_USE_AWS: useAws ? '1' : '0', TS_NODE_PROJECT: 'test/tsconfig.json' },
    encoding: 'utf8',
  });
  return JSON.parse(stdout);
}

// Both installs run side by side (each child is mostly module loading).
const AWS_ONLY = ['cdktf', 'cdk8s', '@cdktf/provider-google', '@cdktf/provider-azurerm'];
const GCP_ONLY = ['aws-cdk-lib', 'cdk8s', '@cdktf/provider-azurerm'];
let reports: Promise<[Report, Report]>;
beforeAll(() => {
  reports = Promise.all([useRoot(AWS_ONLY, true), useRoot(GCP_ONLY, false)]);
  return reports;
});

const ROOT_KEYS = ['KeylessError', 'GitHubActions', 'GitLabCi', 'writeRepositorySide', 'routeDetections', 'Access', 'aws', 'gcp', 'azure', 'k8s', 'templates', 'guardrails', 'inventory', 'verify'];
const HINT = 'next to @keyless/constructs, or import only the entry points of the frameworks you use (e.g. `@keyless/constructs/aws`).';
const missing = (entry: string, renders: string, which: string, install: string): { keyless: boolean; message: string } => ({
  keyless: true,
  message: `[KL-FRAMEWORK-MISSING] @keyless/constructs: \`${entry}\` renders with ${renders}${which} (peer dependencies of @keyless/constructs,`
    + ` which npm installs only when asked). Fix: \`npm i ${install}\` ${HINT}`,
});
const GCP_MISSING = missing('gcp', 'cdktf and @cdktf/provider-google', ', which are not installed', 'cdktf@^0.21.0 @cdktf/provider-google@^16.12.1');

describe('an AWS-only install: aws-cdk-lib and constructs, no cdktf, cdk8s or cdktf providers', () => {
  let report: Report;
  beforeAll(async () => {
    [report] = await reports;
  });

  test('the root loads; aws.CiOidcTrust renders the trust; the aws namespace is @keyless/constructs/aws', () => {
    expect(report.rootKeys).toEqual(ROOT_KEYS);
    expect(report.trustCondition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:repository': 'acme/payments-api',
        'token.actions.githubusercontent.com:sub': 'repo:acme/payments-api:ref:refs/heads/main',
      },
    });
    expect(report.sameAws).toBe(true);
    expect(report.errors.aws).toBeNull();
  });

  test('neither the root, nor aws, nor the entry point look for an uninstalled framework', () => {
    const phases = ['import root', 'use aws', 'import aws entry point', 'touch aws'];
    expect(report.resolveAttempts.filter((attempt) => phases.includes(attempt.phase))).toEqual([]);
  });

  test('gcp, azure, k8s and templates (root namespace or entry point) give a Keyless error naming the packages to install', () => {
    expect(report.errors.gcp).toEqual(GCP_MISSING);
    expect(report.errors['entry point gcp']).toEqual(GCP_MISSING);
    expect(report.errors.azure).toEqual(missing('azure', 'cdktf and @cdktf/provider-azurerm', ', which are not installed',
      'cdktf@^0.21.0 @cdktf/provider-azurerm@^14.23.1'));
    expect(report.errors.k8s).toEqual({
      keyless: true,
      message: '[KL-FRAMEWORK-MISSING] @keyless/constructs: `k8s` renders with cdk8s, which is not installed (a peer dependency of'
        + ` @keyless/constructs, which npm installs only when asked). Fix: \`npm i cdk8s@^2.70.106\` ${HINT}`,
    });
    expect(report.errors.templates).toEqual(missing('templates', 'aws-cdk-lib, cdktf, @cdktf/provider-google, @cdktf/provider-azurerm and cdk8s',
      '; cdktf, @cdktf/provider-google, @cdktf/provider-azurerm and cdk8s are not installed',
      'cdktf@^0.21.0 @cdktf/provider-google@^16.12.1 @cdktf/provider-azurerm@^14.23.1 cdk8s@^2.70.106'));
    // Only the checks of the entry points that need them look the frameworks up, and nothing else is loaded from them.
    expect([...new Set(report.resolveAttempts.map((attempt) => attempt.request))].sort()).toEqual(AWS_ONLY.slice().sort());
  });

  test('the inventory, the guardrails and verify load without them', () => {
    expect([report.errors.inventory, report.errors.guardrails, report.errors.verify]).toEqual([null, null, null]);
  });
});

describe('a GCP-only install: no aws-cdk-lib, no cdk8s, no azurerm provider', () => {
  test('the root loads; aws names aws-cdk-lib; gcp is found', async () => {
    const [, report] = await reports;
    expect(report.rootKeys).toEqual(ROOT_KEYS);
    expect(report.resolveAttempts.filter((attempt) => attempt.phase === 'import root')).toEqual([]);
    expect(report.errors.aws).toEqual({
      keyless: true,
      message: '[KL-FRAMEWORK-MISSING] @keyless/constructs: `aws` renders with aws-cdk-lib, which is not installed (a peer dependency of'
        + ` @keyless/constructs, which npm installs only when asked). Fix: \`npm i aws-cdk-lib@^2.276.0\` ${HINT}`,
    });
    expect([report.errors.gcp, report.errors['entry point gcp'], report.errors.inventory, report.errors.verify]).toEqual([null, null, null, null]);
  });
});
