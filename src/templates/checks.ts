import { IConstruct } from 'constructs';
import { isAwsStack } from '../constructs/aws/workload-access';
import { isAzureStack } from '../constructs/azure/workload-access';
import { isGcpStack } from '../constructs/gcp/workload-access';
import { isChart } from '../constructs/k8s/workload-object';
import { appRegistry } from '../constructs/private/app-registry';
import { Access } from '../core/access';
import { fail, ValidationContext } from '../core/errors';
import { checkObjectListProp, checkObjectProp, checkPropsObject, describeValue, isObject, ObjectPropShape } from '../core/props';

/**
 * Type checks of the templates' nested props (stacks, charts, clusters, access intents): a template hands them to
 * constructs and frameworks, where a missing or wrongly-typed value would crash instead of being refused.
 */

/** The path templates report errors under, e.g. `DeployService(payments-api)`, whatever `props` is. */
export function templatePath(template: string, props: unknown): string {
  const name = isObject(props) ? props.name : undefined;
  return `${template}(${typeof name === 'string' ? name : describeValue(name)})`;
}

/** Refuses a props argument that is not an object. */
export function checkTemplateProps(props: unknown, ctx: ValidationContext, example: string): void {
  checkPropsObject(props, ctx, example);
}

const AWS_STACK: ObjectPropShape = {
  expected: 'an aws-cdk-lib Stack (`cdk.Stack`)',
  fix: 'give the aws-cdk-lib stack the identity is created in',
  test: isAwsStack,
};
const TF_STACK: ObjectPropShape = {
  expected: 'a cdktf TerraformStack',
  fix: 'give the cdktf stack the identity is created in',
  test: isGcpStack,
};
const AZURE_STACK: ObjectPropShape = { ...TF_STACK, test: isAzureStack };
const CHART: ObjectPropShape = {
  expected: 'a cdk8s Chart of the cluster',
  fix: 'give the cdk8s chart of that cluster',
  test: isChart,
};

function nested(value: unknown, ctx: ValidationContext, prop: string, expected: string, fix: string): Record<string, unknown> | undefined {
  return checkObjectProp<Record<string, unknown> | undefined>(value, ctx, prop, { optional: true, expected, fix });
}

/** Checks `eks`, `gke` and `aks` of a workload template: objects with the stack and chart of their cloud. */
export function checkClusterTargets(props: Record<string, unknown>, ctx: ValidationContext): void {
  const eks = nested(props.eks, ctx, 'eks', 'an EKS target `{ stack, chart, eks }`', 'give `eks: { stack: awsStack, chart: eksChart, eks: { kind: "pod-identity", clusterName } }`, or leave it out');
  if (eks) {
    checkObjectProp(eks.stack, ctx, 'eks.stack', AWS_STACK);
    checkObjectProp(eks.chart, ctx, 'eks.chart', CHART);
    checkObjectProp(eks.eks, ctx, 'eks.eks', {
      expected: 'an EKS binding, `{ kind: "irsa", issuerUrl }` or `{ kind: "pod-identity", clusterName }`',
      fix: 'choose Pod Identity for EC2 node groups, IRSA for Fargate or clusters without the Pod Identity Agent',
    });
  }
  const gke = nested(props.gke, ctx, 'gke', 'a GKE target `{ stack, chart, project }`', 'give `gke: { stack: gcpStack, chart: gkeChart, project }`, or leave it out');
  if (gke) {
    checkObjectProp(gke.stack, ctx, 'gke.stack', TF_STACK);
    checkObjectProp(gke.chart, ctx, 'gke.chart', CHART);
  }
  const aks = nested(props.aks, ctx, 'aks', 'an AKS target `{ stack, clusterIssuerUrl, resourceGroupName, location }`',
    'give `aks: { stack: azureStack, clusterIssuerUrl, resourceGroupName, location }`, or leave it out');
  if (aks) {
    checkObjectProp(aks.stack, ctx, 'aks.stack', AZURE_STACK);
    checkObjectProp(aks.chart, ctx, 'aks.chart', { ...CHART, optional: true });
  }
}

const ACCESS: ObjectPropShape = {
  expected: 'an access intent (`Access.readObjects(…)`, `Access.sendMessages(…)` or `Access.readSecret(…)`)',
  fix: 'declare the access with the `Access` factories, e.g. `Access.readSecret({ aws: { secretArn } })`',
  test: (value) => value instanceof Access,
};

/** Checks a list of access intents (dense, each an `Access`). */
export function checkAccessList(value: unknown, ctx: ValidationContext, prop: string): Access[] {
  return checkObjectListProp<Access>(value, ctx, prop, ACCESS);
}

/** Checks one required access intent. */
export function checkAccess(value: unknown, ctx: ValidationContext, prop: string): Access {
  return checkObjectProp<Access>(value, ctx, prop, ACCESS);
}

/** Checks `aws`, `gcp` and `azure` of {@link CiPublishArtifact}: objects with a stack of their framework and a target. */
export function checkPublishClouds(props: Record<string, unknown>, ctx: ValidationContext): void {
  const clouds: Array<[string, ObjectPropShape, string]> = [
    ['aws', AWS_STACK, '{ stack: awsStack, target: AwsPublishTarget.ecrRepository({ repositoryArn }) }'],
    ['gcp', TF_STACK, '{ stack: gcpStack, target: GcpPublishTarget.artifactRegistryRepository({…}), project, projectNumber }'],
    ['azure', AZURE_STACK, '{ stack: azureStack, target: AzurePublishTarget.containerRegistry({ registryId }), resourceGroupName, location }'],
  ];
  for (const [cloud, stack, example] of clouds) {
    const value = nested(props[cloud], ctx, cloud, `an object \`${example}\``, `give \`${cloud}: ${example}\`, or leave it out`);
    if (value) checkObjectProp(value.stack, ctx, `${cloud}.stack`, stack);
  }
}

/** Checks a container image reference: a non-empty string without whitespace. */
export function checkImage(value: unknown, ctx: ValidationContext, prop = 'image'): string {
  if (typeof value !== 'string' || value === '' || value.length > 4096 || /\s/.test(value)) {
    fail({
      code: 'KL-TPL-IMAGE',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}: an image is a non-empty reference of at most 4096 characters with no spaces`,
      fix: 'give the image with its registry and tag or digest, e.g. "registry.example.com/payments-api:1.4.2"',
    });
  }
  return value;
}

/** Checks a replica count: a whole number from 0 to 2^31 - 1 (Kubernetes `int32`). */
export function checkReplicas(value: unknown, ctx: ValidationContext, prop = 'replicas'): number | undefined {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1)) {
    fail({
      code: 'KL-TPL-REPLICAS',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}: replicas is a whole number from 0 to 2147483647`,
      fix: 'give the number of pods, e.g. `replicas: 2`',
    });
  }
  return value;
}

/** Where each template declaration was made, per app (construct tree root), by `Template|name`. */
const declarations = appRegistry<string>();

/**
 * Refuses a second declaration of a template with the same name in one app: both would create the same identities,
 * service accounts and workloads, which the frameworks refuse as duplicate construct ids (or, in other stacks, the
 * clouds refuse at deploy time). Checked before anything is created.
 */
export function claimTemplateName(
  template: string, name: string, targets: ReadonlyArray<[string, IConstruct | undefined]>, ctx: ValidationContext,
): void {
  const given = targets.filter((t): t is [string, IConstruct] => t[1] !== undefined);
  const where = given.map(([prop, scope]) => `\`${prop}\` ${scope.node.path}`).join(', ');
  const key = `${template}|${name}`;
  for (const [, scope] of given) {
    const first = declarations(scope).get(key);
    if (first !== undefined) {
      fail({
        code: 'KL-TPL-DUPLICATE-NAME',
        path: ctx.path,
        prop: 'name',
        problem: `is ${describeValue(name)}, which another ${template} of this app already declares (on ${first}; this one on ${where}): `
          + 'both would create the same identities and objects under the same names',
        fix: `give each ${template} its own name, or declare it once with every target it needs`,
      });
    }
  }
  for (const [, scope] of given) {
    const byKey = declarations(scope);
    if (!byKey.has(key)) byKey.set(key, where);
  }
}

/** The stacks and charts of a workload template's cluster targets, for {@link claimTemplateName}. */
export function clusterScopes(props: Record<string, any>): Array<[string, IConstruct | undefined]> {
  return ['eks', 'gke', 'aks'].flatMap((target): Array<[string, IConstruct | undefined]> => [
    [`${target}.stack`, props[target]?.stack],
    [`${target}.chart`, props[target]?.chart],
  ]);
}
