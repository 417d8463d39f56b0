// Types only: cdk8s is an optional peer, loaded when a cdk8s app is checked (importing the guardrails without it
// installed works).
import type { ApiObject, App, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { oncePerSynthesis, trackSynthesis } from './synthesis';
import { guardrailErrors, GuardrailOptions } from './validation';
import { today } from '../../core/clock';
import { kubernetesResources } from '../../synth/read';
import { NeutralResource } from '../model';

/** The manifests of a chart, or of every chart of an app, as rendered. */
function chartResources(scope: IConstruct): NeutralResource[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdk8s = require('cdk8s') as typeof import('cdk8s');
  const charts: Chart[] = scope instanceof cdk8s.App ? [...scope.charts] : cdk8s.Chart.isChart(scope) ? [scope] : [];
  return charts.flatMap((chart) => {
    // ApiObject.toJson, not chart.toJson: the latter runs validations, this one among them.
    const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof cdk8s.ApiObject).map((o) => o.toJson());
    return kubernetesResources(objects, `${chart.node.id}.k8s.yaml`);
  });
}

/**
 * Runs the Keyless guardrails on the manifests of a cdk8s chart, or of every chart of an app (the charts present when
 * the app synthesizes): any finding fails `app.synth()` (mode `error`). cdk8s gathers every validation error of the
 * app into one error, whether the guardrails are attached to the app or to each chart.
 */
export function addKubernetesGuardrails(scope: Chart | App, options: GuardrailOptions = {}): void {
  // cdk8s validates the app once more for every chart it writes: within one `app.synth()` the charts are rendered and
  // checked once (see synthesis.ts).
  const app = scope.node.root;
  trackSynthesis(app, ['synth', 'synthYaml']);
  const key = {};
  scope.node.addValidation({
    validate: () => oncePerSynthesis(app, key, () =>
      guardrailErrors(chartResources(scope), options, options.today ?? today(scope.node.tryGetContext('keyless:today')), () => chartResources(app))),
  });
}
