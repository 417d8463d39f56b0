/**
 * `npm run bench`: synthesizes N workload identities (AWS, GCP, Azure, Kubernetes) with Keyless and with the raw
 * frameworks, each run in a fresh process, and prints wall time, peak memory and the Keyless / baseline ratios.
 * Results go to bench-results/results.json. Targets (issue 9): ratio ≤ 1.15× time and ≤ 1.2× memory at N = 1,000;
 * time(5,000) ≤ 5.5 × time(1,000); cold import ≤ 0.5 s.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface Sample {
  variant: string;
  n: number;
  ms: number;
  maxRssMb: number;
  awsStacks: number;
  maxResourcesPerTemplate: number;
  maxTemplateBytes: number;
}

const root = path.resolve(__dirname, '..', '..');
const sizes = (process.env.BENCH_SIZES ?? '10,100,1000,5000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);

// The benchmark runs compiled JavaScript, as applications do (ts-node's source-map support makes every captured
// stack trace, which cdktf takes for each token, several times slower).
const build = path.join(root, 'bench-results', 'build');
execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', path.join(__dirname, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });

function run(variant: string, n: number): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `keyless-bench-${variant}-`));
  try {
    const output = execFileSync(process.execPath, [path.join(build, 'scripts', 'bench', 'worker.js'), variant, String(n), outdir], {
      cwd: root, maxBuffer: 64 * 1024 * 1024,
    }).toString();
    return JSON.parse(output.trim().split('\n').pop()!);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function coldImportMs(): number {
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: root });
  const samples = [0, 1, 2].map(() => Number(execFileSync(process.execPath, ['-e',
    "const t=process.hrtime.bigint();require('./lib');process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))"], { cwd: root }).toString()));
  return Math.round(median(samples));
}

const results: Array<{ n: number; keyless: Sample; baseline: Sample; timeRatio: number; memoryRatio: number }> = [];
process.stdout.write(`node ${process.version}, ${os.cpus().length} cores; median of ${repeats} runs (one at N ≥ 5000)\n`);
process.stdout.write('      N | keyless ms | baseline ms | time ratio | keyless MB | baseline MB | memory ratio\n');
for (const n of sizes) {
  const times = n >= 5000 ? 1 : repeats;
  const pick = (variant: string) => {
    const samples = Array.from({ length: times }, () => run(variant, n));
    return { ...samples[0], ms: median(samples.map((s) => s.ms)), maxRssMb: median(samples.map((s) => s.maxRssMb)) };
  };
  const baseline = pick('baseline');
  const keyless = pick('keyless');
  const row = { n, keyless, baseline, timeRatio: keyless.ms / baseline.ms, memoryRatio: keyless.maxRssMb / baseline.maxRssMb };
  results.push(row);
  process.stdout.write(`${String(n).padStart(7)} | ${String(keyless.ms).padStart(10)} | ${String(baseline.ms).padStart(11)} | ${row.timeRatio.toFixed(2).padStart(10)} | ${String(keyless.maxRssMb).padStart(10)} | ${String(baseline.maxRssMb).padStart(11)} | ${row.memoryRatio.toFixed(2).padStart(12)}\n`);
}
for (const { n, keyless } of results) {
  process.stdout.write(`N=${n}: ${keyless.awsStacks} AWS stacks, at most ${keyless.maxResourcesPerTemplate} resources (limit 500) and ${Math.round(keyless.maxTemplateBytes / 1024)} KB (limit 1024) per template\n`);
}
const importMs = coldImportMs();
const at = (n: number) => results.find((r) => r.n === n);
const linear = at(1000) && at(5000) ? at(5000)!.keyless.ms / at(1000)!.keyless.ms : undefined;
process.stdout.write(`cold import of the library: ${importMs} ms (target ≤ 500)\n`);
if (at(1000)) process.stdout.write(`N=1000: time ratio ${at(1000)!.timeRatio.toFixed(2)} (target ≤ 1.15), memory ratio ${at(1000)!.memoryRatio.toFixed(2)} (target ≤ 1.20)\n`);
if (linear !== undefined) process.stdout.write(`time(5000) / time(1000) = ${linear.toFixed(2)} (target ≤ 5.5)\n`);
fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench-results', 'results.json'), `${JSON.stringify({ node: process.version, cores: os.cpus().length, results, importMs, linear }, null, 2)}\n`);
