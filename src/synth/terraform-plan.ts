/**
 * `terraform show -json` output read into the neutral model: a plan (`terraform show -json plan.out`) or a state
 * (`terraform show -json`). Evaluation is Terraform's own: `jsonencode(...)`, locals, variables, modules and data
 * documents are resolved in the values.
 *
 * - Resources come from `planned_values` (a plan, the "after" side), `prior_state.values` (a plan's "before" side) or
 *   `values` (a state): `root_module.resources[]` and every `child_modules[]`, recursively. The id is the address
 *   (`aws_iam_role.ci`, `module.m.aws_iam_role.ci[0]`), the properties are the `values` with `null` (unset) attributes
 *   left out, nested blocks as Terraform gives them (lists of objects). Data sources are typed `data.TYPE`, as in
 *   Terraform JSON.
 * - A planned value that is unknown until apply (`resource_changes[].change.after_unknown`) and that the
 *   configuration sets is the string `${known after apply}` (or `${known after apply: REFERENCES}`, naming what it
 *   is computed from): a `${…}` placeholder like any unresolved Terraform reference, so that a policy only known at
 *   apply is reported as unreadable, never read as compliant. Unknown attributes the configuration does not set
 *   (computed by the provider: `arn`, `id`, `managed_policy_arns`) stay absent.
 * - Providers are the root module's `configuration.provider_config` blocks, with constant attributes and variables.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NeutralResource, SynthOutput, TerraformProvider, UnreadableInputError } from './model';

/** What a `terraform show -json` document is. */
export type TerraformShowKind = 'plan' | 'state';

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A plan (`format_version` with `planned_values`, `resource_changes` or `prior_state`), a state (`format_version`
 * with `values`), or undefined.
 */
export function terraformShowKind(document: unknown): TerraformShowKind | undefined {
  if (!isObject(document) || typeof document.format_version !== 'string') return undefined;
  if (isObject(document.planned_values) || Array.isArray(document.resource_changes) || isObject(document.prior_state)) return 'plan';
  if (isObject(document.values)) return 'state';
  return undefined;
}

/** The placeholder of a value known only after apply (a `${…}` string, as unresolved references are). */
export function knownAfterApply(references: readonly string[] = []): string {
  return references.length > 0 ? `\${known after apply: ${references.join(', ')}}` : '${known after apply}';
}

/** Whether a value is the placeholder of {@link knownAfterApply}. */
export function isKnownAfterApply(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('${known after apply');
}

/** An address without instance keys: `module.m["a"].aws_iam_role.x[0]` → `module.m.aws_iam_role.x`. */
function configAddress(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]/g, '');
}

/** Configuration resources of every module, by address without instance keys. */
function configurationResources(module: any, prefix: string, into: Map<string, any>): Map<string, any> {
  for (const resource of Array.isArray(module?.resources) ? module.resources : []) {
    if (typeof resource?.address === 'string') into.set(`${prefix}${resource.address}`, resource);
  }
  for (const [name, call] of Object.entries<any>(isObject(module?.module_calls) ? module.module_calls : {})) {
    configurationResources(call?.module, `${prefix}module.${name}.`, into);
  }
  return into;
}

/** An expression of the plan's `configuration`: `{references}` or `{constant_value}`. */
function isLeafExpression(expression: unknown): expression is { references?: string[]; constant_value?: unknown } {
  return isObject(expression) && ('references' in expression || 'constant_value' in expression)
    && Object.keys(expression).every((key) => key === 'references' || key === 'constant_value');
}

/** Marks that the configuration of a resource could not be found: every unknown value is treated as set. */
const UNCONFIGURED = Symbol('no configuration');

/** The references an expression is computed from, most specific only (`aws_s3_bucket.b.arn`, not `aws_s3_bucket.b`). */
function referencesOf(expression: unknown): string[] {
  const references = isLeafExpression(expression) && Array.isArray(expression.references) ? expression.references.filter((r) => typeof r === 'string') : [];
  return references.filter((r) => !references.some((other) => other !== r && (other.startsWith(`${r}.`) || other.startsWith(`${r}[`))));
}

const OMIT = Symbol('omit');

/**
 * A planned value with its unknown parts (after_unknown: `true` at each unknown leaf, objects and lists mirroring
 * the value) replaced by the placeholder where the configuration sets them, and left out where it does not.
 */
function withUnknowns(value: unknown, unknown: unknown, expression: unknown): unknown {
  if (unknown === true) {
    if (expression === UNCONFIGURED) return knownAfterApply();
    if (expression === undefined || expression === null) return OMIT;
    return knownAfterApply(referencesOf(expression));
  }
  const child = (key: string | number): unknown => {
    if (expression === UNCONFIGURED || isLeafExpression(expression)) return expression;
    if (Array.isArray(expression)) return expression[typeof key === 'number' ? key : -1] ?? (expression.length === 1 ? expression[0] : undefined);
    return isObject(expression) ? expression[key] : undefined;
  };
  if (Array.isArray(unknown)) {
    const list = Array.isArray(value) ? [...value] : [];
    unknown.forEach((u, i) => {
      const merged = withUnknowns(list[i], u, child(i));
      if (merged !== OMIT) list[i] = merged;
    });
    return list.length > 0 || Array.isArray(value) ? list : value;
  }
  if (isObject(unknown)) {
    const object: Record<string, unknown> = isObject(value) ? { ...value } : {};
    let changed = false;
    for (const [key, u] of Object.entries(unknown)) {
      const merged = withUnknowns(object[key], u, child(key));
      if (merged !== OMIT && merged !== undefined) {
        object[key] = merged;
        changed = true;
      }
    }
    return isObject(value) || changed ? object : value;
  }
  return value;
}

/** A value with `null` attributes (unset, in Terraform) left out of objects, at every depth. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

interface PlanContext {
  readonly file: string;
  /** `resource_changes[].change.after_unknown` by address (the planned side only). */
  readonly unknown?: Map<string, unknown>;
  /**
   * Configuration resources by address without instance keys. A resource without one (a state, or a plan without
   * `configuration`) has every unknown value treated as set.
   */
  readonly configuration: Map<string, any>;
}

/** Resources of a `root_module` and its `child_modules`, recursively, in written order. */
function moduleResources(module: any, context: PlanContext, into: NeutralResource[]): NeutralResource[] {
  for (const resource of Array.isArray(module?.resources) ? module.resources : []) {
    if (!isObject(resource) || typeof resource.address !== 'string' || typeof resource.type !== 'string') {
      throw new UnreadableInputError(`${context.file}: a resource of \`${module?.address ?? 'root_module'}\` has no \`address\` and \`type\`: not a \`terraform show -json\` document`);
    }
    const config = context.configuration.get(configAddress(resource.address));
    let properties = withoutNulls(resource.values ?? {}) as Record<string, unknown>;
    const unknown = context.unknown?.get(resource.address);
    if (unknown !== undefined) {
      properties = withUnknowns(properties, unknown, config ? config.expressions ?? {} : UNCONFIGURED) as Record<string, unknown>;
    }
    // An aliased provider of the root module, as the `provider` meta-argument Terraform JSON would write.
    const key = typeof config?.provider_config_key === 'string' ? config.provider_config_key : undefined;
    if (key !== undefined && !key.includes(':') && key.includes('.') && !resource.address.startsWith('module.') && properties.provider === undefined) {
      properties = { ...properties, provider: key };
    }
    into.push({
      format: 'terraform',
      file: context.file,
      type: resource.mode === 'data' ? `data.${resource.type}` : resource.type,
      id: resource.address,
      properties,
    });
  }
  for (const child of Array.isArray(module?.child_modules) ? module.child_modules : []) moduleResources(child, context, into);
  return into;
}

/** A provider expression's value: constants, and variables the plan gives a value for; undefined otherwise. */
function expressionValue(expression: unknown, variables: any): unknown {
  if (isLeafExpression(expression)) {
    if ('constant_value' in expression) return expression.constant_value;
    const refs = referencesOf(expression);
    const variable = refs.length === 1 && /^var\.([A-Za-z0-9_-]+)$/.exec(refs[0]);
    return variable && isObject(variables?.[variable[1]]) ? variables[variable[1]].value : undefined;
  }
  if (Array.isArray(expression)) return expression.map((e) => expressionValue(e, variables));
  if (isObject(expression)) {
    return Object.fromEntries(Object.entries(expression).map(([k, e]) => [k, expressionValue(e, variables)]).filter(([, v]) => v !== undefined));
  }
  return undefined;
}

/** The root module's provider blocks of a plan's configuration. */
function planProviders(document: any, file: string): TerraformProvider[] {
  const providers: TerraformProvider[] = [];
  for (const config of Object.values<any>(isObject(document?.configuration?.provider_config) ? document.configuration.provider_config : {})) {
    if (!isObject(config) || typeof config.name !== 'string' || config.module_address !== undefined) continue;
    const attributes = expressionValue(config.expressions ?? {}, document.variables) as Record<string, unknown>;
    const alias = typeof config.alias === 'string' ? config.alias : undefined;
    // Terraform JSON provider blocks carry `alias` among their attributes: so do these.
    if (alias === undefined) providers.push({ file, name: config.name, attributes });
    else providers.push({ file, name: config.name, alias, attributes: { ...attributes, alias } });
  }
  return providers;
}

/** One side of a `terraform show -json` document. */
export function terraformShowOutput(document: any, file: string, side: 'before' | 'after' = 'after'): Pick<SynthOutput, 'resources' | 'providers'> {
  const kind = terraformShowKind(document);
  if (kind === undefined) throw new UnreadableInputError(`${file}: not a \`terraform show -json\` plan or state (expected \`format_version\` with \`planned_values\` or \`values\`)`);
  if (document.errored === true) {
    throw new UnreadableInputError(`${file}: the plan errored (\`errored\` is true): its planned values are partial; fix the errors and run \`terraform plan\` and \`terraform show -json\` again`);
  }
  const configuration = configurationResources(document.configuration?.root_module, '', new Map());
  if (kind === 'state') {
    return { resources: moduleResources(document.values.root_module, { file, configuration }, []), providers: [] };
  }
  const providers = planProviders(document, file);
  if (side === 'before') {
    return { resources: moduleResources(document.prior_state?.values?.root_module, { file, configuration }, []), providers };
  }
  const unknown = new Map<string, unknown>();
  for (const change of Array.isArray(document.resource_changes) ? document.resource_changes : []) {
    if (typeof change?.address === 'string' && change.deposed === undefined && change.change?.after_unknown !== undefined) {
      unknown.set(change.address, change.change.after_unknown);
    }
  }
  return { resources: moduleResources(document.planned_values?.root_module, { file, configuration, unknown }, []), providers };
}

/**
 * The two sides of a plan file (`terraform show -json plan.out > plan.json`), for `keyless diff PLAN.json`: `before`
 * is the prior state (what is deployed), `after` the planned values (what the plan would deploy). Both sides carry
 * the plan's provider blocks. The file is labelled as the readers label a single file (`DIR-NAME/plan.json`).
 */
export function readPlanSides(file: string): { before: SynthOutput; after: SynthOutput } {
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UnreadableInputError(`${file}: no such file or directory`);
    throw new UnreadableInputError(`${file}: cannot be ${code ? 'read' : 'parsed as JSON'} (${(error as Error).message.split('\n')[0]})`);
  }
  const kind = terraformShowKind(document);
  if (kind !== 'plan') {
    throw new UnreadableInputError(kind === 'state'
      ? `${file}: is a Terraform state, not a plan: it has one side only (compare two outputs, or run \`terraform show -json plan.out\`)`
      : `${file}: not a Terraform plan: expected the output of \`terraform show -json plan.out\` (\`format_version\` with \`planned_values\`)`);
  }
  const label = path.join(path.basename(path.resolve(path.dirname(file))), path.basename(file));
  const files = [{ file: label, format: 'terraform' as const }];
  return {
    before: { ...terraformShowOutput(document, label, 'before'), files },
    after: { ...terraformShowOutput(document, label, 'after'), files },
  };
}
