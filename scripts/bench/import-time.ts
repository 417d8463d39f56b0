/**
 * Import time of the entry points, from compiled JavaScript as an installed package runs it: what
 * `require('@keyless/constructs/aws')` costs an AWS-only team, and how much of it Keyless adds on top of the
 * aws-cdk-lib modules it uses. Measured, not asserted (a shared machine's noise is ±20 %).
 *
 *   npx ts-node --transpile-only -P test/tsconfig.json scripts/bench/import-time.ts   (IMPORT_RUNS=15 to choose)
 *
 * Each sample is a fresh `node` process; the time is taken inside it, around the `require` (process start-up
 * excluded), as wall time and as CPU time (user + system, less sensitive to other load on the machine).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const runs = Number(process.env.IMPORT_RUNS ?? 9);
// Inside the clone (bench-results/ is ignored by git), so that the compiled package finds the frameworks in node_modules.
fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
const out = fs.mkdtempSync(path.join(root, 'bench-results', 'import-time-'));

interface Sample { readonly wallMs: number; readonly cpuMs: number }

/** Runs `body` (CommonJS, `lib` is the compiled package's lib/) in a fresh process and times it there. */
function sample(body: string): Sample {
  const script = `const lib = ${JSON.stringify(path.join(out, 'lib'))};
const path = require('path');
const cpu = process.cpuUsage(); const start = process.hrtime.bigint();
${body}
const wallMs = Number(process.hrtime.bigint() - start) / 1e6; const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000 }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }));
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--outDir', path.join(out, 'lib'), '--inlineSourceMap', 'false', '--inlineSources', 'false'], { cwd: root, stdio: 'inherit' });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(out, 'package.json'));

  // The aws-cdk-lib modules the aws entry point loads, read from a process that loaded it.
  const modules: string[] = JSON.parse(execFileSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(out, 'lib', 'constructs', 'aws'))});
const dir = path.dirname(require.resolve('aws-cdk-lib/package.json'));
const entries = Object.keys(require.cache).filter((file) => file.startsWith(dir + path.sep) && /^(?:[a-z0-9-]+\\/)?index\\.js$/.test(path.relative(dir, file)));
process.stdout.write(JSON.stringify(entries.map((file) => path.relative(dir, path.dirname(file))).map((sub) => sub ? 'aws-cdk-lib/' + sub : 'aws-cdk-lib').sort()));`],
  { cwd: root, encoding: 'utf8' }).replace(/^[^[]*/, ''));

  const scenarios: Record<string, string> = {
    'aws-cdk-lib alone (the modules /aws uses) + constructs': `${modules.map((m) => `require(${JSON.stringify(m)});`).join(' ')} require('constructs');`,
    '@keyless/constructs/aws': "require(path.join(lib, 'constructs', 'aws'));",
    '@keyless/constructs (root, namespaces not used)': 'require(lib);',
    'root, then aws.CiOidcTrust': 'require(lib).aws.CiOidcTrust;',
  };
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
  for (let run = 0; run < runs; run++) for (const [name, body] of Object.entries(scenarios)) samples[name].push(sample(body));

  process.stdout.write(`node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; median of ${runs} fresh processes\n`);
  process.stdout.write(`aws-cdk-lib modules loaded by /aws: ${modules.join(', ')}\n`);
  const result: Record<string, { wallMs: number; cpuMs: number }> = {};
  for (const [name, list] of Object.entries(samples)) {
    result[name] = { wallMs: Math.round(median(list.map((s) => s.wallMs))), cpuMs: Math.round(median(list.map((s) => s.cpuMs))) };
    process.stdout.write(`${name.padEnd(56)} ${String(result[name].wallMs).padStart(5)} ms wall  ${String(result[name].cpuMs).padStart(5)} ms CPU\n`);
  }
  const [baseline, aws] = Object.values(result);
  process.stdout.write(`Keyless adds to aws-cdk-lib: ${aws.wallMs - baseline.wallMs} ms wall, ${aws.cpuMs - baseline.cpuMs} ms CPU (goal for /aws in all: ≤ 300 ms)\n`);
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
