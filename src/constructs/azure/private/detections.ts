import { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Construct } from 'constructs';
import { azureSignInAlert } from '../../../core/detections/azure';
import { OWNERSHIP_PREFIX } from '../../../core/ownership';
import { Revocation, REVOKED_KEY, REVOKED_REASON_KEY } from '../../../core/revocation';
import { IdentityDetectionDecision } from '../../private/detections';
import { terraformConfig } from '../../private/terraform';

/** Tag of an identity whose route has no workspace: `keyless-detections` = `no-workspace`. */
export const AZURE_DETECTIONS_TAG = `${OWNERSHIP_PREFIX.azure}detections`;
export const AZURE_NO_WORKSPACE = 'no-workspace';
/** Tag of a tier 1 identity opted out of detections: the reason. */
export const AZURE_DETECTIONS_OPT_OUT_TAG = `${OWNERSHIP_PREFIX.azure}detections-opt-out`;
/** Tags of a revoked identity: the moment and the reason. */
export const AZURE_REVOKED_TAG = `${OWNERSHIP_PREFIX.azure}${REVOKED_KEY}`;
export const AZURE_REVOKED_REASON_TAG = `${OWNERSHIP_PREFIX.azure}${REVOKED_REASON_KEY}`;

/** The tags that say, on the identity, why it is not watched and whether it is revoked. */
export function azureIdentityMarkers(detections: IdentityDetectionDecision<'azure'>, revocation: Revocation | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!detections.enabled && detections.optOutReason !== undefined) tags[AZURE_DETECTIONS_OPT_OUT_TAG] = detections.optOutReason;
  if (detections.enabled && detections.route.logAnalyticsWorkspaceId === undefined) tags[AZURE_DETECTIONS_TAG] = AZURE_NO_WORKSPACE;
  if (revocation !== undefined) {
    tags[AZURE_REVOKED_TAG] = revocation.sessionsIssuedBefore;
    tags[AZURE_REVOKED_REASON_TAG] = revocation.reason;
  }
  return tags;
}

/**
 * The scheduled query alert on the identity's refused sign-ins (construct id `Detections`), in the identity's
 * resource group and region, scoped to the route's workspace and sent to its action group; none without a workspace.
 *
 * @see https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_scheduled_query_rules_alert_v2
 */
export function renderAzureDetections(
  scope: Construct, decision: IdentityDetectionDecision<'azure'>,
  owned: { readonly identity: UserAssignedIdentity; readonly identityName: string; readonly resourceGroupName: string; readonly location: string },
): MonitorScheduledQueryRulesAlertV2 | undefined {
  if (!decision.enabled || decision.route.logAnalyticsWorkspaceId === undefined) return undefined;
  const alert = azureSignInAlert({
    name: owned.identityName,
    principalId: { reference: owned.identity.principalId },
    clientId: { reference: owned.identity.clientId },
  });
  return new MonitorScheduledQueryRulesAlertV2(scope, 'Detections', terraformConfig(scope, {
    name: alert.name,
    displayName: alert.displayName,
    description: alert.description,
    resourceGroupName: owned.resourceGroupName,
    location: owned.location,
    scopes: [decision.route.logAnalyticsWorkspaceId],
    severity: alert.severity,
    evaluationFrequency: alert.evaluationFrequency,
    windowDuration: alert.windowDuration,
    criteria: [{
      query: alert.query,
      timeAggregationMethod: 'Count',
      operator: 'GreaterThan',
      threshold: 0,
      failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
    }],
    action: { actionGroups: [decision.route.actionGroupId] },
    // Each refused sign-in is an event to look at, not a condition that resolves itself.
    autoMitigationEnabled: false,
    tags: alert.tags,
  }));
}
