/**
 * scripts/ts-node-transpile-cache.js, the transpiler every ts-node run of the source uses (test/tsconfig.json): it
 * returns what TypeScript's transpileModule returns with ts-node's compiler options, and stores it by content.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { create as createService } from 'ts-node';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const TRANSPILER = path.join(ROOT, 'scripts', 'ts-node-transpile-cache.js');

let cacheDir: string;
let service: ReturnType<typeof createService>;
type Transpile = (input: string, options: { fileName: string }) => { outputText: string; sourceMapText?: string; diagnostics?: ts.Diagnostic[] };
let transpile: Transpile;

/** A fresh instance of the transpiler module (it reads its cache directory when loaded). */
function transpilerFor(options: ts.CompilerOptions): Transpile {
  let created!: Transpile;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { create } = require(TRANSPILER);
    const t = create({ service: { ...service, config: { ...service.config, options } } });
    created = t.transpile.bind(t);
  });
  return created;
}

beforeAll(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-ts-node-cache-'));
  process.env.KEYLESS_TS_NODE_CACHE = cacheDir;
  service = createService({ project: path.join(ROOT, 'test', 'tsconfig.json') });
  transpile = transpilerFor(service.config.options);
});

afterAll(() => {
  delete process.env.KEYLESS_TS_NODE_CACHE;
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

const stored = (): string[] => fs.readdirSync(cacheDir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));

test('test/tsconfig.json makes every ts-node run of the source transpile-only through the cache', () => {
  expect(service.options.transpileOnly).toBe(true);
  expect(path.resolve(ROOT, 'test', service.options.transpiler as string)).toBe(TRANSPILER);
});

test('the output is TypeScript\'s transpileModule output with ts-node\'s options, cold and from the cache, on a sample of the sources', () => {
  const files = execFileSync('git', ['ls-files', '*.ts'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n')
    .filter((f) => !f.endsWith('.d.ts')).filter((_, i) => i % 24 === 0);
  expect(files.length).toBeGreaterThan(8);
  for (const file of files) {
    const fileName = path.join(ROOT, file);
    const input = fs.readFileSync(fileName, 'utf8');
    const expected = ts.transpileModule(input, { fileName, compilerOptions: service.config.options, reportDiagnostics: true });
    expect(expected.diagnostics).toEqual([]);
    for (const result of [transpile(input, { fileName }), transpile(input, { fileName })]) {
      expect({ file, outputText: result.outputText, sourceMapText: result.sourceMapText })
        .toEqual({ file, outputText: expected.outputText, sourceMapText: expected.sourceMapText });
    }
  }
  expect(stored()).toHaveLength(files.length);
});

test('a second call reads the stored result; another content, file name or compiler option is another entry', () => {
  const fileName = path.join(ROOT, 'src', 'example-for-cache.ts');
  const input = 'export const answer: number = 42;\n';
  const before = new Set(stored());
  expect(transpile(input, { fileName }).outputText).toContain('exports.answer = 42;');
  const [entry] = stored().filter((f) => !before.has(f));
  expect(entry).toBeDefined();
  // What is stored is what is returned: tampering with the entry shows the second call reads it.
  fs.writeFileSync(entry, JSON.stringify({ outputText: 'stored', sourceMapText: '{}' }));
  expect(transpile(input, { fileName }).outputText).toBe('stored');
  expect(transpile(`${input}// changed\n`, { fileName }).outputText).toContain('exports.answer = 42;');
  expect(transpile(input, { fileName: path.join(ROOT, 'src', 'other-name.ts') }).outputText).toContain('exports.answer = 42;');
  const es5 = transpilerFor({ ...service.config.options, target: ts.ScriptTarget.ES5 })('export const f = () => 1;\n', { fileName });
  expect(es5.outputText).toContain('var f = function () { return 1; };');
  expect(stored().length - before.size).toBe(4);
});

test('a syntax error is reported by TypeScript, as ts-node reports it, and not stored', () => {
  const before = stored().length;
  const result = transpile('export const broken = ;\n', { fileName: path.join(ROOT, 'src', 'broken.ts') });
  expect(result.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual(['Expression expected.']);
  expect(stored()).toHaveLength(before);
});

test('an unreadable or foreign entry is transpiled again, never returned', () => {
  const fileName = path.join(ROOT, 'src', 'entry-check.ts');
  const input = 'export const checked = true;\n';
  const before = new Set(stored());
  transpile(input, { fileName });
  const [entry] = stored().filter((f) => !before.has(f));
  for (const content of ['{"outputText":', '{}', '{"outputText": 7}']) {
    fs.writeFileSync(entry, content);
    expect(transpile(input, { fileName }).outputText).toContain('exports.checked = true;');
  }
});
