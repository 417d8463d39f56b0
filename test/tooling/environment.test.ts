/**
 * test/setup/environment.ts: Errors keep jest's source-mapped stacks; plain-object captures get V8's rendering; a
 * temporary directory per test file.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib/core';

test('an Error\'s stack points at the TypeScript line that created it', () => {
  const error = new Error('here'); const line = 12; // the line of this statement in the .ts source
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

test('each test file has a temporary directory of its own, which its processes inherit', () => {
  const tmp = os.tmpdir();
  expect(path.basename(tmp)).toMatch(/^keyless-jest-/);
  expect(fs.statSync(tmp).isDirectory()).toBe(true);
  expect(execFileSync(process.execPath, ['-p', 'require("os").tmpdir()'], { encoding: 'utf8' }).trim()).toBe(tmp);
  // An aws-cdk-lib App without outdir writes below it (and so is removed with it).
  const assembly = new App().synth();
  expect(path.dirname(assembly.directory)).toBe(tmp);
});
