/**
 * The guardrails over a corpus of hand-written synthesized output (test/fixtures/guardrails): real CloudFormation
 * templates (JSON and YAML), Terraform JSON and Kubernetes manifests that nobody built with Keyless, read the way
 * `keyless check` reads them (`readSynthesizedOutput`) and evaluated on a pinned date.
 *
 * Every resource of the insecure set is listed with the exact findings it must produce (rule id, key and message), and
 * nothing else may be reported; the secure set must produce none. The `regressions/` set holds insecure resources
 * an earlier version of the rules missed (each test says what was missed); they are caught now.
 */
import * as path from 'path';
import { ALL_RULES, evaluate, Finding, GuardrailReport, NeutralResource, readSynthesizedOutput } from '../../src/guardrails';

const TODAY = '2026-11-22';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'guardrails');

/** `FILE TYPE ID` of a resource or finding. */
const keyOf = (file: string, type: string, id: string): string => `${file} ${type} ${id}`;
const line = (f: Finding): string => `${f.ruleId} [${f.key}]: ${f.message}`;

interface Corpus {
  readonly resources: NeutralResource[];
  readonly files: Array<{ readonly file: string; readonly format: string }>;
  readonly report: GuardrailReport;
  /** Findings (`RULE [KEY]: message`) per resource key, sorted; resources without findings map to []. */
  readonly byResource: Map<string, string[]>;
}

function load(set: string): Corpus {
  const { resources, files } = readSynthesizedOutput([path.join(FIXTURES, set)]);
  const report = evaluate(resources, { today: TODAY });
  const byResource = new Map<string, string[]>(resources.map((r) => [keyOf(r.file, r.type, r.id), []]));
  for (const finding of report.findings) {
    const key = keyOf(finding.file, finding.type, finding.resource);
    if (!byResource.has(key)) byResource.set(key, []);
    byResource.get(key)!.push(line(finding));
  }
  for (const list of byResource.values()) list.sort();
  return { resources, files, report, byResource };
}

/**
 * Every resource of the insecure corpus and its exact findings. Supporting resources that are not themselves
 * insecure (an OIDC provider, a ServiceAccount with ownership) are listed with [] so that a new finding on them is
 * noticed too.
 */
const INSECURE: Record<string, string[]> = {
  // CloudFormation (JSON): static credentials.
  'insecure/aws-static-credentials.template.json AWS::IAM::User CiUser': ['KL-G-STATIC-CREDENTIAL [Credential::LoginProfile]: an IAM user with a console password (LoginProfile)'],
  'insecure/aws-static-credentials.template.json AWS::IAM::AccessKey CiUserKey': ['KL-G-STATIC-CREDENTIAL [Credential::AWS::IAM::AccessKey]: an IAM access key'],

  // CloudFormation (JSON): GitHub and GitLab trusts.
  'insecure/aws-github-trust.template.json AWS::IAM::OIDCProvider GitHubProvider': [],
  'insecure/aws-github-trust.template.json AWS::IAM::Role OrgWideRole': ['KL-G-FEDERATED-TRUST-UNPINNED [Subject::repo:acme/*]: sub repo:acme/* does not pin the owner and repository literally'],
  'insecure/aws-github-trust.template.json AWS::IAM::Role OwnerPrefixRole': ['KL-G-FEDERATED-TRUST-UNPINNED [Subject::repo:acme*]: sub repo:acme* does not pin the owner and repository literally'],
  'insecure/aws-github-trust.template.json AWS::IAM::Role NoSubRole': [
    'KL-G-FEDERATED-TRUST-UNPINNED [Condition::token.actions.githubusercontent.com:sub]: trust of token.actions.githubusercontent.com has no sub condition: every token of the issuer is admitted',
  ],
  'insecure/aws-github-trust.template.json AWS::IAM::Role NoAudRole': ['KL-G-FEDERATED-TRUST-UNPINNED [Condition::token.actions.githubusercontent.com:aud]: trust of token.actions.githubusercontent.com has no aud condition'],
  'insecure/aws-github-trust.template.json AWS::IAM::Role AnyValueRole': [
    'KL-G-FEDERATED-TRUST-UNPINNED [Operator::ForAnyValue:StringLike]: sub condition uses ForAnyValue:StringLike, which admits tokens without a matching sub',
    'KL-G-FEDERATED-TRUST-UNPINNED [Subject::repo:acme/payments-api:*]: sub repo:acme/payments-api:* admits pull_request runs, every branch and every environment',
  ],
  'insecure/aws-github-trust.template.json AWS::IAM::Role GitLabRepoWildcardRole': [
    'KL-G-FEDERATED-TRUST-UNPINNED [Subject::project_path:acme/*:ref_type:branch:ref:main]: sub project_path:acme/*:ref_type:branch:ref:main does not pin the owner and repository literally',
  ],

  // CloudFormation (JSON): permissions and sessions.
  'insecure/aws-permissions.template.json AWS::IAM::Role DeployRole': ['KL-G-WILDCARD-ACTION [Action::ecr:*]: Action ecr:*'],
  'insecure/aws-permissions.template.json AWS::IAM::ManagedPolicy DeployPolicy': ['KL-G-WILDCARD-ACTION [Action::s3:*]: Action s3:*', 'KL-G-WILDCARD-RESOURCE [Action::s3:*]: Resource * for s3:*'],
  'insecure/aws-permissions.template.json AWS::IAM::Policy EverythingButIamPolicy': ['KL-G-WILDCARD-ACTION [NotAction::iam:*]: Allow with NotAction (allows everything else)'],
  'insecure/aws-permissions.template.json AWS::IAM::ManagedPolicy ReadAllPolicy': [
    'KL-G-WILDCARD-RESOURCE [Action::dynamodb:GetItem]: Resource * for dynamodb:GetItem',
    'KL-G-WILDCARD-RESOURCE [Action::s3:GetObject]: Resource * for s3:GetObject',
  ],
  'insecure/aws-permissions.template.json AWS::IAM::Role AdminRole': ['KL-G-AWS-ADMIN-POLICY [ManagedPolicy::AdministratorAccess]: managed policy AdministratorAccess'],
  'insecure/aws-permissions.template.json AWS::IAM::Group S3FullGroup': ['KL-G-AWS-ADMIN-POLICY [ManagedPolicy::AmazonS3FullAccess]: managed policy AmazonS3FullAccess'],
  'insecure/aws-permissions.template.json AWS::IAM::Role LongSessionRole': [
    'KL-G-AWS-PRINCIPAL-WILDCARD [Principal::arn:aws:iam::111122223333:root]: Principal arn:aws:iam::111122223333:root admits every user and role of account 111122223333 allowed sts:AssumeRole, and no condition narrows it to a principal, organization, source or external id',
    'KL-G-SESSION-OVER-TIER [MaxSessionDuration::43200]: MaxSessionDuration 43200 s exceeds 14400 s (tier 2)',
  ],
  'insecure/aws-permissions.template.json AWS::IAM::Role UntieredSessionRole': [
    'KL-G-AWS-PRINCIPAL-WILDCARD [Principal::arn:aws:iam::111122223333:root]: Principal arn:aws:iam::111122223333:root admits every user and role of account 111122223333 allowed sts:AssumeRole, and no condition narrows it to a principal, organization, source or external id',
    'KL-G-SESSION-OVER-TIER [MaxSessionDuration::7200]: MaxSessionDuration 7200 s exceeds 3600 s (no tier: tier 1 assumed)',
  ],

  // CloudFormation (JSON): ownership.
  'insecure/aws-ownership.template.json AWS::IAM::Role OrphanRole': ['KL-G-OWNERSHIP [Field::environment]: missing environment', 'KL-G-OWNERSHIP [Field::owner]: missing owner', 'KL-G-OWNERSHIP [Field::review-by]: missing review-by'],
  'insecure/aws-ownership.template.json AWS::IAM::Role StaleRole': ['KL-G-OWNERSHIP [ReviewBy::2026-06-30]: review-by 2026-06-30 has passed (today is 2026-11-22)'],
  'insecure/aws-ownership.template.json AWS::IAM::User FreeTextDateUser': ['KL-G-OWNERSHIP [ReviewBy::next quarter]: review-by next quarter is not a YYYY-MM-DD date'],

  // CloudFormation (JSON): EKS IRSA.
  'insecure/aws-irsa.template.json AWS::IAM::Role ApiRole': ['KL-G-SHARED-IDENTITY [Subject::system:serviceaccount:payments:api]: system:serviceaccount:payments:api is also trusted by ApiReportsRole'],
  'insecure/aws-irsa.template.json AWS::IAM::Role ApiReportsRole': ['KL-G-SHARED-IDENTITY [Subject::system:serviceaccount:payments:api]: system:serviceaccount:payments:api is also trusted by ApiRole'],
  'insecure/aws-irsa.template.json AWS::IAM::Role NamespaceRole': [
    'KL-G-FEDERATED-TRUST-UNPINNED [Subject::system:serviceaccount:payments:*]: sub system:serviceaccount:payments:* does not pin the owner and repository literally',
  ],

  // CloudFormation (YAML, short-form !Ref and !Sub).
  'insecure/aws-legacy.template.yaml AWS::IAM::User LegacyDeployUser': ['KL-G-WILDCARD-ACTION [Action::*]: Action *', 'KL-G-WILDCARD-RESOURCE [Action::*]: Resource * for *'],
  'insecure/aws-legacy.template.yaml AWS::IAM::AccessKey LegacyDeployKey': ['KL-G-STATIC-CREDENTIAL [Credential::AWS::IAM::AccessKey]: an IAM access key'],
  'insecure/aws-legacy.template.yaml AWS::IAM::Role PowerRole': ['KL-G-AWS-ADMIN-POLICY [ManagedPolicy::PowerUserAccess]: managed policy PowerUserAccess'],

  // Terraform JSON: AWS.
  'insecure/aws-legacy.tf.json aws_iam_user aws_iam_user.deployer': [],
  'insecure/aws-legacy.tf.json aws_iam_access_key aws_iam_access_key.deployer': ['KL-G-STATIC-CREDENTIAL [Credential::aws_iam_access_key]: an IAM access key'],
  'insecure/aws-legacy.tf.json aws_iam_user_login_profile aws_iam_user_login_profile.deployer': ['KL-G-STATIC-CREDENTIAL [Credential::aws_iam_user_login_profile]: an IAM console password'],
  'insecure/aws-legacy.tf.json aws_iam_policy aws_iam_policy.deploy': ['KL-G-WILDCARD-ACTION [Action::s3:*]: Action s3:*', 'KL-G-WILDCARD-RESOURCE [Action::s3:*]: Resource * for s3:*'],
  'insecure/aws-legacy.tf.json aws_iam_user_policy aws_iam_user_policy.deployer_kms': [
    'KL-G-WILDCARD-RESOURCE [Action::kms:Decrypt]: Resource * for kms:Decrypt',
    'KL-G-WILDCARD-RESOURCE [Action::kms:Encrypt]: Resource * for kms:Encrypt',
  ],
  'insecure/aws-legacy.tf.json aws_iam_role aws_iam_role.github': ['KL-G-FEDERATED-TRUST-UNPINNED [Subject::repo:acme*]: sub repo:acme* does not pin the owner and repository literally'],
  'insecure/aws-legacy.tf.json aws_iam_role aws_iam_role.batch': [
    'KL-G-AWS-ADMIN-POLICY [ManagedPolicy::IAMFullAccess]: managed policy IAMFullAccess',
    'KL-G-SESSION-OVER-TIER [MaxSessionDuration::28800]: MaxSessionDuration 28800 s exceeds 14400 s (tier 2)',
  ],
  'insecure/aws-legacy.tf.json aws_iam_role_policy_attachment aws_iam_role_policy_attachment.github_admin': ['KL-G-AWS-ADMIN-POLICY [ManagedPolicy::AdministratorAccess]: managed policy AdministratorAccess'],

  // Terraform JSON: GCP.
  'insecure/gcp-ci.tf.json google_service_account google_service_account.ci': ['KL-G-OWNERSHIP [Field::review-by]: missing review-by'],
  'insecure/gcp-ci.tf.json google_service_account_key google_service_account_key.ci': ['KL-G-STATIC-CREDENTIAL [Credential::google_service_account_key]: a service account key'],
  'insecure/gcp-ci.tf.json google_project_iam_member google_project_iam_member.ci_editor': [
    'KL-G-GCP-BASIC-ROLE [Member::serviceAccount:ci-deployer@acme-prod.iam.gserviceaccount.com]: roles/editor for serviceAccount:ci-deployer@acme-prod.iam.gserviceaccount.com',
  ],
  'insecure/gcp-ci.tf.json google_project_iam_binding google_project_iam_binding.viewers': [
    'KL-G-GCP-BASIC-ROLE [Member::user:alice@acme.example]: roles/viewer for user:alice@acme.example',
    'KL-G-GCP-BASIC-ROLE [Member::principal://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/subject/repo:acme/payments-api:ref:refs/heads/main]: roles/viewer for principal://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/subject/repo:acme/payments-api:ref:refs/heads/main',
  ],
  'insecure/gcp-ci.tf.json google_service_account_iam_member google_service_account_iam_member.whole_pool': [
    'KL-G-GCP-PRINCIPALSET-WILDCARD [Member::principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/*]: member principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github/*',
  ],
  'insecure/gcp-ci.tf.json google_iam_workload_identity_pool_provider google_iam_workload_identity_pool_provider.github_open': [
    'KL-G-GCP-PROVIDER-UNPINNED [Field::attribute_condition]: provider for https://token.actions.githubusercontent.com has no attribute_condition',
  ],
  'insecure/gcp-ci.tf.json google_iam_workload_identity_pool_provider google_iam_workload_identity_pool_provider.github_bypass': [
    'KL-G-GCP-PROVIDER-UNPINNED [Condition::assertion.repository_owner_id == \'1342004\' && assertion.repository_id == \'86301532\' || assertion.ref == \'refs/heads/main\']: attribute_condition of the provider for https://token.actions.githubusercontent.com has a top-level || that bypasses the owner pin: assertion.repository_owner_id == \'1342004\' && assertion.repository_id == \'86301532\' || assertion.ref == \'refs/heads/main\'',
  ],
  'insecure/gcp-ci.tf.json google_iam_workload_identity_pool_provider google_iam_workload_identity_pool_provider.github_by_sub_only': [
    'KL-G-GCP-PROVIDER-UNPINNED [Condition::assertion.sub.startsWith(\'repo:acme/\')]: attribute_condition of the provider for https://token.actions.githubusercontent.com pins no owner: assertion.sub.startsWith(\'repo:acme/\')',
  ],
  'insecure/gcp-ci.tf.json google_iam_workload_identity_pool_provider google_iam_workload_identity_pool_provider.gitlab_open': [
    'KL-G-GCP-PROVIDER-UNPINNED [Field::attribute_condition]: provider for https://gitlab.com has no attribute_condition',
  ],

  // Terraform JSON: Azure.
  'insecure/azure-ci.tf.json azurerm_user_assigned_identity azurerm_user_assigned_identity.deployer': ['KL-G-OWNERSHIP [Field::environment]: missing environment', 'KL-G-OWNERSHIP [Field::review-by]: missing review-by'],
  'insecure/azure-ci.tf.json azurerm_federated_identity_credential azurerm_federated_identity_credential.custom_audience': [
    'KL-G-AZURE-FIC-AUDIENCE [Audience::api://acme-deployer]: audience ["api://acme-deployer"]',
  ],
  'insecure/azure-ci.tf.json azuread_application_federated_identity_credential azuread_application_federated_identity_credential.wildcard_subject': [
    'KL-G-AZURE-FIC-AUDIENCE [Subject::repo:acme/payments-api:ref:refs/heads/*]: subject repo:acme/payments-api:ref:refs/heads/* contains a wildcard',
  ],
  'insecure/azure-ci.tf.json azuread_application_federated_identity_credential azuread_application_federated_identity_credential.two_audiences': [
    'KL-G-AZURE-FIC-AUDIENCE [Audience::api://AzureADTokenExchange,https://management.azure.com]: audience ["api://AzureADTokenExchange","https://management.azure.com"]',
  ],
  'insecure/azure-ci.tf.json azuread_application_password azuread_application_password.ci': ['KL-G-STATIC-CREDENTIAL [Credential::azuread_application_password]: an application client secret'],
  'insecure/azure-ci.tf.json azuread_service_principal_certificate azuread_service_principal_certificate.ci': [
    'KL-G-STATIC-CREDENTIAL [Credential::azuread_service_principal_certificate]: a service principal certificate credential',
  ],

  // Kubernetes (YAML): workloads and ServiceAccounts.
  'insecure/k8s-workloads.yaml Pod apps/debug': [
    'KL-G-K8S-AUTOMOUNT [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is "unset (true)"',
    'KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccount:apps:default]: pod runs as the default ServiceAccount (serviceAccountName unset)',
  ],
  'insecure/k8s-workloads.yaml Deployment apps/web': [
    'KL-G-K8S-AUTOMOUNT [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is true',
    'KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccount:apps:default]: pod runs as the default ServiceAccount',
  ],
  'insecure/k8s-workloads.yaml CronJob apps/report': ['KL-G-K8S-AUTOMOUNT [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is "unset (true)"'],
  'insecure/k8s-workloads.yaml ServiceAccount apps/default': ['KL-G-K8S-DEFAULT-SA [Field::automountServiceAccountToken]: default ServiceAccount does not set automountServiceAccountToken: false'],
  'insecure/k8s-workloads.yaml ServiceAccount apps/reporter': [],
  'insecure/k8s-workloads.yaml ServiceAccount apps/legacy-sync': ['KL-G-OWNERSHIP [Field::environment]: missing environment', 'KL-G-OWNERSHIP [Field::owner]: missing owner', 'KL-G-OWNERSHIP [Field::review-by]: missing review-by'],
  'insecure/k8s-workloads.yaml ServiceAccount apps/stale-sync': ['KL-G-OWNERSHIP [ReviewBy::2026-10-01]: review-by 2026-10-01 has passed (today is 2026-11-22)'],

  // Kubernetes (YAML): one ServiceAccount, two Deployments.
  'insecure/k8s-shared.yaml ServiceAccount payments/payments': [],
  'insecure/k8s-shared.yaml Deployment payments/api': ['KL-G-SHARED-IDENTITY [Subject::system:serviceaccount:payments:payments]: ServiceAccount payments/payments is also used by Deployment payments/worker'],
  'insecure/k8s-shared.yaml Deployment payments/worker': ['KL-G-SHARED-IDENTITY [Subject::system:serviceaccount:payments:payments]: ServiceAccount payments/payments is also used by Deployment payments/api'],

  // Kubernetes (YAML): RBAC.
  'insecure/k8s-rbac.yaml ClusterRole ops-everything': [
    'KL-G-K8S-RBAC-WILDCARD [Rules[0].ApiGroup::*]: rules[0].apiGroups contains *',
    'KL-G-K8S-RBAC-WILDCARD [Rules[0].Resource::*]: rules[0].resources contains *',
    'KL-G-K8S-RBAC-WILDCARD [Rules[0].Verb::*]: rules[0].verbs contains *',
  ],
  'insecure/k8s-rbac.yaml Role apps/config-editor': ['KL-G-K8S-RBAC-WILDCARD [Rules[1].Verb::*]: rules[1].verbs contains *'],
  'insecure/k8s-rbac.yaml ClusterRoleBinding deployer-cluster-admin': ['KL-G-K8S-CLUSTER-ADMIN [RoleRef::cluster-admin]: ClusterRoleBinding to cluster-admin'],
  'insecure/k8s-rbac.yaml RoleBinding apps/default-config-editor': ['KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccount:apps:default]: binds ServiceAccount apps/default'],
  'insecure/k8s-rbac.yaml ClusterRoleBinding all-service-accounts-view': [
    'KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccounts]: binds group system:serviceaccounts (every service account, including default)',
  ],
  'insecure/k8s-rbac.yaml RoleBinding apps/apps-admin': [
    'KL-G-K8S-CLUSTER-ADMIN [RoleRef::cluster-admin]: RoleBinding to cluster-admin',
    'KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccounts:apps]: binds group system:serviceaccounts:apps (every service account, including default)',
  ],

  // Issue 16: AWS trusts (Terraform JSON), GCP impersonation and default service accounts, RBAC escalation.
  'insecure/aws-trusts.tf.json aws_iam_role aws_iam_role.anyone': [
    'KL-G-AWS-PRINCIPAL-WILDCARD [Principal::*]: Principal * admits every user and role of every AWS account, and no condition narrows it to an organization, account, principal or source',
  ],
  'insecure/aws-trusts.tf.json aws_iam_role aws_iam_role.break_glass': [
    'KL-G-AWS-BREAK-GLASS-MFA [Statement[0].Condition::aws:MultiFactorAuthPresent]: trust statement 0 ({"AWS":"arn:aws:iam::111122223333:user/alice"}) has no Bool aws:MultiFactorAuthPresent "true" condition: the role can be assumed without MFA',
  ],
  'insecure/aws-trusts.tf.json aws_iam_role_policy aws_iam_role_policy.deploy': [
    'KL-G-POLICY-UNREADABLE [Field::policy]: policy is ${data.aws_iam_policy_document.deploy.json}, which is not a JSON policy document',
  ],
  'insecure/aws-trusts.tf.json aws_iam_role aws_iam_role.pods': [
    'KL-G-AWS-POD-IDENTITY-UNSCOPED [Condition::aws:RequestTag/kubernetes-namespace]: Pod Identity trust has no positive aws:RequestTag/kubernetes-namespace condition: pods of every namespace can be given the role',
    'KL-G-AWS-POD-IDENTITY-UNSCOPED [Condition::aws:RequestTag/kubernetes-service-account]: Pod Identity trust has no positive aws:RequestTag/kubernetes-service-account condition: pods of every service account can be given the role',
  ],
  'insecure/gcp-impersonation.tf.json google_project_iam_member google_project_iam_member.default_compute': [
    'KL-G-GCP-DEFAULT-SA [Member::serviceAccount:123456789012-compute@developer.gserviceaccount.com]: roles/storage.admin for serviceAccount:123456789012-compute@developer.gserviceaccount.com, the Compute Engine default service account',
  ],
  'insecure/gcp-impersonation.tf.json google_project_iam_member google_project_iam_member.token_creator': [
    'KL-G-GCP-SA-IMPERSONATION [Member::group:developers@acme.example]: roles/iam.serviceAccountTokenCreator on project acme-prod for group:developers@acme.example: impersonates every service account there',
  ],
  'insecure/k8s-escalation.yaml ClusterRole role-granter': [
    'KL-G-K8S-RBAC-ESCALATION [Rules[0].Verb::bind]: rules[0] grants bind on clusterroles',
    'KL-G-K8S-RBAC-ESCALATION [Rules[0].Verb::escalate]: rules[0] grants escalate on clusterroles',
    'KL-G-K8S-RBAC-ESCALATION [Rules[1].Verb::impersonate]: rules[1] grants impersonate on serviceaccounts',
  ],

  // Kubernetes (JSON `List`).
  'insecure/k8s-list.json DaemonSet kube-system/node-agent': [
    'KL-G-K8S-AUTOMOUNT [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is "unset (true)"',
    'KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccount:kube-system:default]: pod runs as the default ServiceAccount',
  ],
  'insecure/k8s-list.json Job payments/migrate': [],
};

describe('guardrail corpus: hand-written insecure output', () => {
  const corpus = load('insecure');

  test('every file is recognised, in the three formats, including a YAML CloudFormation template and a JSON Kubernetes List', () => {
    expect(corpus.files).toEqual([
      { file: 'insecure/aws-github-trust.template.json', format: 'cloudformation' },
      { file: 'insecure/aws-irsa.template.json', format: 'cloudformation' },
      { file: 'insecure/aws-legacy.template.yaml', format: 'cloudformation' },
      { file: 'insecure/aws-legacy.tf.json', format: 'terraform' },
      { file: 'insecure/aws-ownership.template.json', format: 'cloudformation' },
      { file: 'insecure/aws-permissions.template.json', format: 'cloudformation' },
      { file: 'insecure/aws-static-credentials.template.json', format: 'cloudformation' },
      { file: 'insecure/aws-trusts.tf.json', format: 'terraform' },
      { file: 'insecure/azure-ci.tf.json', format: 'terraform' },
      { file: 'insecure/gcp-ci.tf.json', format: 'terraform' },
      { file: 'insecure/gcp-impersonation.tf.json', format: 'terraform' },
      { file: 'insecure/k8s-escalation.yaml', format: 'kubernetes' },
      { file: 'insecure/k8s-list.json', format: 'kubernetes' },
      { file: 'insecure/k8s-rbac.yaml', format: 'kubernetes' },
      { file: 'insecure/k8s-shared.yaml', format: 'kubernetes' },
      { file: 'insecure/k8s-workloads.yaml', format: 'kubernetes' },
    ]);
  });

  test('lists exactly the resources read (nothing unexpected, nothing missing)', () => {
    expect([...corpus.byResource.keys()].sort()).toEqual(Object.keys(INSECURE).sort());
    expect(corpus.report.resourcesChecked).toBe(Object.keys(INSECURE).length);
  });

  test('holds at least 25 insecure resources, in every format, covering every rule', () => {
    const insecure = Object.entries(INSECURE).filter(([, findings]) => findings.length > 0);
    expect(insecure.length).toBeGreaterThanOrEqual(25);
    const formats = new Set(insecure.map(([key]) => corpus.resources.find((r) => keyOf(r.file, r.type, r.id) === key)!.format));
    expect([...formats].sort()).toEqual(['cloudformation', 'kubernetes', 'terraform']);
    const rules = new Set(insecure.flatMap(([, findings]) => findings.map((f) => f.slice(0, f.indexOf(' ')))));
    expect([...rules].sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
  });

  test.each(Object.entries(INSECURE))('%s', (key, expected) => {
    expect(corpus.byResource.get(key)).toEqual([...expected].sort());
  });

  test('findings carry the rule fix and no exception problems', () => {
    expect(corpus.report.exceptionErrors).toEqual([]);
    expect(corpus.report.excepted).toEqual([]);
    for (const finding of corpus.report.findings) expect(finding.fix.length).toBeGreaterThan(10);
  });
});

describe('guardrail corpus: hand-written secure output', () => {
  const corpus = load('secure');

  test('every file is recognised', () => {
    expect(corpus.files).toEqual([
      { file: 'secure/aws-ci.template.json', format: 'cloudformation' },
      { file: 'secure/aws-ci.tf.json', format: 'terraform' },
      { file: 'secure/aws-gitlab.template.yaml', format: 'cloudformation' },
      { file: 'secure/azure-ci.tf.json', format: 'terraform' },
      { file: 'secure/gcp-ci.tf.json', format: 'terraform' },
      { file: 'secure/k8s-payments.yaml', format: 'kubernetes' },
    ]);
    expect(corpus.report.resourcesChecked).toBe(29);
  });

  test('yields zero findings', () => {
    expect(corpus.report.findings.map((f) => `${f.file} ${f.resource} ${line(f)}`)).toEqual([]);
    expect(corpus.report.exceptionErrors).toEqual([]);
  });
});

/** Insecure resources an earlier version of the rules missed: each is caught now, and must stay caught. */
describe('guardrail corpus: regressions (once missed)', () => {
  const corpus = load('regressions');
  const ruleIds = (key: string): string[] => (corpus.byResource.get(key) ?? []).map((f) => f.slice(0, f.indexOf(' ')));

  test('every file is recognised and every resource read', () => {
    expect(corpus.files.map((f) => f.format).sort()).toEqual(['cloudformation', 'cloudformation', 'cloudformation', 'cloudformation', 'kubernetes', 'terraform', 'terraform']);
    expect(corpus.report.resourcesChecked).toBe(9);
  });

  // permissionStatements() reads AWS::IAM::Policy, ManagedPolicy and the Policies of Role/User/Group, but not
  // AWS::IAM::RolePolicy, AWS::IAM::UserPolicy or AWS::IAM::GroupPolicy (CloudFormation types since 2023).
  test('AWS::IAM::RolePolicy with Action * on Resource * is reported', () => {
    expect(corpus.byResource.get('regressions/aws-role-policy.template.json AWS::IAM::RolePolicy AdminInlinePolicy'))
      .toEqual(['KL-G-WILDCARD-ACTION [Action::*]: Action *', 'KL-G-WILDCARD-RESOURCE [Action::*]: Resource * for *']);
  });

  // literal() flattens Fn::Join and Ref but renders Fn::Sub as `${{"Fn::Sub":…}}`, so the ARN never ends with the
  // policy name and the ADMIN pattern does not match. Fn::Sub is the usual way to write a partition-aware ARN.
  test('a managed policy ARN written with Fn::Sub is reported', () => {
    expect(corpus.byResource.get('regressions/aws-sub-arn.template.json AWS::IAM::Role SubAdminRole')).toEqual(['KL-G-AWS-ADMIN-POLICY [ManagedPolicy::AdministratorAccess]: managed policy AdministratorAccess']);
  });

  // readers.ts parses YAML with the default schema: `!Join [...]` becomes a bare array and `!Ref X` the string "X",
  // so the intrinsic is lost before any rule runs. (`!Sub '...'` survives only by accident, as its string.)
  test('a YAML template with short-form !Join/!Ref ARNs is reported', () => {
    expect(corpus.byResource.get('regressions/aws-short-join.template.yaml AWS::IAM::Role JoinAdminRole')).toEqual(['KL-G-AWS-ADMIN-POLICY [ManagedPolicy::AdministratorAccess]: managed policy AdministratorAccess']);
  });

  // KL-G-AWS-ADMIN-POLICY reads aws_iam_{role,user,group}_policy_attachment but not aws_iam_policy_attachment.
  test('aws_iam_policy_attachment of AdministratorAccess is reported', () => {
    expect(corpus.byResource.get('regressions/aws-policy-attachment.tf.json aws_iam_policy_attachment aws_iam_policy_attachment.admins'))
      .toEqual(['KL-G-AWS-ADMIN-POLICY [ManagedPolicy::AdministratorAccess]: managed policy AdministratorAccess']);
  });

  // ForAllValues:StringLike is vacuously true when the key is absent and "*" matches everything; the rule flags
  // ForAnyValue/IfExists only, and skips wildcard values whose operator does not start with "StringLike".
  test('a sub under ForAllValues:StringLike "*" is reported', () => {
    expect(ruleIds('regressions/aws-trust-operators.template.json AWS::IAM::Role AllValuesRole')).toContain('KL-G-FEDERATED-TRUST-UNPINNED');
  });

  // StringNotEquals on sub admits every repository except one, but the rule counts any operator on `:sub` as a pin.
  test('a sub condition under StringNotEquals (a negation, not a pin) is reported', () => {
    expect(ruleIds('regressions/aws-trust-operators.template.json AWS::IAM::Role NegatedSubRole')).toContain('KL-G-FEDERATED-TRUST-UNPINNED');
  });

  // The rule only looks at statements whose Action is exactly sts:AssumeRoleWithWebIdentity, sts:* or *; IAM
  // action matching is case-insensitive and allows wildcards such as sts:AssumeRoleWith*.
  test('a federated trust with Action sts:AssumeRoleWith* and no sub is reported', () => {
    expect(corpus.byResource.get('regressions/aws-trust-operators.template.json AWS::IAM::Role WildcardActionTrustRole')).toEqual([
      'KL-G-FEDERATED-TRUST-UNPINNED [Condition::token.actions.githubusercontent.com:sub]: trust of token.actions.githubusercontent.com has no sub condition: every token of the issuer is admitted',
    ]);
  });

  // The rule removes parenthesised groups to find a top-level ||, but accepts an owner pin found anywhere, including
  // inside a group that is itself an alternative: `(owner == X || anything)` admits every owner.
  test('an owner pin inside a parenthesised || group is reported', () => {
    expect(ruleIds('regressions/gcp-grouped-or.tf.json google_iam_workload_identity_pool_provider google_iam_workload_identity_pool_provider.github_grouped_bypass'))
      .toContain('KL-G-GCP-PROVIDER-UNPINNED');
  });

  // A Secret of type kubernetes.io/service-account-token is a non-expiring Kubernetes API credential: the
  // long-lived static credential KL-G-STATIC-CREDENTIAL describes.
  test('a legacy ServiceAccount token Secret is reported as a static credential', () => {
    expect(ruleIds('regressions/k8s-token-secret.yaml Secret ci/deployer-token')).toEqual(['KL-G-STATIC-CREDENTIAL']);
  });
});
