/**
 * Generates the API reference from the source: docs/api/ (typedoc, one page per namespace) and API.md (the
 * top-level page, with links into docs/api/). With --check, fails when the committed files are not current.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const check = process.argv.includes('--check');

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

function generate(outDir: string): Map<string, string> {
  execFileSync(path.join(root, 'node_modules', '.bin', 'typedoc'), ['--options', 'typedoc.json', '--out', outDir, '--logLevel', 'Warn'], { cwd: root, stdio: 'inherit' });
  const files = new Map<string, string>();
  for (const file of listFiles(outDir)) files.set(path.join('docs/api', file), fs.readFileSync(path.join(outDir, file), 'utf8'));
  const index = files.get('docs/api/API.md');
  if (index === undefined) throw new Error('typedoc did not write API.md');
  files.set('API.md', index.replace(/\]\(@keyless\//g, '](docs/api/@keyless/'));
  return files;
}

/**
 * --check remembers the inputs of its last pass: the sources, the committed docs, the typedoc and TypeScript
 * configuration, the locked package versions and this script. When none changed since, the generated files cannot
 * have, and typedoc (the longest single-threaded step of `npm test`) is not run. A clean clone has no cache.
 */
const CHECKED = path.join(root, 'node_modules', '.cache', 'keyless', 'docgen-check');

function inputsKey(): string {
  const hash = crypto.createHash('sha256');
  const files = [
    ...listFiles(path.join(root, 'src')).map((f) => path.join('src', f)),
    ...listFiles(path.join(root, 'docs/api')).map((f) => path.join('docs/api', f)),
    'API.md', 'typedoc.json', 'tsconfig.json', 'package.json', 'package-lock.json', 'scripts/docgen.ts',
  ];
  for (const file of files) {
    const full = path.join(root, file);
    hash.update(`${file}\0`).update(fs.existsSync(full) ? fs.readFileSync(full) : '(none)').update('\0');
  }
  return hash.digest('hex');
}

const before = check ? inputsKey() : undefined;
if (check && fs.existsSync(CHECKED) && fs.readFileSync(CHECKED, 'utf8') === before) {
  process.stdout.write('API.md and docs/api/ are current (no input changed since the last check)\n');
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-docgen-'));
try {
  const generated = generate(tmp);
  if (check) {
    const committed = new Set([...listFiles(path.join(root, 'docs/api')).map((f) => path.join('docs/api', f)), 'API.md']);
    const stale = [...new Set([...generated.keys(), ...committed])].filter((file) => {
      const onDisk = path.join(root, file);
      return !fs.existsSync(onDisk) || !generated.has(file) || fs.readFileSync(onDisk, 'utf8') !== generated.get(file);
    });
    if (stale.length > 0) {
      process.stderr.write(`API docs are not current with the source: ${stale.join(', ')}. Run \`npm run docgen\` and commit the result.\n`);
      process.exit(1);
    }
    process.stdout.write('API.md and docs/api/ are current\n');
    // Remembered only if nothing changed while typedoc ran.
    if (inputsKey() === before) {
      fs.mkdirSync(path.dirname(CHECKED), { recursive: true });
      fs.writeFileSync(CHECKED, before!);
    }
  } else {
    fs.rmSync(path.join(root, 'docs/api'), { recursive: true, force: true });
    for (const [file, content] of generated) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), content);
    }
    process.stdout.write(`wrote API.md and ${generated.size - 1} files under docs/api/\n`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
