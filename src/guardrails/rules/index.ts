/**
 * Every Keyless guardrail rule, one per file. One convention names them: rule id `KL-G-X-Y` is defined in
 * `rules/x-y.ts` and exported as `xY` (test/guardrails/naming.test.ts enforces it).
 */
import { GuardrailRule } from '../model';
import { awsAdminPolicy } from './aws-admin-policy';
import { awsBreakGlassMfa } from './aws-break-glass-mfa';
import { awsPodIdentityUnscoped } from './aws-pod-identity-unscoped';
import { awsPrincipalWildcard } from './aws-principal-wildcard';
import { azureFicAudience } from './azure-fic-audience';
import { federatedTrustUnpinned } from './federated-trust-unpinned';
import { gcpBasicRole } from './gcp-basic-role';
import { gcpDefaultSa } from './gcp-default-sa';
import { gcpPrincipalsetWildcard } from './gcp-principalset-wildcard';
import { gcpProviderUnpinned } from './gcp-provider-unpinned';
import { gcpSaImpersonation } from './gcp-sa-impersonation';
import { k8sAutomount } from './k8s-automount';
import { k8sClusterAdmin } from './k8s-cluster-admin';
import { k8sDefaultSa } from './k8s-default-sa';
import { k8sRbacEscalation } from './k8s-rbac-escalation';
import { k8sRbacWildcard } from './k8s-rbac-wildcard';
import { ownership } from './ownership';
import { policyUnreadable } from './policy-unreadable';
import { sessionOverTier } from './session-over-tier';
import { sharedIdentity } from './shared-identity';
import { staticCredential } from './static-credential';
import { wildcardAction } from './wildcard-action';
import { wildcardResource } from './wildcard-resource';

// One rule per line (the order does not matter: ALL_RULES sorts by id).
export {
  awsAdminPolicy,
  awsBreakGlassMfa,
  awsPodIdentityUnscoped,
  awsPrincipalWildcard,
  azureFicAudience,
  federatedTrustUnpinned,
  gcpBasicRole,
  gcpDefaultSa,
  gcpPrincipalsetWildcard,
  gcpProviderUnpinned,
  gcpSaImpersonation,
  k8sAutomount,
  k8sClusterAdmin,
  k8sDefaultSa,
  k8sRbacEscalation,
  k8sRbacWildcard,
  ownership,
  policyUnreadable,
  sessionOverTier,
  sharedIdentity,
  staticCredential,
  wildcardAction,
  wildcardResource,
};

/** Every Keyless guardrail rule, in id order. */
export const ALL_RULES: readonly GuardrailRule[] = [
  awsAdminPolicy,
  awsBreakGlassMfa,
  awsPodIdentityUnscoped,
  awsPrincipalWildcard,
  azureFicAudience,
  federatedTrustUnpinned,
  gcpBasicRole,
  gcpDefaultSa,
  gcpPrincipalsetWildcard,
  gcpProviderUnpinned,
  gcpSaImpersonation,
  k8sAutomount,
  k8sClusterAdmin,
  k8sDefaultSa,
  k8sRbacEscalation,
  k8sRbacWildcard,
  ownership,
  policyUnreadable,
  sessionOverTier,
  sharedIdentity,
  staticCredential,
  wildcardAction,
  wildcardResource,
].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
