/**
 * The tokens verify builds: every claim a platform issues, consistent with each other (the `sub` is computed from the
 * other claims by the platform's own grammar, never taken as given), and the legitimate identities a trust was
 * written for, derived from its alternatives.
 *
 * Sources (claim names, subject grammars, defaults):
 * - GitHub, "OpenID Connect reference" (https://docs.github.com/en/actions/reference/security/oidc): the claims
 *   `actor`, `actor_id`, `base_ref`, `enterprise`, `enterprise_id`, `environment`, `event_name`, `head_ref`,
 *   `job_workflow_ref`, `job_workflow_sha`, `ref`, `ref_protected`, `ref_type`, `repository`, `repository_id`,
 *   `repository_owner`, `repository_owner_id`, `repository_visibility`, `run_attempt`, `run_id`, `run_number`,
 *   `runner_environment`, `sha`, `workflow`, `workflow_ref`, `workflow_sha`; the default audience (the URL of the
 *   repository owner); the subject forms `repo:OWNER/REPO:ref:REF`, `…:environment:ENV` (a job that references an
 *   environment gets the environment form, whatever its ref), `…:pull_request`; custom templates
 *   (`include_claim_keys`: each key gives `KEY:VALUE`, `repo` gives `repo:OWNER/REPO`, `context` the context above,
 *   a `:` inside a value is encoded `%3A`); the unique enterprise issuer `https://token.actions.githubusercontent.com/SLUG`.
 * - GitHub changelog, "Immutable subject claims for GitHub Actions OIDC tokens" (2026-04-23,
 *   https://github.blog/changelog/2026-04-23-immutable-subject-claims-for-github-actions-oidc-tokens): the ID-based
 *   subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:CONTEXT` (`@` never occurs in an owner or repository name),
 *   github.com only.
 * - GitLab, "OpenID Connect (OIDC) Authentication Using ID Tokens"
 *   (https://docs.gitlab.com/ci/secrets/id_token_authentication/): the claims `namespace_id`, `namespace_path`,
 *   `project_id`, `project_path`, `user_id`, `user_login`, `user_email`, `user_access_level`, `pipeline_id`,
 *   `pipeline_source`, `job_id`, `ref`, `ref_type`, `ref_path`, `ref_protected`, `environment`,
 *   `environment_protected`, `deployment_tier`, `environment_action`, `runner_id`, `runner_environment`, `sha`,
 *   `project_visibility`, `ci_config_ref_uri`, `ci_config_sha`; the subject
 *   `project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF` (configurable per project); `aud` set per job, no default;
 *   ids and `ref_protected` are strings. `job_project_*` / `job_namespace_*` name the project the job runs in
 *   (gitlab-org/gitlab MR !202241, https://gitlab.com/gitlab-org/gitlab/-/merge_requests/202241);
 *   `source_project_*` / `source_namespace_*` name a merge request's source project, and `project_*` name the fork
 *   in a merge-request pipeline from a fork since 18.2.2 (MR !258245,
 *   https://gitlab.com/gitlab-org/gitlab/-/merge_requests/258245; issue https://gitlab.com/gitlab-org/gitlab/-/issues/561735).
 * - Kubernetes, "Managing Service Accounts" (bound service account tokens,
 *   https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/): `sub`
 *   `system:serviceaccount:NS:SA`, `aud` a list, the `kubernetes.io` claim with `namespace`, `serviceaccount`,
 *   `pod` and `node` (name and uid). EKS, "IAM roles for service accounts"
 *   (https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html): issuer
 *   `https://oidc.eks.REGION.amazonaws.com/id/ID`, audience `sts.amazonaws.com`. AKS, "Workload identity"
 *   (https://learn.microsoft.com/azure/aks/workload-identity-overview): issuer
 *   `https://REGION.oic.prod-aks.azure.com/TENANT/CLUSTER/` (trailing slash), audience `api://AzureADTokenExchange`.
 * - EKS, "Grant pods access to AWS resources based on tags" (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html):
 *   the session tags `eks-cluster-arn`, `eks-cluster-name`, `kubernetes-namespace`, `kubernetes-service-account`,
 *   `kubernetes-pod-name`, `kubernetes-pod-uid`.
 * - GKE, "About Workload Identity Federation for GKE"
 *   (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity): the workload pool
 *   `PROJECT.svc.id.goog`, shared by every cluster of the project (identity sameness); the cluster issuer
 *   `https://container.googleapis.com/v1/projects/PROJECT/locations/LOCATION/clusters/CLUSTER`.
 *
 * The public API of the modules below (import from here): tokens-common.ts (markers, canonical JSON), tokens-github.ts,
 * tokens-gitlab.ts, tokens-kubernetes.ts (Kubernetes, EKS Pod Identity, GKE, other OIDC), tokens-profile.ts (profiles,
 * reading alternatives), tokens-derive.ts (legitimate identities) with derive-common.ts, derive-github.ts,
 * derive-gitlab.ts and derive-kubernetes.ts.
 */

import { GITHUB_ISSUER } from '../core/ci/github-repository';
import { GITLAB_COM_ISSUER } from '../core/ci/gitlab';

export { GITHUB_ISSUER, GITLAB_COM_ISSUER };
export { ATTACKER_OWNER, canonicalJson, FORGED_AUDIENCE, FORGED_MARKER, sameToken, stableUuid, tokenKey } from './tokens-common';
export type { KeyedToken } from './tokens-common';
export { githubContext, githubEnterpriseSlug, githubIssuerOf, githubToken } from './tokens-github';
export type { GitHubRun, GitHubSubjectForm } from './tokens-github';
export { gitlabToken } from './tokens-gitlab';
export type { GitLabFork, GitLabRun } from './tokens-gitlab';
export {
  gkeIssuer, gkeToken, kubernetesToken, oidcToken, parseAksIssuer, parseClusterArn, parseEksIssuer, parseGkeIssuer, podIdentityToken,
} from './tokens-kubernetes';
export type { GkeWorkload, KubernetesRun, OidcSubject, PodIdentitySession } from './tokens-kubernetes';
export { claimOf, describeProfile, keyedProfileToken, meetsAlternative, meetsRequirement, profileToken, tokenPlatform } from './tokens-profile';
export type { TokenProfile } from './tokens-profile';
export { instantiateGlob } from './derive-common';
export type { GlobKind } from './derive-common';
export { legitimateIdentities, legitimateProfiles, MAX_LEGITIMATE_IDENTITIES } from './tokens-derive';
export type { LegitimateProfile } from './tokens-derive';
