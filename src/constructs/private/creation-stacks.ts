import { DISABLE_STACK_TRACE_IN_METADATA } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * cdktf captures the full call stack of every token and complex attribute it creates (`captureStackTrace` in cdktf
 * lib/tokens/private/stack-trace.js: `Error.stackTraceLimit` raised to `MAX_SAFE_INTEGER`, the stack formatted to
 * strings and kept on the object), for one use only: the text of a token-resolution error. A Keyless construct creates
 * dozens of them per identity (every nested block of a provider resource, every attribute read), so at 5,000
 * identities the formatting alone takes seconds and the kept strings hundreds of megabytes.
 *
 * An app that turned stack traces off (`new cdktf.App({ stackTraces: false })`, which sets the context key
 * `DISABLE_STACK_TRACE_IN_METADATA`) has said it does not want them. Inside a Keyless construct of such an app the
 * stack is captured with a formatter that returns no text for cdktf's captures (real errors are formatted as outside),
 * so cdktf keeps an empty creation stack: a resolution error on one of these tokens then names no creation stack, as
 * cdktf's own metadata does with `stackTraces: false`. Everything else is unchanged: V8 formats an
 * error's `stack` when it is first read, with the formatter in force then, so an error thrown inside the construct
 * still has its full stack once it leaves it; the previous `Error.prepareStackTrace` is restored on the way out (also
 * when the constructor throws).
 */
/** The formatter in force outside the quiet windows (saved when one opens from outside). */
let outside: typeof Error.prepareStackTrace;

/**
 * No text for cdktf's captures (a plain `{ stack: '' }` object, not an Error). A real error whose stack is read inside
 * the window (V8 then keeps that text) is formatted as outside it: by the outside formatter, or as V8 does by default.
 */
function noText(error: Error, frames: NodeJS.CallSite[]): string {
  if (!(error instanceof Error)) return '';
  if (outside !== undefined) return outside(error, frames) as string;
  return `${Error.prototype.toString.call(error)}${frames.map((frame) => `\n    at ${frame}`).join('')}`;
}

/**
 * Opens the window for `scope` (a construct of a cdktf app): returns the function that closes it, to call in a
 * `finally`. Windows nest (each restores what was in force when it opened): a construct of an app with stack traces
 * on, made inside a construct of an app with them off, gets the outside formatter back for its own duration.
 */
export function omitCreationStacks(scope: IConstruct): () => void {
  const before = Error.prepareStackTrace;
  const quiet = scope.node.tryGetContext(DISABLE_STACK_TRACE_IN_METADATA) === true;
  if (quiet && before !== noText) outside = before;
  const during = quiet ? noText : before === noText ? outside : before;
  Error.prepareStackTrace = during;
  return () => {
    // Only if nothing inside replaced it meanwhile (a formatter installed inside the window stays).
    if (Error.prepareStackTrace === during) Error.prepareStackTrace = before;
  };
}
