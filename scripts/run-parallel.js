// Runs projen tasks side by side and fails if any fails; used by `npm test` for the single-threaded checks
// (eslint, the API-docs check) so that they share the machine's cores instead of running one after the other.
const { spawn } = require('child_process');

const tasks = process.argv.slice(2);
if (tasks.length === 0) {
  console.error('usage: node scripts/run-parallel.js TASK…');
  process.exit(2);
}
const runs = tasks.map((task) => new Promise((resolve) => {
  const child = spawn('npx', ['projen', task], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  child.on('close', (code) => resolve({ task, code, output }));
}));
Promise.all(runs).then((results) => {
  // Printed whole, one task after the other, so that interleaved output never hides a failure.
  for (const { task, code, output } of results) {
    process.stdout.write(`── ${task}: ${code === 0 ? 'passed' : `failed (exit ${code})`}\n${output}`);
  }
  process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
});
