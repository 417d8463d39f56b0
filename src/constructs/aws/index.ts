// @keyless/constructs/aws: renders with aws-cdk-lib and constructs only (never cdktf or cdk8s).
import { requireFrameworks } from '../private/frameworks';

// First, before any module that imports aws-cdk-lib: a missing framework is a Keyless error naming what to install.
requireFrameworks('aws');

export * from './ci-oidc-trust';
export * from './workload-identity';
export * from './scoped-publisher-role';
export * from './break-glass-role';
export * from './identity-stacks';
// Types of the props and results above that are decided in core.
export type { AwsBreakGlassHuman, BreakGlassExpiry } from '../../core/break-glass';
export type { AwsPublishStatement, CodeArtifactFormat, CodeArtifactPackageTarget, EcrRepositoryTarget, S3PrefixTarget } from '../../core/publish';
