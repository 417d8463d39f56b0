// @keyless/constructs/k8s: renders with cdk8s and constructs.
import { requireFrameworks } from '../private/frameworks';

// First, before any module that imports cdk8s: a missing framework is a Keyless error naming what to install.
requireFrameworks('k8s');

export * from './ownership-metadata';
export * from './workload-service-account';
export * from './identity-admission-policy';
