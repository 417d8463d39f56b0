/**
 * `keyless check`: one line per finding (rule, file, type, resource, [finding key], message, fix), exit 1 on any
 * finding not covered by a live exception or any exception error, 2 on unusable input, a JSON report with the keys.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../src/cli/keyless';
import { ALL_RULES } from '../../src/guardrails';

const TODAY = '2026-11-22';
const USAGE = 'usage: keyless check DIR|FILE… [--exceptions FILE.json] [--report FILE.json] [--mode error|report] [--today YYYY-MM-DD]';
const INVENTORY_USAGE = 'usage: keyless inventory DIR|FILE… [--json FILE] [--csv FILE] [--markdown FILE] [--exceptions FILE.json] [--today YYYY-MM-DD]';
const DIFF_USAGE = 'usage: keyless diff BASE HEAD|PLAN.json [--markdown FILE] [--json FILE] [--sarif FILE] [--fail-on broadening|any|never] [--today YYYY-MM-DD]';
const VERIFY_USAGE = 'usage: keyless verify DIR|FILE… [--json FILE] [--sarif FILE] [--markdown FILE]';
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'guardrails');
const STATIC_FIX = 'remove the credential and use federation: CiOidcTrust for CI, WorkloadIdentity for workloads';

const tmpdirs: string[] = [];
function tmpdir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keyless-check-${prefix}-`));
  tmpdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpdirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI, collecting its output lines. */
function run(argv: string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = main(argv, (l) => lines.push(l));
  return { code, lines };
}

describe('keyless check (CLI)', () => {
  const LEGACY_TEMPLATE = {
    Resources: {
      CiUser: {
        Type: 'AWS::IAM::User',
        Properties: {
          Tags: [
            { Key: 'keyless:owner', Value: 'team-platform' },
            { Key: 'keyless:environment', Value: 'production' },
            { Key: 'keyless:review-by', Value: '2027-03-31' },
          ],
        },
      },
      CiKey: { Type: 'AWS::IAM::AccessKey', Properties: { UserName: { Ref: 'CiUser' } } },
    },
  };
  let legacy: string;
  let label: string;
  let findingLine: string;
  let exceptionsDir: string;

  beforeAll(() => {
    legacy = tmpdir('legacy');
    label = path.basename(legacy);
    fs.writeFileSync(path.join(legacy, 'legacy.template.json'), JSON.stringify(LEGACY_TEMPLATE, null, 2));
    findingLine = `KL-G-STATIC-CREDENTIAL ${label}/legacy.template.json AWS::IAM::AccessKey CiKey [Credential::AWS::IAM::AccessKey]: an IAM access key. Fix: ${STATIC_FIX}`;
    exceptionsDir = tmpdir('exceptions');
  });

  const writeExceptions = (name: string, content: unknown): string => {
    const file = path.join(exceptionsDir, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  test('exit 0 and a summary on clean output', () => {
    expect(run(['check', path.join(FIXTURES, 'secure'), '--today', TODAY])).toEqual({
      code: 0,
      lines: ['keyless check: 29 resources in 6 files, 0 findings, 0 excepted, 0 exception errors'],
    });
  });

  test('exit 1 on a finding, printed as RULEID FILE TYPE ID [KEY]: MESSAGE. Fix: FIX', () => {
    expect(run(['check', legacy, '--today', TODAY])).toEqual({
      code: 1,
      lines: [findingLine, 'keyless check: 2 resources in 1 files, 1 findings, 0 excepted, 0 exception errors'],
    });
  });

  test('a single file can be checked', () => {
    expect(run(['check', path.join(legacy, 'legacy.template.json'), '--today', TODAY]).lines[0]).toBe(findingLine);
  });

  test('every finding of the insecure corpus is one line in the exact format, then the summary', () => {
    const { code, lines } = run(['check', path.join(FIXTURES, 'insecure'), '--today', TODAY]);
    expect(code).toBe(1);
    const summary = lines.pop();
    expect(summary).toBe(`keyless check: 74 resources in 16 files, ${lines.length} findings, 0 excepted, 0 exception errors`);
    expect(lines.length).toBeGreaterThanOrEqual(70);
    const fixes = new Map(ALL_RULES.map((r) => [r.id, r.fix]));
    for (const l of lines) {
      const match = /^(KL-G-[A-Z0-9-]+) (insecure\/\S+) (\S+) (\S+) \[((?:[A-Z][A-Za-z]*\[\d+\]\.)?[A-Z][A-Za-z]*::.*?)\]: (.+)\. Fix: (.+)$/.exec(l);
      expect(match).not.toBeNull();
      expect(match![7]).toBe(fixes.get(match![1]));
    }
    expect(lines).toContain(
      'KL-G-K8S-CLUSTER-ADMIN insecure/k8s-rbac.yaml ClusterRoleBinding deployer-cluster-admin [RoleRef::cluster-admin]: ClusterRoleBinding to cluster-admin. Fix: bind a Role or ClusterRole with the exact permissions needed',
    );
  });

  test('--today decides review-by and expiry', () => {
    const { code, lines } = run(['check', legacy, '--today', '2027-04-01']);
    expect(code).toBe(1);
    expect(lines).toContain(`KL-G-OWNERSHIP ${label}/legacy.template.json AWS::IAM::User CiUser [ReviewBy::2027-03-31]: review-by 2027-03-31 has passed (today is 2027-04-01). Fix: ${ALL_RULES.find((r) => r.id === 'KL-G-OWNERSHIP')!.fix}`);
  });

  test('--mode report prints the findings and exits 0', () => {
    expect(run(['check', legacy, '--mode', 'report', '--today', TODAY])).toEqual({
      code: 0,
      lines: [findingLine, 'keyless check: 2 resources in 1 files, 1 findings, 0 excepted, 0 exception errors'],
    });
  });

  test('--exceptions FILE: a live exception is listed as excepted and the check passes', () => {
    const file = writeExceptions('live.json', [{
      ruleId: 'KL-G-STATIC-CREDENTIAL', resource: 'CiKey', reason: 'vendor integration without OIDC support', owner: 'team-platform', expires: '2027-01-31',
    }]);
    expect(run(['check', legacy, '--exceptions', file, '--today', TODAY])).toEqual({
      code: 0,
      lines: [
        `excepted KL-G-STATIC-CREDENTIAL ${label}/legacy.template.json CiKey [Credential::AWS::IAM::AccessKey]: an IAM access key (owner team-platform, until 2027-01-31: vendor integration without OIDC support)`,
        'keyless check: 2 resources in 1 files, 0 findings, 1 excepted, 0 exception errors',
      ],
    });
  });

  test('--exceptions FILE: an expired exception is an error, and the finding is back', () => {
    const file = writeExceptions('expired.json', [{
      ruleId: 'KL-G-STATIC-CREDENTIAL', resource: `${label}/legacy.template.json:CiKey`, reason: 'vendor integration without OIDC support', owner: 'team-platform', expires: '2026-01-31',
    }]);
    expect(run(['check', legacy, '--exceptions', file, '--today', TODAY])).toEqual({
      code: 1,
      lines: [
        findingLine,
        `KL-G-EXCEPTION exceptions[0]: the exception to KL-G-STATIC-CREDENTIAL for ${label}/legacy.template.json:CiKey (owner team-platform) expired on 2026-01-31: fix the finding, or renew the exception with a new reason and date`,
        'keyless check: 2 resources in 1 files, 1 findings, 0 excepted, 1 exception errors',
      ],
    });
  });

  test('--exceptions FILE: an invalid exception fails the check even when it covers the finding', () => {
    const file = writeExceptions('invalid.json', [{ ruleId: 'KL-G-STATIC-CREDENTIAL', resource: 'CiKey', reason: 'legacy', owner: 'team-platform', expires: '2027-01-31' }]);
    const { code, lines } = run(['check', legacy, '--exceptions', file, '--today', TODAY]);
    expect(code).toBe(1);
    // An invalid exception covers nothing: the finding stands, and the exception itself is an error.
    expect(lines).toEqual([
      findingLine,
      'KL-G-EXCEPTION exceptions[0]: `reason` is "legacy": give a reason of at least 10 characters',
      'keyless check: 2 resources in 1 files, 1 findings, 0 excepted, 1 exception errors',
    ]);
  });

  test('--exceptions FILE: an exception for one finding key covers that finding, named with its key', () => {
    const file = writeExceptions('keyed.json', [{
      ruleId: 'KL-G-STATIC-CREDENTIAL',
      resource: 'CiKey',
      findingKey: 'Credential::AWS::IAM::AccessKey',
      reason: 'vendor integration without OIDC support',
      owner: 'team-platform',
      expires: '2027-01-31',
    }]);
    expect(run(['check', legacy, '--exceptions', file, '--today', TODAY])).toEqual({
      code: 0,
      lines: [
        `excepted KL-G-STATIC-CREDENTIAL ${label}/legacy.template.json CiKey [Credential::AWS::IAM::AccessKey]: an IAM access key (owner team-platform, until 2027-01-31: vendor integration without OIDC support)`,
        'keyless check: 2 resources in 1 files, 0 findings, 1 excepted, 0 exception errors',
      ],
    });
    const other = writeExceptions('other-key.json', [{
      ruleId: 'KL-G-STATIC-CREDENTIAL',
      resource: 'CiKey',
      findingKey: 'Credential::LoginProfile',
      reason: 'vendor integration without OIDC support',
      owner: 'team-platform',
      expires: '2027-01-31',
    }]);
    expect(run(['check', legacy, '--exceptions', other, '--today', TODAY])).toEqual({
      code: 1,
      lines: [findingLine, 'keyless check: 2 resources in 1 files, 1 findings, 0 excepted, 0 exception errors'],
    });
  });

  test('--exceptions FILE: an exception living longer than the tier allows is an error (exit 1), and the finding is back', () => {
    const file = writeExceptions('too-long.json', [{
      ruleId: 'KL-G-STATIC-CREDENTIAL', resource: 'CiKey', reason: 'vendor integration without OIDC support', owner: 'team-platform', expires: '2035-12-31',
    }]);
    expect(run(['check', legacy, '--exceptions', file, '--today', TODAY])).toEqual({
      code: 1,
      lines: [
        findingLine,
        'KL-G-EXCEPTION exceptions[0]: the exception to KL-G-STATIC-CREDENTIAL for CiKey (owner team-platform) expires on 2035-12-31, 3326 days after today (2026-11-22): '
        + 'CiKey declares no tier, so tier 1 applies, and a tier 1 exception lives at most 90 days: set `expires` on or before 2027-02-20, or fix the finding',
        'keyless check: 2 resources in 1 files, 1 findings, 0 excepted, 1 exception errors',
      ],
    });
    // --mode report prints the same and exits 0.
    expect(run(['check', legacy, '--exceptions', file, '--mode', 'report', '--today', TODAY]).code).toBe(0);
  });

  test('--exceptions FILE that is not JSON: exit 2', () => {
    const text = '[{ ruleId: KL-G-STATIC-CREDENTIAL }]';
    const file = writeExceptions('broken.json', text);
    let parseError = '';
    try {
      JSON.parse(text);
    } catch (error) {
      parseError = (error as Error).message;
    }
    expect(run(['check', legacy, '--exceptions', file, '--today', TODAY])).toEqual({ code: 2, lines: [`keyless: ${file}: cannot read the exceptions (${parseError})`] });
  });

  test('--report FILE writes the JSON report', () => {
    const reportFile = path.join(tmpdir('report'), 'guardrails.json');
    expect(run(['check', legacy, '--report', reportFile, '--today', TODAY]).code).toBe(1);
    expect(JSON.parse(fs.readFileSync(reportFile, 'utf8'))).toEqual({
      files: [{ file: `${label}/legacy.template.json`, format: 'cloudformation' }],
      findings: [{
        ruleId: 'KL-G-STATIC-CREDENTIAL',
        file: `${label}/legacy.template.json`,
        type: 'AWS::IAM::AccessKey',
        resource: 'CiKey',
        key: 'Credential::AWS::IAM::AccessKey',
        message: 'an IAM access key',
        fix: STATIC_FIX,
      }],
      excepted: [],
      exceptionErrors: [],
      resourcesChecked: 2,
    });
  });

  test('exit 2 when no recognisable file is found (nothing was checked is not "no findings")', () => {
    const empty = tmpdir('empty');
    expect(run(['check', empty, '--today', TODAY])).toEqual({
      code: 2,
      lines: [`keyless: no CloudFormation template, Terraform configuration (JSON or HCL), plan or state, or Kubernetes manifest found in ${empty}: nothing was checked`],
    });
    const other = tmpdir('other');
    fs.writeFileSync(path.join(other, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts: {} }));
    fs.writeFileSync(path.join(other, 'values.yaml'), 'replicas: 2\nimage: acme/app\n');
    fs.writeFileSync(path.join(other, 'README.md'), '# not output\n');
    expect(run(['check', other, '--today', TODAY])).toEqual({
      code: 2,
      lines: [`keyless: no CloudFormation template, Terraform configuration (JSON or HCL), plan or state, or Kubernetes manifest found in ${other}: nothing was checked`],
    });
    // Terraform HCL beside them is read (issue 16): it was "nothing was checked" before.
    fs.writeFileSync(path.join(other, 'main.tf'), 'resource "aws_iam_access_key" "k" { user = "ci" }\n');
    expect(run(['check', other, '--today', TODAY])).toEqual({
      code: 1,
      lines: [
        `KL-G-STATIC-CREDENTIAL ${path.basename(other)}/main.tf aws_iam_access_key aws_iam_access_key.k [Credential::aws_iam_access_key]: an IAM access key. `
          + 'Fix: remove the credential and use federation: CiOidcTrust for CI, WorkloadIdentity for workloads',
        'keyless check: 1 resources in 1 files, 1 findings, 0 excepted, 0 exception errors',
      ],
    });
  });

  test('exit 2 on a JSON file that cannot be parsed', () => {
    const dir = tmpdir('bad-json');
    fs.writeFileSync(path.join(dir, 'ok.template.json'), JSON.stringify(LEGACY_TEMPLATE));
    const text = '{ "Resources": { "CiKey": { "Type": "AWS::IAM::AccessKey", } }';
    fs.writeFileSync(path.join(dir, 'broken.template.json'), text);
    let parseError = '';
    try {
      JSON.parse(text);
    } catch (error) {
      parseError = (error as Error).message.split('\n')[0];
    }
    expect(run(['check', dir, '--today', TODAY])).toEqual({
      code: 2,
      lines: [`keyless: ${path.join(dir, 'broken.template.json')}: cannot be parsed as JSON (${parseError})`],
    });
  });

  test('exit 2 on a YAML file that cannot be parsed', () => {
    const dir = tmpdir('bad-yaml');
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n   namespace: b\n';
    fs.writeFileSync(path.join(dir, 'pod.yaml'), text);
    const parseError = parseAllDocuments(text).flatMap((d) => d.errors)[0].message.split('\n')[0];
    expect(run(['check', dir, '--today', TODAY])).toEqual({
      code: 2,
      lines: [`keyless: ${path.join(dir, 'pod.yaml')}: cannot be parsed as YAML (${parseError})`],
    });
  });

  test('exit 2 on a path that does not exist', () => {
    const missing = path.join(os.tmpdir(), 'keyless-guardrails-does-not-exist', 'out');
    expect(run(['check', missing, '--today', TODAY])).toEqual({ code: 2, lines: [`keyless: ${missing}: no such file or directory`] });
  });

  test.each<[string, string[], string[]]>([
    ['no command', [], [USAGE, INVENTORY_USAGE, DIFF_USAGE, VERIFY_USAGE]],
    ['another command', ['scan', 'out'], [USAGE, INVENTORY_USAGE, DIFF_USAGE, VERIFY_USAGE]],
    ['no path', ['check'], [USAGE]],
    ['only options', ['check', '--mode', 'report'], [USAGE]],
    ['an unknown mode', ['check', 'out', '--mode', 'strict'], [USAGE]],
    ['an unknown option', ['check', 'out', '--verbose'], [`keyless: unknown option --verbose. ${USAGE}`]],
  ])('exit 2 and the usage on bad usage: %s', (_name, argv, lines) => {
    expect(run(argv)).toEqual({ code: 2, lines });
  });

  // CLI bugs: the documented contract is "exits 2 on unusable input", but these inputs throw out of main() (a stack
  // trace and exit code 1 from node, indistinguishable from "findings").

  // value() throws UnreadableInputError while the options are parsed, before the try/catch that turns it into exit 2.
  test('an option without its value exits 2 with the usage', () => {
    expect(run(['check', legacy, '--exceptions'])).toEqual({ code: 2, lines: [`keyless: --exceptions needs a value. ${USAGE}`] });
  });

  // fs.readFileSync's ENOENT is neither UnreadableInputError nor SyntaxError, so it is rethrown.
  test('an exceptions file that does not exist exits 2', () => {
    expect(run(['check', legacy, '--exceptions', path.join(exceptionsDir, 'missing.json'), '--today', TODAY]).code).toBe(2);
  });

  // The parsed file is used as an array without a check: `{}` makes evaluate() throw a TypeError.
  test('an exceptions file that is not a JSON array exits 2', () => {
    const file = writeExceptions('object.json', { ruleId: 'KL-G-STATIC-CREDENTIAL', resource: 'CiKey' });
    expect(run(['check', legacy, '--exceptions', file, '--today', TODAY]).code).toBe(2);
  });
});

