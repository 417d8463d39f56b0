// The public root of @keyless/constructs: the declarations users write (CI sources, ownership, access intents,
// tiers, the error they catch) and one namespace per entry point. Helpers (validation, rendering, encoders) are not
// exported: they can change without a major version. The list is explicit and asserted by test/api/exports.test.ts.
//
// The namespaces load on first use (src/namespaces/): importing the root loads no framework, so a team installs only
// the frameworks it uses. `@keyless/constructs/aws`, `/gcp`, `/azure`, `/k8s`, `/templates`, `/guardrails` and
// `/inventory` and `/verify` are the same entry points, imported directly.

export { KeylessError } from './core/errors';
export type { KeylessErrorDetails, ReferenceFramework, ValidationContext } from './core/errors';

export { GitHubActions } from './core/ci/github';
export type { GitHubActionsProps, GitHubSubjectFormat } from './core/ci/github';
export { GitLabCi } from './core/ci/gitlab';
export type { GitLabCiProps } from './core/ci/gitlab';
export type {
  CiPlatform,
  CiRepositoryIdentity,
  CiResolveOptions,
  CiTrustPolicy,
  ClaimPin,
  ClaimRequirement,
  ICiSource,
} from './core/ci/policy';

export { writeRepositorySide } from './constructs/private/repository-side';
export type { RepositorySideIdentityRef, RepositorySideManifest, RepositorySideRepository } from './core/ci/repository-side';

export { routeDetections } from './constructs/private/detections';
export type { AwsDetectionRoute, AzureDetectionRoute, DetectionRoutes, GcpDetectionRoute, IdentityDetectionsOptions, ResolvedDetections } from './core/detections';
export type { Revocation } from './core/revocation';

export type { Ownership } from './core/ownership';
export type { RiskTier } from './core/tier';
export type { KubernetesServiceAccountRef } from './core/kubernetes';

export { Access } from './core/access';
export type {
  AccessGrants,
  AwsAccessStatement,
  AzureAccessGrant,
  GcpAccessGrant,
  ReadObjectsTargets,
  ReadSecretTargets,
  SendMessagesTargets,
} from './core/access';

export * as aws from './namespaces/aws';
export * as gcp from './namespaces/gcp';
export * as azure from './namespaces/azure';
export * as k8s from './namespaces/k8s';
export * as templates from './namespaces/templates';
export * as guardrails from './namespaces/guardrails';
export * as inventory from './namespaces/inventory';
export * as verify from './namespaces/verify';
