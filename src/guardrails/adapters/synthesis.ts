/**
 * One `synth()` of a framework app, as the guardrail adapters see it. Within one `synth()` call nothing changes the
 * construct tree between the framework's validation passes and its rendering, so an adapter renders and checks once
 * per synthesis and reuses what the framework itself rendered:
 * - cdk8s validates the whole app once in `App.synth()`, then once more for each chart it writes (`Chart.toJson()` →
 *   `App._synthChart()` → validate, cdk8s 2.70 lib/app.js): a guardrail on a cdk8s app ran charts + 1 times per
 *   synthesis, rendering every chart each time (quadratic in the app's size).
 * - cdktf writes each stack's `toTerraform()` (synthesizer.js) before it runs the app-level validations (app.js): the
 *   app-level guardrail rendered every stack a second time.
 * Outside `synth()` (`Testing.synth`, `chart.toJson()`, `node.validate()`), every call renders and checks afresh.
 */

/** The open synthesis of one app: results by key, and what the framework rendered, by construct. */
export interface Synthesis {
  readonly results: Map<object, unknown>;
  readonly rendered: Map<object, unknown>;
}

const open = new WeakMap<object, Synthesis>();
const tracked = new WeakSet<object>();

/**
 * Makes each call of the app's `methods` (e.g. `synth`) one synthesis; a call made during another (nested) belongs to
 * the open one. `opening` runs as each synthesis opens. Once per app (later calls do nothing); the methods keep their
 * behaviour, `this` and arguments.
 */
export function trackSynthesis(app: object, methods: readonly string[], opening?: (synthesis: Synthesis) => void): void {
  if (tracked.has(app)) return;
  tracked.add(app);
  for (const name of methods) {
    const original = (app as Record<string, unknown>)[name];
    if (typeof original !== 'function') continue;
    Object.defineProperty(app, name, {
      configurable: true,
      writable: true,
      value: function synthesizing(this: unknown, ...args: unknown[]) {
        if (open.has(app)) return original.apply(this, args);
        const synthesis: Synthesis = { results: new Map(), rendered: new Map() };
        open.set(app, synthesis);
        try {
          opening?.(synthesis);
          return original.apply(this, args);
        } finally {
          open.delete(app);
        }
      },
    });
  }
}

/** The synthesis in progress on an app, or undefined. */
export function openSynthesis(app: object): Synthesis | undefined {
  return open.get(app);
}

/** `compute()` once per synthesis of `app` for `key` (every call outside a synthesis computes). */
export function oncePerSynthesis<T>(app: object, key: object, compute: () => T): T {
  const synthesis = open.get(app);
  if (synthesis === undefined) return compute();
  if (!synthesis.results.has(key)) synthesis.results.set(key, compute());
  return synthesis.results.get(key) as T;
}
