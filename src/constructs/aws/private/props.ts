import * as iam from 'aws-cdk-lib/aws-iam';
import { ValidationContext } from '../../../core/errors';
import { checkObjectListProp, checkObjectProp } from '../../../core/props';

/** An optional IAM OIDC provider prop: an object with its ARN (aws-cdk-lib reads `oidcProviderArn`). */
export function checkOidcProviderProp(value: unknown, ctx: ValidationContext, prop: string): iam.IOidcProvider | undefined {
  return checkObjectProp<iam.IOidcProvider | undefined>(value, ctx, prop, {
    optional: true,
    expected: 'an IAM OIDC provider (`iam.IOidcProvider`, with its `oidcProviderArn`)',
    fix: 'import the provider, e.g. `iam.OidcProviderNative.fromOidcProviderArn(this, "Provider", arn)`, or leave it out to let Keyless create one',
    strings: ['oidcProviderArn'],
  });
}

/** An optional managed policy prop (permissions boundary): an object with its ARN (`managedPolicyArn`). */
export function checkManagedPolicyProp(value: unknown, ctx: ValidationContext, prop: string): iam.IManagedPolicy | undefined {
  return checkObjectProp<iam.IManagedPolicy | undefined>(value, ctx, prop, {
    optional: true,
    expected: 'a managed policy (`iam.IManagedPolicy`, with its `managedPolicyArn`)',
    fix: 'import the policy, e.g. `iam.ManagedPolicy.fromManagedPolicyArn(this, "Boundary", arn)`',
    strings: ['managedPolicyArn'],
  });
}

/** An optional list of managed policies. */
export function checkManagedPolicyListProp(value: unknown, ctx: ValidationContext, prop: string): iam.IManagedPolicy[] {
  return checkObjectListProp<iam.IManagedPolicy>(value, ctx, prop, {
    expected: 'a managed policy (`iam.IManagedPolicy`, with its `managedPolicyArn`)',
    fix: 'import each policy, e.g. `iam.ManagedPolicy.fromAwsManagedPolicyName("ReadOnlyAccess")`',
    strings: ['managedPolicyArn'],
  });
}

/** An optional list of policy statements (aws-cdk-lib `iam.PolicyStatement`). */
export function checkPolicyStatementListProp(value: unknown, ctx: ValidationContext, prop: string): iam.PolicyStatement[] {
  return checkObjectListProp<iam.PolicyStatement>(value, ctx, prop, {
    expected: 'a policy statement (`iam.PolicyStatement`)',
    fix: 'give each statement as `new iam.PolicyStatement({ actions: [...], resources: [...] })`',
    methods: ['toStatementJson', 'addActions'],
  });
}
