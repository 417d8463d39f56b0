import { GuardrailRule } from '../model';
import { awsAdminPolicy } from './aws-admin-policy';
import { azureFicAudience } from './azure-fic-audience';
import { federatedTrustPinned } from './federated-trust-pinned';
import { gcpBasicRole } from './gcp-basic-role';
import { gcpPrincipalSetWildcard } from './gcp-principalset-wildcard';
import { gcpProviderOwnerPinned } from './gcp-provider-owner-pinned';
import { k8sAutomount } from './k8s-automount';
import { k8sClusterAdmin } from './k8s-cluster-admin';
import { k8sDefaultServiceAccount } from './k8s-default-service-account';
import { k8sRbacWildcard } from './k8s-rbac-wildcard';
import { ownership } from './ownership';
import { policyUnreadable } from './policy-unreadable';
import { sessionOverTier } from './session-over-tier';
import { sharedIdentity } from './shared-identity';
import { staticCredential } from './static-credential';
import { wildcardAction } from './wildcard-action';
import { wildcardResource } from './wildcard-resource';

export {
  awsAdminPolicy, azureFicAudience, federatedTrustPinned, gcpBasicRole, gcpPrincipalSetWildcard, gcpProviderOwnerPinned, k8sAutomount,
  k8sClusterAdmin, k8sDefaultServiceAccount, k8sRbacWildcard, ownership, policyUnreadable, sessionOverTier, sharedIdentity, staticCredential,
  wildcardAction, wildcardResource,
};

/** Every Keyless guardrail rule, in id order. */
export const ALL_RULES: readonly GuardrailRule[] = [
  awsAdminPolicy, azureFicAudience, federatedTrustPinned, gcpBasicRole, gcpPrincipalSetWildcard, gcpProviderOwnerPinned, k8sAutomount,
  k8sClusterAdmin, k8sDefaultServiceAccount, k8sRbacWildcard, ownership, policyUnreadable, sessionOverTier, sharedIdentity, staticCredential,
  wildcardAction, wildcardResource,
].sort((a, b) => a.id.localeCompare(b.id));
