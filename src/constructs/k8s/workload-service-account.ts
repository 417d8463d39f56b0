import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { CloudIdentityBinding } from './cloud-identity-binding';
import { IdentityAdmissionPolicy } from './identity-admission-policy';
import { podLabelPatches, podSpecPath, projectedTokenPatches, readPodTemplate, workloadManifest } from './pod-template';
import { fail } from '../../core/errors';
import { checkServiceAccountRef, resolveTokenExpiration } from '../../core/kubernetes';
import { kubernetesOwnership, Ownership, resolveOwnership, sortKeys } from '../../core/ownership';
import { checkObjectProp, checkPropsObject, describeValue } from '../../core/props';
import { validationContext } from '../private/context';

export * from './cloud-identity-binding';

/** Props of a {@link WorkloadServiceAccount}. */
export interface WorkloadServiceAccountProps {
  /** Namespace. */
  readonly namespace: string;
  /** Service account name (not `default`). */
  readonly name: string;
  /** Owner, purpose, environment, risk tier and review-by date, as `keyless.dev/*` labels and annotations. */
  readonly ownership: Ownership;
  /**
   * The cloud identity bound to this service account. Checked: that identity must trust exactly this namespace
   * and name. An identity-bound service account gets an {@link IdentityAdmissionPolicy} in its chart, which lets
   * only the workload given to `bindWorkload` run as it.
   *
   * @default - no cloud identity
   */
  readonly identity?: CloudIdentityBinding;
}

/** Options for {@link WorkloadServiceAccount.bindWorkload}. */
export interface BindWorkloadOptions {
  /**
   * Project a service account token into every container and init container at `/var/run/secrets/keyless/token`, for this audience
   * (e.g. a cloud's token exchange). Without it no token is mounted at all.
   *
   * @default - no token
   */
  readonly tokenAudience?: string;
  /**
   * Lifetime of the projected token, at least 600 seconds and at most the tier's session maximum.
   *
   * @default 3600
   */
  readonly tokenExpirationSeconds?: number;
}

/** The service account each workload was bound to, so that a second binding is refused instead of replacing it. */
const boundTo = new WeakMap<ApiObject, WorkloadServiceAccount>();

/**
 * A hardened Kubernetes ServiceAccount for one workload: `automountServiceAccountToken: false`, ownership labels,
 * and the annotations its one cloud identity needs. `bindWorkload` points exactly one workload at it.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
 */
export class WorkloadServiceAccount extends Construct {
  /** Escape hatch: the ServiceAccount object. */
  public readonly apiObject: ApiObject;
  /** Namespace. */
  public readonly namespace: string;
  /** Name. */
  public readonly name: string;
  /** Always false: tokens are mounted only by an explicit projected volume. */
  public readonly automountServiceAccountToken = false;
  /** The validated ownership. */
  public readonly ownership: Ownership;
  /** The workload bound, once `bindWorkload` was called. */
  public boundWorkload?: ApiObject;
  /** The annotations the cloud identity needs (`eks.amazonaws.com/role-arn`, …), as rendered; empty without identity. */
  public readonly identityAnnotations: Readonly<Record<string, string>>;
  /**
   * The admission policy that lets only the bound workload run as this service account (every identity-bound one
   * has it).
   *
   * @default - none without an identity
   */
  public readonly admissionPolicy?: IdentityAdmissionPolicy;
  private readonly identity?: CloudIdentityBinding;

  constructor(scope: Construct, id: string, props: WorkloadServiceAccountProps) {
    super(scope, id);
    const ctx = validationContext(this);
    checkPropsObject(props, ctx, '{ namespace, name, ownership }');
    this.ownership = resolveOwnership(props.ownership, ctx);
    const ref = checkServiceAccountRef({ namespace: props.namespace, name: props.name }, ctx, 'props');
    this.namespace = ref.namespace;
    this.name = ref.name;
    this.identity = checkObjectProp<CloudIdentityBinding | undefined>(props.identity, ctx, 'identity', {
      optional: true,
      expected: 'a cloud identity binding (`CloudIdentityBinding.aws(…)`, `.gcp(…)` or `.azure(…)`)',
      fix: 'wrap the identity: `identity: CloudIdentityBinding.aws(workloadIdentity)`',
      methods: ['_annotations', '_trusted'],
    });
    let annotations: Record<string, string> = {};
    if (props.identity !== undefined) {
      const trusted = props.identity._trusted(ctx);
      if (trusted.namespace !== this.namespace || trusted.name !== this.name) {
        fail({
          code: 'KL-K8S-WIRING',
          path: ctx.path,
          prop: 'identity',
          problem: `is the ${props.identity.cloud} identity that trusts ${trusted.namespace}/${trusted.name}, not this service account ${this.namespace}/${this.name}: the annotation would name an identity that refuses this service account's tokens`,
          fix: `bind the identity declared for ${this.namespace}/${this.name}, or correct the namespace or name on one side`,
        });
      }
      annotations = props.identity._annotations(this.ownership.tier, ctx);
    }
    this.identityAnnotations = sortKeys(annotations);
    const owned = kubernetesOwnership(this.ownership);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: owned.labels,
        annotations: sortKeys({ ...owned.annotations, ...annotations }),
      },
      automountServiceAccountToken: false,
    });
    if (props.identity !== undefined) this.admissionPolicy = new IdentityAdmissionPolicy(this, 'AdmissionPolicy', { serviceAccount: this });
  }

  /**
   * Runs `workload` (a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob in this namespace) as this
   * service account, with token automounting off and, if asked, one projected token of bounded lifetime.
   * A service account serves one workload: a second call is an error.
   */
  public bindWorkload(workload: ApiObject, options: BindWorkloadOptions = {}): void {
    const ctx = validationContext(this);
    checkObjectProp(workload, ctx, 'workload', {
      expected: 'a cdk8s ApiObject (a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob)',
      fix: 'pass the workload object, e.g. `new ApiObject(chart, "Api", { apiVersion: "apps/v1", kind: "Deployment", … })`',
      test: (value) => ApiObject.isApiObject(value),
    });
    checkObjectProp(options, ctx, 'options', { expected: 'an object of options', fix: 'give `{ tokenAudience, tokenExpirationSeconds }` or nothing' });
    if (this.boundWorkload !== undefined) {
      fail({
        code: 'KL-K8S-SA-SHARED',
        path: ctx.path,
        prop: 'workload',
        problem: `is ${workload.node.path}, but ${this.namespace}/${this.name} already serves ${this.boundWorkload.node.path}: two workloads on one service account share its cloud identity and permissions`,
        fix: 'give each workload its own WorkloadServiceAccount and cloud identity',
      });
    }
    const previous = boundTo.get(workload);
    if (previous !== undefined && previous !== this) {
      fail({
        code: 'KL-K8S-WORKLOAD-REBOUND',
        path: ctx.path,
        prop: 'workload',
        problem: `is ${workload.node.path}, which already runs as ${previous.namespace}/${previous.name} (${previous.node.path}): `
          + `binding it to ${this.namespace}/${this.name} as well would silently replace that service account, and with it the identity and permissions the workload was declared with`,
        fix: `bind ${workload.node.path} once: keep the WorkloadServiceAccount it should run as, and give the other one its own workload`,
      });
    }
    const specPath = podSpecPath(workload, ctx);
    const manifest = workloadManifest(workload, ctx);
    const workloadNamespace = manifest.metadata?.namespace;
    if (workloadNamespace !== this.namespace) {
      fail({
        code: 'KL-K8S-WORKLOAD-NAMESPACE',
        path: ctx.path,
        prop: 'workload',
        problem: `is in namespace ${describeValue(workloadNamespace)}, but the service account is in ${describeValue(this.namespace)}: a pod can only use a service account of its own namespace`,
        fix: `set \`metadata.namespace: "${this.namespace}"\` on ${workload.node.path}`,
      });
    }
    const pod = readPodTemplate(manifest, specPath, workload, ctx);
    const patches = [
      JsonPatch.add(`${specPath}/serviceAccountName`, this.name),
      JsonPatch.add(`${specPath}/automountServiceAccountToken`, false),
      ...podLabelPatches(pod, this.identity?.podLabels ?? {}, ctx),
    ];
    if (options.tokenAudience !== undefined) {
      if (typeof options.tokenAudience !== 'string' || options.tokenAudience === '' || /[*?\s]/.test(options.tokenAudience)) {
        fail({ code: 'KL-K8S-TOKEN-AUDIENCE', path: ctx.path, prop: 'tokenAudience', problem: `is ${describeValue(options.tokenAudience)}: an audience is an exact, non-empty value`, fix: 'give the audience the token is exchanged with, e.g. "sts.amazonaws.com"' });
      }
      const expirationSeconds = resolveTokenExpiration(options.tokenExpirationSeconds, this.ownership.tier, ctx, 'tokenExpirationSeconds');
      patches.push(...projectedTokenPatches(pod, options.tokenAudience, expirationSeconds));
    }
    workload.addJsonPatch(...patches);
    this.boundWorkload = workload;
    boundTo.set(workload, this);
  }
}
