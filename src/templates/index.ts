export * from './deploy-service';
export * from './scheduled-job';
export * from './ci-publish-artifact';
export type { AksTarget, ClusterTargets, EksTarget, GkeTarget, WorkloadOnClusters } from './private/clusters';
