// Runs projen tasks side by side, and optionally one command with its output live, and fails if any fails. `npm test`
// runs the type check, eslint and the API-docs check (each single-threaded) beside jest this way, so that all of them
// share the machine's cores instead of running one after the other.
//
//   node scripts/run-parallel.js TASK… [-- COMMAND ARG…]
//
// Each task's output is printed whole when it ends (interleaved output could hide a failure); the command's output
// is live. A summary line per task and for the command closes the run.
const { spawn } = require('child_process');
const path = require('path');

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const tasks = dash < 0 ? argv : argv.slice(0, dash);
const command = dash < 0 ? [] : argv.slice(dash + 1);
if (tasks.length === 0 && command.length === 0) {
  console.error('usage: node scripts/run-parallel.js TASK… [-- COMMAND ARG…]');
  process.exit(2);
}

const projen = path.join(__dirname, '..', 'node_modules', 'projen', 'bin', 'projen');
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const status = (code) => (code === 0 ? 'passed' : `failed (exit ${code})`);

const runs = tasks.map((task) => new Promise((resolve) => {
  const child = spawn(process.execPath, [projen, task], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  child.on('error', (error) => { output += `${error.message}\n`; });
  child.on('close', (code) => {
    const result = { name: task, code: code ?? 1, seconds: seconds() };
    process.stdout.write(`── ${task}: ${status(result.code)} after ${result.seconds} s\n${output}`);
    resolve(result);
  });
}));

if (command.length > 0) {
  runs.push(new Promise((resolve) => {
    const name = command.join(' ');
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('error', (error) => {
      process.stderr.write(`${name}: ${error.message}\n`);
      resolve({ name, code: 1, seconds: seconds() });
    });
    child.on('close', (code) => resolve({ name, code: code ?? 1, seconds: seconds() }));
  }));
}

Promise.all(runs).then((results) => {
  for (const { name, code, seconds: s } of results) process.stdout.write(`── ${name}: ${status(code)} after ${s} s\n`);
  process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
});
