/**
 * One benchmark measurement in a fresh process: `worker.js keyless|baseline|keyless-no-guardrails N OUTDIR` prints
 * JSON. `keyless-no-guardrails` (not part of `npm run bench`) attributes the guardrails' share of the Keyless time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { baseline, keyless, newApps, synthAll } from './scenario';

const [variant, count, outdir] = process.argv.slice(2);
const n = Number(count);
const started = process.hrtime.bigint();
const apps = newApps(outdir);
if (variant === 'baseline') baseline(apps, n);
else if (variant === 'keyless' || variant === 'keyless-no-guardrails') keyless(apps, n, variant === 'keyless');
else throw new Error(`unknown variant ${variant}: keyless, baseline or keyless-no-guardrails`);
synthAll(apps);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

// Provider limits, read from the synthesized templates: at most 500 resources and 1 MB per CloudFormation template.
const templates = fs.readdirSync(path.join(outdir, 'aws')).filter((f) => f.endsWith('.template.json'));
const sizes = templates.map((f) => {
  const text = fs.readFileSync(path.join(outdir, 'aws', f), 'utf8');
  return { resources: Object.keys(JSON.parse(text).Resources ?? {}).length, bytes: Buffer.byteLength(text) };
});
process.stdout.write(`${JSON.stringify({
  variant,
  n,
  ms: Math.round(ms),
  maxRssMb,
  awsStacks: templates.length,
  maxResourcesPerTemplate: Math.max(...sizes.map((s) => s.resources)),
  maxTemplateBytes: Math.max(...sizes.map((s) => s.bytes)),
})}\n`);
