import { fail, ValidationContext } from '../../core/errors';
import { checkServiceAccountRef, KubernetesServiceAccountRef, resolveTokenExpiration } from '../../core/kubernetes';
import { checkObjectProp, describeValue, isObject } from '../../core/props';

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
