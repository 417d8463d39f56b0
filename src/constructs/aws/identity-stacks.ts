import * as cdk from 'aws-cdk-lib/core';
import { CfnResource } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { checkObjectProp, checkPropsObject, describeValue } from '../../core/props';

/** A CloudFormation stack holds at most 500 resources (AWS CloudFormation quotas). */
export const CLOUDFORMATION_MAX_RESOURCES = 500;

/** Props of {@link IdentityStacks}. */
export interface IdentityStacksProps {
  /** Environment of every stack (an explicit account lets IRSA annotations carry literal role ARNs). @default - environment-agnostic */
  readonly env?: cdk.Environment;
  /**
   * Resources per stack before a new stack is started. Below the 500-resource limit with headroom for the shared
   * OIDC providers; at about 1.5 KB per identity role, 400 roles also stay well under the 1 MB template limit.
   *
   * @default 400
   */
  readonly maxResourcesPerStack?: number;
  /** Other stack props (termination protection, synthesizer…). @default - none */
  readonly stackProps?: Omit<cdk.StackProps, 'env'>;
}

/**
 * Spreads identities over as many stacks as CloudFormation's limits need: `stackFor(n)` returns a stack with room
 * for `n` more resources, starting `ID-2`, `ID-3`… as the previous ones fill. Every stack also checks at synthesis
 * that it holds at most 500 resources.
 */
export class IdentityStacks {
  /** The stacks, in order. */
  public readonly stacks: cdk.Stack[] = [];
  /** The per-stack budget. */
  public readonly maxResourcesPerStack: number;
  private readonly reserved: number[] = [];

  constructor(private readonly scope: Construct, private readonly id: string, private readonly props: IdentityStacksProps = {}) {
    const ctx = { path: scope.node.path ? `${scope.node.path}/${id}` : id, today: '' };
    checkPropsObject(props, ctx, '{ env: { account, region } }');
    checkObjectProp(props.env, ctx, 'env', {
      optional: true,
      expected: 'an environment `{ account, region }`',
      fix: 'give `env: { account: "123456789012", region: "eu-west-1" }`, or leave it out for environment-agnostic stacks',
    });
    checkObjectProp(props.stackProps, ctx, 'stackProps', {
      optional: true,
      expected: 'an object of stack props (`cdk.StackProps` without `env`)',
      fix: 'give the props every stack gets, e.g. `{ terminationProtection: true }`',
      test: (value) => Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null,
    });
    this.maxResourcesPerStack = props.maxResourcesPerStack ?? 400;
    if (!Number.isInteger(this.maxResourcesPerStack) || this.maxResourcesPerStack < 10 || this.maxResourcesPerStack > CLOUDFORMATION_MAX_RESOURCES) {
      fail({
        code: 'KL-AWS-STACK-BUDGET',
        path: ctx.path,
        prop: 'maxResourcesPerStack',
        problem: `is ${describeValue(props.maxResourcesPerStack)}: the budget is a whole number from 10 to ${CLOUDFORMATION_MAX_RESOURCES} (the CloudFormation limit)`,
        fix: 'keep the default of 400',
      });
    }
  }

  /** A stack with room for `resources` more resources (reserved by this call). */
  public stackFor(resources = 1): cdk.Stack {
    if (!Number.isInteger(resources) || resources < 1 || resources > this.maxResourcesPerStack - 1) {
      fail({
        code: 'KL-AWS-STACK-RESERVE',
        path: this.scope.node.path ? `${this.scope.node.path}/${this.id}` : this.id,
        prop: 'resources',
        problem: `is ${describeValue(resources)}: a reservation is a whole number of resources from 1 to ${this.maxResourcesPerStack - 1} (the per-stack budget, less the shared OIDC provider)`,
        fix: 'reserve the resources one identity needs, e.g. `stackFor(3)` for a role, its policy and its association',
      });
    }
    const last = this.stacks.length - 1;
    if (last < 0 || this.reserved[last] + resources > this.maxResourcesPerStack) {
      const stack = new cdk.Stack(this.scope, this.stacks.length === 0 ? this.id : `${this.id}-${this.stacks.length + 1}`, {
        ...this.props.stackProps, env: this.props.env,
      });
      stack.node.addValidation({
        validate: () => {
          const count = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
          return count > CLOUDFORMATION_MAX_RESOURCES
            ? [`[KL-AWS-STACK-LIMIT] ${stack.node.path}: holds ${count} resources, over the CloudFormation limit of ${CLOUDFORMATION_MAX_RESOURCES}. Fix: allocate fewer resources per stack from IdentityStacks, or move hand-added resources to another stack.`]
            : [];
        },
      });
      this.stacks.push(stack);
      this.reserved.push(1); // the shared OIDC provider of the stack's identities
    }
    this.reserved[this.reserved.length - 1] += resources;
    return this.stacks[this.stacks.length - 1];
  }
}
