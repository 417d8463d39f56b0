import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, PolicyViolationBeta1 } from 'aws-cdk-lib';
import { today } from '../../core/clock';
import { evaluate } from '../engine';
import { GuardrailException } from '../exceptions';
import { cloudFormationResources } from '../readers';
import { ALL_RULES } from '../rules';

/** Options of the guardrail adapters. */
export interface GuardrailOptions {
  /** `error` fails synthesis on any finding not covered by a live exception; `report` only reports. @default 'error' */
  readonly mode?: 'error' | 'report';
  /** Time-boxed exceptions. @default - none */
  readonly exceptions?: GuardrailException[];
  /** Today (`YYYY-MM-DD`). @default - `KEYLESS_TODAY` or the date (UTC) */
  readonly today?: string;
}

/**
 * Runs the Keyless guardrails on every synthesized CloudFormation template of an aws-cdk-lib app, including
 * resources written by hand: `new App({ policyValidationBeta1: [new KeylessPolicyValidation()] })`.
 */
export class KeylessPolicyValidation implements IPolicyValidationPluginBeta1 {
  public readonly name = 'keyless-guardrails';
  public readonly ruleIds = ALL_RULES.map((rule) => rule.id);

  constructor(private readonly options: GuardrailOptions = {}) {}

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const resources = context.templatePaths.flatMap((templatePath) =>
      cloudFormationResources(JSON.parse(fs.readFileSync(templatePath, 'utf8')), path.basename(templatePath)));
    const report = evaluate(resources, { exceptions: this.options.exceptions, today: this.options.today ?? today() });
    const pathOf = new Map(context.templatePaths.map((p) => [path.basename(p), p]));
    const violations: PolicyViolationBeta1[] = report.findings.map((finding) => ({
      ruleName: finding.ruleId,
      description: `${finding.ruleId}: ${finding.message}`,
      fix: finding.fix,
      severity: 'error',
      violatingResources: [{ resourceLogicalId: finding.resource, templatePath: pathOf.get(finding.file) ?? finding.file, locations: [] }],
    }));
    for (const problem of report.exceptionErrors) {
      violations.push({ ruleName: 'KL-G-EXCEPTION', description: problem, severity: 'error', violatingResources: [] });
    }
    return { success: this.options.mode === 'report' || violations.length === 0, violations };
  }
}
