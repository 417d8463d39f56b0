/**
 * Kubernetes RBAC facts, once.
 *
 * Source: Kubernetes, "Using RBAC Authorization", section "Privilege escalation prevention and bootstrapping"
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping:
 * `escalate` on roles/clusterroles and `bind` on roles/clusterroles bypass the check that a subject holds what it grants)
 * and "User impersonation" (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation:
 * the `impersonate` verb on users, groups, serviceaccounts, uids and userextras). Checked 2026.
 */

/** Verbs that let a subject obtain permissions it does not hold. */
export const KUBERNETES_ESCALATION_VERBS: readonly string[] = ['bind', 'escalate', 'impersonate'];
