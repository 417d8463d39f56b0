/**
 * `keyless verify`, AWS: the reader of the trust policies of one run's IAM roles (CloudFormation `AWS::IAM::Role`,
 * Terraform `aws_iam_role` with its trust as a JSON string, a `jsonencode(…)`, a `data "aws_iam_policy_document"`,
 * or a plan's value), every Federated principal canonicalized to the ARN of an IAM OIDC provider, and the EKS Pod
 * Identity associations that name a role.
 */
import {
  arnAccount, AWS_DEPLOYMENT_ACCOUNT, AWS_DEPLOYMENT_REGION, conditionHosts, firstUnresolved, isObject, isSamlPrincipal, label,
  oidcHost, Policy, providerArn, RoleTrust,
} from './aws-policy';
import { cfnJsonValues, cfnResolver, cfnStackName, deploymentPlaceholders, mapStrings, resolveCfnDocument, sameDocument } from './aws-resolve';
import { NeutralResource, providerOf, SynthOutput } from '../synth/model';
import { attributesOf, TerraformIndex, terraformReference } from '../synth/terraform';
import { asList, federatedProviderName, issuerOf, parseDocument, safeJson } from '../synth/values';

/** A Pod Identity association naming a role: its resource, and its cluster, namespace and service account as claims. */
export interface PodIdentityAssociation {
  readonly resource: NeutralResource;
  readonly claims: Record<string, string>;
}

/** Reads the trust policies of one run's roles. */
export class AwsReader {
  private readonly index: TerraformIndex;
  private readonly cfnByFile = new Map<string, Map<string, NeutralResource>>();

  constructor(private readonly output: SynthOutput) {
    this.index = new TerraformIndex(output.resources);
    for (const r of output.resources) {
      if (r.format !== 'cloudformation') continue;
      if (!this.cfnByFile.has(r.file)) this.cfnByFile.set(r.file, new Map());
      this.cfnByFile.get(r.file)!.set(r.id, r);
    }
  }

  /** Every role of the output (CloudFormation `AWS::IAM::Role`, Terraform `aws_iam_role`), in output order. */
  public roles(): RoleTrust[] {
    const roles: RoleTrust[] = [];
    for (const r of this.output.resources) {
      if (r.format === 'cloudformation' && r.type === 'AWS::IAM::Role') roles.push(this.cfnRole(r));
      if (r.format === 'terraform' && r.type === 'aws_iam_role') roles.push(this.terraformRole(r));
    }
    return roles;
  }

  /** Pod Identity associations naming a role: cluster, namespace, service account, as claims. */
  public associations(role: RoleTrust): PodIdentityAssociation[] {
    const found: PodIdentityAssociation[] = [];
    for (const r of this.output.resources) {
      if (r.file !== role.resource.file) continue;
      if (r.type === 'AWS::EKS::PodIdentityAssociation') {
        const resolve = cfnResolver(r.file, this.cfnByFile.get(r.file)!);
        const arn = r.properties?.RoleArn;
        const target = Array.isArray(arn?.['Fn::GetAtt']) ? arn['Fn::GetAtt'][0] : typeof arn?.Ref === 'string' ? arn.Ref : undefined;
        const names = target === role.resource.id || (target === undefined && resolve(arn).endsWith(`:role/${role.name}`));
        if (!names) continue;
        const q = r.properties;
        found.push({ resource: r, claims: this.associationClaims(resolve(q.ClusterName), resolve(q.Namespace), resolve(q.ServiceAccount)) });
      }
      if (r.type === 'aws_eks_pod_identity_association') {
        const p = attributesOf(r);
        const target = this.index.target(r.file, p.role_arn);
        const resolve = (v: unknown) => this.terraformString(r, v);
        const names = target !== undefined ? target === role.resource : resolve(p.role_arn).endsWith(`:role/${role.name}`);
        if (!names) continue;
        found.push({ resource: r, claims: this.associationClaims(resolve(p.cluster_name), resolve(p.namespace), resolve(p.service_account)) });
      }
    }
    return found;
  }

  private associationClaims(cluster: string, namespace: string, serviceAccount: string): Record<string, string> {
    const claims: Record<string, string> = {};
    if (!cluster.includes('${')) claims['eks-cluster-name'] = cluster;
    if (!namespace.includes('${')) claims['kubernetes-namespace'] = namespace;
    if (!serviceAccount.includes('${')) claims['kubernetes-service-account'] = serviceAccount;
    return claims;
  }

  private cfnRole(r: NeutralResource): RoleTrust {
    const byId = this.cfnByFile.get(r.file)!;
    const resolve = cfnResolver(r.file, byId);
    const name = r.properties?.RoleName !== undefined ? resolve(r.properties.RoleName) : `${cfnStackName(r.file)}/${r.id}`;
    const role = this.emptyRole(name, r);
    const raw = cfnJsonValues(parseDocument(r.properties?.AssumeRolePolicyDocument), byId, resolve);
    if (!isObject(raw)) return { ...role, unreadable: 'the trust policy (AssumeRolePolicyDocument) is not a JSON document' };
    // Federated principals by reference to a provider of the template (the native AWS::IAM::OIDCProvider, or CDK's
    // Lambda-backed Custom::AWSCDKOpenIdConnectProvider, whose ARN cfnString cannot spell).
    const statements = asList<any>(raw.Statement).map((statement, i) => {
      if (!isObject(statement?.Principal) || statement.Principal.Federated === undefined) return resolveCfnDocument(statement, resolve);
      const federated = asList<unknown>(statement.Principal.Federated).map((principal) => {
        const ref = (principal as any)?.Ref ?? (Array.isArray((principal as any)?.['Fn::GetAtt']) ? (principal as any)['Fn::GetAtt'][0] : undefined);
        const provider = typeof ref === 'string' ? byId.get(ref) : undefined;
        if (provider && (provider.type === 'AWS::IAM::OIDCProvider' || provider.type === 'Custom::AWSCDKOpenIdConnectProvider')) {
          const url = resolve(provider.properties?.Url);
          const clientIds = asList<unknown>(provider.properties?.ClientIdList ?? provider.properties?.ClientIDList).map(resolve);
          return this.provider(role, providerArn(AWS_DEPLOYMENT_ACCOUNT, issuerOf(url)), clientIds, provider);
        }
        return this.canonical(role, resolve(principal), statement, i, (host) => this.cfnProviderByHost(byId, host, resolve));
      });
      return resolveCfnDocument({ ...statement, Principal: { ...statement.Principal, Federated: federated } }, resolve);
    });
    return this.finish(role, { ...raw, Statement: statements });
  }

  private cfnProviderByHost(byId: ReadonlyMap<string, NeutralResource>, host: string, resolve: (v: unknown) => string) {
    const provider = [...byId.values()].find((p) => (p.type === 'AWS::IAM::OIDCProvider' || p.type === 'Custom::AWSCDKOpenIdConnectProvider')
      && issuerOf(resolve(p.properties?.Url)) === host);
    const clientIds = asList<unknown>(provider?.properties?.ClientIdList ?? provider?.properties?.ClientIDList).map(resolve);
    return provider && { resource: provider, clientIds };
  }

  /** A Terraform string with references to the file's resources resolved (providers' URLs and ARNs included). */
  private terraformString(at: NeutralResource, value: unknown): string {
    const region = providerOf(this.output, at)?.attributes?.region;
    const deploymentRegion = typeof region === 'string' && !region.includes('${') ? region : AWS_DEPLOYMENT_REGION;
    const resolved = this.index.resolve(at.file, typeof value === 'string' ? value : safeJson(value), (target, attribute) => {
      const t = attributesOf(target);
      if (target.type === 'aws_iam_openid_connect_provider' && typeof t.url === 'string' && !t.url.includes('${')) {
        // The provider's condition keys and ARN name the issuer without its scheme (`${…url}:sub` keys work as written).
        if (attribute === 'url') return issuerOf(t.url);
        if (attribute === 'arn') return providerArn(AWS_DEPLOYMENT_ACCOUNT, issuerOf(t.url));
      }
      if (target.type === 'aws_iam_role' && typeof t.name === 'string' && !t.name.includes('${')) {
        if (attribute === 'arn') return `arn:aws:iam::${AWS_DEPLOYMENT_ACCOUNT}:role/${t.name}`;
        if (attribute === 'name' || attribute === 'id') return t.name;
      }
      if (target.type === 'aws_eks_cluster' && typeof t.name === 'string' && !t.name.includes('${')) {
        if (attribute === 'arn') return `arn:aws:eks:${deploymentRegion}:${AWS_DEPLOYMENT_ACCOUNT}:cluster/${t.name}`;
        if (attribute === 'name' || attribute === 'id') return t.name;
      }
      return undefined;
    });
    return deploymentPlaceholders(resolved, deploymentRegion);
  }

  private terraformRole(r: NeutralResource): RoleTrust {
    const p = attributesOf(r);
    const stem = r.file.replace(/\/cdk\.tf\.json$|\.tf\.json$|\.json$/, '').replace(/^.*\//, '');
    const name = typeof p.name === 'string' ? this.terraformString(r, p.name) : `${stem}/${r.id}`;
    const role = this.emptyRole(name, r);
    let policy: unknown = p.assume_role_policy;
    // A reference to a data document: its JSON (a plan's, or Keyless's evaluation of its literal statements).
    const reference = terraformReference(policy);
    if (reference?.data) {
      const document = this.output.resources.find((d) => d.file === r.file && d.id === `data.${reference.address}`);
      if (document === undefined) return { ...role, unreadable: `the trust policy ${String(policy)} names a data source that is not in the output` };
      role.resources.add(label(document));
      policy = attributesOf(document).json;
      if (typeof policy !== 'string') return { ...role, unreadable: `${document.id} has no JSON (its statements are not known without a cloud)` };
    }
    if (typeof policy === 'string' && /^\$\{known after apply/.test(policy)) return { ...role, unreadable: 'the trust policy is known only after apply' };
    const raw = parseDocument(policy);
    if (!isObject(raw)) {
      return { ...role, unreadable: `the trust policy (assume_role_policy) is not a JSON document: ${typeof policy === 'string' ? policy.slice(0, 120) : safeJson(policy)}` };
    }
    // The data document the policy came from (a module evaluation writes its JSON into the role).
    for (const d of this.output.resources) {
      if (d.file === r.file && d.type === 'data.aws_iam_policy_document' && typeof d.properties?.json === 'string' && sameDocument(d.properties.json, policy)) {
        role.resources.add(label(d));
      }
    }
    const resolve = (v: unknown) => this.terraformString(r, v);
    const statements = asList<any>(raw.Statement).map((statement, i) => {
      if (!isObject(statement?.Principal) || statement.Principal.Federated === undefined) return mapStrings(statement, resolve);
      const federated = asList<unknown>(statement.Principal.Federated).map((principal) => {
        const target = this.index.target(r.file, principal);
        if (target?.type === 'aws_iam_openid_connect_provider') {
          const t = attributesOf(target);
          const url = resolve(t.url);
          if (!url.includes('${')) return this.provider(role, providerArn(AWS_DEPLOYMENT_ACCOUNT, issuerOf(url)), asList<unknown>(t.client_id_list).map(resolve), target);
        }
        return this.canonical(role, resolve(principal), statement, i, (host) => this.terraformProviderByHost(r, host));
      });
      return mapStrings({ ...statement, Principal: { ...statement.Principal, Federated: federated } }, resolve);
    });
    return this.finish(role, { ...raw, Statement: statements });
  }

  private terraformProviderByHost(at: NeutralResource, host: string) {
    const provider = this.output.resources.find((p) => p.file === at.file && p.type === 'aws_iam_openid_connect_provider'
      && issuerOf(this.terraformString(at, attributesOf(p).url)) === host);
    const clientIds = provider ? asList<unknown>(attributesOf(provider).client_id_list).map((v) => this.terraformString(at, v)) : [];
    return provider && { resource: provider, clientIds };
  }

  private emptyRole(name: string, resource: NeutralResource): RoleTrust {
    return { name, resource, resources: new Set([label(resource)]), providers: new Map(), unresolved: new Map(), warnings: [] };
  }

  private provider(role: RoleTrust, arn: string, clientIds: readonly string[] | undefined, resource?: NeutralResource): string {
    const host = oidcHost(arn)!;
    if (resource) role.resources.add(label(resource));
    const known = clientIds !== undefined && clientIds.every((c) => !c.includes('${')) ? clientIds : undefined;
    role.providers.set(host, { host, arn, ...(known ? { clientIds: known } : {}), ...(resource ? { resource: label(resource) } : {}) });
    return arn;
  }

  /**
   * A Federated principal written as a string: an OIDC provider ARN (its account kept, a deployment placeholder
   * read as AWS_DEPLOYMENT_ACCOUNT), a SAML provider (kept), or an unresolved reference, read as the one issuer its
   * statement's condition keys name (else recorded as unresolved).
   */
  private canonical(
    role: RoleTrust, principal: string, statement: any, index: number,
    declared: (host: string) => { resource: NeutralResource; clientIds: string[] } | undefined,
  ): string {
    if (isSamlPrincipal(principal)) return principal;
    let host = oidcHost(principal);
    let account = arnAccount(principal) ?? AWS_DEPLOYMENT_ACCOUNT;
    if (host === undefined) {
      const hosts = conditionHosts(statement);
      if (federatedProviderName(principal) !== undefined && !principal.includes('${')) {
        // A literal that names no OIDC provider (`cognito-identity.amazonaws.com`, `accounts.google.com`): not an IAM
        // OIDC provider this reader models.
        role.unresolved.set(index, `the Federated principal "${principal}" is not an IAM OIDC provider`);
        return principal;
      }
      if (hosts.length !== 1) {
        role.unresolved.set(index, `the Federated principal ${principal} is not resolved and its condition keys name ${hosts.length === 0 ? 'no issuer' : `several issuers (${hosts.join(', ')})`}`);
        return principal;
      }
      host = hosts[0];
      account = AWS_DEPLOYMENT_ACCOUNT;
      role.warnings.push(`${label(role.resource)}: Statement[${index}]: the Federated principal ${principal} is not resolved: read as the OIDC provider ${host}, which its condition keys name`);
    }
    const found = declared(host);
    return this.provider(role, providerArn(account, host), found?.clientIds, found?.resource);
  }

  private finish(role: RoleTrust, policy: Policy): RoleTrust {
    policy.Statement.forEach((statement, i) => {
      if (role.unresolved.has(i)) return;
      const left = firstUnresolved(statement);
      if (left !== undefined) role.unresolved.set(i, `${left} is not resolved`);
    });
    return { ...role, policy };
  }
}
