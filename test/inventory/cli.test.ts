import * as fs from 'fs';
// The module object itself (not the namespace copy), so that a spy is seen by every importer.
import nodeFs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/keyless';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'inventory');
const BASE = path.join(FIXTURES, 'base');
const HEAD = path.join(FIXTURES, 'head');
const FORMATS = 'a CloudFormation template (JSON or YAML with `Resources`), Terraform (HCL `*.tf`, `*.tf.json` or JSON of Terraform blocks), '
  + 'a `terraform show -json` plan or state, or a Kubernetes manifest';

function run(argv: string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = main(argv, (line) => lines.push(...line.split('\n')));
  return { code, lines };
}

describe('keyless inventory and keyless diff', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-inventory-'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const file = (name: string, content: string): string => {
    const p = path.join(tmp, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    return p;
  };

  describe('inventory', () => {
    test('writes JSON, CSV and Markdown and prints the metrics', () => {
      const [json, csv, md] = ['inventory.json', 'inventory.csv', 'report.md'].map((n) => path.join(tmp, n));
      const result = run(['inventory', BASE, '--json', json, '--csv', csv, '--markdown', md, '--today', '2026-11-22']);
      expect(result).toEqual({
        code: 0,
        lines: ['keyless inventory: 13 identities (0 referenced only) in 6 files; static credentials 2/12, owned 8/13, wildcards 3, blast radius 16 (max 3), '
          + 'privileged 1, exception debt 0, review overdue 0'],
      });
      expect(JSON.parse(fs.readFileSync(json, 'utf8')).identities).toHaveLength(13);
      expect(fs.readFileSync(csv, 'utf8').startsWith('id,cloud,kind,name,')).toBe(true);
      expect(fs.readFileSync(md, 'utf8').startsWith('# Identity inventory\n')).toBe(true);
    });

    test('without an output file, prints the Markdown report', () => {
      const result = run(['inventory', BASE, '--today', '2026-11-22']);
      expect(result.code).toBe(0);
      expect(result.lines[0]).toBe('# Identity inventory');
      expect(result.lines).toContain('| Privileged identities | 1: `gcp:break-glass-binding:group:sre@example.com` |');
    });

    test('counts live exceptions as debt', () => {
      const exceptions = file('exceptions.json', JSON.stringify([{
        ruleId: 'KL-G-STATIC-CREDENTIAL', resource: 'google_service_account_key.exporter', reason: 'exporter migrates to federation in Q1', owner: 'team-data', expires: '2027-01-31',
      }]));
      const result = run(['inventory', BASE, '--exceptions', exceptions, '--today', '2026-11-22', '--json', path.join(tmp, 'i.json')]);
      expect(result.lines[0]).toMatch(/exception debt 1,/);
    });
  });

  describe('diff', () => {
    test('--fail-on broadening exits 1 and writes the comment, the JSON and the SARIF', () => {
      const [md, json, sarif] = ['diff.md', 'diff.json', 'diff.sarif'].map((n) => path.join(tmp, n));
      const result = run(['diff', BASE, HEAD, '--markdown', md, '--json', json, '--sarif', sarif, '--fail-on', 'broadening', '--today', '2026-11-22']);
      expect(result).toEqual({
        code: 1,
        lines: ['keyless diff: 9 broadened, 1 added, 1 removed, 1 narrowed, 0 otherwise changed, 2 unchanged (fails --fail-on broadening)'],
      });
      expect(fs.readFileSync(md, 'utf8').split('\n')[0]).toBe('<!-- keyless-identity-diff -->');
      expect(JSON.parse(fs.readFileSync(json, 'utf8')).summary.broadened).toBe(9);
      const results = JSON.parse(fs.readFileSync(sarif, 'utf8')).runs[0].results;
      const location = results.find((r: any) => r.ruleId === 'KL-D-STATIC-CREDENTIAL').locations[0].physicalLocation;
      expect(location).toEqual({ artifactLocation: { uri: 'head/aws/app.template.json' }, region: { startLine: 62 } });
      expect(fs.readFileSync(path.join(HEAD, 'aws', 'app.template.json'), 'utf8').split('\n')[61]).toBe('    "LegacyCiUser": {');
    });

    test('without a gate exits 0 and prints the comment', () => {
      const result = run(['diff', BASE, HEAD, '--today', '2026-11-22']);
      expect(result.code).toBe(0);
      expect(result.lines[0]).toBe('<!-- keyless-identity-diff -->');
      expect(result.lines[result.lines.length - 1]).toBe('keyless diff: 9 broadened, 1 added, 1 removed, 1 narrowed, 0 otherwise changed, 2 unchanged');
    });

    test('--fail-on any fails on narrowing too; identical output passes every gate', () => {
      expect(run(['diff', HEAD, HEAD, '--fail-on', 'any', '--today', '2026-11-22']).code).toBe(0);
      const same = run(['diff', BASE, BASE, '--fail-on', 'broadening', '--today', '2026-11-22']);
      expect(same.code).toBe(0);
      expect(same.lines).toContain('**No identity changes.** Base: 13 identities in 6 files; head: 13 identities in 6 files.');
    });
  });

  describe('bad input: exit 2 with the reason, never "no changes"', () => {
    test.each([
      ['one path', ['diff', BASE], `keyless: ${BASE} is a directory: one path is a Terraform plan (\`terraform show -json plan.out > plan.json\`); to compare two outputs, give BASE and HEAD. usage: keyless diff BASE HEAD|PLAN.json [--markdown FILE] [--json FILE] [--sarif FILE] [--fail-on broadening|any|never] [--today YYYY-MM-DD]`],
      ['an unknown gate', ['diff', BASE, HEAD, '--fail-on', 'sometimes'], 'keyless: --fail-on is "sometimes": expected broadening, any or never'],
      ['a bad date', ['inventory', BASE, '--today', '22/11/2026'], 'keyless: --today is "22/11/2026": expected a calendar date written as YYYY-MM-DD'],
      ['an impossible date', ['inventory', BASE, '--today', '2026-13-45'], 'keyless: --today is "2026-13-45": expected a calendar date written as YYYY-MM-DD'],
      ['an unknown option', ['inventory', BASE, '--format', 'xml'], 'keyless: unknown option --format. usage: keyless inventory DIR|FILE… [--json FILE] [--csv FILE] [--markdown FILE] [--exceptions FILE.json] [--today YYYY-MM-DD]'],
      ['an option without value', ['diff', BASE, HEAD, '--sarif'], 'keyless: --sarif needs a value. usage: keyless diff BASE HEAD|PLAN.json [--markdown FILE] [--json FILE] [--sarif FILE] [--fail-on broadening|any|never] [--today YYYY-MM-DD]'],
      ['no path', ['inventory'], 'keyless: no directory or file given. usage: keyless inventory DIR|FILE… [--json FILE] [--csv FILE] [--markdown FILE] [--exceptions FILE.json] [--today YYYY-MM-DD]'],
    ])('usage: %s', (_name, argv, message) => {
      expect(run(argv)).toEqual({ code: 2, lines: [message] });
    });

    test('a report file that cannot be written: the reason, exit 2, never a stack trace (check, inventory, diff)', () => {
      const target = path.join(tmp, 'no-such-dir', 'report.json');
      const reason = `cannot be written (ENOENT: no such file or directory, open '${target}')`;
      expect(run(['check', BASE, '--report', target, '--today', '2026-11-22'])).toMatchObject({ code: 2, lines: expect.arrayContaining([`keyless: --report ${target}: ${reason}`]) });
      for (const option of ['--json', '--csv', '--markdown']) {
        expect(run(['inventory', BASE, option, target, '--today', '2026-11-22'])).toEqual({ code: 2, lines: [`keyless: ${option} ${target}: ${reason}`] });
      }
      for (const option of ['--json', '--markdown', '--sarif']) {
        expect(run(['diff', BASE, HEAD, option, target, '--today', '2026-11-22'])).toEqual({ code: 2, lines: [`keyless: ${option} ${target}: ${reason}`] });
      }
    });

    test('a missing base', () => {
      const missing = path.join(tmp, 'base', 'out');
      expect(run(['diff', missing, HEAD, '--fail-on', 'broadening'])).toEqual({ code: 2, lines: [`keyless: base: ${missing}: no such file or directory: cannot compare`] });
    });

    test('an empty head (the synthesis produced nothing)', () => {
      const empty = path.join(tmp, 'head');
      fs.mkdirSync(empty);
      expect(run(['diff', BASE, empty, '--fail-on', 'broadening'])).toEqual({
        code: 2, lines: [`keyless: head: ${empty}: no identity output found: expected ${FORMATS} below it: cannot compare`],
      });
    });

    test('a directory of unrelated JSON only', () => {
      file('out/notes.json', '{"hello": "world"}');
      expect(run(['inventory', path.join(tmp, 'out')])).toEqual({
        code: 2,
        lines: [`keyless: ${path.join(tmp, 'out')}: no identity output found: expected ${FORMATS} below it`],
      });
    });

    test('a directory of unrelated JSON and Terraform HCL: the HCL is read', () => {
      file('hcl/notes.json', '{"hello": "world"}');
      file('hcl/main.tf', 'resource "aws_iam_role" "x" {\n  name = "x"\n}\n');
      const result = run(['inventory', path.join(tmp, 'hcl')]);
      expect(result.code).toBe(0);
      expect(result.lines.join('\n')).toMatch(/aws_iam_role\.x/);
    });

    test('a single file in an unknown format', () => {
      const notes = file('notes.json', '{"hello": "world"}');
      expect(run(['inventory', notes])).toEqual({ code: 2, lines: [`keyless: ${notes}: unknown format: expected ${FORMATS}`] });
    });

    test('a truncated template (unparseable JSON)', () => {
      const template = file('out/aws/app.template.json', '{"Resources": {"Role": {"Type": "AWS::IAM::Role", ');
      const result = run(['diff', BASE, path.join(tmp, 'out')]);
      expect(result.code).toBe(2);
      expect(result.lines).toHaveLength(1);
      expect(result.lines[0]).toMatch(new RegExp(`^keyless: head: ${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot be parsed as JSON \\(.+\\): cannot compare$`));
    });

    test('unparseable YAML', () => {
      const manifest = file('k8s/app.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app\n');
      const result = run(['inventory', path.join(tmp, 'k8s')]);
      expect(result.code).toBe(2);
      expect(result.lines[0].startsWith(`keyless: ${manifest}: cannot be parsed as YAML (`)).toBe(true);
    });

    test('a partial cloud assembly: the manifest lists a template that is missing', () => {
      const out = path.join(tmp, 'out', 'aws');
      file('out/aws/manifest.json', JSON.stringify({ artifacts: { app: { type: 'aws:cloudformation:stack', properties: { templateFile: 'app.template.json' } } } }));
      fs.copyFileSync(path.join(BASE, 'aws', 'legacy.template.yaml'), path.join(out, 'legacy.template.yaml'));
      expect(run(['diff', BASE, path.join(tmp, 'out')])).toEqual({
        code: 2, lines: [`keyless: head: ${path.join(out, 'manifest.json')}: lists app.template.json, which is missing: the output is partial (re-run the synthesis): cannot compare`],
      });
    });

    test('a partial cdktf output: a stack listed in manifest.json has no cdk.tf.json', () => {
      const out = path.join(tmp, 'terraform');
      file('terraform/manifest.json', JSON.stringify({ stacks: { app: { synthesizedStackPath: 'stacks/app/cdk.tf.json' } } }));
      fs.copyFileSync(path.join(BASE, 'terraform', 'gcp.tf.json'), path.join(out, 'gcp.tf.json'));
      expect(run(['inventory', out])).toEqual({
        code: 2, lines: [`keyless: ${path.join(out, 'manifest.json')}: lists stacks/app/cdk.tf.json, which is missing: the output is partial (re-run the synthesis)`],
      });
    });

    test('an unreadable file', () => {
      const template = file('out/app.template.json', fs.readFileSync(path.join(BASE, 'aws', 'app.template.json'), 'utf8'));
      const read = nodeFs.readFileSync;
      jest.spyOn(nodeFs, 'readFileSync').mockImplementation(((p: fs.PathOrFileDescriptor, options?: any) => {
        if (p === template) throw Object.assign(new Error(`EACCES: permission denied, open '${template}'`), { code: 'EACCES' });
        return read(p, options);
      }) as typeof fs.readFileSync);
      expect(run(['diff', BASE, path.join(tmp, 'out')])).toEqual({
        code: 2, lines: [`keyless: head: ${path.join(tmp, 'out')}: cannot be read (EACCES: permission denied, open '${template}'): cannot compare`],
      });
    });
  });

  test('check still works as before', () => {
    const result = run(['check', BASE, '--today', '2026-11-22']);
    expect(result.code).toBe(1);
    expect(result.lines[result.lines.length - 1]).toMatch(/^keyless check: \d+ resources in 6 files, \d+ findings, 0 excepted, 0 exception errors$/);
    expect(run(['scan', BASE]).lines[0]).toBe('usage: keyless check DIR|FILE… [--exceptions FILE.json] [--report FILE.json] [--mode error|report] [--today YYYY-MM-DD]');
    expect(run(['scan', BASE]).code).toBe(2);
  });
});
