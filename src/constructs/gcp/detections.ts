import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { GcpDetectionKind, GcpDetectionSpec, GcpRequiredAuditLog, undeclaredProviderExchangeDetection } from '../../core/detections/gcp';
import { ValidationContext } from '../../core/errors';
import { terraformLiteral } from '../../core/literal';
import { azureOwnershipTags, gcpLabelValue, gcpOwnership, Ownership, OWNERSHIP_PREFIX } from '../../core/ownership';
import { Revocation, REVOKED_KEY, REVOKED_REASON_KEY } from '../../core/revocation';
import { GcpProviderLocation } from '../../core/trust/gcp';
import { IdentityDetectionDecision } from '../private/detections';
import { terraformConfig } from '../private/terraform';

/**
 * Renders the GCP detections of an identity (see core/detections/gcp) and the ownership markers of revocation and
 * detections opt-out. Not exported from `@keyless/constructs/gcp`: the identity constructs call it.
 *
 * Quotas (per project, where the metrics and policies live): 500 user-defined log-based metrics (Cloud Logging,
 * "Quotas and limits", https://cloud.google.com/logging/quotas) and 500 alerting policies per metrics scope (Cloud
 * Monitoring, "Quotas and limits", https://cloud.google.com/monitoring/quotas). A watched identity uses one metric and
 * one policy per detection: two per watched CI trust (refused exchange, and foreign exchange with direct access or
 * foreign impersonation with impersonation), one per watched GKE identity with impersonation, and one per workload
 * identity pool with a watched CI trust (undeclared-provider exchange, rendered once per pool, not per trust).
 */

/** One rendered detection. */
export interface GcpDetection {
  /** What it watches. */
  readonly kind: GcpDetectionKind;
  /** The log-based metric (a counter of the matching audit log entries). */
  readonly metric: LoggingMetric;
  /** The alert policy: the metric above 0 in a one-minute window, to the route's notification channels. */
  readonly alertPolicy: MonitoringAlertPolicy;
  /**
   * The rendered Logging filter. For a pool's undeclared-provider exchange, the providers declared so far (trusts
   * constructed later add theirs); the metric carries the filter of all of them, rendered when the stack synthesizes.
   */
  readonly filter: string;
}

const ID: Record<GcpDetectionKind, string> = {
  'refused-exchange': 'RefusedExchange',
  'foreign-exchange': 'ForeignExchange',
  'foreign-impersonation': 'ForeignImpersonation',
  'undeclared-provider-exchange': 'UndeclaredProviderExchange',
};

/** Description markers: the detections opt-out reason and the revocation, `key=value` after the ownership fields. */
export function gcpIdentityMarkers(decision: IdentityDetectionDecision<'gcp'>, revocation: Revocation | undefined): Array<[string, string]> {
  const markers: Array<[string, string]> = [];
  if (!decision.enabled && decision.optOutReason !== undefined) markers.push(['detections-opt-out', decision.optOutReason]);
  if (revocation) markers.push([REVOKED_KEY, revocation.sessionsIssuedBefore], [REVOKED_REASON_KEY, revocation.reason]);
  return markers;
}

/**
 * The ownership fields and markers as `key=value; …`, the GCP description encoding, for a `terraform_data` revocation
 * marker (core/trust/gcp-revocation.ts): its `input` has no 256-character limit, so none is applied.
 */
export function markerDescription(ownership: Ownership, markers: ReadonlyArray<readonly [string, string]>): string {
  // The Azure tags are the ownership fields under a prefix, every value already validated (core/ownership).
  const fields = Object.entries(azureOwnershipTags(ownership)).map(([key, value]) => [key.slice(OWNERSHIP_PREFIX.azure.length), value] as const);
  return [...fields, ...markers].map(([key, value]) => `${key}=${value}`).join('; ');
}

/** The audit logs a set of detections reads, deduplicated and sorted. */
export function requiredAuditLogs(specs: readonly GcpDetectionSpec[]): GcpRequiredAuditLog[] {
  const all = new Map(specs.flatMap((spec) => spec.requiredAuditLogs).map((log) => [`${log.service}|${log.logType}`, log]));
  return [...all.keys()].sort().map((key) => all.get(key)!);
}

/**
 * One `google_logging_metric` and one `google_monitoring_alert_policy` per detection, under `scope/Detections`. The
 * condition names the metric by its literal type (`logging.googleapis.com/user/NAME`) and depends on the metric, so the
 * metric exists before the policy.
 */
export function renderGcpDetections(
  identityScope: Construct, project: string, identity: string, ownership: Ownership, ctx: ValidationContext,
  channels: readonly string[], specs: readonly GcpDetectionSpec[], revocation: Revocation | undefined,
): GcpDetection[] {
  if (specs.length === 0) return [];
  const scope = new Construct(identityScope, 'Detections');
  const ownershipLabels = gcpOwnership(ownership, ctx).labels;
  return specs.map((spec) => {
    const userLabels: Record<string, string> = {
      ...ownershipLabels,
      [`${OWNERSHIP_PREFIX.gcp}identity`]: gcpLabelValue(identity),
      [`${OWNERSHIP_PREFIX.gcp}detection`]: spec.kind,
    };
    if (revocation) userLabels[`${OWNERSHIP_PREFIX.gcp}${REVOKED_KEY}`] = gcpLabelValue(revocation.sessionsIssuedBefore);
    const { metric, alertPolicy } = renderMetricAndPolicy(scope, ID[spec.kind], project, spec, spec.filterText, channels, userLabels);
    return { kind: spec.kind, metric, alertPolicy, filter: spec.filterText };
  });
}

/**
 * The pool's undeclared-provider exchange detection (core/detections/gcp `undeclaredProviderExchangeDetection`), under
 * `anchorScope/PoolDetection`: rendered once per pool and app, by its first watched trust (`location.providerId`, which
 * names the metric). `declaredProviderIds` is read when the stack synthesizes, so the filter lists every provider the
 * app declares in the pool, trusts constructed later (or in other stacks) included; `filter` reads it at that moment.
 * No `keyless-identity` label: it watches the pool, no one identity; `keyless-pool` names the pool.
 */
export function renderGcpPoolDetection(
  anchorScope: Construct, project: string, location: GcpProviderLocation, ownership: Ownership, ctx: ValidationContext,
  channels: readonly string[], declaredProviderIds: () => readonly string[],
): GcpDetection {
  const scope = new Construct(anchorScope, 'PoolDetection');
  const specNow = () => undeclaredProviderExchangeDetection(location, declaredProviderIds());
  const spec = specNow();
  const userLabels: Record<string, string> = {
    ...gcpOwnership(ownership, ctx).labels,
    [`${OWNERSHIP_PREFIX.gcp}pool`]: gcpLabelValue(location.poolId),
    [`${OWNERSHIP_PREFIX.gcp}detection`]: spec.kind,
  };
  // Escaped as terraformConfig escapes every literal (a produced value is not walked by it); ids are `[a-z0-9-]`.
  const filter = Lazy.stringValue({ produce: () => terraformLiteral(specNow().filterText) });
  const { metric, alertPolicy } = renderMetricAndPolicy(scope, ID[spec.kind], project, spec, filter, channels, userLabels);
  return { kind: spec.kind, metric, alertPolicy, get filter() { return specNow().filterText; } };
}

function renderMetricAndPolicy(
  scope: Construct, id: string, project: string, spec: GcpDetectionSpec, filter: string,
  channels: readonly string[], userLabels: Record<string, string>,
): { metric: LoggingMetric; alertPolicy: MonitoringAlertPolicy } {
  const metric = new LoggingMetric(scope, `${id}Metric`, terraformConfig(scope, {
    project,
    name: spec.metricName,
    description: `${spec.displayName}. Counts the matching audit log entries.`,
    filter,
    metricDescriptor: { metricKind: 'DELTA', valueType: 'INT64', unit: '1', displayName: spec.subject },
  }));
  const alertPolicy = new MonitoringAlertPolicy(scope, `${id}Alert`, terraformConfig(scope, {
    project,
    displayName: spec.displayName,
    combiner: 'OR',
    severity: 'CRITICAL',
    conditions: [{
      displayName: `${spec.metricName} > 0`,
      conditionThreshold: {
        // A log-based metric of audit logs: the metric type alone selects its time series.
        filter: `metric.type="logging.googleapis.com/user/${spec.metricName}"`,
        comparison: 'COMPARISON_GT',
        thresholdValue: 0,
        duration: '0s',
        aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM' }],
        trigger: { count: 1 },
      },
    }],
    notificationChannels: [...channels],
    documentation: { content: spec.documentation, mimeType: 'text/markdown', subject: spec.subject },
    alertStrategy: { autoClose: '1800s' },
    userLabels: Object.fromEntries(Object.entries(userLabels).sort(([a], [b]) => (a < b ? -1 : 1))),
    dependsOn: [metric],
  }));
  return { metric, alertPolicy };
}
