import * as cdk from 'aws-cdk-lib/core';
import { Chart, Testing as K8sTesting } from 'cdk8s';
import { Testing, TerraformStack } from 'cdktf';
import { DETECTION_ROUTES, TODAY } from './synth';
import type { TeamTargets } from '../../examples/templates/app-team';

/** Fresh stacks and charts for the app-team examples, in apps with a pinned date. */
export function teamTargets(): TeamTargets {
  const awsApp = new cdk.App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  const tfApp = Testing.app();
  tfApp.node.setContext('keyless:today', TODAY);
  tfApp.node.setContext('keyless:detections', DETECTION_ROUTES);
  const k8sApp = K8sTesting.app();
  k8sApp.node.setContext('keyless:today', TODAY);
  return {
    awsStack: new cdk.Stack(awsApp, 'team-aws', { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false }),
    gcpStack: new TerraformStack(tfApp, 'team-gcp'),
    azureStack: new TerraformStack(tfApp, 'team-azure'),
    eksChart: new Chart(k8sApp, 'eks'),
    gkeChart: new Chart(k8sApp, 'gke'),
    aksChart: new Chart(k8sApp, 'aks'),
  };
}
