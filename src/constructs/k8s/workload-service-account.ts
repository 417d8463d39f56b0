import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { fail, ValidationContext } from '../../core/errors';
import { checkServiceAccountRef, KubernetesServiceAccountRef, resolveTokenExpiration } from '../../core/kubernetes';
import { kubernetesOwnership, Ownership, resolveOwnership, sortKeys } from '../../core/ownership';
import { checkObjectProp, checkPropsObject, describeValue, isObject } from '../../core/props';
import { validationContext } from '../private/context';

/** An AWS workload identity, as the service account needs it (structurally `aws.WorkloadIdentity`). */
export interface AwsWorkloadIdentityRef {
  /** The service account the role trusts. */
  readonly serviceAccount: KubernetesServiceAccountRef;
  /** IRSA or Pod Identity. */
  readonly mechanism: 'irsa' | 'pod-identity';
  /** The role ARN as a literal. */
  roleArnLiteral(): string;
}

/** A GKE workload identity, as the service account needs it (structurally `gcp.WorkloadIdentity`). */
export interface GcpWorkloadIdentityRef {
  /** The service account the identity trusts. */
  readonly serviceAccount: KubernetesServiceAccountRef;
  /** Email of the Google service account to impersonate, if any. */
  readonly googleServiceAccountEmail?: string;
}

/** An AKS workload identity, as the service account needs it (structurally `azure.WorkloadIdentity`). */
export interface AzureWorkloadIdentityRef {
  /** The service account the identity's federated credential names. */
  readonly serviceAccount: KubernetesServiceAccountRef;
}

/** The cloud identity a service account is bound to, with the annotations that cloud reads. */
export class CloudIdentityBinding {
  /** An EKS role (IRSA: annotated with the role ARN; Pod Identity: wired by the association, no annotation). */
  public static aws(identity: AwsWorkloadIdentityRef): CloudIdentityBinding {
    return new CloudIdentityBinding('AWS', identity, (tier, ctx): Record<string, string> => {
      checkObjectProp(identity, ctx, 'identity', {
        expected: 'an AWS workload identity (`aws.WorkloadIdentity`: `serviceAccount`, `mechanism` and `roleArnLiteral()`)',
        fix: 'bind the identity with `CloudIdentityBinding.aws(new aws.WorkloadIdentity(…))`',
        methods: ['roleArnLiteral'],
      });
      if (identity.mechanism !== 'irsa' && identity.mechanism !== 'pod-identity') {
        fail({
          code: 'KL-PROP-TYPE',
          path: ctx.path,
          prop: 'identity.mechanism',
          problem: `is ${describeValue(identity.mechanism)}: expected "irsa" or "pod-identity"`,
          fix: 'bind an `aws.WorkloadIdentity`, which sets its mechanism',
        });
      }
      return identity.mechanism === 'irsa'
        ? {
          'eks.amazonaws.com/role-arn': annotationValue(identity.roleArnLiteral(), ctx, 'identity.roleArnLiteral()'),
          // The EKS pod identity webhook projects a token of 86400 s unless told otherwise.
          'eks.amazonaws.com/token-expiration': String(resolveTokenExpiration(undefined, tier, ctx)),
        }
        : {};
    }, {});
  }

  /** A GKE identity (impersonation: annotated with the Google service account; direct: no annotation). */
  public static gcp(identity: GcpWorkloadIdentityRef): CloudIdentityBinding {
    return new CloudIdentityBinding('GCP', identity, (_tier, ctx): Record<string, string> => {
      checkObjectProp(identity, ctx, 'identity', {
        expected: 'a GKE workload identity (`gcp.WorkloadIdentity`: `serviceAccount` and, with impersonation, `googleServiceAccountEmail`)',
        fix: 'bind the identity with `CloudIdentityBinding.gcp(new gcp.WorkloadIdentity(…))`',
      });
      return identity.googleServiceAccountEmail !== undefined
        ? { 'iam.gke.io/gcp-service-account': annotationValue(identity.googleServiceAccountEmail, ctx, 'identity.googleServiceAccountEmail') }
        : {};
    }, {});
  }

  /**
   * An AKS identity. The client id is known only after the identity is applied (the `clientIdOutput` Terraform
   * output of `azure.WorkloadIdentity`): pass it explicitly, never guessed.
   */
  public static azure(identity: AzureWorkloadIdentityRef, clientId: string): CloudIdentityBinding {
    return new CloudIdentityBinding('Azure', identity, (tier, ctx) => {
      checkObjectProp(identity, ctx, 'identity', {
        expected: 'an AKS workload identity (`azure.WorkloadIdentity`, with its `serviceAccount`)',
        fix: 'bind the identity with `CloudIdentityBinding.azure(new azure.WorkloadIdentity(…), clientId)`',
      });
      if (typeof clientId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(clientId)) {
        fail({
          code: 'KL-K8S-AZURE-CLIENT-ID',
          path: ctx.path,
          prop: 'identity.clientId',
          problem: `is ${describeValue(clientId)}: the client id is a lowercase GUID, known only after the identity is applied`,
          fix: 'apply the Azure stack, then pass `terraform output -raw <ClientId output>`',
        });
      }
      return {
        'azure.workload.identity/client-id': clientId,
        // The Azure workload identity webhook projects a token of 3600 s by default (3600–86400 allowed).
        'azure.workload.identity/service-account-token-expiration': String(Math.max(3600, resolveTokenExpiration(undefined, tier, ctx))),
      };
    }, { 'azure.workload.identity/use': 'true' });
  }

  /** The service account the cloud identity trusts. */
  public readonly trustedServiceAccount: KubernetesServiceAccountRef;

  private constructor(
    /** Cloud name, for messages. */
    public readonly cloud: string,
    /** The identity as given (checked when a service account is bound to it). */
    private readonly identity: unknown,
    /** Service account annotations. */
    private readonly annotationsFor: (tier: 1 | 2 | 3, ctx: ValidationContext) => Record<string, string>,
    /** Labels the pod template must carry. */
    public readonly podLabels: Record<string, string>,
  ) {
    this.trustedServiceAccount = (isObject(identity) ? identity.serviceAccount : undefined) as KubernetesServiceAccountRef;
  }

  /** @internal */
  public _annotations(tier: 1 | 2 | 3, ctx: ValidationContext): Record<string, string> {
    return this.annotationsFor(tier, ctx);
  }

  /**
   * The trusted service account, checked: the identity is an object and names a valid service account.
   *
   * @internal
   */
  public _trusted(ctx: ValidationContext): KubernetesServiceAccountRef {
    if (!isObject(this.identity)) {
      fail({
        code: 'KL-PROP-MISSING',
        path: ctx.path,
        prop: 'identity',
        problem: `is a ${this.cloud} binding of ${describeValue(this.identity)}: expected the ${this.cloud} workload identity declared for this service account`,
        fix: `give the identity to \`CloudIdentityBinding.${this.cloud.toLowerCase()}(…)\``,
      });
    }
    return checkServiceAccountRef(this.trustedServiceAccount, ctx, 'identity.serviceAccount');
  }
}

/** A service account annotation value from an identity: a string. */
function annotationValue(value: unknown, ctx: ValidationContext, prop: string): string {
  if (typeof value !== 'string' || value === '') {
    fail({
      code: 'KL-PROP-TYPE',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}: expected a non-empty string for the service account annotation`,
      fix: 'bind the identity Keyless created for this service account',
    });
  }
  return value;
}

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
   * and name.
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

const POD_SPEC_PATHS: Record<string, string> = {
  Pod: '/spec',
  Deployment: '/spec/template/spec',
  StatefulSet: '/spec/template/spec',
  DaemonSet: '/spec/template/spec',
  ReplicaSet: '/spec/template/spec',
  Job: '/spec/template/spec',
  CronJob: '/spec/jobTemplate/spec/template/spec',
};

/** The service account each workload was bound to, so that a second binding is refused instead of replacing it. */
const boundTo = new WeakMap<ApiObject, WorkloadServiceAccount>();

/** `a.b.c` for a JSON pointer `/a/b/c`. */
function dotted(pointer: string): string {
  return pointer.split('/').slice(1).join('.');
}

/** The object at a JSON pointer of a workload manifest, which must exist: the pod spec. */
function podTemplateNode(manifest: any, pointer: string, workload: ApiObject, ctx: ValidationContext): Record<string, any> {
  let node: unknown = manifest;
  for (const key of pointer.split('/').slice(1)) {
    node = isObject(node) ? node[key] : undefined;
  }
  if (!isObject(node)) {
    fail({
      code: 'KL-K8S-POD-TEMPLATE',
      path: ctx.path,
      prop: 'workload',
      problem: `is a ${workload.kind} (${workload.node.path}) whose \`${dotted(pointer)}\` is ${describeValue(node)}: the service account and token are set on the pod spec, which a ${workload.kind} holds at \`${dotted(pointer)}\``,
      fix: `give the ${workload.kind} its pod template, e.g. \`${dotted(pointer)}: { containers: [{ name, image }] }\``,
    });
  }
  return node;
}

/** The object at a JSON pointer, or undefined when a step is missing; refuses a step that is not an object. */
function optionalNode(manifest: any, pointer: string, workload: ApiObject, ctx: ValidationContext): Record<string, any> | undefined {
  let node: unknown = manifest;
  for (const key of pointer.split('/').slice(1)) {
    if (node === undefined) return undefined;
    if (!isObject(node)) break;
    node = node[key];
  }
  if (node !== undefined && !isObject(node)) {
    fail({
      code: 'KL-K8S-POD-TEMPLATE',
      path: ctx.path,
      prop: 'workload',
      problem: `is a ${workload.kind} (${workload.node.path}) whose \`${dotted(pointer)}\` is ${describeValue(node)}: expected an object`,
      fix: `write \`${dotted(pointer)}\` as an object, or leave it out`,
    });
  }
  return node;
}

/** A list of the pod spec (`containers`, `initContainers`, `volumes`): absent, or an array of objects. */
function podSpecList(podSpec: Record<string, any>, key: string, pointer: string, workload: ApiObject, ctx: ValidationContext): unknown[] {
  const list: unknown = podSpec[key];
  if (list === undefined) return [];
  const bad = Array.isArray(list) ? [...list.keys()].find((i) => !isObject(list[i])) : -1;
  if (bad !== undefined) {
    const where = bad === -1 ? dotted(`${pointer}/${key}`) : `${dotted(`${pointer}/${key}`)}[${bad}]`;
    fail({
      code: 'KL-K8S-POD-TEMPLATE',
      path: ctx.path,
      prop: 'workload',
      problem: `is a ${workload.kind} (${workload.node.path}) whose \`${where}\` is ${describeValue(bad === -1 ? list : (list as unknown[])[bad])}: expected ${bad === -1 ? 'a list of objects' : 'an object'}`,
      fix: `write \`${dotted(`${pointer}/${key}`)}\` as a list of objects, e.g. \`[{ name: "api", image: "api:1" }]\``,
    });
  }
  return list as unknown[];
}

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
    const specPath = Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, workload.kind) ? POD_SPEC_PATHS[workload.kind] : undefined;
    if (specPath === undefined) {
      fail({
        code: 'KL-K8S-WORKLOAD-KIND',
        path: ctx.path,
        prop: 'workload',
        problem: `is a ${typeof workload.kind === 'string' ? workload.kind : describeValue(workload.kind)}: expected one of ${Object.keys(POD_SPEC_PATHS).join(', ')}`,
        fix: 'bind the object that owns the pod template',
      });
    }
    let manifest: any;
    try {
      manifest = workload.toJson();
    } catch (error) {
      fail({
        code: 'KL-K8S-WORKLOAD-JSON',
        path: ctx.path,
        prop: 'workload',
        problem: `is ${workload.node.path}, which cdk8s cannot render (${String((error as Error)?.message ?? error).split('\n')[0]}): its manifest holds a value that is not JSON`,
        fix: 'write the manifest with plain strings, numbers, booleans, lists and objects (no Duration, construct or class instance)',
      });
    }
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
    const podSpec = podTemplateNode(manifest, specPath, workload, ctx);
    const containerLists: Array<[string, unknown[]]> = [
      ['containers', podSpecList(podSpec, 'containers', specPath, workload, ctx)],
      ['initContainers', podSpecList(podSpec, 'initContainers', specPath, workload, ctx)],
    ];
    podSpecList(podSpec, 'volumes', specPath, workload, ctx);
    const patches = [
      JsonPatch.add(`${specPath}/serviceAccountName`, this.name),
      JsonPatch.add(`${specPath}/automountServiceAccountToken`, false),
    ];
    const podLabels = this.identity?.podLabels ?? {};
    if (Object.keys(podLabels).length > 0) {
      const metadataPath = specPath === '/spec' ? '/metadata' : specPath.replace(/\/spec$/, '/metadata');
      const metadata = optionalNode(manifest, metadataPath, workload, ctx);
      if (metadata === undefined) patches.push(JsonPatch.add(metadataPath, {}));
      if (optionalNode(manifest, `${metadataPath}/labels`, workload, ctx) === undefined) patches.push(JsonPatch.add(`${metadataPath}/labels`, {}));
      for (const [key, value] of Object.entries(podLabels)) {
        patches.push(JsonPatch.add(`${metadataPath}/labels/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, value));
      }
    }
    if (options.tokenAudience !== undefined) {
      if (typeof options.tokenAudience !== 'string' || options.tokenAudience === '' || /[*?\s]/.test(options.tokenAudience)) {
        fail({ code: 'KL-K8S-TOKEN-AUDIENCE', path: ctx.path, prop: 'tokenAudience', problem: `is ${describeValue(options.tokenAudience)}: an audience is an exact, non-empty value`, fix: 'give the audience the token is exchanged with, e.g. "sts.amazonaws.com"' });
      }
      const expirationSeconds = resolveTokenExpiration(options.tokenExpirationSeconds, this.ownership.tier, ctx, 'tokenExpirationSeconds');
      if (podSpec.volumes === undefined) patches.push(JsonPatch.add(`${specPath}/volumes`, []));
      patches.push(JsonPatch.add(`${specPath}/volumes/-`, {
        name: 'keyless-token',
        projected: { sources: [{ serviceAccountToken: { audience: options.tokenAudience, expirationSeconds, path: 'token' } }] },
      }));
      for (const [list, containers] of containerLists) {
        containers.forEach((container: any, i) => {
          if (container.volumeMounts === undefined) patches.push(JsonPatch.add(`${specPath}/${list}/${i}/volumeMounts`, []));
          patches.push(JsonPatch.add(`${specPath}/${list}/${i}/volumeMounts/-`, { name: 'keyless-token', mountPath: '/var/run/secrets/keyless', readOnly: true }));
        });
      }
    }
    workload.addJsonPatch(...patches);
    this.boundWorkload = workload;
    boundTo.set(workload, this);
  }
}
