// A ts-node transpiler (test/tsconfig.json, "ts-node"."transpiler") that transpiles exactly as `ts-node --transpile-only`
// does — TypeScript's own transpileModule, through ts-node's own wrapper, with the project's compiler options — and
// keeps each result on disk, keyed by everything the result depends on: the TypeScript and ts-node versions, the
// compiler options, the module kind ts-node asks for, the file name and the file's content.
//
// Every `npm run synth|keyless|docgen`, every real-CLI app and every child process the tests start runs the source
// under ts-node, and about half of such a process's time (1.5 s of 2.6 s for examples/cli/k8s.ts) is TypeScript
// transpiling the same unchanged files again. A source with syntax errors is reported by TypeScript as before and never
// stored. The cache lives in node_modules/.cache/keyless/ts-node/ (a clean clone has none; delete it at will).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

/** Bump when what this file stores changes. */
const FORMAT = 1;
/** KEYLESS_TS_NODE_CACHE names another directory (the test of this file uses a fresh one). */
const CACHE = process.env.KEYLESS_TS_NODE_CACHE || path.join(__dirname, '..', 'node_modules', '.cache', 'keyless', 'ts-node');

/** @type {import('ts-node').TranspilerFactory} */
exports.create = function create(createOptions) {
  const { service, nodeModuleEmitKind } = createOptions;
  const typescript = require(service.projectLocalResolveHelper('typescript', true));
  // ts-node's own wrapper of transpileModule (not in its exports map; ts-node is a pinned dev dependency).
  const tsNodeManifest = require.resolve('ts-node/package.json');
  const { createTsTranspileModule } = require(path.join(path.dirname(tsNodeManifest), 'dist', 'ts-transpile-module.js'));
  const tsNode = require(tsNodeManifest).version;
  const compilerOptions = service.config.options;
  let transpileModule;
  const packageJsonType = nodeModuleEmitKind === 'nodeesm' ? 'module' : 'commonjs';
  const base = crypto.createHash('sha256')
    .update(JSON.stringify({ FORMAT, ts: typescript.version, tsNode, compilerOptions, nodeModuleEmitKind: nodeModuleEmitKind ?? null }))
    .digest('hex');

  return {
    transpile(input, { fileName }) {
      const key = crypto.createHash('sha256').update(base).update('\0').update(fileName).update('\0').update(input).digest('hex');
      const file = path.join(CACHE, key.slice(0, 2), `${key}.json`);
      try {
        const cached = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (typeof cached.outputText === 'string') return cached;
      } catch {
        // Not stored yet (or unreadable): transpile.
      }
      transpileModule ??= createTsTranspileModule(typescript, { compilerOptions, reportDiagnostics: true });
      const result = transpileModule(input, { fileName }, packageJsonType);
      if (result.diagnostics && result.diagnostics.length > 0) return result;
      const stored = { outputText: result.outputText, sourceMapText: result.sourceMapText };
      try {
        // Written whole, then renamed: processes running side by side never read half a file.
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, JSON.stringify(stored));
        fs.renameSync(partial, file);
      } catch {
        // A read-only or full disk costs only the cache.
      }
      return stored;
    },
  };
};
