import { createHash } from 'crypto';
import { CiTrustPolicy } from '../ci/policy';
import { fail, ValidationContext } from '../errors';
import { AZURE_FIC_DOCS, AZURE_MAX_FEDERATED_CREDENTIALS, AZURE_SUBJECT_MAX_CHARS, AZURE_TOKEN_EXCHANGE_AUDIENCE } from '../facts/azure-entra';

export { AZURE_MAX_FEDERATED_CREDENTIALS, AZURE_SUBJECT_MAX_CHARS, AZURE_TOKEN_EXCHANGE_AUDIENCE };

/** One federated identity credential. */
export interface AzureFederatedCredentialSpec {
  /** Credential name: 3–120 characters of `[A-Za-z0-9_-]`, deterministic from the subject. */
  readonly name: string;
  /** Exact subject. */
  readonly subject: string;
}

/** The Azure rendering of a CI trust: one federated credential per exact subject. */
export interface AzureFederatedTrust {
  /** Issuer URL. */
  readonly issuer: string;
  /** Audience. */
  readonly audience: string;
  /** Credentials, in subject order. */
  readonly credentials: readonly AzureFederatedCredentialSpec[];
}

/**
 * Decides the Azure trust for a CI source. Managed identity federated credentials match issuer and subject
 * exactly and allow no wildcards, at most 20 per identity.
 */
export function azureFederatedTrust(policy: CiTrustPolicy, ctx: ValidationContext, prop = 'source'): AzureFederatedTrust {
  if (policy.subjectPatterns.length > 0) {
    fail({
      code: 'KL-AZ-PATTERN',
      path: ctx.path,
      prop: `${prop}.tagPatterns`,
      problem: `declares ${policy.subjectPatterns.map((p) => `"${p}"`).join(', ')}: Azure federated credentials on a managed identity match the subject exactly and support no wildcards`,
      fix: 'list the tags exactly in `tags` for Azure (each becomes one federated credential)',
      docs: AZURE_FIC_DOCS,
    });
  }
  for (const requirement of policy.claimRequirements ?? []) {
    fail({
      code: 'KL-AZ-CLAIM-UNCHECKABLE',
      path: ctx.path,
      prop: requirement.prop,
      problem: `requires the \`${requirement.claim}\` claim (${requirement.reason}), but Azure federated credentials match only the issuer, audience and subject`,
      fix: requirement.fixWhereUncheckable,
      docs: AZURE_FIC_DOCS,
    });
  }
  if (policy.exactSubjects.length > AZURE_MAX_FEDERATED_CREDENTIALS) {
    fail({
      code: 'KL-AZ-TOO-MANY',
      path: ctx.path,
      prop,
      problem: `admits ${policy.exactSubjects.length} subjects, over the limit of ${AZURE_MAX_FEDERATED_CREDENTIALS} federated credentials per user-assigned identity`,
      fix: `split the refs over several CiOidcTrust declarations of at most ${AZURE_MAX_FEDERATED_CREDENTIALS} subjects each`,
      docs: AZURE_FIC_DOCS,
    });
  }
  for (const subject of policy.exactSubjects) {
    if (subject.length > AZURE_SUBJECT_MAX_CHARS) {
      fail({
        code: 'KL-AZ-SUBJECT-LENGTH',
        path: ctx.path,
        prop,
        problem: `yields the subject "${subject}" of ${subject.length} characters, over the ${AZURE_SUBJECT_MAX_CHARS}-character limit of a federated identity credential subject`,
        fix: 'shorten the branch, tag or environment name, or drop the `jobWorkflowRef` pin (which lengthens the subject) for Azure',
        docs: AZURE_FIC_DOCS,
      });
    }
  }
  return {
    issuer: policy.issuerUrl,
    audience: AZURE_TOKEN_EXCHANGE_AUDIENCE,
    credentials: policy.exactSubjects.map((subject) => ({ name: azureCredentialName(subject), subject })),
  };
}

/** A readable, unique credential name: the subject's ref part, sanitised, plus a hash of the whole subject. */
export function azureCredentialName(subject: string): string {
  const hash = createHash('sha256').update(subject).digest('hex').slice(0, 10);
  const readable = subject.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(-100).replace(/^-+/, '');
  return `${readable}-${hash}`;
}
