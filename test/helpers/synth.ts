import * as cdk from 'aws-cdk-lib/core';
import { Testing, TerraformStack } from 'cdktf';
import { Ownership } from '../../src';

/** Fixed "today" for deterministic review-by checks in tests. */
export const TODAY = '2026-11-22';

export const OWNERSHIP: Ownership = {
  owner: 'team-payments',
  purpose: 'deploy payments-api from CI',
  environment: 'production',
  tier: 1,
  reviewBy: '2027-04-30',
};

/** An aws-cdk-lib stack in an app with a pinned date. */
export function awsStack(id = 'Platform'): cdk.Stack {
  const app = new cdk.App({ context: { 'keyless:today': TODAY } });
  return new cdk.Stack(app, id, { analyticsReporting: false });
}

/** A cdktf stack in an app with a pinned date. */
export function tfStack(id = 'platform'): TerraformStack {
  const app = Testing.app();
  app.node.setContext('keyless:today', TODAY);
  return new TerraformStack(app, id);
}

/** Synthesizes a cdktf stack to its Terraform JSON. */
export function tfJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** Resources of one type in a Terraform JSON document, by logical id. */
export function tfResources(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}
