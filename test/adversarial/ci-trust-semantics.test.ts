/**
 * The CI trust semantics of issue 14, attacked on every cloud that renders them: each declaration is synthesized
 * into a real construct, and the output is evaluated by the independent engines (IAM engine with the claim keys STS
 * exposes, CEL for GCP, exact matching for Azure) against the tokens of test/helpers/tokens.ts. Every token is
 * asserted admitted or denied; every refusal by its code.
 *
 * a. a repository deleted and re-created under the same owner/name (new repository id), in both subject forms;
 * b. a token in the other subject form than the declared one;
 * c. jobs on the declared refs outside the environment, and environment jobs on other refs (environment AND refs);
 * d. `jobWorkflowRef` checked by claim (AWS, GCP) or in the subject (`jobWorkflowRefInSubject`, the only way on Azure);
 * e. GitLab merge-request pipelines from forks, before and since GitLab 18.2.2, and the `ref_protected` pin;
 * f. GitHub Enterprise unique issuers on AWS, for which STS exposes no claim key;
 * g. no AWS trust conditions on a key STS does not expose (audit at the end of the file, and a sanity test of it).
 */
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib/core';
import { TerraformStack, Testing } from 'cdktf';
import { awsTrustKeyAudit, awsWebIdentityKeyViolations } from './aws-trust-keys';
import * as awsc from '../../src/constructs/aws';
import * as azurec from '../../src/constructs/azure';
import * as gcpc from '../../src/constructs/gcp';
import { GitHubActions, GitHubActionsProps, GitHubSubjectFormat, GitLabCi, GitLabCiProps, ICiSource, KeylessError } from '../../src/core';
import { assumeRoleWithWebIdentityAllowed, GITHUB_STS_CLAIM_KEYS } from '../helpers/aws-trust-evaluator';
import { azureTokenAccepted } from '../helpers/azure-token-exchange';
import { admitted, findWorkloadIdentityProvider, gcpTokenExchange, synthesizedMembers, TerraformJson } from '../helpers/gcp-token-exchange';
import { DETECTION_ROUTES, OWNERSHIP, TODAY, tfJson, tfResources, tfStack } from '../helpers/synth';
import {
  branchWithoutEnvironmentGitHubTokens, Claims, environmentOnOtherRefGitHubTokens, forkMergeRequestGitLabTokens, GITHUB_ISSUER,
  githubToken, GitHubRun, LEDGER, legitimateEnvironmentOnBranchTokens, legitimateGitLabTokens, NamedToken, PAYMENTS,
  RECREATED_PAYMENTS_REPOSITORY_ID, recreatedRepositoryGitHubTokens,
} from '../helpers/tokens';

type Cloud = 'aws' | 'gcp' | 'azure';
const CLOUDS: readonly Cloud[] = ['aws', 'gcp', 'azure'];
const FORMATS: readonly GitHubSubjectFormat[] = ['name-based', 'immutable', 'both'];
const WORKFLOW = 'acme/workflows/.github/workflows/release.yml@refs/heads/main';
const PROJECT = 'acme-payments-prod';
const PROJECT_NUMBER = '412345678901';
const GCP_ROLE = 'roles/run.developer';
const AZURE_AUD = 'api://AzureADTokenExchange';
const ROLE = 'payments-deploy';
const audit = awsTrustKeyAudit();

/** A synthesized trust: whether it admits a token (re-addressed to the audience the cloud requires). */
interface Rendered {
  readonly admits: (claims: Claims) => boolean;
  /** AWS: the CloudFormation template. */
  readonly template?: any;
  /** GCP: the provider's attribute condition. */
  readonly condition?: string;
}

/** Synthesizes the cloud's CiOidcTrust for `source`, each in an app of its own (one declaration per app). */
function render(cloud: Cloud, source: ICiSource): Rendered {
  if (cloud === 'aws') {
    const stack = new Stack(new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Trusts');
    new awsc.CiOidcTrust(stack, 'Deploy', { name: ROLE, ownership: OWNERSHIP, source });
    const template = audit.record(Template.fromStack(stack).toJSON());
    return { template, admits: (claims) => assumeRoleWithWebIdentityAllowed(template, ROLE, { ...claims, aud: 'sts.amazonaws.com' }) };
  }
  if (cloud === 'gcp') {
    const stack = new TerraformStack(Testing.app({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'test');
    const trust = new gcpc.CiOidcTrust(stack, 'Deploy', { name: ROLE, ownership: OWNERSHIP, project: PROJECT, projectNumber: PROJECT_NUMBER, source });
    trust.members.forEach((member, i) => new ProjectIamMember(stack, `Grant${i}`, { project: PROJECT, role: GCP_ROLE, member }));
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    const provider = findWorkloadIdentityProvider(json, ROLE);
    const members = synthesizedMembers(json, 'google_project_iam_member', GCP_ROLE);
    return {
      condition: String(provider.config.attribute_condition),
      admits: (claims) => admitted(gcpTokenExchange({
        stack: json, provider, projectNumber: PROJECT_NUMBER, poolId: ROLE, claims: { ...claims, aud: trust.audience },
      }), members),
    };
  }
  const stack = tfStack();
  new azurec.CiOidcTrust(stack, 'Deploy', { name: ROLE, ownership: OWNERSHIP, source, resourceGroupName: 'rg-identity', location: 'westeurope' });
  const json = tfJson(stack);
  const [identityId] = Object.keys(tfResources(json, 'azurerm_user_assigned_identity'));
  return { admits: (claims) => azureTokenAccepted(json, identityId, { ...claims, aud: AZURE_AUD }) };
}

/** The KeylessError the cloud's construct refuses `source` with. */
function refusal(cloud: Cloud, source: ICiSource): KeylessError {
  try {
    render(cloud, source);
  } catch (error) {
    if (error instanceof KeylessError) return error;
    throw error;
  }
  throw new Error(`${cloud} rendered the declaration instead of refusing it`);
}

const payments = (props: Partial<GitHubActionsProps>) => GitHubActions.repository({ ...PAYMENTS, ...props });
const run = (overrides: Partial<GitHubRun>): Claims => githubToken({ ...PAYMENTS, ref: 'refs/heads/main', ...overrides });
const isImmutable = (claims: Claims) => claims.sub!.startsWith('repo:acme@');
const formOf = (claims: Claims): 'name-based' | 'immutable' => (isImmutable(claims) ? 'immutable' : 'name-based');
const formsOf = (format: GitHubSubjectFormat): string[] => (format === 'both' ? ['name-based', 'immutable'] : [format]);

describe('a. re-created repository (same owner/name, new repository id) and b. the other subject form', () => {
  // Each token of the real repository and of its re-created namesake, in both subject forms, on main (no
  // environment) and in the production environment on main.
  interface Case { readonly token: NamedToken; readonly context: 'branch' | 'environment'; readonly recreated: boolean }
  const real = [...branchWithoutEnvironmentGitHubTokens('x').slice(0, 2), ...legitimateEnvironmentOnBranchTokens('x').slice(0, 2)];
  const recreated = recreatedRepositoryGitHubTokens('x');
  const tokens: Case[] = [
    ...real.map((token) => ({ token, context: token.claims.environment ? 'environment' as const : 'branch' as const, recreated: false })),
    ...recreated.map((token) => ({ token, context: token.claims.environment ? 'environment' as const : 'branch' as const, recreated: true })),
  ];
  const declarations: Array<{ label: string; context: Case['context']; props: Partial<GitHubActionsProps> }> = [
    { label: 'branch main', context: 'branch', props: { branches: ['main'] } },
    { label: 'environment production', context: 'environment', props: { environments: ['production'] } },
  ];

  test('sanity: the re-created repository has the real names and another id, and its name-based subject is the real one', () => {
    expect(recreated.map((t) => t.claims.repository)).toEqual(Array(4).fill('acme/payments-api'));
    expect(recreated.map((t) => t.claims.repository_id)).toEqual(Array(4).fill(RECREATED_PAYMENTS_REPOSITORY_ID));
    expect(recreated[0].claims.sub).toBe(real[0].claims.sub);
    expect(recreated[1].claims.sub).toBe(`repo:acme@1342004/payments-api@${RECREATED_PAYMENTS_REPOSITORY_ID}:ref:refs/heads/main`);
    expect(tokens.map((t) => `${t.context}/${formOf(t.token.claims)}/${t.recreated}`)).toEqual([
      'branch/name-based/false', 'branch/immutable/false', 'environment/name-based/false', 'environment/immutable/false',
      'branch/name-based/true', 'branch/immutable/true', 'environment/name-based/true', 'environment/immutable/true',
    ]);
  });

  for (const cloud of CLOUDS) {
    for (const format of FORMATS) {
      for (const declaration of declarations) {
        describe(`${cloud}, subjectFormat '${format}', ${declaration.label}`, () => {
          const trust = render(cloud, payments({ subjectFormat: format, ...declaration.props }));
          for (const { token, context, recreated: isRecreated } of tokens) {
            const form = formOf(token.claims);
            const declared = context === declaration.context && formsOf(format).includes(form);
            if (!declared) {
              const why = context !== declaration.context ? 'not the declared ref or environment' : `the ${form} form is not declared`;
              test(`denies ${token.name} (${why})`, () => expect(trust.admits(token.claims)).toBe(false));
            } else if (!isRecreated) {
              test(`admits ${token.name}`, () => expect(trust.admits(token.claims)).toBe(true));
            } else if (cloud === 'azure' && form === 'name-based') {
              // Documented limitation (README, "Subject form"): Entra ID matches only the subject, and the name-based
              // subject of the re-created repository is the real one.
              test(`limitation: Azure admits ${token.name}, whose name-based subject equals the real repository's`, () => {
                expect(trust.admits(token.claims)).toBe(true);
              });
            } else {
              test(`denies ${token.name} (${cloud === 'azure' ? 'the id is in the subject' : 'repository_id checked'})`, () => {
                expect(trust.admits(token.claims)).toBe(false);
              });
            }
          }
          if (cloud === 'aws') {
            test('the trust checks StringEquals token.actions.githubusercontent.com:repository_id in every statement, and no owner id key', () => {
              const statements = Object.values(trust.template.Resources as Record<string, any>)
                .find((r) => r.Type === 'AWS::IAM::Role').Properties.AssumeRolePolicyDocument.Statement as any[];
              expect(statements.map((s) => s.Condition.StringEquals['token.actions.githubusercontent.com:repository_id'])).toEqual(statements.map(() => PAYMENTS.repositoryId));
              expect(JSON.stringify(statements)).not.toContain(':repository_owner_id');
            });
          }
          if (cloud === 'gcp') {
            test('the condition pins repository_id and repository_owner_id', () => {
              expect(trust.condition).toContain(`assertion.repository_id == '${PAYMENTS.repositoryId}' && assertion.repository_owner_id == '${PAYMENTS.ownerId}'`);
            });
          }
        });
      }
    }
  }
});

describe('c. environment protection bypass: production environment AND main or v* tags', () => {
  const declaration = (format: GitHubSubjectFormat) => payments({ subjectFormat: format, environments: ['production'], branches: ['main'], tagPatterns: ['v*'] });
  const immutableVariants = (tokens: NamedToken[]): NamedToken[] => tokens.map((t) => ({
    name: `${t.name} (immutable subject)`,
    claims: githubToken({
      ...PAYMENTS, ref: t.claims.ref!, environment: t.claims.environment, event: t.claims.event_name as GitHubRun['event'], format: 'immutable',
    }),
  }));
  const bypasses = [
    ...branchWithoutEnvironmentGitHubTokens('x'),
    ...environmentOnOtherRefGitHubTokens('x'),
    ...immutableVariants(environmentOnOtherRefGitHubTokens('x')),
    { name: 'production environment on a branch named like a release tag (refs/heads/v1.2.3)', claims: run({ environment: 'production', ref: 'refs/heads/v1.2.3' }) },
    { name: 'production environment on the tag v1.2.3 with no ref claim', claims: { ...run({ environment: 'production', ref: 'refs/tags/v1.2.3' }), ref: undefined } },
  ];

  for (const cloud of ['aws', 'gcp'] as const) {
    describe(`${cloud}, subjectFormat 'both'`, () => {
      const trust = render(cloud, declaration('both'));
      test.each(legitimateEnvironmentOnBranchTokens('x').map((t) => [t.name, t.claims] as const))('admits %s', (_name, claims) => {
        expect(trust.admits(claims)).toBe(true);
      });
      test.each(bypasses.map((t) => [t.name, t.claims] as const))('denies %s', (_name, claims) => {
        expect(trust.admits(claims)).toBe(false);
      });
    });
    for (const format of ['name-based', 'immutable'] as const) {
      describe(`${cloud}, subjectFormat '${format}'`, () => {
        const trust = render(cloud, declaration(format));
        for (const token of legitimateEnvironmentOnBranchTokens('x')) {
          const declared = formOf(token.claims) === format;
          test(`${declared ? 'admits' : 'denies'} ${token.name}`, () => expect(trust.admits(token.claims)).toBe(declared));
        }
        test.each(bypasses.map((t) => [t.name, t.claims] as const))('denies %s', (_name, claims) => {
          expect(trust.admits(claims)).toBe(false);
        });
      });
    }
  }

  test.each(FORMATS)('azure refuses the declaration (subjectFormat %s) with KL-AZ-CLAIM-UNCHECKABLE, naming the ref claim', (format) => {
    const error = refusal('azure', declaration(format));
    expect(error.code).toBe('KL-AZ-CLAIM-UNCHECKABLE');
    expect(error.prop).toBe('source.branches');
    expect(error.message).toContain('requires the `ref` claim');
    expect(error.message).toContain('Azure federated credentials match only the issuer, audience and subject');
  });

  test('azure refuses environment AND an exact tag too (not only the pattern)', () => {
    const error = refusal('azure', payments({ subjectFormat: 'immutable', environments: ['production'], tags: ['v1.2.3'] }));
    expect(error.code).toBe('KL-AZ-CLAIM-UNCHECKABLE');
    expect(error.message).toContain('`ref`');
  });
});

describe('d. jobWorkflowRef', () => {
  const otherWorkflows = [
    'acme/payments-api/.github/workflows/deploy.yml@refs/heads/main',
    'acme/workflows/.github/workflows/release.yml@refs/heads/dev',
    'acme/workflows/.github/workflows/release-evil.yml@refs/heads/main',
    'evil/workflows/.github/workflows/release.yml@refs/heads/main',
  ];
  const customKeys = (format: 'name-based' | 'immutable') => (format === 'immutable'
    ? ['repository_owner_id', 'repository_id', 'context', 'job_workflow_ref']
    : ['repo', 'context', 'job_workflow_ref']);

  describe('by claim (default): AWS and GCP check job_workflow_ref with the default subject', () => {
    for (const cloud of ['aws', 'gcp'] as const) {
      for (const format of ['name-based', 'immutable'] as const) {
        describe(`${cloud}, subjectFormat '${format}'`, () => {
          const fmt = format === 'immutable' ? 'immutable' as const : undefined;
          const trust = render(cloud, payments({ subjectFormat: format, branches: ['main'], jobWorkflowRef: WORKFLOW }));
          test('admits the pinned workflow on main, default subject', () => {
            expect(trust.admits(run({ jobWorkflowRef: WORKFLOW, format: fmt }))).toBe(true);
          });
          test.each(otherWorkflows)('denies a run of another workflow (%s), default subject', (workflow) => {
            expect(trust.admits(run({ jobWorkflowRef: workflow, format: fmt }))).toBe(false);
          });
          test('denies the pinned workflow with no job_workflow_ref claim', () => {
            expect(trust.admits({ ...run({ jobWorkflowRef: WORKFLOW, format: fmt }), job_workflow_ref: undefined })).toBe(false);
          });
          test('denies the pinned workflow on another branch', () => {
            expect(trust.admits(run({ jobWorkflowRef: WORKFLOW, format: fmt, ref: 'refs/heads/dev' }))).toBe(false);
          });
          test('denies the pinned workflow with the custom subject template (the declaration keeps the default template)', () => {
            expect(trust.admits(run({ jobWorkflowRef: WORKFLOW, subjectClaimKeys: customKeys(format) }))).toBe(false);
          });
        });
      }
    }
  });

  describe('by claim, together with environment AND refs: both requirements hold', () => {
    for (const cloud of ['aws', 'gcp'] as const) {
      describe(cloud, () => {
        const trust = render(cloud, payments({
          subjectFormat: 'immutable', environments: ['production'], branches: ['main'], tagPatterns: ['v*'], jobWorkflowRef: WORKFLOW,
        }));
        const job = (overrides: Partial<GitHubRun>) => run({ format: 'immutable', environment: 'production', jobWorkflowRef: WORKFLOW, ...overrides });
        test('admits the pinned workflow in production on main and on v1.2.3', () => {
          expect(trust.admits(job({}))).toBe(true);
          expect(trust.admits(job({ ref: 'refs/tags/v1.2.3' }))).toBe(true);
        });
        test.each(otherWorkflows)('denies another workflow (%s) in production on main', (workflow) => {
          expect(trust.admits(job({ jobWorkflowRef: workflow }))).toBe(false);
        });
        test('denies the pinned workflow in production on dev, and on main outside the environment', () => {
          expect(trust.admits(job({ ref: 'refs/heads/dev' }))).toBe(false);
          expect(trust.admits(job({ environment: undefined }))).toBe(false);
        });
      });
    }
  });

  test.each(FORMATS)('azure refuses jobWorkflowRef without jobWorkflowRefInSubject (subjectFormat %s) with KL-AZ-CLAIM-UNCHECKABLE', (format) => {
    const error = refusal('azure', payments({ subjectFormat: format, branches: ['main'], jobWorkflowRef: WORKFLOW }));
    expect(error.code).toBe('KL-AZ-CLAIM-UNCHECKABLE');
    expect(error.prop).toBe('source.jobWorkflowRef');
    expect(error.message).toContain('requires the `job_workflow_ref` claim');
    expect(error.message).toContain('jobWorkflowRefInSubject: true');
  });

  describe('in the subject (jobWorkflowRefInSubject): the custom subject template only', () => {
    const matrix: Array<[Cloud, 'name-based' | 'immutable']> = [['azure', 'name-based'], ['azure', 'immutable'], ['aws', 'name-based'], ['aws', 'immutable'], ['gcp', 'name-based']];
    for (const [cloud, format] of matrix) {
      describe(`${cloud}, subjectFormat '${format}'`, () => {
        const source = payments({ subjectFormat: format, branches: ['main'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true });
        const trust = render(cloud, source);
        const custom = (overrides: Partial<GitHubRun> = {}) => run({ jobWorkflowRef: WORKFLOW, subjectClaimKeys: customKeys(format), ...overrides });
        test('sanity: the custom subject ends with the workflow', () => {
          expect(custom().sub).toMatch(new RegExp(`^(repo:acme/payments-api|repository_owner_id:1342004:repository_id:86301532):ref:refs/heads/main:job_workflow_ref:${WORKFLOW.replace(/[.]/g, '\\.')}$`));
        });
        test('admits the pinned workflow on main with the custom subject template', () => {
          expect(trust.admits(custom())).toBe(true);
        });
        test('denies the pinned workflow with the default subject template, in either form', () => {
          expect(trust.admits(run({ jobWorkflowRef: WORKFLOW }))).toBe(false);
          expect(trust.admits(run({ jobWorkflowRef: WORKFLOW, format: 'immutable' }))).toBe(false);
        });
        test.each(otherWorkflows)('denies another workflow (%s) with the custom subject template', (workflow) => {
          expect(trust.admits(custom({ jobWorkflowRef: workflow }))).toBe(false);
        });
        test('denies the pinned workflow on another branch, and the other form\'s template', () => {
          expect(trust.admits(custom({ ref: 'refs/heads/dev' }))).toBe(false);
          expect(trust.admits(run({ jobWorkflowRef: WORKFLOW, subjectClaimKeys: customKeys(format === 'immutable' ? 'name-based' : 'immutable') }))).toBe(false);
        });
        test('the resolved trust names the include_claim_keys to set', () => {
          const stack = new Stack(new App({ context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } }), 'Keys');
          expect(new awsc.CiOidcTrust(stack, 'Deploy', { name: ROLE, ownership: OWNERSHIP, source }).trust.subjectClaimKeys).toEqual(customKeys(format));
        });
      });
    }
    test('aws: environment AND a tag pattern with the workflow in the subject keeps the pattern on ref only (no StringLike on sub)', () => {
      const trust = render('aws', payments({
        subjectFormat: 'name-based', environments: ['production'], tagPatterns: ['v*'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true,
      }));
      const statements = Object.values(trust.template.Resources as Record<string, any>)
        .find((r) => r.Type === 'AWS::IAM::Role').Properties.AssumeRolePolicyDocument.Statement as any[];
      expect(statements.map((st) => Object.keys(st.Condition.StringLike ?? {}))).toEqual([['token.actions.githubusercontent.com:ref']]);
      const custom = (overrides: Partial<GitHubRun>) => run({
        environment: 'production', ref: 'refs/tags/v1.2.3', jobWorkflowRef: WORKFLOW, subjectClaimKeys: customKeys('name-based'), ...overrides,
      });
      expect(trust.admits(custom({}))).toBe(true);
      expect(trust.admits(custom({ jobWorkflowRef: 'evil/workflows/.github/workflows/release.yml@refs/heads/main' }))).toBe(false);
      expect(trust.admits(custom({ jobWorkflowRef: `${WORKFLOW}-evil` }))).toBe(false);
      expect(trust.admits(custom({ ref: 'refs/heads/v1.2.3' }))).toBe(false);
    });
    test('gcp refuses the immutable custom subject, which is over the 127-byte google.subject limit', () => {
      const error = refusal('gcp', payments({ subjectFormat: 'immutable', branches: ['main'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true }));
      expect(error.code).toBe('KL-GCP-SUBJECT-LENGTH');
    });
  });
});

describe('e. GitLab merge-request pipelines from forks', () => {
  const tokens = forkMergeRequestGitLabTokens('x');
  const byName = (fragment: string): NamedToken => {
    const found = tokens.filter((t) => t.name.includes(fragment));
    if (found.length !== 1) throw new Error(`expected one token named like "${fragment}", found ${found.length}`);
    return found[0];
  };
  const forkMainBefore = byName('from branch main (GitLab before 18.2.2');
  const forkMainSince = byName('from branch main (GitLab 18.2.2 or later');
  const forkTagBefore = byName('named v2.0.0 (GitLab before 18.2.2');
  const forkTagSince = byName('named v2.0.0 (GitLab 18.2.2 or later');
  const sameProject = byName('same-project merge request');
  const unprotected = byName('push pipeline on an unprotected branch');
  const ledger = (props: Partial<GitLabCiProps> = {}) => GitLabCi.project({ ...LEDGER, branches: ['main'], tags: ['v2.0.0'], ...props });

  test('sanity: every token is named once, and only the 18.2.2-or-later fork tokens name the fork in sub', () => {
    expect(new Set([forkMainBefore, forkMainSince, forkTagBefore, forkTagSince, sameProject, unprotected]).size).toBe(tokens.length);
    expect(forkMainBefore.claims.sub).toBe('project_path:acme/finance/ledger:ref_type:branch:ref:main');
    expect(forkMainSince.claims.sub).toBe('project_path:mallory/ledger:ref_type:branch:ref:main');
    expect(tokens.map((t) => t.claims.ref_protected)).toEqual(tokens.map(() => 'false'));
  });

  for (const cloud of ['aws', 'azure'] as const) {
    describe(`${cloud} (checks only sub)`, () => {
      const trust = render(cloud, ledger());
      test.each(legitimateGitLabTokens('x').map((t) => [t.name, t.claims] as const))('admits %s', (_name, claims) => {
        expect(trust.admits(claims)).toBe(true);
      });
      test.each([forkMainSince, forkTagSince].map((t) => [t.name, t.claims] as const))('denies %s', (_name, claims) => {
        expect(trust.admits(claims)).toBe(false);
      });
      test(`denies ${forkTagBefore.name} (sub says ref_type branch, the declared v2.0.0 is a tag)`, () => {
        expect(trust.admits(forkTagBefore.claims)).toBe(false);
      });
      // Documented limitation (README, "GitLab merge requests from forks"): before 18.2.2 the fork's pipeline carries
      // the parent's path in sub, and neither AWS nor Azure can check ref_protected.
      test(`limitation: ${cloud} admits ${forkMainBefore.name}, whose sub equals the parent's main`, () => {
        expect(trust.admits(forkMainBefore.claims)).toBe(true);
      });
      test(`limitation: ${cloud} admits ${sameProject.name} and ${unprotected.name} (ref_protected is not in sub)`, () => {
        expect(trust.admits(sameProject.claims)).toBe(true);
        expect(trust.admits(unprotected.claims)).toBe(true);
      });
    });
  }

  describe('gcp (ref_protected pinned)', () => {
    const trust = render('gcp', ledger());
    test('the condition pins ref_protected', () => {
      expect(trust.condition).toContain("assertion.ref_protected == 'true'");
    });
    test.each(legitimateGitLabTokens('x').map((t) => [t.name, t.claims] as const))('admits %s', (_name, claims) => {
      expect(trust.admits(claims)).toBe(true);
    });
    test.each(tokens.map((t) => [t.name, t.claims] as const))('denies %s', (_name, claims) => {
      expect(trust.admits(claims)).toBe(false);
    });
  });

  describe('gcp with allowUnprotectedRefs: true (opt-in)', () => {
    const trust = render('gcp', ledger({ allowUnprotectedRefs: true }));
    test('the condition does not check ref_protected', () => {
      expect(trust.condition).not.toContain('ref_protected');
    });
    test(`admits ${unprotected.name}`, () => {
      expect(trust.admits(unprotected.claims)).toBe(true);
    });
    test(`opt-in risk: admits ${forkMainBefore.name} and ${sameProject.name} (ids and sub are the parent's)`, () => {
      expect(trust.admits(forkMainBefore.claims)).toBe(true);
      expect(trust.admits(sameProject.claims)).toBe(true);
    });
    test.each([forkMainSince, forkTagSince, forkTagBefore].map((t) => [t.name, t.claims] as const))('denies %s', (_name, claims) => {
      expect(trust.admits(claims)).toBe(false);
    });
  });
});

describe('f. GitHub Enterprise unique issuer on AWS: no claim keys', () => {
  const SLUG = 'acme-corp';
  const ISSUER = `${GITHUB_ISSUER}/${SLUG}`;
  const HOST = `token.actions.githubusercontent.com/${SLUG}`;
  const enterprise = (props: Partial<GitHubActionsProps>) => payments({ enterpriseSlug: SLUG, ...props });
  const keysOf = (template: any): string[] => Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Role')
    .flatMap((r) => r.Properties.AssumeRolePolicyDocument.Statement as any[])
    .flatMap((s) => Object.values(s.Condition as Record<string, Record<string, unknown>>).flatMap((block) => Object.keys(block)));

  describe('subjectFormat \'immutable\' with the ids, branch main', () => {
    const trust = render('aws', enterprise({ subjectFormat: 'immutable', branches: ['main'] }));
    test('only aud and sub of the enterprise issuer are rendered', () => {
      expect([...new Set(keysOf(trust.template))].sort()).toEqual([`${HOST}:aud`, `${HOST}:sub`]);
    });
    test('admits the push to main from the enterprise issuer', () => {
      expect(trust.admits(run({ iss: ISSUER, format: 'immutable' }))).toBe(true);
    });
    test('denies the same run from the github.com issuer, another branch, and the name-based subject', () => {
      expect(trust.admits(run({ format: 'immutable' }))).toBe(false);
      expect(trust.admits(run({ iss: ISSUER, format: 'immutable', ref: 'refs/heads/dev' }))).toBe(false);
      expect(trust.admits(run({ iss: ISSUER }))).toBe(false);
    });
    test('denies the re-created repository (its id is in the immutable subject)', () => {
      expect(trust.admits(run({ iss: ISSUER, repositoryId: RECREATED_PAYMENTS_REPOSITORY_ID, format: 'immutable' }))).toBe(false);
    });
  });

  test.each(['name-based', 'both'] as const)(
    'subjectFormat %s with the ids is refused (KL-AWS-IDS-UNCHECKABLE): no repository_id key, and the name-based subject carries no id', (format) => {
      const error = refusal('aws', enterprise({ subjectFormat: format, branches: ['main'] }));
      expect(error.code).toBe('KL-AWS-IDS-UNCHECKABLE');
      expect(error.message).toContain('exposes no `repository_id` key');
    });

  describe('name-based, pinned by name only (allowNameOnlyPinning), branch main', () => {
    const trust = render('aws', GitHubActions.repository({
      owner: PAYMENTS.owner, repository: PAYMENTS.repository, allowNameOnlyPinning: true, enterpriseSlug: SLUG, branches: ['main'],
    }));
    test('only aud and sub of the enterprise issuer are rendered (no repository key either)', () => {
      expect([...new Set(keysOf(trust.template))].sort()).toEqual([`${HOST}:aud`, `${HOST}:sub`]);
    });
    test('admits the push to main from the enterprise issuer; denies it from github.com', () => {
      expect(trust.admits(run({ iss: ISSUER }))).toBe(true);
      expect(trust.admits(run({}))).toBe(false);
    });
    // The declared opt-out (allowNameOnlyPinning): the name-based subject of a re-created repository is the real one.
    test('opt-out risk: admits the re-created repository (name-based subject) from the enterprise issuer', () => {
      expect(trust.admits(run({ iss: ISSUER, repositoryId: RECREATED_PAYMENTS_REPOSITORY_ID }))).toBe(true);
    });
  });

  const requiring: Array<[string, Partial<GitHubActionsProps>, string, string]> = [
    ['environment AND branch', { environments: ['production'], branches: ['main'] }, 'source.branches', 'ref'],
    ['environment AND tag pattern', { environments: ['production'], tagPatterns: ['v*'] }, 'source.tagPatterns', 'ref'],
    ['jobWorkflowRef by claim', { branches: ['main'], jobWorkflowRef: WORKFLOW }, 'source.jobWorkflowRef', 'job_workflow_ref'],
  ];
  test.each(requiring)('a declaration requiring a claim key (%s) is refused with KL-AWS-CLAIM-KEY', (_name, props, prop, claim) => {
    const error = refusal('aws', enterprise({ subjectFormat: 'immutable', ...props }));
    expect(error.code).toBe('KL-AWS-CLAIM-KEY');
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(`requires the \`${claim}\` claim`);
    expect(error.message).toContain(`no \`${HOST}:${claim}\` condition key for the issuer ${ISSUER}`);
  });

  test('jobWorkflowRefInSubject on the enterprise issuer renders with sub and aud only, and admits the custom subject only', () => {
    const trust = render('aws', enterprise({ subjectFormat: 'immutable', branches: ['main'], jobWorkflowRef: WORKFLOW, jobWorkflowRefInSubject: true }));
    expect([...new Set(keysOf(trust.template))].sort()).toEqual([`${HOST}:aud`, `${HOST}:sub`]);
    const custom = (jobWorkflowRef: string) => run({
      iss: ISSUER, jobWorkflowRef, subjectClaimKeys: ['repository_owner_id', 'repository_id', 'context', 'job_workflow_ref'],
    });
    expect(trust.admits(custom(WORKFLOW))).toBe(true);
    expect(trust.admits(custom('evil/workflows/.github/workflows/release.yml@refs/heads/main'))).toBe(false);
    expect(trust.admits(run({ iss: ISSUER, jobWorkflowRef: WORKFLOW }))).toBe(false);
  });

  test('the same declarations render on the github.com issuer, with the claim keys', () => {
    const trust = render('aws', payments({ subjectFormat: 'immutable', environments: ['production'], branches: ['main'], jobWorkflowRef: WORKFLOW }));
    expect([...new Set(keysOf(trust.template))].sort()).toEqual([
      'token.actions.githubusercontent.com:aud', 'token.actions.githubusercontent.com:job_workflow_ref', 'token.actions.githubusercontent.com:ref',
      'token.actions.githubusercontent.com:repository_id', 'token.actions.githubusercontent.com:sub',
    ]);
  });
});

describe('g. the AWS key audit (sanity: it flags what it must)', () => {
  const HOST = 'token.actions.githubusercontent.com';
  const template = (condition: Record<string, Record<string, string>>, url = `https://${HOST}`) => ({
    Resources: {
      Provider: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: url } },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{ Action: 'sts:AssumeRoleWithWebIdentity', Effect: 'Allow', Principal: { Federated: { Ref: 'Provider' } }, Condition: condition }],
          },
        },
      },
    },
  });
  const host = (url: string) => url.replace(/^https:\/\//, '');
  const base = (h = HOST) => ({ [`${h}:aud`]: 'sts.amazonaws.com', [`${h}:sub`]: 'repo:acme/payments-api:ref:refs/heads/main' });

  test('a clean trust on every exposed GitHub key passes', () => {
    const all = Object.fromEntries(GITHUB_STS_CLAIM_KEYS.map((k) => [`${HOST}:${k}`, 'x']));
    expect(awsWebIdentityKeyViolations(template({ StringEquals: { ...base(), ...all } }))).toEqual([]);
  });
  test('repository_owner_id, an unknown key and an enterprise issuer\'s repository_id are flagged', () => {
    expect(awsWebIdentityKeyViolations(template({ StringEquals: { ...base(), [`${HOST}:repository_owner_id`]: '1' } }))).toHaveLength(1);
    expect(awsWebIdentityKeyViolations(template({ StringEquals: { ...base(), [`${HOST}:ref_protected`]: 'true' } }))).toHaveLength(1);
    const ghe = `${GITHUB_ISSUER}/acme-corp`;
    expect(awsWebIdentityKeyViolations(template({ StringEquals: { ...base(host(ghe)), [`${host(ghe)}:repository_id`]: '1' } }, ghe))).toHaveLength(1);
    expect(awsWebIdentityKeyViolations(template({ StringEquals: { ...base('gitlab.com'), 'gitlab.com:project_id': '1' } }, 'https://gitlab.com'))).toHaveLength(1);
  });
  test('ForAllValues:, ForAnyValue: and IfExists operators are flagged, and a statement without sub', () => {
    expect(awsWebIdentityKeyViolations(template({ 'StringEquals': base(), 'ForAllValues:StringEquals': { [`${HOST}:ref`]: 'refs/heads/main' } }))).toHaveLength(1);
    expect(awsWebIdentityKeyViolations(template({ 'StringEquals': base(), 'ForAnyValue:StringLike': { [`${HOST}:ref`]: 'refs/*' } }))).toHaveLength(1);
    expect(awsWebIdentityKeyViolations(template({ StringEquals: base(), StringEqualsIfExists: { [`${HOST}:ref`]: 'refs/heads/main' } }))).toHaveLength(1);
    expect(awsWebIdentityKeyViolations(template({ StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' } }))).toHaveLength(1);
  });
});

audit.defineTest();
