import { ApiObject, App, Chart } from 'cdk8s';
import { today } from '../../core/clock';
import { kubernetesResources } from '../../synth/read';
import { evaluate } from '../engine';
import { formatFinding } from '../model';
import { GuardrailOptions } from './aws';

/**
 * Runs the Keyless guardrails on the manifests of a cdk8s chart, or of every chart of an app (the charts present when
 * the app synthesizes): any finding fails `app.synth()` (mode `error`).
 */
export function addKubernetesGuardrails(scope: Chart | App, options: GuardrailOptions = {}): void {
  const charts = (): Chart[] => (scope instanceof App ? [...scope.charts] : [scope]);
  scope.node.addValidation({
    validate: () => charts().flatMap((chart) => {
      // ApiObject.toJson, not chart.toJson: the latter runs validations, this one among them.
      const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
      const resources = kubernetesResources(objects, `${chart.node.id}.k8s.yaml`);
      const report = evaluate(resources, { exceptions: options.exceptions, today: options.today ?? today(chart.node.tryGetContext('keyless:today')) });
      if (options.mode === 'report') return [];
      return [...report.findings.map(formatFinding), ...report.exceptionErrors];
    }),
  });
}
