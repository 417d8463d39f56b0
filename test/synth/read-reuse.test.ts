import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diffInventories } from '../../src/inventory/diff';
import { diffJson, diffMarkdown } from '../../src/inventory/diff-report';
import { InventoryInput, readInventoryInput, readInventoryInputReusing } from '../../src/inventory/read';
import { buildInventory } from '../../src/inventory/records';
import { diffSarif, resourceLocator } from '../../src/inventory/sarif';
import { NeutralResource } from '../../src/synth/model';
import { ParsedTexts } from '../../src/synth/read-files';
import { synthesizedExamples } from '../helpers/examples';

const TODAY = '2026-11-22';

/** Freezes an object graph (strict-mode code that writes into it throws). */
function deepFreeze(value: unknown, seen = new Set<object>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child, seen);
}

/** What ParsedTexts keeps (private: read here to freeze it). */
function kept(parsed: ParsedTexts): Map<string, { documents: unknown[] | null }> {
  return (parsed as unknown as { parsed: Map<string, { documents: unknown[] | null }> }).parsed;
}

/** The three reports of a diff, as `keyless diff` writes them (SARIF located in the head's files). */
function reports(base: InventoryInput, head: InventoryInput) {
  const diff = diffInventories(buildInventory(base, { today: TODAY }), buildInventory(head, { today: TODAY }));
  const locators = new Map<string, (resource: string) => number | undefined>();
  const locate = (file: string, resource: string) => {
    const absolute = head.absoluteFile(file);
    if (absolute === undefined) return undefined;
    if (!locators.has(absolute)) locators.set(absolute, resourceLocator(fs.readFileSync(absolute, 'utf8')));
    return locators.get(absolute)!(resource);
  };
  return { summary: diff.summary, json: diffJson(diff), markdown: diffMarkdown(diff), sarif: JSON.stringify(diffSarif(diff, { locate })) };
}

const resourceIn = (input: InventoryInput, file: string, id: string): NeutralResource => {
  const found = input.resources.find((r) => r.file === file && r.id === id);
  if (!found) throw new Error(`no resource ${id} in ${file}`);
  return found;
};

/**
 * keyless diff reads the head side with the base side's parsed files (ParsedTexts): a head file whose text is the
 * base's takes the base's documents. The diff must be the one two separate reads give, and nothing may write into a
 * shared document.
 */
describe('keyless diff: the head side reuses the base side\'s parsed files', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-read-reuse-'));
  const base = path.join(scratch, 'base', 'out');
  const head = path.join(scratch, 'head', 'out');
  beforeAll(() => {
    const out = synthesizedExamples();
    fs.cpSync(out, base, { recursive: true });
    fs.cpSync(out, head, { recursive: true });
    // A role removed from one template, a service account renamed in one manifest, one Terraform stack gone, and one
    // template rewritten with other whitespace (the same documents, another text).
    const ci = path.join(head, 'aws', 'platform-ci-aws.template.json');
    const template = JSON.parse(fs.readFileSync(ci, 'utf8'));
    delete template.Resources.LedgerDeployRoleB7EBCBA9;
    fs.writeFileSync(ci, JSON.stringify(template, null, 1));
    const eks = path.join(head, 'k8s', 'payments-api-eks.k8s.yaml');
    fs.writeFileSync(eks, fs.readFileSync(eks, 'utf8').replace(/^ {2}name: payments-api$/m, '  name: payments-api-renamed'));
    fs.rmSync(path.join(head, 'terraform', 'stacks', 'team-checkout-gcp'), { recursive: true });
    const manifest = path.join(head, 'terraform', 'manifest.json');
    const stacks = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    delete stacks.stacks['team-checkout-gcp'];
    fs.writeFileSync(manifest, JSON.stringify(stacks, null, 2));
    const publish = path.join(head, 'aws', 'platform-publish-aws.template.json');
    fs.writeFileSync(publish, `${JSON.stringify(JSON.parse(fs.readFileSync(publish, 'utf8')))}\n`);
  });
  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('the diff, Markdown and SARIF are those of two separate reads, with every shared document frozen', () => {
    const expected = reports(readInventoryInput([base]), readInventoryInput([head]));
    // The edits above are seen: not a comparison of two empty diffs.
    expect(expected.summary.removed).toBeGreaterThanOrEqual(2);
    expect(expected.summary.added).toBeGreaterThanOrEqual(1);
    expect(expected.summary.unchanged).toBeGreaterThan(10);

    const parsed = new ParsedTexts();
    const baseInput = readInventoryInputReusing([base], parsed);
    // Every JSON and YAML file below the base is kept (those with no identity resource as null), and frozen.
    const files = fs.readdirSync(base, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.(json|ya?ml)$/.test(e.name));
    expect(kept(parsed).size).toBe(files.length);
    for (const { documents } of kept(parsed).values()) deepFreeze(documents);
    const headInput = readInventoryInputReusing([head], parsed.reuse());
    expect(reports(baseInput, headInput)).toEqual(expected);
    // Each file the head looks up is let go, reused or not: what remains is what the head no longer has.
    expect([...kept(parsed).keys()]).toEqual(['terraform/stacks/team-checkout-gcp/cdk.tf.json']);
  });

  test('a file with the same text shares its documents; another text, even the same documents, is parsed again', () => {
    const parsed = new ParsedTexts();
    const baseInput = readInventoryInputReusing([base], parsed);
    const headInput = readInventoryInputReusing([head], parsed.reuse());
    const same = 'out/aws/platform-break-glass-aws.template.json';
    const role = baseInput.resources.find((r) => r.file === same && r.type === 'AWS::IAM::Role')!;
    expect(resourceIn(headInput, same, role.id).properties).toBe(role.properties);
    const rewritten = 'out/aws/platform-publish-aws.template.json';
    const publishRole = baseInput.resources.find((r) => r.file === rewritten && r.type === 'AWS::IAM::Role')!;
    const headRole = resourceIn(headInput, rewritten, publishRole.id);
    expect(headRole.properties).not.toBe(publishRole.properties);
    expect(headRole.properties).toEqual(publishRole.properties);
    // Without a ParsedTexts, or while it keeps, nothing is shared.
    expect(resourceIn(readInventoryInput([head]), same, role.id).properties).not.toBe(role.properties);
  });

  test('a file kept as holding no identity resource is read again when its text changes', () => {
    const dir = path.join(scratch, 'kinds');
    const one = path.join(dir, 'one', 'out');
    const two = path.join(dir, 'two', 'out');
    fs.mkdirSync(one, { recursive: true });
    fs.mkdirSync(two, { recursive: true });
    const role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } } };
    fs.writeFileSync(path.join(one, 'stack.json'), JSON.stringify({ Resources: { Role: role } }));
    fs.writeFileSync(path.join(two, 'stack.json'), JSON.stringify({ Resources: { Role: role } }));
    fs.writeFileSync(path.join(one, 'notes.json'), JSON.stringify({ not: 'a template' }));
    fs.writeFileSync(path.join(two, 'notes.json'), JSON.stringify({ Resources: { Other: role } }));
    const parsed = new ParsedTexts();
    expect(readInventoryInputReusing([one], parsed).resources.map((r) => `${r.file} ${r.id}`)).toEqual(['out/stack.json Role']);
    expect(kept(parsed).get('notes.json')?.documents).toBeNull();
    expect(readInventoryInputReusing([two], parsed.reuse()).resources.map((r) => `${r.file} ${r.id}`))
      .toEqual(['out/notes.json Other', 'out/stack.json Role']);
  });
});
