/**
 * The jest test environment: jest's node environment, with a temporary directory of its own per test file, and the
 * creation stacks the frameworks record formatted as V8 formats them instead of through jest's source maps.
 *
 * An aws-cdk-lib `App` without `outdir` writes its cloud assembly to a new `cdk.outXXXXXX` in the temporary
 * directory and never removes it (about a thousand per run of the suite, tens of thousands on a developer machine).
 * Each test file gets its own `TMPDIR` (and so `os.tmpdir()`, also for the processes it starts), removed with
 * everything in it when the file ends.
 *
 * cdktf captures a whole stack (`Error.stackTraceLimit` = MAX_SAFE_INTEGER) for every token it creates, and
 * aws-cdk-lib for every construct's metadata, each on a plain object (never an Error), to name the source of a bad
 * value in their own diagnostics. Under jest, every such capture ran jest's source-map formatter on every frame: about
 * 1 CPU-s of the 10 of test/property/terraform.test.ts; these captures took about 3.7 CPU-s of a whole run. No test reads those stacks. Errors,
 * of any realm, keep jest's formatter, so a failing test's stack still points into the TypeScript sources.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { types } from 'util';
import NodeEnvironment from 'jest-environment-node';

type Format = NonNullable<typeof Error.prepareStackTrace>;

/** V8's own rendering of a stack: the frames as CallSite renders them. */
const v8Format: Format = (_target, frames) => `Error${frames.map((frame) => `\n    at ${String(frame)}`).join('')}`;

export default class KeylessTestEnvironment extends NodeEnvironment {
  private formats?: { readonly jest: Format; readonly installed: Format };
  private tmp?: { readonly dir: string; readonly previous: string | undefined };

  public override async setup(): Promise<void> {
    await super.setup();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-jest-'));
    this.tmp = { dir, previous: process.env.TMPDIR };
    process.env.TMPDIR = dir;
    // jest installs its formatter for each test file before the environment's setup.
    const jestFormat = Error.prepareStackTrace;
    if (jestFormat === undefined) return;
    const installed: Format = (target, frames) => (types.isNativeError(target) ? jestFormat(target, frames) : v8Format(target, frames));
    this.formats = { jest: jestFormat, installed };
    Error.prepareStackTrace = installed;
  }

  public override async teardown(): Promise<void> {
    if (this.formats !== undefined && Error.prepareStackTrace === this.formats.installed) Error.prepareStackTrace = this.formats.jest;
    if (this.tmp !== undefined) {
      if (this.tmp.previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = this.tmp.previous;
      fs.rmSync(this.tmp.dir, { recursive: true, force: true });
    }
    await super.teardown();
  }
}
