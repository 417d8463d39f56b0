import { Lazy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { fail } from '../../../core/errors';
import { MANAGED_BY } from '../../../core/ownership';

interface SharedProvider {
  readonly provider: iam.OidcProviderNative;
  readonly audiences: Set<string>;
}
const sharedProviders = new WeakMap<Stack, Map<string, SharedProvider>>();

/**
 * One native OIDC provider per issuer per stack (IAM allows one per issuer per account), listing the union of
 * the audiences its trusts require, sorted.
 */
export function sharedOidcProvider(scope: Construct, url: string, audience: string): iam.IOidcProvider {
  const stack = Stack.of(scope);
  let byUrl = sharedProviders.get(stack);
  if (!byUrl) sharedProviders.set(stack, byUrl = new Map());
  let shared = byUrl.get(url);
  if (!shared) {
    const audiences = new Set<string>();
    const id = `KeylessOidcProvider-${url.replace(/^https:\/\//, '').replace(/[^A-Za-z0-9]+/g, '-')}`;
    // Two issuers can sanitize to one id (gitlab.example.com, gitlab-example.com). The id is kept as is, so that
    // existing providers are not replaced (a replacement would fail: one provider per URL per account).
    const clash = [...byUrl.keys()].find((other) => other !== url && byUrl!.get(other)!.provider.node.id === id);
    if (clash !== undefined) {
      fail({
        code: 'KL-AWS-OIDC-PROVIDER-ID',
        path: scope.node.path,
        prop: 'source',
        problem: `needs an OIDC provider for "${url}", whose construct id ${id} is already that of the provider for "${clash}" in ${stack.node.path}`,
        fix: 'import one of the two providers with `oidcProvider: iam.OidcProviderNative.fromOidcProviderArn(…)`, or declare the trusts in separate stacks',
      });
    }
    const provider = new iam.OidcProviderNative(stack, id, {
      url,
      clientIds: Lazy.list({ produce: () => [...audiences].sort() }),
    });
    Tags.of(provider).add('keyless:managed-by', MANAGED_BY);
    shared = { provider, audiences };
    byUrl.set(url, shared);
  }
  shared.audiences.add(audience);
  return shared.provider;
}
