/**
 * End-to-end wiring of the examples, read from the synthesized files only (out/k8s, out/aws, out/terraform): each
 * Kubernetes ServiceAccount is followed to the cloud identity its annotations name, and that identity's trust must
 * admit exactly that service account (shared/REFERENCE.md, sections "AWS", "GCP", "Azure", "Kubernetes").
 *
 * Nothing here asks Keyless objects what they meant: the links are the annotation values and the resource
 * attributes as they would be applied.
 */
import * as fs from 'fs';
import * as path from 'path';
// yaml is cdk8s's own YAML library (installed as its dependency); package.json is outside this suite's remit.
// eslint-disable-next-line import/no-extraneous-dependencies
import { parseAllDocuments } from 'yaml';
import { assumeRoleWithWebIdentityAllowed } from './helpers/aws-trust-evaluator';
import { azureTokenAccepted } from './helpers/azure-token-exchange';
import { synthesizedExamples } from './helpers/examples';

type Obj = Record<string, any>;

interface Chart {
  /** File name without `.k8s.yaml`. */
  readonly name: string;
  readonly objects: Obj[];
}

interface CfnStack {
  readonly name: string;
  /** `aws://ACCOUNT/REGION`. */
  readonly environment: string;
  readonly template: { Resources: Record<string, { Type: string; Properties?: Obj }> };
}

interface TfStack {
  readonly name: string;
  readonly json: Obj;
}

/** Kinds that own a pod template, and where their pod spec and pod metadata are. */
const WORKLOAD_POD_PATHS: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

const podTemplate = (workload: Obj): Obj => WORKLOAD_POD_PATHS[workload.kind].reduce((node, key) => node?.[key], workload);
const subjectOf = (sa: Obj): string => `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`;
const resources = (json: Obj, type: string): Record<string, Obj> => json.resource?.[type] ?? {};

describe('examples wiring: ServiceAccount → cloud identity → trust', () => {
  let charts: Chart[] = [];
  let cfnStacks: CfnStack[] = [];
  let tfStacks: TfStack[] = [];

  beforeAll(() => {
    const outdir = synthesizedExamples();
    const k8sDir = path.join(outdir, 'k8s');
    // The platform example's payments-api charts (the app-team template charts are covered in test/templates).
    charts = fs.readdirSync(k8sDir).filter((f) => f.startsWith('payments-api-') && f.endsWith('.k8s.yaml')).sort().map((file) => {
      const documents = parseAllDocuments(fs.readFileSync(path.join(k8sDir, file), 'utf8'));
      if (!Array.isArray(documents)) throw new Error(`${file}: not a YAML stream`);
      for (const document of documents) {
        if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
      }
      return { name: file.replace(/\.k8s\.yaml$/, ''), objects: documents.map((d) => d.toJS() as Obj).filter((o) => o !== null) };
    });

    const awsDir = path.join(outdir, 'aws');
    const manifest = JSON.parse(fs.readFileSync(path.join(awsDir, 'manifest.json'), 'utf8'));
    cfnStacks = Object.entries(manifest.artifacts as Record<string, Obj>)
      .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
      .map(([name, artifact]) => ({
        name,
        environment: artifact.environment,
        template: JSON.parse(fs.readFileSync(path.join(awsDir, artifact.properties.templateFile), 'utf8')),
      }));

    const tfDir = path.join(outdir, 'terraform', 'stacks');
    tfStacks = fs.readdirSync(tfDir).sort().map((name) => ({
      name,
      json: JSON.parse(fs.readFileSync(path.join(tfDir, name, 'cdk.tf.json'), 'utf8')),
    }));
  });

  const chart = (name: string): Chart => {
    const found = charts.find((c) => c.name === name);
    if (!found) throw new Error(`no chart ${name} in out/k8s (found ${charts.map((c) => c.name).join(', ')})`);
    return found;
  };
  const serviceAccountsOf = (c: Chart) => c.objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'ServiceAccount');
  const workloadsOf = (c: Chart) => c.objects.filter((o) => o.kind in WORKLOAD_POD_PATHS);
  /** The one ServiceAccount of a chart. */
  const theServiceAccount = (c: Chart): Obj => {
    const accounts = serviceAccountsOf(c);
    if (accounts.length !== 1) throw new Error(`${c.name}: expected one ServiceAccount, found ${accounts.length}`);
    return accounts[0];
  };

  test('synthesizes one chart per cluster, each with one ServiceAccount and the workloads bound to it', () => {
    expect(charts.map((c) => c.name)).toEqual(['payments-api-aks', 'payments-api-eks', 'payments-api-gke']);
    for (const c of charts) {
      expect(serviceAccountsOf(c).map((sa) => `${sa.metadata.namespace}/${sa.metadata.name}`)).toEqual(['payments/payments-api']);
      expect(workloadsOf(c).map((w) => `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`)).toEqual(['Deployment payments/payments-api']);
      // Nothing else that could carry a pod or an identity; the admission policy and its binding guard the ServiceAccount.
      expect(c.objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'ServiceAccount', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
    }
  });

  test('every ServiceAccount has automountServiceAccountToken: false', () => {
    const accounts = charts.flatMap(serviceAccountsOf);
    expect(accounts).toHaveLength(3);
    for (const sa of accounts) expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('every workload runs as its chart\'s ServiceAccount (never default), in its namespace, without automounted token', () => {
    for (const c of charts) {
      const sa = theServiceAccount(c);
      for (const workload of workloadsOf(c)) {
        const pod = podTemplate(workload);
        expect(workload.metadata.namespace).toBe(sa.metadata.namespace);
        expect(pod.spec.serviceAccountName).toBe(sa.metadata.name);
        expect(pod.spec.serviceAccountName).not.toBe('default');
        expect(pod.spec.serviceAccount).toBeUndefined(); // the deprecated alias, which could name another account
        expect(pod.spec.automountServiceAccountToken).toBe(false);
      }
    }
  });

  describe('EKS (IRSA)', () => {
    /** The role the annotation names, in the CloudFormation stack of that account. */
    function followRoleArn(sa: Obj): { stack: CfnStack; account: string; roleName: string } {
      const arn = sa.metadata.annotations?.['eks.amazonaws.com/role-arn'];
      const match = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@-]{1,64})$/.exec(arn ?? '');
      if (!match) throw new Error(`eks.amazonaws.com/role-arn is ${JSON.stringify(arn)}`);
      const [, account, roleName] = match;
      const stacks = cfnStacks.filter((s) => s.environment.startsWith(`aws://${account}/`)
        && Object.values(s.template.Resources).some((r) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === roleName));
      if (stacks.length !== 1) throw new Error(`role ${roleName} of account ${account}: found in ${stacks.length} stacks`);
      return { stack: stacks[0], account, roleName };
    }

    /**
     * The OIDC provider of the role's federated principal: the provider of the template it references, or, when the
     * role imports it by ARN, the one provider of that URL among the account's stacks (one per issuer per account).
     */
    function providerOf(stack: CfnStack, account: string, roleName: string): { url: string; clientIds: string[] } {
      const role = Object.values(stack.template.Resources).find((r) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === roleName)!;
      const statements: Obj[] = [].concat(role.Properties!.AssumeRolePolicyDocument.Statement);
      const principals = statements.map((s) => s.Principal?.Federated).filter((p) => p !== undefined);
      expect(principals).toHaveLength(1);
      if (typeof principals[0].Ref === 'string') {
        const provider = stack.template.Resources[principals[0].Ref];
        expect(provider.Type).toBe('AWS::IAM::OIDCProvider');
        return { url: provider.Properties!.Url, clientIds: provider.Properties!.ClientIdList };
      }
      const arn = JSON.stringify(principals[0]);
      const hostPath = new RegExp(`:iam::${account}:oidc-provider/([^"]+)"`).exec(arn)?.[1];
      expect(hostPath).toBeDefined();
      const providers = cfnStacks.filter((s) => s.environment.startsWith(`aws://${account}/`))
        .flatMap((s) => Object.values(s.template.Resources).filter((r) => r.Type === 'AWS::IAM::OIDCProvider' && r.Properties?.Url === `https://${hostPath}`));
      expect(providers).toHaveLength(1);
      return { url: providers[0].Properties!.Url, clientIds: providers[0].Properties!.ClientIdList };
    }
    const issuerOf = (stack: CfnStack, account: string, roleName: string) => providerOf(stack, account, roleName).url;

    test('the annotation names the role payments-api of account 123456789012', () => {
      const sa = theServiceAccount(chart('payments-api-eks'));
      const { stack, account, roleName } = followRoleArn(sa);
      expect({ stack: stack.name, account, roleName }).toEqual({ stack: 'platform-workload-aws', account: '123456789012', roleName: 'payments-api' });
      expect(issuerOf(stack, account, roleName)).toBe('https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C');
    });

    test('the role\'s trust admits the ServiceAccount\'s token and no sibling\'s', () => {
      const sa = theServiceAccount(chart('payments-api-eks'));
      const { stack, account, roleName } = followRoleArn(sa);
      const provider = providerOf(stack, account, roleName);
      const iss = provider.url;
      const audience = sa.metadata.annotations['eks.amazonaws.com/audience'] ?? 'sts.amazonaws.com';
      expect(audience).toBe('sts.amazonaws.com');
      const { namespace, name } = sa.metadata;
      const allowed = (sub: string, aud: string = audience) =>
        assumeRoleWithWebIdentityAllowed(stack.template, roleName, { iss, aud, sub }, { account, importedClientIds: provider.clientIds });

      expect(allowed(subjectOf(sa))).toBe(true);
      expect(allowed(`system:serviceaccount:${namespace}:${name}-worker`)).toBe(false);
      expect(allowed(`system:serviceaccount:${namespace}:${name}-evil`)).toBe(false);
      expect(allowed(`system:serviceaccount:${namespace}:default`)).toBe(false);
      expect(allowed(`system:serviceaccount:billing:${name}`)).toBe(false);
      expect(allowed(`system:serviceaccount:${namespace}-evil:${name}`)).toBe(false);
      expect(allowed(subjectOf(sa), 'api://AzureADTokenExchange')).toBe(false);
    });

    test('the projected token lives at most one hour (eks.amazonaws.com/token-expiration ≤ 3600)', () => {
      const sa = theServiceAccount(chart('payments-api-eks'));
      const expiration = sa.metadata.annotations['eks.amazonaws.com/token-expiration'];
      expect(expiration).toMatch(/^\d+$/);
      expect(Number(expiration)).toBeLessThanOrEqual(3600);
      expect(Number(expiration)).toBeGreaterThanOrEqual(600);
      expect(expiration).toBe('3600');
    });

    test('no other role of the account (nor of an environment-agnostic stack) trusts the ServiceAccount', () => {
      const sa = theServiceAccount(chart('payments-api-eks'));
      const { stack, account, roleName } = followRoleArn(sa);
      const iss = issuerOf(stack, account, roleName);
      const candidates = cfnStacks.filter((s) => s.environment.startsWith(`aws://${account}/`) || s.environment.startsWith('aws://unknown-account/'));
      expect(candidates.map((s) => s.name)).toEqual(expect.arrayContaining(['platform-ci-aws', 'platform-workload-aws']));
      const others = candidates.flatMap((s) =>
        Object.values(s.template.Resources)
          .filter((r) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName !== roleName)
          .filter((r) => assumeRoleWithWebIdentityAllowed(s.template, r.Properties!.RoleName, { iss, aud: 'sts.amazonaws.com', sub: subjectOf(sa) },
            { account, importedClientIds: ['sts.amazonaws.com'] }))
          .map((r) => r.Properties!.RoleName));
      expect(others).toEqual([]);
    });
  });

  describe('GKE (impersonation)', () => {
    /** The google_service_account whose email the annotation names, with its stack and project. */
    function followGsa(sa: Obj): { stack: TfStack; id: string; email: string; project: string } {
      const email = sa.metadata.annotations?.['iam.gke.io/gcp-service-account'];
      const found = tfStacks.flatMap((stack) => Object.entries(resources(stack.json, 'google_service_account')).map(([id, gsa]) => {
        const project: string | undefined = gsa.project ?? stack.json.provider?.google?.[0]?.project;
        return { stack, id, email: `${gsa.account_id}@${project}.iam.gserviceaccount.com`, project: project! };
      })).filter((candidate) => candidate.email === email);
      if (found.length !== 1) throw new Error(`iam.gke.io/gcp-service-account ${JSON.stringify(email)}: ${found.length} google_service_account`);
      return found[0];
    }

    /** Every IAM member/binding/policy resource, in any stack, whose service_account_id is this Google service account. */
    function bindingsOn(gsa: { stack: TfStack; id: string; email: string; project: string }, type: string): Obj[] {
      const references = [
        `\${google_service_account.${gsa.id}.name}`,
        `\${google_service_account.${gsa.id}.id}`,
      ];
      const literals = [`projects/${gsa.project}/serviceAccounts/${gsa.email}`, `projects/-/serviceAccounts/${gsa.email}`];
      return tfStacks.flatMap((stack) => Object.values(resources(stack.json, type)).filter((binding) =>
        literals.includes(binding.service_account_id) || (stack === gsa.stack && references.includes(binding.service_account_id))));
    }

    test('the annotation names the Google service account payments-api of acme-payments-prod', () => {
      const sa = theServiceAccount(chart('payments-api-gke'));
      const gsa = followGsa(sa);
      expect({ stack: gsa.stack.name, email: gsa.email, project: gsa.project }).toEqual({
        stack: 'platform-workload-gcp', email: 'payments-api@acme-payments-prod.iam.gserviceaccount.com', project: 'acme-payments-prod',
      });
    });

    test('roles/iam.workloadIdentityUser on it names exactly the ServiceAccount, and nothing else is bound on it', () => {
      const sa = theServiceAccount(chart('payments-api-gke'));
      const gsa = followGsa(sa);
      const members = bindingsOn(gsa, 'google_service_account_iam_member');
      const workloadIdentityUsers = members.filter((m) => m.role === 'roles/iam.workloadIdentityUser').map((m) => m.member);
      expect(workloadIdentityUsers).toEqual([`serviceAccount:${gsa.project}.svc.id.goog[${sa.metadata.namespace}/${sa.metadata.name}]`]);
      expect(workloadIdentityUsers).toEqual(['serviceAccount:acme-payments-prod.svc.id.goog[payments/payments-api]']);
      // No other role (e.g. roles/iam.serviceAccountTokenCreator) and no authoritative binding or policy widens it.
      expect(members.map((m) => m.role)).toEqual(['roles/iam.workloadIdentityUser']);
      expect(bindingsOn(gsa, 'google_service_account_iam_binding')).toEqual([]);
      expect(bindingsOn(gsa, 'google_service_account_iam_policy')).toEqual([]);
    });
  });

  describe('AKS', () => {
    /** Federated credentials of any stack whose subject is the ServiceAccount's. */
    function credentialsFor(sa: Obj): Array<{ stack: TfStack; credential: Obj }> {
      return tfStacks.flatMap((stack) => Object.values(resources(stack.json, 'azurerm_federated_identity_credential'))
        .filter((credential) => credential.subject === subjectOf(sa))
        .map((credential) => ({ stack, credential })));
    }

    test('the ServiceAccount carries the client id and the bound pods the use label', () => {
      const c = chart('payments-api-aks');
      const sa = theServiceAccount(c);
      expect(sa.metadata.annotations['azure.workload.identity/client-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(sa.metadata.annotations['azure.workload.identity/client-id']).toBe('6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31');
      const bound = workloadsOf(c).filter((w) => podTemplate(w).spec.serviceAccountName === sa.metadata.name);
      expect(bound).toHaveLength(1);
      expect(podTemplate(bound[0]).metadata.labels['azure.workload.identity/use']).toBe('true');
    });

    test('exactly one identity, in the Azure workload stack, federates the ServiceAccount, and only it', () => {
      const sa = theServiceAccount(chart('payments-api-aks'));
      const found = credentialsFor(sa);
      const identities = [...new Set(found.map(({ stack, credential }) => `${stack.name} ${credential.parent_id}`))];
      expect(identities).toHaveLength(1);
      const [{ stack, credential }] = found;
      expect(stack.name).toBe('platform-workload-azure');
      // Every federated credential of the Azure workload stack trusts exactly this ServiceAccount.
      const all = Object.values(resources(stack.json, 'azurerm_federated_identity_credential'));
      expect(all.map((cred) => cred.subject)).toEqual([subjectOf(sa)]);
      expect(all.map((cred) => cred.subject)).toEqual(['system:serviceaccount:payments:payments-api']);
      expect(credential.audience).toEqual(['api://AzureADTokenExchange']);
      expect(credential.issuer).toMatch(/^https:\/\/[a-z0-9]+\.oic\.prod-aks\.azure\.com\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/$/);
      // The identity is the one whose client id the stack outputs for the annotation.
      const ref = /^\$\{azurerm_user_assigned_identity\.([A-Za-z0-9_-]+)\.id\}$/.exec(credential.parent_id);
      expect(ref).not.toBeNull();
      const outputs = Object.values(stack.json.output ?? {}) as Obj[];
      expect(outputs.map((o) => o.value)).toEqual([`\${azurerm_user_assigned_identity.${ref![1]}.client_id}`]);
    });

    test('the federated credential admits the ServiceAccount\'s token and no sibling\'s', () => {
      const sa = theServiceAccount(chart('payments-api-aks'));
      const [{ stack, credential }] = credentialsFor(sa);
      const identityId = /^\$\{azurerm_user_assigned_identity\.([A-Za-z0-9_-]+)\.id\}$/.exec(credential.parent_id)![1];
      const { namespace, name } = sa.metadata;
      const accepted = (sub: string, iss: string = credential.issuer) =>
        azureTokenAccepted(stack.json, identityId, { iss, sub, aud: 'api://AzureADTokenExchange' });
      expect(accepted(subjectOf(sa))).toBe(true);
      expect(accepted(`system:serviceaccount:${namespace}:${name}-worker`)).toBe(false);
      expect(accepted(`system:serviceaccount:${namespace}:default`)).toBe(false);
      expect(accepted(`system:serviceaccount:billing:${name}`)).toBe(false);
      expect(accepted(subjectOf(sa), credential.issuer.replace(/\/$/, ''))).toBe(false);
    });
  });
});
