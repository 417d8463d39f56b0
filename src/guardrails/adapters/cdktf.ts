import { App, TerraformStack } from 'cdktf';
import { today } from '../../core/clock';
import { terraformResources } from '../../synth/read';
import { evaluate } from '../engine';
import { formatFinding } from '../model';
import { GuardrailOptions } from './aws';

/**
 * Runs the Keyless guardrails on the synthesized Terraform JSON of a cdktf stack, or of every stack of an app (the
 * stacks present when the app synthesizes), including resources written by hand: any finding fails `app.synth()`
 * (mode `error`).
 */
export function addTerraformGuardrails(scope: TerraformStack | App, options: GuardrailOptions = {}): void {
  const stacks = (): TerraformStack[] => (TerraformStack.isStack(scope)
    ? [scope]
    : scope.node.findAll().filter((node): node is TerraformStack => TerraformStack.isStack(node)));
  scope.node.addValidation({
    validate: () => stacks().flatMap((stack) => {
      const resources = terraformResources(stack.toTerraform(), `stacks/${stack.node.id}/cdk.tf.json`);
      const report = evaluate(resources, { exceptions: options.exceptions, today: options.today ?? today(stack.node.tryGetContext('keyless:today')) });
      if (options.mode === 'report') return [];
      return [...report.findings.map(formatFinding), ...report.exceptionErrors];
    }),
  });
}
