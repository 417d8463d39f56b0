/**
 * One mechanism, everywhere: every cdktf provider resource Keyless creates takes its configuration through
 * `terraformConfig` (src/constructs/private/terraform.ts), so that no string reaches Terraform as a template.
 * Read from the source, so that a new resource written without it fails here before any payload finds it.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { Construct } from 'constructs';
import { terraformConfig } from '../../src/constructs/private/terraform';

const SRC = join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `new Class(scope, id, config)` of every class imported from a cdktf provider, with its third argument. */
function providerResourceConstructions(): Array<{ file: string; line: number; className: string; config: string }> {
  const found: Array<{ file: string; line: number; className: string; config: string }> = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const classes = [...text.matchAll(/import \{([^}]+)\} from '@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+'/g)]
      .flatMap((m) => m[1].split(',').map((name) => name.trim()).filter((name) => /^[A-Z]/.test(name)));
    for (const className of classes) {
      for (const match of text.matchAll(new RegExp(`new ${className}\\(`, 'g'))) {
        const after = text.slice(match.index! + match[0].length);
        // Skip the scope and id arguments (neither contains a top-level comma in this code base).
        const args = after.split(/,\s*/);
        found.push({
          file: relative(SRC, file),
          line: text.slice(0, match.index).split('\n').length,
          className,
          config: args.slice(2).join(', ').slice(0, 40),
        });
      }
    }
  }
  return found;
}

test('every cdktf provider resource in src/ is configured through terraformConfig', () => {
  const constructions = providerResourceConstructions();
  expect(constructions.length).toBeGreaterThanOrEqual(20);
  const unescaped = constructions.filter((c) => !/^terraformConfig\((this|scope), /.test(c.config));
  expect(unescaped.map((c) => `${c.file}:${c.line} new ${c.className}(…, ${c.config}…)`)).toEqual([]);
});

test('terraformConfig escapes strings at any depth and leaves references, resources and non-strings alone', () => {
  const resource = { node: 'a construct' };
  Object.setPrototypeOf(resource, { kind: 'resource' });
  const config = terraformConfig(new Construct(undefined as any, 'Scope'), {
    condition: { expression: "x == '${a}' && '%{b}'" },
    list: ['${c}', { nested: '%{ if d }' }],
    reference: '${TfToken[TOKEN.12]}',
    mixed: 'pre-${TfToken[TOKEN.3]}-${e}',
    dollarBeforeReference: '$${TfToken[TOKEN.4]}',
    dependsOn: [resource],
    count: 2,
    enabled: true,
    unset: undefined,
  });
  expect(config).toEqual({
    condition: { expression: "x == '$${a}' && '%%{b}'" },
    list: ['$${c}', { nested: '%%{ if d }' }],
    reference: '${TfToken[TOKEN.12]}',
    mixed: 'pre-${TfToken[TOKEN.3]}-$${e}',
    dollarBeforeReference: '${"$"}${TfToken[TOKEN.4]}',
    dependsOn: [resource],
    count: 2,
    enabled: true,
    unset: undefined,
  });
  expect(config.dependsOn[0]).toBe(resource);
});

test('terraformConfig refuses text Terraform would rewrite (not NFC, unpaired surrogates), naming the construct', () => {
  const scope = new Construct(undefined as any, 'Scope');
  expect(() => terraformConfig(scope, { subject: 'release-cafe\u0301' })).toThrow(
    '[KL-LITERAL-UNICODE] Scope: `config.subject` is "release-cafe\u0301", which is not in Unicode Normalization Form C: it decides a value Keyless renders into Terraform',
  );
  expect(() => terraformConfig(scope, { list: ['x\uD800'] })).toThrow('[KL-LITERAL-UNICODE] Scope: `config.list[0]` is "x\\ud800", which contains an unpaired surrogate');
});
