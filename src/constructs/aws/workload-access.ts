import * as iam from 'aws-cdk-lib/aws-iam';
import { Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { AwsAccessStatement } from '../../core/access';

/**
 * Renders the access a workload template decided (core/grants) for an EKS role, and the aws-cdk-lib types and checks
 * the templates need, so that the templates import no framework themselves.
 */

export type { Stack } from 'aws-cdk-lib/core';

/** Whether a value is an aws-cdk-lib stack. */
export function isAwsStack(value: unknown): boolean {
  return Stack.isStack(value);
}

/** The decided statements as one explicit policy (`Access`) on the identity's role; nothing when there are none. */
export function renderAwsAccessPolicy(
  identity: Construct & { readonly role: iam.IRole }, statements: readonly AwsAccessStatement[],
): iam.Policy | undefined {
  if (statements.length === 0) return undefined;
  return new iam.Policy(identity, 'Access', {
    roles: [identity.role],
    statements: statements.map((s) => new iam.PolicyStatement({
      sid: s.sid, actions: [...s.actions], resources: [...s.resources], conditions: s.conditions,
    })),
  });
}
