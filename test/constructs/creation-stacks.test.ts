/**
 * cdktf captures and formats the full call stack of every token and complex attribute it creates; in an app built
 * with `stackTraces: false` the Keyless cdktf constructs skip that formatting (constructs/private/creation-stacks.ts,
 * issue 20). What must hold: the synthesized configuration is the same; only the tokens created inside a Keyless
 * construct of such an app lose their creation stack; the process's `Error.prepareStackTrace` is the same after every
 * construct (including one that throws), and errors keep their stacks.
 */
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { App, TerraformStack, Testing } from 'cdktf';
import { WorkloadIdentity as AzureWorkloadIdentity } from '../../src/constructs/azure';
import { WorkloadIdentity } from '../../src/constructs/gcp';
import { omitCreationStacks } from '../../src/constructs/private/creation-stacks';
import { AKS_WORKLOAD_PROPS, DETECTION_ROUTES, GKE_WORKLOAD_PROPS, TODAY } from '../helpers/synth';

const gcpProps = GKE_WORKLOAD_PROPS;
const azureProps = AKS_WORKLOAD_PROPS;

function stackOf(stackTraces: boolean): TerraformStack {
  const app = new App({ outdir: Testing.app().outdir, stackTraces, context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  return new TerraformStack(app, 'platform');
}

describe('creation stacks of the tokens Keyless creates', () => {
  test('with stackTraces: false, the tokens made inside a Keyless construct carry none; the user\'s own keep theirs', () => {
    const stack = stackOf(false);
    const gke = new WorkloadIdentity(stack, 'Api', gcpProps);
    const aks = new AzureWorkloadIdentity(stack, 'Aks', azureProps);
    expect(gke.detectionRules).toHaveLength(1);
    expect(gke.detectionRules[0].alertPolicy.alertStrategy.creationStack).toEqual([]);
    expect(gke.googleServiceAccount!.timeouts.creationStack).toEqual([]);
    expect(aks.identity.timeouts.creationStack).toEqual([]);
    const own = new ServiceAccount(stack, 'Own', { accountId: 'own-account', project: 'acme-payments-prod' });
    expect(own.timeouts.creationStack.some((frame) => frame.includes('creation-stacks.test.ts'))).toBe(true);
  });

  test('with stack traces on (cdktf\'s default), Keyless leaves them to cdktf', () => {
    const gke = new WorkloadIdentity(stackOf(true), 'Api', gcpProps);
    expect(gke.detectionRules[0].alertPolicy.alertStrategy.creationStack.some((frame) => frame.includes('creation-stacks.test.ts'))).toBe(true);
  });

  test('the synthesized configuration does not depend on it', () => {
    const render = (stackTraces: boolean) => {
      const stack = stackOf(stackTraces);
      new WorkloadIdentity(stack, 'Api', gcpProps);
      new AzureWorkloadIdentity(stack, 'Aks', azureProps);
      return JSON.parse(Testing.synth(stack));
    };
    const quiet = render(false);
    const traced = render(true);
    // Only the element metadata differs: cdktf itself records a stack trace there unless stackTraces is false.
    const strip = (json: any) => JSON.parse(JSON.stringify(json, (key, value) => (key === 'stackTrace' ? undefined : value)));
    expect(strip(quiet)).toEqual(strip(traced));
    expect(Object.keys(quiet.resource).sort()).toEqual([
      'azurerm_federated_identity_credential', 'azurerm_monitor_scheduled_query_rules_alert_v2', 'azurerm_user_assigned_identity',
      'google_logging_metric', 'google_monitoring_alert_policy', 'google_service_account', 'google_service_account_iam_member',
    ]);
  });

  test('Error.prepareStackTrace is the caller\'s after each construct, also after one that throws; errors keep their stacks', () => {
    const saved = Error.prepareStackTrace;
    const mine = (error: Error, frames: NodeJS.CallSite[]) => `${error.message} (${frames.length} frames)`;
    try {
      Error.prepareStackTrace = mine;
      const stack = stackOf(false);
      new WorkloadIdentity(stack, 'Api', gcpProps);
      expect(Error.prepareStackTrace).toBe(mine);
      Error.prepareStackTrace = saved;

      let thrown: unknown;
      try {
        new WorkloadIdentity(stack, 'Bad', { ...gcpProps, name: 'Bad_Name${x}', serviceAccount: { namespace: 'payments', name: 'bad' } });
      } catch (error) {
        thrown = error;
      }
      expect(Error.prepareStackTrace).toBe(saved);
      expect(thrown).toBeInstanceOf(Error);
      expect((thrown as Error).message).toContain('platform/Bad');
      expect((thrown as Error).stack).toContain('creation-stacks.test.ts');
    } finally {
      Error.prepareStackTrace = saved;
    }
  });
});

describe('omitCreationStacks windows nest', () => {
  test('a construct of an app with stack traces on, inside a window of one with them off, has the outside formatter back', () => {
    const saved = Error.prepareStackTrace;
    const mine = (error: Error) => `mine: ${error.message}`;
    try {
      Error.prepareStackTrace = mine;
      const quiet = stackOf(false);
      const traced = stackOf(true);
      const closeOuter = omitCreationStacks(quiet);
      const inQuiet = Error.prepareStackTrace;
      expect(inQuiet).not.toBe(mine);
      // A real error read inside is formatted as outside; only cdktf's captures get no text.
      expect(new Error('a').stack).toBe('mine: a');
      const closeTraced = omitCreationStacks(traced);
      expect(Error.prepareStackTrace).toBe(mine);
      const closeInner = omitCreationStacks(quiet);
      expect(Error.prepareStackTrace).toBe(inQuiet);
      closeInner();
      expect(Error.prepareStackTrace).toBe(mine);
      closeTraced();
      expect(Error.prepareStackTrace).toBe(inQuiet);
      closeOuter();
      expect(Error.prepareStackTrace).toBe(mine);
      expect(new Error('b').stack).toBe('mine: b');
    } finally {
      Error.prepareStackTrace = saved;
    }
  });
});
