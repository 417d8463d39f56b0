import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { workloadManifest } from './pod-template';
import type { WorkloadServiceAccount } from './workload-service-account';
import { fail } from '../../core/errors';
import {
  ADMISSION_POLICY_ANNOTATION, ADMISSION_POLICY_API_VERSION, ADMISSION_POLICY_OPT_OUT_ANNOTATION, ADMISSION_POLICY_OPTED_OUT,
  AdmissionOptOut, admissionPolicyName, boundWorkloadOf, identityAdmissionMetadata, identityAdmissionPolicyBindingSpec,
  identityAdmissionPolicySpec, IdentityAdmissionInput, resolveAdmissionOptOut,
} from '../../core/kubernetes-admission';
import { kubernetesOwnership } from '../../core/ownership';
import { checkObjectProp, checkPropsObject, describeValue } from '../../core/props';
import { validationContext } from '../private/context';

export type { AdmissionOptOut } from '../../core/kubernetes-admission';

/** Options of {@link IdentityAdmissionPolicy.optOut}. */
export interface AdmissionPolicyOptOutOptions {
  /**
   * The Kubernetes version of the chart's cluster, `MAJOR.MINOR` (e.g. `"1.29"`) or as `kubectl version` reports the
   * server (`"v1.29.10-eks-7f9249a"`, `"v1.29.8-gke.1031000"`, `"v1.29.4+k3s1"`): 1.20 to 1.29, where
   * ValidatingAdmissionPolicy is not GA. A version of 1.30 or newer is refused, and so is one older than 1.20 (no
   * projected service account tokens, so no workload identity; `"1.3"` is likely a typo of 1.30).
   */
  readonly kubernetesVersion: string;
  /** Why the chart goes without the policy, one line (3–200 characters), recorded on each ServiceAccount. */
  readonly reason: string;
}

/** Props of an {@link IdentityAdmissionPolicy}. */
export interface IdentityAdmissionPolicyProps {
  /** The ServiceAccount to protect. */
  readonly serviceAccount: WorkloadServiceAccount;
}

/** The opt-out of each chart. */
const OPT_OUTS = new WeakMap<Chart, AdmissionOptOut>();

/**
 * The opt-out that covers `chart`: its own, or that of the nearest chart it is nested in. A nested chart is rendered
 * to its own manifest file in the same output directory (cdk8s `chartToKube`: each object in its closest chart), for
 * the same cluster as the chart that holds it.
 */
function coveringOptOut(chart: Chart): { chart: Chart; optOut: AdmissionOptOut } | undefined {
  for (const scope of [...chart.node.scopes].reverse()) {
    const optOut = Chart.isChart(scope) ? OPT_OUTS.get(scope) : undefined;
    if (optOut !== undefined) return { chart: scope as Chart, optOut };
  }
  return undefined;
}
/** The policy of each ServiceAccount, so that a second one (the same cluster-scoped names) is refused. */
const POLICIES = new WeakMap<WorkloadServiceAccount, IdentityAdmissionPolicy>();

/**
 * A ValidatingAdmissionPolicy and its ValidatingAdmissionPolicyBinding (`admissionregistration.k8s.io/v1`, GA since
 * Kubernetes 1.30) that stop other pods of the namespace from borrowing an identity-bound ServiceAccount. Every
 * `WorkloadServiceAccount` with an `identity` creates one, as its `admissionPolicy`.
 *
 * The policy lets a pod name the ServiceAccount only when it is created by the controller of the bound workload's kind
 * (the ReplicaSet controller for a Deployment's pods, …), controlled by that workload's object, with the workload's
 * selector labels (and the cloud webhook's label) and `automountServiceAccountToken: false`; refuses a new image in a
 * running pod, an ephemeral container, and a token minted for the ServiceAccount by anyone but a node or `kube-system`;
 * lets only the bound workload (and the ReplicaSets or Jobs its controller creates for it) name it in a pod template;
 * and keeps the ServiceAccount's cloud identity annotations and `automountServiceAccountToken: false` exactly as
 * declared. A ServiceAccount bound to no workload admits no pod.
 * The policy is rendered at synthesis, from the bound workload's manifest as it is then.
 *
 * For a cluster older than 1.30, opt the chart out with {@link IdentityAdmissionPolicy.optOut}.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 */
export class IdentityAdmissionPolicy extends Construct {
  /**
   * Renders no admission policy in `chart`, for a cluster older than Kubernetes 1.30, and records why on each
   * identity-bound ServiceAccount of the chart (`keyless.dev/admission-policy: opted-out` and
   * `keyless.dev/admission-policy-opt-out`). Applies to the ServiceAccounts created in the chart and in the charts
   * nested in it (the same cluster), before and after the call; once per chart, and not again in a nested chart. A
   * nested chart's own earlier opt-out is kept for its ServiceAccounts.
   */
  public static optOut(chart: Chart, options: AdmissionPolicyOptOutOptions): void {
    if (!Chart.isChart(chart)) {
      fail({
        code: 'KL-PROP-TYPE',
        path: 'IdentityAdmissionPolicy.optOut',
        prop: 'chart',
        problem: `is ${describeValue(chart)}: expected the cdk8s Chart of the cluster that runs a Kubernetes older than 1.30`,
        fix: 'pass the chart: `IdentityAdmissionPolicy.optOut(chart, { kubernetesVersion: "1.29", reason })`',
      });
    }
    const ctx = validationContext(chart);
    const optOut = resolveAdmissionOptOut(options, ctx);
    const previous = coveringOptOut(chart);
    if (previous !== undefined) {
      const by = previous.chart === chart ? '' : ` with ${previous.chart.node.path}, the chart it is nested in`;
      fail({
        code: 'KL-K8S-ADMISSION-OPT-OUT',
        path: ctx.path,
        prop: 'chart',
        problem: `already opted out${by} (${previous.optOut.annotation}): a chart opts out once, for its one cluster`,
        fix: `call \`IdentityAdmissionPolicy.optOut\` once per chart${by === '' ? '' : ', on the outermost chart of the cluster'}`,
      });
    }
    OPT_OUTS.set(chart, optOut);
    for (const construct of chart.node.findAll()) {
      if (construct instanceof IdentityAdmissionPolicy && coveringOptOut(Chart.of(construct))?.chart === chart) construct.applyOptOut(optOut);
    }
  }

  /** The opt-out that covers a chart: its own, or that of the chart it is nested in; undefined when none opted out. */
  public static optOutOf(chart: Chart): AdmissionOptOut | undefined {
    return coveringOptOut(chart)?.optOut;
  }

  /** The name of the policy and of its binding (`keyless-NAMESPACE.NAME`). */
  public readonly name: string;
  /** The ServiceAccount protected. */
  public readonly serviceAccount: WorkloadServiceAccount;
  private policyObject?: ApiObject;
  private bindingObject?: ApiObject;
  private optOutValue?: AdmissionOptOut;

  constructor(scope: Construct, id: string, props: IdentityAdmissionPolicyProps) {
    super(scope, id);
    const ctx = validationContext(this);
    checkPropsObject(props, ctx, '{ serviceAccount }');
    const serviceAccount = checkObjectProp<WorkloadServiceAccount>(props.serviceAccount, ctx, 'serviceAccount', {
      expected: 'a WorkloadServiceAccount',
      fix: 'pass the WorkloadServiceAccount to protect (an identity-bound one creates its policy itself: `account.admissionPolicy`)',
      test: (value) => ApiObject.isApiObject((value as WorkloadServiceAccount).apiObject) && typeof (value as WorkloadServiceAccount).namespace === 'string',
    });
    const existing = POLICIES.get(serviceAccount);
    if (existing !== undefined) {
      fail({
        code: 'KL-K8S-ADMISSION-DUPLICATE',
        path: ctx.path,
        prop: 'serviceAccount',
        problem: `is ${serviceAccount.namespace}/${serviceAccount.name}, already protected by ${existing.node.path}: a second policy of the same cluster-scoped name would replace the first`,
        fix: 'use the existing policy (`account.admissionPolicy`)',
      });
    }
    POLICIES.set(serviceAccount, this);
    this.serviceAccount = serviceAccount;
    const ref = { namespace: serviceAccount.namespace, name: serviceAccount.name };
    this.name = admissionPolicyName(ref);
    const covering = coveringOptOut(Chart.of(this));
    if (covering !== undefined) {
      this.applyOptOut(covering.optOut);
      return;
    }
    const metadata = identityAdmissionMetadata(ref, kubernetesOwnership(serviceAccount.ownership).labels);
    const input = (): IdentityAdmissionInput => ({
      serviceAccount: ref,
      identityAnnotations: serviceAccount.identityAnnotations,
      labels: metadata.labels,
      // The workload is bound after the ServiceAccount is created, and patched later still: read at synthesis.
      workload: serviceAccount.boundWorkload === undefined
        ? undefined
        : boundWorkloadOf(workloadManifest(serviceAccount.boundWorkload, validationContext(serviceAccount)), validationContext(serviceAccount)),
    });
    this.policyObject = new ApiObject(this, 'Policy', {
      apiVersion: ADMISSION_POLICY_API_VERSION,
      kind: 'ValidatingAdmissionPolicy',
      metadata,
      spec: Lazy.any({ produce: () => identityAdmissionPolicySpec(input()) }),
    });
    this.bindingObject = new ApiObject(this, 'Binding', {
      apiVersion: ADMISSION_POLICY_API_VERSION,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata,
      spec: identityAdmissionPolicyBindingSpec({ serviceAccount: ref, identityAnnotations: {}, labels: metadata.labels }),
    });
    serviceAccount.apiObject.metadata.addAnnotation(ADMISSION_POLICY_ANNOTATION, this.name);
  }

  /** Escape hatch: the ValidatingAdmissionPolicy object; undefined when the chart opted out. */
  public get policy(): ApiObject | undefined {
    return this.policyObject;
  }

  /** Escape hatch: the ValidatingAdmissionPolicyBinding object; undefined when the chart opted out. */
  public get binding(): ApiObject | undefined {
    return this.bindingObject;
  }

  /** The chart's opt-out, when it opted out: no policy is rendered. */
  public get optedOut(): AdmissionOptOut | undefined {
    return this.optOutValue;
  }

  /** Removes the policy and binding, and records the opt-out on the ServiceAccount. */
  private applyOptOut(optOut: AdmissionOptOut): void {
    this.node.tryRemoveChild('Policy');
    this.node.tryRemoveChild('Binding');
    this.policyObject = undefined;
    this.bindingObject = undefined;
    this.optOutValue = optOut;
    const metadata = this.serviceAccount.apiObject.metadata;
    metadata.addAnnotation(ADMISSION_POLICY_ANNOTATION, ADMISSION_POLICY_OPTED_OUT);
    metadata.addAnnotation(ADMISSION_POLICY_OPT_OUT_ANNOTATION, optOut.annotation);
  }
}
