// Types only: cdktf is an optional peer, loaded when a cdktf app is checked (importing the guardrails without it
// installed works).
import type { App, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { openSynthesis, trackSynthesis } from './synthesis';
import { guardrailErrors, GuardrailOptions } from './validation';
import { today } from '../../core/clock';
import { terraformResources } from '../../synth/read';
import { NeutralResource } from '../model';

/** The cdktf stacks below a construct (the construct itself included). */
function stacksBelow(scope: IConstruct): TerraformStack[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TerraformStack: StackClass } = require('cdktf') as typeof import('cdktf');
  return scope.node.findAll().filter((node): node is TerraformStack => StackClass.isStack(node));
}

/**
 * The resources of every cdktf stack below a construct (the stack itself included), as rendered: during `app.synth()`,
 * the configuration cdktf wrote for the stack (`toTerraform()`, synthesizer.js) when it was written in this synthesis
 * (the app-level validations run after every stack is written, app.js); else a fresh render.
 */
function stackResources(scope: IConstruct): NeutralResource[] {
  const written = openSynthesis(scope.node.root)?.rendered;
  return stacksBelow(scope).flatMap((stack) => terraformResources(written?.get(stack) ?? stack.toTerraform(), `stacks/${stack.node.id}/cdk.tf.json`));
}

/** Stacks whose `toTerraform()` records what it renders into the open synthesis of their app. */
const recording = new WeakSet<TerraformStack>();

/** As a synthesis of the app opens: every stack present then records the configuration cdktf renders for it. */
function recordRenders(app: IConstruct): void {
  for (const stack of stacksBelow(app)) {
    if (recording.has(stack)) continue;
    recording.add(stack);
    const render = stack.toTerraform;
    stack.toTerraform = function toTerraform(this: TerraformStack) {
      const config = render.call(this);
      openSynthesis(app)?.rendered.set(stack, config);
      return config;
    };
  }
}

/**
 * Runs the Keyless guardrails on the synthesized Terraform JSON of a cdktf stack, or of every stack of an app (the
 * stacks present when the app synthesizes), including resources written by hand: any finding fails `app.synth()`
 * (mode `error`). Attached to the app, the findings of every stack come in one error; attached to a stack, cdktf
 * validates stacks one at a time, so prefer the app.
 */
export function addTerraformGuardrails(scope: TerraformStack | App, options: GuardrailOptions = {}): void {
  // The app-level check reads what cdktf wrote in this synthesis instead of rendering every stack again.
  const app = scope.node.root;
  trackSynthesis(app, ['synth'], () => recordRenders(app));
  scope.node.addValidation({
    validate: () => guardrailErrors(stackResources(scope), options, options.today ?? today(scope.node.tryGetContext('keyless:today')), () => stackResources(scope.node.root)),
  });
}
