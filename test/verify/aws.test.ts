/**
 * src/verify/aws.ts: the AWS trusts read from every format (CloudFormation, Terraform JSON with a jsonencode'd
 * string, a data document and references to providers, a `terraform show -json` plan), their alternatives, and their
 * evaluators' exact decisions; differentially, the evaluators against the IAM simulator oracle
 * (test/helpers/aws-trust-evaluator.ts) on the examples' templates.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readSynthesizedOutput } from '../../src/synth/read';
import { awsTrusts, POD_IDENTITY_ASSOCIATION_PLACEHOLDER } from '../../src/verify/aws';
import type { Token, TrustAlternative, VerifyTrust } from '../../src/verify/model';
import { verifyTrust } from '../../src/verify/verify';
import { assumeRoleWithWebIdentityAllowed, podIdentityAssumeRoleAllowed } from '../helpers/aws-trust-evaluator';
import { synthesizedExamples } from '../helpers/examples';

const GH = 'https://token.actions.githubusercontent.com';
const EKS = 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-verify-aws-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes files into a fresh directory and reads it as `keyless verify` does. */
function read(name: string, files: Record<string, unknown>) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 1));
  }
  return awsTrusts(readSynthesizedOutput([dir]));
}

function trust(trusts: readonly VerifyTrust[], id: string): VerifyTrust {
  const found = trusts.find((t) => t.id === id);
  if (!found) throw new Error(`no trust ${id} among ${trusts.map((t) => t.id).join(', ')}`);
  return found;
}

function github(claims: Record<string, string | string[] | undefined>, issuer = GH): Token {
  const defined = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return { platform: 'github', issuer, claims: { iss: issuer, ...defined } };
}

function pod(tags: Record<string, string>, cluster = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu'): Token {
  return { platform: 'eks-pod-identity', issuer: cluster, claims: { 'eks-cluster-arn': cluster, 'eks-cluster-name': cluster.replace(/^.*\//, ''), ...tags } };
}

const MAIN = { aud: 'sts.amazonaws.com', sub: 'repo:acme/app:ref:refs/heads/main', repository: 'acme/app', repository_id: '42', ref: 'refs/heads/main' };

// ---------------------------------------------------------------------------------------------------------------
describe('CloudFormation', () => {
  const template = {
    Resources: {
      Provider: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: GH, ClientIdList: ['sts.amazonaws.com'] } },
      Deploy: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'deploy',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'Main',
                Effect: 'Allow',
                Action: 'sts:AssumeRoleWithWebIdentity',
                Principal: { Federated: { Ref: 'Provider' } },
                Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main' } },
              },
              {
                Effect: 'Allow',
                Action: 'sts:AssumeRoleWithWebIdentity',
                Principal: { Federated: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':oidc-provider/token.actions.githubusercontent.com']] } },
                Condition: {
                  StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:repository_owner_id': '7' },
                  StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:acme/app:ref:refs/tags/v*', 'repo:acme/app:environment:prod'] },
                },
              },
            ],
          },
        },
      },
      Irsa: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [{
              Effect: 'Allow',
              Action: 'sts:AssumeRoleWithWebIdentity',
              Principal: { Federated: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789']] } },
              Condition: { StringEquals: { 'oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:sub': 'system:serviceaccount:payments:api' } },
            }],
          },
        },
      },
    },
  };
  const { trusts, warnings } = (() => {
    const dir = path.join(os.tmpdir(), `keyless-verify-aws-cfn-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'app.template.json'), JSON.stringify(template));
    try {
      return awsTrusts(readSynthesizedOutput([dir]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  const label = (id: string) => `keyless-verify-aws-cfn-${process.pid}/app.template.json:${id}`;

  test('one trust per role, ids, identities and resources', () => {
    expect(warnings).toEqual([]);
    expect(trusts.map((t) => [t.id, t.kind, t.identity, t.resources])).toEqual([
      ['aws:role:app/Irsa', 'aws-oidc', 'app/Irsa', [label('Irsa')]],
      ['aws:role:deploy', 'aws-oidc', 'deploy', [label('Deploy'), label('Provider')]],
    ]);
    expect(trust(trusts, 'aws:role:deploy').location).toEqual({ file: `keyless-verify-aws-cfn-${process.pid}/app.template.json`, resource: 'Deploy' });
  });

  test('alternatives: one per statement, StringEquals exact, StringLike globs, the values ORed', () => {
    // Sorted by their JSON.
    expect(trust(trusts, 'aws:role:deploy').alternatives).toEqual<TrustAlternative[]>([
      {
        issuer: GH,
        claims: {
          aud: { values: ['sts.amazonaws.com'], glob: false },
          repository_owner_id: { values: ['7'], glob: false },
          sub: { values: ['repo:acme/app:environment:prod', 'repo:acme/app:ref:refs/tags/v*'], glob: true },
        },
      },
      { issuer: GH, claims: { aud: { values: ['sts.amazonaws.com'], glob: false }, sub: { values: ['repo:acme/app:ref:refs/heads/main'], glob: false } } },
    ]);
    expect(trust(trusts, 'aws:role:app/Irsa').alternatives).toEqual([
      { issuer: EKS, claims: { sub: { values: ['system:serviceaccount:payments:api'], glob: false } } },
    ]);
  });

  test('decisions and their details', () => {
    const deploy = trust(trusts, 'aws:role:deploy');
    expect(deploy.evaluate(github(MAIN))).toEqual({ outcome: 'admitted', detail: 'Statement[0] (Sid Main) allows sts:AssumeRoleWithWebIdentity' });
    expect(deploy.evaluate(github({ ...MAIN, sub: 'repo:acme/app:ref:refs/heads/dev' }))).toEqual({
      outcome: 'denied',
      detail: 'implicitly denied: Statement[0] (Sid Main): StringEquals token.actions.githubusercontent.com:sub ["repo:acme/app:ref:refs/heads/main"] '
        + 'does not hold for "repo:acme/app:ref:refs/heads/dev"; Statement[1]: StringEquals token.actions.githubusercontent.com:repository_owner_id ["7"] '
        + 'does not hold for an absent key',
    });
    // The second statement conditions a claim STS does not expose: the legitimate tag run is refused.
    expect(deploy.evaluate(github({ ...MAIN, sub: 'repo:acme/app:ref:refs/tags/v1', repository_owner_id: '7' }))).toEqual({
      outcome: 'denied',
      detail: 'implicitly denied: Statement[0] (Sid Main): StringEquals token.actions.githubusercontent.com:sub ["repo:acme/app:ref:refs/heads/main"] '
        + 'does not hold for "repo:acme/app:ref:refs/tags/v1"; Statement[1]: StringEquals token.actions.githubusercontent.com:repository_owner_id ["7"] '
        + 'does not hold for an absent key (STS does not expose the claim repository_owner_id of https://token.actions.githubusercontent.com)',
    });
    // STS checks the audience against the provider's client ids before the trust.
    expect(deploy.evaluate(github({ ...MAIN, aud: 'api://AzureADTokenExchange' }))).toEqual({
      outcome: 'denied', detail: 'the token\'s audience "api://AzureADTokenExchange" is not a client id of the OIDC provider token.actions.githubusercontent.com (sts.amazonaws.com)',
    });
    expect(deploy.evaluate(github({ ...MAIN, aud: undefined }))).toEqual({
      outcome: 'denied', detail: 'the token has no audience: the OIDC provider token.actions.githubusercontent.com accepts sts.amazonaws.com',
    });
    expect(deploy.evaluate(github(MAIN, 'https://token.actions.githubusercontent.com/acme'))).toEqual({
      outcome: 'denied',
      detail: 'implicitly denied: no statement allows sts:AssumeRoleWithWebIdentity for the OIDC provider '
        + 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com/acme',
    });
    expect(deploy.evaluate(pod({ 'kubernetes-namespace': 'x' }))).toEqual({ outcome: 'denied', detail: 'an EKS Pod Identity session does not call sts:AssumeRoleWithWebIdentity' });
  });

  test('IRSA trust: the provider ARN of a literal account; an audience left unconditioned reaches the trust (no provider declared)', () => {
    const irsa = trust(trusts, 'aws:role:app/Irsa');
    const token: Token = { platform: 'kubernetes', issuer: EKS, claims: { iss: EKS, aud: 'anything', sub: 'system:serviceaccount:payments:api' } };
    expect(irsa.evaluate(token)).toEqual({ outcome: 'admitted', detail: 'Statement[0] allows sts:AssumeRoleWithWebIdentity' });
    expect(irsa.evaluate({ ...token, claims: { ...token.claims, sub: 'system:serviceaccount:payments:other' } }).outcome).toBe('denied');
  });

  test('a Kubernetes token\'s aud list: one element is one value; several, the provider\'s one client id among them', () => {
    const deploy = trust(trusts, 'aws:role:deploy');
    expect(deploy.evaluate(github({ ...MAIN, aud: ['sts.amazonaws.com'] }))).toEqual({ outcome: 'admitted', detail: 'Statement[0] (Sid Main) allows sts:AssumeRoleWithWebIdentity' });
    expect(deploy.evaluate(github({ ...MAIN, aud: ['other', 'sts.amazonaws.com'] })).outcome).toBe('admitted');
    const irsa = trust(trusts, 'aws:role:app/Irsa');
    const token: Token = { platform: 'kubernetes', issuer: EKS, claims: { iss: EKS, aud: ['a', 'b'], sub: 'system:serviceaccount:payments:api' } };
    // No provider in the output, no aud condition: the multivalued key is not read by any condition.
    expect(irsa.evaluate(token).outcome).toBe('admitted');
  });
});

test('CloudFormation: a condition block in aws-cdk-lib\'s CfnJson (token-valued keys)', () => {
  const { trusts } = read('cfnjson', {
    'cdk.template.json': {
      Resources: {
        Provider: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: EKS, ClientIdList: ['sts.amazonaws.com'] } },
        Condition: {
          Type: 'Custom::AWSCDKCfnJson',
          Properties: {
            Value: { 'Fn::Join': ['', ['{"', { 'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { Ref: 'Provider' }] }] }, ':sub":"system:serviceaccount:payments:api"}']] },
          },
        },
        Literal: {
          Type: 'Custom::AWSCDKCfnJson',
          Properties: { Value: '{"oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:sub":"system:serviceaccount:payments:api"}' },
        },
        Split: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'split',
            AssumeRolePolicyDocument: {
              Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: { Ref: 'Provider' } }, Condition: { StringEquals: { 'Fn::GetAtt': ['Condition', 'Value'] } } }],
            },
          },
        },
        Cdk: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'cdk',
            AssumeRolePolicyDocument: {
              Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: { Ref: 'Provider' } }, Condition: { StringEquals: { 'Fn::GetAtt': ['Literal', 'Value'] } } }],
            },
          },
        },
      },
    },
  });
  expect(trust(trusts, 'aws:role:cdk').alternatives).toEqual([{ issuer: EKS, claims: { sub: { values: ['system:serviceaccount:payments:api'], glob: false } } }]);
  // Fn::Select / Fn::Split are not resolved: the condition is not known, so the trust is not evaluable.
  expect(trust(trusts, 'aws:role:split').unevaluable).toBe('Statement[0]: ${Condition.Value} is not resolved');
});

// ---------------------------------------------------------------------------------------------------------------
describe('Terraform JSON', () => {
  const providers = {
    github: { url: GH, client_id_list: ['sts.amazonaws.com'] },
    eks: { url: EKS, client_id_list: ['sts.amazonaws.com'] },
  };
  const files = {
    'main.tf.json': {
      resource: {
        aws_iam_openid_connect_provider: providers,
        aws_iam_role: {
          deploy: {
            '//': { metadata: { path: 'stack/deploy' } },
            'name': 'deploy',
            'assume_role_policy': '${jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", '
              + 'Principal = {Federated = aws_iam_openid_connect_provider.github.arn}, Condition = {StringEquals = {'
              + '"token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = "repo:acme/app:ref:refs/heads/main"}}}]})}',
          },
          irsa: { name: 'irsa', assume_role_policy: '${data.aws_iam_policy_document.irsa.json}' },
          literal: {
            name: 'literal',
            assume_role_policy: JSON.stringify({
              Statement: [{
                Effect: 'Allow',
                Action: 'sts:AssumeRoleWithWebIdentity',
                Principal: { Federated: 'arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com' },
                Condition: { StringEquals: { 'token.actions.githubusercontent.com:repository_id': '42' } },
              }],
            }),
          },
        },
      },
      data: {
        aws_caller_identity: { current: {} },
        aws_iam_policy_document: {
          irsa: {
            statement: [{
              actions: ['sts:AssumeRoleWithWebIdentity'],
              principals: [{ type: 'Federated', identifiers: ['${aws_iam_openid_connect_provider.eks.arn}'] }],
              condition: [
                { test: 'StringEquals', variable: '${aws_iam_openid_connect_provider.eks.url}:sub', values: ['system:serviceaccount:payments:api'] },
                { test: 'StringEquals', variable: '${aws_iam_openid_connect_provider.eks.url}:aud', values: ['sts.amazonaws.com'] },
              ],
            }],
          },
        },
      },
    },
  };
  let trusts: VerifyTrust[];
  beforeAll(() => {
    trusts = read('tf', files).trusts;
  });

  test('a jsonencode\'d trust naming a provider by reference: its URL is the issuer, the construct path is kept', () => {
    const deploy = trust(trusts, 'aws:role:deploy');
    expect(deploy.location).toEqual({ file: 'tf/main.tf.json', resource: 'aws_iam_role.deploy', constructPath: 'stack/deploy' });
    expect(deploy.resources).toEqual(['tf/main.tf.json:aws_iam_openid_connect_provider.github', 'tf/main.tf.json:aws_iam_role.deploy']);
    expect(deploy.alternatives).toEqual([
      { issuer: GH, claims: { aud: { values: ['sts.amazonaws.com'], glob: false }, sub: { values: ['repo:acme/app:ref:refs/heads/main'], glob: false } } },
    ]);
    expect(deploy.evaluate(github(MAIN))).toEqual({ outcome: 'admitted', detail: 'Statement[0] allows sts:AssumeRoleWithWebIdentity' });
    expect(deploy.evaluate(github({ ...MAIN, sub: 'repo:acme/app:pull_request' })).outcome).toBe('denied');
  });

  test('a data document with condition keys naming the provider\'s url', () => {
    const irsa = trust(trusts, 'aws:role:irsa');
    expect(irsa.resources).toEqual([
      'tf/main.tf.json:aws_iam_openid_connect_provider.eks', 'tf/main.tf.json:aws_iam_role.irsa', 'tf/main.tf.json:data.aws_iam_policy_document.irsa',
    ]);
    expect(irsa.alternatives).toEqual([
      { issuer: EKS, claims: { aud: { values: ['sts.amazonaws.com'], glob: false }, sub: { values: ['system:serviceaccount:payments:api'], glob: false } } },
    ]);
    const token: Token = { platform: 'kubernetes', issuer: EKS, claims: { iss: EKS, aud: 'sts.amazonaws.com', sub: 'system:serviceaccount:payments:api' } };
    expect(irsa.evaluate(token)).toEqual({ outcome: 'admitted', detail: 'Statement[0] allows sts:AssumeRoleWithWebIdentity' });
    expect(irsa.evaluate({ ...token, claims: { ...token.claims, sub: 'system:serviceaccount:payments:apix' } })).toEqual({
      outcome: 'denied',
      detail: 'implicitly denied: Statement[0]: StringEquals oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:sub ["system:serviceaccount:payments:api"] '
        + 'does not hold for "system:serviceaccount:payments:apix"',
    });
  });

  test('a literal provider ARN with the caller\'s account: a claim STS exposes for GitHub.com (repository_id)', () => {
    const literal = trust(trusts, 'aws:role:literal');
    expect(literal.alternatives).toEqual([{ issuer: GH, claims: { repository_id: { values: ['42'], glob: false } } }]);
    // The provider of the same file is the account's provider for that URL: its client ids apply.
    expect(literal.resources).toEqual(['tf/main.tf.json:aws_iam_openid_connect_provider.github', 'tf/main.tf.json:aws_iam_role.literal']);
    expect(literal.evaluate(github({ ...MAIN, sub: 'repo:other/x:pull_request' }))).toEqual({ outcome: 'admitted', detail: 'Statement[0] allows sts:AssumeRoleWithWebIdentity' });
    expect(literal.evaluate(github({ ...MAIN, repository_id: '43' })).outcome).toBe('denied');
  });
});

// ---------------------------------------------------------------------------------------------------------------
test('a terraform show -json plan: the planned trust, and a trust known only after apply', () => {
  const trustPolicy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/gitlab.com' },
      Condition: { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com', 'gitlab.com:sub': 'project_path:acme/app:ref_type:branch:ref:main' } },
    }],
  });
  const plan = {
    format_version: '1.2',
    planned_values: {
      root_module: {
        child_modules: [{
          address: 'module.ci',
          resources: [
            { address: 'module.ci.aws_iam_role.gitlab', mode: 'managed', type: 'aws_iam_role', name: 'gitlab', values: { name: 'gitlab-deploy', assume_role_policy: trustPolicy } },
            { address: 'module.ci.aws_iam_role.later', mode: 'managed', type: 'aws_iam_role', name: 'later', values: { name: 'later' } },
          ],
        }],
      },
    },
    resource_changes: [
      { address: 'module.ci.aws_iam_role.later', type: 'aws_iam_role', change: { actions: ['create'], after: { name: 'later' }, after_unknown: { assume_role_policy: true } } },
    ],
    configuration: {
      root_module: {
        module_calls: {
          ci: {
            module: {
              resources: [
                { address: 'aws_iam_role.later', type: 'aws_iam_role', expressions: { assume_role_policy: { references: ['aws_iam_openid_connect_provider.gitlab.arn'] } } },
              ],
            },
          },
        },
      },
    },
  };
  const { trusts } = read('plan', { 'plan.json': plan });
  expect(trusts.map((t) => [t.id, t.location.resource, t.unevaluable])).toEqual([
    ['aws:role:gitlab-deploy', 'module.ci.aws_iam_role.gitlab', undefined],
    ['aws:role:later', 'module.ci.aws_iam_role.later', 'the trust policy is known only after apply'],
  ]);
  const gitlab = trust(trusts, 'aws:role:gitlab-deploy');
  expect(gitlab.alternatives).toEqual([{
    issuer: 'https://gitlab.com',
    claims: { aud: { values: ['https://gitlab.com'], glob: false }, sub: { values: ['project_path:acme/app:ref_type:branch:ref:main'], glob: false } },
  }]);
  const token: Token = { platform: 'gitlab', issuer: 'https://gitlab.com', claims: { iss: 'https://gitlab.com', aud: 'https://gitlab.com', sub: 'project_path:acme/app:ref_type:branch:ref:main', ref: 'x' } };
  expect(gitlab.evaluate(token)).toEqual({ outcome: 'admitted', detail: 'Statement[0] allows sts:AssumeRoleWithWebIdentity' });
  expect(trust(trusts, 'aws:role:later').evaluate(token)).toEqual({ outcome: 'unsupported', detail: 'not evaluated: the trust policy is known only after apply' });
});

// ---------------------------------------------------------------------------------------------------------------
describe('EKS Pod Identity', () => {
  const cluster = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu';
  const statement = (condition?: object) => ({
    Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], ...(condition ? { Condition: condition } : {}),
  });
  const template = {
    Resources: {
      Api: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'api',
          AssumeRolePolicyDocument: {
            Statement: [statement({ StringEquals: { 'aws:SourceAccount': '123456789012', 'aws:RequestTag/kubernetes-namespace': 'payments' } })],
          },
        },
      },
      ApiAssociation: {
        Type: 'AWS::EKS::PodIdentityAssociation',
        Properties: { ClusterName: 'prod-eu', Namespace: 'payments', ServiceAccount: 'api', RoleArn: { 'Fn::GetAtt': ['Api', 'Arn'] } },
      },
      Open: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'open', AssumeRolePolicyDocument: { Statement: [statement()] } } },
      AssumeOnly: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'assume-only', AssumeRolePolicyDocument: { Statement: [{ ...statement(), Action: 'sts:AssumeRole' }] } } },
      Pinned: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'pinned',
          AssumeRolePolicyDocument: { Statement: [statement({ ArnEquals: { 'aws:SourceArn': 'arn:aws:eks:eu-west-1:123456789012:podidentityassociation/prod-eu/a-0123456789abcdef0' } })] },
        },
      },
      Source: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'source',
          AssumeRolePolicyDocument: { Statement: [statement({ ArnLike: { 'aws:SourceArn': 'arn:aws:eks:eu-west-1:123456789012:podidentityassociation/prod-eu/*' } })] },
        },
      },
    },
  };
  let trusts: VerifyTrust[];
  beforeAll(() => {
    trusts = read('pods', { 'pods.template.json': template }).trusts;
  });

  test('with an association: the association\'s cluster, namespace and service account, the source account as a cluster ARN glob', () => {
    const api = trust(trusts, 'aws:role:api#pod-identity');
    expect(api.kind).toBe('aws-pod-identity');
    expect(api.resources).toEqual(['pods/pods.template.json:Api', 'pods/pods.template.json:ApiAssociation']);
    expect(api.alternatives).toEqual([{
      claims: {
        'eks-cluster-arn': { values: ['arn:aws:eks:*:123456789012:cluster/prod-eu'], glob: true },
        'eks-cluster-name': { values: ['prod-eu'], glob: false },
        'kubernetes-namespace': { values: ['payments'], glob: false },
        'kubernetes-service-account': { values: ['api'], glob: false },
      },
    }]);
    const legit = pod({ 'kubernetes-namespace': 'payments', 'kubernetes-service-account': 'api' }, cluster);
    expect(api.evaluate(legit)).toEqual({ outcome: 'admitted', detail: 'Statement[0] allows sts:AssumeRole and sts:TagSession for pods.eks.amazonaws.com' });
    expect(api.evaluate(pod({ 'kubernetes-namespace': 'payments' }, 'arn:aws:eks:eu-west-1:999999999999:cluster/prod-eu'))).toEqual({
      outcome: 'denied', detail: 'sts:AssumeRole: implicitly denied: Statement[0]: StringEquals aws:SourceAccount ["123456789012"] does not hold for "999999999999"',
    });
    expect(api.evaluate(github(MAIN))).toEqual({
      outcome: 'denied', detail: 'a github token is not an EKS Pod Identity session: only the EKS Auth API assumes this role',
    });
  });

  test('without an association or a condition: no alternative (nothing narrows it), every session admitted', () => {
    const open = trust(trusts, 'aws:role:open#pod-identity');
    expect(open.alternatives).toEqual([]);
    expect(open.evaluate(pod({ 'kubernetes-namespace': 'anything' }))).toEqual({
      outcome: 'admitted', detail: 'Statement[0] allows sts:AssumeRole and sts:TagSession for pods.eks.amazonaws.com',
    });
  });

  test('sts:TagSession must be allowed too', () => {
    expect(trust(trusts, 'aws:role:assume-only#pod-identity').evaluate(pod({}))).toEqual({
      outcome: 'denied', detail: 'sts:TagSession: implicitly denied: no statement allows sts:TagSession for the service pods.eks.amazonaws.com',
    });
  });

  test('aws:SourceArn is the association ARN: a wildcard id is evaluated, an exact id is not evaluable', () => {
    const source = trust(trusts, 'aws:role:source#pod-identity');
    expect(source.alternatives).toEqual([{ claims: { 'eks-cluster-arn': { values: ['arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu'], glob: false } }, issuer: cluster }]);
    expect(source.evaluate(pod({}, cluster)).outcome).toBe('admitted');
    expect(source.evaluate(pod({}, 'arn:aws:eks:eu-west-1:123456789012:cluster/staging')).detail).toBe(
      'sts:AssumeRole: implicitly denied: Statement[0]: ArnLike aws:SourceArn ["arn:aws:eks:eu-west-1:123456789012:podidentityassociation/prod-eu/*"] '
      + `does not hold for "arn:aws:eks:eu-west-1:123456789012:podidentityassociation/staging/${POD_IDENTITY_ASSOCIATION_PLACEHOLDER}"`);
    const pinned = trust(trusts, 'aws:role:pinned#pod-identity');
    expect(pinned.unevaluable).toBe('Statement[0]: aws:SourceArn pins the Pod Identity association '
      + 'arn:aws:eks:eu-west-1:123456789012:podidentityassociation/prod-eu/a-0123456789abcdef0, whose id no session carries');
    expect(pinned.alternatives).toEqual([]);
  });

  test('Terraform: aws_eks_pod_identity_association naming the role by reference', () => {
    const { trusts: tf } = read('pods-tf', {
      'main.tf.json': {
        resource: {
          aws_iam_role: {
            worker: {
              name: 'worker',
              assume_role_policy: JSON.stringify({ Statement: [statement()] }),
            },
          },
          aws_eks_pod_identity_association: {
            worker: { cluster_name: 'prod-eu', namespace: 'jobs', service_account: 'worker', role_arn: '${aws_iam_role.worker.arn}' },
          },
        },
      },
    });
    const worker = trust(tf, 'aws:role:worker#pod-identity');
    expect(worker.resources).toEqual(['pods-tf/main.tf.json:aws_eks_pod_identity_association.worker', 'pods-tf/main.tf.json:aws_iam_role.worker']);
    expect(worker.alternatives).toEqual([{
      claims: {
        'eks-cluster-name': { values: ['prod-eu'], glob: false },
        'kubernetes-namespace': { values: ['jobs'], glob: false },
        'kubernetes-service-account': { values: ['worker'], glob: false },
      },
    }]);
    // The trust itself does not narrow: another namespace's session gets in.
    expect(worker.evaluate(pod({ 'kubernetes-namespace': 'other', 'kubernetes-service-account': 'x' })).outcome).toBe('admitted');
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('not evaluable', () => {
  let result: ReturnType<typeof awsTrusts>;
  beforeAll(() => {
    result = read('unevaluable', {
      'main.tf.json': {
        resource: {
          aws_iam_role: {
            saml: {
              name: 'saml',
              assume_role_policy: JSON.stringify({
                Statement: [{
                  Effect: 'Allow',
                  Action: 'sts:AssumeRoleWithSAML',
                  Principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/Okta' },
                  Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
                }],
              }),
            },
            both: {
              name: 'both',
              assume_role_policy: JSON.stringify({
                Statement: [
                  { Effect: 'Allow', Action: 'sts:AssumeRoleWithSAML', Principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/Okta' } },
                  {
                    Effect: 'Allow',
                    Action: 'sts:AssumeRoleWithWebIdentity',
                    Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/gitlab.com' },
                    Condition: { StringEquals: { 'gitlab.com:sub': 'project_path:acme/app:ref_type:branch:ref:main' } },
                  },
                ],
              }),
            },
            inferred: {
              name: 'inferred',
              assume_role_policy: JSON.stringify({
                Statement: [{
                  Effect: 'Allow',
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Principal: { Federated: '${var.provider_arn}' },
                  Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main' } },
                }],
              }),
            },
            ambiguous: {
              name: 'ambiguous',
              assume_role_policy: JSON.stringify({
                Statement: [{
                  Effect: 'Allow',
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Principal: { Federated: '${var.provider_arn}' },
                  Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main', 'gitlab.com:sub': 'project_path:acme/app:ref_type:branch:ref:main' } },
                }],
              }),
            },
            unresolvedvalue: {
              name: 'unresolved-value',
              assume_role_policy: JSON.stringify({
                Statement: [{
                  Effect: 'Allow',
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
                  Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/${var.repository}:ref:refs/heads/main' } },
                }],
              }),
            },
          },
        },
      },
    });
  });

  test('SAML federation: reported, not evaluated; beside an OIDC trust as #saml', () => {
    const saml = trust(result.trusts, 'aws:role:saml');
    expect([saml.kind, saml.unevaluable, saml.alternatives]).toEqual(['aws-oidc', 'SAML federation is not modelled', []]);
    expect(saml.evaluate(github(MAIN))).toEqual({ outcome: 'unsupported', detail: 'not evaluated: SAML federation is not modelled' });
    expect(trust(result.trusts, 'aws:role:both#saml').unevaluable).toBe('SAML federation is not modelled');
    const both = trust(result.trusts, 'aws:role:both');
    expect(both.unevaluable).toBeUndefined();
    expect(both.alternatives).toEqual([{ issuer: 'https://gitlab.com', claims: { sub: { values: ['project_path:acme/app:ref_type:branch:ref:main'], glob: false } } }]);
  });

  test('an unresolved principal: read as the one issuer its keys name (with a warning), else not evaluable', () => {
    const inferred = trust(result.trusts, 'aws:role:inferred');
    expect(inferred.unevaluable).toBeUndefined();
    expect(inferred.alternatives).toEqual([{ issuer: GH, claims: { sub: { values: ['repo:acme/app:ref:refs/heads/main'], glob: false } } }]);
    expect(inferred.evaluate(github(MAIN)).outcome).toBe('admitted');
    expect(result.warnings).toEqual([
      'unevaluable/main.tf.json:aws_iam_role.inferred: Statement[0]: the Federated principal ${var.provider_arn} is not resolved: '
      + 'read as the OIDC provider token.actions.githubusercontent.com, which its condition keys name',
    ]);
    const ambiguous = trust(result.trusts, 'aws:role:ambiguous');
    expect(ambiguous.unevaluable).toBe('Statement[0]: the Federated principal ${var.provider_arn} is not resolved and its condition keys name '
      + 'several issuers (gitlab.com, token.actions.githubusercontent.com)');
    expect(ambiguous.evaluate(github(MAIN))).toEqual({ outcome: 'unsupported', detail: `not evaluated: ${ambiguous.unevaluable}` });
    expect(trust(result.trusts, 'aws:role:unresolved-value').unevaluable).toBe('Statement[0]: ${var.repository} is not resolved');
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('trusts no token satisfies', () => {
  const A = 'oidc.eks.eu-west-1.amazonaws.com/id/AAAA';
  const B = 'oidc.eks.eu-west-1.amazonaws.com/id/BBBB';
  const role = (name: string, statement: object) => ({ Type: 'AWS::IAM::Role', Properties: { RoleName: name, AssumeRolePolicyDocument: { Statement: [statement] } } });
  const irsa = (operator: string) => ({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${B}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { [operator]: { [`${A}:aud`]: 'sts.amazonaws.com', [`${A}:sub`]: 'system:serviceaccount:payments:api' } },
  });
  let trusts: VerifyTrust[];
  beforeAll(() => {
    trusts = read('dead', {
      'dead.template.json': {
        Resources: {
          WrongPrefix: role('wrong-prefix', irsa('StringEquals')),
          WrongPrefixIfExists: role('wrong-prefix-ifexists', irsa('StringEqualsIfExists')),
          IgnoreCase: role('ignore-case', {
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${A}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${A}:aud`]: 'sts.amazonaws.com' }, StringEqualsIgnoreCase: { [`${A}:sub`]: 'system:serviceaccount:Payments:API' } },
          }),
          PrincipalTag: role('principal-tag', {
            Effect: 'Allow',
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: { StringEquals: { 'aws:PrincipalTag/kubernetes-namespace': 'orders', 'aws:RequestTag/kubernetes-service-account': 'orders-api' } },
          }),
        },
      },
    }).trusts;
  });

  test('condition keys of another provider than the principal: read as the alternative, whose token (the principal\'s) STS refuses', () => {
    const dead = trust(trusts, 'aws:role:wrong-prefix');
    expect(dead.alternatives).toEqual([{
      issuer: `https://${B}`,
      claims: { aud: { values: ['sts.amazonaws.com'], glob: false }, sub: { values: ['system:serviceaccount:payments:api'], glob: false } },
    }]);
    const result = verifyTrust(dead);
    expect([result.verdict, result.unpinned]).toEqual(['broken', false]);
    expect(result.legitimate[0].decision.detail).toBe(`implicitly denied: Statement[0]: StringEquals ${A}:aud ["sts.amazonaws.com"] does not hold for an absent key`);
    // With IfExists the absent keys pass: every service account of cluster B gets in.
    const open = verifyTrust(trust(trusts, 'aws:role:wrong-prefix-ifexists'));
    expect([open.verdict, open.forged.filter((e) => e.decision.outcome === 'admitted').map((e) => e.family).slice(0, 2)])
      .toEqual(['weak', ['other-namespace', 'other-service-account']]);
  });

  test('an upper-case Kubernetes name under StringEqualsIgnoreCase: the lower-case service account Kubernetes allows gets in (not broken)', () => {
    const t = trust(trusts, 'aws:role:ignore-case');
    expect(t.alternatives[0].claims.sub).toEqual({ values: ['system:serviceaccount:payments:api'], glob: false });
    const result = verifyTrust(t);
    expect([result.verdict, result.legitimate.map((e) => e.decision.outcome)]).toEqual(['sound', ['admitted']]);
  });

  test('Pod Identity conditions on aws:PrincipalTag: read as the session tag, which the session carries as aws:RequestTag only', () => {
    const dead = trust(trusts, 'aws:role:principal-tag#pod-identity');
    expect(dead.alternatives).toEqual([{
      claims: { 'kubernetes-namespace': { values: ['orders'], glob: false }, 'kubernetes-service-account': { values: ['orders-api'], glob: false } },
    }]);
    const result = verifyTrust(dead);
    expect([result.verdict, result.unpinned]).toEqual(['broken', false]);
    expect(result.legitimate[0].decision.detail).toBe(
      'sts:AssumeRole: implicitly denied: Statement[0]: StringEquals aws:PrincipalTag/kubernetes-namespace ["orders"] does not hold for an absent key');
  });
});

describe('differential: the examples\' templates against the IAM simulator oracle', () => {
  const dir = synthesizedExamples();
  const templates = fs.readdirSync(path.join(dir, 'aws')).filter((f) => f.endsWith('.template.json'));
  const output = readSynthesizedOutput([path.join(dir, 'aws')]);
  const { trusts } = awsTrusts(output);

  /** A representative value of a requirement (a glob instantiated), and variants around it. */
  const representative = (values: readonly string[]) => values[0].replace(/\*/g, '1.0').replace(/\?/g, 'x');
  function tokensOf(alternative: TrustAlternative): Array<Record<string, string>> {
    const base: Record<string, string> = { iss: alternative.issuer! };
    for (const [claim, requirement] of Object.entries(alternative.claims)) base[claim] = representative(requirement.values);
    const variants: Array<Record<string, string>> = [base];
    for (const claim of Object.keys(alternative.claims)) {
      variants.push({ ...base, [claim]: `${base[claim]}-forged` });
      const { [claim]: _dropped, ...without } = base;
      variants.push(without);
    }
    variants.push({ ...base, aud: 'api://AzureADTokenExchange' });
    return variants;
  }

  test('the examples hold OIDC and Pod Identity trusts', () => {
    expect(trusts.filter((t) => t.kind === 'aws-oidc').length).toBeGreaterThanOrEqual(10);
    expect(trusts.filter((t) => t.kind === 'aws-pod-identity').map((t) => t.id)).toEqual(['aws:role:checkout-api#pod-identity', 'aws:role:checkout-reconcile#pod-identity']);
    expect(trusts.every((t) => t.unevaluable === undefined)).toBe(true);
  });

  test('every OIDC token decision equals the oracle\'s', () => {
    let compared = 0;
    for (const t of trusts.filter((x) => x.kind === 'aws-oidc')) {
      const file = templates.find((f) => t.location.file.endsWith(f))!;
      const text = fs.readFileSync(path.join(dir, 'aws', file), 'utf8');
      const template = JSON.parse(text);
      // The account of a literal provider ARN is the account the role lives in (an IAM OIDC provider is the role's account's).
      const account = /:iam::(\d{12}):oidc-provider\//.exec(text)?.[1];
      for (const alternative of t.alternatives) {
        for (const claims of tokensOf(alternative)) {
          const token: Token = { platform: 'oidc', issuer: claims.iss, claims };
          const ours = t.evaluate(token).outcome === 'admitted';
          const oracle = assumeRoleWithWebIdentityAllowed(template, t.location.resource, claims, { importedClientIds: ['sts.amazonaws.com'], ...(account ? { account } : {}) });
          expect({ trust: t.id, claims, admitted: ours }).toEqual({ trust: t.id, claims, admitted: oracle });
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  test('every Pod Identity session decision equals the oracle\'s', () => {
    let compared = 0;
    for (const t of trusts.filter((x) => x.kind === 'aws-pod-identity')) {
      const file = templates.find((f) => t.location.file.endsWith(f))!;
      const template = JSON.parse(fs.readFileSync(path.join(dir, 'aws', file), 'utf8'));
      for (const alternative of t.alternatives) {
        const tags: Record<string, string> = {};
        for (const [claim, requirement] of Object.entries(alternative.claims)) tags[claim] = representative(requirement.values);
        const variants = [tags, ...Object.keys(tags).map((k) => ({ ...tags, [k]: `${tags[k]}-forged` }))];
        for (const variant of variants) {
          for (const cluster of [alternative.issuer!, 'arn:aws:eks:eu-west-1:999999999999:cluster/prod-eu']) {
            const session: Token = { platform: 'eks-pod-identity', issuer: cluster, claims: variant };
            const ours = t.evaluate(session).outcome === 'admitted';
            const account = cluster.split(':')[4];
            const oracle = podIdentityAssumeRoleAllowed(template, t.location.resource, {
              tags: variant,
              sourceAccount: account,
              sourceArn: `${cluster.replace(':cluster/', ':podidentityassociation/')}/${POD_IDENTITY_ASSOCIATION_PLACEHOLDER}`,
            });
            expect({ trust: t.id, variant, cluster, admitted: ours }).toEqual({ trust: t.id, variant, cluster, admitted: oracle });
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(10);
  });
});

describe('never silently unverified', () => {
  test('a web-identity trust of every principal ("*") is not evaluable; an unreadable trust policy is a warning', () => {
    const result = read('everyone', {
      'roles.template.json': {
        Resources: {
          Star: {
            Type: 'AWS::IAM::Role',
            Properties: {
              RoleName: 'star',
              AssumeRolePolicyDocument: {
                Version: '2012-10-17',
                Statement: [{
                  Effect: 'Allow',
                  Principal: '*',
                  Action: 'sts:AssumeRoleWithWebIdentity',
                  Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main' } },
                }],
              },
            },
          },
          Broken: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'broken', AssumeRolePolicyDocument: '{not json' } },
        },
      },
    });
    expect(result.trusts.map((t) => [t.id, t.unevaluable])).toEqual([[
      'aws:role:star',
      'Statement[0] allows sts:AssumeRoleWithWebIdentity to every principal ("*"): a token of any OIDC provider of the account is judged by its '
        + 'conditions alone, which verify does not evaluate',
    ]]);
    expect(result.warnings).toEqual([
      'everyone/roles.template.json:Broken: the trust policy cannot be read (the trust policy (AssumeRolePolicyDocument) is not a JSON document): not verified',
    ]);
  });
});
