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
import { oidcAlternatives, podIdentityAlternatives } from './aws-alternatives';
import { evaluatePodIdentity, evaluateWebIdentity } from './aws-evaluate';
import {
  actions, allowsAction, allowsActionOnly, EKS_POD_IDENTITY_SERVICE, federatedOf, isObject, isSamlPrincipal, label, Policy,
  podIdentityStatements, RoleTrust, servicesOf, WEB_IDENTITY,
} from './aws-policy';
import { AwsReader } from './aws-read';
import type { Decision, VerifyTrust } from './model';
import { byText } from './order';
import type { NeutralResource, SynthOutput } from '../synth/model';
import { asList, safeJson } from '../synth/values';

export { AWS_DEPLOYMENT_ACCOUNT, AWS_DEPLOYMENT_REGION, EKS_POD_IDENTITY_SERVICE, POD_IDENTITY_ASSOCIATION_PLACEHOLDER } from './aws-policy';

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

/** Why a Pod Identity trust is not evaluable: an exact association id in aws:SourceArn, which no session (nor, before apply, the output) carries. */
function pinnedAssociationReason(pods: ReadonlyArray<{ statement: any; index: number }>): string | undefined {
  for (const { statement, index } of pods) {
    const pinned = Object.values(isObject(statement.Condition) ? statement.Condition : {}).flatMap((block: any) =>
      Object.entries(isObject(block) ? block : {}).filter(([key]) => /^aws:SourceArn$/i.test(key)).flatMap(([, v]) => asList<unknown>(v).map(String)))
      .find((arn) => /:podidentityassociation\/[^/]+\/[^/*?]+$/.test(arn));
    if (pinned !== undefined) return `Statement[${index}]: aws:SourceArn pins the Pod Identity association ${pinned}, whose id no session carries`;
  }
  return undefined;
}

/** The `aws-pod-identity` trust of a role (`aws:role:NAME#pod-identity`), with the associations that name it. */
function podIdentityTrust(reader: AwsReader, role: RoleTrust, policy: Policy, pods: ReadonlyArray<{ statement: any; index: number }>,
  base: Pick<VerifyTrust, 'cloud' | 'identity' | 'location'>): VerifyTrust {
  const associations = reader.associations(role);
  const resources = new Set(role.resources);
  for (const a of associations) resources.add(label(a.resource));
  const reason = unresolvedReason(role, podIdentityStatements(policy).map((s) => policy.Statement.indexOf(s))) ?? pinnedAssociationReason(pods);
  return {
    ...base,
    id: `aws:role:${role.name}#pod-identity`,
    kind: 'aws-pod-identity',
    resources: [...resources].sort(),
    alternatives: reason === undefined ? podIdentityAlternatives(policy, associations) : [],
    ...(reason !== undefined ? { unevaluable: reason } : {}),
    evaluate: reason !== undefined ? notEvaluated(reason) : (token) => evaluatePodIdentity(policy, token),
  };
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
      } else {
        warnings.push(`${label(role.resource)}: the trust policy cannot be read (${role.unreadable}): not verified`);
      }
      continue;
    }
    const policy = role.policy;
    const indexed = policy.Statement.map((statement, index) => ({ statement, index }));
    const oidc = indexed.filter(({ statement }) => federatedOf(statement).some((p) => !isSamlPrincipal(p)) && !allowsActionOnly(statement, 'sts:AssumeRoleWithSAML'));
    // Allow statements only: a Deny of sts:AssumeRoleWithSAML (KeylessRevoked denies every trust action) admits no one.
    const saml = indexed.filter(({ statement }) => statement?.Effect === 'Allow'
      && (federatedOf(statement).some(isSamlPrincipal) || actions(statement).some((a) => /^sts:AssumeRoleWithSAML$/i.test(a))));
    const pods = indexed.filter(({ statement }) => servicesOf(statement).includes(EKS_POD_IDENTITY_SERVICE));
    // Every principal (`"*"`, `{"AWS": "*"}`) allowed sts:AssumeRoleWithWebIdentity: whichever IAM OIDC provider of the
    // account issued the token, the conditions alone decide. Reported, never verified.
    const everyone = indexed.filter(({ statement }) => statement?.Effect === 'Allow' && allowsAction(statement, WEB_IDENTITY)
      && (statement.Principal === '*' || asList<unknown>(statement.Principal?.AWS).includes('*')));
    if (everyone.length > 0 && oidc.length === 0) {
      const reason = `Statement[${everyone[0].index}] allows sts:AssumeRoleWithWebIdentity to every principal ("*"): a token of any OIDC provider of the account is judged by its conditions alone, which verify does not evaluate`;
      trusts.push({ ...base, id: `aws:role:${role.name}`, kind: 'aws-oidc', resources: [...role.resources].sort(), alternatives: [], unevaluable: reason, evaluate: notEvaluated(reason) });
    }

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
      trusts.push(podIdentityTrust(reader, role, policy, pods, base));
    }
  }
  trusts.sort((a, b) => byText(a.id, b.id));
  return { trusts, warnings: [...new Set(warnings)].sort() };
}
