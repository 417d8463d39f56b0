import { TerraformStack } from 'cdktf';
import { today } from '../../core/clock';
import { evaluate } from '../engine';
import { formatFinding } from '../model';
import { terraformResources } from '../readers';
import { GuardrailOptions } from './aws';

/**
 * Runs the Keyless guardrails on a cdktf stack's synthesized Terraform JSON, including resources written by hand:
 * any finding fails `app.synth()` (mode `error`).
 */
export function addTerraformGuardrails(stack: TerraformStack, options: GuardrailOptions = {}): void {
  stack.node.addValidation({
    validate: () => {
      const resources = terraformResources(stack.toTerraform(), `stacks/${stack.node.id}/cdk.tf.json`);
      const report = evaluate(resources, { exceptions: options.exceptions, today: options.today ?? today(stack.node.tryGetContext('keyless:today')) });
      if (options.mode === 'report') return [];
      return [...report.findings.map(formatFinding), ...report.exceptionErrors];
    },
  });
}
