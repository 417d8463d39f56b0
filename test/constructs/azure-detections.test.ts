import { Testing, TerraformStack } from 'cdktf';
import { GitHubActions } from '../../src';
import { CiOidcTrust, ScopedPublisherRole, AzurePublishTarget, WorkloadIdentity } from '../../src/constructs/azure';
import {
  azureRefusedSignInQuery, azureSignInAlert, KqlOperand, KqlPredicate, KqlQuery, kqlString, renderKql,
} from '../../src/core/detections/azure';
import { terraformLiteral } from '../../src/core/literal';
import { DETECTION_ROUTES, OWNERSHIP, TODAY, tfJson, tfResources, tfStack } from '../helpers/synth';
import { terraformReads } from '../helpers/terraform-eval';

// GIVEN a tier 1 CI identity and an AKS workload identity in an app whose route names an action group and a workspace.
const source = GitHubActions.repository({
  owner: 'acme', repository: 'payments-api', ownerId: '1342004', repositoryId: '86301532', subjectFormat: 'name-based', branches: ['main'],
});
const common = { name: 'payments-deploy', ownership: OWNERSHIP, source, resourceGroupName: 'rg-identity', location: 'westeurope' };
const REGISTRY = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acmeregistry';
const AKS_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/';
const workload = {
  name: 'payments-api',
  ownership: OWNERSHIP,
  serviceAccount: { namespace: 'payments', name: 'api' },
  clusterIssuerUrl: AKS_ISSUER,
  resourceGroupName: 'rg-identity',
  location: 'westeurope',
};

function stackWithRoutes(azure: unknown): TerraformStack {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  app.node.setContext('keyless:detections', { azure });
  return new TerraformStack(app, 'platform');
}

const expectedQuery = (id: string) => [
  'AADManagedIdentitySignInLogs',
  `| where ServicePrincipalId =~ "\${azurerm_user_assigned_identity.${id}.principal_id}" or AppId =~ "\${azurerm_user_assigned_identity.${id}.client_id}"`,
  '| where ResultType != "0"',
  '| extend KeylessIdentity = "payments-deploy"',
  '| project TimeGenerated, ServicePrincipalId, AppId, ResultType, ResultDescription, FederatedCredentialId, IPAddress, CorrelationId, KeylessIdentity',
].join('\n');

describe('azure detections: the refused sign-in alert', () => {
  test('a tier 1 CiOidcTrust renders exactly one scheduled query alert on the workspace, sent to the action group', () => {
    const stack = tfStack();
    const trust = new CiOidcTrust(stack, 'Trust', common);
    const json = tfJson(stack);
    const [identityId] = Object.keys(tfResources(json, 'azurerm_user_assigned_identity'));
    expect(trust.detections).toEqual({ enabled: true });
    expect(tfResources(json, 'azurerm_monitor_scheduled_query_rules_alert_v2')).toEqual({
      Trust_Detections_92DB93ED: {
        name: 'keyless-refused-signin-payments-deploy',
        display_name: 'Keyless detections for managed identity payments-deploy: refused sign-ins',
        description: 'Keyless detections for managed identity payments-deploy: federated sign-ins Entra ID refused (AADManagedIdentitySignInLogs, ResultType other than 0), '
          + 'e.g. a token whose issuer, subject or audience no federated credential matches: probing, a stolen token from another context, or a broken pipeline.',
        resource_group_name: 'rg-identity',
        location: 'westeurope',
        scopes: [DETECTION_ROUTES.azure!.logAnalyticsWorkspaceId],
        severity: 1,
        evaluation_frequency: 'PT5M',
        window_duration: 'PT10M',
        criteria: [{
          query: expectedQuery(identityId),
          time_aggregation_method: 'Count',
          operator: 'GreaterThan',
          threshold: 0,
          failing_periods: { minimum_failing_periods_to_trigger_alert: 1, number_of_evaluation_periods: 1 },
        }],
        action: { action_groups: [DETECTION_ROUTES.azure!.actionGroupId] },
        auto_mitigation_enabled: false,
        tags: { 'keyless-detection': 'refused-exchange', 'keyless-identity': 'payments-deploy' },
      },
    });
    expect(trust.detectionRule?.friendlyUniqueId).toBe('Trust_Detections_92DB93ED');
    // Watched with a workspace: no `keyless-detections` marker on the identity.
    expect(Object.keys(tfResources(json, 'azurerm_user_assigned_identity')[identityId].tags).filter((k) => k.includes('detections'))).toEqual([]);
  });

  test('the AKS WorkloadIdentity and the ScopedPublisherRole (through its trust) are watched the same way', () => {
    const stack = tfStack();
    const aks = new WorkloadIdentity(stack, 'Aks', workload);
    const publisher = new ScopedPublisherRole(stack, 'Publisher', {
      ...common, name: 'payments-publish', target: AzurePublishTarget.containerRegistry({ registryId: REGISTRY }),
    });
    const alerts = tfResources(tfJson(stack), 'azurerm_monitor_scheduled_query_rules_alert_v2');
    expect(Object.keys(alerts).sort()).toEqual(['Aks_Detections_26E8851A', 'Publisher_Trust_Detections_BA4DE4F5'].sort());
    expect(alerts.Aks_Detections_26E8851A.name).toBe('keyless-refused-signin-payments-api');
    expect(alerts.Aks_Detections_26E8851A.criteria[0].query).toContain('| extend KeylessIdentity = "payments-api"');
    expect(alerts.Publisher_Trust_Detections_BA4DE4F5.name).toBe('keyless-refused-signin-payments-publish');
    expect(aks.detections.enabled).toBe(true);
    expect(publisher.trust.detections.enabled).toBe(true);
  });

  test('without a workspace in the route: no alert, and the identity says why (`keyless-detections` = `no-workspace`)', () => {
    const stack = stackWithRoutes({ actionGroupId: DETECTION_ROUTES.azure!.actionGroupId });
    const trust = new CiOidcTrust(stack, 'Trust', common);
    new WorkloadIdentity(stack, 'Aks', workload);
    const json = tfJson(stack);
    expect(tfResources(json, 'azurerm_monitor_scheduled_query_rules_alert_v2')).toEqual({});
    expect(trust.detectionRule).toBeUndefined();
    for (const identity of Object.values(tfResources(json, 'azurerm_user_assigned_identity'))) {
      expect(identity.tags['keyless-detections']).toBe('no-workspace');
    }
  });

  test('a tier 1 opt-out renders no alert and tags the reason; tiers 2 and 3 are off unless asked for', () => {
    const stack = tfStack();
    new CiOidcTrust(stack, 'Out', { ...common, name: 'payments-out', detections: { enabled: false, reason: 'watched by the SOC Sentinel rules SEC-881' } });
    new CiOidcTrust(stack, 'Tier2', { ...common, name: 'payments-tier2', ownership: { ...OWNERSHIP, tier: 2 } });
    new CiOidcTrust(stack, 'Tier3', { ...common, name: 'payments-tier3', ownership: { ...OWNERSHIP, tier: 3 } });
    new CiOidcTrust(stack, 'Tier3On', { ...common, name: 'payments-tier3on', ownership: { ...OWNERSHIP, tier: 3 }, detections: { enabled: true } });
    const json = tfJson(stack);
    expect(Object.values(tfResources(json, 'azurerm_monitor_scheduled_query_rules_alert_v2')).map((a: any) => a.name)).toEqual(['keyless-refused-signin-payments-tier3on']);
    const tags = Object.fromEntries(Object.values(tfResources(json, 'azurerm_user_assigned_identity')).map((i: any) => [i.name, i.tags['keyless-detections-opt-out']]));
    expect(tags).toEqual({ 'payments-out': 'watched by the SOC Sentinel rules SEC-881', 'payments-tier2': undefined, 'payments-tier3': undefined, 'payments-tier3on': undefined });
  });

  test('a tier 1 identity without an Azure route is refused (KL-DETECT-NO-ROUTE)', () => {
    const stack = stackWithRoutes(undefined);
    expect(() => new CiOidcTrust(stack, 'Trust', common)).toThrow(
      '[KL-DETECT-NO-ROUTE] platform/Trust: `detections` is on (the default for tier 1) but no AZURE detection target is declared where the identity sits '
      + '(context `keyless:detections`): refused and foreign assumptions would alert no one. Fix: declare the target once, before the identities: '
      + '`routeDetections(app, { azure: { actionGroupId: "/subscriptions/…/providers/microsoft.insights/actionGroups/soc", logAnalyticsWorkspaceId: "…" } })`; '
      + 'or opt this identity out with `detections: { enabled: false, reason }`.',
    );
    expect(() => new WorkloadIdentity(stackWithRoutes(undefined), 'Aks', workload)).toThrow(/^\[KL-DETECT-NO-ROUTE\] platform\/Aks: /);
  });
});

// Sample rows of AADManagedIdentitySignInLogs, built from the table's documented columns
// (https://learn.microsoft.com/azure/azure-monitor/reference/tables/aadmanagedidentitysigninlogs) and the AADSTS codes
// of federated credential mismatches (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
const PRINCIPAL = '3f1c7a52-9b0e-4d6a-8e21-5c4b2f0d9a11';
const CLIENT = '8d2e4b61-0a7c-4f3e-9b15-2e6d1c8a7f40';
const OTHER_PRINCIPAL = '5a9e0c13-7d2b-4b8f-a6e4-1f3c9d7b2e08';
const OTHER_CLIENT = 'c4b81f7e-2d5a-4e09-8c3b-7a1e6f2d9b54';
const row = (fields: Record<string, string>) => ({
  TimeGenerated: '2026-11-22T10:15:03Z',
  OperationName: 'Sign-in activity',
  Category: 'ManagedIdentitySignInLogs',
  IPAddress: '20.57.14.6',
  CorrelationId: 'b2f4c8e1-6a3d-4f70-9e25-d81c3b7a4f96',
  ResourceDisplayName: 'Windows Azure Service Management API',
  FederatedCredentialId: '',
  ...fields,
});
const subjectMismatch = row({
  ServicePrincipalId: PRINCIPAL,
  AppId: CLIENT,
  ResultType: '700213',
  ResultDescription: "No matching federated identity record found for presented assertion subject 'repo:acme/payments-api:ref:refs/heads/feature'.",
});
const issuerMismatch = row({
  ServicePrincipalId: '', AppId: CLIENT.toUpperCase(), ResultType: '700211', ResultDescription: 'No matching federated identity record found for presented assertion issuer.',
});
const otherIdentityFailure = row({ ServicePrincipalId: OTHER_PRINCIPAL, AppId: OTHER_CLIENT, ResultType: '70021', ResultDescription: 'No matching federated identity record found for presented assertion.' });
const success = row({ ServicePrincipalId: PRINCIPAL, AppId: CLIENT, ResultType: '0', ResultDescription: '', FederatedCredentialId: '0e7d5f1a-3b9c-4a26-8d40-6c2e1b7f9a35' });

/** Evaluates the structured clauses on a row, as KQL does: `==` exact, `=~` case-insensitive, `!=`, `or`. */
function evaluate(query: KqlQuery, sample: Record<string, string>, references: Record<string, string>): boolean {
  const value = (operand: KqlOperand) => ('literal' in operand ? operand.literal : references[operand.reference]);
  const holds = (p: KqlPredicate): boolean => {
    if (p.op === 'or') return p.predicates.some(holds);
    const cell = sample[p.column] ?? '';
    const expected = value(p.value);
    if (expected === undefined) throw new Error(`unresolved reference ${JSON.stringify(p.value)}`);
    return p.op === '==' ? cell === expected : p.op === '=~' ? cell.toLowerCase() === expected.toLowerCase() : cell !== expected;
  };
  return query.where.every(holds);
}

describe('azure detections: the query against sample sign-in rows', () => {
  const query = azureRefusedSignInQuery({ name: 'payments-deploy', principalId: { reference: 'P' }, clientId: { reference: 'C' } });
  const references = { P: PRINCIPAL, C: CLIENT };

  test('matches this identity\'s refused sign-ins (subject mismatch by object id; issuer mismatch by client id, any case)', () => {
    expect(evaluate(query, subjectMismatch, references)).toBe(true);
    expect(evaluate(query, issuerMismatch, references)).toBe(true);
  });

  test('does not match another identity\'s failure, nor this identity\'s successful sign-in', () => {
    expect(evaluate(query, otherIdentityFailure, references)).toBe(false);
    expect(evaluate(query, success, references)).toBe(false);
  });

  test('the rendered text is the clauses, one operator per line', () => {
    expect(renderKql(query)).toBe([
      'AADManagedIdentitySignInLogs',
      '| where ServicePrincipalId =~ "P" or AppId =~ "C"',
      '| where ResultType != "0"',
      '| extend KeylessIdentity = "payments-deploy"',
      '| project TimeGenerated, ServicePrincipalId, AppId, ResultType, ResultDescription, FederatedCredentialId, IPAddress, CorrelationId, KeylessIdentity',
    ].join('\n'));
  });
});

/**
 * Reads a double-quoted KQL string literal as Kusto documents it: `\` escapes the quote, itself, `t` and `n`
 * (https://learn.microsoft.com/kusto/query/scalar-data-types/string#string-literals). Independent of `kqlString`.
 */
function readKqlString(text: string): string {
  expect(text.startsWith('"') && text.endsWith('"')).toBe(true);
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i];
    if (c === '"') throw new Error(`unescaped quote at ${i} ends the literal early: ${text}`);
    if (c !== '\\') { out += c; continue; }
    const next = text[++i];
    const decoded = ({ '\\': '\\', '"': '"', 't': '\t', 'n': '\n' } as Record<string, string>)[next];
    if (decoded === undefined) throw new Error(`undocumented escape \\${next}`);
    out += decoded;
  }
  return out;
}

describe('azure detections: hostile values', () => {
  const hostile = ['it\'s', 'say "hi"', 'C:\\temp\\', 'a${b}c', '%{if x}y%{endif}', '"; | take 1 //', 'line\nbreak\ttab', '\\"'];

  test.each(hostile)('%j is one KQL string literal that reads back as itself', (value) => {
    expect(readKqlString(kqlString(value))).toBe(value);
  });

  test('the exact escapes', () => {
    expect(kqlString('a\'b"c\\d${e}')).toBe('"a\'b\\"c\\\\d${e}"');
    expect(() => kqlString('bell\u0007')).toThrow('has a control character no KQL string literal escape writes');
  });

  test('Terraform reads the query Keyless renders, hostile literals included, as exactly the KQL text', () => {
    // The alert's query goes through terraformLiteral (terraformConfig, core/literal), the one Terraform escaping.
    const alerts = hostile.map((name) => azureSignInAlert({ name, principalId: { literal: PRINCIPAL }, clientId: { literal: CLIENT } }));
    const read = terraformReads(alerts.map((alert) => terraformLiteral(alert.query)));
    expect(read).toEqual(alerts.map((alert) => alert.query));
    for (const [i, text] of read.entries()) {
      const line = text.split('\n').find((l) => l.startsWith('| extend KeylessIdentity = '))!;
      expect(readKqlString(line.slice('| extend KeylessIdentity = '.length))).toBe(hostile[i]);
    }
  });

  test('the synthesized query, its references filled in as Terraform would, is the KQL text', () => {
    const stack = tfStack();
    new CiOidcTrust(stack, 'Trust', common);
    const json = tfJson(stack);
    const [identityId] = Object.keys(tfResources(json, 'azurerm_user_assigned_identity'));
    const query: string = tfResources(json, 'azurerm_monitor_scheduled_query_rules_alert_v2').Trust_Detections_92DB93ED.criteria[0].query;
    // The two references are the only interpolations; offline, they are replaced by the GUIDs apply would give.
    const filled = query
      .replace(`\${azurerm_user_assigned_identity.${identityId}.principal_id}`, PRINCIPAL)
      .replace(`\${azurerm_user_assigned_identity.${identityId}.client_id}`, CLIENT);
    expect(terraformReads([filled])).toEqual([renderKql(azureRefusedSignInQuery({
      name: 'payments-deploy', principalId: { literal: PRINCIPAL }, clientId: { literal: CLIENT },
    }))]);
  });
});
