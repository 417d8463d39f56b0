import { CfnResource, IResolvable, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib/core';
import { IConstruct } from 'constructs';
import { ValidationContext } from '../../../core/errors';
import { validationContext } from '../../private/context';

/**
 * Whether every token in a string is an attribute of a CloudFormation resource of the app (`repo.repositoryArn` is
 * `Fn::GetAtt`, `bucket.bucketName` is `Ref` of the bucket) or a pseudo parameter (`AWS::Partition`): CloudFormation
 * resolves those from the declared resources. A `CfnParameter`, `Fn.importValue`, a custom resource's attribute or
 * any other intrinsic is a deploy-time input, which could be `*`, and is not accepted.
 */
export function isCloudFormationResourceReference(scope: IConstruct, value: string): boolean {
  if (!Token.isUnresolved(value)) return false;
  const tokens = Tokenization.reverseString(value).tokens;
  return tokens.length > 0 && tokens.every((token: IResolvable) => {
    // A custom resource's attributes are whatever its handler returns at deploy time: not a resource's own name.
    if (token instanceof Reference) {
      return token.target instanceof CfnResource && !/^(Custom::|AWS::CloudFormation::CustomResource$)/.test(token.target.cfnResourceType);
    }
    const resolved = Stack.of(scope).resolve(token) as { Ref?: unknown };
    return typeof resolved === 'object' && resolved !== null && Object.keys(resolved).length === 1
      && typeof resolved.Ref === 'string' && /^AWS::(Partition|Region|AccountId|URLSuffix)$/.test(resolved.Ref);
  });
}

/** The validation context of an aws-cdk-lib construct that may name the resource it grants on by reference. */
export function awsValidationContext(scope: IConstruct): ValidationContext {
  return { ...validationContext(scope), isResourceReference: (value, framework) => framework === 'aws-cdk-lib' && isCloudFormationResourceReference(scope, value) };
}
