import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizedExamples } from './helpers/examples';
import { main } from '../src/cli/keyless';
import type { SynthOutput } from '../src/synth/model';
import { TrustResult, VERIFY_SCHEMA_VERSION, VerifyReport } from '../src/verify/model';

// `keyless verify`: the command (arguments, input, exit codes, report files) with verify stubbed where a test gives a
// report of its own (`mockReport`), and end to end with the real verify on hand-written CloudFormation otherwise.

let mockReport: ((output: SynthOutput) => VerifyReport) | undefined;
const mockSeen: SynthOutput[] = [];
const mockOptions: unknown[] = [];
jest.mock('../src/verify/verify', () => {
  const actual = () => jest.requireActual('../src/verify/verify');
  return {
    verify: (output: SynthOutput, options?: unknown) => {
      mockSeen.push(output);
      mockOptions.push(options);
      return mockReport ? mockReport(output) : actual().verify(output, options);
    },
    verifyFails: (...args: unknown[]) => actual().verifyFails(...args),
  };
});

const USAGE = 'usage: keyless verify DIR|FILE… [--json FILE] [--sarif FILE] [--markdown FILE]';
const FORMATS = 'a CloudFormation template (JSON or YAML with `Resources`), Terraform (HCL `*.tf`, `*.tf.json` or JSON of Terraform blocks), '
  + 'a `terraform show -json` plan or state, or a Kubernetes manifest';
const PROVIDER = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';

function run(argv: string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = main(argv, (line) => lines.push(...line.split('\n')));
  return { code, lines };
}

/** A GitHub OIDC role whose trust requires `aud` and the given `sub` condition. */
function githubRole(name: string, operator: 'StringEquals' | 'StringLike', sub: string): object {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: name,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: operator === 'StringEquals'
            ? { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub } }
            : { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': sub } },
        }],
      },
    },
  };
}

function trust(id: string, verdict: TrustResult['verdict'], resource: string): TrustResult {
  return {
    id,
    cloud: 'aws',
    kind: 'aws-oidc',
    identity: id.replace('aws:role:', ''),
    location: { file: 'out/app.template.json', resource },
    resources: [`out/app.template.json:${resource}`],
    verdict,
    problems: verdict === 'weak' ? ['forged token admitted (other-repository): another repository of the owner: iss=… sub=repo:acme/keyless-forged:ref:refs/heads/main aud=sts.amazonaws.com'] : [],
    unpinned: false,
    legitimate: [],
    forged: verdict === 'weak' ? [{
      description: 'another repository of the owner',
      family: 'other-repository',
      token: { platform: 'github', issuer: 'https://token.actions.githubusercontent.com', claims: { sub: 'repo:acme/keyless-forged:ref:refs/heads/main', aud: 'sts.amazonaws.com' } },
      decision: { outcome: 'admitted', detail: 'statement 0' },
    }] : [],
    counts: { legitimateAdmitted: 1, legitimate: 1, forgedDenied: verdict === 'weak' ? 9 : 10, forged: 10 },
    ...(verdict === 'not-evaluable' ? { unevaluable: 'SAML federation is not modelled' } : {}),
  };
}

function report(trusts: TrustResult[], output: SynthOutput, warnings: string[] = []): VerifyReport {
  const by = (v: TrustResult['verdict']) => trusts.filter((t) => t.verdict === v).length;
  return {
    schemaVersion: VERIFY_SCHEMA_VERSION,
    sources: output.files.map((f) => ({ file: f.file, format: f.format })),
    trusts,
    summary: {
      trusts: trusts.length,
      sound: by('sound'),
      weak: by('weak'),
      broken: by('broken'),
      notEvaluable: by('not-evaluable'),
      legitimateTokens: trusts.length,
      forgedTokens: trusts.length * 10,
      forgedAdmitted: by('weak'),
    },
    warnings,
  };
}

describe('keyless verify', () => {
  let tmp: string;
  let out: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-verify-'));
    out = path.join(tmp, 'out');
    fs.mkdirSync(out);
    mockReport = undefined;
    mockSeen.length = 0;
    mockOptions.length = 0;
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const file = (name: string, content: string | object): string => {
    const p = path.join(tmp, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return p;
  };

  describe('arguments and input', () => {
    test('no path, an unknown option or an option without a value: usage, exit 2', () => {
      expect(run(['verify'])).toEqual({ code: 2, lines: [`keyless: no directory or file given. ${USAGE}`] });
      expect(run(['verify', out, '--csv', 'x.csv'])).toEqual({ code: 2, lines: [`keyless: unknown option --csv. ${USAGE}`] });
      expect(run(['verify', out, '--json'])).toEqual({ code: 2, lines: [`keyless: --json needs a value. ${USAGE}`] });
      expect(run(['nope']).lines).toContain(USAGE);
      expect(mockSeen).toEqual([]);
    });

    test('a missing path, a directory without output, an unknown format, a partial CDK output: the reason, exit 2', () => {
      expect(run(['verify', path.join(tmp, 'missing')])).toEqual({ code: 2, lines: [`keyless: ${path.join(tmp, 'missing')}: no such file or directory`] });
      expect(run(['verify', out])).toEqual({ code: 2, lines: [`keyless: ${out}: no identity output found: expected ${FORMATS} below it`] });
      const notes = file('notes.txt', 'hello');
      expect(run(['verify', notes])).toEqual({ code: 2, lines: [`keyless: ${notes}: unknown format: expected ${FORMATS}`] });
      file('out/app.template.json', { Resources: { DeployRole: githubRole('deploy', 'StringLike', 'repo:acme/*') } });
      const manifest = file('out/manifest.json', { artifacts: { Other: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Other.template.json' } } } });
      expect(run(['verify', out])).toEqual({
        code: 2,
        lines: [`keyless: ${manifest}: lists Other.template.json, which is missing: the output is partial (re-run the synthesis)`],
      });
      expect(mockSeen).toEqual([]);
    });

    test('an unparseable template: the reason, exit 2, never a stack trace', () => {
      file('out/app.template.json', '{ "Resources": ');
      const result = run(['verify', out]);
      expect(result.code).toBe(2);
      expect(result.lines).toHaveLength(1);
      expect(result.lines[0]).toMatch(/^keyless: .*app\.template\.json/);
    });

    test('verify is given the resources, the files and the Terraform provider blocks', () => {
      file('out/main.tf.json', {
        provider: { google: [{ project: 'acme-prod' }] },
        resource: { google_service_account: { deployer: { account_id: 'deployer' } } },
      });
      mockReport = (output) => report([], output);
      expect(run(['verify', out])).toEqual({ code: 0, lines: ['keyless verify: no federated trust found in 1 file: nothing to verify'] });
      expect(mockSeen).toHaveLength(1);
      expect(mockSeen[0].files).toEqual([{ file: 'out/main.tf.json', format: 'terraform' }]);
      expect(mockSeen[0].resources.map((r) => `${r.type} ${r.id}`)).toEqual(['google_service_account google_service_account.deployer']);
      expect(mockSeen[0].providers.map((p) => [p.name, p.attributes.project])).toEqual([['google', 'acme-prod']]);
    });

    test('an error inside verify: the reason, exit 2, never a pass and never a stack trace', () => {
      file('out/app.template.json', { Resources: { DeployRole: githubRole('deploy', 'StringLike', 'repo:acme/*') } });
      mockReport = () => {
        throw new TypeError('boom');
      };
      expect(run(['verify', out, '--json', path.join(tmp, 'v.json')])).toEqual({ code: 2, lines: ['keyless: verify failed: boom: nothing was verified'] });
      expect(fs.existsSync(path.join(tmp, 'v.json'))).toBe(false);
    });

    test('a report file that cannot be written: the reason, exit 2', () => {
      file('out/app.template.json', { Resources: { DeployRole: githubRole('deploy', 'StringLike', 'repo:acme/*') } });
      mockReport = (output) => report([trust('aws:role:deploy', 'sound', 'DeployRole')], output);
      const target = path.join(tmp, 'no-such-dir', 'v.json');
      const result = run(['verify', out, '--json', target]);
      expect(result.code).toBe(2);
      expect(result.lines).toEqual([`keyless: --json ${target}: cannot be written (ENOENT: no such file or directory, open '${target}')`]);
    });
  });

  describe('exit codes and reports (stubbed verify)', () => {
    const template = () => file('out/app.template.json', {
      Resources: {
        DeployRole: githubRole('deploy', 'StringLike', 'repo:acme/*'),
        ReleaseRole: githubRole('release', 'StringEquals', 'repo:acme/app:ref:refs/heads/main'),
      },
    });

    test('a weak trust: exit 1, one line per trust, the counts; SARIF located at the role', () => {
      template();
      mockReport = (output) => report([trust('aws:role:deploy', 'weak', 'DeployRole'), trust('aws:role:release', 'sound', 'ReleaseRole')], output, ['a warning']);
      const [json, sarif, md] = ['v.json', 'v.sarif', 'v.md'].map((n) => path.join(tmp, n));
      expect(run(['verify', out, '--json', json, '--sarif', sarif, '--markdown', md])).toEqual({
        code: 1,
        lines: [
          'weak aws:role:deploy (out/app.template.json DeployRole): legitimate 1/1 admitted, forged 9/10 denied',
          '  forged token admitted (other-repository): another repository of the owner: iss=… sub=repo:acme/keyless-forged:ref:refs/heads/main aud=sts.amazonaws.com',
          'sound aws:role:release (out/app.template.json ReleaseRole): legitimate 1/1 admitted, forged 10/10 denied',
          'warning: a warning',
          'keyless verify: 2 trusts in 1 file: 1 weak, 0 broken, 0 not evaluable, 1 sound; 2 legitimate tokens, 20 forged tokens, 1 forged admitted (fails: weak or broken trusts)',
        ],
      });
      expect(JSON.parse(fs.readFileSync(json, 'utf8')).trusts.map((t: any) => t.id)).toEqual(['aws:role:deploy', 'aws:role:release']);
      expect(fs.readFileSync(md, 'utf8').split('\n').slice(0, 2)).toEqual(['<!-- keyless-verify -->', '## Keyless verify: forged-token evaluation']);
      const results = JSON.parse(fs.readFileSync(sarif, 'utf8')).runs[0].results;
      expect(results.map((r: any) => r.ruleId)).toEqual(['KL-V-FORGED-ADMITTED']);
      const line = results[0].locations[0].physicalLocation.region.startLine;
      expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('out/app.template.json');
      expect(fs.readFileSync(path.join(out, 'app.template.json'), 'utf8').split('\n')[line - 1]).toBe('    "DeployRole": {');
    });

    test('SARIF locates the trust in CloudFormation YAML, HCL and a plan', () => {
      file('out/app.template.yaml', [
        'Resources:',
        '  Other:',
        '    Type: AWS::SNS::Topic',
        '  DeployRole:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      RoleName: deploy',
        '',
      ].join('\n'));
      file('out/main.tf', ['variable "x" {', '  default = 1', '}', '', 'resource "aws_iam_role" "ci" {', '  name = "ci"', '}', ''].join('\n'));
      file('plan/plan.json', {
        format_version: '1.2',
        terraform_version: '1.9.0',
        planned_values: { root_module: { resources: [{ address: 'aws_iam_role.exporter', mode: 'managed', type: 'aws_iam_role', name: 'exporter', values: { name: 'exporter' } }] } },
      });
      const at = (id: string, f: string, resource: string): TrustResult => ({ ...trust(id, 'weak', resource), location: { file: f, resource } });
      mockReport = (output) => report([
        at('aws:role:deploy', 'out/app.template.yaml', 'DeployRole'),
        at('aws:role:ci', 'out/main.tf', 'aws_iam_role.ci'),
        at('aws:role:exporter', 'plan/plan.json', 'aws_iam_role.exporter'),
      ], output);
      const sarif = path.join(tmp, 'v.sarif');
      expect(run(['verify', out, path.join(tmp, 'plan', 'plan.json'), '--sarif', sarif]).code).toBe(1);
      const results = JSON.parse(fs.readFileSync(sarif, 'utf8')).runs[0].results;
      const lines = results.map((r: any) => {
        const { artifactLocation, region } = r.locations[0].physicalLocation;
        return [r.properties.trust, artifactLocation.uri, region.startLine];
      });
      expect(lines).toEqual([['aws:role:ci', 'out/main.tf', 5], ['aws:role:deploy', 'out/app.template.yaml', 4], ['aws:role:exporter', 'plan/plan.json', 8]]);
      expect(fs.readFileSync(path.join(tmp, 'plan', 'plan.json'), 'utf8').split('\n')[7]).toBe('          "address": "aws_iam_role.exporter",');
    });

    test('a broken trust: exit 1; sound and not evaluable trusts only: exit 0', () => {
      template();
      mockReport = (output) => report([trust('aws:role:deploy', 'broken', 'DeployRole')], output);
      expect(run(['verify', out]).code).toBe(1);
      mockReport = (output) => report([trust('aws:role:deploy', 'not-evaluable', 'DeployRole'), trust('aws:role:release', 'sound', 'ReleaseRole')], output);
      expect(run(['verify', out])).toEqual({
        code: 0,
        lines: [
          'not-evaluable aws:role:deploy (out/app.template.json DeployRole): not verified',
          'sound aws:role:release (out/app.template.json ReleaseRole): legitimate 1/1 admitted, forged 10/10 denied',
          'keyless verify: 2 trusts in 1 file: 0 weak, 0 broken, 1 not evaluable, 1 sound; 2 legitimate tokens, 20 forged tokens, 0 forged admitted',
        ],
      });
    });
  });

  describe('end to end (real verify)', () => {
    test('names the weak trust with the forged token that gets in and passes the sound one', () => {
      file('out/app.template.json', {
        Resources: {
          DeployRole: githubRole('deploy', 'StringLike', 'repo:acme/*'),
          ReleaseRole: githubRole('release', 'StringEquals', 'repo:acme/app:ref:refs/heads/main'),
        },
      });
      const [json, sarif, md] = ['v.json', 'v.sarif', 'v.md'].map((n) => path.join(tmp, n));
      const result = run(['verify', out, '--json', json, '--sarif', sarif, '--markdown', md]);
      expect(result.code).toBe(1);
      const parsed = JSON.parse(fs.readFileSync(json, 'utf8'));
      expect(parsed.trusts.map((t: any) => [t.id, t.location.resource, t.verdict, t.unpinned])).toEqual([
        ['aws:role:deploy', 'DeployRole', 'weak', true],
        ['aws:role:release', 'ReleaseRole', 'sound', false],
      ]);
      const [deploy, release] = parsed.trusts;
      // `repo:acme/*` admits any repository of acme, any ref, pull requests and any environment.
      const admitted = deploy.forged.filter((e: any) => e.decision.outcome === 'admitted');
      expect(admitted.map((e: any) => e.family)).toEqual([
        'repository-prefix', 'other-repository', 'other-branch', 'branch-prefix', 'tag', 'ref-case', 'pull-request', 'other-environment',
      ]);
      for (const e of admitted) expect(e.token.claims.sub).toMatch(/^repo:acme\//);
      expect(release.forged.filter((e: any) => e.decision.outcome === 'admitted')).toEqual([]);
      expect(release.counts.legitimateAdmitted).toBe(release.counts.legitimate);
      expect(result.lines[0]).toBe(`weak aws:role:deploy (out/app.template.json DeployRole): legitimate ${deploy.counts.legitimateAdmitted}/${deploy.counts.legitimate} admitted, `
        + `forged ${deploy.counts.forgedDenied}/${deploy.counts.forged} denied`);
      expect(result.lines.filter((l) => l.startsWith('  forged token admitted ('))).toHaveLength(8);
      expect(result.lines.at(-1)).toMatch(/^keyless verify: 2 trusts in 1 file: 1 weak, 0 broken, 0 not evaluable, 1 sound; .* 8 forged admitted \(fails: weak or broken trusts\)$/);
      const results = JSON.parse(fs.readFileSync(sarif, 'utf8')).runs[0].results;
      expect(results.map((r: any) => [r.ruleId, r.properties.trust])).toEqual([['KL-V-FORGED-ADMITTED', 'aws:role:deploy'], ['KL-V-UNPINNED', 'aws:role:deploy']]);
      const line = results[0].locations[0].physicalLocation.region.startLine;
      expect(fs.readFileSync(path.join(out, 'app.template.json'), 'utf8').split('\n')[line - 1]).toBe('    "DeployRole": {');
      const comment = fs.readFileSync(md, 'utf8').split('\n');
      const first = comment.findIndex((l) => l.startsWith('**Forged token admitted**'));
      expect(comment[first]).toMatch(/^\*\*Forged token admitted\*\* \(`repository-prefix`\): /);
      expect(comment[first + 5]).toMatch(/^\| `sub` \| `repo:acme\/[^`]+` \| `repo:acme\/[^`]+-forged:ref:refs\/heads\/[^`]+` \|$/);
    });

    test('without --json, the denied forged tokens are not kept: the lines, SARIF and Markdown are those written beside the JSON', () => {
      file('out/app.template.json', {
        Resources: {
          DeployRole: githubRole('deploy', 'StringLike', 'repo:acme/*'),
          ReleaseRole: githubRole('release', 'StringEquals', 'repo:acme/app:ref:refs/heads/main'),
        },
      });
      // The examples too: Kubernetes, GKE (shared-by-design variants), Azure and GCP trusts.
      for (const target of [out, synthesizedExamples()]) {
        const written = (args: string[], names: string[]) => {
          const result = run(['verify', target, ...args]);
          return { result, files: names.map((n) => fs.readFileSync(path.join(tmp, n), 'utf8')) };
        };
        mockOptions.length = 0;
        const all = written(['--json', path.join(tmp, 'a.json'), '--sarif', path.join(tmp, 'a.sarif'), '--markdown', path.join(tmp, 'a.md')], ['a.sarif', 'a.md']);
        const some = written(['--sarif', path.join(tmp, 's.sarif'), '--markdown', path.join(tmp, 's.md')], ['s.sarif', 's.md']);
        const none = run(['verify', target]);
        expect(mockOptions).toEqual([{}, { forged: 'admitted' }, { forged: 'admitted' }]);
        expect(some.files).toEqual(all.files);
        expect(some.result).toEqual(all.result);
        expect(none).toEqual(all.result);
        // The JSON keeps the denied forgeries the others leave out.
        const json = JSON.parse(fs.readFileSync(path.join(tmp, 'a.json'), 'utf8'));
        expect(json.trusts.some((t: any) => t.forged.some((e: any) => e.decision.outcome === 'denied'))).toBe(true);
      }
      const comment = fs.readFileSync(path.join(tmp, 'a.md'), 'utf8');
      expect(comment).toContain('shares the workload pool');
    });

    test('a sound trust only: exit 0', () => {
      file('out/app.template.json', { Resources: { ReleaseRole: githubRole('release', 'StringEquals', 'repo:acme/app:ref:refs/heads/main') } });
      const result = run(['verify', out]);
      expect(result.lines.at(-1)).toMatch(/^keyless verify: 1 trust in 1 file: 0 weak, 0 broken, 0 not evaluable, 1 sound; \d+ legitimate tokens, \d+ forged tokens, 0 forged admitted$/);
      expect(result.code).toBe(0);
    });
  });
});
