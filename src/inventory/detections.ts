/**
 * Whether each federated identity is watched (issue 19): the detection resources found for it in the output, its
 * opt-out, or why it is not watched; and whether it is revoked (revocation.ts). Every index is built once, so the cost
 * is linear in the resources (no identity × rule scan).
 *
 * What counts as a detection of an identity:
 * - AWS (CloudFormation): an `AWS::Events::Rule` whose `EventPattern.detail.requestParameters.roleArn` names the role
 *   (`Fn::GetAtt [ROLE, Arn]`, or an ARN literal or built with `Fn::Join` / `Fn::Sub` whose `role/…NAME` is the
 *   role's name; either one inside `equals-ignore-case`, where the name is compared ignoring case), whose pattern
 *   matches the STS calls that assume it (`source` `aws.sts`, the CloudTrail `detail-type`, an `AssumeRole*`
 *   `eventName`, `eventSource` `sts.amazonaws.com` when given: a rule on another service's events never fires on an
 *   assumption), on the default bus, with at least one target, in state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`:
 *   a rule `ENABLED` does not receive read-only management events delivered by CloudTrail, which
 *   `AssumeRoleWithWebIdentity` is (EventBridge User Guide, "Receiving read-only management events from AWS services",
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html).
 *   Opt-out: role tag `keyless:detections-opt-out`.
 * - GCP: a `google_monitoring_alert_policy` that is enabled and has a notification channel, whose `user_labels`
 *   `keyless-identity` is the identity's label value (gcpLabelValue of its name, service account id, pool provider id)
 *   in the policy's project (several same-named identities: only the one the policy also names), or whose condition
 *   filter, or the filter of the `google_logging_metric` it alerts on, names the service account email or the
 *   `workloadIdentityPools/POOL/providers/ID` of the identity. Opt-out: `detections-opt-out=` in the
 *   ownership description.
 * - Azure: an `azurerm_monitor_scheduled_query_rules_alert_v2` tagged `keyless-identity`, enabled, with an action
 *   group and a query of `AADManagedIdentitySignInLogs` (the only log of managed identity sign-ins), credited to the
 *   identity whose object or client id its query references, else to the one the tag names (`RESOURCE_GROUP/NAME`,
 *   or `NAME` in the rule's resource group): names are unique per resource group only.
 *   Tag `keyless-detections` = `no-workspace` on the identity: not watched, no Log Analytics workspace. Opt-out: tag
 *   `keyless-detections-opt-out`.
 *
 * AWS detections written in Terraform (`aws_cloudwatch_event_rule`) are not read: such identities read `missing`.
 */
import { Drafts, RecordDraft, sourceOf } from './draft';
import { awsRoleRevocation, azureRevocation, gcpRevocation } from './revocation';
import { AZURE_MANAGED_IDENTITY_SIGNIN_TABLE } from '../core/detections/azure';
import { decodeOwnershipDescription, decodeOwnershipTags, gcpLabelValue, OWNERSHIP_PREFIX } from '../core/ownership';
import { AZURE_REVOKED_PIM_MARKER_TYPE, azureRevokedPimMarker } from '../core/trust/azure-revocation';
import { gcpRevocationMarkerDescription, TERRAFORM_DATA } from '../core/trust/gcp-revocation';
import { NeutralResource } from '../synth/model';
import { attributesOf, TerraformIndex } from '../synth/terraform';
import { asList, cfnString, parseDocument, safeJson } from '../synth/values';

/** The inventory attribute holding an identity's detections state. */
export const DETECTIONS = 'detections';

/** Field (after the ownership prefix, or in a GCP description) holding a tier-1 identity's opt-out reason. */
export const DETECTIONS_OPT_OUT_KEY = 'detections-opt-out';
/** Azure tag (after the prefix) saying why no detection is rendered, and its value when the route has no workspace. */
export const DETECTIONS_STATE_KEY = 'detections';
export const NO_WORKSPACE = 'no-workspace';

/** The EventBridge state that receives read-only CloudTrail management events (STS AssumeRole* among them). */
const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** What was found for one identity. */
interface Evidence {
  readonly watched: Set<string>;
  /** Why a detection resource naming the identity does not count, per resource. */
  readonly broken: string[];
  optedOut?: string;
  noWorkspace?: boolean;
}

/** One line: `;` and line breaks written as `,` / space (the attribute is one line of `; `-free text). */
const oneLine = (value: string) => value.replace(/\r?\n/g, ' ').replace(/;/g, ',');

/** The detections state of an identity, as the `detections` attribute writes it, from what was found. */
function stateOf(evidence: Evidence | undefined): string {
  if (!evidence) return 'missing';
  if (evidence.watched.size > 0) return `watched: ${[...evidence.watched].sort().join(', ')}`;
  if (evidence.optedOut !== undefined) return `opted-out: ${oneLine(evidence.optedOut)}`;
  if (evidence.noWorkspace) return 'missing: no Log Analytics workspace';
  if (evidence.broken.length > 0) return `missing: ${[...new Set(evidence.broken)].sort().join(', ')}`;
  return 'missing';
}

/**
 * Reads revocations and detections onto the drafts (after every cloud's reader ran: an AWS role's permissions, which
 * hold the session-revoking policy, come from several resources).
 */
export function readDetectionsAndRevocations(
  resources: readonly NeutralResource[], drafts: Drafts, index: TerraformIndex, relativeFile: (file: string) => string = (file) => file,
): void {
  // Where a detection was found, as the `detections` attribute writes it: the file relative to the directory given, so
  // that two checkouts of one output (the base and head of a pull request, in directories of different names) agree.
  const at = (resource: NeutralResource): string => `${relativeFile(resource.file)}:${resource.id}`;
  const bySource = new Map<string, RecordDraft>();
  for (const [, draft] of drafts.entries()) if (draft.defined) bySource.set(`${draft.file}:${draft.resource}`, draft);
  const evidence = new Map<RecordDraft, Evidence>();
  const of = (draft: RecordDraft): Evidence => {
    let e = evidence.get(draft);
    if (!e) evidence.set(draft, e = { watched: new Set(), broken: [] });
    return e;
  };
  const roles = new Map<string, Map<string, NeutralResource>>();
  const gcpLabels = new Map<string, RecordDraft[]>();
  const gcpNames = new Map<string, RecordDraft[]>();
  const nameGcp = (key: string, draft: RecordDraft) => gcpNames.set(key, [...(gcpNames.get(key) ?? []).filter((d) => d !== draft), draft]);
  // The project of each GCP identity: a `keyless-identity` label is a bare name, the same in every project.
  const gcpProjects = new Map<RecordDraft, string>();
  const azureByGroupAndName = new Map<string, RecordDraft>();
  const azureByName = new Map<string, RecordDraft[]>();
  const label = (key: string, draft: RecordDraft) => {
    const list = gcpLabels.get(key) ?? [];
    if (!list.includes(draft)) list.push(draft);
    gcpLabels.set(key, list);
  };
  const byFile = new Map<string, Map<string, NeutralResource>>();
  for (const r of resources) {
    if (r.format === 'cloudformation') {
      if (!byFile.has(r.file)) byFile.set(r.file, new Map());
      byFile.get(r.file)!.set(r.id, r);
    }
    const draft = bySource.get(sourceOf(r));
    if (!draft) continue;
    if (r.type === 'AWS::IAM::Role' || r.type === 'aws_iam_role') {
      draft.revoked = awsRoleRevocation(r, draft, drafts.warnings);
      const tags = r.format === 'cloudformation'
        ? Object.fromEntries(asList<any>(r.properties?.Tags).filter((t) => typeof t?.Key === 'string')
          .map((t) => [t.Key, typeof t.Value === 'string' ? t.Value : safeJson(t.Value)]))
        : attributesOf(r).tags;
      const optOut = decodeOwnershipTags(tags, OWNERSHIP_PREFIX.aws)[DETECTIONS_OPT_OUT_KEY];
      if (optOut !== undefined) of(draft).optedOut = optOut;
      if (r.format === 'cloudformation') {
        if (!roles.has(r.file)) roles.set(r.file, new Map());
        roles.get(r.file)!.set(r.id, r);
      }
    } else if (r.type === 'google_service_account' || r.type === 'google_iam_workload_identity_pool_provider') {
      const p = attributesOf(r);
      const pool = r.type === 'google_iam_workload_identity_pool_provider' ? index.target(r.file, p.workload_identity_pool_id) : undefined;
      const poolDescription = pool ? attributesOf(pool).description : undefined;
      draft.revoked = gcpRevocation(p.description, poolDescription);
      const optOut = decodeOwnershipDescription(p.description)[DETECTIONS_OPT_OUT_KEY]
        ?? decodeOwnershipDescription(poolDescription)[DETECTIONS_OPT_OUT_KEY];
      if (optOut !== undefined) of(draft).optedOut = optOut;
      label(gcpLabelValue(draft.name), draft);
      const project = literalProject(index.resolve(r.file, p.project)) ?? /@([a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(draft.name)?.[1];
      if (project !== undefined) gcpProjects.set(draft, project);
      if (r.type === 'google_service_account') {
        label(gcpLabelValue(index.resolve(r.file, p.account_id)), draft);
        nameGcp(draft.name.toLowerCase(), draft);
      } else {
        const providerId = index.resolve(r.file, p.workload_identity_pool_provider_id);
        const poolId = draft.name.split('/')[1];
        label(gcpLabelValue(providerId), draft);
        label(gcpLabelValue(`${poolId}/${providerId}`), draft);
        nameGcp(`workloadidentitypools/${poolId}/providers/${providerId}`.toLowerCase(), draft);
      }
    } else if (r.type === AZURE_REVOKED_PIM_MARKER_TYPE && r.format === 'terraform' && azureRevokedPimMarker(attributesOf(r).input)) {
      // A revoked Azure break-glass assignment: its marker (core/trust/azure-revocation.ts) holds the moment and reason.
      const marker = azureRevokedPimMarker(attributesOf(r).input)!;
      draft.revoked = { at: marker.revoked, reason: marker.revokedReason };
    } else if (r.type === TERRAFORM_DATA && r.format === 'terraform') {
      // A revocation marker (core/trust/gcp-revocation.ts): a GKE principal with direct access, or a break-glass access.
      const description = gcpRevocationMarkerDescription(attributesOf(r).input);
      draft.revoked = gcpRevocation(description);
      const optOut = decodeOwnershipDescription(description)[DETECTIONS_OPT_OUT_KEY];
      if (optOut !== undefined) of(draft).optedOut = optOut;
    } else if (r.type === 'azurerm_user_assigned_identity') {
      draft.revoked = azureRevocation(r, draft, drafts.warnings);
      const fields = decodeOwnershipTags(attributesOf(r).tags, OWNERSHIP_PREFIX.azure);
      if (fields[DETECTIONS_OPT_OUT_KEY] !== undefined) of(draft).optedOut = fields[DETECTIONS_OPT_OUT_KEY];
      if (fields[DETECTIONS_STATE_KEY] === NO_WORKSPACE) of(draft).noWorkspace = true;
      // Names are unique per resource group only (RESOURCE_GROUP/NAME is the record's name): a bare name may be several.
      azureByGroupAndName.set(draft.name.toLowerCase(), draft);
      const bare = draft.name.slice(draft.name.indexOf('/') + 1).toLowerCase();
      azureByName.set(bare, [...(azureByName.get(bare) ?? []), draft]);
    }
  }

  // AWS: EventBridge rules, by the role their pattern names.
  // Under `equals-ignore-case` a role ARN names the role in any letter case, and IAM role names are unique ignoring
  // case ("Names are not distinguished by case", IAM API Reference, CreateRole `RoleName`,
  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html): looked up by the lower-cased name,
  // credited only when one role has it (the exact name first).
  const oneOf = <T>(list: T[] | undefined) => (list?.length === 1 ? list[0] : undefined);
  const awsRolesByLowerName = new Map<string, RecordDraft[]>();
  for (const [, draft] of drafts.entries()) {
    if (draft.cloud !== 'aws' || draft.kind !== 'role') continue;
    const key = draft.name.toLowerCase();
    awsRolesByLowerName.set(key, [...(awsRolesByLowerName.get(key) ?? []), draft]);
  }
  for (const [file, byId] of byFile) {
    const stack = file.replace(/^.*\//, '').replace(/\.template\.(json|ya?ml)$|\.(json|ya?ml)$/, '');
    const nameOf = (r: NeutralResource, prop: string) => (typeof r.properties[prop] === 'string' ? r.properties[prop] : `${stack}/${r.id}`);
    const fileRoles = roles.get(file) ?? new Map<string, NeutralResource>();
    const roleByName = new Map<string, NeutralResource>();
    const roleByLowerName = new Map<string, NeutralResource[]>();
    for (const role of fileRoles.values()) {
      const name = nameOf(role, 'RoleName');
      roleByName.set(name, role);
      roleByLowerName.set(name.toLowerCase(), [...(roleByLowerName.get(name.toLowerCase()) ?? []), role]);
    }
    for (const rule of byId.values()) {
      if (rule.type !== 'AWS::Events::Rule') continue;
      const pattern = parseDocument(rule.properties?.EventPattern);
      const named = new Set<RecordDraft>();
      for (const matcher of asList<unknown>(pattern?.detail?.requestParameters?.roleArn)) {
        // `{"equals-ignore-case": ARN}` (what Keyless writes, core/detections/aws.ts) names the role as the ARN does, in any case.
        const ignoreCase = (matcher as any)?.['equals-ignore-case'] !== undefined;
        const value = ignoreCase ? (matcher as any)['equals-ignore-case'] : matcher;
        const getAtt = (value as any)?.['Fn::GetAtt'];
        const logical = Array.isArray(getAtt) ? String(getAtt[0]) : typeof getAtt === 'string' ? getAtt.split('.')[0] : undefined;
        const role = logical !== undefined ? fileRoles.get(logical) : undefined;
        if (role) {
          named.add(bySource.get(sourceOf(role))!);
          continue;
        }
        if (typeof value !== 'string' && (value === null || typeof value !== 'object' || logical !== undefined)) continue;
        const arn = cfnString(value, byId, nameOf);
        const name = /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
        if (name === undefined) continue;
        const target = roleByName.get(name) ?? (ignoreCase ? oneOf(roleByLowerName.get(name.toLowerCase())) : undefined);
        const draft = target ? bySource.get(sourceOf(target))
          : drafts.find('aws', 'role', name) ?? (ignoreCase ? oneOf(awsRolesByLowerName.get(name.toLowerCase())) : undefined);
        if (draft) named.add(draft);
      }
      if (named.size === 0) continue;
      const problem = stsPatternProblem(pattern) ?? eventRuleProblem(rule);
      for (const draft of named) {
        if (problem) of(draft).broken.push(`rule ${rule.id} ${problem}`);
        else of(draft).watched.add(at(rule));
      }
    }
  }

  // GCP: alert policies, by their label or the filters they (or their log-based metrics) read.
  const google = resources.filter((r) => r.format === 'terraform' && (r.type === 'google_monitoring_alert_policy' || r.type === 'google_logging_metric'));
  // Log-based metrics by name, per project (a policy's `logging.googleapis.com/user/NAME` is its own project's).
  const metrics = new Map<string, NeutralResource[]>();
  for (const m of google) {
    if (m.type !== 'google_logging_metric') continue;
    const key = `${m.file}\0name:${index.resolve(m.file, attributesOf(m).name)}`;
    metrics.set(key, [...(metrics.get(key) ?? []), m]);
  }
  const metricNamed = (file: string, name: string, project: string | undefined): NeutralResource | undefined => {
    const all = metrics.get(`${file}\0name:${name}`) ?? [];
    const projectOf = (m: NeutralResource) => literalProject(index.resolve(m.file, attributesOf(m).project)) ?? project;
    const mine = project === undefined ? all : all.filter((m) => projectOf(m) === project);
    return mine.length === 1 ? mine[0] : undefined;
  };
  // The identities a text names by email or `workloadIdentityPools/POOL/providers/ID`. A provider path (no project
  // number here) may name providers of several projects: those of `project` only, and none while still ambiguous.
  const namedIn = (text: string, project: string | undefined): RecordDraft[] => {
    const keys = [
      ...text.toLowerCase().match(/[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com/g) ?? [],
      ...text.toLowerCase().match(/workloadidentitypools\/[a-z0-9-]+\/providers\/[a-z0-9-]+/g) ?? [],
    ];
    return keys.flatMap((key) => {
      const all = gcpNames.get(key) ?? [];
      const mine = project === undefined ? all : all.filter((d) => (gcpProjects.get(d) ?? project) === project);
      return mine.length === 1 ? mine : [];
    });
  };
  for (const policy of google) {
    if (policy.type !== 'google_monitoring_alert_policy') continue;
    const p = attributesOf(policy);
    const named = new Set<RecordDraft>();
    const used: NeutralResource[] = [];
    const policyProject = literalProject(index.resolve(policy.file, p.project));
    for (const c of asList<any>(p.conditions)) {
      for (const block of [c?.condition_threshold, c?.condition_matched_log, c?.condition_absent].flatMap((b) => asList<any>(b))) {
        const filter = typeof block?.filter === 'string' ? block.filter : '';
        for (const d of namedIn(index.resolve(policy.file, filter), policyProject)) named.add(d);
        const target = index.target(policy.file, /\$\{google_logging_metric\.[^}]+\}/.exec(filter)?.[0]);
        const byName = /logging\.googleapis\.com\/user\/([A-Za-z0-9_.\-/]+)/.exec(index.resolve(policy.file, filter))?.[1];
        const metric = target?.type === 'google_logging_metric' ? target : byName ? metricNamed(policy.file, byName, policyProject) : undefined;
        if (metric) used.push(metric);
      }
    }
    for (const metric of used) {
      const metricProject = literalProject(index.resolve(metric.file, attributesOf(metric).project)) ?? policyProject;
      for (const d of namedIn(index.resolve(metric.file, attributesOf(metric).filter ?? ''), metricProject)) named.add(d);
    }
    // The label names identities of that name in any project: keep those of the policy's project (when it names one);
    // when several remain (the same account id in staging and production), only the one the policy also names (its
    // filters, or the email or provider in its display name) counts, never each of them.
    const labelValue = p.user_labels?.['keyless-identity'];
    let labelled = typeof labelValue === 'string' ? gcpLabels.get(labelValue) ?? [] : [];
    if (policyProject !== undefined) labelled = labelled.filter((d) => (gcpProjects.get(d) ?? policyProject) === policyProject);
    if (labelled.length > 1) {
      const mentioned = new Set([...named, ...namedIn(typeof p.display_name === 'string' ? index.resolve(policy.file, p.display_name) : '', policyProject)]);
      labelled = labelled.filter((d) => mentioned.has(d));
    }
    labelled.forEach((d) => named.add(d));
    if (named.size === 0) continue;
    const enabled = terraformEnabled(index, policy.file, p.enabled);
    const problem = enabled !== true ? enabledProblem(p.enabled, enabled)
      : used.map((m) => disabledMetricProblem(index, m)).find((x) => x !== undefined)
        ?? receiversProblem(index, policy.file, asList<unknown>(p.notification_channels), 'google_monitoring_notification_channel', 'notification channel');
    const sources = [at(policy), ...used.map(at)];
    for (const draft of named) {
      if (problem) of(draft).broken.push(`alert policy ${policy.id} ${problem}`);
      else sources.forEach((s) => of(draft).watched.add(s));
    }
  }

  // Azure: scheduled query rules tagged `keyless-identity`, credited to the identities they watch (azureRuleIdentities).
  for (const rule of resources) {
    if (rule.format !== 'terraform' || rule.type !== 'azurerm_monitor_scheduled_query_rules_alert_v2') continue;
    const p = attributesOf(rule);
    const named = azureRuleIdentities(rule, index, bySource, azureByGroupAndName, azureByName, drafts.warnings);
    if (named.length === 0) continue;
    const groups = asList<any>(p.action).flatMap((a) => asList<unknown>(a?.action_groups));
    // Managed identity sign-ins are only in this table (core/detections/azure.ts): a query of another table never sees one.
    const readsSignIns = asList<any>(p.criteria).some((c) => typeof c?.query === 'string' && SIGNIN_TABLE_TOKEN.test(c.query));
    const enabled = terraformEnabled(index, rule.file, p.enabled);
    const problem = enabled !== true ? enabledProblem(p.enabled, enabled)
      : receiversProblem(index, rule.file, groups, 'azurerm_monitor_action_group', 'action group')
        ?? (!readsSignIns ? `does not query ${AZURE_MANAGED_IDENTITY_SIGNIN_TABLE}, where managed identity sign-ins are logged` : undefined);
    for (const draft of named) {
      if (problem) of(draft).broken.push(`query rule ${rule.id} ${problem}`);
      else of(draft).watched.add(at(rule));
    }
  }

  for (const [draft, e] of evidence) draft.detections = stateOf(e);
}

/**
 * An alert's `enabled` as Terraform reads it (both `google_monitoring_alert_policy` and
 * `azurerm_monitor_scheduled_query_rules_alert_v2` default to true when it is absent). Terraform converts a string
 * where a bool is expected: "true" / "false" (https://developer.hashicorp.com/terraform/language/functions/tobool),
 * and, as terraform 1.11 reads them (checked offline: an outputs-only configuration), "1" / "0" and the templates
 * `${true}` / `${false}` (a JSON string is a template). Anything else (a variable, an expression, a reference to an
 * attribute that is not a literal string) is not known from the output: undefined, and the alert is not credited.
 */
function terraformEnabled(index: TerraformIndex, file: string, value: unknown): boolean | undefined {
  return value === undefined || value === null ? true : terraformBool(index, file, value);
}

/** A bool argument as Terraform reads it (terraformEnabled), or undefined when the output does not determine it. */
function terraformBool(index: TerraformIndex, file: string, value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const text = index.resolve(file, value);
  const literal = /^\$\{\s*(true|false)\s*\}$/.exec(text)?.[1] ?? text;
  return literal === 'true' || literal === '1' ? true : literal === 'false' || literal === '0' ? false : undefined;
}

/**
 * Why an alert on a `google_logging_metric` does not count when the metric is disabled: a disabled logs-based metric
 * "does not generate any points" (LogMetric `disabled`, https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics),
 * so the alert never fires. Absent or read as false: undefined; a value the output does not determine is not credited.
 */
function disabledMetricProblem(index: TerraformIndex, metric: NeutralResource): string | undefined {
  const value = attributesOf(metric).disabled;
  if (value === undefined || value === null) return undefined;
  const disabled = terraformBool(index, metric.file, value);
  if (disabled === false) return undefined;
  return disabled === true ? `alerts on logging metric ${metric.id}, which is disabled`
    : `alerts on logging metric ${metric.id}, whose \`disabled\` ${oneLine(safeJson(value))} the output does not determine to be false`;
}

/**
 * Why an alert's receivers (GCP notification channels, Azure action groups) alert no one: none listed, or every one
 * listed is a resource of the output whose `enabled` (default true) is not read as true. A disabled channel forwards no
 * notification (google_monitoring_notification_channel `enabled`: "Whether notifications are forwarded to the described
 * channel", https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/monitoring_notification_channel#enabled);
 * a disabled action group's receivers receive no communications (azurerm_monitor_action_group `enabled`,
 * https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/monitor_action_group#enabled). A
 * receiver not defined in the output (a literal id) counts: nothing here says it is disabled.
 */
function receiversProblem(index: TerraformIndex, file: string, receivers: readonly unknown[], type: string, what: string): string | undefined {
  if (receivers.length === 0) return `has no ${what}`;
  const off: string[] = [];
  for (const receiver of receivers) {
    const target = index.target(file, receiver);
    if (target?.type !== type) return undefined;
    const value = attributesOf(target).enabled;
    const enabled = terraformEnabled(index, target.file, value);
    if (enabled === true) return undefined;
    off.push(`${target.id} ${enabled === false ? 'is disabled' : `has \`enabled\` ${oneLine(safeJson(value))}`}`);
  }
  return `has no enabled ${what} (${off.join(', ')})`;
}

/** Why an alert whose `enabled` is not true (terraformEnabled) does not count. */
function enabledProblem(value: unknown, enabled: false | undefined): string {
  return enabled === false ? 'is disabled' : `has \`enabled\` ${oneLine(safeJson(value))} that the output does not determine to be true`;
}

/** A GCP project id given literally (not an unresolved reference), or undefined. */
function literalProject(value: unknown): string | undefined {
  return typeof value === 'string' && /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(value) ? value : undefined;
}

/** The managed identity sign-in table named as a whole word in a query. */
const SIGNIN_TABLE_TOKEN = new RegExp(`(^|[^A-Za-z0-9_])${AZURE_MANAGED_IDENTITY_SIGNIN_TABLE}($|[^A-Za-z0-9_])`);

/** A Terraform reference to a user-assigned identity's object or client id, as a query reads the identity's sign-ins. */
const AZURE_IDENTITY_ID_REFERENCE = /\$\{azurerm_user_assigned_identity\.[^.}\s]+\.(?:principal_id|client_id)\}/g;

/**
 * The identities a scheduled query rule tagged `keyless-identity` watches. Identity names are unique per resource
 * group, not per subscription, so a bare name is not enough:
 * 1. the identities whose object or client id the rule's query references (`${azurerm_user_assigned_identity.X.principal_id}`,
 *    what the constructs render): the query reads exactly their sign-ins;
 * 2. else the tag: `RESOURCE_GROUP/NAME`, or a bare `NAME` of the rule's own resource group (the constructs put the
 *    rule in the identity's group), or of the one identity with that name in the output; a bare name several
 *    resource groups hold, none of them the rule's, is credited to none, with a warning.
 */
function azureRuleIdentities(
  rule: NeutralResource, index: TerraformIndex, bySource: ReadonlyMap<string, RecordDraft>,
  byGroupAndName: ReadonlyMap<string, RecordDraft>, byName: ReadonlyMap<string, readonly RecordDraft[]>, warnings: string[],
): RecordDraft[] {
  const p = attributesOf(rule);
  const tag = p.tags?.[`${OWNERSHIP_PREFIX.azure}identity`];
  if (typeof tag !== 'string') return [];
  const referenced = new Set<RecordDraft>();
  for (const criterion of asList<any>(p.criteria)) {
    for (const reference of (typeof criterion?.query === 'string' ? criterion.query : '').match(AZURE_IDENTITY_ID_REFERENCE) ?? []) {
      const target = index.target(rule.file, reference);
      const draft = target ? bySource.get(sourceOf(target)) : undefined;
      if (draft) referenced.add(draft);
    }
  }
  if (referenced.size > 0) return [...referenced];
  const value = index.resolve(rule.file, tag).toLowerCase();
  if (value.includes('/')) return byGroupAndName.has(value) ? [byGroupAndName.get(value)!] : [];
  const group = typeof p.resource_group_name === 'string' ? index.resolve(rule.file, p.resource_group_name).toLowerCase() : undefined;
  const inGroup = group !== undefined ? byGroupAndName.get(`${group}/${value}`) : undefined;
  if (inGroup) return [inGroup];
  const candidates = byName.get(value) ?? [];
  if (candidates.length === 1) return [candidates[0]];
  if (candidates.length > 1) {
    warnings.push(`${sourceOf(rule)} is tagged ${OWNERSHIP_PREFIX.azure}identity=${tag}, a name ${candidates.length} identities have (${candidates.map((d) => d.name).sort().join(', ')}), `
      + 'and neither its query nor its resource group says which: credited to none (tag it RESOURCE_GROUP/NAME)');
  }
  return [];
}

/** STS's CloudTrail events that issue a role's sessions (the `eventName` of a detection; core/detections/aws.ts). */
const STS_ASSUME_EVENTS = ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'];

/**
 * Why an event pattern naming a role cannot see the STS calls that assume it, or undefined when it can: it must
 * match `source` `aws.sts`, `detail-type` "AWS API Call via CloudTrail", an assume `eventName` and, when it names one,
 * `eventSource` `sts.amazonaws.com` (EventBridge User Guide, "Events from AWS services": the CloudTrail envelope).
 * A rule on another service's events (a decoy naming the role, e.g. `iam:PassRole`) never fires on an assumption.
 */
function stsPatternProblem(pattern: any): string | undefined {
  const literals = (value: unknown) => asList<unknown>(value).filter((v): v is string => typeof v === 'string');
  const source = literals(pattern?.source);
  if (!source.includes('aws.sts')) return `does not match STS events (source ${source.length > 0 ? source.join(', ') : 'not aws.sts'})`;
  if (!literals(pattern?.['detail-type']).includes('AWS API Call via CloudTrail')) return 'does not match CloudTrail API calls (detail-type)';
  const eventSource = pattern?.detail?.eventSource;
  if (eventSource !== undefined && !literals(eventSource).includes('sts.amazonaws.com')) return 'does not match STS calls (eventSource)';
  const names = literals(pattern?.detail?.eventName);
  if (!names.some((name) => STS_ASSUME_EVENTS.includes(name))) return `does not match an assumption (eventName ${names.length > 0 ? names.join(', ') : 'not given'})`;
  return undefined;
}

/** Why an EventBridge rule does not deliver the role's STS events, or undefined when it does. */
function eventRuleProblem(rule: NeutralResource): string | undefined {
  const p = rule.properties ?? {};
  const state = typeof p.State === 'string' ? p.State : 'ENABLED';
  if (state === 'DISABLED') return 'is DISABLED';
  if (state !== ALL_MANAGEMENT_EVENTS) return `is ${state}, which does not receive read-only CloudTrail management events (sts:AssumeRoleWithWebIdentity): needs ${ALL_MANAGEMENT_EVENTS}`;
  const bus = typeof p.EventBusName === 'string' ? p.EventBusName : 'default';
  if (bus !== 'default') return `is on event bus ${bus}, not the default bus CloudTrail delivers to`;
  if (asList<unknown>(p.Targets).length === 0) return 'has no target';
  return undefined;
}

/** The `detections` attribute of a federated identity: its state, `missing` when nothing was found. */
export function detectionsState(draft: RecordDraft): string {
  return draft.detections ?? 'missing';
}
