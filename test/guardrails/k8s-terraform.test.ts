/**
 * Terraform `kubernetes_*` resources (hashicorp/kubernetes provider) feed the Kubernetes rules as manifests do: the
 * same objects written as a manifest and as Terraform JSON (nested blocks as one-object lists, as HCL converters write
 * them, and as objects, as cdktf writes them) give the same findings, keys and messages. Files are read the way
 * `keyless check` reads them (`readSynthesizedOutput`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { ALL_RULES, evaluate, NeutralResource, readSynthesizedOutput } from '../../src/guardrails';
import { kubernetesObject, terraformKubernetesKind, terraformKubernetesObject } from '../../src/synth/kubernetes';

const TODAY = '2026-11-22';
const K8S_RULES = ALL_RULES.filter((r) => r.id.startsWith('KL-G-K8S-'));

/** One object as a manifest and as the Terraform resource of the provider that creates it. */
interface Pair {
  readonly manifest: any;
  readonly type: string;
  readonly name: string;
  /** Attributes with nested blocks as one-object lists (HCL converters, `terraform show`). */
  readonly attributes: any;
}

const list = (block: any): any[] => [block];
const podSpecTf = (spec: any) => ({ container: [{ name: 'app', image: 'acme/app' }], ...spec });
const podSpecK8s = (spec: any) => ({ containers: [{ name: 'app', image: 'acme/app' }], ...spec });

const PAIRS: Pair[] = [
  {
    manifest: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'deployer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'ci' }, { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
    },
    type: 'kubernetes_cluster_role_binding_v1',
    name: 'deployer',
    attributes: {
      metadata: list({ name: 'deployer' }),
      role_ref: list({ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }),
      subject: [{ kind: 'ServiceAccount', name: 'default', namespace: 'ci' }, { kind: 'User', name: 'alice', api_group: 'rbac.authorization.k8s.io' }],
    },
  },
  {
    manifest: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'readers', namespace: 'apps' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'Group', name: 'system:serviceaccounts:apps', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'default' }],
    },
    type: 'kubernetes_role_binding',
    name: 'readers',
    attributes: {
      metadata: list({ name: 'readers', namespace: 'apps' }),
      role_ref: list({ api_group: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }),
      subject: [{ kind: 'Group', name: 'system:serviceaccounts:apps', api_group: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'default' }],
    },
  },
  {
    manifest: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'operator' },
      rules: [
        { apiGroups: ['*'], resources: ['pods', 'secrets'], verbs: ['*'] },
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind', 'escalate'] },
        { nonResourceURLs: ['/logs/*'], verbs: ['get'] },
      ],
    },
    type: 'kubernetes_cluster_role',
    name: 'operator',
    attributes: {
      metadata: list({ name: 'operator' }),
      rule: [
        { api_groups: ['*'], resources: ['pods', 'secrets'], verbs: ['*'] },
        { api_groups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind', 'escalate'] },
        { non_resource_urls: ['/logs/*'], verbs: ['get'] },
      ],
    },
  },
  {
    manifest: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'sudo', namespace: 'apps' },
      rules: [{ apiGroups: [''], resources: ['serviceaccounts'], resourceNames: ['deployer'], verbs: ['impersonate'] }],
    },
    type: 'kubernetes_role_v1',
    name: 'sudo',
    attributes: { metadata: list({ name: 'sudo', namespace: 'apps' }), rule: [{ api_groups: [''], resources: ['serviceaccounts'], resource_names: ['deployer'], verbs: ['impersonate'] }] },
  },
  {
    manifest: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'apps' } },
    type: 'kubernetes_default_service_account_v1',
    name: 'apps',
    attributes: { metadata: list({ namespace: 'apps' }) },
  },
  {
    manifest: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api', namespace: 'apps' }, automountServiceAccountToken: false },
    type: 'kubernetes_service_account_v1',
    name: 'api',
    attributes: { metadata: list({ name: 'api', namespace: 'apps' }), automount_service_account_token: false },
  },
  {
    manifest: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'apps' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpecK8s({}) } },
    },
    type: 'kubernetes_deployment_v1',
    name: 'web',
    attributes: {
      metadata: list({ name: 'web', namespace: 'apps' }),
      spec: list({ selector: list({ match_labels: { app: 'web' } }), template: list({ metadata: list({ labels: { app: 'web' } }), spec: list(podSpecTf({})) }) }),
    },
  },
  {
    manifest: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'data' },
      spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: podSpecK8s({ serviceAccountName: 'db', automountServiceAccountToken: true }) } },
    },
    type: 'kubernetes_stateful_set_v1',
    name: 'db',
    attributes: {
      metadata: list({ name: 'db', namespace: 'data' }),
      spec: list({
        service_name: 'db',
        selector: list({ match_labels: { app: 'db' } }),
        template: list({ metadata: list({ labels: { app: 'db' } }), spec: list(podSpecTf({ service_account_name: 'db', automount_service_account_token: true })) }),
      }),
    },
  },
  {
    manifest: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'ops' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: podSpecK8s({ serviceAccountName: 'agent', automountServiceAccountToken: false }) } },
    },
    type: 'kubernetes_daemonset',
    name: 'agent',
    attributes: {
      metadata: list({ name: 'agent', namespace: 'ops' }),
      spec: list({ selector: list({ match_labels: { app: 'agent' } }), template: list({ metadata: list({ labels: { app: 'agent' } }), spec: list(podSpecTf({ service_account_name: 'agent', automount_service_account_token: false })) }) }),
    },
  },
  {
    manifest: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'jobs' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: podSpecK8s({ serviceAccountName: 'default' }) } } } },
    },
    type: 'kubernetes_cron_job_v1',
    name: 'nightly',
    attributes: {
      metadata: list({ name: 'nightly', namespace: 'jobs' }),
      spec: list({ schedule: '0 3 * * *', job_template: list({ metadata: list({}), spec: list({ template: list({ metadata: list({}), spec: list(podSpecTf({ service_account_name: 'default' })) }) }) }) }),
    },
  },
  {
    manifest: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'jobs' }, spec: { template: { spec: podSpecK8s({ serviceAccountName: 'migrate' }) } } },
    type: 'kubernetes_job',
    name: 'migrate',
    attributes: { metadata: list({ name: 'migrate', namespace: 'jobs' }), spec: list({ template: list({ metadata: list({}), spec: list(podSpecTf({ service_account_name: 'migrate' })) }) }) },
  },
  {
    manifest: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug' }, spec: podSpecK8s({ automountServiceAccountToken: false }) },
    type: 'kubernetes_pod_v1',
    name: 'debug',
    attributes: { metadata: list({ name: 'debug' }), spec: list(podSpecTf({ automount_service_account_token: false })) },
  },
];

/** Nested blocks written as objects instead of one-object lists (cdktf's form). */
function asObjects(value: any): any {
  if (Array.isArray(value)) {
    if (value.length === 1 && value[0] !== null && typeof value[0] === 'object' && !Array.isArray(value[0])) return asObjects(value[0]);
    return value.map(asObjects);
  }
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asObjects(v)]));
  return value;
}

/** Findings of the Kubernetes rules per resource (`TYPE ID` → `RULE [KEY]: message` sorted). */
function findingsByResource(resources: NeutralResource[]): Map<string, string[]> {
  const report = evaluate(resources, { rules: K8S_RULES, today: TODAY });
  const map = new Map<string, string[]>(resources.map((r) => [r.id, []]));
  for (const f of report.findings) map.get(f.resource)!.push(`${f.ruleId} [${f.key}]: ${f.message}`);
  for (const v of map.values()) v.sort();
  return map;
}

describe('Terraform kubernetes_* resources and their manifests', () => {
  let dir: string;
  let manifests: Map<string, string[]>;
  let lists: Map<string, string[]>;
  let objects: Map<string, string[]>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-k8s-tf-'));
    fs.writeFileSync(path.join(dir, 'app.k8s.yaml'), PAIRS.map((p) => stringify(p.manifest)).join('---\n'));
    const document = (form: (a: any) => any) => ({
      resource: Object.fromEntries(PAIRS.map((p) => [p.type, { [p.name]: form(p.attributes) }])),
    });
    fs.mkdirSync(path.join(dir, 'hcl'));
    fs.mkdirSync(path.join(dir, 'cdktf'));
    fs.writeFileSync(path.join(dir, 'hcl', 'main.tf.json'), JSON.stringify(document((a) => a)));
    fs.writeFileSync(path.join(dir, 'cdktf', 'cdk.tf.json'), JSON.stringify(document(asObjects)));
    const { resources } = readSynthesizedOutput([dir]);
    const of = (file: string) => resources.filter((r) => r.file.endsWith(file));
    manifests = findingsByResource(of('app.k8s.yaml'));
    lists = findingsByResource(of('main.tf.json'));
    objects = findingsByResource(of('cdk.tf.json'));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const manifestId = (m: any) => `${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`;

  test.each(PAIRS.map((p) => [p.type, p] as const))('%s: the same findings as its manifest, blocks as lists or objects', (_type, pair) => {
    const expected = manifests.get(manifestId(pair.manifest));
    expect(expected).toBeDefined();
    expect(lists.get(`${pair.type}.${pair.name}`)).toEqual(expected);
    expect(objects.get(`${pair.type}.${pair.name}`)).toEqual(expected);
  });

  test('the findings themselves (the manifests)', () => {
    expect(Object.fromEntries(PAIRS.map((p) => [manifestId(p.manifest), manifests.get(manifestId(p.manifest))]))).toEqual({
      'deployer': [
        'KL-G-K8S-CLUSTER-ADMIN [RoleRef::cluster-admin]: ClusterRoleBinding to cluster-admin',
        'KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccount:ci:default]: binds ServiceAccount ci/default',
      ],
      'apps/readers': [
        'KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccount:apps:default]: binds ServiceAccount apps/default',
        'KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccounts:apps]: binds group system:serviceaccounts:apps (every service account, including default)',
      ],
      'operator': [
        'KL-G-K8S-RBAC-ESCALATION [Rules[1].Verb::bind]: rules[1] grants bind on clusterroles',
        'KL-G-K8S-RBAC-ESCALATION [Rules[1].Verb::escalate]: rules[1] grants escalate on clusterroles',
        'KL-G-K8S-RBAC-WILDCARD [Rules[0].ApiGroup::*]: rules[0].apiGroups contains *',
        'KL-G-K8S-RBAC-WILDCARD [Rules[0].Verb::*]: rules[0].verbs contains *',
        'KL-G-K8S-RBAC-WILDCARD [Rules[2].NonResourceURL::/logs/*]: rules[2].nonResourceURLs contains *',
      ],
      'apps/sudo': ['KL-G-K8S-RBAC-ESCALATION [Rules[0].Verb::impersonate]: rules[0] grants impersonate on serviceaccounts (resourceNames deployer)'],
      'apps/default': ['KL-G-K8S-DEFAULT-SA [Field::automountServiceAccountToken]: default ServiceAccount does not set automountServiceAccountToken: false'],
      'apps/api': [],
      'apps/web': [
        'KL-G-K8S-AUTOMOUNT [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is "unset (true)"',
        'KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccount:apps:default]: pod runs as the default ServiceAccount (serviceAccountName unset)',
      ],
      'data/db': ['KL-G-K8S-AUTOMOUNT [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is true'],
      'ops/agent': [],
      'jobs/nightly': [
        'KL-G-K8S-AUTOMOUNT [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is "unset (true)"',
        'KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccount:jobs:default]: pod runs as the default ServiceAccount',
      ],
      'jobs/migrate': ['KL-G-K8S-AUTOMOUNT [Field::automountServiceAccountToken]: pod spec automountServiceAccountToken is "unset (true)"'],
      'debug': ['KL-G-K8S-DEFAULT-SA [Subject::system:serviceaccount:default:default]: pod runs as the default ServiceAccount (serviceAccountName unset)'],
    });
  });
});

describe('terraformKubernetesObject', () => {
  test('a deployment: kind, metadata, pod spec fields camelCased, repeated blocks plural, label keys as written', () => {
    expect(terraformKubernetesObject('kubernetes_deployment', {
      metadata: [{ name: 'web', namespace: 'apps', labels: { 'keyless.dev/owner': 'team_payments', 'app_name': 'web' } }],
      spec: [{ template: [{ spec: [{ service_account_name: 'web', automount_service_account_token: false, init_container: [{ name: 'init' }], container: [{ name: 'web', volume_mount: [{ name: 'v', mount_path: '/v' }] }] }] }] }],
      timeouts: { create: '5m' },
      wait_for_rollout: false,
    })).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'apps', labels: { 'keyless.dev/owner': 'team_payments', 'app_name': 'web' } },
      spec: { template: { spec: { serviceAccountName: 'web', automountServiceAccountToken: false, initContainers: [{ name: 'init' }], containers: [{ name: 'web', volumeMounts: [{ name: 'v', mountPath: '/v' }] }] } } },
    });
  });

  test('service accounts automount unless set to false (the provider default is true); the default service account is named default', () => {
    expect(terraformKubernetesObject('kubernetes_service_account_v1', { metadata: { name: 'api' } })).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api' }, automountServiceAccountToken: true });
    expect(terraformKubernetesObject('kubernetes_default_service_account', { metadata: [{ namespace: 'apps' }], automount_service_account_token: false }))
      .toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace: 'apps', name: 'default' }, automountServiceAccountToken: false });
  });

  test('kubernetes_manifest gives its manifest; other types, and values that are not objects, give nothing', () => {
    const manifest = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x', namespace: 'apps' } };
    expect(terraformKubernetesObject('kubernetes_manifest', { manifest })).toEqual(manifest);
    expect(terraformKubernetesObject('kubernetes_manifest', { manifest: '${yamldecode(file("x.yaml"))}' })).toBeUndefined();
    expect(terraformKubernetesObject('kubernetes_namespace', { metadata: [{ name: 'apps' }] })).toBeUndefined();
    expect(terraformKubernetesObject('kubernetes_pod', null)).toBeUndefined();
    expect(terraformKubernetesKind('kubernetes_daemon_set_v1')).toBe('DaemonSet');
    expect(terraformKubernetesKind('kubernetes_daemonset')).toBe('DaemonSet');
    expect(terraformKubernetesKind('google_service_account')).toBeUndefined();
  });

  test('kubernetesObject: a manifest as written, a Terraform resource converted, anything else undefined', () => {
    const manifest: NeutralResource = { format: 'kubernetes', file: 'a.yaml', type: 'Pod', id: 'p', properties: { kind: 'Pod', spec: {} } };
    expect(kubernetesObject(manifest)).toBe(manifest.properties);
    const tf: NeutralResource = { format: 'terraform', file: 'm.tf.json', type: 'kubernetes_pod', id: 'kubernetes_pod.p', properties: { metadata: [{ name: 'p' }], spec: [{}] } };
    expect(kubernetesObject(tf)).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} });
    expect(kubernetesObject(tf)).toBe(kubernetesObject(tf));
    expect(kubernetesObject({ format: 'cloudformation', file: 't.json', type: 'kubernetes_pod', id: 'P', properties: {} })).toBeUndefined();
  });
});
