import * as iam from 'aws-cdk-lib/aws-iam';
import { Annotations, Lazy, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { fail } from '../../../core/errors';
import { MANAGED_BY } from '../../../core/ownership';
import { appRegistry } from '../../private/app-registry';

interface OwnedProvider {
  readonly provider: iam.OidcProviderNative;
  readonly audiences: Set<string>;
}

/** The stack of an account that owns its OIDC providers, and the providers by issuer URL. */
interface AccountProviders {
  readonly owner: Stack;
  readonly byUrl: Map<string, OwnedProvider>;
}

// Per app (construct tree root), per account ('*' for environment-agnostic stacks).
const accounts = appRegistry<AccountProviders>();
// Per stack: the provider handle each issuer resolves to there (owned, or imported from the owner stack).
const handles = new WeakMap<Stack, Map<string, iam.IOidcProvider>>();

/**
 * The IAM OIDC provider of an issuer for the account of `scope`'s stack: one per issuer per account across every
 * stack of the app, since IAM allows one provider per URL per account (a second fails the deploy with
 * EntityAlreadyExists).
 *
 * The first stack of an account that needs a provider owns every Keyless provider of that account: they are created
 * there, retained when that stack is deleted (deleting the provider would break every role of the account that
 * trusts it), and list the union of the audiences all trusts need, sorted. Every other stack of the account imports
 * the provider by its ARN, which is deterministic (`arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST/PATH`), and
 * depends on the owner stack, so it deploys after it. Environment-agnostic stacks are grouped as one account: they
 * are assumed to be deployed together.
 */
export function sharedOidcProvider(scope: Construct, url: string, audience: string): iam.IOidcProvider {
  const stack = Stack.of(scope);
  const accountKey = Token.isUnresolved(stack.account) ? '*' : stack.account;
  const byAccount = accounts(stack);
  let account = byAccount.get(accountKey);
  if (!account) byAccount.set(accountKey, account = { owner: stack, byUrl: new Map() });

  const id = `KeylessOidcProvider-${url.replace(/^https:\/\//, '').replace(/[^A-Za-z0-9]+/g, '-')}`;
  let owned = account.byUrl.get(url);
  if (!owned) {
    // Two issuers can sanitize to one id (gitlab.example.com, gitlab-example.com). The id is kept as is, so that
    // existing providers are not replaced (a replacement would fail: one provider per URL per account).
    const clash = [...account.byUrl.keys()].find((other) => account!.byUrl.get(other)!.provider.node.id === id);
    if (clash !== undefined) {
      fail({
        code: 'KL-AWS-OIDC-PROVIDER-ID',
        path: scope.node.path,
        prop: 'source',
        problem: `needs an OIDC provider for "${url}", whose construct id ${id} is already that of the provider for "${clash}" in ${account.owner.node.path}`,
        fix: 'import one of the two providers with `oidcProvider: iam.OidcProviderNative.fromOidcProviderArn(…)`, or declare the trusts in separate stacks',
      });
    }
    const audiences = new Set<string>();
    const provider = new iam.OidcProviderNative(account.owner, id, {
      url,
      clientIds: Lazy.list({ produce: () => [...audiences].sort() }),
    });
    // aws-cdk #35878: deleting the stack that owns a provider would break every role of the account that trusts it.
    provider.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Tags.of(provider).add('keyless:managed-by', MANAGED_BY);
    owned = { provider, audiences };
    account.byUrl.set(url, owned);
    // An environment-agnostic stack can be deployed to any account, including one whose provider another stack
    // of the app creates: that deploy would fail with EntityAlreadyExists.
    const mixed = [...byAccount.entries()].find(([key, other]) => (key === '*') !== (accountKey === '*') && other.byUrl.has(url));
    if (mixed) {
      Annotations.of(account.owner).addWarningV2('@keyless/constructs:oidc-provider-agnostic-mix',
        `${url}: an OIDC provider is created both in an environment-agnostic stack and in ${mixed[0] === '*' ? 'this account' : `account ${mixed[0]}`} `
        + `(${mixed[1].owner.node.path}); deploying the environment-agnostic one to that account fails with EntityAlreadyExists. Pin the stack's account, or import the provider with \`oidcProvider\`.`);
    }
  }
  owned.audiences.add(audience);
  if (stack === account.owner) return owned.provider;

  let inStack = handles.get(stack);
  if (!inStack) handles.set(stack, inStack = new Map());
  let handle = inStack.get(url);
  if (!handle) {
    const arn = `arn:${stack.partition}:iam::${stack.account}:oidc-provider/${url.replace(/^https:\/\//, '')}`;
    handle = iam.OidcProviderNative.fromOidcProviderArn(stack, id, arn);
    stack.addStackDependency(account.owner, `the IAM OIDC provider for ${url} is created in ${account.owner.node.path}, once per account`);
    if (accountKey === '*') {
      Annotations.of(stack).addInfoV2('@keyless/constructs:oidc-provider-agnostic',
        `${url}: imported from ${account.owner.node.path}; environment-agnostic stacks are assumed to be deployed to one account`);
    }
    inStack.set(url, handle);
  }
  return handle;
}
