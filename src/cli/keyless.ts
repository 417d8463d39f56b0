#!/usr/bin/env node
/**
 * `keyless check DIR…`: the Keyless guardrails over synthesized output from any tool (CloudFormation templates,
 * Terraform JSON, Kubernetes manifests). Prints each finding (rule, file, resource, message, fix) and exits 1 on any
 * finding not covered by a live exception, 2 on unusable input.
 */
import * as fs from 'fs';
import { today } from '../core/clock';
import { evaluate, reportFails } from '../guardrails/engine';
import { GuardrailException } from '../guardrails/exceptions';
import { formatFinding } from '../guardrails/model';
import { readSynthesizedOutput, UnreadableInputError } from '../guardrails/readers';

const USAGE = `usage: keyless check DIR|FILE… [--exceptions FILE.json] [--report FILE.json] [--mode error|report] [--today YYYY-MM-DD]`;

/** Runs the CLI; returns the exit code. Output goes through `write`. */
export function main(argv: readonly string[], write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): number {
  const [command, ...rest] = argv;
  if (command !== 'check') {
    write(USAGE);
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
      if (arg === '--exceptions') exceptionsFile = value();
      else if (arg === '--report') reportFile = value();
      else if (arg === '--mode') mode = value();
      else if (arg === '--today') date = value();
      else if (arg.startsWith('--')) {
        write(`keyless: unknown option ${arg}. ${USAGE}`);
        return 2;
      } else targets.push(arg);
    }
    if (targets.length === 0 || (mode !== 'error' && mode !== 'report')) {
      write(USAGE);
      return 2;
    }
    const exceptions = readExceptions(exceptionsFile);
    if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UnreadableInputError(`--today is ${JSON.stringify(date)}: expected YYYY-MM-DD`);
    const { resources, files } = readSynthesizedOutput(targets);
    if (files.length === 0) {
      write(`keyless: no CloudFormation template, Terraform JSON or Kubernetes manifest found in ${targets.join(', ')}: nothing was checked`);
      return 2;
    }
    const report = evaluate(resources, { exceptions, today: date ?? today() });
    for (const finding of report.findings) write(formatFinding(finding));
    for (const problem of report.exceptionErrors) write(`KL-G-EXCEPTION ${problem}`);
    for (const e of report.excepted) write(`excepted ${e.ruleId} ${e.file} ${e.resource}: ${e.message} (owner ${e.exception.owner}, until ${e.exception.expires}: ${e.exception.reason})`);
    write(`keyless check: ${report.resourcesChecked} resources in ${files.length} files, ${report.findings.length} findings, ${report.excepted.length} excepted, ${report.exceptionErrors.length} exception errors`);
    if (reportFile) fs.writeFileSync(reportFile, `${JSON.stringify({ files, ...report }, null, 2)}\n`);
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
  if (!Array.isArray(parsed)) throw new UnreadableInputError(`${file}: expected a JSON array of exceptions ({ ruleId, resource, reason, owner, expires })`);
  return parsed as GuardrailException[];
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
