import { javascript, JsonFile, typescript } from 'projen';

// Single source of project configuration: edit here and run `npx projen`.

// Framework packages are peer dependencies (the app brings one copy) and pinned dev dependencies (tests).
// cdktf is frozen upstream at 0.21.0 with prebuilt providers google 6.50 / azurerm 4.55 (shared/REFERENCE.md).
const frameworks = {
  'aws-cdk-lib': '2.276.0',
  'constructs': '10.8.1',
  'cdk8s': '2.70.106',
  'cdktf': '0.21.0',
  '@cdktf/provider-google': '16.12.1',
  '@cdktf/provider-azurerm': '14.23.1',
};

// HCL (`.tf`) reading in `keyless check|inventory|diff`: HashiCorp's parser, MPL-2.0, so an optional peer dependency
// (loaded only when a `.tf` file is read, src/synth/hcl.ts) and a pinned dev dependency (tests).
// The fast reader of plain YAML manifests (src/synth/yaml.ts, used when installed, guarded to read exactly as `yaml`
// does): js-yaml is MIT, but its one dependency argparse is Python-2.0 (loaded only by js-yaml's own command line), so
// an optional peer too.
const optionalPeers = { '@cdktf/hcl2json': '0.21.0', 'js-yaml': '4.3.2' };

const project = new typescript.TypeScriptProject({
  name: 'keyless',
  packageName: '@keyless/constructs',
  description: 'Golden paths for machine identity: keyless federated trust, least privilege and ownership on AWS, GCP, Azure and Kubernetes.',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  license: 'Apache-2.0',
  copyrightOwner: 'Keyless authors',
  typescriptVersion: '~5.9.3', // ts-jest supports TypeScript < 7
  minNodeVersion: '20.0.0',

  github: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,
  sampleCode: false,

  // Runtime: YAML for reading Kubernetes manifests in the guardrails and the CLI (ISC); CEL for `keyless verify`'s
  // evaluation of GCP attribute mappings and conditions (Apache-2.0; its dependencies @bufbuild/cel-spec Apache-2.0,
  // @bufbuild/re2 MIT, @bufbuild/protobuf Apache-2.0 / BSD-3-Clause).
  deps: ['yaml@^2.8.0', '@bufbuild/cel@0.6.1'],
  bin: { keyless: 'lib/cli/keyless.js' },
  peerDeps: Object.entries({ ...frameworks, ...optionalPeers }).map(([name, version]) => `${name}@^${version}`),
  devDeps: [
    ...Object.entries({ ...frameworks, ...optionalPeers }).map(([name, version]) => `${name}@${version}`),
    'kubernetes-models@5.1.0',
    '@cloud-copilot/iam-simulate@0.1.173',
    '@cloud-copilot/iam-policy@0.1.109',
    'typedoc@0.28.20',
    'typedoc-plugin-markdown@4.14.1',
    'fast-check@4.11.0', // property-based tests (test/property/), MIT
    '@types/js-yaml@4.0.9',
    '@actions/workflow-parser@0.3.61', // GitHub's own workflow parser: validates the generated workflows (test/ci/), MIT
    'jest-environment-node@30.5.2', // the tests' environment (test/setup/environment.ts), jest's own, same version
    // The real CLIs, run on examples/cli/ by test/real-clis.test.ts (aws-cdk: the CLI line released with aws-cdk-lib 2.276).
    'aws-cdk@2.1148.1',
    'cdktf-cli@0.21.0',
    'cdk8s-cli@2.207.60',
  ],

  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
    },
  },
  tsconfigDev: {
    compilerOptions: {
      isolatedModules: true,
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
    },
    include: ['../src/**/*.ts', '../examples/**/*.ts', '../scripts/**/*.ts'],
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'scripts'],
    // Only changed files are linted again (a clean clone has no cache, so CI lints everything).
    commandOptions: { extraArgs: ['--cache', '--cache-location', 'node_modules/.cache/keyless/eslint/'] },
  },
  jest: true,
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    junitReporting: false,
    jestConfig: {
      collectCoverage: false,
      testTimeout: 60_000,
      // Jest's default (cores - 1) leaves one of two cores idle; most of a suite's time is loading the frameworks.
      maxWorkers: '100%',
      // The examples are synthesized once per run, before the workers start, for every test that reads their output
      // (test/helpers/examples.ts); the teardown removes them.
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  },
  // ts-jest transpiles only; type checking runs once, in the `typecheck` task beside jest in `npm test`, which keeps tests fast.
  // (`isolatedModules` in test/tsconfig.json: ts-jest and ts-node transpile each file alone, and tsc checks that
  // every file can be.)
  tsJestOptions: { transformOptions: {} },
  gitignore: ['/out/', '/bench-results/', 'cdktf.out/', 'cdk.out/', '/examples/cli/dist/'], // dist/: cdk8s synth's default output
});


// Dependency direction (eslint import/no-restricted-paths): core decides and imports only core; synth reads output
// and imports only core; guardrails and inventory read synth; the inventory never imports the rules; nothing below
// the renderers imports them.
const upperLayers = ['./src/constructs', './src/templates', './src/guardrails', './src/inventory', './src/cli'];
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      { target: './src/core', from: [...upperLayers, './src/synth'], message: 'core/ decides without frameworks or readers: move the code into core/ or invert the dependency' },
      { target: './src/synth', from: upperLayers, message: 'synth/ is the neutral model: it imports only core/' },
      { target: './src/inventory', from: ['./src/guardrails/rules', './src/constructs', './src/templates', './src/cli'], message: 'the inventory reads synth/ and core/facts/, never the rules or the renderers' },
      { target: './src/guardrails', from: ['./src/inventory', './src/constructs', './src/templates', './src/cli'], message: 'guardrails read synth/ and core/, never the inventory or the renderers' },
      { target: './src/verify', from: upperLayers, message: 'verify/ evaluates trusts over synth/ and core/ only (issue 17): no renderer, rule or inventory' },
    ],
  }],
});
// core/, synth/ and verify/ load without any framework installed; templates compose constructs and import no framework.
const frameworkPackages = ['aws-cdk-lib', 'aws-cdk-lib/*', 'cdktf', 'cdk8s', '@cdktf/*', 'constructs'];
project.eslint?.addOverride({
  files: ['src/core/**/*.ts', 'src/synth/**/*.ts', 'src/verify/**/*.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: frameworkPackages, message: 'core/, synth/ and verify/ are framework-free' }] }] },
});
project.eslint?.addOverride({
  files: ['src/templates/**/*.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: frameworkPackages.filter((p) => p !== 'constructs'), message: 'templates compose constructs: render with a construct in src/constructs/' }] }] },
});

// unrs-resolver (used by jest and the eslint import resolver) 1.13.0 lacks most platform bindings on the npm
// registry this project installs from, which leaves the lock file incomplete and `npm ci` failing; 1.12.2 is complete.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Public API: the root and one entry point per target, nothing else (no `./lib/*`), so internals can move without a
// major version; README "Migrating from deep imports" maps each old deep import to its entry point.
const entryPoints: Record<string, string> = {
  '.': 'index',
  './aws': 'constructs/aws/index',
  './gcp': 'constructs/gcp/index',
  './azure': 'constructs/azure/index',
  './k8s': 'constructs/k8s/index',
  './templates': 'templates/index',
  './guardrails': 'guardrails/index',
  './inventory': 'inventory/index',
  './verify': 'verify/index',
};
project.package.addField('exports', {
  ...Object.fromEntries(Object.entries(entryPoints).map(([subpath, file]) => [subpath, { types: `./lib/${file}.d.ts`, default: `./lib/${file}.js` }])),
  './package.json': './package.json',
});
// TypeScript's `moduleResolution: node` (node10, in older app templates) ignores `exports`: the same subpaths for types.
project.package.addField('typesVersions', {
  '*': Object.fromEntries(Object.entries(entryPoints).filter(([subpath]) => subpath !== '.').map(([subpath, file]) => [subpath.slice(2), [`lib/${file}.d.ts`]])),
});
// Only constructs is a required peer: a team installs the frameworks of its targets (AWS only: aws-cdk-lib).
project.package.addField('peerDependenciesMeta', Object.fromEntries(
  [...Object.keys(frameworks), ...Object.keys(optionalPeers)].filter((name) => name !== 'constructs').map((name) => [name, { optional: true }]),
));
// The types of the root's namespaces are declaration files (src/namespaces/*.d.ts), which tsc does not emit: copy them.
project.postCompileTask.exec('cp src/namespaces/*.d.ts lib/namespaces/');

// Tests live under test/ only; snapshots under test/snapshots/ (see test/snapshot-resolver.js).
const packageJson = project.tryFindObjectFile('package.json')!;
packageJson.addOverride('jest.testMatch', ['<rootDir>/test/**/*.test.ts']);
packageJson.addOverride('jest.snapshotResolver', '<rootDir>/test/snapshot-resolver.js');
packageJson.addOverride('jest.testEnvironment', '<rootDir>/test/setup/environment.ts');

// Every ts-node run of the source (npm run synth|keyless|docgen, the real CLIs' apps, the tests' child processes) uses
// -P test/tsconfig.json: it transpiles as --transpile-only does, and reuses what it transpiled before
// (scripts/ts-node-transpile-cache.js).
project.tryFindObjectFile('test/tsconfig.json')!.addOverride('ts-node', { transpileOnly: true, transpiler: '../scripts/ts-node-transpile-cache.js' });

// examples/ and scripts/ are type-checked with the test config; these let eslint's project service find it.
for (const dir of ['examples', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'] },
  });
}

// Incremental: a run after a change checks again only what the change can affect (a clean clone has no build info).
const typecheck = project.addTask('typecheck', {
  description: 'Type-check sources, tests and examples',
  exec: 'tsc --noEmit --incremental --tsBuildInfoFile node_modules/.cache/keyless/typecheck.tsbuildinfo -p test/tsconfig.json',
});

project.addTask('synth', {
  description: 'Synthesize the examples into out/ (no cloud credentials needed)',
  exec: 'ts-node --transpile-only -P test/tsconfig.json examples/synth.ts',
});

// The CLI from a clone, without a build: `npm run keyless -- check out/` (installed users run `npx keyless`).
project.addTask('keyless', {
  description: 'Run the keyless CLI from the source (check | inventory | diff | verify)',
  exec: 'ts-node --transpile-only -P test/tsconfig.json src/cli/keyless.ts',
  receiveArgs: true,
});

project.addTask('bench', {
  description: 'Benchmark synthesis time and memory against a raw-framework baseline (N = 10 … 5,000)',
  exec: 'ts-node --transpile-only -P test/tsconfig.json scripts/bench/run.ts',
});

project.addTask('bench:verify', {
  description: 'Time `keyless verify` over N hand-written federated trusts (BENCH_VERIFY_SIZES, default 1,000)',
  exec: 'ts-node --transpile-only -P test/tsconfig.json scripts/bench/verify.ts',
});

project.addTask('docgen', {
  description: 'Generate API.md and docs/api/ from the source',
  exec: 'ts-node --transpile-only -P test/tsconfig.json scripts/docgen.ts',
});
const docgenCheck = project.addTask('docgen:check', {
  description: 'Fail when API.md or docs/api/ is not current with the source',
  exec: 'ts-node --transpile-only -P test/tsconfig.json scripts/docgen.ts --check',
});

// eslint and the API-docs check are single-threaded and independent: `npm test` runs them side by side.
project.addTask('check:lint-docs', {
  description: 'Run eslint and the API-docs check in parallel',
  exec: `node scripts/run-parallel.js eslint ${docgenCheck.name}`,
});
// `npm test`: the type check, eslint and the API-docs check (each single-threaded) run beside jest, which has the
// output; `npm test -- ARGS` passes ARGS to jest. ts-jest does not type-check, so nothing here depends on another.
project.testTask.reset(`node scripts/run-parallel.js ${typecheck.name} eslint ${docgenCheck.name} -- jest --ci`, { receiveArgs: true });

project.npmignore?.exclude('/examples/', '/scripts/', '/test/', '/out/', 'typedoc.json', '/.ci/');

project.synth();
