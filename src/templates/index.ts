// @keyless/constructs/templates: the golden paths compose the constructs of every target, so they need every framework.
import { requireFrameworks } from '../constructs/private/frameworks';

// First, before any module that imports a framework: a missing one is a Keyless error naming what to install.
requireFrameworks('templates');

export * from './deploy-service';
export * from './scheduled-job';
export * from './ci-publish-artifact';
export type { TemplateIdentityOptions } from './identity-options';
export type { AksTarget, ClusterTargets, EksTarget, GkeTarget, WorkloadOnClusters } from './private/clusters';
