// GitHub's own workflow parser (@actions/workflow-parser, MIT) over workflows given as JSON on stdin
// ([{ name, content }]); prints [{ name, errors, jobs }] as JSON. Run by workflow-parser.ts in a child process: the
// parser is an ES module that jest's CommonJS transform cannot load.
import { register } from 'node:module';
import { readFileSync } from 'node:fs';

register('./json-import-hooks.mjs', import.meta.url);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');

const workflows = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const { name, content } of workflows) {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const template = parsed.value === undefined ? undefined : await convertWorkflowTemplate(parsed.context, parsed.value);
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  const jobs = (template?.jobs ?? []).map((job) => ({ id: job.id?.value ?? job.id, type: job.type, ref: job.ref?.value ?? job.ref }));
  results.push({ name, errors, jobs, events: template?.events === undefined ? [] : Object.keys(template.events) });
}
process.stdout.write(JSON.stringify(results));
