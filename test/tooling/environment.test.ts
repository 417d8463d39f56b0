/** test/setup/environment.ts: Errors keep jest's source-mapped stacks; plain-object captures get V8's rendering. */

test('an Error\'s stack points at the TypeScript line that created it', () => {
  const error = new Error('here'); const line = 4; // the line of this statement in the .ts source
  expect(error.stack).toMatch(new RegExp(`^Error: here\\n    at .*environment\\.test\\.ts:${line}:`));
});

test('a stack captured on a plain object, as cdktf and aws-cdk-lib capture creation stacks, is V8\'s rendering of every frame', () => {
  const target: { stack?: string } = {};
  const previous = Error.stackTraceLimit;
  Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
  try {
    Error.captureStackTrace(target);
  } finally {
    Error.stackTraceLimit = previous;
  }
  const lines = target.stack!.split('\n');
  expect(lines[0]).toBe('Error');
  expect(lines.length).toBeGreaterThan(3);
  expect(lines.slice(1).every((l) => l.startsWith('    at '))).toBe(true);
  expect(lines[1]).toMatch(/environment\.test\.ts:\d+:\d+\)?$/);
});
