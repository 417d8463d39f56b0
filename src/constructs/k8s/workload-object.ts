import { ApiObject, ApiObjectProps, Chart } from 'cdk8s';

/**
 * The workload object of a template (a Deployment, a CronJob) and the cdk8s types and checks the templates need, so
 * that the templates import no framework themselves.
 */

export type { ApiObject, ApiObjectProps, Chart } from 'cdk8s';

/** Whether a value is a cdk8s chart. */
export function isChart(value: unknown): boolean {
  return Chart.isChart(value);
}

/** The workload object, as declared, in the cluster's chart. */
export function workloadObject(chart: Chart, id: string, manifest: ApiObjectProps): ApiObject {
  return new ApiObject(chart, id, manifest);
}
