import * as fs from 'fs';
import * as path from 'path';
// Types only: aws-cdk-lib is an optional peer, loaded when an aws-cdk-lib app is checked (importing the guardrails
// without it installed works).
import type { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, PolicyViolationBeta1, Stack } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import { guardrailErrors, GuardrailOptions } from './validation';
import { today } from '../../core/clock';
import { cloudFormationResources } from '../../synth/read';
import { evaluate } from '../engine';
import { NeutralResource } from '../model';
import { ALL_RULES } from '../rules';

/**
 * Runs the Keyless guardrails on every synthesized CloudFormation template of an aws-cdk-lib app, including
 * resources written by hand, as an aws-cdk-lib validation plugin: `Validations.of(app).addPlugins(new
 * KeylessPolicyValidation())`. aws-cdk-lib lets any construct acknowledge a plugin rule app-wide; prefer
 * {@link addAwsGuardrails}, whose findings only Keyless exceptions (owner, reason, expiry) can cover.
 */
export class KeylessPolicyValidation implements IPolicyValidationPluginBeta1 {
  public readonly name = 'keyless-guardrails';
  public readonly ruleIds = ALL_RULES.map((rule) => rule.id);

  constructor(private readonly options: GuardrailOptions = {}) {}

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    // aws-cdk-lib calls a plugin once per synthesis with every template: the findings of all stacks come together.
    const resources = context.templatePaths.flatMap((templatePath) =>
      cloudFormationResources(JSON.parse(fs.readFileSync(templatePath, 'utf8')), path.basename(templatePath)));
    const report = evaluate(resources, { exceptions: this.options.exceptions, today: this.options.today ?? today() });
    const pathOf = new Map(context.templatePaths.map((p) => [path.basename(p), p]));
    const violations: PolicyViolationBeta1[] = report.findings.map((finding) => ({
      ruleName: finding.ruleId,
      description: `${finding.ruleId} [${finding.key}]: ${finding.message}`,
      fix: finding.fix,
      severity: 'error',
      violatingResources: [{ resourceLogicalId: finding.resource, templatePath: pathOf.get(finding.file) ?? finding.file, locations: [] }],
    }));
    // aws-cdk-lib prints (and fails on) only violations that name a resource: exception errors are attached to the
    // first resource of the first template, so that an invalid or expired exception always fails synthesis.
    const anchor = resources[0];
    for (const problem of report.exceptionErrors) {
      violations.push({
        ruleName: 'KL-G-EXCEPTION',
        description: problem,
        severity: 'error',
        violatingResources: anchor ? [{ resourceLogicalId: anchor.id, templatePath: pathOf.get(anchor.file) ?? anchor.file, locations: [] }] : [],
      });
    }
    return { success: this.options.mode === 'report' || violations.length === 0, violations };
  }
}

/** The resources of every stack below a construct, as rendered (the template aws-cdk-lib writes). */
function stackResources(scope: IConstruct): NeutralResource[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Stack: StackClass } = require('aws-cdk-lib/core') as typeof import('aws-cdk-lib/core');
  // `_toCloudFormation` is aws-cdk-lib's own renderer, used by its synthesizers; it returns the template resolved
  // (stack.js: each element's fragment and the merged template go through `stack.resolve`).
  return scope.node.findAll().filter((c): c is Stack => StackClass.isStack(c)).flatMap((stack) =>
    cloudFormationResources((stack as unknown as { _toCloudFormation(): unknown })._toCloudFormation(), `${stack.artifactId}.template.json`));
}

/**
 * Runs the Keyless guardrails on every stack of an aws-cdk-lib app (or stage) during synthesis: any finding not
 * covered by a live Keyless exception, and any invalid or expired exception, fails `app.synth()` with the rule, the
 * resource, the finding key and the fix; the findings of every stack come in one error. Unlike plugin violations,
 * these cannot be acknowledged away.
 */
export function addAwsGuardrails(app: IConstruct, options: GuardrailOptions = {}): void {
  app.node.addValidation({
    // Validation runs after aspects (tags) are applied and before templates are written: the rendered template
    // is final here.
    validate: () => guardrailErrors(stackResources(app), options, options.today ?? today(app.node.tryGetContext('keyless:today')), () => stackResources(app.node.root)),
  });
}
