import { GitHubActions, GitHubActionsProps } from '../../src/core/ci/github';
import { GitLabCi, GitLabCiProps } from '../../src/core/ci/gitlab';
import type { AwsCiLogin, AzureCiLogin, CiCloudLogin, CiRepositorySideIdentity, GcpCiLogin } from '../../src/core/ci/repository-side';

/** Identities of the repository side, decided from real CI sources, for the pure tests of test/ci/. */

export const TODAY = '2026-11-22';
export const IDS = { owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532' } as const;
export const WORKFLOW = 'acme/workflows/.github/workflows/release.yml@refs/heads/main';

export const AWS_LOGIN: AwsCiLogin = {
  cloud: 'aws', roleName: 'payments-api-deploy', roleArn: 'arn:aws:iam::123456789012:role/payments-api-deploy', region: 'eu-west-1', audience: 'sts.amazonaws.com',
};
export const GCP_LOGIN: GcpCiLogin = {
  cloud: 'gcp',
  project: 'acme-payments-prod',
  poolId: 'ci-github',
  providerId: 'payments-api-deploy',
  providerName: 'projects/412345678901/locations/global/workloadIdentityPools/ci-github/providers/payments-api-deploy',
  audience: 'https://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/ci-github/providers/payments-api-deploy',
};
export const AZURE_LOGIN: AzureCiLogin = {
  cloud: 'azure',
  identityName: 'payments-api-deploy',
  resourceGroupName: 'rg-payments-identity',
  clientIdOutput: 'Deploy_ClientId_1A2B3C4D',
  terraformStack: 'platform-ci-azure',
  audience: 'api://AzureADTokenExchange',
};

/** An identity of a GitHub trust. */
export function github(props: GitHubActionsProps, login: CiCloudLogin = AWS_LOGIN, construct = 'Platform/Deploy'): CiRepositorySideIdentity {
  return { construct, trust: GitHubActions.repository(props).resolve({ path: construct, today: TODAY }, 'source', { tier: 2 }), login };
}

/** An identity of a GitLab trust. */
export function gitlab(props: GitLabCiProps, login: CiCloudLogin = AWS_LOGIN, construct = 'Platform/Ledger'): CiRepositorySideIdentity {
  return { construct, trust: GitLabCi.project(props).resolve({ path: construct, today: TODAY }, 'source'), login };
}
