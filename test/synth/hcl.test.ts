/**
 * Issue 16, HCL: `.tf` files read through @cdktf/hcl2json (src/synth/hcl.ts) and Terraform JSON evaluated without a
 * cloud (src/synth/terraform-eval.ts). Fixtures: test/fixtures/formats/hcl/ (hand-written).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as fc from 'fast-check';
import { evaluate } from '../../src/guardrails/engine';
import { parseHclFiles, readHclModule, readVariableFiles } from '../../src/synth/hcl';
import { terraformResources } from '../../src/synth/read';
import { evaluateTerraformDocuments } from '../../src/synth/terraform-eval';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'formats', 'hcl');
const tfFiles = (dir: string) => fs.readdirSync(path.join(FIXTURES, dir)).filter((f) => f.endsWith('.tf')).sort().map((f) => path.join(FIXTURES, dir, f));
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));

/** One resource block of an evaluated document (HCL documents give each block as a list of one object). */
function block(document: any, type: string, name: string): any {
  const value = document.resource[type][name];
  return Array.isArray(value) ? value[0] : value;
}

/** The attributes of `resource.T.N` after evaluating a one-document module. */
function evaluated(document: any, type = 'aws_iam_policy', name = 'p'): any {
  return block(evaluateTerraformDocuments([document])[0], type, name);
}

/** A one-policy module: `policy = EXPRESSION` (Terraform JSON syntax: `${…}`), with optional locals and variables. */
function policyOf(expression: string, extra: Record<string, unknown> = {}): unknown {
  return evaluated({ ...extra, resource: { aws_iam_policy: { p: { policy: expression } } } }).policy;
}

describe('parsing HCL: one Terraform JSON document per file, a module per directory', () => {
  let documents: any[];
  beforeAll(() => {
    documents = readHclModule(tfFiles('github-oidc'));
  });

  test('main.tf: every resource with its evaluated attributes (variables from variables.tf, locals, data documents)', () => {
    expect(documents[0].resource).toEqual({
      aws_iam_openid_connect_provider: { github: [{ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] }] },
      aws_iam_role: {
        deploy: [{
          name: 'deploy',
          tags: { owner: 'team-platform' },
          assume_role_policy: '{"Statement":[{"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},'
            + '"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/api:*"}},"Effect":"Allow",'
            + '"Principal":{"Federated":"${aws_iam_openid_connect_provider.github.arn}"}}],"Version":"2012-10-17"}',
        }],
      },
      aws_iam_role_policy: {
        artifacts: [{
          name: 'artifacts',
          role: '${aws_iam_role.deploy.id}',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Sid: 'Artifacts', Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::acme-artifacts/*', 'arn:aws:s3:::acme-artifacts'] }],
          }, null, 2),
        }],
      },
      aws_iam_policy: {
        admin: [{ name: 'break-everything', policy: '{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}' }],
      },
    });
  });

  test('data blocks are evaluated too (a policy document gets its `json`, as in a plan); locals and variables stay as written', () => {
    expect(documents[0].data).toEqual({
      aws_iam_policy_document: {
        artifacts: [{
          statement: [{ sid: 'Artifacts', actions: ['s3:*'], resources: ['arn:aws:s3:::acme-artifacts', 'arn:aws:s3:::acme-artifacts/*'] }],
          json: documents[0].resource.aws_iam_role_policy.artifacts[0].policy,
        }],
      },
    });
    // A document the module does not determine has no `json`.
    expect(Object.keys(readHclModule(tfFiles('unknowns'))[0].data.aws_iam_policy_document.dynamic[0])).toEqual(['dynamic']);
    expect(documents[0].locals).toEqual([{ issuer: 'token.actions.githubusercontent.com', tags: { owner: 'team-platform' } }]);
    expect(documents[1]).toEqual({
      variable: {
        bucket: [{ type: '${string}', default: 'acme-artifacts' }],
        repository: [{ description: 'GitHub repository allowed to deploy', type: '${string}', default: 'acme/api' }],
      },
    });
  });

  test('a file that is not HCL is an UnreadableInputError naming FILE:LINE:COLUMN and the parser\'s reason', () => {
    const file = tfFiles('syntax-error')[0];
    expect(() => parseHclFiles([file])).toThrow(expect.objectContaining({
      name: 'UnreadableInputError',
      message: `${file}:6:3: cannot be parsed as HCL (Invalid expression; Expected the start of an expression, but found an invalid expression token.)`,
    }));
  });

  test('a later read reuses the parser (the WebAssembly is loaded once per process)', () => {
    const started = Date.now();
    expect(parseHclFiles(tfFiles('github-oidc')).map((d) => Object.keys(d))).toEqual([['data', 'locals', 'resource'], ['variable']]);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('variable files: terraform.tfvars and *.auto.tfvars set variables, as Terraform loads them', () => {
  test('terraform.tfvars, then a.auto.tfvars, then b.auto.tfvars.json, a later file winning', () => {
    expect(readVariableFiles(path.join(FIXTURES, 'tfvars'))).toEqual({ subject: 'repo:acme/api:*', bucket: 'acme-auto-b' });
    expect(readVariableFiles(path.join(FIXTURES, 'github-oidc'))).toEqual({});
  });

  test('the values win over the defaults in the evaluated module', () => {
    const [document] = readHclModule(tfFiles('tfvars'));
    expect(JSON.parse(block(document, 'aws_iam_role', 'deploy').assume_role_policy).Statement[0].Condition.StringLike)
      .toEqual({ 'token.actions.githubusercontent.com:sub': 'repo:acme/api:*' });
    expect(JSON.parse(block(document, 'aws_iam_role_policy', 'read').policy).Statement[0].Resource).toBe('arn:aws:s3:::acme-auto-b/*');
    expect(evaluated({ variable: { v: { default: 'd' } }, resource: { t: { n: { a: '${var.v}-${var.w}' } } } }, 't', 'n').a).toBe('d-${var.w}');
  });
});

describe('HCL syntax inside expressions (syntax/main.tf)', () => {
  let policies: Record<string, any>;
  beforeAll(() => {
    policies = readHclModule(tfFiles('syntax'))[0].resource.aws_iam_policy;
  });

  test('comments, a parenthesized key, escapes, a trailing comma, numbers and booleans, an index by string', () => {
    expect(JSON.parse(policies.comments[0].policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Sid: 'Quoted "x" \u00e9',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: 'arn:aws:s3:::payments/*',
        Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 }, Bool: { 'aws:SecureTransport': true } },
      }],
    });
  });

  test('a heredoc policy is a template (`$${` is IAM\'s `${`); a heredoc inside jsonencode is a string ending in a newline', () => {
    expect(JSON.parse(policies.heredoc[0].policy).Statement[0].Resource).toBe('arn:aws:s3:::payments/${aws:username}');
    expect(policies.heredoc_in_jsonencode[0].policy).toBe('{"Statement":[{"Action":"s3:*","Effect":"Allow","Resource":"arn:aws:s3:::x\\n"}]}');
  });

  test('a provider function is not modelled: the policy stays as written; strip markers are read', () => {
    expect(policies.provider_function[0].policy).toBe('${jsonencode({ Statement = [{ Action = provider::aws::arn_build("aws", "s3", "", "", "x") }] })}');
    expect(policies.strip[0].name).toBe('a-Sid-b');
  });
});

describe('evaluation never fails and never changes what it cannot read', () => {
  test('any string: no exception; a string without `${` or `%{` is returned as it is', () => {
    const pieces = fc.constantFrom('${', '}', '{', '[', ']', '(', ')', '"', '\\', '<<EOT\n', '\nEOT', 'jsonencode(', 'local.', 'var.x', '=', ',', ':', '?', '#', '/*', 'for ', ' in ', '%{', '$${', 'a', '1');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 40 }).map((p) => p.join('')), (text) => {
      const [document] = evaluateTerraformDocuments([{ locals: { x: text }, resource: { t: { n: { a: text, b: [text, { c: text }] } } } }]);
      const attributes = document.resource.t.n;
      if (!text.includes('${') && !text.includes('%{')) expect(attributes).toEqual({ a: text, b: [text, { c: text }] });
    }), { numRuns: 500 });
  });
});

describe('evaluation: jsonencode, locals, variable defaults and templates', () => {
  test('jsonencode of objects, tuples, strings, numbers, booleans, null, nested: compact, keys in lexical order', () => {
    expect(policyOf('${jsonencode({ b = [1, 2.5, -3], a = { z = true, y = null, x = "s" }, "c d" = [[], {}], e = false })}'))
      .toBe('{"a":{"x":"s","y":null,"z":true},"b":[1,2.5,-3],"c d":[[],{}],"e":false}');
  });

  test('locals (also through other locals), variable defaults, indexes and attributes of them', () => {
    const extra = {
      locals: [{ base: { actions: ['s3:GetObject'] }, doc: { Statement: [{ Action: '${local.base.actions}', Resource: '${var.arns[1]}' }] } }],
      variable: { arns: [{ default: ['a', 'arn:aws:s3:::b'] }] },
    };
    expect(policyOf('${jsonencode(local.doc)}', extra)).toBe('{"Statement":[{"Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b"}]}');
  });

  test('falsy locals are values; a local or variable declared twice (an error to Terraform) is unknown', () => {
    expect(policyOf('${jsonencode([local.f, local.z, local.e])}', { locals: { f: false, z: 0, e: '' } })).toBe('[false,0,""]');
    const twice = [{ locals: { a: 1 }, variable: { v: { default: 'x' } } }, { locals: [{ a: 2 }], variable: { v: [{ default: 'y' }] } }];
    const [, document] = evaluateTerraformDocuments([...twice.slice(0, 1), { ...twice[1], resource: { t: { n: { a: '${local.a}', b: '${var.v}' } } } }]);
    expect(block(document, 't', 'n')).toEqual({ a: '${local.a}', b: '${var.v}' });
  });

  test('templates interpolate known values; an unknown string keeps its `${…}`; `$${` is a literal `${`', () => {
    const document = {
      variable: { env: { default: 'prod' }, region: { type: 'string' } },
      locals: { count: 2 },
      resource: { aws_iam_role: { r: { name: '${var.env}-ci-${local.count}', path: '/${var.region}/', description: 'uses $${aws:username}', tags: '${local.missing}' } } },
    };
    expect(evaluated(document, 'aws_iam_role', 'r')).toEqual({ name: 'prod-ci-2', path: '/${var.region}/', description: 'uses ${aws:username}', tags: '${local.missing}' });
  });

  test('a tuple for expression over a known list or object is evaluated, each element (or key and value) bound in its body', () => {
    expect(JSON.parse(policyOf('${jsonencode({ Condition = { StringEquals = { "token.actions.githubusercontent.com:sub" = '
      + '[for b in local.branches : "repo:acme/app:ref:refs/heads/${b}"] } } })}', { locals: { branches: ['main', 'release'] } }) as string)).toEqual({
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:ref:refs/heads/release'] } },
    });
    // Over an object: K each key (sorted, as Terraform iterates maps), V its value; over a list, K is the index.
    expect(JSON.parse(policyOf('${jsonencode({ Sid = [for k, v in local.m : "${k}=${v}"], Index = [for i, v in ["a", "b"] : "${i}${v}"] })}', {
      locals: { m: { b: '2', a: '1' } },
    }) as string)).toEqual({ Sid: ['a=1', 'b=2'], Index: ['0a', '1b'] });
  });

  test('a resource attribute or a string variable inside a literal document stays a `${…}` string; the document is read', () => {
    expect(JSON.parse(policyOf('${jsonencode({ Statement = [{ Principal = { AWS = aws_iam_role.x.arn }, Resource = "${aws_s3_bucket.b.arn}/*", Sid = var.sid }] })}', {
      variable: { sid: { type: 'string' } },
    }) as string)).toEqual({ Statement: [{ Principal: { AWS: '${aws_iam_role.x.arn}' }, Resource: '${aws_s3_bucket.b.arn}/*', Sid: '${var.sid}' }] });
  });

  test.each([
    ['a list variable without a default', '${jsonencode({ Action = var.actions })}'],
    ['a variable of no declared type', '${jsonencode({ Action = var.untyped })}'],
    ['a function Keyless does not model', '${jsonencode({ Action = distinct(["s3:GetObject"]) })}'],
    ['a conditional', '${jsonencode({ Action = var.actions == null ? "*" : "s3:GetObject" })}'],
    ['an operator', '${jsonencode({ Action = !var.flag })}'],
    ['a for expression with a filter', '${jsonencode({ Action = [for a in ["s3:GetObject"] : a if a != ""] })}'],
    ['a for expression over an unknown list', '${jsonencode({ Action = [for a in var.actions : a] })}'],
    ['an object for expression', '${jsonencode({ Action = { for a in ["s3:GetObject"] : a => a } })}'],
    ['a splat', '${jsonencode({ Resource = aws_s3_bucket.b[*].arn })}'],
    ['each.value', '${jsonencode({ Action = each.value })}'],
    ['a module output', '${jsonencode({ Action = module.m.actions })}'],
    ['a whole resource object', '${jsonencode({ Action = aws_iam_role.x })}'],
    ['a local that refers to itself', '${jsonencode(local.loop)}'],
    ['a template directive', '${jsonencode({ Action = "%{ if true }s3:*%{ endif }" })}'],
    ['text that is not an expression', '${jsonencode({ Action = })}'],
  ])('%s leaves the attribute as written', (_, expression) => {
    expect(policyOf(expression, { variable: { actions: { type: 'list(string)' }, untyped: {}, flag: { type: 'bool' } }, locals: { loop: '${local.loop}' } })).toBe(expression);
  });

  test('keys named __proto__ are keys (objects, merge, indexes, principal types), never prototypes', () => {
    expect(policyOf('${jsonencode(merge({ "__proto__" = { a = 1 } }, { b = local.o["__proto__"], c = local.o.constructor }))}', { locals: { o: { __proto__: 'x' } } }))
      .toBe('${jsonencode(merge({ "__proto__" = { a = 1 } }, { b = local.o["__proto__"], c = local.o.constructor }))}');
    expect(policyOf('${jsonencode(merge({ "__proto__" = { a = 1 } }, { b = local.o["__proto__"] }))}', { locals: [JSON.parse('{"o": {"__proto__": "x"}}')] }))
      .toBe('{"__proto__":{"a":1},"b":"x"}');
    expect(JSON.parse(policyOf('${data.aws_iam_policy_document.d.json}', {
      data: { aws_iam_policy_document: { d: { statement: { actions: ['sts:AssumeRole'], principals: { type: '__proto__', identifiers: ['x'] } } } } },
    }) as string).Statement[0]).toEqual(JSON.parse('{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"__proto__":"x"}}'));
  });

  test('concat, merge, tolist, tostring, join and jsondecode of known values', () => {
    expect(policyOf('${jsonencode(merge({ a = concat(["x"], tolist(["y"])) }, { b = tostring(1), c = join("-", ["p", "q"]), d = jsondecode("{\\"k\\": [1]}") }))}'))
      .toBe('{"a":["x","y"],"b":"1","c":"p-q","d":{"k":[1]}}');
  });
});

describe('evaluation: data.aws_iam_policy_document.X.json as the AWS provider writes it', () => {
  const documentOf = (data: unknown): unknown => policyOf('${data.aws_iam_policy_document.d.json}', { data: { aws_iam_policy_document: { d: data } } });

  test('every statement field: one value is a string, several a list in reverse lexical order; conditions keep their order', () => {
    const json = documentOf({
      version: '2012-10-17',
      policy_id: 'trust',
      statement: [
        {
          sid: 'Web',
          effect: 'Deny',
          not_actions: ['iam:*', 'sts:*'],
          not_resources: ['arn:aws:s3:::b/&{aws:username}/*'],
          not_principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] }],
          condition: [
            { test: 'StringLike', variable: 'aws:PrincipalTag/team', values: ['b', 'a'] },
            { test: 'StringLike', variable: 'aws:PrincipalTag/team', values: ['c'] },
            { test: 'Bool', variable: 'aws:SecureTransport', values: [false] },
          ],
        },
        { actions: ['s3:GetObject', 's3:GetObject', 's3:PutObject'], resources: ['*'], principals: [{ type: '*', identifiers: ['*'] }] },
        { actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['a.amazonaws.com'] }, { type: 'Service', identifiers: ['b.amazonaws.com'] }, { type: 'AWS', identifiers: ['*'] }] },
      ],
    });
    expect(json).toBe(JSON.stringify({
      Version: '2012-10-17',
      Id: 'trust',
      Statement: [
        {
          Sid: 'Web',
          Effect: 'Deny',
          NotAction: ['sts:*', 'iam:*'],
          NotResource: 'arn:aws:s3:::b/${aws:username}/*',
          NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringLike: { 'aws:PrincipalTag/team': ['b', 'a', 'c'] } },
        },
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: '*', Principal: '*' },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '*', Service: ['a.amazonaws.com', 'b.amazonaws.com'] } },
      ],
    }, null, 2));
  });

  test('statements that use locals, variables and resource attributes are evaluated before the document is built', () => {
    const json = policyOf('${data.aws_iam_policy_document.d.json}', {
      locals: { actions: ['sts:AssumeRoleWithWebIdentity'] },
      data: { aws_iam_policy_document: { d: { statement: { actions: '${local.actions}', principals: { type: 'Federated', identifiers: ['${aws_iam_openid_connect_provider.gh.arn}'] } } } } },
    });
    expect(JSON.parse(json as string)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: '${aws_iam_openid_connect_provider.gh.arn}' } }],
    });
  });

  test.each([
    ['a dynamic statement', { dynamic: { statement: [{ for_each: '${var.x}', content: [{ actions: ['s3:*'] }] }] } }],
    ['source_policy_documents', { source_policy_documents: ['${data.aws_iam_policy_document.other.json}'], statement: [{ actions: ['s3:*'] }] }],
    ['count', { count: 2, statement: [{ actions: ['s3:*'] }] }],
    ['an unknown list of actions', { statement: [{ actions: '${var.actions}' }] }],
    ['an unknown effect', { statement: [{ effect: '${var.effect}', actions: ['s3:*'] }] }],
    ['an attribute the provider does not have', { statement: [{ actions: ['s3:*'], resource: ['*'] }] }],
  ])('%s leaves the reference as written', (_, data) => {
    expect(documentOf(data)).toBe('${data.aws_iam_policy_document.d.json}');
  });

  test('data.aws_iam_policy.X.arn of a policy looked up by a literal ARN is that ARN; looked up by name, unknown', () => {
    const data = { aws_iam_policy: { by_arn: [{ arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }], by_name: { name: 'AdministratorAccess' } } };
    const document = { data: [data], resource: { aws_iam_role_policy_attachment: { a: { policy_arn: '${data.aws_iam_policy.by_arn.arn}' }, b: { policy_arn: '${data.aws_iam_policy.by_name.arn}' } } } };
    const [out] = evaluateTerraformDocuments([document]);
    expect([block(out, 'aws_iam_role_policy_attachment', 'a').policy_arn, block(out, 'aws_iam_role_policy_attachment', 'b').policy_arn])
      .toEqual(['arn:aws:iam::aws:policy/AdministratorAccess', '${data.aws_iam_policy.by_name.arn}']);
  });

  test('a document defined twice, or not at all, is not evaluated', () => {
    expect(policyOf('${data.aws_iam_policy_document.none.json}')).toBe('${data.aws_iam_policy_document.none.json}');
    // `data` as a list of blocks (HCL converters' form) is read too.
    expect(policyOf('${data.aws_iam_policy_document.d.json}', { data: [{ aws_iam_policy_document: [{ d: [{ statement: [{ actions: ['s3:GetObject'] }] }] }] }] }))
      .toBe(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] }, null, 2));
    const twice = [{ data: { aws_iam_policy_document: { d: { statement: [] } } } }, { data: { aws_iam_policy_document: { d: { statement: [] } } }, resource: { aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.d.json}' } } } }];
    expect(block(evaluateTerraformDocuments(twice)[1], 'aws_iam_policy', 'p').policy).toBe('${data.aws_iam_policy_document.d.json}');
  });
});

describe('evaluation leaves its input as written', () => {
  test('literal blocks are shared, evaluated ones copied, the input unchanged (the policy document\'s `json` included)', () => {
    const input = {
      locals: { n: 'from-local' },
      data: { aws_iam_policy_document: { d: { statement: [{ actions: ['s3:GetObject'] }] } } },
      resource: {
        aws_iam_role: { literal: { name: 'x', tags: { a: 'b' } }, evaluated: { name: '${local.n}', tags: { a: 'b' } } },
        aws_iam_policy: { p: { policy: '${data.aws_iam_policy_document.d.json}' } },
      },
      provider: { aws: { region: 'eu-west-1' } },
    };
    const before = JSON.parse(JSON.stringify(input));
    const [out] = evaluateTerraformDocuments([input]);
    expect(input).toEqual(before);
    expect(out.resource.aws_iam_role.literal).toBe(input.resource.aws_iam_role.literal);
    expect(out.resource.aws_iam_role.evaluated).toEqual({ name: 'from-local', tags: { a: 'b' } });
    expect(out.resource.aws_iam_role.evaluated).not.toBe(input.resource.aws_iam_role.evaluated);
    expect(out.resource.aws_iam_role.evaluated.tags).toBe(input.resource.aws_iam_role.evaluated.tags);
    expect(out.data.aws_iam_policy_document.d.json).toContain('s3:GetObject');
    expect((input.data.aws_iam_policy_document.d as Record<string, unknown>).json).toBeUndefined();
  });
});

describe('evaluation copies on write', () => {
  // Trees as JSON.parse builds them (a `__proto__` key is an own property), leaves literal or `${local.n}`.
  const tree = fc.letrec((tie) => ({
    leaf: fc.oneof(fc.constantFrom('x', '${local.n}', 'a ${local.n} b', '$${local.n}', ''), fc.integer(), fc.boolean(), fc.constant(null)),
    list: fc.array(tie('node'), { maxLength: 4 }),
    object: fc.array(fc.tuple(fc.constantFrom('a', 'b', '__proto__', '0', '10', 'constructor', 'tags'), tie('node')), { maxLength: 4 }).map((entries) => {
      const text = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
      return JSON.parse(text);
    }),
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('list'), tie('object')),
  })).object;
  const evaluatedText = (text: string) => (text === '$${local.n}' ? '${local.n}' : text.replace('${local.n}', 'from-local'));
  // `$${` is Terraform's escape of `${`: evaluated too (to the literal `${local.n}`).
  const changes = (value: unknown): boolean => (typeof value === 'string' ? evaluatedText(value) !== value
    : Array.isArray(value) ? value.some(changes) : value !== null && typeof value === 'object' ? Object.values(value).some(changes) : false);
  // What evaluation must give: the same own keys in the same order, `__proto__` an own key, strings evaluated.
  const expected = (value: unknown): unknown => {
    if (typeof value === 'string') return evaluatedText(value);
    if (Array.isArray(value)) return value.map(expected);
    if (value === null || typeof value !== 'object') return value;
    const out = {};
    for (const key of Object.keys(value)) {
      const item = expected((value as Record<string, unknown>)[key]);
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  const sameShape = (actual: unknown, wanted: unknown): void => {
    if (wanted === null || typeof wanted !== 'object') {
      expect(actual).toBe(wanted);
      return;
    }
    expect(Array.isArray(actual)).toBe(Array.isArray(wanted));
    expect(Object.getPrototypeOf(actual)).toBe(Object.getPrototypeOf(wanted));
    expect(Object.keys(actual as object)).toEqual(Object.keys(wanted));
    for (const key of Object.keys(wanted)) sameShape((actual as any)[key], (wanted as any)[key]);
  };
  // With `shared`, every value evaluation leaves unchanged is the input's own; every other value (and, in data blocks,
  // every value) a new one.
  const copiedWhereWritten = (actual: unknown, input: unknown, shared: boolean): void => {
    if (input === null || typeof input !== 'object') return;
    if (shared && !changes(input)) expect(actual).toBe(input);
    else expect(actual).not.toBe(input);
    for (const key of Object.keys(input)) copiedWhereWritten((actual as any)[key], (input as any)[key], shared);
  };

  test('resources share every value evaluation leaves unchanged, data blocks are copied; keys, order and `__proto__` kept', () => {
    fc.assert(fc.property(tree, tree, (attributes, dataAttributes) => {
      const input = { locals: { n: 'from-local' }, resource: { t: { r: attributes } }, data: { t: { d: dataAttributes } } };
      const before = JSON.stringify(input);
      const [out] = evaluateTerraformDocuments([input]);
      expect(JSON.stringify(input)).toBe(before);
      sameShape(out.resource.t.r, expected(attributes));
      sameShape(out.data.t.d, expected(dataAttributes));
      copiedWhereWritten(out.resource.t.r, attributes, true);
      copiedWhereWritten(out.data.t.d, dataAttributes, false);
    }), { numRuns: 1000 });
  });
});

describe('Terraform JSON (`.tf.json`) with expressions is evaluated like HCL', () => {
  test('tf-json/main.tf.json: the data document, jsonencode of locals, a template of a variable default', () => {
    const [document] = evaluateTerraformDocuments([readJson('tf-json/main.tf.json')]);
    expect(block(document, 'aws_iam_role', 'worker')).toEqual({
      name: 'payments-worker',
      assume_role_policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: 'arn:aws:iam::123456789012:root', Service: 'lambda.amazonaws.com' },
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, StringEquals: { 'aws:PrincipalTag/team': 'payments' } },
        }],
      }, null, 2),
    });
    expect(block(document, 'aws_iam_role_policy', 'queue')).toEqual({
      role: '${aws_iam_role.worker.name}',
      policy: '{"Statement":[{"Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Effect":"Allow","Resource":"arn:aws:sqs:eu-west-1:123456789012:payments-*"}],"Version":"2012-10-17"}',
    });
  });

  test('cdktf-style output without expressions is returned unchanged', () => {
    const document = { resource: { aws_iam_role: { r: { name: 'r', assume_role_policy: '{"Statement":[]}', role: '${aws_iam_role.x.name}' } } }, provider: { aws: [{ region: 'eu-west-1' }] } };
    expect(evaluateTerraformDocuments([document])).toEqual([document]);
  });
});

describe('guardrails on HCL', () => {
  const TODAY = '2026-12-01';
  const findingsOf = (documents: any[], files: string[]) => evaluate(documents.flatMap((d, i) => terraformResources(d, files[i])), { today: TODAY })
    .findings.map(({ file, ...f }) => f);

  test('github-oidc: the HCL module gives the same findings as its Terraform JSON with literal policies', () => {
    const all = findingsOf(readHclModule(tfFiles('github-oidc')), ['main.tf', 'variables.tf']);
    const literal = findingsOf([readJson('github-oidc-json/main.tf.json')], ['main.tf.json']);
    // The HCL module also has the data document itself; it is used by the role policy, so it is checked there only.
    const hcl = all.filter((f) => !f.resource.startsWith('data.'));
    expect(hcl).toEqual(literal);
    expect(all).toEqual(hcl);
    expect(hcl.map((f) => `${f.ruleId} ${f.resource} [${f.key}]`)).toEqual(expect.arrayContaining([
      'KL-G-WILDCARD-ACTION aws_iam_role_policy.artifacts [Action::s3:*]',
      'KL-G-WILDCARD-ACTION aws_iam_policy.admin [Action::*]',
      'KL-G-FEDERATED-TRUST-UNPINNED aws_iam_role.deploy [Subject::repo:acme/api:*]',
    ]));
    expect(hcl.filter((f) => f.ruleId === 'KL-G-POLICY-UNREADABLE')).toEqual([]);
  });

  test('unknowns: every policy known only at apply time is reported unreadable; the one with a string variable is read', () => {
    const findings = findingsOf(readHclModule(tfFiles('unknowns')), ['main.tf']);
    // In the parser's order (names in lexical order). The undetermined data documents are reported where they are used.
    expect(findings.filter((f) => f.ruleId === 'KL-G-POLICY-UNREADABLE').map((f) => `${f.resource} [${f.key}]`)).toEqual([
      'aws_iam_policy.conditional [Field::policy]',
      'aws_iam_policy.dynamic_document [Field::policy]',
      'aws_iam_policy.file [Field::policy]',
      'aws_iam_policy.for_each [Field::policy]',
      'aws_iam_policy.function [Field::policy]',
      'aws_iam_policy.list_variable [Field::policy]',
      'aws_iam_policy.merged_document [Field::policy]',
      'aws_iam_policy.resource_attribute [Field::policy]',
    ]);
    expect(findings.filter((f) => f.resource === 'aws_iam_policy.string_variable')).toEqual([]);
  });
});

describe('without @cdktf/hcl2json', () => {
  test('reading a .tf file says which package to install; nothing else needs it', async () => {
    const script = `
      const { parseHclFiles } = require('./src/synth/hcl');
      const { evaluateTerraformDocuments } = require('./src/synth/terraform-eval');
      const evaluated = evaluateTerraformDocuments([{ resource: { a: { b: { p: '\${jsonencode({ a = 1 })}' } } } }])[0].resource.a.b.p;
      try { parseHclFiles(['dir/main.tf']); } catch (error) { console.log(JSON.stringify({ name: error.name, message: error.message, evaluated })); }`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--require', path.join(ROOT, 'test', 'api', 'fixtures', 'without-frameworks.js'), '--require', 'ts-node/register/transpile-only', '-e', script,
    ], { cwd: ROOT, env: { ...process.env, KEYLESS_TEST_UNINSTALLED: '@cdktf/hcl2json', TS_NODE_PROJECT: 'test/tsconfig.json' }, encoding: 'utf8' });
    expect(JSON.parse(stdout)).toEqual({
      name: 'UnreadableInputError',
      message: 'dir/main.tf: reading HCL needs @cdktf/hcl2json, which is not installed (an optional peer dependency of @keyless/constructs, which npm installs only '
        + 'when asked). Fix: `npm i @cdktf/hcl2json@^0.21.0` next to @keyless/constructs, or check the Terraform JSON of the module (`terraform show -json` of a plan)',
      evaluated: '{"a":1}',
    });
  });
});
