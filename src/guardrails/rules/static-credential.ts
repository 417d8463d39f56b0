import { kubernetesObject } from '../../synth/kubernetes';
import { GuardrailRule, NOT_APPLICABLE, verdict } from '../model';

const STATIC: Record<string, string> = {
  'AWS::IAM::AccessKey': 'an IAM access key',
  'aws_iam_access_key': 'an IAM access key',
  'aws_iam_user_login_profile': 'an IAM console password',
  'google_service_account_key': 'a service account key',
  'azuread_application_password': 'an application client secret',
  'azuread_application_certificate': 'an application certificate credential',
  'azuread_service_principal_password': 'a service principal client secret',
  'azuread_service_principal_certificate': 'a service principal certificate credential',
};

/**
 * Static, long-lived credentials. Keys: `Credential::TYPE` (the credential resource's type),
 * `Credential::LoginProfile` (an IAM user's console password), `Credential::kubernetes.io/service-account-token`.
 */
export const staticCredential: GuardrailRule = {
  id: 'KL-G-STATIC-CREDENTIAL',
  info: 'A long-lived static credential is created.',
  explanation: 'Static keys and secrets do not expire by themselves, are copied into pipelines and laptops, and are how most machine-identity breaches start. Federated, short-lived credentials make them unnecessary.',
  fix: 'remove the credential and use federation: CiOidcTrust for CI, WorkloadIdentity for workloads',
  check(resource) {
    if (resource.type === 'AWS::IAM::User') {
      return verdict(resource.properties.LoginProfile ? [{ key: 'Credential::LoginProfile', message: 'an IAM user with a console password (LoginProfile)' }] : []);
    }
    const object = kubernetesObject(resource);
    if (object?.kind === 'Secret') {
      return verdict(object.type === 'kubernetes.io/service-account-token'
        ? [{ key: 'Credential::kubernetes.io/service-account-token', message: 'a long-lived ServiceAccount token Secret' }]
        : []);
    }
    // Own keys only: a resource of type `constructor` or `toString` is no credential.
    const what = Object.hasOwn(STATIC, resource.type) ? STATIC[resource.type] : undefined;
    return what ? verdict([{ key: `Credential::${resource.type}`, message: what }]) : NOT_APPLICABLE;
  },
};
