/**
 * `keyless verify`, AWS: the federated trusts of IAM roles (CloudFormation `AWS::IAM::Role`, Terraform `aws_iam_role`
 * with its trust as a JSON string, a `jsonencode(…)`, a `data "aws_iam_policy_document"`, or a plan's value), each
 * with an evaluator of STS's own rules built on ./aws-trust-evaluator.ts.
 *
 * - A statement whose `Principal.Federated` names an IAM OIDC provider (`arn:…:oidc-provider/HOST[/PATH]`) makes the
 *   role an `aws-oidc` trust: a token is evaluated as STS evaluates `sts:AssumeRoleWithWebIdentity`, the principal
 *   being the provider of the token's issuer and the context keys `HOST:CLAIM` for the claims STS exposes only
 *   (`sub`, `aud`, and for GitHub.com the claims of core/facts/aws-sts-claims.ts: IAM User Guide, "Available keys
 *   for AWS OIDC federation", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif,
 *   and https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/).
 *   Before the trust, STS requires the token's `aud` to be a client id of the provider ("Create an OpenID Connect
 *   (OIDC) identity provider in IAM": the client ID list,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html); that check is applied when
 *   the provider is in the output (its `ClientIdList` / `client_id_list`), and left to the trust otherwise.
 * - A statement whose `Principal.Service` is `pods.eks.amazonaws.com` makes an `aws-pod-identity` trust (id suffixed
 *   `#pod-identity`): EKS Pod Identity calls `sts:AssumeRole` and `sts:TagSession`, both of which the trust must
 *   allow ("Create IAM role with trust policy required by EKS Pod Identity",
 *   https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html), with the six session tags `eks-cluster-arn`,
 *   `eks-cluster-name`, `kubernetes-namespace`, `kubernetes-service-account`, `kubernetes-pod-name`,
 *   `kubernetes-pod-uid` ("List of session tags added by EKS Pod Identity",
 *   https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html) as `aws:RequestTag/KEY` and `aws:TagKeys`
 *   (IAM User Guide, "Passing session tags in AWS STS": https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html),
 *   `aws:SourceAccount` = the cluster's account and `aws:SourceArn` = the Pod Identity association's ARN
 *   `arn:aws:eks:REGION:ACCOUNT:podidentityassociation/CLUSTER/ID` (the EKS guides do not spell the source keys
 *   out; trusts in use condition `aws:SourceArn` on that ARN: awslabs/mountpoint-s3-csi-driver#781,
 *   https://github.com/awslabs/mountpoint-s3-csi-driver/issues/781). The association's id is not in a token, so a
 *   trust pinning one exact association id is not evaluable.
 * - A SAML federation (`saml-provider`, `sts:AssumeRoleWithSAML`) is reported, never evaluated.
 *
 * An account or region the output leaves to the deployment (`${AWS::AccountId}`, `data.aws_caller_identity`) is
 * read as AWS_DEPLOYMENT_ACCOUNT / AWS_DEPLOYMENT_REGION, the same account everywhere in one trust.
 */
import { conditionHolds, parseOperator } from './aws-condition-operators';
import { tryEvaluateTrust, type TrustRequest } from './aws-trust-evaluator';
import type { ClaimRequirement, ClaimValue, Decision, Token, TrustAlternative, VerifyTrust } from './model';
import { awsStsExposesClaim } from '../core/facts/aws-sts-claims';
import { globMatches, isGlob } from '../synth/glob';
import { NeutralResource, providerOf, SynthOutput } from '../synth/model';
import { claimKeyIssuer } from '../synth/policy';
import { attributesOf, TerraformIndex, terraformReference } from '../synth/terraform';
import { asList, cfnString, federatedProviderName, issuerOf, parseDocument, safeJson } from '../synth/values';

/** The account a template's own account id (`${AWS::AccountId}`, `data.aws_caller_identity`) is read as. */
export const AWS_DEPLOYMENT_ACCOUNT = '111111111111';
/** The region a template's own region (`${AWS::Region}`, `data.aws_region`) is read as, when no provider block sets one. */
export const AWS_DEPLOYMENT_REGION = 'us-east-1';
/** The EKS Pod Identity service principal (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html). */
export const EKS_POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';
/**
 * The association id the evaluator puts into `aws:SourceArn` (`…:podidentityassociation/CLUSTER/ID`): tokens carry
 * no association id, so a placeholder that only a wildcard admits.
 */
export const POD_IDENTITY_ASSOCIATION_PLACEHOLDER = 'a-keylessverify0000';

const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
const POD_IDENTITY_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'] as const;

type Policy = { Version?: unknown; Statement: any[] };

/** A resolved policy's OIDC provider: its host (`HOST[/PATH]`) and, when the output declares it, its client ids. */
interface OidcProvider {
  readonly host: string;
  readonly arn: string;
  readonly clientIds?: readonly string[];
  readonly resource?: string;
}

/** One role as read: its identity, location and the trust policy with every value resolved to a string. */
interface RoleTrust {
  readonly name: string;
  readonly resource: NeutralResource;
  readonly policy?: Policy;
  /** Why the policy could not be read (then `policy` is undefined). */
  readonly unreadable?: string;
  readonly resources: Set<string>;
  /** Providers by host, of the statements' Federated principals (after canonicalization). */
  readonly providers: Map<string, OidcProvider>;
  /** Unresolved principals and values, per statement index (a trust that needs them is not evaluable). */
  readonly unresolved: Map<number, string>;
  readonly warnings: string[];
}

const label = (r: NeutralResource): string => `${r.file}:${r.id}`;
const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A deep copy of a value with every string passed through `fn` (keys of condition blocks too). */
function mapStrings(value: unknown, fn: (s: string) => string): any {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [fn(k), mapStrings(v, fn)]));
  return value;
}

/** Pseudo parameters and deployment lookups, read as the deployment account and region. */
function deploymentPlaceholders(text: string, region: string): string {
  return text
    .replace(/\$\{AWS::AccountId\}/g, AWS_DEPLOYMENT_ACCOUNT)
    .replace(/\$\{AWS::Region\}/g, region)
    .replace(/\$\{AWS::Partition\}/g, 'aws')
    .replace(/\$\{AWS::URLSuffix\}/g, 'amazonaws.com')
    .replace(/\$\{data\.aws_caller_identity\.[A-Za-z0-9_-]+\.account_id\}/g, AWS_DEPLOYMENT_ACCOUNT)
    .replace(/\$\{data\.aws_partition\.[A-Za-z0-9_-]+\.partition\}/g, 'aws')
    .replace(/\$\{data\.aws_partition\.[A-Za-z0-9_-]+\.dns_suffix\}/g, 'amazonaws.com')
    .replace(/\$\{data\.aws_region\.[A-Za-z0-9_-]+\.(?:name|region|id)\}/g, region);
}

/** `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST` → account; undefined otherwise. */
function arnAccount(arn: string): string | undefined {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
}

function providerArn(account: string, host: string): string {
  return `arn:aws:iam::${account}:oidc-provider/${host}`;
}

/** The resolved string form of a CloudFormation value (intrinsics through cfnString). */
function cfnResolver(file: string, byId: ReadonlyMap<string, NeutralResource>): (value: unknown) => string {
  const stack = file.replace(/^.*\//, '').replace(/\.template\.(json|ya?ml)$|\.(json|ya?ml)$/, '');
  const nameOf = (r: NeutralResource, prop: string) => (typeof r.properties?.[prop] === 'string' ? r.properties[prop] : `${stack}/${r.id}`);
  return (value) => deploymentPlaceholders(cfnString(value, byId, nameOf), AWS_DEPLOYMENT_REGION);
}

/** Resolves every intrinsic of a CloudFormation document to a string (objects of one `Ref` / `Fn::…` key). */
function resolveCfnDocument(value: unknown, resolve: (v: unknown) => string): any {
  if (Array.isArray(value)) return value.map((v) => resolveCfnDocument(v, resolve));
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return resolve(value);
    return Object.fromEntries(keys.map((k) => [k, resolveCfnDocument(value[k], resolve)]));
  }
  if (typeof value === 'string') return resolve(value);
  return value;
}

/**
 * aws-cdk-lib's `CfnJson` (a `Custom::AWSCDKCfnJson` resource whose `Value` attribute is its `Value` property parsed
 * as JSON), which CDK uses for condition blocks with token-valued keys (shared/REFERENCE.md, "AWS"): replaced by the
 * parsed value when its JSON resolves.
 */
function cfnJsonValues(value: unknown, byId: ReadonlyMap<string, NeutralResource>, resolve: (v: unknown) => string): any {
  if (Array.isArray(value)) return value.map((v) => cfnJsonValues(v, byId, resolve));
  if (!isObject(value)) return value;
  const getAtt = value['Fn::GetAtt'];
  if (Object.keys(value).length === 1 && Array.isArray(getAtt) && getAtt[1] === 'Value') {
    const target = byId.get(String(getAtt[0]));
    if (target?.type === 'Custom::AWSCDKCfnJson') {
      const parsed = parseDocument(resolve(target.properties?.Value));
      if (parsed !== undefined) return parsed;
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cfnJsonValues(v, byId, resolve)]));
}

/** A Federated principal's OIDC provider host, or undefined (unresolved, SAML, something else). */
function oidcHost(principal: string): string | undefined {
  const match = /:oidc-provider\/(.+)$/.exec(principal);
  return match && !match[1].includes('${') ? issuerOf(match[1]) : undefined;
}

function isSamlPrincipal(principal: string): boolean {
  return /:saml-provider\//.test(principal);
}

/** The hosts a statement's condition keys name (`HOST:claim`), lower-cased and deduplicated. */
function conditionHosts(statement: any): string[] {
  const hosts = new Set<string>();
  for (const block of Object.values(isObject(statement?.Condition) ? statement.Condition : {})) {
    for (const key of Object.keys(isObject(block) ? block : {})) {
      const host = claimKeyIssuer(key);
      if (host !== undefined && !host.includes('${')) hosts.add(host);
    }
  }
  return [...hosts].sort();
}

function actions(statement: any): string[] {
  return asList<unknown>(statement?.Action).filter((a): a is string => typeof a === 'string');
}

function allowsAction(statement: any, action: string): boolean {
  return actions(statement).some((pattern) => globMatches(pattern, action, true));
}

function federatedOf(statement: any): string[] {
  return asList<unknown>(statement?.Principal?.Federated).filter((p): p is string => typeof p === 'string');
}

function servicesOf(statement: any): string[] {
  return asList<unknown>(statement?.Principal?.Service).filter((p): p is string => typeof p === 'string');
}

/** The first `${…}` left in a statement's principal or conditions, for the reason a trust is not evaluable. */
function firstUnresolved(statement: any): string | undefined {
  const text = safeJson({ Principal: statement?.Principal, Condition: statement?.Condition });
  return /\$\{[^}]*\}/.exec(text)?.[0];
}

/** Reads the trust policies of one run's roles. */
class AwsReader {
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

  public roles(): RoleTrust[] {
    const roles: RoleTrust[] = [];
    for (const r of this.output.resources) {
      if (r.format === 'cloudformation' && r.type === 'AWS::IAM::Role') roles.push(this.cfnRole(r));
      if (r.format === 'terraform' && r.type === 'aws_iam_role') roles.push(this.terraformRole(r));
    }
    return roles;
  }

  /** Pod Identity associations naming a role: cluster, namespace, service account, as claims. */
  public associations(role: RoleTrust): Array<{ resource: NeutralResource; claims: Record<string, string> }> {
    const found: Array<{ resource: NeutralResource; claims: Record<string, string> }> = [];
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
    const stack = r.file.replace(/^.*\//, '').replace(/\.template\.(json|ya?ml)$|\.(json|ya?ml)$/, '');
    const name = r.properties?.RoleName !== undefined ? resolve(r.properties.RoleName) : `${stack}/${r.id}`;
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

function sameDocument(a: string, b: unknown): boolean {
  try {
    return typeof b === 'string' && JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Alternatives

/** Positive string operators: their values are what a legitimate token carries (`Like`: globs). */
function positiveOperator(operator: string): { glob: boolean } | undefined {
  // ArnEquals and ArnLike both take wildcards ("Amazon Resource Name (ARN) condition operators",
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
  const match = /^(?:ForAnyValue:)?(String(?:Equals|EqualsIgnoreCase|Like)|Arn(?:Equals|Like))(?:IfExists)?$/i.exec(operator);
  if (!match) return undefined;
  return { glob: /like$/i.test(match[1]) || /^arn/i.test(match[1]) };
}

/** The positive requirements of a statement on keys `prefix + NAME` (case-insensitive prefix), by NAME. */
function requirements(statement: any, keyName: (key: string) => string | undefined): Record<string, ClaimRequirement> {
  const found: Record<string, ClaimRequirement> = {};
  for (const [operator, block] of Object.entries(isObject(statement?.Condition) ? statement.Condition : {})) {
    const positive = positiveOperator(operator);
    if (!positive || !isObject(block)) continue;
    for (const [key, raw] of Object.entries(block)) {
      const name = keyName(key);
      if (name === undefined) continue;
      const values = asList<unknown>(raw).map(String).sort();
      const glob = positive.glob && values.some(isGlob);
      // Two operators on one key: the exact one is the narrower reading of what the legitimate token carries.
      if (found[name] !== undefined && !found[name].glob) continue;
      found[name] = { values, glob };
    }
  }
  return found;
}

function sortedClaims(claims: Record<string, ClaimRequirement>): Record<string, ClaimRequirement> {
  return Object.fromEntries(Object.entries(claims).sort(([a], [b]) => a.localeCompare(b)));
}

function uniqueAlternatives(alternatives: TrustAlternative[]): TrustAlternative[] {
  const byKey = new Map<string, TrustAlternative>();
  for (const a of alternatives) byKey.set(safeJson(a), a);
  return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, a]) => a);
}

function oidcAlternatives(policy: Policy, providers: ReadonlyMap<string, OidcProvider>): TrustAlternative[] {
  const alternatives: TrustAlternative[] = [];
  for (const statement of policy.Statement) {
    if (statement?.Effect !== 'Allow' || !allowsAction(statement, WEB_IDENTITY)) continue;
    for (const principal of federatedOf(statement)) {
      const host = oidcHost(principal);
      if (host === undefined || !providers.has(host)) continue;
      const claims = requirements(statement, (key) => {
        const colon = key.lastIndexOf(':');
        return colon > 0 && key.slice(0, colon).toLowerCase() === host.toLowerCase() ? key.slice(colon + 1) : undefined;
      });
      alternatives.push({ issuer: `https://${host}`, claims: sortedClaims(claims) });
    }
  }
  return uniqueAlternatives(alternatives);
}

/** `arn:P:eks:R:A:podidentityassociation/C/ID` (globs allowed) → the cluster ARN pattern `arn:P:eks:R:A:cluster/C`. */
function clusterOfAssociationArn(arn: string): string | undefined {
  const match = /^(arn:[^:]+:eks:[^:]*:[^:]*):podidentityassociation\/([^/]+)(?:\/.*)?$/.exec(arn);
  return match ? `${match[1]}:cluster/${match[2]}` : undefined;
}

function podIdentityStatements(policy: Policy): any[] {
  return policy.Statement.filter((s) => servicesOf(s).includes(EKS_POD_IDENTITY_SERVICE) || s?.Principal === '*' || asList(s?.Principal?.AWS).includes('*'));
}

function podIdentityAlternatives(policy: Policy, associations: ReadonlyArray<{ claims: Record<string, string> }>): TrustAlternative[] {
  const fromStatements: Array<Record<string, ClaimRequirement>> = [];
  for (const statement of policy.Statement) {
    if (statement?.Effect !== 'Allow' || !servicesOf(statement).includes(EKS_POD_IDENTITY_SERVICE) || !allowsAction(statement, 'sts:AssumeRole')) continue;
    const claims = requirements(statement, (key) => (/^aws:RequestTag\//i.test(key) ? key.slice('aws:RequestTag/'.length) : undefined));
    // The cluster facts of the source keys, as a requirement on the `eks-cluster-arn` session tag.
    if (claims['eks-cluster-arn'] === undefined) {
      const source = requirements(statement, (key) => (/^aws:Source(Arn|Account)$/i.test(key) ? key.slice(4).toLowerCase() : undefined));
      const name = claims['eks-cluster-name']?.values.length === 1 && !claims['eks-cluster-name'].glob ? claims['eks-cluster-name'].values[0] : '*';
      const clusters = source.sourcearn?.values.map(clusterOfAssociationArn).filter((c): c is string => c !== undefined)
        ?? source.sourceaccount?.values.map((account) => `arn:aws:eks:*:${account}:cluster/${name}`);
      if (clusters !== undefined && clusters.length > 0) {
        const values = clusters.map((c) => c.replace(/:cluster\/\*$/, `:cluster/${name}`)).sort();
        claims['eks-cluster-arn'] = { values, glob: values.some(isGlob) };
      }
    }
    fromStatements.push(claims);
  }
  const merged = associations.length === 0 ? fromStatements : associations.flatMap(({ claims: association }) => fromStatements.map((claims) => {
    const out: Record<string, ClaimRequirement> = { ...claims };
    for (const [tag, value] of Object.entries(association)) out[tag] = { values: [value], glob: false };
    const cluster = out['eks-cluster-arn'];
    if (cluster && association['eks-cluster-name'] !== undefined) {
      const values = cluster.values.map((c) => c.replace(/:cluster\/\*$/, `:cluster/${association['eks-cluster-name']}`)).sort();
      out['eks-cluster-arn'] = { values, glob: values.some(isGlob) };
    }
    return out;
  }));
  return uniqueAlternatives(merged.filter((claims) => Object.keys(claims).length > 0).map((claims) => {
    const cluster = claims['eks-cluster-arn'];
    const issuer = cluster && !cluster.glob && cluster.values.length === 1 ? cluster.values[0] : undefined;
    return { ...(issuer !== undefined ? { issuer } : {}), claims: sortedClaims(claims) };
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

type Context = Record<string, string | readonly string[] | undefined>;

function statementName(policy: Policy, index: number): string {
  const sid = policy.Statement[index]?.Sid;
  return typeof sid === 'string' && sid !== '' ? `Statement[${index}] (Sid ${sid})` : `Statement[${index}]`;
}

function showValue(value: string | readonly string[] | undefined): string {
  return value === undefined ? 'an absent key' : JSON.stringify(value);
}

/**
 * Why no Allow statement applied: for each Allow statement naming the principal and the action, its first condition
 * that does not hold.
 */
function explainDenial(policy: Policy, request: TrustRequest, note: (key: string) => string): string {
  const context = new Map(Object.entries(request.context).filter(([, v]) => v !== undefined).map(([k, v]) => [k.toLowerCase(), v!]));
  const reasons: string[] = [];
  policy.Statement.forEach((statement, index) => {
    if (statement?.Effect !== 'Allow' || !allowsAction(statement, request.action)) return;
    const principals = statement.Principal === '*' ? ['*'] : asList<unknown>(statement.Principal?.[request.principal.type]).map(String);
    if (!principals.includes(request.principal.id) && !principals.includes('*') && !asList(statement.Principal?.AWS).includes('*')) return;
    for (const [operator, block] of Object.entries(isObject(statement.Condition) ? statement.Condition : {})) {
      for (const [key, raw] of Object.entries(isObject(block) ? block : {})) {
        const values = asList<unknown>(raw).map(String);
        const value = context.get(key.toLowerCase());
        let holds: boolean;
        try {
          holds = conditionHolds(parseOperator(operator), values, value);
        } catch {
          holds = false;
        }
        if (!holds) {
          reasons.push(`${statementName(policy, index)}: ${operator} ${key} ${JSON.stringify(values)} does not hold for ${showValue(value)}${value === undefined ? note(key) : ''}`);
          return;
        }
      }
    }
  });
  const who = `${request.principal.type === 'Federated' ? 'the OIDC provider' : 'the service'} ${request.principal.id}`;
  return reasons.length === 0
    ? `implicitly denied: no statement allows ${request.action} for ${who}`
    : `implicitly denied: ${reasons.join('; ')}`;
}

function evaluateOne(policy: Policy, request: TrustRequest, note: (key: string) => string = () => ''): Decision & { matched?: number } {
  const result = tryEvaluateTrust(policy, request);
  switch (result.decision) {
    case 'unsupported': return { outcome: 'unsupported', detail: `not evaluated: ${result.reason}` };
    case 'deny': return { outcome: 'denied', detail: `explicitly denied by ${statementName(policy, result.matched!)}` };
    case 'implicit-deny': return { outcome: 'denied', detail: explainDenial(policy, request, note) };
    default: return { outcome: 'admitted', detail: `${statementName(policy, result.matched!)} allows ${request.action}`, matched: result.matched };
  }
}

/** A claim value as an IAM request value: strings as is, numbers and booleans as text, lists multivalued. */
function requestValue(value: ClaimValue | undefined): string | readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(String);
  return undefined;
}

/**
 * The `HOST:aud` request value. A Kubernetes projected token carries `aud` as a list (`["sts.amazonaws.com"]`) and
 * IRSA trusts condition it with a plain `StringEquals` (EKS User Guide, "Assign IAM roles to Kubernetes service
 * accounts", https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html), so a one-element
 * list is one value; of several audiences, the one client id of the provider they hold, when exactly one; otherwise
 * the list, multivalued (which a single-valued operator does not evaluate: the decision is then `unsupported`).
 */
function audienceValue(value: ClaimValue | undefined, provider: OidcProvider | undefined): string | readonly string[] | undefined {
  const v = requestValue(value);
  if (typeof v === 'string' || v === undefined) return v;
  if (v.length === 1) return v[0];
  const clients = provider?.clientIds === undefined ? [] : v.filter((a) => provider.clientIds!.includes(a));
  return clients.length === 1 ? clients[0] : v;
}

function evaluateWebIdentity(policy: Policy, providers: ReadonlyMap<string, OidcProvider>, token: Token): Decision {
  if (token.platform === 'eks-pod-identity') return { outcome: 'denied', detail: 'an EKS Pod Identity session does not call sts:AssumeRoleWithWebIdentity' };
  const host = issuerOf(token.issuer);
  const issuerUrl = `https://${host}`;
  const provider = [...providers.values()].find((p) => p.host.toLowerCase() === host.toLowerCase());
  const account = [...providers.values()].map((p) => arnAccount(p.arn)).find((a) => a !== undefined) ?? AWS_DEPLOYMENT_ACCOUNT;
  const aud = token.claims.aud;
  if (provider?.clientIds !== undefined) {
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(String) : [];
    if (!audiences.some((a) => provider.clientIds!.includes(a))) {
      const ids = provider.clientIds.join(', ') || 'no client id';
      return {
        outcome: 'denied',
        detail: audiences.length === 0
          ? `the token has no audience: the OIDC provider ${host} accepts ${ids}`
          : `the token's audience ${JSON.stringify(aud)} is not a client id of the OIDC provider ${host} (${ids})`,
      };
    }
  }
  const context: Context = {};
  const prefix = provider?.host ?? host;
  for (const [claim, value] of Object.entries(token.claims).sort(([a], [b]) => a.localeCompare(b))) {
    if (!awsStsExposesClaim(issuerUrl, claim)) continue;
    const v = claim === 'aud' ? audienceValue(value, provider) : requestValue(value);
    if (v !== undefined) context[`${prefix}:${claim}`] = v;
  }
  const request: TrustRequest = { action: WEB_IDENTITY, principal: { type: 'Federated', id: provider?.arn ?? providerArn(account, host) }, context };
  const { outcome, detail } = evaluateOne(policy, request, (key) => {
    const colon = key.lastIndexOf(':');
    const claim = key.slice(colon + 1);
    const ours = colon > 0 && key.slice(0, colon).toLowerCase() === prefix.toLowerCase();
    if (ours && token.claims[claim] !== undefined && !awsStsExposesClaim(issuerUrl, claim)) {
      return ` (STS does not expose the claim ${claim} of ${issuerUrl})`;
    }
    return '';
  });
  return { outcome, detail };
}

function evaluatePodIdentity(policy: Policy, token: Token): Decision {
  if (token.platform !== 'eks-pod-identity') return { outcome: 'denied', detail: `a ${token.platform} token is not an EKS Pod Identity session: only the EKS Auth API assumes this role` };
  const cluster = /^arn:([^:]+):eks:([^:]+):(\d{12}):cluster\/(.+)$/.exec(token.issuer);
  const tags = Object.entries(token.claims).filter(([, v]) => typeof v === 'string').sort(([a], [b]) => a.localeCompare(b)) as Array<[string, string]>;
  const context: Context = {};
  for (const [key, value] of tags) context[`aws:RequestTag/${key}`] = value;
  context['aws:TagKeys'] = tags.map(([key]) => key);
  if (cluster) {
    context['aws:SourceAccount'] = cluster[3];
    context['aws:SourceArn'] = `arn:${cluster[1]}:eks:${cluster[2]}:${cluster[3]}:podidentityassociation/${cluster[4]}/${POD_IDENTITY_ASSOCIATION_PLACEHOLDER}`;
  }
  const decisions = POD_IDENTITY_ACTIONS.map((action) => ({
    action, decision: evaluateOne(policy, { action, principal: { type: 'Service', id: EKS_POD_IDENTITY_SERVICE }, context }),
  }));
  const unsupported = decisions.find((d) => d.decision.outcome === 'unsupported');
  if (unsupported) return { outcome: 'unsupported', detail: `${unsupported.action}: ${unsupported.decision.detail}` };
  const denied = decisions.find((d) => d.decision.outcome === 'denied');
  if (denied) return { outcome: 'denied', detail: `${denied.action}: ${denied.decision.detail}` };
  const [assume, tag] = decisions.map((d) => d.decision.matched!);
  return {
    outcome: 'admitted',
    detail: assume === tag
      ? `${statementName(policy, assume)} allows sts:AssumeRole and sts:TagSession for ${EKS_POD_IDENTITY_SERVICE}`
      : `${statementName(policy, assume)} allows sts:AssumeRole and ${statementName(policy, tag)} allows sts:TagSession for ${EKS_POD_IDENTITY_SERVICE}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Trusts

function locationOf(resource: NeutralResource): VerifyTrust['location'] {
  const path = resource.properties?.['//']?.metadata?.path;
  return { file: resource.file, resource: resource.id, ...(typeof path === 'string' ? { constructPath: path } : {}) };
}

const notEvaluated = (reason: string) => (): Decision => ({ outcome: 'unsupported', detail: `not evaluated: ${reason}` });

/** The first unresolved value among some statements, as a trust's reason. */
function unresolvedReason(role: RoleTrust, indexes: readonly number[]): string | undefined {
  const index = indexes.find((i) => role.unresolved.has(i));
  return index === undefined ? undefined : `Statement[${index}]: ${role.unresolved.get(index)}`;
}

/**
 * The federated trusts of AWS roles in synthesized output: one `aws-oidc` trust per role trusting an IAM OIDC
 * provider (`aws:role:NAME`), one `aws-pod-identity` trust per role trusting EKS Pod Identity
 * (`aws:role:NAME#pod-identity`), SAML federations as trusts that are not evaluable (`aws:role:NAME`, or
 * `aws:role:NAME#saml` beside an OIDC trust). Sorted by id; warnings say what was read by inference.
 */
export function awsTrusts(output: SynthOutput): { trusts: VerifyTrust[]; warnings: string[] } {
  const reader = new AwsReader(output);
  const trusts: VerifyTrust[] = [];
  const warnings: string[] = [];
  for (const role of reader.roles()) {
    warnings.push(...role.warnings);
    const base = { cloud: 'aws' as const, identity: role.name, location: locationOf(role.resource) };
    if (role.policy === undefined) {
      // A trust that cannot be read at all: reported when it might be federated (its text names a provider or Pod Identity).
      const text = safeJson(role.resource.properties);
      if (/oidc-provider|openid_connect_provider|OIDCProvider|AssumeRoleWithWebIdentity|saml-provider|pods\.eks\.amazonaws\.com/.test(text)) {
        const reason = role.unreadable!;
        trusts.push({ ...base, id: `aws:role:${role.name}`, kind: 'aws-oidc', resources: [...role.resources].sort(), alternatives: [], unevaluable: reason, evaluate: notEvaluated(reason) });
      }
      continue;
    }
    const policy = role.policy;
    const indexed = policy.Statement.map((statement, index) => ({ statement, index }));
    const oidc = indexed.filter(({ statement }) => federatedOf(statement).some((p) => !isSamlPrincipal(p)) && !allowsActionOnly(statement, 'sts:AssumeRoleWithSAML'));
    const saml = indexed.filter(({ statement }) => federatedOf(statement).some(isSamlPrincipal) || actions(statement).some((a) => /^sts:AssumeRoleWithSAML$/i.test(a)));
    const pods = indexed.filter(({ statement }) => servicesOf(statement).includes(EKS_POD_IDENTITY_SERVICE));

    if (oidc.length > 0) {
      const reason = unresolvedReason(role, oidc.map((s) => s.index));
      const providers = new Map(role.providers);
      trusts.push({
        ...base,
        id: `aws:role:${role.name}`,
        kind: 'aws-oidc',
        resources: [...role.resources].sort(),
        alternatives: reason === undefined ? oidcAlternatives(policy, providers) : [],
        ...(reason !== undefined ? { unevaluable: reason } : {}),
        evaluate: reason !== undefined ? notEvaluated(reason) : (token) => evaluateWebIdentity(policy, providers, token),
      });
    }
    if (saml.length > 0) {
      const reason = 'SAML federation is not modelled';
      trusts.push({
        ...base,
        id: oidc.length > 0 ? `aws:role:${role.name}#saml` : `aws:role:${role.name}`,
        kind: 'aws-oidc',
        resources: [...role.resources].sort(),
        alternatives: [],
        unevaluable: reason,
        evaluate: notEvaluated(reason),
      });
    }
    if (pods.length > 0) {
      const associations = reader.associations(role);
      const resources = new Set(role.resources);
      for (const a of associations) resources.add(label(a.resource));
      let reason = unresolvedReason(role, podIdentityStatements(policy).map((s) => policy.Statement.indexOf(s)));
      // An exact association id in aws:SourceArn: the id is not in a token (nor, before apply, in the output).
      for (const { statement, index } of pods) {
        const pinned = Object.values(isObject(statement.Condition) ? statement.Condition : {}).flatMap((block: any) =>
          Object.entries(isObject(block) ? block : {}).filter(([key]) => /^aws:SourceArn$/i.test(key)).flatMap(([, v]) => asList<unknown>(v).map(String)))
          .find((arn) => /:podidentityassociation\/[^/]+\/[^/*?]+$/.test(arn));
        if (pinned !== undefined && reason === undefined) {
          reason = `Statement[${index}]: aws:SourceArn pins the Pod Identity association ${pinned}, whose id no session carries`;
        }
      }
      trusts.push({
        ...base,
        id: `aws:role:${role.name}#pod-identity`,
        kind: 'aws-pod-identity',
        resources: [...resources].sort(),
        alternatives: reason === undefined ? podIdentityAlternatives(policy, associations) : [],
        ...(reason !== undefined ? { unevaluable: reason } : {}),
        evaluate: reason !== undefined ? notEvaluated(reason) : (token) => evaluatePodIdentity(policy, token),
      });
    }
  }
  trusts.sort((a, b) => a.id.localeCompare(b.id));
  return { trusts, warnings: [...new Set(warnings)].sort() };
}

/** Whether a statement's only actions are `action` (a SAML statement naming a Federated principal). */
function allowsActionOnly(statement: any, action: string): boolean {
  const list = actions(statement);
  return list.length > 0 && list.every((a) => a.toLowerCase() === action.toLowerCase());
}
