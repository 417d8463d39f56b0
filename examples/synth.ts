/**
 * `npm run synth`: synthesizes every example into out/ (no cloud credentials needed).
 *
 *   out/aws/        CDK cloud assembly
 *   out/terraform/  cdktf output (stacks/<name>/cdk.tf.json)
 *   out/k8s/        cdk8s manifests (*.k8s.yaml)
 *   out/guardrails.json, out/inventory.json, out/report.md
 *   out/verify.json  `keyless verify` of every federated trust (every one must be sound, or the synthesis fails)
 *   out/ci/         the repository side of every CI trust: subject template and workflow per repository (manifest.json)
 */
import * as fs from 'fs';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import * as cdk from 'aws-cdk-lib/core';
import * as cdk8s from 'cdk8s';
import * as cdktf from 'cdktf';
import { DetectionRoutes, KeylessError, routeDetections, writeRepositorySide } from '../src';
import { addAwsGuardrails, addKubernetesGuardrails, addTerraformGuardrails, evaluate, readSynthesizedOutput } from '../src/guardrails';
import { writeInventory } from '../src/inventory';
import { verify, verifyJson } from '../src/verify';
import { awsBreakGlass, azureBreakGlass, gcpBreakGlass } from './platform/break-glass';
import { awsPlatform, azurePlatform, gcpPlatform } from './platform/ci-trust';
import { awsFleet, kubernetesFleet } from './platform/fleet';
import { awsIncident, azureIncident, gcpIncident } from './platform/incident';
import { awsPublishers, azurePublishers, gcpPublishers } from './platform/publish';
import { awsWorkload, azureWorkload, gcpWorkload, kubernetesWorkloads } from './platform/workload';
import { checkoutPublisher, checkoutService, reconciliationJob, TeamTargets } from './templates/app-team';

/**
 * The examples are pinned to the day they were written: their review-by and expiry dates are checked against it, so
 * that their output stays byte-identical over time. An application leaves `keyless:today` unset and is checked
 * against today's date.
 */
export const EXAMPLES_TODAY = '2026-11-22';

/** The security team's alert targets: an SNS topic, Cloud Monitoring channel, Azure action group and sign-in log workspace. */
export const EXAMPLE_DETECTION_ROUTES: DetectionRoutes = {
  aws: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:security-identity-alerts' },
  gcp: { notificationChannels: ['projects/acme-security/notificationChannels/4417283949201934'] },
  azure: {
    actionGroupId: '/subscriptions/8f3b2c1d-0a4e-4b6f-9c7d-2e1f0a9b8c7d/resourceGroups/security/providers/microsoft.insights/actionGroups/identity-alerts',
    logAnalyticsWorkspaceId: '/subscriptions/8f3b2c1d-0a4e-4b6f-9c7d-2e1f0a9b8c7d/resourceGroups/security/providers/microsoft.operationalinsights/workspaces/entra-signins',
  },
};

export function synthExamples(outdir: string): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  const context = { 'keyless:today': EXAMPLES_TODAY };
  const awsApp = new cdk.App({
    outdir: path.join(outdir, 'aws'),
    // No stack traces in metadata: they hold absolute paths, which would make the output machine-dependent.
    stackTraces: false,
    context: { ...context, 'aws:cdk:disable-creation-stack-traces': true },
  });
  // Guardrails inside each framework: any finding fails synthesis, with the rule, the resource and the fix.
  addAwsGuardrails(awsApp);
  const tfApp = new cdktf.App({ outdir: path.join(outdir, 'terraform'), stackTraces: false, context });
  const k8sApp = new cdk8s.App({ outdir: path.join(outdir, 'k8s') });
  k8sApp.node.setContext('keyless:today', EXAMPLES_TODAY);
  // Where every watched identity's detections go (tier 1 identities are watched by default), declared once per app.
  routeDetections(awsApp, EXAMPLE_DETECTION_ROUTES);
  routeDetections(tfApp, EXAMPLE_DETECTION_ROUTES);

  // Platform team: CI trusts, one service on three clusters, publishers, break-glass.
  awsPlatform(awsApp);
  gcpPlatform(tfApp);
  azurePlatform(tfApp);
  kubernetesWorkloads(k8sApp, { eks: awsWorkload(awsApp), gke: gcpWorkload(tfApp), aks: azureWorkload(tfApp) });
  awsPublishers(awsApp);
  gcpPublishers(tfApp);
  azurePublishers(tfApp);
  awsBreakGlass(awsApp);
  kubernetesFleet(k8sApp, awsFleet(awsApp));
  gcpBreakGlass(tfApp);
  azureBreakGlass(tfApp);
  // Incident: one pipeline's identity revoked on every cloud (examples/platform/incident.ts).
  awsIncident(awsApp);
  gcpIncident(tfApp);
  azureIncident(tfApp);

  // App team: golden-path templates on the stacks and charts the platform team gives it.
  const team = teamTargets(awsApp, tfApp, k8sApp);
  checkoutService(team);
  reconciliationJob(team);
  checkoutPublisher(team);

  // Guardrails once per app, as addAwsGuardrails: every stack and chart present at synthesis is checked.
  addTerraformGuardrails(tfApp);
  addKubernetesGuardrails(k8sApp);
  awsApp.synth();
  tfApp.synth();
  k8sApp.synth();
  // The other side of every CI trust, from the same declarations: subject template and workflow per repository (out/ci/).
  writeRepositorySide([awsApp, tfApp], outdir);

  // The findings report, over everything synthesized, next to the output (machine-readable).
  const output = readSynthesizedOutput([path.join(outdir, 'aws'), path.join(outdir, 'terraform'), path.join(outdir, 'k8s')]);
  const { resources, files } = output;
  const report = evaluate(resources, { today: EXAMPLES_TODAY });
  fs.writeFileSync(path.join(outdir, 'guardrails.json'), `${JSON.stringify({ files, ...report }, null, 2)}\n`);
  // The identity inventory and its report (out/inventory.json, out/report.md).
  writeInventory([path.join(outdir, 'aws'), path.join(outdir, 'terraform'), path.join(outdir, 'k8s'), path.join(outdir, 'ci')], outdir, { today: EXAMPLES_TODAY });
  // Every federated trust, evaluated with legitimate and forged tokens (out/verify.json): the examples must all be sound.
  const verified = verify(output);
  fs.writeFileSync(path.join(outdir, 'verify.json'), verifyJson(verified));
  // A revoked identity admits no token, as declared (examples/platform/incident.ts): that is the expected verdict too.
  const unsound = verified.trusts.filter((t) => t.verdict !== 'sound' && t.verdict !== 'revoked');
  if (unsound.length > 0) {
    throw new ExamplesNotVerifiedError(unsound.map((t) => `${t.verdict} ${t.id} (${t.location.file} ${t.location.resource}): ${t.problems.join('; ')}`));
  }
}

/** A trust of the examples that `keyless verify` does not find sound: the synthesis fails with each one's problems. */
class ExamplesNotVerifiedError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(`keyless verify: ${lines.length} trust${lines.length === 1 ? '' : 's'} of the examples not sound (see out/verify.json):\n${lines.join('\n')}`);
  }
}

/** The stacks and charts the platform team gives the checkout team. */
function teamTargets(awsApp: cdk.App, tfApp: cdktf.App, k8sApp: cdk8s.App): TeamTargets {
  const gcpStack = new cdktf.TerraformStack(tfApp, 'team-checkout-gcp');
  new cdktf.LocalBackend(gcpStack, { path: 'terraform.team-checkout-gcp.tfstate' });
  new GoogleProvider(gcpStack, 'google', { project: 'acme-checkout-prod' });
  const azureStack = new cdktf.TerraformStack(tfApp, 'team-checkout-azure');
  new cdktf.LocalBackend(azureStack, { path: 'terraform.team-checkout-azure.tfstate' });
  new AzurermProvider(azureStack, 'azurerm', { features: [{}] });
  return {
    awsStack: new cdk.Stack(awsApp, 'team-checkout-aws', { env: { account: '123456789012', region: 'eu-west-1' }, analyticsReporting: false }),
    gcpStack,
    azureStack,
    eksChart: new cdk8s.Chart(k8sApp, 'team-checkout-eks'),
    gkeChart: new cdk8s.Chart(k8sApp, 'team-checkout-gke'),
    aksChart: new cdk8s.Chart(k8sApp, 'team-checkout-aks'),
  };
}

if (require.main === module) {
  const started = process.hrtime.bigint();
  try {
    synthExamples(path.resolve(__dirname, '..', 'out'));
  } catch (error) {
    if (error instanceof KeylessError || error instanceof ExamplesNotVerifiedError || (error instanceof Error && /^Validation failed/.test(error.message))) {
      // A refused declaration or a guardrail finding: the message says where, what and how to fix it; no stack trace.
      process.stderr.write(`keyless: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`synthesized examples into out/ in ${Math.round(ms)} ms\n`);
}
