/**
 * Cases of the GCP, Kubernetes and Azure rules of issue 16: KL-G-GCP-BASIC-ROLE for every member and policy documents,
 * KL-G-GCP-SA-IMPERSONATION, KL-G-GCP-DEFAULT-SA, KL-G-K8S-RBAC-ESCALATION, the audience and subject shape of
 * KL-G-AZURE-FIC-AUDIENCE, and the Kubernetes rules on Terraform `kubernetes_*` resources (hashicorp/kubernetes
 * provider: nested blocks as one-object lists or objects, snake_case attributes). Resources are written as they
 * appear in Terraform JSON and Kubernetes manifests.
 */
import type { AddCase, CaseBuilders } from './builders';

const SA_EMAIL = 'ci@acme-prod.iam.gserviceaccount.com';
const COMPUTE_DEFAULT = '123456789012-compute@developer.gserviceaccount.com';
const APP_ENGINE_DEFAULT = 'acme-prod@appspot.gserviceaccount.com';
const POOL = 'principalSet://iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/github';
const EVERY_SA = 'impersonates every service account there';
const GITHUB_SHAPE = 'repo:OWNER/REPO:CONTEXT (environment:E, ref:refs/heads/B, pull_request…)';
const AKS_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/11111111-1111-1111-1111-111111111111/';

export function cases(add: AddCase, b: CaseBuilders): void {
  const { tf, k8s, cfn } = b;
  const sa = tf('google_service_account', 'ci', { account_id: 'ci', project: 'acme-prod' });

  // KL-G-GCP-BASIC-ROLE: every member, policy documents (the rules.test.ts cases hold the machine members).
  {
    const id = 'KL-G-GCP-BASIC-ROLE';
    add(id, 'finding', 'roles/editor for a user (was: compliant, only machine identities were flagged)', tf('google_project_iam_member', 'alice', {
      project: 'acme-dev', role: 'roles/editor', member: 'user:alice@acme.example',
    }), [['Member::user:alice@acme.example', 'roles/editor for user:alice@acme.example']]);
    add(id, 'finding', 'roles/viewer binding for a group, a domain and allAuthenticatedUsers', tf('google_project_iam_binding', 'viewers', {
      project: 'acme-prod', role: 'roles/viewer', members: ['group:eng@acme.example', 'domain:acme.example', 'allAuthenticatedUsers'],
    }), [
      ['Member::group:eng@acme.example', 'roles/viewer for group:eng@acme.example'],
      ['Member::domain:acme.example', 'roles/viewer for domain:acme.example'],
      ['Member::allAuthenticatedUsers', 'roles/viewer for allAuthenticatedUsers'],
    ]);
    add(id, 'finding', 'roles/owner on an organization for allUsers', tf('google_organization_iam_member', 'owner', {
      org_id: '1234567', role: 'roles/owner', member: 'allUsers',
    }), [['Member::allUsers', 'roles/owner for allUsers']]);
    add(id, 'finding', 'roles/owner for a reference that names no machine identity (was: compliant)', tf('google_project_iam_member', 'owner', {
      project: 'acme-prod', role: 'roles/owner', member: '${var.break_glass_group}',
    }), [['Member::${var.break_glass_group}', 'roles/owner for ${var.break_glass_group}']]);
    add(id, 'finding', 'google_project_iam_policy with a literal policy_data: keys carry the binding index', tf('google_project_iam_policy', 'project', {
      project: 'acme-prod',
      policy_data: JSON.stringify({
        bindings: [
          { role: 'roles/storage.objectViewer', members: ['user:bob@acme.example'] },
          { role: 'roles/editor', members: ['user:bob@acme.example', 'serviceAccount:${google_service_account.ci.email}'] },
          { role: 'roles/owner', members: ['user:bob@acme.example'] },
        ],
      }),
    }), [
      ['Bindings[1].Member::user:bob@acme.example', 'roles/editor for user:bob@acme.example'],
      ['Bindings[1].Member::serviceAccount:${google_service_account.ci.email}', `roles/editor for serviceAccount:\${google_service_account.ci.email} (serviceAccount:${SA_EMAIL})`],
      ['Bindings[2].Member::user:bob@acme.example', 'roles/owner for user:bob@acme.example'],
    ], [sa]);
    add(id, 'finding', 'google_folder_iam_policy with policy_data as an object', tf('google_folder_iam_policy', 'folder', {
      folder: 'folders/42', policy_data: { bindings: [{ role: 'roles/viewer', members: ['group:audit@acme.example'] }] },
    }), [['Bindings[0].Member::group:audit@acme.example', 'roles/viewer for group:audit@acme.example']]);
    add(id, 'compliant', 'a policy document of predefined roles only', tf('google_project_iam_policy', 'project', {
      project: 'acme-prod', policy_data: JSON.stringify({ bindings: [{ role: 'roles/logging.viewer', members: ['group:sre@acme.example'] }] }),
    }), []);
    add(id, 'compliant', 'a predefined role for a domain', tf('google_project_iam_member', 'logs', { project: 'acme-prod', role: 'roles/logging.viewer', member: 'domain:acme.example' }), []);
    const projectPolicy = tf('google_project_iam_policy', 'project', { project: 'acme-prod', policy_data: '${data.google_iam_policy.admin.policy_data}' });
    const adminPolicy = {
      ...tf('google_iam_policy', 'admin', {
        binding: [{ role: 'roles/compute.admin', members: ['group:sre@acme.example'] }, { role: 'roles/owner', members: ['user:erin@acme.example'] }],
      }),
      type: 'data.google_iam_policy',
      id: 'data.google_iam_policy.admin',
    };
    add(id, 'finding', 'a policy document read from a data "google_iam_policy" of the same file (binding blocks)', projectPolicy,
      [['Bindings[1].Member::user:erin@acme.example', 'roles/owner for user:erin@acme.example']], [adminPolicy]);
    add(id, 'not applicable', 'a policy document given as a reference that is not in the output (KL-G-POLICY-UNREADABLE\'s concern)', projectPolicy, []);
    add(id, 'not applicable', 'the data "google_iam_policy" itself', adminPolicy, []);
    add(id, 'not applicable', 'a policy document that is not JSON', tf('google_project_iam_policy', 'project', { project: 'acme-prod', policy_data: 'bindings: []' }), []);
  }

  // KL-G-GCP-PRINCIPALSET-WILDCARD reads the members of literal policy documents too (synth gcpMembers).
  add('KL-G-GCP-PRINCIPALSET-WILDCARD', 'finding', 'a whole pool in a service account policy document', tf('google_service_account_iam_policy', 'ci', {
    service_account_id: `projects/acme-prod/serviceAccounts/${SA_EMAIL}`,
    policy_data: JSON.stringify({ bindings: [{ role: 'roles/iam.workloadIdentityUser', members: [`${POOL}/*`] }, { role: 'roles/iam.serviceAccountTokenCreator', members: [`${POOL}/*`] }] }),
  }), [[`Member::${POOL}/*`, `member ${POOL}/*`]]);

  // KL-G-GCP-SA-IMPERSONATION
  {
    const id = 'KL-G-GCP-SA-IMPERSONATION';
    add(id, 'finding', 'serviceAccountUser on a project for a user (CKV_GCP_41/49)', tf('google_project_iam_member', 'deployer', {
      project: 'acme-prod', role: 'roles/iam.serviceAccountUser', member: 'user:alice@acme.example',
    }), [['Member::user:alice@acme.example', `roles/iam.serviceAccountUser on project acme-prod for user:alice@acme.example: ${EVERY_SA}`]]);
    add(id, 'finding', 'serviceAccountTokenCreator on a project for a service account reference, project from the provider', tf('google_project_iam_member', 'minter', {
      role: 'roles/iam.serviceAccountTokenCreator', member: '${google_service_account.ci.member}',
    }), [['Member::${google_service_account.ci.member}', `roles/iam.serviceAccountTokenCreator on project (the provider's project) for \${google_service_account.ci.member} (serviceAccount:${SA_EMAIL}): ${EVERY_SA}`]], [sa]);
    add(id, 'finding', 'serviceAccountTokenCreator on a folder for a group and a service account (CKV_GCP_44)', tf('google_folder_iam_binding', 'minters', {
      folder: 'folders/42', role: 'roles/iam.serviceAccountTokenCreator', members: ['group:platform@acme.example', `serviceAccount:${SA_EMAIL}`],
    }), [
      ['Member::group:platform@acme.example', `roles/iam.serviceAccountTokenCreator on folder folders/42 for group:platform@acme.example: ${EVERY_SA}`],
      [`Member::serviceAccount:${SA_EMAIL}`, `roles/iam.serviceAccountTokenCreator on folder folders/42 for serviceAccount:${SA_EMAIL}: ${EVERY_SA}`],
    ]);
    add(id, 'finding', 'serviceAccountKeyAdmin on an organization (CKV_GCP_45)', tf('google_organization_iam_member', 'keys', {
      org_id: '1234567', role: 'roles/iam.serviceAccountKeyAdmin', member: 'user:ops@acme.example',
    }), [['Member::user:ops@acme.example', `roles/iam.serviceAccountKeyAdmin on organization 1234567 for user:ops@acme.example: ${EVERY_SA}`]]);
    add(id, 'finding', 'projectIamAdmin on a project (it grants itself any role there)', tf('google_project_iam_binding', 'admins', {
      project: 'acme-prod', role: 'roles/resourcemanager.projectIamAdmin', members: ['user:frank@acme.example'],
    }), [['Member::user:frank@acme.example', `roles/resourcemanager.projectIamAdmin on project acme-prod for user:frank@acme.example: ${EVERY_SA}`]]);
    add(id, 'finding', 'roles/iam.securityAdmin on one service account for a group (it sets the account\'s policy)', tf('google_service_account_iam_member', 'sec', {
      service_account_id: `projects/acme-prod/serviceAccounts/${SA_EMAIL}`, role: 'roles/iam.securityAdmin', member: 'group:security@acme.example',
    }), [['Member::group:security@acme.example', `roles/iam.securityAdmin on service account projects/acme-prod/serviceAccounts/${SA_EMAIL} for group:security@acme.example: every member of group:security@acme.example can act as the service account`]]);
    add(id, 'compliant', 'dataproc.editor on one bucket (only projects, folders, organizations and service accounts count)', tf('google_storage_bucket_iam_member', 'b', {
      bucket: 'acme-jobs', role: 'roles/dataproc.editor', member: 'group:data@acme.example',
    }), []);
    add(id, 'finding', 'serviceAccountUser in a project policy document', tf('google_project_iam_policy', 'project', {
      project: 'acme-prod', policy_data: JSON.stringify({ bindings: [{ role: 'roles/iam.serviceAccountUser', members: ['user:carol@acme.example'] }] }),
    }), [['Bindings[0].Member::user:carol@acme.example', `roles/iam.serviceAccountUser on project acme-prod for user:carol@acme.example: ${EVERY_SA}`]]);
    const onSa = (role: string, members: string[]) => tf('google_service_account_iam_binding', 'users', {
      service_account_id: `projects/acme-prod/serviceAccounts/${SA_EMAIL}`, role, members,
    });
    add(id, 'finding', 'serviceAccountTokenCreator on one service account for allUsers, allAuthenticatedUsers, a domain and a group', onSa('roles/iam.serviceAccountTokenCreator', [
      'allUsers', 'allAuthenticatedUsers', 'domain:acme.example', 'group:eng@acme.example', 'user:dave@acme.example',
    ]), [
      ['Member::allUsers', `roles/iam.serviceAccountTokenCreator on service account projects/acme-prod/serviceAccounts/${SA_EMAIL} for allUsers: anyone on the internet can act as the service account`],
      ['Member::allAuthenticatedUsers', `roles/iam.serviceAccountTokenCreator on service account projects/acme-prod/serviceAccounts/${SA_EMAIL} for allAuthenticatedUsers: any Google account can act as the service account`],
      ['Member::domain:acme.example', `roles/iam.serviceAccountTokenCreator on service account projects/acme-prod/serviceAccounts/${SA_EMAIL} for domain:acme.example: every account of acme.example can act as the service account`],
      ['Member::group:eng@acme.example', `roles/iam.serviceAccountTokenCreator on service account projects/acme-prod/serviceAccounts/${SA_EMAIL} for group:eng@acme.example: every member of group:eng@acme.example can act as the service account`],
    ]);
    add(id, 'compliant', 'serviceAccountUser on one service account for one deployer service account', onSa('roles/iam.serviceAccountUser', ['serviceAccount:deployer@acme-prod.iam.gserviceaccount.com']), []);
    add(id, 'compliant', 'workloadIdentityUser on one service account for a repository of a pool (Keyless\'s own grant)', tf('google_service_account_iam_member', 'wif', {
      service_account_id: '${google_service_account.ci.name}', role: 'roles/iam.workloadIdentityUser', member: `${POOL}/attribute.repository_id/86301532`,
    }), [], [sa]);
    add(id, 'compliant', 'a whole pool is KL-G-GCP-PRINCIPALSET-WILDCARD\'s finding, not this rule\'s', tf('google_service_account_iam_member', 'wif', {
      service_account_id: '${google_service_account.ci.name}', role: 'roles/iam.workloadIdentityUser', member: `${POOL}/*`,
    }), [], [sa]);
    add(id, 'compliant', 'a predefined role on a project', tf('google_project_iam_member', 'logs', { project: 'acme-prod', role: 'roles/logging.logWriter', member: `serviceAccount:${SA_EMAIL}` }), []);
    add(id, 'not applicable', 'a service account', sa, []);
    add(id, 'not applicable', 'a Kubernetes RoleBinding', k8s({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'apps' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [] }), []);
  }

  // KL-G-GCP-DEFAULT-SA
  {
    const id = 'KL-G-GCP-DEFAULT-SA';
    add(id, 'finding', 'roles/editor for the Compute Engine default service account (CKV_GCP_46)', tf('google_project_iam_member', 'default', {
      project: 'acme-prod', role: 'roles/editor', member: `serviceAccount:${COMPUTE_DEFAULT}`,
    }), [[`Member::serviceAccount:${COMPUTE_DEFAULT}`, `roles/editor for serviceAccount:${COMPUTE_DEFAULT}, the Compute Engine default service account`]]);
    add(id, 'finding', 'a bucket role for the App Engine default service account among others', tf('google_storage_bucket_iam_binding', 'readers', {
      bucket: 'acme-assets', role: 'roles/storage.objectViewer', members: [`serviceAccount:${SA_EMAIL}`, `serviceAccount:${APP_ENGINE_DEFAULT}`],
    }), [[`Member::serviceAccount:${APP_ENGINE_DEFAULT}`, `roles/storage.objectViewer for serviceAccount:${APP_ENGINE_DEFAULT}, the App Engine default service account`]]);
    add(id, 'finding', 'the default service accounts written with a project number or id reference', tf('google_project_iam_binding', 'refs', {
      project: 'acme-prod',
      role: 'roles/pubsub.publisher',
      members: ['serviceAccount:${data.google_project.p.number}-compute@developer.gserviceaccount.com', 'serviceAccount:${var.project}@appspot.gserviceaccount.com'],
    }), [
      ['Member::serviceAccount:${data.google_project.p.number}-compute@developer.gserviceaccount.com',
        'roles/pubsub.publisher for serviceAccount:${data.google_project.p.number}-compute@developer.gserviceaccount.com, the Compute Engine default service account'],
      ['Member::serviceAccount:${var.project}@appspot.gserviceaccount.com', 'roles/pubsub.publisher for serviceAccount:${var.project}@appspot.gserviceaccount.com, the App Engine default service account'],
    ]);
    add(id, 'compliant', 'a service account of another domain that ends like one', tf('google_project_iam_member', 'lookalike', {
      project: 'acme-prod', role: 'roles/pubsub.publisher', member: 'serviceAccount:compute@developer.acme.example',
    }), []);
    add(id, 'finding', 'members read from the default service account data sources', tf('google_folder_iam_binding', 'f', {
      folder: 'folders/42',
      role: 'roles/logging.logWriter',
      members: ['${data.google_compute_default_service_account.default.member}', 'serviceAccount:${data.google_app_engine_default_service_account.default.email}'],
    }), [
      ['Member::${data.google_compute_default_service_account.default.member}', 'roles/logging.logWriter for ${data.google_compute_default_service_account.default.member}, the Compute Engine default service account'],
      ['Member::serviceAccount:${data.google_app_engine_default_service_account.default.email}', 'roles/logging.logWriter for serviceAccount:${data.google_app_engine_default_service_account.default.email}, the App Engine default service account'],
    ]);
    add(id, 'finding', 'the default service account in an organization policy document', tf('google_organization_iam_policy', 'org', {
      org_id: '1234567', policy_data: JSON.stringify({ bindings: [{ role: 'roles/compute.viewer', members: [`serviceAccount:${COMPUTE_DEFAULT}`] }] }),
    }), [[`Bindings[0].Member::serviceAccount:${COMPUTE_DEFAULT}`, `roles/compute.viewer for serviceAccount:${COMPUTE_DEFAULT}, the Compute Engine default service account`]]);
    const vm = (serviceAccount?: any, type = 'google_compute_instance') => tf(type, 'vm', {
      name: 'vm',
      machine_type: 'e2-small',
      zone: 'europe-west1-b',
      boot_disk: [{ initialize_params: [{ image: 'debian-cloud/debian-12' }] }],
      network_interface: [{ network: 'default' }],
      ...(serviceAccount === undefined ? {} : { service_account: serviceAccount }),
    });
    add(id, 'finding', 'a VM with a service_account block without email (CKV_GCP_30)', vm([{ scopes: ['cloud-platform'] }]),
      [['Field::service_account.email', 'service_account.email is unset: google_compute_instance runs as the Compute Engine default service account']]);
    add(id, 'finding', 'an instance template naming the default service account (block as an object)', vm({ email: COMPUTE_DEFAULT, scopes: ['cloud-platform'] }, 'google_compute_instance_template'),
      [['Field::service_account.email', `service_account.email is the Compute Engine default service account ${COMPUTE_DEFAULT}`]]);
    add(id, 'finding', 'a VM whose email is read from the default service account data source', vm([{ email: '${data.google_compute_default_service_account.default.email}', scopes: [] }]),
      [['Field::service_account.email', 'service_account.email is the Compute Engine default service account ${data.google_compute_default_service_account.default.email}']]);
    add(id, 'finding', 'a GKE node pool without node_config.service_account', tf('google_container_node_pool', 'pool', {
      cluster: 'acme', node_count: 3, node_config: [{ machine_type: 'e2-standard-4', oauth_scopes: ['https://www.googleapis.com/auth/cloud-platform'] }],
    }), [['Field::node_config.service_account', 'node_config.service_account is unset: google_container_node_pool runs as the Compute Engine default service account']]);
    add(id, 'finding', 'a GKE cluster keeping its default node pool without node_config', tf('google_container_cluster', 'acme', { name: 'acme', location: 'europe-west1', initial_node_count: 1 }),
      [['Field::node_config.service_account', 'node_config.service_account is unset: google_container_cluster runs as the Compute Engine default service account']]);
    add(id, 'finding', 'Cloud Run v2 without template.service_account', tf('google_cloud_run_v2_service', 'api', {
      name: 'api', location: 'europe-west1', template: [{ containers: [{ image: 'acme/api' }] }],
    }), [['Field::template.service_account', 'template.service_account is unset: google_cloud_run_v2_service runs as the Compute Engine default service account']]);
    add(id, 'finding', 'Cloud Run (v1) naming the App Engine default service account', tf('google_cloud_run_service', 'api', {
      name: 'api', location: 'europe-west1', template: [{ spec: [{ service_account_name: APP_ENGINE_DEFAULT, containers: [{ image: 'acme/api' }] }] }],
    }), [['Field::template.spec.service_account_name', `template.spec.service_account_name is the App Engine default service account ${APP_ENGINE_DEFAULT}`]]);
    add(id, 'finding', 'a 1st gen Cloud Function without service_account_email', tf('google_cloudfunctions_function', 'fn', { name: 'fn', runtime: 'nodejs20', entry_point: 'handler' }),
      [['Field::service_account_email', 'service_account_email is unset: google_cloudfunctions_function runs as the App Engine default service account']]);
    add(id, 'finding', 'a 2nd gen Cloud Function with an empty service_account_email', tf('google_cloudfunctions2_function', 'fn', {
      name: 'fn', location: 'europe-west1', service_config: { service_account_email: '' },
    }), [['Field::service_config.service_account_email', 'service_config.service_account_email is unset: google_cloudfunctions2_function runs as the Compute Engine default service account']]);
    add(id, 'compliant', 'a VM with a dedicated service account of the same file', vm([{ email: '${google_service_account.ci.email}', scopes: ['cloud-platform'] }]), [], [sa]);
    add(id, 'compliant', 'a VM without a service_account block runs without a service account (CKV_GCP_30 flags it)', vm(), []);
    add(id, 'compliant', 'a VM whose email is a variable (not known here)', vm([{ email: '${var.vm_service_account}' }]), []);
    add(id, 'compliant', 'Cloud Run v2 with a dedicated service account', tf('google_cloud_run_v2_service', 'api', {
      name: 'api', location: 'europe-west1', template: { service_account: SA_EMAIL, containers: [{ image: 'acme/api' }] },
    }), []);
    add(id, 'compliant', 'a role for a dedicated service account', tf('google_project_iam_member', 'logs', { project: 'acme-prod', role: 'roles/logging.logWriter', member: `serviceAccount:${SA_EMAIL}` }), []);
    add(id, 'not applicable', 'a GKE cluster whose default node pool is removed', tf('google_container_cluster', 'acme', { name: 'acme', remove_default_node_pool: true, initial_node_count: 1 }), []);
    add(id, 'not applicable', 'a service account', sa, []);
  }

  // KL-G-K8S-RBAC-ESCALATION
  {
    const id = 'KL-G-K8S-RBAC-ESCALATION';
    const role = (kind: 'Role' | 'ClusterRole', rules: any[]) => k8s({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'apps' } : {}) }, rules,
    });
    add(id, 'finding', 'a ClusterRole that may bind and escalate cluster roles', role('ClusterRole', [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'roles'], verbs: ['get', 'bind', 'escalate'] },
    ]), [['Rules[1].Verb::bind', 'rules[1] grants bind on clusterroles,roles'], ['Rules[1].Verb::escalate', 'rules[1] grants escalate on clusterroles,roles']]);
    add(id, 'finding', 'a Role that may impersonate named service accounts', role('Role', [
      { apiGroups: [''], resources: ['serviceaccounts'], resourceNames: ['deployer'], verbs: ['impersonate'] },
    ]), [['Rules[0].Verb::impersonate', 'rules[0] grants impersonate on serviceaccounts (resourceNames deployer)']]);
    add(id, 'finding', 'a Terraform kubernetes_cluster_role_v1 (rule blocks) that may impersonate users and groups', tf('kubernetes_cluster_role_v1', 'impersonator', {
      metadata: [{ name: 'impersonator' }],
      rule: [{ api_groups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }],
    }), [['Rules[0].Verb::impersonate', 'rules[0] grants impersonate on users,groups']]);
    add(id, 'compliant', 'a * verb is KL-G-K8S-RBAC-WILDCARD\'s finding, not this rule\'s', role('ClusterRole', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]), []);
    add(id, 'compliant', 'reading roles', role('ClusterRole', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['get', 'list', 'watch'] }]), []);
    add(id, 'not applicable', 'a RoleBinding', k8s({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'apps' }, roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [] }), []);
    add(id, 'not applicable', 'a CloudFormation resource of type ClusterRole', cfn('ClusterRole', { rules: [{ verbs: ['bind'] }] }), []);
  }

  // KL-G-AZURE-FIC-AUDIENCE: audience wording and subject shapes.
  {
    const id = 'KL-G-AZURE-FIC-AUDIENCE';
    const AUDIENCE = ['api://AzureADTokenExchange'];
    const fic = (issuer: string, subject: unknown, audience: unknown = AUDIENCE) => tf('azurerm_federated_identity_credential', 'ci', {
      name: 'ci',
      resource_group_name: 'rg',
      parent_id: '${azurerm_user_assigned_identity.ci.id}',
      issuer,
      audience,
      ...(subject === undefined ? {} : { subject }),
    });
    const GH = 'https://token.actions.githubusercontent.com';
    add(id, 'finding', 'an empty audience list says "no audience"', fic(GH, 'repo:acme/app:environment:production', []), [['Audience::', 'no audience']]);
    add(id, 'finding', 'no subject at all', fic(GH, undefined), [['Subject::', 'no subject']]);
    add(id, 'finding', 'a blank subject', fic(GH, ' '), [['Subject:: ', 'no subject']]);
    add(id, 'finding', 'a GitHub subject without repository', fic(GH, 'repo:acme'),
      [['Subject::repo:acme', `subject repo:acme is not a GitHub Actions subject of one repository (${GITHUB_SHAPE})`]]);
    add(id, 'finding', 'a GitHub subject without the repo: prefix (GitHub enterprise issuer)', fic(`${GH}/acme-enterprise`, 'acme/app:ref:refs/heads/main'),
      [['Subject::acme/app:ref:refs/heads/main', `subject acme/app:ref:refs/heads/main is not a GitHub Actions subject of one repository (${GITHUB_SHAPE})`]]);
    add(id, 'finding', 'a GitHub subject with nothing after the repository', fic(GH, 'repo:acme/app:'),
      [['Subject::repo:acme/app:', `subject repo:acme/app: is not a GitHub Actions subject of one repository (${GITHUB_SHAPE})`]]);
    add(id, 'finding', 'a GitLab issuer with a GitHub-shaped subject', fic('https://gitlab.com', 'repo:acme/app:ref:refs/heads/main'),
      [['Subject::repo:acme/app:ref:refs/heads/main', 'subject repo:acme/app:ref:refs/heads/main is not a GitLab subject of one repository (project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF)']]);
    add(id, 'finding', 'an AKS issuer with a subject that is no service account', fic(AKS_ISSUER, 'payments/api'),
      [['Subject::payments/api', 'subject payments/api is not a Kubernetes subject of one service account (system:serviceaccount:NAMESPACE:NAME)']]);
    add(id, 'finding', 'a Kubernetes subject with an invalid namespace (any issuer)', fic('https://issuer.acme.example', 'system:serviceaccount:Payments:api'),
      [['Subject::system:serviceaccount:Payments:api', 'subject system:serviceaccount:Payments:api is not system:serviceaccount:NAMESPACE:NAME with a valid namespace and service account name']]);
    add(id, 'finding', 'a Kubernetes subject with a name part missing', fic(AKS_ISSUER, 'system:serviceaccount:payments'),
      [['Subject::system:serviceaccount:payments', 'subject system:serviceaccount:payments is not system:serviceaccount:NAMESPACE:NAME with a valid namespace and service account name']]);
    add(id, 'finding', 'a subject longer than Entra ID accepts', fic('https://issuer.acme.example', `urn:${'x'.repeat(600)}`),
      [[`Subject::urn:${'x'.repeat(600)}`, 'subject is 604 characters (Entra ID accepts at most 600)']]);
    add(id, 'compliant', 'an AKS service account subject', fic(AKS_ISSUER, 'system:serviceaccount:payments:api-server'), []);
    add(id, 'compliant', 'an EKS issuer and a dotted service account name', fic('https://oidc.eks.eu-west-1.amazonaws.com/id/5C0A1D7E', 'system:serviceaccount:payments:api.v2'), []);
    add(id, 'compliant', 'a GitHub subject by immutable ids', fic(GH, 'repo:acme@1342004/payments-api@86301532:environment:production'), []);
    add(id, 'compliant', 'a GitHub pull_request subject of one repository', fic(GH, 'repo:acme/app:pull_request'), []);
    add(id, 'compliant', 'a GitLab project subject', fic('https://gitlab.com/', 'project_path:acme/finance/ledger:ref_type:branch:ref:main'), []);
    add(id, 'compliant', 'another issuer\'s free-form subject is its own grammar (matched exactly by Entra ID)', fic('https://issuer.acme.example', 'urn:acme:deployer'), []);
    add(id, 'compliant', 'a subject given as a reference is not read', fic(GH, '${var.subject}'), []);
    add(id, 'not applicable', 'a role assignment', tf('azurerm_role_assignment', 'ci', { scope: '/subscriptions/x', role_definition_name: 'Reader', principal_id: 'p' }), []);
  }

  // The Kubernetes rules on Terraform kubernetes_* resources (test/guardrails/k8s-terraform.test.ts compares each with its manifest).
  {
    const metadata = (name: string, namespace?: string) => [{ name, ...(namespace === undefined ? {} : { namespace }) }];
    add('KL-G-K8S-CLUSTER-ADMIN', 'finding', 'Terraform kubernetes_cluster_role_binding_v1 to cluster-admin (role_ref as a list)', tf('kubernetes_cluster_role_binding_v1', 'deployer', {
      metadata: metadata('deployer'),
      role_ref: [{ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }],
      subject: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' }],
    }), [['RoleRef::cluster-admin', 'ClusterRoleBinding to cluster-admin']]);
    add('KL-G-K8S-CLUSTER-ADMIN', 'compliant', 'Terraform kubernetes_role_binding to a Role (role_ref as an object)', tf('kubernetes_role_binding', 'reader', {
      metadata: { name: 'reader', namespace: 'apps' },
      role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subject: { kind: 'ServiceAccount', name: 'api', namespace: 'apps' },
    }), []);
    add('KL-G-K8S-CLUSTER-ADMIN', 'not applicable', 'a Terraform kubernetes_namespace', tf('kubernetes_namespace', 'apps', { metadata: metadata('apps') }), []);
    add('KL-G-K8S-RBAC-WILDCARD', 'finding', 'Terraform kubernetes_role with a wildcard resource', tf('kubernetes_role', 'r', {
      metadata: metadata('r', 'apps'), rule: [{ api_groups: [''], resources: ['configmaps'], verbs: ['get'] }, { api_groups: ['apps'], resources: ['*'], verbs: ['get'] }],
    }), [['Rules[1].Resource::*', 'rules[1].resources contains *']]);
    add('KL-G-K8S-RBAC-WILDCARD', 'finding', 'Terraform kubernetes_cluster_role_v1 with wildcard non_resource_urls', tf('kubernetes_cluster_role_v1', 'metrics', {
      metadata: metadata('metrics'), rule: [{ non_resource_urls: ['/metrics*'], verbs: ['get'] }],
    }), [['Rules[0].NonResourceURL::/metrics*', 'rules[0].nonResourceURLs contains *']]);
    add('KL-G-K8S-DEFAULT-SA', 'finding', 'Terraform kubernetes_default_service_account_v1 leaves automount on (the provider default)', tf('kubernetes_default_service_account_v1', 'apps', {
      metadata: metadata('', 'apps'),
    }), [['Field::automountServiceAccountToken', 'default ServiceAccount does not set automountServiceAccountToken: false']]);
    add('KL-G-K8S-DEFAULT-SA', 'finding', 'Terraform kubernetes_service_account named default without automount (defaults to true)', tf('kubernetes_service_account', 'default', {
      metadata: metadata('default', 'apps'),
    }), [['Field::automountServiceAccountToken', 'default ServiceAccount does not set automountServiceAccountToken: false']]);
    add('KL-G-K8S-DEFAULT-SA', 'compliant', 'Terraform kubernetes_service_account_v1 default with automount false', tf('kubernetes_service_account_v1', 'default', {
      metadata: metadata('default', 'apps'), automount_service_account_token: false,
    }), []);
    add('KL-G-K8S-DEFAULT-SA', 'finding', 'Terraform kubernetes_deployment_v1 without service_account_name', tf('kubernetes_deployment_v1', 'web', {
      metadata: metadata('web', 'apps'),
      spec: [{ selector: [{ match_labels: { app: 'web' } }], template: [{ metadata: [{ labels: { app: 'web' } }], spec: [{ automount_service_account_token: false, container: [{ name: 'web', image: 'acme/web' }] }] }] }],
    }), [['Subject::system:serviceaccount:apps:default', 'pod runs as the default ServiceAccount (serviceAccountName unset)']]);
    add('KL-G-K8S-AUTOMOUNT', 'finding', 'Terraform kubernetes_cron_job_v1 with automount unset', tf('kubernetes_cron_job_v1', 'nightly', {
      metadata: metadata('nightly', 'apps'),
      spec: [{ schedule: '0 3 * * *', job_template: [{ metadata: [{}], spec: [{ template: [{ metadata: [{}], spec: [{ service_account_name: 'nightly', container: [{ name: 'job', image: 'acme/job' }] }] }] }] }] }],
    }), [['Field::automountServiceAccountToken', 'pod spec automountServiceAccountToken is "unset (true)"']]);
    add('KL-G-K8S-AUTOMOUNT', 'compliant', 'Terraform kubernetes_pod with automount false (blocks as objects)', tf('kubernetes_pod', 'api', {
      metadata: { name: 'api', namespace: 'apps' }, spec: { service_account_name: 'api', automount_service_account_token: false, container: [{ name: 'api', image: 'acme/api' }] },
    }), []);
    add('KL-G-K8S-AUTOMOUNT', 'not applicable', 'a Terraform kubernetes_service_account_v1', tf('kubernetes_service_account_v1', 'api', { metadata: metadata('api', 'apps') }), []);
  }
}
