/**
 * `npm run bench`: synthesizes N workload identities (AWS, GCP, Azure, Kubernetes) with every default-on Keyless
 * feature (scenario.ts) and with the raw frameworks rendering the same resources, each run in a fresh process, and
 * prints wall time, peak memory and the Keyless / baseline ratios. The variants are interleaved (the order alternates
 * from one repeat to the next, so that drift in the machine's load falls on both) and each ratio is computed pair by
 * pair; the medians and the min–max of every figure are printed. Results go to bench-results/results.json.
 *
 * Targets (issue 20): time ratio ≤ 1.05 and memory ratio ≤ 1.05 at N = 1,000 and 5,000; Keyless's
 * time(5,000) / time(1,000) within 5 % of the baseline's; cold import ≤ 0.5 s.
 *
 * Environment: BENCH_SIZES (default 1000,5000), BENCH_REPEATS (default 3, at every size), BENCH_EXTRA_VARIANTS (e.g.
 * `keyless-no-guardrails`, measured in the same interleaving, for attribution), BENCH_KEEP_OUTPUT=1 (keeps the last
 * Keyless output of each size in bench-results/keyless-N/, e.g. to time the CLI over it), BENCH_IMPORT=0 (skips the
 * cold import measurement).
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
  /** One-minute load average just before the run. */
  load: number;
}

const root = path.resolve(__dirname, '..', '..');
const sizes = (process.env.BENCH_SIZES ?? '1000,5000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
const extra = (process.env.BENCH_EXTRA_VARIANTS ?? '').split(',').filter((v) => v !== '');
const keep = process.env.BENCH_KEEP_OUTPUT === '1';

// The benchmark runs compiled JavaScript, as applications do (ts-node's source-map support makes every captured
// stack trace, which cdktf takes for each token, several times slower).
const build = path.join(root, 'bench-results', 'build');
execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', path.join(__dirname, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });

function run(variant: string, n: number, keepAs?: string): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `keyless-bench-${variant}-`));
  const load = os.loadavg()[0];
  try {
    const output = execFileSync(process.execPath, [path.join(build, 'scripts', 'bench', 'worker.js'), variant, String(n), outdir], {
      cwd: root, maxBuffer: 64 * 1024 * 1024,
    }).toString();
    if (keepAs) {
      fs.rmSync(keepAs, { recursive: true, force: true });
      fs.cpSync(outdir, keepAs, { recursive: true });
    }
    return { ...JSON.parse(output.trim().split('\n').pop()!), load: Math.round(load * 100) / 100 };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values: number[], digits = 0) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

function coldImportMs(): number {
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: root });
  const samples = [0, 1, 2].map(() => Number(execFileSync(process.execPath, ['-e',
    "const t=process.hrtime.bigint();require('./lib');process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))"], { cwd: root }).toString()));
  return Math.round(median(samples));
}

interface Row {
  n: number;
  samples: Record<string, Sample[]>;
  /** Keyless / baseline, pair by pair (same repeat). */
  timeRatios: number[];
  memoryRatios: number[];
  ms: Record<string, number>;
  maxRssMb: Record<string, number>;
  timeRatio: number;
  memoryRatio: number;
}

const variants = ['baseline', 'keyless', ...extra];
const results: Row[] = [];
process.stdout.write(`node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; `
  + `${repeats} interleaved runs per variant and size\n`);
for (const n of sizes) {
  const samples: Record<string, Sample[]> = Object.fromEntries(variants.map((v) => [v, []]));
  for (let r = 0; r < repeats; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const keepAs = keep && variant === 'keyless' && r === repeats - 1 ? path.join(root, 'bench-results', `keyless-${n}`) : undefined;
      const sample = run(variant, n, keepAs);
      samples[variant].push(sample);
      process.stdout.write(`  N=${n} run ${r + 1} ${variant}: ${sample.ms} ms, ${sample.maxRssMb} MB (load ${sample.load})\n`);
    }
  }
  const timeRatios = samples.keyless.map((k, i) => k.ms / samples.baseline[i].ms);
  const memoryRatios = samples.keyless.map((k, i) => k.maxRssMb / samples.baseline[i].maxRssMb);
  results.push({
    n,
    samples,
    timeRatios,
    memoryRatios,
    ms: Object.fromEntries(variants.map((v) => [v, median(samples[v].map((s) => s.ms))])),
    maxRssMb: Object.fromEntries(variants.map((v) => [v, median(samples[v].map((s) => s.maxRssMb))])),
    timeRatio: median(timeRatios),
    memoryRatio: median(memoryRatios),
  });
}

process.stdout.write('\n      N | variant                | median ms (min–max)   | median MB (min–max) | time ratio (min–max) | memory ratio (min–max)\n');
for (const row of results) {
  for (const v of variants) {
    const s = row.samples[v];
    const ratios = v === 'keyless'
      ? `${row.timeRatio.toFixed(2)} (${spread(row.timeRatios, 2)})`.padEnd(20) + ` | ${row.memoryRatio.toFixed(2)} (${spread(row.memoryRatios, 2)})`
      : ''.padEnd(20) + ' |';
    process.stdout.write(`${String(row.n).padStart(7)} | ${v.padEnd(22)} | ${`${row.ms[v]} (${spread(s.map((x) => x.ms))})`.padEnd(21)} | `
      + `${`${row.maxRssMb[v]} (${spread(s.map((x) => x.maxRssMb))})`.padEnd(19)} | ${ratios}\n`);
  }
}
for (const { n, samples } of results) {
  const k = samples.keyless[0];
  process.stdout.write(`N=${n}: ${k.awsStacks} AWS stacks, at most ${k.maxResourcesPerTemplate} resources (limit 500) and ${Math.round(k.maxTemplateBytes / 1024)} KB (limit 1024) per template\n`);
}
const at = (n: number) => results.find((r) => r.n === n);
const growth: Record<string, number> = {};
if (at(1000) && at(5000)) {
  for (const v of variants) growth[v] = at(5000)!.ms[v] / at(1000)!.ms[v];
  process.stdout.write(`time(5000) / time(1000): ${variants.map((v) => `${v} ${growth[v].toFixed(2)}`).join(', ')}; `
    + `Keyless / baseline ${(growth.keyless / growth.baseline).toFixed(3)} (target ≤ 1.05)\n`);
}
for (const n of [1000, 5000]) {
  const row = at(n);
  if (row) process.stdout.write(`N=${n}: time ratio ${row.timeRatio.toFixed(2)}, memory ratio ${row.memoryRatio.toFixed(2)} (targets ≤ 1.05)\n`);
}
const importMs = process.env.BENCH_IMPORT === '0' ? undefined : coldImportMs();
if (importMs !== undefined) process.stdout.write(`cold import of the library: ${importMs} ms (target ≤ 500)\n`);
fs.mkdirSync(path.join(root, 'bench-results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench-results', 'results.json'),
  `${JSON.stringify({ node: process.version, cores: os.cpus().length, results, importMs, growth }, null, 2)}\n`);
