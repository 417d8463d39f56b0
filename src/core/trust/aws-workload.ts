import { AwsCondition, AWS_STS_AUDIENCE } from './aws';
import { checkIssuerUrl } from '../ci/policy';
import { fail, quote, ValidationContext } from '../errors';
import { EKS_POD_IDENTITY_NAMESPACE_TAG, EKS_POD_IDENTITY_SERVICE_ACCOUNT_TAG } from '../facts/aws-trust-keys';
import { KubernetesServiceAccountRef, serviceAccountSubject } from '../kubernetes';
import { iamLiteral, requireLiterals } from '../literal';
import { describeValue } from '../props';

/**
 * The trust of an IAM role for one Kubernetes service account on EKS, decided before any construct renders it:
 * IRSA (the cluster's OIDC issuer federated into IAM) or EKS Pod Identity (the Pod Identity Agent assumes the role
 * and tags the session with the pod's cluster, namespace and service account).
 *
 * Sources: EKS user guide, "IAM roles for service accounts" (condition keys `ISSUER:sub` and `ISSUER:aud`) and
 * "Define permissions for EKS Pod Identities by tags" (the session tags the agent sets).
 */

/** The service principal of the EKS Pod Identity Agent. */
export const EKS_POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';
/** What the Pod Identity Agent does with the role: assume it and tag the session. */
export const EKS_POD_IDENTITY_ACTIONS: readonly string[] = ['sts:AssumeRole', 'sts:TagSession'];
/** What an IRSA token does with the role. */
export const IRSA_ACTIONS: readonly string[] = ['sts:AssumeRoleWithWebIdentity'];
const POD_IDENTITY_DOCS = 'https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html';
// An EKS cluster name: 1–100 letters, digits, `-` and `_`, starting with a letter or digit (so never a `$`).
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

/** A service principal. */
export interface AwsServicePrincipalSpec {
  /** The service, e.g. `pods.eks.amazonaws.com`. */
  readonly service: string;
}

/** The IAM OIDC provider of an issuer, whose ARN the construct resolves (an existing provider, or one it creates). */
export interface AwsOidcProviderPrincipalSpec {
  /** The issuer URL. */
  readonly oidcProviderUrl: string;
  /** The client id (audience) the provider must list. */
  readonly clientId: string;
}

/** Who a role trust statement names. */
export type AwsTrustPrincipalSpec = AwsServicePrincipalSpec | AwsOidcProviderPrincipalSpec;

/** One trust statement of a role, decided: who, with which actions, under which conditions. */
export interface AwsRoleTrustStatement<P extends AwsTrustPrincipalSpec = AwsTrustPrincipalSpec> {
  /** The principal. */
  readonly principal: P;
  /** Exact actions. */
  readonly actions: readonly string[];
  /** Conditions, keys in rendering order. */
  readonly conditions: AwsCondition;
}

/** The IRSA trust of a role for one service account. */
export interface IrsaTrust {
  /** The issuer, validated. */
  readonly issuerUrl: string;
  /** The issuer without its scheme: the prefix of the condition keys. */
  readonly issuerHostPath: string;
  /** The region of an EKS issuer (`oidc.eks.REGION.amazonaws.com`); undefined for another issuer, which names none. */
  readonly region?: string;
  /** The service account's subject, `system:serviceaccount:NS:SA`. */
  readonly subject: string;
  /** The one statement: `StringEquals` on `ISSUER:aud = sts.amazonaws.com` and `ISSUER:sub = SUBJECT`. */
  readonly statement: AwsRoleTrustStatement<AwsOidcProviderPrincipalSpec>;
}

/**
 * Refuses an EKS issuer written with a trailing `/`. EKS prints its issuer without one
 * (`aws eks describe-cluster --query cluster.identity.oidc.issuer`: `https://oidc.eks.REGION.amazonaws.com/id/ID`)
 * and its tokens' `iss` has none; the IRSA condition keys are `HOST/id/ID:sub` and `HOST/id/ID:aud`. Refused, with
 * the exact value, rather than trimmed: the declared value is what is deployed.
 */
export function checkEksIssuerSlash(value: unknown, ctx: ValidationContext, prop: string): void {
  if (typeof value === 'string' && /^https:\/\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+\/+$/.test(value)) {
    fail({
      code: 'KL-AWS-IRSA-ISSUER',
      path: ctx.path,
      prop,
      problem: `is ${quote(value)}: an EKS issuer has no trailing \`/\`, and IAM matches the token's \`iss\` (and the condition keys built from it) exactly, so this role would trust no token of the cluster`,
      fix: `write the issuer as \`aws eks describe-cluster --query cluster.identity.oidc.issuer\` prints it, without the trailing slash: ${quote(value.replace(/\/+$/, ''))}`,
      docs: 'https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html',
    });
  }
}

/**
 * Decides the IRSA trust: `StringEquals` on `ISSUER:aud = sts.amazonaws.com` and
 * `ISSUER:sub = system:serviceaccount:NS:SA`, for the IAM OIDC provider of the issuer (client id `sts.amazonaws.com`).
 * The issuer is validated first (no trailing `/` on an EKS issuer, an https URL of at most 255 characters).
 */
export function irsaTrust(issuerUrl: unknown, serviceAccount: KubernetesServiceAccountRef, ctx: ValidationContext, prop = 'eks.issuerUrl'): IrsaTrust {
  checkEksIssuerSlash(issuerUrl, ctx, prop);
  // checkIssuerUrl also bounds the issuer to the 255 characters of an IAM OIDC provider URL.
  const issuer = checkIssuerUrl(issuerUrl, ctx, prop, 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE');
  const hostPath = issuer.replace(/^https:\/\//, '');
  const subject = serviceAccountSubject(serviceAccount);
  return {
    issuerUrl: issuer,
    issuerHostPath: hostPath,
    region: /^oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(hostPath)?.[1],
    subject,
    statement: {
      principal: { oidcProviderUrl: issuer, clientId: AWS_STS_AUDIENCE },
      actions: IRSA_ACTIONS,
      conditions: { StringEquals: { [`${hostPath}:aud`]: AWS_STS_AUDIENCE, [`${hostPath}:sub`]: iamLiteral(subject, ctx, 'serviceAccount') } },
    },
  };
}

/**
 * Validates the Pod Identity binding's own props: not on Fargate (where Pod Identity is not available), and the
 * cluster named literally and exactly. Returns the cluster name.
 */
export function checkPodIdentityBinding(binding: { readonly clusterName: unknown; readonly fargate?: unknown }, ctx: ValidationContext): string {
  if (binding.fargate !== undefined && typeof binding.fargate !== 'boolean') {
    fail({
      code: 'KL-PROP-TYPE',
      path: ctx.path,
      prop: 'eks.fargate',
      problem: `is ${describeValue(binding.fargate)}: expected true or false`,
      fix: 'set `fargate: true` when the pods run on Fargate (then use IRSA), or leave it out',
    });
  }
  if (binding.fargate === true) {
    fail({
      code: 'KL-AWS-POD-IDENTITY-FARGATE',
      path: ctx.path,
      prop: 'eks.fargate',
      problem: 'is true: EKS Pod Identity is not available to pods on Fargate',
      fix: 'use `eks: { kind: "irsa", issuerUrl }` for Fargate workloads',
      docs: `${POD_IDENTITY_DOCS}#pod-id-considerations`,
    });
  }
  // The cluster name is a trust condition value: a deploy-time value such as `${aws:RequestTag/eks-cluster-name}`
  // would be read by IAM as a policy variable and admit the same service account of every cluster.
  requireLiterals(binding.clusterName, ctx, 'eks.clusterName', 'which cluster\'s pods are trusted');
  if (typeof binding.clusterName !== 'string' || !EKS_CLUSTER_NAME.test(binding.clusterName)) {
    fail({
      code: 'KL-AWS-EKS-CLUSTER-NAME',
      path: ctx.path,
      prop: 'eks.clusterName',
      problem: `is ${describeValue(binding.clusterName)}: an EKS cluster name is 1–100 letters, digits, \`-\` and \`_\`, starting with a letter or digit`,
      fix: 'give the cluster name exactly',
    });
  }
  return binding.clusterName;
}

/** Where the role is created: the stack's partition, region and account (literals or deploy-time values). */
export interface AwsRoleLocation {
  /** Partition, e.g. `aws` (or the `AWS::Partition` pseudo parameter). */
  readonly partition: string;
  /** Region of the stack: cluster names are unique per account and region only. */
  readonly region: string;
  /** Account of the stack. */
  readonly account: string;
}

/** The Pod Identity trust of a role for one service account on one cluster. */
export interface PodIdentityTrust {
  /** ARN of the cluster in the role's region, which the `eks-cluster-arn` session tag must name. */
  readonly clusterArn: string;
  /**
   * The one statement: `pods.eks.amazonaws.com` may `sts:AssumeRole` and `sts:TagSession` when the session tags
   * name this cluster (by ARN and name), namespace and service account, and the request comes from this account.
   */
  readonly statement: AwsRoleTrustStatement<AwsServicePrincipalSpec>;
  /** The `AWS::EKS::PodIdentityAssociation` that hands the role to the service account's pods. */
  readonly association: { readonly clusterName: string; readonly namespace: string; readonly serviceAccount: string };
}

/**
 * Decides the Pod Identity trust for a validated cluster name (see {@link checkPodIdentityBinding}) and service account.
 * Every literal in the conditions is validated to exclude `$` (cluster name, DNS-1123 namespace and service account
 * name) and goes through iamLiteral, so none can read as an IAM policy variable.
 */
export function podIdentityTrust(
  clusterName: string, serviceAccount: KubernetesServiceAccountRef, location: AwsRoleLocation, ctx: ValidationContext,
): PodIdentityTrust {
  // Cluster names are unique per account and region only: the ARN pins the cluster of the role's region.
  const clusterArn = `arn:${location.partition}:eks:${location.region}:${location.account}:cluster/${clusterName}`;
  return {
    clusterArn,
    statement: {
      principal: { service: EKS_POD_IDENTITY_PRINCIPAL },
      actions: EKS_POD_IDENTITY_ACTIONS,
      conditions: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': clusterArn,
          'aws:RequestTag/eks-cluster-name': iamLiteral(clusterName, ctx, 'eks.clusterName'),
          [EKS_POD_IDENTITY_NAMESPACE_TAG]: iamLiteral(serviceAccount.namespace, ctx, 'serviceAccount.namespace'),
          [EKS_POD_IDENTITY_SERVICE_ACCOUNT_TAG]: iamLiteral(serviceAccount.name, ctx, 'serviceAccount.name'),
          'aws:SourceAccount': location.account,
        },
      },
    },
    association: { clusterName, namespace: serviceAccount.namespace, serviceAccount: serviceAccount.name },
  };
}

/** The partition of a region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws` (also for an unknown region). */
export function awsPartitionOfRegion(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** The ARN of a role by name, for the IRSA service account annotation `eks.amazonaws.com/role-arn`. */
export function awsRoleArn(account: string, region: string, roleName: string): string {
  return `arn:${awsPartitionOfRegion(region)}:iam::${account}:role/${roleName}`;
}
