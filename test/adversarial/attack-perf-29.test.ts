/**
 * Attacks on two session changes (issue 20, perf): the Keyless cdktf constructs' quiet creation-stack window
 * (constructs/private/creation-stacks.ts) and the cdk8s guardrail's kept render (guardrails/adapters/cdk8s.ts,
 * `renderedOnce`). `test.failing` marks a real bug (the assertion states the correct behaviour); `test` an attack that held
 * or a finding fixed. The kept render was reverted (38a4a27) after K3-K5: cdk8s renders every object again to write it,
 * as plain cdk8s does; those tests now guard that behaviour.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import * as cdk8s from 'cdk8s';
import { App, TerraformStack, Testing } from 'cdktf';
import { GitHubActions } from '../../src';
import * as azure from '../../src/constructs/azure';
import * as gcp from '../../src/constructs/gcp';
import { addKubernetesGuardrails } from '../../src/guardrails';
import { AKS_WORKLOAD_PROPS, DETECTION_ROUTES, GKE_WORKLOAD_PROPS, OWNERSHIP, TODAY } from '../helpers/synth';

const gcpProps = GKE_WORKLOAD_PROPS;
const azureProps = AKS_WORKLOAD_PROPS;
const payments = GitHubActions.repository({
  owner: 'acme',
  repository: 'payments-api',
  ownerId: '1342004',
  repositoryId: '86301532',
  subjectFormat: 'name-based',
  branches: ['main'],
  environments: ['production'],
  tags: ['v1.2.3'],
  allowBranchRunsWithoutEnvironment: true,
});
const BG_OWNERSHIP = { owner: 'team-sre', purpose: 'emergency repair', environment: 'production', tier: 1, reviewBy: '2027-01-31' } as const;
const SUBSCRIPTION = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';

function stackOf(stackTraces: boolean, id = 'platform'): TerraformStack {
  const app = new App({ outdir: Testing.app().outdir, stackTraces, context: { 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES } });
  return new TerraformStack(app, id);
}
const fromHere = (stack: string[]) => stack.some((frame) => frame.includes('attack-perf-29.test.ts'));

/** Every Keyless cdktf construct this change touched, in one stack. */
function everyConstruct(stack: TerraformStack): void {
  new gcp.WorkloadIdentity(stack, 'Gke', gcpProps);
  new azure.WorkloadIdentity(stack, 'Aks', azureProps);
  new gcp.CiOidcTrust(stack, 'GcpCi', {
    name: 'payments-deploy',
    ownership: OWNERSHIP,
    source: payments,
    project: 'acme-payments-prod',
    projectNumber: '412345678901',
    poolId: 'ci-github',
    access: 'impersonation',
  });
  new azure.CiOidcTrust(stack, 'AzCi', {
    name: 'payments-deploy', ownership: OWNERSHIP, source: payments, resourceGroupName: 'rg-identity', location: 'westeurope',
  });
  new gcp.ScopedPublisherRole(stack, 'Image', {
    name: 'payments-api-image',
    ownership: OWNERSHIP,
    source: payments,
    project: 'acme-payments-prod',
    projectNumber: '412345678901',
    target: gcp.GcpPublishTarget.artifactRegistryRepository({ project: 'acme-payments-prod', location: 'europe-west1', repository: 'payments' }),
  } as any);
  new azure.ScopedPublisherRole(stack, 'AzImage', {
    name: 'payments-api-azimage',
    ownership: OWNERSHIP,
    source: payments,
    resourceGroupName: 'rg-identity',
    location: 'westeurope',
    target: azure.AzurePublishTarget.containerRegistry({
      registryId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acmepayments`,
    }),
  } as any);
  new gcp.BreakGlassAccess(stack, 'Repair', {
    name: 'payments-break-glass',
    ownership: BG_OWNERSHIP,
    expires: '2027-01-31',
    project: 'acme-payments-prod',
    role: 'roles/container.admin',
    members: ['group:sre-oncall@example.com'],
  });
  new azure.BreakGlassAssignment(stack, 'AksContributor', {
    ownership: BG_OWNERSHIP,
    expires: '2027-01-31',
    scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments-aks`,
    roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8`,
    principalId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    justification: 'INC-4242: SRE on-call emergency access to repair the payments AKS cluster',
  });
}

describe('creation-stack window', () => {
  let saved: typeof Error.prepareStackTrace;
  beforeEach(() => {
    saved = Error.prepareStackTrace;
  });
  afterEach(() => {
    Error.prepareStackTrace = saved;
  });

  test('X1 every construct: output equal with stackTraces true/false (but the // stackTrace); formatter and stackTraceLimit restored', () => {
    const limit = Error.stackTraceLimit;
    const render = (stackTraces: boolean) => {
      const stack = stackOf(stackTraces);
      everyConstruct(stack);
      return JSON.parse(Testing.synth(stack));
    };
    const quiet = render(false);
    expect(Error.prepareStackTrace).toBe(saved);
    expect(Error.stackTraceLimit).toBe(limit);
    const traced = render(true);
    const strip = (json: any) => JSON.parse(JSON.stringify(json, (key, value) => (key === 'stackTrace' ? undefined : value)));
    expect(strip(quiet)).toEqual(strip(traced));
    expect(JSON.stringify(quiet)).not.toContain('stackTrace');
  });

  /** Props whose `project` runs `inside` the first time the construct reads it (user code inside the window). */
  const reading = (inside: () => void) => {
    let ran = false;
    return {
      ...gcpProps,
      get project() {
        if (!ran) {
          ran = true;
          inside();
        }
        return 'acme-payments-prod';
      },
    };
  };

  test('X2 a construct of a default app made inside one of a stackTraces:false app keeps its stacks; both restored', () => {
    const quiet = stackOf(false, 'quiet');
    const traced = stackOf(true, 'traced');
    let inner: gcp.WorkloadIdentity | undefined;
    let innerOwn: ServiceAccount | undefined;
    const outer = new gcp.WorkloadIdentity(quiet, 'Outer', reading(() => {
      inner = new gcp.WorkloadIdentity(traced, 'Inner', gcpProps);
      innerOwn = new ServiceAccount(traced, 'Own', { accountId: 'own-account', project: 'acme-payments-prod' });
    }));
    expect(Error.prepareStackTrace).toBe(saved);
    expect(fromHere(inner!.googleServiceAccount!.timeouts.creationStack)).toBe(true);
    expect(outer.googleServiceAccount!.timeouts.creationStack).toEqual([]);
    expect(innerOwn).toBeDefined();
  });

  // FINDING (low): the window is global, not per app: a plain cdktf resource of a DEFAULT app (stack traces on), made by user
  // code running inside a quiet app's Keyless constructor (a props getter / callback), loses its creation stack.
  test.failing('X2b a resource of a default app made from a callback inside a quiet construct keeps its creation stack', () => {
    const quiet = stackOf(false, 'quiet');
    const traced = stackOf(true, 'traced');
    let own: ServiceAccount | undefined;
    new gcp.WorkloadIdentity(quiet, 'Outer', reading(() => {
      own = new ServiceAccount(traced, 'Own', { accountId: 'own-account', project: 'acme-payments-prod' });
    }));
    expect(fromHere(own!.timeouts.creationStack)).toBe(true);
  });

  test('X3 a quiet construct nested in a traced one: the traced one\'s tokens made after the inner one keep their stacks', () => {
    const quiet = stackOf(false, 'quiet');
    const traced = stackOf(true, 'traced');
    let inner: gcp.WorkloadIdentity | undefined;
    const outer = new gcp.WorkloadIdentity(traced, 'Outer', reading(() => {
      inner = new gcp.WorkloadIdentity(quiet, 'Inner', gcpProps);
    }));
    expect(Error.prepareStackTrace).toBe(saved);
    expect(inner!.googleServiceAccount!.timeouts.creationStack).toEqual([]);
    expect(fromHere(outer.googleServiceAccount!.timeouts.creationStack)).toBe(true);
    expect(fromHere(outer.detectionRules[0].alertPolicy.alertStrategy.creationStack)).toBe(true);
  });

  test('X4 a user callback throwing inside a quiet construct (nested 3 deep): message and full stack kept, formatter restored', () => {
    const mine = (error: Error, frames: NodeJS.CallSite[]) => `mine ${error.message} ${frames.map((f) => f.getFileName()).join(',')}`;
    Error.prepareStackTrace = mine;
    const quiet = stackOf(false, 'quiet');
    const traced = stackOf(true, 'traced');
    let thrown: any;
    try {
      new gcp.WorkloadIdentity(quiet, 'A', reading(() => {
        new gcp.WorkloadIdentity(traced, 'B', reading(() => {
          new gcp.WorkloadIdentity(quiet, 'C', reading(() => {
            throw new RangeError('user callback failed');
          }));
        }));
      }));
    } catch (error) {
      thrown = error;
    }
    expect(Error.prepareStackTrace).toBe(mine);
    expect(thrown).toBeInstanceOf(RangeError);
    expect(thrown.message).toBe('user callback failed');
    expect(thrown.stack).toMatch(/^mine user callback failed .*attack-perf-29\.test\.ts/);
    expect(thrown.stack).toContain('workload-identity.ts');
  });

  test('X5 a Keyless error thrown inside the window of a quiet app keeps its message and stack (read after)', () => {
    const stack = stackOf(false);
    let thrown: any;
    try {
      new gcp.BreakGlassAccess(stack, 'Repair', {
        name: 'payments-break-glass',
        ownership: BG_OWNERSHIP,
        expires: '2027-01-31',
        project: 'acme-payments-prod',
        role: 'roles/datastore.owner',
        members: ['group:sre-oncall@example.com'],
      });
    } catch (error) {
      thrown = error;
    }
    expect(Error.prepareStackTrace).toBe(saved);
    expect(thrown.message).toMatch(/^\[KL-BG-GCP-AUDIT-SERVICE\] platform\/Repair/);
    expect(thrown.stack).toContain('attack-perf-29.test.ts');
    expect(thrown.stack).toContain('KL-BG-GCP-AUDIT-SERVICE');
  });

  // FIXED (real errors are formatted as outside the window): the window emptied every error stack formatted inside it, message included ('' instead of "Error: diagnostic\n at …").
  test('X6 an error created AND read inside the window (a user callback logging a stack) is not emptied', () => {
    let seen = 'unset';
    new gcp.WorkloadIdentity(stackOf(false), 'Api', reading(() => {
      seen = new Error('diagnostic').stack ?? '';
    }));
    expect(seen).toContain('diagnostic');
  });

  // FIXED (as X6): V8 caches a formatted stack: an error whose stack was read inside the window (logged, then rethrown) leaves the
  // construct with stack '' for good, so the user's top-level handler prints nothing, not even the message.
  test('X6b an error read inside the window and rethrown keeps its message and stack once it leaves the construct', () => {
    let thrown: any;
    try {
      new gcp.WorkloadIdentity(stackOf(false), 'Api', reading(() => {
        const error = new Error('lookup failed');
        if (error.stack === undefined) throw new Error('unreachable');
        throw error;
      }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown.message).toBe('lookup failed');
    expect(thrown.stack).toContain('lookup failed');
    expect(thrown.stack).toContain('attack-perf-29.test.ts');
  });

  test('X7 duplicate Keyless construct id inside a quiet app: cdktf/constructs error keeps message and stack', () => {
    const stack = stackOf(false);
    new gcp.WorkloadIdentity(stack, 'Api', gcpProps);
    let thrown: any;
    try {
      new azure.WorkloadIdentity(stack, 'Aks', { ...azureProps, name: 'payments-api' });
      new azure.WorkloadIdentity(stack, 'Aks2', { ...azureProps, name: 'payments-api' });
    } catch (error) {
      thrown = error;
    }
    expect(Error.prepareStackTrace).toBe(saved);
    if (thrown !== undefined) {
      expect(thrown.message.length).toBeGreaterThan(10);
      expect(thrown.stack).toContain('attack-perf-29.test.ts');
    }
  });

  test('X8 context value "true" (string, as from cdktf.json / CDKTF_CONTEXT_JSON) — cdktf treats it as disabled; nothing breaks', () => {
    const context = { '@cdktf/disable_stack_trace_in_metadata': 'true', 'keyless:today': TODAY, 'keyless:detections': DETECTION_ROUTES };
    const app = new App({ outdir: Testing.app().outdir, context });
    const stack = new TerraformStack(app, 'platform');
    const wi = new gcp.WorkloadIdentity(stack, 'Api', gcpProps);
    expect(Error.prepareStackTrace).toBe(saved);
    expect(JSON.parse(Testing.synth(stack)).resource.google_service_account).toBeDefined();
    expect(Array.isArray(wi.googleServiceAccount!.timeouts.creationStack)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// cdk8s: the kept render
// ---------------------------------------------------------------------------------------------------------------

const tmpdirs: string[] = [];
function tmpdir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keyless-attack-29-${prefix}-`));
  tmpdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tmpdirs) fs.rmSync(dir, { recursive: true, force: true });
});

const cleanPod = (scope: cdk8s.Chart, name: string, extra: Record<string, unknown> = {}) => new cdk8s.ApiObject(scope, name, {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'apps' },
  spec: { serviceAccountName: name, automountServiceAccountToken: false, containers: [{ name: 'app', image: 'busybox:1.36' }], ...extra },
});

/** Every file below `dir`, by relative path, with its content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
  }
  return out;
}

class Annotated extends cdk8s.ApiObject {
  public override toJson(): any {
    const json = super.toJson();
    return { ...json, metadata: { ...json.metadata, annotations: { ...(json.metadata.annotations ?? {}), rendered: 'by-subclass' } } };
  }
}

/** A varied app: nested charts, a cross-chart dependency, Lazy, JSON patch, a subclass overriding toJson, Include, a lazy spec. */
function build(app: cdk8s.App, yaml: string): { pods: cdk8s.ApiObject[] } {
  const a = new cdk8s.Chart(app, 'a', { labels: { team: 'payments' } });
  const nested = new cdk8s.Chart(a, 'nested');
  const b = new cdk8s.Chart(app, 'b', { namespace: 'apps' });
  const p1 = cleanPod(a, 'svc-a');
  const p2 = cleanPod(nested, 'svc-nested');
  const p3 = cleanPod(b, 'svc-b', { hostname: cdk8s.Lazy.any({ produce: () => `host-${b.node.findAll().length}` }) });
  p3.addJsonPatch(cdk8s.JsonPatch.add('/metadata/labels', { patched: 'yes' }));
  p1.addDependency(p3);
  new Annotated(b, 'annotated', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { k: 'v' } });
  new cdk8s.Include(b, 'included', { url: yaml });
  // As a lazy spec does: the spec is a Lazy computed from construct state at render time.
  new cdk8s.ApiObject(b, 'lazy-deploy', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'lazy-deploy' },
    spec: cdk8s.Lazy.any({
      produce: () => ({
        selector: { matchLabels: { app: 'x' } },
        template: { spec: { serviceAccountName: 'lazy', automountServiceAccountToken: false, containers: [{ name: 'm', image: 'busybox:1.36' }] } },
      }),
    }),
  });
  return { pods: [p1, p2, p3] };
}

function includeFile(): string {
  const file = path.join(tmpdir('include'), 'in.yaml');
  fs.writeFileSync(file, 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: included\n  namespace: apps\n'
    + 'automountServiceAccountToken: false\n');
  return file;
}

const debugPod = (chart: cdk8s.Chart) => new cdk8s.ApiObject(chart, 'debug', {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'apps' }, spec: { containers: [{ name: 's', image: 'x' }] },
});

describe('cdk8s: what is written with the guardrail equals plain cdk8s', () => {
  const types = [
    cdk8s.YamlOutputType.FILE_PER_CHART, cdk8s.YamlOutputType.FILE_PER_APP, cdk8s.YamlOutputType.FILE_PER_RESOURCE,
    cdk8s.YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
  ];
  test.each(types)('K1 yamlOutputType %s, recordConstructMetadata, twice with a mutation in between', (yamlOutputType) => {
    const yaml = includeFile();
    const make = (guarded: boolean) => {
      const app = new cdk8s.App({ outdir: tmpdir('k1'), yamlOutputType, recordConstructMetadata: true });
      const built = build(app, yaml);
      if (guarded) addKubernetesGuardrails(app, { today: TODAY, mode: 'report' });
      return { app, ...built };
    };
    const guarded = make(true);
    const plain = make(false);
    guarded.app.synth();
    plain.app.synth();
    expect(tree(guarded.app.outdir)).toEqual(tree(plain.app.outdir));
    for (const run of [guarded, plain]) {
      run.pods[0].metadata.addLabel('second', 'synth');
      run.app.synth();
    }
    expect(tree(guarded.app.outdir)).toEqual(tree(plain.app.outdir));
    expect(JSON.stringify(tree(guarded.app.outdir))).toContain('second: synth');
    expect(guarded.app.synthYaml()).toBe(plain.app.synthYaml());
  });

  test('K2 a finding is still reported with the kept render (mode error), per chart guardrail too; synthYaml too', () => {
    const app = new cdk8s.App({ outdir: tmpdir('k2') });
    const chart = new cdk8s.Chart(app, 'a');
    cleanPod(chart, 'ok');
    addKubernetesGuardrails(chart, { today: TODAY });
    app.synth();
    debugPod(chart);
    expect(() => app.synth()).toThrow('KL-G-K8S-AUTOMOUNT');
    expect(() => app.synthYaml()).toThrow('KL-G-K8S-AUTOMOUNT');
  });

  // FIXED (the kept render was reverted, 38a4a27): a validation that runs after the guardrail's (here: one on a chart; the app's runs first) and changes an
  // object is lost from the written manifest: cdk8s writes the render the guardrail kept, not the object as it is.
  test('K3 a later validation that labels an object: the label is written, as plain cdk8s writes it', () => {
    const make = (guarded: boolean) => {
      const app = new cdk8s.App({ outdir: tmpdir('k3') });
      const chart = new cdk8s.Chart(app, 'a');
      const pod = cleanPod(chart, 'svc');
      chart.node.addValidation({ validate: () => { pod.metadata.addLabel('validated', 'true'); return []; } });
      if (guarded) addKubernetesGuardrails(app, { today: TODAY });
      app.synth();
      return fs.readFileSync(path.join(app.outdir, 'a.k8s.yaml'), 'utf8');
    };
    expect(make(false)).toContain('validated: "true"');
    expect(make(true)).toBe(make(false));
  });

  // FIXED (as K3): a later validation turns the token automount on (a JSON patch). Plain cdk8s writes it;
  // with the guardrail the stale kept render is written instead, with no error: the output silently differs from the tree.
  test('K4 a later validation that sets automountServiceAccountToken: true is either written and reported, or refused', () => {
    const app = new cdk8s.App({ outdir: tmpdir('k4') });
    const chart = new cdk8s.Chart(app, 'a');
    const pod = cleanPod(chart, 'svc');
    chart.node.addValidation({
      validate: () => {
        pod.addJsonPatch(cdk8s.JsonPatch.replace('/spec/automountServiceAccountToken', true));
        return [];
      },
    });
    addKubernetesGuardrails(app, { today: TODAY });
    let threw = false;
    try {
      app.synth();
    } catch {
      threw = true;
    }
    const written = fs.existsSync(path.join(app.outdir, 'a.k8s.yaml')) ? fs.readFileSync(path.join(app.outdir, 'a.k8s.yaml'), 'utf8') : '';
    expect(threw || written.includes('automountServiceAccountToken: true')).toBe(true);
  });

  // FIXED (as K3): the guardrail defined an own `toJson` on each object; on a non-extensible object (Object.freeze /
  // preventExtensions, which plain cdk8s synthesizes fine) that throws and app.synth() fails.
  test('K5 a frozen ApiObject synthesizes with the guardrail as it does without', () => {
    const app = new cdk8s.App({ outdir: tmpdir('k5') });
    const chart = new cdk8s.Chart(app, 'a');
    Object.preventExtensions(cleanPod(chart, 'svc'));
    addKubernetesGuardrails(app, { today: TODAY });
    expect(() => app.synth()).not.toThrow();
    expect(fs.readFileSync(path.join(app.outdir, 'a.k8s.yaml'), 'utf8')).toContain('name: svc');
  });

  // FINDING (pre-existing, from oncePerSynthesis in synthesis.ts, not from renderedOnce): an object a later validation adds
  // is written but never checked: the app's check ran before it existed, and the per-chart re-validation reuses the result.
  test.failing('K6 an object with a finding added by a later validation fails app.synth() (it is written otherwise)', () => {
    const app = new cdk8s.App({ outdir: tmpdir('k6') });
    const chart = new cdk8s.Chart(app, 'a');
    cleanPod(chart, 'svc');
    let added = false;
    chart.node.addValidation({
      validate: () => {
        if (!added) {
          added = true;
          debugPod(chart);
        }
        return [];
      },
    });
    addKubernetesGuardrails(app, { today: TODAY });
    let error: any;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    const written = fs.existsSync(path.join(app.outdir, 'a.k8s.yaml')) ? fs.readFileSync(path.join(app.outdir, 'a.k8s.yaml'), 'utf8') : '';
    expect(written.includes('name: debug') ? 'written unchecked' : 'not written').toBe('not written');
    expect(error?.message).toContain('KL-G-K8S-AUTOMOUNT');
  });

  test('K7 a user validation calling chart.toJson() and mutating the result does not change what is written', () => {
    const app = new cdk8s.App({ outdir: tmpdir('k7') });
    const chart = new cdk8s.Chart(app, 'a');
    cleanPod(chart, 'svc');
    addKubernetesGuardrails(app, { today: TODAY });
    let depth = 0;
    chart.node.addValidation({
      validate: () => {
        if (depth++ === 0) for (const o of chart.toJson()) o.metadata.name = 'tampered';
        return [];
      },
    });
    app.synth();
    expect(fs.readFileSync(path.join(app.outdir, 'a.k8s.yaml'), 'utf8')).toContain('name: svc');
  });

  test('K8 an own toJson the user set on an instance, and a spy on the prototype, are honoured', () => {
    const app = new cdk8s.App({ outdir: tmpdir('k8') });
    const chart = new cdk8s.Chart(app, 'a');
    const pod = cleanPod(chart, 'svc');
    const proto = cdk8s.ApiObject.prototype.toJson;
    Object.defineProperty(pod, 'toJson', {
      configurable: true,
      writable: true,
      value: function own(this: cdk8s.ApiObject) {
        const json = proto.call(this);
        json.metadata.labels = { own: 'yes' };
        return json;
      },
    });
    addKubernetesGuardrails(app, { today: TODAY });
    app.synth();
    expect(fs.readFileSync(path.join(app.outdir, 'a.k8s.yaml'), 'utf8')).toContain('own: "yes"');
    expect(Object.keys(pod)).not.toContain('toJson');
  });
});
