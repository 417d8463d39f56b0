/**
 * Issue 15, public API: the root and every entry point export exactly these names (values at run time, types in the
 * declarations), so that a helper exported by accident fails here. The exports map names exactly these entry points.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

interface Surface {
  /** The module under src/ (without extension) the entry point is compiled from. */
  readonly source: string;
  /** Names exported as values (classes, functions, constants, namespaces), sorted. */
  readonly values: readonly string[];
  /** Names exported only as types (interfaces, type aliases), sorted. */
  readonly types: readonly string[];
}

const SURFACE: Record<string, Surface> = {
  '.': {
    source: 'index',
    values: ['Access', 'GitHubActions', 'GitLabCi', 'KeylessError', 'aws', 'azure', 'gcp', 'guardrails', 'inventory', 'k8s', 'routeDetections', 'templates', 'verify', 'writeRepositorySide'],
    types: [
      'AccessGrants', 'AwsAccessStatement', 'AwsDetectionRoute', 'AzureAccessGrant', 'AzureDetectionRoute', 'CiPlatform', 'CiRepositoryIdentity', 'CiResolveOptions', 'CiTrustPolicy',
      'ClaimPin', 'ClaimRequirement', 'DetectionRoutes', 'GcpAccessGrant', 'GcpDetectionRoute', 'GitHubActionsProps', 'GitHubSubjectFormat', 'GitLabCiProps', 'ICiSource',
      'IdentityDetectionsOptions', 'KeylessErrorDetails', 'KubernetesServiceAccountRef', 'Ownership', 'ReadObjectsTargets', 'ReadSecretTargets', 'ReferenceFramework',
      'RepositorySideIdentityRef', 'RepositorySideManifest', 'RepositorySideRepository', 'ResolvedDetections', 'Revocation', 'RiskTier', 'SendMessagesTargets', 'ValidationContext',
    ],
  },
  './aws': {
    source: 'constructs/aws/index',
    values: ['AwsPublishTarget', 'BreakGlassRole', 'CLOUDFORMATION_MAX_RESOURCES', 'CiOidcTrust', 'IdentityStacks', 'ScopedPublisherRole', 'WorkloadIdentity'],
    types: [
      'AwsBreakGlassHuman', 'AwsPublishStatement', 'BreakGlassExpiry', 'BreakGlassRoleProps', 'CiOidcTrustProps', 'CodeArtifactFormat',
      'CodeArtifactPackageTarget', 'EcrRepositoryTarget', 'EksBinding', 'EksIrsaBinding', 'EksPodIdentityBinding', 'IdentityStacksProps',
      'S3PrefixTarget', 'ScopedPublisherRoleProps', 'WorkloadIdentityProps',
    ],
  },
  './gcp': {
    source: 'constructs/gcp/index',
    values: ['BreakGlassAccess', 'CiOidcTrust', 'GcpPublishTarget', 'ScopedPublisherRole', 'WorkloadIdentity'],
    types: [
      'ArtifactRegistryTarget', 'BreakGlassAccessProps', 'BreakGlassExpiry', 'CiOidcTrustProps', 'GcpAccessMode', 'GcpBreakGlassMode',
      'GcpDetection', 'GcpDetectionKind', 'GcpPublishGrant', 'GcpRequiredAuditLog', 'GkeAccessMode', 'ScopedPublisherRoleProps', 'StoragePrefixTarget', 'WorkloadIdentityProps',
    ],
  },
  './azure': {
    source: 'constructs/azure/index',
    values: ['AzurePublishTarget', 'BreakGlassAssignment', 'CiOidcTrust', 'ScopedPublisherRole', 'WorkloadIdentity'],
    types: [
      'AzureBreakGlassMode', 'AzureCustomRoleSpec', 'AzurePublishGrant', 'AzureRoleAssignmentOptions', 'BlobContainerTarget',
      'BreakGlassAssignmentProps', 'BreakGlassExpiry', 'CiOidcTrustProps', 'ScopedPublisherRoleProps', 'WorkloadIdentityProps',
    ],
  },
  './k8s': {
    source: 'constructs/k8s/index',
    values: ['CloudIdentityBinding', 'IdentityAdmissionPolicy', 'WorkloadServiceAccount', 'addOwnershipMetadata'],
    types: [
      'AdmissionOptOut', 'AdmissionPolicyOptOutOptions', 'AwsWorkloadIdentityRef', 'AzureWorkloadIdentityRef', 'BindWorkloadOptions',
      'GcpWorkloadIdentityRef', 'IdentityAdmissionPolicyProps', 'WorkloadServiceAccountProps',
    ],
  },
  './templates': {
    source: 'templates/index',
    values: ['CiPublishArtifact', 'DeployService', 'ScheduledJob'],
    types: ['AksTarget', 'CiPublishArtifactProps', 'ClusterTargets', 'DeployServiceProps', 'EksTarget', 'GkeTarget', 'ScheduledJobProps', 'TemplateIdentityOptions', 'WorkloadOnClusters'],
  },
  './guardrails': {
    source: 'guardrails/index',
    values: [
      'ALL_RULES', 'COMPLIANT', 'KeylessPolicyValidation', 'NOT_APPLICABLE', 'RULE_ERROR_KEY', 'UnreadableInputError', 'addAwsGuardrails',
      'addKubernetesGuardrails', 'addTerraformGuardrails', 'awsAdminPolicy', 'awsBreakGlassMfa', 'awsPodIdentityUnscoped', 'awsPrincipalWildcard', 'azureFicAudience', 'cloudFormationResources', 'describeException',
      'evaluate', 'exceptionIsLive', 'exceptionMatches', 'exceptionProblems', 'exceptionTier', 'federatedTrustUnpinned', 'formatFinding', 'gcpBasicRole',
      'gcpDefaultSa', 'gcpPrincipalsetWildcard', 'gcpProviderUnpinned', 'gcpSaImpersonation', 'k8sAutomount', 'k8sClusterAdmin', 'k8sDefaultSa', 'k8sRbacEscalation', 'k8sRbacWildcard',
      'kubernetesResources', 'ownership', 'policyUnreadable', 'readSynthesizedOutput', 'reportFails', 'sessionOverTier', 'sharedIdentity',
      'staticCredential', 'terraformProviders', 'terraformResources', 'validateExceptions', 'verdict', 'wildcardAction', 'wildcardResource',
    ],
    types: [
      'CompliantResult', 'EvaluateOptions', 'ExceptionLifetimeContext', 'Finding', 'GuardrailException', 'GuardrailOptions', 'GuardrailReport', 'GuardrailRule',
      'NeutralResource', 'NonCompliantResult', 'NotApplicableResult', 'ReadResult', 'ResourceFormat', 'RuleContext', 'RuleFinding', 'RuleResult',
      'SynthFile', 'SynthOutput', 'TerraformProvider',
    ],
  },
  './inventory': {
    source: 'inventory/index',
    values: [
      'DIFF_COMMENT_MARKER', 'DIFF_SCHEMA_VERSION', 'INVENTORY_SCHEMA_VERSION', 'buildInventory', 'computeMetrics', 'diffFails',
      'diffInventories', 'diffJson', 'diffMarkdown', 'diffSarif', 'inventoryCsv', 'inventoryJson', 'inventoryMarkdown', 'kindLabel',
      'locateResource', 'readInventoryInput', 'writeInventory',
    ],
    types: [
      'BlastRadius', 'BuildInventoryOptions', 'Change', 'ChangeType', 'Cloud', 'Condition', 'CredentialType', 'DiffMarkdownOptions',
      'Direction', 'ExceptionCounts', 'ExceptionUse', 'FailOn', 'IdentityChange', 'IdentityKind', 'IdentityRecord', 'Inventory',
      'InventoryDiff', 'InventoryInput', 'InventoryMetrics', 'Permission', 'PermissionKind', 'RecordOwnership', 'RepositorySide', 'Revoked', 'SarifOptions',
      'SubjectKind', 'TrustedSubject', 'WriteInventoryOptions',
    ],
  },
  './verify': {
    source: 'verify/index',
    values: [
      'FORGED_FAMILIES', 'UnsupportedTrustPolicyError', 'VERIFY_COMMENT_MARKER', 'VERIFY_SCHEMA_VERSION', 'awsTrusts', 'azureTrusts',
      'evaluateTrust', 'forgedVariants', 'gcpTrusts', 'legitimateIdentities', 'readTrusts', 'tokenSummary', 'tryEvaluateTrust', 'verify',
      'verifyFails', 'verifyJson', 'verifyMarkdown', 'verifySarif', 'verifySummaryLines', 'verifyTrust',
    ],
    types: [
      'ClaimRequirement', 'ClaimValue', 'Decision', 'Evaluated', 'ForgedFamily', 'ForgedVariant', 'LegitimateIdentity', 'Token',
      'TokenPlatform', 'TrustAlternative', 'TrustDecision', 'TrustKind', 'TrustLocation', 'TrustPrincipalType', 'TrustRequest',
      'TrustResult', 'TrustUnsupported', 'TrustVerdict', 'VerifyMarkdownOptions', 'VerifyOptions', 'VerifyReport', 'VerifyRevocation', 'VerifySarifOptions', 'VerifyTrust',
    ],
  },
};

/** The root's namespaces are the entry points: `aws` is `@keyless/constructs/aws`. */
const NAMESPACES = ['aws', 'gcp', 'azure', 'k8s', 'templates', 'guardrails', 'inventory', 'verify'];

/** Every name each module exports, types included, read from the source (syntax and binding only: no type check). */
function declaredExports(): (source: string) => string[] {
  const files = (fs.readdirSync(path.join(ROOT, 'src'), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(ROOT, 'src', file));
  const program = ts.createProgram(files, { noResolve: true, noLib: true, types: [] });
  const checker = program.getTypeChecker();
  return (source) => {
    const file = program.getSourceFile(path.join(ROOT, 'src', `${source}.ts`));
    const symbol = file && checker.getSymbolAtLocation(file);
    if (!symbol) throw new Error(`no module src/${source}.ts`);
    return checker.getExportsOfModule(symbol).map((exported) => exported.name).sort();
  };
}

describe('each entry point exports exactly its public names', () => {
  const exportsOf = declaredExports();

  test.each(Object.entries(SURFACE))('%s: values at run time', (_entry, surface) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(path.join(ROOT, 'src', surface.source));
    expect(Object.keys(loaded).sort()).toEqual(surface.values);
  });

  test.each(Object.entries(SURFACE))('%s: values and types in the declarations', (_entry, surface) => {
    expect(exportsOf(surface.source)).toEqual([...surface.values, ...surface.types].sort());
  });

  test('the root exports no helper of core (validation, rendering, encoding)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const core = require(path.join(ROOT, 'src', 'core'));
    const rootValues = new Set(SURFACE['.'].values);
    const helpers = ['fail', 'quote', 'sortKeys', 'resolveCiSource', 'checkNamespace', 'resolveOwnership', 'tierPolicy', 'terraformLiteral'];
    for (const helper of helpers) expect(typeof core[helper]).toBe('function');
    expect(helpers.filter((helper) => rootValues.has(helper))).toEqual([]);
  });

  test('the root namespaces are the entry points, with their types', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const root = require(path.join(ROOT, 'src'));
    for (const name of NAMESPACES) {
      const entry = SURFACE[`./${name}`];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(path.join(ROOT, 'src', entry.source));
      expect([name, Object.keys(root[name]).sort()]).toEqual([name, entry.values]);
      for (const value of entry.values) expect([name, value, root[name][value] === loaded[value]]).toEqual([name, value, true]);
      // The namespace's declaration file re-exports the entry point, types included.
      expect(exportsOf(`namespaces/${name}.d`)).toEqual([...entry.values, ...entry.types].sort());
    }
  });

  test('a namespace of the root is read-only, like a module namespace', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const root = require(path.join(ROOT, 'src'));
    expect(() => {
      root.aws.CiOidcTrust = class {};
    }).toThrow(TypeError);
    expect(() => delete root.aws.CiOidcTrust).toThrow(TypeError);
    expect(root.aws.__esModule).toBe(true);
    expect(root.aws.then).toBeUndefined();
  });
});

describe('the exports map names exactly these entry points, with their types', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

  test('exports: the root, one subpath per target, package.json; nothing under lib/ otherwise', () => {
    const expected: Record<string, unknown> = {};
    for (const [entry, surface] of Object.entries(SURFACE)) {
      expected[entry] = { types: `./lib/${surface.source}.d.ts`, default: `./lib/${surface.source}.js` };
    }
    expected['./package.json'] = './package.json';
    expect(manifest.exports).toEqual(expected);
    expect([manifest.main, manifest.types]).toEqual(['lib/index.js', 'lib/index.d.ts']);
    expect(manifest.bin).toEqual({ keyless: 'lib/cli/keyless.js' });
  });

  test('typesVersions: the same subpaths for TypeScript resolving as node10 (which ignores exports)', () => {
    const expected: Record<string, string[]> = {};
    for (const [entry, surface] of Object.entries(SURFACE)) if (entry !== '.') expected[entry.slice(2)] = [`lib/${surface.source}.d.ts`];
    expect(manifest.typesVersions).toEqual({ '*': expected });
  });

  test('only constructs is a required peer: every framework, the HCL parser and the fast YAML reader are optional', () => {
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(
      ['@cdktf/hcl2json', '@cdktf/provider-azurerm', '@cdktf/provider-google', 'aws-cdk-lib', 'cdk8s', 'cdktf', 'constructs', 'js-yaml'],
    );
    expect(manifest.peerDependenciesMeta).toEqual({
      'aws-cdk-lib': { optional: true },
      'cdk8s': { optional: true },
      'cdktf': { optional: true },
      '@cdktf/provider-google': { optional: true },
      '@cdktf/provider-azurerm': { optional: true },
      '@cdktf/hcl2json': { optional: true },
      'js-yaml': { optional: true },
    });
  });

  test('the namespace declaration files are copied next to the compiled root (tsc does not emit .d.ts inputs)', () => {
    const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;
    expect(tasks['post-compile'].steps).toContainEqual({ exec: 'cp src/namespaces/*.d.ts lib/namespaces/' });
    const declarations = fs.readdirSync(path.join(ROOT, 'src', 'namespaces')).filter((file) => file.endsWith('.d.ts')).sort();
    expect(declarations).toEqual(NAMESPACES.map((name) => `${name}.d.ts`).sort());
  });
});
