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
 * for `n` more resources, starting `ID-2`, `ID-3`… as the previous ones fill. The budget counts what each identity
 * actually adds: on every call, the resources added to the stack since the previous call (the last identity with its
 * role, policies, detection rule, revoked policy, association…, and anything added beside it) are counted, and the
 * next identity is assumed to need at least as many as the largest one so far, so that a reservation smaller than
 * what the features add cannot push a stack towards the 500-resource limit. Every stack also checks at synthesis
 * that it holds at most 500 resources (resources added later to an earlier identity are counted only there).
 */
export class IdentityStacks {
  /** The stacks, in order. */
  public readonly stacks: cdk.Stack[] = [];
  /** The per-stack budget. */
  public readonly maxResourcesPerStack: number;
  /** Per stack: the resources counted in it, plus the reservation of its latest identity (not yet counted). */
  private readonly used: number[] = [];
  /** Per stack: how many of its children have been counted. */
  private readonly countedChildren: number[] = [];
  /** The reservation of the latest call, not yet counted. */
  private pending = 0;
  /** The most resources one reservation turned out to take (the shared OIDC provider aside). */
  private largestReservation = 0;

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

  /**
   * A stack with room for `resources` more resources, or for as many as the largest identity so far took if that is
   * more (reserved by this call; counted, once the next call comes, as what was actually added).
   */
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
    this.countLatest();
    // The next identity takes at least what it reserves, and at least what the largest identity so far took.
    const needed = Math.max(resources, this.largestReservation);
    const last = this.stacks.length - 1;
    if (last < 0 || this.used[last] + needed > this.maxResourcesPerStack) {
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
      this.used.push(1); // the shared OIDC provider of the stack's identities
      this.countedChildren.push(0);
    }
    this.used[this.used.length - 1] += needed;
    this.pending = needed;
    return this.stacks[this.stacks.length - 1];
  }

  /**
   * Replaces the latest reservation by the resources actually added to the latest stack since (its new children's
   * subtrees: linear over all calls), and remembers the largest reservation.
   */
  private countLatest(): void {
    const last = this.stacks.length - 1;
    if (last < 0) return;
    const children = this.stacks[last].node.children;
    let added = 0;
    for (const child of children.slice(this.countedChildren[last])) {
      for (const node of child.node.findAll()) {
        // The account's OIDC provider is shared by the stack's identities, and budgeted for when the stack starts.
        if (CfnResource.isCfnResource(node) && node.cfnResourceType !== 'AWS::IAM::OIDCProvider') added += 1;
      }
    }
    this.countedChildren[last] = children.length;
    this.used[last] += added - this.pending;
    this.pending = 0;
    this.largestReservation = Math.max(this.largestReservation, added);
  }
}
