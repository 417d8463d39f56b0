/**
 * Generates the API reference from the source: docs/api/ (typedoc, one page per namespace) and API.md (the
 * top-level page, with links into docs/api/). With --check, fails when the committed files are not current.
 */
import { execFileSync } from 'child_process';
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
