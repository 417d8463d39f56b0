/**
 * `npm run bench:verify`: the time `keyless verify` takes over N hand-written federated trusts (default 1,000), a
 * third each AWS (a GitHub role trust in CloudFormation), GCP (a GitHub workload identity provider with its
 * service-account binding, one pool each, Terraform JSON) and Azure (a GitHub federated credential, Terraform JSON), read from disk
 * and verified in-process: median of BENCH_REPEATS (default 3) runs, with peak RSS. BENCH_VERIFY_SIZES=1000,5000
 * measures several sizes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readSynthesizedOutput } from '../../src/synth/read';
import { verify } from '../../src/verify/verify';

const sizes = (process.env.BENCH_VERIFY_SIZES ?? '1000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);

/** Writes N trusts (N/3 per cloud) into a fresh directory. */
function writeEstate(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-bench-verify-'));
  const per = Math.ceil(n / 3);
  const resources: Record<string, unknown> = {
    GitHubOidc: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] } },
  };
  for (let i = 0; i < per; i++) {
    resources[`Deploy${i}`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: `deploy-${i}`,
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Principal: { Federated: { Ref: 'GitHubOidc' } },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': `repo:acme/service-${i}:environment:production`,
              },
            },
          }],
        },
      },
    };
  }
  fs.writeFileSync(path.join(dir, 'aws.template.json'), JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }));
  const google: Record<string, Record<string, unknown>> = {
    google_iam_workload_identity_pool: {},
    google_iam_workload_identity_pool_provider: {},
    google_service_account: {},
    google_service_account_iam_member: {},
  };
  for (let i = 0; i < per; i++) {
    google.google_iam_workload_identity_pool[`ci_${i}`] = { project: 'acme-prod', workload_identity_pool_id: `ci-${i}` };
    google.google_iam_workload_identity_pool_provider[`github_${i}`] = {
      project: 'acme-prod',
      workload_identity_pool_id: `ci-${i}`,
      workload_identity_pool_provider_id: `github-${i}`,
      attribute_mapping: { 'google.subject': 'assertion.sub', 'attribute.repository': 'assertion.repository' },
      attribute_condition: `assertion.repository_id == '${7000000 + i}' && assertion.ref == 'refs/heads/main'`,
      oidc: { issuer_uri: 'https://token.actions.githubusercontent.com' },
    };
    google.google_service_account[`deploy_${i}`] = { account_id: `deploy-${i}`, project: 'acme-prod' };
    google.google_service_account_iam_member[`deploy_${i}`] = {
      service_account_id: `\${google_service_account.deploy_${i}.name}`,
      role: 'roles/iam.workloadIdentityUser',
      member: `principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/ci-${i}/attribute.repository/acme/service-${i}`,
    };
  }
  fs.writeFileSync(path.join(dir, 'gcp.tf.json'), JSON.stringify({ resource: google }));
  const azure: Record<string, Record<string, unknown>> = { azurerm_user_assigned_identity: {}, azurerm_federated_identity_credential: {} };
  for (let i = 0; i < per; i++) {
    azure.azurerm_user_assigned_identity[`deploy_${i}`] = { name: `deploy-${i}`, resource_group_name: 'rg-ci', location: 'westeurope' };
    azure.azurerm_federated_identity_credential[`deploy_${i}`] = {
      name: `github-${i}`,
      resource_group_name: 'rg-ci',
      parent_id: `\${azurerm_user_assigned_identity.deploy_${i}.id}`,
      issuer: 'https://token.actions.githubusercontent.com',
      subject: `repo:acme/service-${i}:environment:production`,
      audience: ['api://AzureADTokenExchange'],
    };
  }
  fs.writeFileSync(path.join(dir, 'azure.tf.json'), JSON.stringify({ resource: azure }));
  return dir;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const n of sizes) {
  const dir = writeEstate(n);
  try {
    const samples: Array<{ readMs: number; verifyMs: number; trusts: number; tokens: number }> = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = process.hrtime.bigint();
      const output = readSynthesizedOutput([dir]);
      const t1 = process.hrtime.bigint();
      const report = verify(output);
      const t2 = process.hrtime.bigint();
      samples.push({
        readMs: Number(t1 - t0) / 1e6,
        verifyMs: Number(t2 - t1) / 1e6,
        trusts: report.summary.trusts,
        tokens: report.summary.legitimateTokens + report.summary.forgedTokens,
      });
    }
    const verifyMs = samples.map((s) => s.verifyMs);
    process.stdout.write(`${JSON.stringify({
      n,
      trusts: samples[0].trusts,
      tokens: samples[0].tokens,
      readMs: Math.round(median(samples.map((s) => s.readMs))),
      verifyMs: Math.round(median(verifyMs)),
      verifyMsMin: Math.round(Math.min(...verifyMs)),
      verifyMsMax: Math.round(Math.max(...verifyMs)),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      cpus: os.cpus().length,
    })}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
