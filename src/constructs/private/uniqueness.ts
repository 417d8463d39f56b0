import { IConstruct } from 'constructs';
import { appRegistry } from './app-registry';
import { fail } from '../../core/errors';

/** A provider-side name that must be unique within a scope (an account, a project, a resource group). */
export interface UniqueName {
  /** What is named, e.g. "IAM role". */
  readonly what: string;
  /** The name. */
  readonly name: string;
  /**
   * Where the provider requires it to be unique, e.g. `account 123456789012`; `undefined` when that is unknown at
   * synthesis (an environment-agnostic stack can be deployed to any account, so it clashes with every one).
   */
  readonly scope: string | undefined;
  /** The words for the scope, e.g. "per account". */
  readonly rule: string;
  /** The prop that sets the name, for the error. */
  readonly prop: string;
  /** What happens at deploy on a clash, e.g. "the second deploy fails with EntityAlreadyExists". */
  readonly consequence: string;
  /** How to fix it. */
  readonly fix: string;
  /** Provider documentation of the rule. */
  readonly docs?: string;
}

interface Claim {
  readonly scope: string | undefined;
  readonly path: string;
}

// Per app (construct tree root): every name claimed, by kind and name. A name has few claims, so the scan is short.
const claims = appRegistry<Claim[]>();

/**
 * Records that the construct at `scope` creates a resource with a provider-side name, and refuses a second one of
 * the same name in the same provider scope anywhere in the app (any stack): the provider would refuse it at deploy,
 * after the first stack holding it was deployed.
 */
export function claimUniqueName(scope: IConstruct, unique: UniqueName): void {
  const byName = claims(scope);
  const key = `${unique.what}|${unique.name}`;
  const existing = byName.get(key) ?? [];
  const clash = existing.find((claim) => claim.path !== scope.node.path
    && (claim.scope === undefined || unique.scope === undefined || claim.scope === unique.scope));
  if (clash) {
    const where = unique.scope === undefined || clash.scope === undefined
      ? `(${unique.scope === undefined ? 'this' : 'that'} stack is environment-agnostic, so it can be deployed to the same ${unique.rule.replace(/^per /, '')})`
      : `in ${unique.scope}`;
    fail({
      code: 'KL-UNIQUE-NAME',
      path: scope.node.path,
      prop: unique.prop,
      problem: `names the ${unique.what} "${unique.name}", which ${clash.path} already names ${where}: ${unique.what} names are unique ${unique.rule}, so ${unique.consequence}`,
      fix: unique.fix,
      docs: unique.docs,
    });
  }
  existing.push({ scope: unique.scope, path: scope.node.path });
  byName.set(key, existing);
}

/** Claims a Google service account id, unique per project (IAM serviceAccounts.create returns 409). */
export function claimGcpServiceAccountId(scope: IConstruct, project: string, accountId: string, prop = 'serviceAccountId'): void {
  claimUniqueName(scope, {
    what: 'Google service account',
    name: accountId,
    scope: `project ${project}`,
    rule: 'per project',
    prop,
    consequence: 'the second apply would fail with 409 (or, imported, two declarations would manage one account)',
    fix: `give one of them another \`${prop}\` (or another \`name\`)`,
    docs: 'https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create',
  });
}

/**
 * Claims a workload identity pool that a construct creates (ids are unique per project), or a provider (ids are
 * unique per pool). Keyless's members are per provider (`attribute.keyless_trust/PROVIDER_ID`), so a provider id
 * must never be declared twice in one pool.
 */
export function claimGcpPoolResource(scope: IConstruct, kind: 'pool' | 'provider', project: string, poolId: string, id: string): void {
  const pool = kind === 'pool';
  claimUniqueName(scope, {
    what: pool ? 'workload identity pool' : 'workload identity pool provider',
    name: id,
    scope: pool ? `project ${project}` : `pool ${poolId} of project ${project}`,
    rule: pool ? 'per project' : 'per pool',
    prop: pool ? 'poolId' : 'providerId',
    consequence: 'the second apply would fail with 409',
    fix: pool
      ? 'let one trust create the pool and set `useExistingPool: true` on the others that share it'
      : 'give each trust of the pool its own `providerId` (or `name`)',
    docs: 'https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create',
  });
}

/** Claims an Azure user-assigned identity name, unique per resource group. */
export function claimAzureIdentityName(scope: IConstruct, resourceGroupName: string, identityName: string): void {
  claimUniqueName(scope, {
    what: 'user-assigned identity',
    name: identityName,
    // Resource group names are case-insensitive in Azure Resource Manager.
    scope: `resource group ${resourceGroupName.toLowerCase()}`,
    rule: 'per resource group',
    prop: 'identityName',
    consequence: 'the second apply would manage (and overwrite the federated credentials of) the first identity',
    fix: 'give one of them another `identityName` (or `name`); identities in different subscriptions need distinct names here too',
    docs: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftmanagedidentity',
  });
}
