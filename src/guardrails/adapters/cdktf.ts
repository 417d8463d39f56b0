// Types only: cdktf is an optional peer, loaded when a cdktf app is checked (importing the guardrails without it
// installed works).
import type { App, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { guardrailErrors, GuardrailOptions } from './validation';
import { today } from '../../core/clock';
import { terraformResources } from '../../synth/read';
import { NeutralResource } from '../model';

/** The resources of every cdktf stack below a construct (the stack itself included), as rendered. */
function stackResources(scope: IConstruct): NeutralResource[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TerraformStack: StackClass } = require('cdktf') as typeof import('cdktf');
  return scope.node.findAll().filter((node): node is TerraformStack => StackClass.isStack(node))
    .flatMap((stack) => terraformResources(stack.toTerraform(), `stacks/${stack.node.id}/cdk.tf.json`));
}

/**
 * Runs the Keyless guardrails on the synthesized Terraform JSON of a cdktf stack, or of every stack of an app (the
 * stacks present when the app synthesizes), including resources written by hand: any finding fails `app.synth()`
 * (mode `error`). Attached to the app, the findings of every stack come in one error; attached to a stack, cdktf
 * validates stacks one at a time, so prefer the app.
 */
export function addTerraformGuardrails(scope: TerraformStack | App, options: GuardrailOptions = {}): void {
  scope.node.addValidation({
    validate: () => guardrailErrors(stackResources(scope), options, options.today ?? today(scope.node.tryGetContext('keyless:today')), () => stackResources(scope.node.root)),
  });
}
