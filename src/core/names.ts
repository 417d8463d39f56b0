import { fail, ValidationContext } from './errors';
import { isAcceptedReference } from './literal';
import { describeValue } from './props';

/**
 * The logical name of an identity, used to derive every provider-side name (AWS role name, GCP pool, provider and
 * service account ids, Azure identity name). Chosen to satisfy the strictest of them: GCP workload identity pool
 * and provider ids (4–32 characters of `[a-z0-9-]`, `gcp-` reserved) and service account ids
 * (`^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$`, so 6–30 characters).
 */
const IDENTITY_NAME = /^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/;

/** Validates the logical identity name. */
export function checkIdentityName(name: unknown, ctx: ValidationContext, prop = 'name'): string {
  if (typeof name !== 'string' || !IDENTITY_NAME.test(name) || name.startsWith('gcp-') || name.includes('--')) {
    fail({
      code: 'KL-NAME',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(name)}: an identity name is 6–30 lowercase letters, digits and single \`-\`, starting with a letter, not ending with \`-\` and not starting with the reserved \`gcp-\` (the strictest provider rule, GCP service account and workload identity pool ids)`,
      fix: 'use a short kebab-case name such as "payments-release"; per-provider names can be overridden individually',
      docs: 'https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create',
    });
  }
  return name;
}

/** AWS IAM role names: 1–64 characters of `[\w+=,.@-]` (IAM CreateRole). */
export function checkAwsRoleName(name: unknown, ctx: ValidationContext, prop = 'roleName'): string {
  if (typeof name !== 'string' || !/^[\w+=,.@-]{1,64}$/.test(name)) {
    fail({
      code: 'KL-AWS-ROLE-NAME',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(name)}: an IAM role name is 1–64 characters of letters, digits and \`+ = , . @ _ -\``,
      fix: 'shorten or rename it',
      docs: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html',
    });
  }
  return name;
}

/** GCP workload identity pool and provider ids: 4–32 characters of `[a-z0-9-]`, `gcp-` reserved. */
export function checkGcpPoolId(id: unknown, ctx: ValidationContext, prop: string): string {
  if (typeof id !== 'string' || !/^[a-z0-9-]{4,32}$/.test(id) || id.startsWith('gcp-')) {
    fail({
      code: 'KL-GCP-POOL-ID',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(id)}: a workload identity pool or provider id is 4–32 characters of lowercase letters, digits and \`-\`, and the \`gcp-\` prefix is reserved`,
      fix: 'use a shorter lowercase id such as "ci-github"',
      docs: 'https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create',
    });
  }
  return id;
}

/** GCP service account ids: `^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$`. */
export function checkGcpServiceAccountId(id: unknown, ctx: ValidationContext, prop: string): string {
  if (typeof id !== 'string' || !IDENTITY_NAME.test(id)) {
    fail({
      code: 'KL-GCP-SA-ID',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(id)}: a service account id is 6–30 lowercase letters, digits and \`-\`, starting with a letter and not ending with \`-\``,
      fix: 'use an id such as "payments-release"',
      docs: 'https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create',
    });
  }
  return id;
}

/** GCP project numbers are decimal; member strings need the number, not the id. */
export function checkGcpProjectNumber(value: unknown, ctx: ValidationContext, prop = 'projectNumber'): string {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,19}$/.test(value)) {
    fail({
      code: 'KL-GCP-PROJECT-NUMBER',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}: a project number is decimal digits (workload identity members name the project by number, not by id)`,
      fix: 'run `gcloud projects describe PROJECT_ID --format="value(projectNumber)"` and give the result as a string',
    });
  }
  return value;
}

/** GCP project ids: 6–30 characters, lowercase letters, digits and `-`, starting with a letter. */
export function checkGcpProjectId(value: unknown, ctx: ValidationContext, prop = 'project'): string {
  if (typeof value !== 'string' || !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(value)) {
    fail({
      code: 'KL-GCP-PROJECT-ID',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(value)}: a project id is 6–30 lowercase letters, digits and \`-\`, starting with a letter`,
      fix: 'give the project id (not its display name or number)',
    });
  }
  return value;
}

/** Azure user-assigned identity names: 3–128 characters, letters, digits, `-` and `_`, starting alphanumeric. */
export function checkAzureIdentityName(name: unknown, ctx: ValidationContext, prop = 'identityName'): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/.test(name)) {
    fail({
      code: 'KL-AZ-IDENTITY-NAME',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(name)}: a user-assigned identity name is 3–128 letters, digits, \`-\` and \`_\`, starting with a letter or digit`,
      fix: 'use a name such as "payments-release"',
      docs: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftmanagedidentity',
    });
  }
  return name;
}

/** Azure resource group names: 1–90 characters of letters, digits, `_ - . ( )`, not ending with `.`. */
export function checkAzureResourceGroupName(name: unknown, ctx: ValidationContext, prop = 'resourceGroupName'): string {
  // A reference to a resource group of the app keeps the dependency (the identity is created after the group).
  if (isAcceptedReference(name, ctx, 'cdktf')) return name;
  if (typeof name !== 'string' || !/^[\p{L}\p{N}_().-]{1,90}$/u.test(name) || name.endsWith('.')) {
    fail({
      code: 'KL-AZ-RESOURCE-GROUP',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(name)}: a resource group name is 1–90 letters, digits, \`_ - . ( )\`, not ending with \`.\``,
      fix: 'give the name of an existing resource group',
    });
  }
  return name;
}

/** Azure region names: lowercase letters and digits, e.g. `westeurope`. */
export function checkAzureLocation(location: unknown, ctx: ValidationContext, prop = 'location'): string {
  if (typeof location !== 'string' || !/^[a-z][a-z0-9]{1,40}$/.test(location)) {
    fail({
      code: 'KL-AZ-LOCATION',
      path: ctx.path,
      prop,
      problem: `is ${describeValue(location)}: an Azure region name is lowercase letters and digits`,
      fix: 'use the region name, e.g. "westeurope" (see `az account list-locations -o table`)',
    });
  }
  return location;
}

/** IAM role descriptions: at most 1,000 characters of `[\t\n\r\x20-\x7E\xA1-\xFF]` (IAM CreateRole). */
export const AWS_ROLE_DESCRIPTION_MAX = 1000;
const AWS_DESCRIPTION_CHAR = /^[\t\n\r\x20-\x7E\xA1-\xFF]$/;

/**
 * Renders free text (summaries, purposes) as a valid IAM role description: characters IAM refuses are
 * transliterated when they decompose to an allowed letter (`ő` → `o`) and replaced by `?` otherwise, and text over
 * 1,000 characters is cut with `...` (ASCII: IAM would refuse `…`). The exact text stays in the `keyless:*` tags.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 * @internal
 */
export function awsRoleDescription(text: string): string {
  let rendered = '';
  for (const char of text) {
    if (AWS_DESCRIPTION_CHAR.test(char)) {
      rendered += char;
      continue;
    }
    const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
    rendered += base !== '' && [...base].every((c) => AWS_DESCRIPTION_CHAR.test(c)) ? base : '?';
  }
  // Transliteration can produce `${` or `#{` (from full-width ＄｛): never a sequence aws-cdk-lib reads as a token.
  const safe = rendered.replace(/([$#])\{/g, '$1?');
  return safe.length <= AWS_ROLE_DESCRIPTION_MAX ? safe : `${safe.slice(0, AWS_ROLE_DESCRIPTION_MAX - 3)}...`;
}
