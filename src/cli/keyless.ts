#!/usr/bin/env node
/**
 * The `keyless` command, over synthesized output from any tool (CloudFormation templates, Terraform configuration as
 * JSON or HCL `*.tf` (read with the optional @cdktf/hcl2json), `terraform show -json` plans and states, Kubernetes
 * manifests):
 *
 * - `keyless check DIR…`: the Keyless guardrails. Prints each finding (rule, file, type, resource, `[finding key]`,
 *   message, fix) and exits 1 on any finding not covered by a live exception or any exception error (invalid,
 *   expired, or living longer than the tier allows), 2 on unusable input.
 * - `keyless inventory DIR…`: every identity as a record (JSON, CSV, Markdown) and the programme metrics. Given the
 *   out dir (`out/`) or the repository-side dir (`out/ci`) with the rest, it also records which CI trusts have their
 *   repository side emitted (`out/ci/manifest.json`); the admission policies are read from the Kubernetes manifests.
 * - `keyless diff BASE HEAD` (or `keyless diff PLAN.json`: a plan's prior state against its planned values): what
 *   changed per identity, as a pull-request comment (Markdown), JSON and SARIF; with `--fail-on broadening`, exits 1
 *   when an identity was broadened or added. Exits 2 on unusable input, never reporting "no changes" for output it
 *   could not read.
 * - `keyless verify DIR…`: every federated trust evaluated against the tokens its legitimate identities get and a
 *   documented family of forged variants; prints one line per trust, writes JSON, SARIF and a pull-request comment
 *   (Markdown); exits 1 on a weak trust (a forged token admitted, or nothing pinned) or a broken one (a legitimate
 *   token refused), 2 on unusable input, never reporting "verified" for output it could not read.
 */
import * as fs from 'fs';
import { today } from '../core/clock';
import { isIsoDate } from '../core/dates';
import { evaluate, reportFails } from '../guardrails/engine';
import { GuardrailException } from '../guardrails/exceptions';
import { formatFinding } from '../guardrails/model';
import { diffFails, diffInventories, FailOn } from '../inventory/diff';
import { diffJson, diffMarkdown } from '../inventory/diff-report';
import { Inventory } from '../inventory/model';
import { InventoryInput, readInventoryInput, readInventoryInputReusing, readInventoryPlanSides, sameInventoryInput } from '../inventory/read';
import { buildInventory } from '../inventory/records';
import { inventoryCsv, inventoryJson, inventoryMarkdown } from '../inventory/report';
import { diffSarif, resourceLocator } from '../inventory/sarif';
import { SynthOutput } from '../synth/model';
import { readSynthesizedOutput, UnreadableInputError } from '../synth/read';
import { ParsedTexts } from '../synth/read-files';
import { VerifyReport } from '../verify/model';
import { verifyJsonChunks, verifyMarkdown, verifySarif, verifySummaryLines } from '../verify/report';
import { verify, verifyFails, VerifyOptions } from '../verify/verify';

const USAGE = 'usage: keyless check DIR|FILE… [--exceptions FILE.json] [--report FILE.json] [--mode error|report] [--today YYYY-MM-DD]';
const INVENTORY_USAGE = 'usage: keyless inventory DIR|FILE… [--json FILE] [--csv FILE] [--markdown FILE] [--exceptions FILE.json] [--today YYYY-MM-DD]';
const DIFF_USAGE = 'usage: keyless diff BASE HEAD|PLAN.json [--markdown FILE] [--json FILE] [--sarif FILE] [--fail-on broadening|any|never] [--today YYYY-MM-DD]';
const VERIFY_USAGE = 'usage: keyless verify DIR|FILE… [--json FILE] [--sarif FILE] [--markdown FILE]';

/** Runs the CLI; returns the exit code. Output goes through `write`. */
export function main(argv: readonly string[], write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): number {
  const [command, ...rest] = argv;
  if (command === 'inventory') return inventoryCommand(rest, write);
  if (command === 'diff') return diffCommand(rest, write);
  if (command === 'verify') return verifyCommand(rest, write);
  if (command !== 'check') {
    // No or an unknown command: every command's usage.
    for (const usage of [USAGE, INVENTORY_USAGE, DIFF_USAGE, VERIFY_USAGE]) write(usage);
    return 2;
  }
  try {
    const targets: string[] = [];
    let exceptionsFile: string | undefined;
    let reportFile: string | undefined;
    let mode = 'error';
    let date: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i];
      const value = () => {
        const next = rest[++i];
        if (next === undefined) throw new UnreadableInputError(`${arg} needs a value. ${USAGE}`);
        return next;
      };
      if (arg === '--exceptions') {
        exceptionsFile = value();
      } else if (arg === '--report') {
        reportFile = value();
      } else if (arg === '--mode') {
        mode = value();
      } else if (arg === '--today') {
        date = value();
      } else if (arg.startsWith('--')) {
        write(`keyless: unknown option ${arg}. ${USAGE}`);
        return 2;
      } else {
        targets.push(arg);
      }
    }
    if (targets.length === 0 || (mode !== 'error' && mode !== 'report')) {
      write(USAGE);
      return 2;
    }
    const exceptions = readExceptions(exceptionsFile);
    if (date !== undefined && !isIsoDate(date)) throw new UnreadableInputError(`--today is ${JSON.stringify(date)}: expected a calendar date written as YYYY-MM-DD`);
    const { resources, files } = readSynthesizedOutput(targets);
    if (files.length === 0) {
      write(`keyless: no CloudFormation template, Terraform configuration (JSON or HCL), plan or state, or Kubernetes manifest found in ${targets.join(', ')}: nothing was checked`);
      return 2;
    }
    const report = evaluate(resources, { exceptions, today: date ?? today() });
    for (const finding of report.findings) write(formatFinding(finding));
    for (const problem of report.exceptionErrors) write(`KL-G-EXCEPTION ${problem}`);
    for (const e of report.excepted) write(`excepted ${e.ruleId} ${e.file} ${e.resource} [${e.key}]: ${e.message} (owner ${e.exception.owner}, until ${e.exception.expires}: ${e.exception.reason})`);
    write(`keyless check: ${report.resourcesChecked} resources in ${files.length} files, ${report.findings.length} findings, ${report.excepted.length} excepted, ${report.exceptionErrors.length} exception errors`);
    if (reportFile) writeReport('--report', reportFile, `${JSON.stringify({ files, ...report }, null, 2)}\n`);
    return mode === 'error' && reportFails(report) ? 1 : 0;
  } catch (error) {
    if (error instanceof UnreadableInputError || error instanceof SyntaxError) {
      write(`keyless: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** Reads an exceptions file: a JSON array of exceptions. */
function readExceptions(file: string | undefined): GuardrailException[] {
  if (file === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UnreadableInputError(`${file}: cannot read the exceptions (${(error as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(parsed)) throw new UnreadableInputError(`${file}: expected a JSON array of exceptions ({ ruleId, resource, findingKey (optional), reason, owner, expires })`);
  return parsed as GuardrailException[];
}

/** Options and positional arguments of `inventory` and `diff`; an unknown option or a missing value is a usage error. */
function parseArguments(rest: readonly string[], options: readonly string[], usage: string): { positional: string[]; values: Map<string, string> } {
  const positional: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    if (!options.includes(arg)) throw new UnreadableInputError(`unknown option ${arg}. ${usage}`);
    const next = rest[++i];
    if (next === undefined) throw new UnreadableInputError(`${arg} needs a value. ${usage}`);
    values.set(arg, next);
  }
  return { positional, values };
}

/** `--today`, checked, or today's date. */
function dateOption(values: Map<string, string>): string {
  const date = values.get('--today');
  if (date !== undefined && !isIsoDate(date)) throw new UnreadableInputError(`--today is ${JSON.stringify(date)}: expected a calendar date written as YYYY-MM-DD`);
  return date ?? today();
}

/** One-line summary of an inventory's metrics. */
function inventorySummary(inventory: Inventory): string {
  const m = inventory.metrics;
  return `keyless inventory: ${m.identities.defined} identities (${m.identities.referenced} referenced only) in ${inventory.sources.length} files; `
    + `static credentials ${m.staticCredentialRatio.static}/${m.staticCredentialRatio.machine}, owned ${m.ownershipCoverage.owned}/${m.ownershipCoverage.total}, `
    + `wildcards ${m.wildcardCount.total}, blast radius ${m.blastRadius.total} (max ${m.blastRadius.max}), privileged ${m.privilegedIdentities.count}, `
    + `exception debt ${m.exceptionDebt.exceptions}, review overdue ${m.reviewOverdue.count}`;
}

/** Runs a command body: unusable input is exit 2 with the reason, never a partial result. */
function guarded(write: (line: string) => void, body: () => number): number {
  try {
    return body();
  } catch (error) {
    if (error instanceof UnreadableInputError || error instanceof SyntaxError) {
      write(`keyless: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** `keyless inventory DIR…`. Without an output file, the Markdown report goes to standard output. */
function inventoryCommand(rest: readonly string[], write: (line: string) => void): number {
  return guarded(write, () => {
    const { positional, values } = parseArguments(rest, ['--json', '--csv', '--markdown', '--exceptions', '--today'], INVENTORY_USAGE);
    if (positional.length === 0) throw new UnreadableInputError(`no directory or file given. ${INVENTORY_USAGE}`);
    const exceptions = readExceptions(values.get('--exceptions'));
    const inventory = buildInventory(readInventoryInput(positional), { today: dateOption(values), exceptions });
    const outputs: Array<[string, (i: Inventory) => string]> = [['--json', inventoryJson], ['--csv', inventoryCsv], ['--markdown', inventoryMarkdown]];
    let written = false;
    for (const [option, render] of outputs) {
      const file = values.get(option);
      if (file === undefined) continue;
      writeReport(option, file, render(inventory));
      written = true;
    }
    if (!written) write(inventoryMarkdown(inventory).replace(/\n$/, ''));
    write(inventorySummary(inventory));
    return 0;
  });
}

/** Reads one side of a diff (keeping, or taking, the files parsed in `parsed`); an unusable side is named in the error. */
function readSide(side: 'base' | 'head', target: string, parsed: ParsedTexts): InventoryInput {
  try {
    return readInventoryInputReusing([target], parsed);
  } catch (error) {
    if (error instanceof UnreadableInputError) throw new UnreadableInputError(`${side}: ${error.message}: cannot compare`);
    throw error;
  }
}

/** The two sides of one plan file: its prior state (base) and its planned values (head). */
function readPlan(file: string): { base: InventoryInput; head: InventoryInput } {
  if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UnreadableInputError(`${file} is a directory: one path is a Terraform plan (\`terraform show -json plan.out > plan.json\`); to compare two outputs, give BASE and HEAD. ${DIFF_USAGE}`);
  }
  try {
    return readInventoryPlanSides(file);
  } catch (error) {
    if (error instanceof UnreadableInputError) throw new UnreadableInputError(`plan: ${error.message}: cannot compare`);
    throw error;
  }
}

/** `keyless diff BASE HEAD` or `keyless diff PLAN.json`. Without an output file, the Markdown comment goes to standard output. */
function diffCommand(rest: readonly string[], write: (line: string) => void): number {
  return guarded(write, () => {
    const { positional, values } = parseArguments(rest, ['--json', '--markdown', '--sarif', '--fail-on', '--today'], DIFF_USAGE);
    if (positional.length !== 1 && positional.length !== 2) {
      throw new UnreadableInputError(`expected BASE and HEAD, or one plan file, got ${positional.length} path(s). ${DIFF_USAGE}`);
    }
    const failOn = (values.get('--fail-on') ?? 'never') as FailOn;
    if (!['broadening', 'any', 'never'].includes(failOn)) throw new UnreadableInputError(`--fail-on is ${JSON.stringify(failOn)}: expected broadening, any or never`);
    const date = dateOption(values);
    // The base side is built before the head side is read, and its input let go once the head's is read: only the
    // head's (file locations for SARIF) is kept, so the head is built with half the heap live. A head file whose text
    // is the base's is not parsed again (ParsedTexts); a head whose input is the base's (every file the same, at the
    // same path) has the base's inventory (sameInventoryInput).
    let plan: { base?: InventoryInput; head: InventoryInput } | undefined = positional.length === 1 ? readPlan(positional[0]) : undefined;
    let parsed: ParsedTexts | undefined = new ParsedTexts();
    let baseInput: InventoryInput | undefined = plan?.base ?? readSide('base', positional[0], parsed);
    const baseInventory = buildInventory(baseInput, { today: date });
    if (plan) plan.base = undefined;
    const headInput = plan?.head ?? readSide('head', positional[1], parsed.reuse());
    plan = undefined;
    parsed = undefined;
    const same = sameInventoryInput(baseInput, headInput);
    baseInput = undefined;
    const diff = diffInventories(baseInventory, same ? baseInventory : buildInventory(headInput, { today: date }));
    const markdown = diffMarkdown(diff, { failOn });
    const locate = perFile((file) => headInput.absoluteFile(file), (content) => resourceLocator(content));
    const outputs: Array<[string, () => string]> = [
      ['--markdown', () => markdown],
      ['--json', () => diffJson(diff)],
      ['--sarif', () => `${JSON.stringify(diffSarif(diff, { locate }), null, 2)}\n`],
    ];
    let written = false;
    for (const [option, render] of outputs) {
      const file = values.get(option);
      if (file === undefined) continue;
      writeReport(option, file, render());
      written = true;
    }
    if (!written) write(markdown.replace(/\n$/, ''));
    const s = diff.summary;
    const fails = diffFails(diff, failOn);
    write(`keyless diff: ${s.broadened} broadened, ${s.added} added, ${s.removed} removed, ${s.narrowed} narrowed, ${s.changed} otherwise changed, ${s.unchanged} unchanged`
      + `${fails ? ` (fails --fail-on ${failOn})` : ''}`);
    return fails ? 1 : 0;
  });
}

/**
 * Writes one report file, whole or piece by piece as the pieces are made; a file that cannot be written is unusable
 * output (exit 2), never a stack trace.
 */
function writeReport(option: string, file: string, content: string | Iterable<string>): void {
  const writing = (action: () => void): void => {
    try {
      action();
    } catch (error) {
      throw new UnreadableInputError(`${option} ${file}: cannot be written (${(error as Error).message})`);
    }
  };
  if (typeof content === 'string') {
    writing(() => fs.writeFileSync(file, content));
    return;
  }
  let fd = -1;
  writing(() => { fd = fs.openSync(file, 'w'); });
  try {
    // Pieces gathered to about a megabyte per write.
    let pending: string[] = [];
    let size = 0;
    const flush = () => {
      const text = pending.join('');
      writing(() => fs.writeFileSync(fd, text));
      pending = [];
      size = 0;
    };
    for (const piece of content) {
      pending.push(piece);
      size += piece.length;
      if (size >= 1_048_576) flush();
    }
    if (pending.length > 0) flush();
  } finally {
    writing(() => fs.closeSync(fd));
  }
}

/**
 * The output verify reads: the inventory's reader, which refuses what would make the result silently incomplete (a
 * missing path, an unknown format, a partial CDK or cdktf output), with the Terraform provider blocks (GCP trusts take
 * a grant's project from its `google` provider).
 */
function readVerifyInput(targets: readonly string[]): { input: InventoryInput; output: SynthOutput } {
  const input = readInventoryInput(targets);
  return { input, output: { resources: input.resources, providers: [...input.providers], files: input.files as SynthOutput['files'] } };
}

/**
 * A locator of the resources of output files for a SARIF report: each file read and indexed once, however many of its
 * resources the report names (thousands in a large diff). A file that is gone has no locations.
 */
function perFile(
  onDisk: (file: string) => string | undefined, locator: (content: string) => (resource: string) => number | undefined,
): (file: string, resource: string) => number | undefined {
  const locators = new Map<string, ((resource: string) => number | undefined) | undefined>();
  return (file, resource) => {
    if (!locators.has(file)) {
      const absolute = onDisk(file);
      locators.set(file, absolute && fs.existsSync(absolute) ? locator(fs.readFileSync(absolute, 'utf8')) : undefined);
    }
    return locators.get(file)?.(resource);
  };
}

/**
 * The line where a trust's resource is written: as the inventory locates it (a JSON key, a Kubernetes `name:`), else
 * a CloudFormation YAML logical id (`  DeployRole:`), an HCL block (`resource "aws_iam_role" "ci"`, `data "…" "…"`)
 * or a plan's `"address": "aws_iam_role.ci"` (the first, `planned_values`).
 */
function trustLocator(content: string): (resource: string) => number | undefined {
  const locateResource = resourceLocator(content);
  let lines: string[] | undefined;
  return (resource) => locateTrust((lines ??= content.split('\n')), locateResource, resource);
}

/** {@link trustLocator} for one resource, over the file's lines and its inventory locator. */
function locateTrust(lines: readonly string[], locateResource: (resource: string) => number | undefined, resource: string): number | undefined {
  const json = locateResource(resource);
  if (json !== undefined) return json;
  const found = (test: (line: string) => boolean) => {
    const index = lines.findIndex(test);
    return index >= 0 ? index + 1 : undefined;
  };
  const hcl = /^(?:module\.[^.]+\.)*(data\.)?([^.]+)\.([^.[]+)/.exec(resource);
  return found((l) => /^\s*"address":\s*"/.test(l) && l.includes(`"address": ${JSON.stringify(resource)}`))
    ?? (hcl ? found((l) => l.trim().startsWith(`${hcl[1] ? 'data' : 'resource'} "${hcl[2]}" "${hcl[3]}"`)) : undefined)
    ?? (/^[A-Za-z0-9]+$/.test(resource) ? found((l) => new RegExp(`^\\s+${resource}:\\s*$`).test(l)) : undefined);
}

/** Runs verify; a failure inside it is reported as the reason (exit 2), never as a stack trace and never as a pass. */
function runVerify(output: SynthOutput, options: VerifyOptions): VerifyReport {
  try {
    return verify(output, options);
  } catch (error) {
    if (error instanceof UnreadableInputError) throw error;
    throw new UnreadableInputError(`verify failed: ${String((error as Error)?.message ?? error).split('\n')[0]}: nothing was verified`);
  }
}

/** `keyless verify DIR…`: one line per trust and the counts; `--json`, `--sarif`, `--markdown` write the reports. */
function verifyCommand(rest: readonly string[], write: (line: string) => void): number {
  return guarded(write, () => {
    const { positional, values } = parseArguments(rest, ['--json', '--sarif', '--markdown'], VERIFY_USAGE);
    if (positional.length === 0) throw new UnreadableInputError(`no directory or file given. ${VERIFY_USAGE}`);
    const { input, output } = readVerifyInput(positional);
    // Only the JSON report writes the denied forged tokens: the terminal lines, SARIF and Markdown name the admitted
    // forgeries and the shared-by-design variants that got in, and the counts, which are the same either way (see
    // VerifyOptions). Without `--json`, the denied ones are not kept.
    const report = runVerify(output, values.has('--json') ? {} : { forged: 'admitted' });
    const locate = perFile((file) => input.absoluteFile(file), trustLocator);
    const outputs: Array<[string, () => string | Iterable<string>]> = [
      ['--json', () => verifyJsonChunks(report)],
      ['--sarif', () => `${JSON.stringify(verifySarif(report, { locate }), null, 2)}\n`],
      ['--markdown', () => verifyMarkdown(report)],
    ];
    for (const [option, render] of outputs) {
      const file = values.get(option);
      if (file !== undefined) writeReport(option, file, render());
    }
    for (const line of verifySummaryLines(report)) write(line);
    for (const warning of [...new Set([...input.warnings, ...report.warnings])]) write(`warning: ${warning}`);
    const s = report.summary;
    const files = `${report.sources.length} file${report.sources.length === 1 ? '' : 's'}`;
    if (s.trusts === 0) {
      write(`keyless verify: no federated trust found in ${files}: nothing to verify`);
      return 0;
    }
    const fails = verifyFails(report);
    write(`keyless verify: ${s.trusts} trust${s.trusts === 1 ? '' : 's'} in ${files}: ${s.weak} weak, ${s.broken} broken, ${s.notEvaluable} not evaluable, ${s.sound} sound${(s.revoked ?? 0) > 0 ? `, ${s.revoked} revoked` : ''}; `
      + `${s.legitimateTokens} legitimate tokens, ${s.forgedTokens} forged tokens, ${s.forgedAdmitted} forged admitted${fails ? ' (fails: weak or broken trusts)' : ''}`);
    return fails ? 1 : 0;
  });
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
