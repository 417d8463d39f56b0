import { contentId, readableContentId } from '../../src/core/content-id';
import { KeylessError } from '../../src/core/errors';
import { GCP_WORKLOAD_IDENTITY_USER_ROLE } from '../../src/core/facts/gcp-roles';
import {
  awsPartitionOfRegion, awsRoleArn, checkPodIdentityBinding, EKS_POD_IDENTITY_ACTIONS, EKS_POD_IDENTITY_PRINCIPAL, irsaTrust, podIdentityTrust,
} from '../../src/core/trust/aws-workload';
import { aksFederatedCredential, checkClusterIssuerUrl } from '../../src/core/trust/azure-workload';
import { gcpServiceAccount, gkeWorkloadIdentity, gkeWorkloadPool, workloadIdentityUserBindings } from '../../src/core/trust/gcp-workload';

const ctx = { path: 'Test', today: '2026-01-15' };
const sa = { namespace: 'payments', name: 'payments-api' };
const EKS_ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const AKS_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/';

/** The KeylessError code a call throws. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeylessError) return error.code;
    throw error;
  }
  return undefined;
}

describe('IRSA trust', () => {
  test('one statement: sts:AssumeRoleWithWebIdentity for the issuer\'s OIDC provider, StringEquals on aud and sub', () => {
    expect(irsaTrust(EKS_ISSUER, sa, ctx)).toEqual({
      issuerUrl: EKS_ISSUER,
      issuerHostPath: 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
      region: 'eu-west-1',
      subject: 'system:serviceaccount:payments:payments-api',
      statement: {
        principal: { oidcProviderUrl: EKS_ISSUER, clientId: 'sts.amazonaws.com' },
        actions: ['sts:AssumeRoleWithWebIdentity'],
        conditions: {
          StringEquals: {
            'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud': 'sts.amazonaws.com',
            'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub': 'system:serviceaccount:payments:payments-api',
          },
        },
      },
    });
  });

  test('the region is known for EKS issuers only (China included); another issuer names none', () => {
    expect(irsaTrust('https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC', sa, ctx).region).toBe('cn-north-1');
    expect(irsaTrust('https://issuer.example.com/cluster-1', sa, ctx).region).toBeUndefined();
  });

  test('a trailing slash on an EKS issuer, and a malformed issuer, are refused', () => {
    expect(() => irsaTrust(`${EKS_ISSUER}/`, sa, ctx)).toThrow(
      `[KL-AWS-IRSA-ISSUER] Test: \`eks.issuerUrl\` is "${EKS_ISSUER}/": an EKS issuer has no trailing \`/\`, and IAM matches the token's \`iss\` (and the condition keys built from it) exactly, so this role would trust no token of the cluster. `
      + `Fix: write the issuer as \`aws eks describe-cluster --query cluster.identity.oidc.issuer\` prints it, without the trailing slash: "${EKS_ISSUER}".`,
    );
    expect(codeOf(() => irsaTrust('http://oidc.eks.eu-west-1.amazonaws.com/id/X', sa, ctx))).toBe('KL-CI-ISSUER');
    expect(codeOf(() => irsaTrust(42, sa, ctx))).toBe('KL-CI-ISSUER');
  });
});

describe('Pod Identity trust', () => {
  const location = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };

  test('pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession, narrowed by the session tags and the source account', () => {
    expect(EKS_POD_IDENTITY_PRINCIPAL).toBe('pods.eks.amazonaws.com');
    expect(EKS_POD_IDENTITY_ACTIONS).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(podIdentityTrust('prod-eu', sa, location, ctx)).toEqual({
      clusterArn: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu',
      statement: {
        principal: { service: 'pods.eks.amazonaws.com' },
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        conditions: {
          StringEquals: {
            'aws:RequestTag/eks-cluster-arn': 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu',
            'aws:RequestTag/eks-cluster-name': 'prod-eu',
            'aws:RequestTag/kubernetes-namespace': 'payments',
            'aws:RequestTag/kubernetes-service-account': 'payments-api',
            'aws:SourceAccount': '123456789012',
          },
        },
      },
      association: { clusterName: 'prod-eu', namespace: 'payments', serviceAccount: 'payments-api' },
    });
  });

  test('the binding: not on Fargate, the cluster named literally and exactly', () => {
    expect(checkPodIdentityBinding({ clusterName: 'prod_eu-1' }, ctx)).toBe('prod_eu-1');
    expect(checkPodIdentityBinding({ clusterName: 'prod-eu', fargate: false }, ctx)).toBe('prod-eu');
    expect(() => checkPodIdentityBinding({ clusterName: 'prod-eu', fargate: true }, ctx)).toThrow(
      '[KL-AWS-POD-IDENTITY-FARGATE] Test: `eks.fargate` is true: EKS Pod Identity is not available to pods on Fargate. Fix: use `eks: { kind: "irsa", issuerUrl }` for Fargate workloads. '
      + 'See https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html#pod-id-considerations',
    );
    expect(codeOf(() => checkPodIdentityBinding({ clusterName: 'prod-eu', fargate: 'yes' }, ctx))).toBe('KL-PROP-TYPE');
    expect(codeOf(() => checkPodIdentityBinding({ clusterName: '${aws:RequestTag/eks-cluster-name}' }, ctx))).toBe('KL-AWS-EKS-CLUSTER-NAME');
    expect(codeOf(() => checkPodIdentityBinding({ clusterName: '-prod' }, ctx))).toBe('KL-AWS-EKS-CLUSTER-NAME');
    expect(codeOf(() => checkPodIdentityBinding({ clusterName: 'x'.repeat(101) }, ctx))).toBe('KL-AWS-EKS-CLUSTER-NAME');
    expect(codeOf(() => checkPodIdentityBinding({ clusterName: '${Token[TOKEN.1]}' }, ctx))).toBe('KL-LITERAL-TOKEN');
  });

  test('the role ARN of the service account annotation takes the partition of the region', () => {
    expect(awsPartitionOfRegion('eu-west-1')).toBe('aws');
    expect(awsPartitionOfRegion('cn-north-1')).toBe('aws-cn');
    expect(awsPartitionOfRegion('us-gov-west-1')).toBe('aws-us-gov');
    expect(awsPartitionOfRegion('')).toBe('aws');
    expect(awsRoleArn('123456789012', 'cn-north-1', 'payments-api')).toBe('arn:aws-cn:iam::123456789012:role/payments-api');
  });
});

describe('GKE workload identity', () => {
  test('the workload pool is PROJECT.svc.id.goog', () => {
    expect(gkeWorkloadPool('acme-prod')).toBe('acme-prod.svc.id.goog');
  });

  test('direct: the workload\'s own principal is the member; no service account, no binding', () => {
    expect(gkeWorkloadIdentity(sa, { project: 'acme-prod', access: 'direct', projectNumber: '412345678901' })).toEqual({
      access: 'direct',
      workloadPool: 'acme-prod.svc.id.goog',
      workloadMember: 'principal://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/subject/ns/payments/sa/payments-api',
      member: 'principal://iam.googleapis.com/projects/412345678901/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/subject/ns/payments/sa/payments-api',
      bindings: [],
    });
  });

  test('impersonation: a Google service account on which the KSA alone holds roles/iam.workloadIdentityUser', () => {
    expect(gkeWorkloadIdentity(sa, { project: 'acme-prod', access: 'impersonation', accountId: 'payments-api' })).toEqual({
      access: 'impersonation',
      workloadPool: 'acme-prod.svc.id.goog',
      workloadMember: 'serviceAccount:acme-prod.svc.id.goog[payments/payments-api]',
      member: 'serviceAccount:payments-api@acme-prod.iam.gserviceaccount.com',
      googleServiceAccount: {
        accountId: 'payments-api',
        project: 'acme-prod',
        email: 'payments-api@acme-prod.iam.gserviceaccount.com',
        member: 'serviceAccount:payments-api@acme-prod.iam.gserviceaccount.com',
      },
      bindings: [{ id: 'WorkloadIdentityUser', role: 'roles/iam.workloadIdentityUser', member: 'serviceAccount:acme-prod.svc.id.goog[payments/payments-api]' }],
    });
  });

  test('CI impersonation: one roles/iam.workloadIdentityUser binding per member, its id derived from the member', () => {
    const members = ['principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/attribute.keyless_trust/deploy'];
    const bindings = workloadIdentityUserBindings(members);
    expect(bindings).toEqual([{ id: `WorkloadIdentityUser-${contentId(members[0])}`, role: GCP_WORKLOAD_IDENTITY_USER_ROLE, member: members[0] }]);
    // A member added before it does not rename it.
    expect(workloadIdentityUserBindings(['principalSet://other', ...members])[1]).toEqual(bindings[0]);
    expect(gcpServiceAccount('deployer', 'acme-ci').member).toBe('serviceAccount:deployer@acme-ci.iam.gserviceaccount.com');
  });
});

describe('AKS federated credential', () => {
  test('the cluster issuer as written, the service account subject, the token exchange audience, a name from the subject', () => {
    const credential = aksFederatedCredential(checkClusterIssuerUrl(AKS_ISSUER, ctx), sa);
    expect(credential).toEqual({
      name: expect.stringMatching(/^system-serviceaccount-payments-payments-api-[0-9a-f]{10}$/),
      issuer: AKS_ISSUER,
      subject: 'system:serviceaccount:payments:payments-api',
      audience: 'api://AzureADTokenExchange',
    });
  });

  test('an AKS issuer without its trailing slash is refused; another issuer is kept as written', () => {
    expect(() => checkClusterIssuerUrl(AKS_ISSUER.slice(0, -1), ctx)).toThrow(
      `[KL-AZ-AKS-ISSUER] Test: \`clusterIssuerUrl\` is "${AKS_ISSUER.slice(0, -1)}": an AKS issuer ends with \`/\`, and Entra ID matches it against the token's \`iss\` exactly, so this credential would accept no token of the cluster. `
      + `Fix: write the issuer as \`az aks show --query oidcIssuerProfile.issuerUrl\` prints it, with the trailing slash: "${AKS_ISSUER}". See https://learn.microsoft.com/azure/aks/use-oidc-issuer`,
    );
    expect(checkClusterIssuerUrl('https://k8s.example.com/issuer', ctx)).toBe('https://k8s.example.com/issuer');
  });
});

describe('content ids', () => {
  test('readable, sanitised, bounded, and always with the hash of the whole content', () => {
    expect(contentId('x')).toBe('2d711642b726');
    expect(readableContentId('Access', ['acme-ledger', 'roles/storage.objectViewer'], 'k')).toBe(`Access-acme-ledger-roles-storage-objectViewer-${contentId('k')}`);
    expect(readableContentId('Access', ['${google_pubsub_topic.orders.name}'], 'k')).toBe(`Access-google-pubsub-topic-orders-name-${contentId('k')}`);
    expect(readableContentId('Access', ['a'.repeat(100)], 'k')).toBe(`Access-${'a'.repeat(60)}-${contentId('k')}`);
    expect(readableContentId('Access', ['b', 'r'], 'k1')).not.toBe(readableContentId('Access', ['b', 'r'], 'k2'));
  });
});
