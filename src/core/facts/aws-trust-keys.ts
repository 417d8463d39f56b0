/**
 * IAM condition keys a role trust is judged by: which keys narrow a trust of every AWS principal (`*`) or of a
 * whole account, the session tags EKS Pod Identity sets, and the MFA key.
 *
 * Sources: IAM User Guide, "AWS global condition context keys" (`aws:PrincipalArn`, `aws:PrincipalAccount`,
 * `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`: properties of the calling principal that AWS sets, not the caller;
 * `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID`, `aws:SourceOrgPaths`: the resource a service acts for, the
 * confused-deputy keys; `aws:MultiFactorAuthPresent`: absent from requests signed with long-term access keys, so
 * `BoolIfExists … "true"` in an Allow admits them without MFA), "Access to AWS accounts owned by third parties"
 * (`sts:ExternalId` picks which customer of a trusted third-party account may assume; it is not a secret, so it
 * narrows a trusted account, never `*`), "Policy evaluation for requests within a single account" (a trust naming
 * the account root delegates to the account's identity policies: every user and role of the account allowed
 * `sts:AssumeRole` may assume); EKS User Guide, "Create IAM role with trust policy required by EKS Pod Identity" and
 * "Enable or disable session tags" (`aws:RequestTag/kubernetes-namespace`, `aws:RequestTag/kubernetes-service-account`,
 * `aws:RequestTag/eks-cluster-arn`, `aws:RequestTag/eks-cluster-name`).
 */

/** Keys that narrow a trust of every AWS principal to one organization, account, principal or source resource. */
export const AWS_PRINCIPAL_NARROWING_KEYS: readonly string[] = [
  'aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:PrincipalOrgID', 'aws:PrincipalOrgPaths',
  'aws:SourceArn', 'aws:SourceAccount', 'aws:SourceOrgID', 'aws:SourceOrgPaths',
];

/** Keys that narrow a trust of a whole account: the principal keys, and the third-party external id. */
export const AWS_ACCOUNT_NARROWING_KEYS: readonly string[] = [...AWS_PRINCIPAL_NARROWING_KEYS, 'sts:ExternalId'];

/** Narrowing keys whose values are account or organization ids (a wildcard in them admits other accounts). */
export const AWS_ID_VALUED_KEYS: readonly string[] = ['aws:PrincipalAccount', 'aws:PrincipalOrgID', 'aws:SourceAccount', 'aws:SourceOrgID', 'sts:ExternalId'];

/** The session tags EKS Pod Identity sets that name the pod's namespace and service account. */
export const EKS_POD_IDENTITY_NAMESPACE_TAG = 'aws:RequestTag/kubernetes-namespace';
export const EKS_POD_IDENTITY_SERVICE_ACCOUNT_TAG = 'aws:RequestTag/kubernetes-service-account';

/** The key that says the caller's credentials were validated with MFA. */
export const AWS_MFA_PRESENT_KEY = 'aws:MultiFactorAuthPresent';
