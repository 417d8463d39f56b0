/**
 * HCL (`*.tf`) read as Terraform JSON, through HashiCorp's parser `@cdktf/hcl2json` (Go compiled to WebAssembly; an
 * optional peer dependency, loaded only when a `.tf` file is read).
 *
 * The parser is asynchronous and the readers are synchronous (the CLI, the inventory, the framework adapters): the
 * parser runs in a worker thread, and the caller waits for its answer on a shared buffer (`Atomics.wait`), receiving
 * it with `receiveMessageOnPort`. The worker is started on the first read, kept for the process (unreferenced, so
 * it never keeps the process alive) and loads the WebAssembly once. (synckit does the same, but loads its worker from
 * a file, which would have to be JavaScript next to this module in both `src/` under ts-node/jest and `lib/`: an
 * inline worker needs neither, nor a runtime dependency.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import { UnreadableInputError } from './model';
import { evaluateTerraformDocuments } from './terraform-eval';

/** The parser package, and the range this package declares for it. */
export const HCL_PARSER_PACKAGE = '@cdktf/hcl2json';
const HCL_PARSER_RANGE = '^0.21.0';

/** How long one parse may take before the read is refused (the first one loads the WebAssembly: about 150 ms). */
const PARSE_TIMEOUT_MS = 60_000;

// The worker: parses each file it is sent, answers on its port, and wakes the waiting caller.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { port, signal } = workerData;
const answer = (message) => {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
};
// A parser that cannot load, or fails outside a parse, answers every request with the reason instead of never.
let fatal;
const pending = new Set();
const fail = (error) => {
  fatal = String((error && error.message) || error);
  for (const id of pending) answer({ id, fatal });
  pending.clear();
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
let parse;
try {
  ({ parse } = require(workerData.parser));
} catch (error) {
  fail(error);
}
port.on('message', async ({ id, files }) => {
  if (fatal !== undefined) return answer({ id, fatal });
  pending.add(id);
  // All files at once: the parser idles between its steps (timers), so overlapping the files is faster.
  const results = await Promise.all(files.map(({ name, text }) => parse(name, text).then(
    (document) => ({ document }),
    (error) => ({ error: String((error && error.message) || error) }),
  )));
  if (pending.delete(id)) answer({ id, results });
});
`;

interface ParserWorker {
  readonly worker: Worker;
  readonly port: import('worker_threads').MessagePort;
  readonly signal: Int32Array;
  next: number;
}

let parserWorker: ParserWorker | undefined;

/** The installed parser's entry file, or a Keyless error naming the package and how to install it. */
function resolveParser(file: string): string {
  try {
    return require.resolve(HCL_PARSER_PACKAGE);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new UnreadableInputError(`${file}: reading HCL needs ${HCL_PARSER_PACKAGE}, which is not installed (an optional peer dependency of @keyless/constructs, `
      + `which npm installs only when asked). Fix: \`npm i ${HCL_PARSER_PACKAGE}@${HCL_PARSER_RANGE}\` next to @keyless/constructs, or check the Terraform JSON `
      + 'of the module (`terraform show -json` of a plan)');
  }
}

function startWorker(parser: string): ParserWorker {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { parser, port: port2, signal }, transferList: [port2] });
  worker.unref();
  port1.unref();
  return { worker, port: port1, signal, next: 0 };
}

/** `FILE:LINE,COL-…: Summary; detail` of the parser's error, as the reader reports it. */
function syntaxError(file: string, message: string): UnreadableInputError {
  const diagnostic = /\[(.*)\]\s*$/s.exec(message)?.[1] ?? message;
  const located = /^[^:]*:(\d+),(\d+)(?:-\S*)?:\s*(.*)$/s.exec(diagnostic);
  const detail = (located ? located[3] : diagnostic).split('\n')[0].trim();
  return new UnreadableInputError(`${file}${located ? `:${located[1]}:${located[2]}` : ''}: cannot be parsed as HCL (${detail})`);
}

/**
 * Parses `.tf` files into Terraform JSON documents (blocks as lists of objects, expressions as `${…}` strings), in the
 * order given. A file that is not valid HCL is an {@link UnreadableInputError} naming `FILE:LINE:COLUMN`; a missing
 * parser package is one naming the package and the install command.
 */
export function parseHclFiles(files: readonly string[]): any[] {
  if (files.length === 0) return [];
  const parser = resolveParser(files[0]);
  parserWorker ??= startWorker(parser);
  const w = parserWorker;
  const id = ++w.next;
  w.port.postMessage({ id, files: files.map((file) => ({ name: path.basename(file), text: fs.readFileSync(file, 'utf8') })) });
  let answer: { id: number; results?: Array<{ document?: any; error?: string }>; fatal?: string } | undefined;
  const deadline = Date.now() + PARSE_TIMEOUT_MS;
  while (!answer) {
    // The worker posts, then counts: a count read before an empty port means the next answer changes it.
    const count = Atomics.load(w.signal, 0);
    const received = receiveMessageOnPort(w.port)?.message;
    if (received !== undefined) {
      if (received.id === id) answer = received;
      continue;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      void w.worker.terminate();
      parserWorker = undefined;
      throw new UnreadableInputError(`${files[0]}: the HCL parser (${HCL_PARSER_PACKAGE}) did not answer within ${PARSE_TIMEOUT_MS / 1000} s`);
    }
    Atomics.wait(w.signal, 0, count, remaining);
  }
  if (answer.fatal !== undefined || !answer.results) {
    void w.worker.terminate();
    parserWorker = undefined;
    throw new UnreadableInputError(`${files[0]}: the HCL parser (${HCL_PARSER_PACKAGE}) failed: ${answer.fatal}`);
  }
  return answer.results.map((result, i) => {
    if (result.error !== undefined) throw syntaxError(files[i], result.error);
    return result.document;
  });
}

/**
 * The variable values Terraform loads by itself for the module in `dir`: `terraform.tfvars`, `terraform.tfvars.json`,
 * then `*.auto.tfvars` and `*.auto.tfvars.json` in lexical order, a later file overriding an earlier one. Empty when
 * the directory has none (the HCL parser is needed only for `.tfvars` files). A file that cannot be parsed is an
 * {@link UnreadableInputError}.
 */
export function readVariableFiles(dir: string): Record<string, unknown> {
  const names = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  const auto = names.filter((n) => /\.auto\.tfvars(\.json)?$/.test(n)).sort();
  const files = [...['terraform.tfvars', 'terraform.tfvars.json'].filter((n) => names.includes(n)), ...auto].map((n) => path.join(dir, n));
  const hcl = files.filter((f) => !f.endsWith('.json'));
  const parsed = new Map(parseHclFiles(hcl).map((document, i) => [hcl[i], document]));
  const values: Record<string, unknown> = {};
  for (const file of files) {
    let document = parsed.get(file);
    if (document === undefined) {
      try {
        document = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        throw new UnreadableInputError(`${file}: cannot be parsed as JSON (${(error as Error).message.split('\n')[0]})`);
      }
    }
    if (!document || typeof document !== 'object' || Array.isArray(document)) throw new UnreadableInputError(`${file}: expected an object of variable values`);
    Object.assign(values, document);
  }
  return values;
}

/**
 * The Terraform JSON documents of one module directory (`.tf` parsed, `.tf.json`), evaluated together with the
 * directory's variable files, in the order given: what the reader does for every module.
 */
export function evaluateModule(dir: string, documents: readonly any[]): any[] {
  return evaluateTerraformDocuments(documents, { variables: readVariableFiles(dir) });
}

/**
 * One Terraform module: the `.tf` files given (all of one directory), parsed and evaluated together (locals,
 * variables and data documents are shared; the directory's variable files set variables), as Terraform JSON
 * documents in the order given. `.tf.json` documents
 * of the same directory can be passed in `json` so that they share the module (they are returned after the HCL ones).
 */
export function readHclModule(files: readonly string[], json: readonly any[] = []): any[] {
  const documents = [...parseHclFiles(files), ...json];
  return files.length > 0 ? evaluateModule(path.dirname(files[0]), documents) : evaluateTerraformDocuments(documents);
}
