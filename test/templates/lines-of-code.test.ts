import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { Testing as K8sTesting } from 'cdk8s';
import { Testing } from 'cdktf';
import { checkoutServiceRaw } from '../../examples/baseline/checkout-service-raw';
import { checkoutService, TeamTargets } from '../../examples/templates/app-team';
import { teamTargets } from '../helpers/team';

/** Non-blank, non-comment lines between two markers of a file. */
function codeLines(file: string, from: RegExp, to: RegExp): number {
  const lines = fs.readFileSync(path.join(__dirname, '..', '..', file), 'utf8').split('\n');
  const start = lines.findIndex((l) => from.test(l));
  const end = lines.findIndex((l, i) => i > start && to.test(l));
  return lines.slice(start + 1, end).filter((l) => !/^\s*(\/\/.*)?$/.test(l)).length;
}


/** Resource types and counts of everything synthesized for the targets. */
function inventory(t: TeamTargets): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (type: string) => { counts[type] = (counts[type] ?? 0) + 1; };
  Object.values(Template.fromStack(t.awsStack).toJSON().Resources as Record<string, { Type: string }>).forEach((r) => add(r.Type));
  for (const stack of [t.gcpStack, t.azureStack]) {
    const json = JSON.parse(Testing.synth(stack));
    for (const [type, byName] of Object.entries(json.resource ?? {})) Object.keys(byName as object).forEach(() => add(type));
    Object.keys(json.output ?? {}).forEach(() => add('output'));
  }
  for (const chart of [t.eksChart, t.gkeChart, t.aksChart]) K8sTesting.synth(chart).forEach((o: { kind: string }) => add(o.kind));
  return counts;
}

describe('lines of code', () => {
  test('DeployService needs fewer than 20 lines for AWS, GCP, Azure and three clusters; the hand-written equivalent 140', () => {
    expect(codeLines('examples/templates/app-team.ts', /--- The service/, /--- The nightly/)).toBe(17);
    expect(codeLines('examples/baseline/checkout-service-raw.ts', /BEGIN hand-written/, /END hand-written/)).toBe(140);
  });

  test('the hand-written equivalent synthesizes the same kinds and numbers of resources, but the admission policies', () => {
    const keyless = teamTargets();
    checkoutService(keyless);
    const raw = teamTargets();
    checkoutServiceRaw(raw);
    const { ValidatingAdmissionPolicy: policies, ValidatingAdmissionPolicyBinding: bindings, ...rest } = inventory(keyless);
    // The 140 lines write no admission policy: Keyless adds one policy and binding per cluster's ServiceAccount.
    expect([policies, bindings]).toEqual([3, 3]);
    expect(inventory(raw)).toEqual(rest);
  });
});
