/**
 * A small model of how the Kubernetes API server admits a request under one ValidatingAdmissionPolicy and its binding,
 * with the policy's CEL evaluated by `@bufbuild/cel` (the standard library, no Kubernetes extension).
 *
 * What it models, from k8s.io/apiserver `pkg/admission/plugin/policy/validating` (dispatcher.go, validator.go) and
 * `pkg/admission/plugin/cel/filter.go`:
 * - the policy's `matchConstraints` (resource rules by group, version, resource, operation and scope; the namespace
 *   selector's `matchLabels`) and the binding's `matchResources.namespaceSelector`: no match, no policy;
 * - `matchConditions`: all must be true for the policy to apply; an error is a failure (`failurePolicy: Fail` denies);
 * - `variables`: evaluated lazily when an expression reads them, which for side-effect-free CEL is the same as
 *   evaluating the variable's expression in place (done here, in the variables' order);
 * - `validations` in order: each must be true; an evaluation error is a failure (Fail denies) with the message
 *   "expression '…' resulted in error: …"; a false one denies with its `messageExpression` (when it yields a
 *   non-empty one-line string), else its `message`, else "failed expression: …";
 * - the first denial answers: "ValidatingAdmissionPolicy 'P' with binding 'B' denied request: MESSAGE".
 * The bindings Kubernetes gives CEL: `object` (null on DELETE), `oldObject` (null on CREATE), `request` (the
 * AdmissionRequest: kind, resource, name, namespace, operation, userInfo), `namespaceObject`, `params` (null), and the
 * policy's `variables`.
 */
import { celEnv, celError, isCelError, parse, plan, type CelInput, type CelResult } from '@bufbuild/cel';

type Obj = Record<string, any>;

/** A request to the API server. */
export interface AdmissionAttempt {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  /** The object sent (for UPDATE, the new object); null for DELETE. */
  readonly object: Obj | null;
  /** The stored object, for UPDATE and DELETE. */
  readonly oldObject?: Obj;
  /** `request.userInfo.username`. */
  readonly username: string;
  /** The namespace's labels; the API server always sets `kubernetes.io/metadata.name`. */
  readonly namespaceLabels?: Record<string, string>;
  /** A subresource (`status`, `scale`, `ephemeralcontainers`, `token`…). */
  readonly subResource?: string;
  /** `request.name`, when it is not the object's own name (a TokenRequest is named by its ServiceAccount). */
  readonly name?: string;
}

/** The answer: admitted (and whether the policy applied at all), or denied with the API server's message. */
export type Admission = { readonly allowed: true; readonly evaluated: boolean } | { readonly allowed: false; readonly message: string };

/** The REST resource of each kind the tests send (group, version, plural). */
const RESOURCES: Record<string, { group: string; version: string; resource: string }> = {
  'v1/Pod': { group: '', version: 'v1', resource: 'pods' },
  'v1/ServiceAccount': { group: '', version: 'v1', resource: 'serviceaccounts' },
  // `serviceaccounts/token` takes and returns an authentication.k8s.io/v1 TokenRequest (pkg/registry/core/serviceaccount/storage/token.go).
  'authentication.k8s.io/v1/TokenRequest': { group: '', version: 'v1', resource: 'serviceaccounts' },
  'v1/ConfigMap': { group: '', version: 'v1', resource: 'configmaps' },
  'v1/Secret': { group: '', version: 'v1', resource: 'secrets' },
  'apps/v1/Deployment': { group: 'apps', version: 'v1', resource: 'deployments' },
  'apps/v1/ReplicaSet': { group: 'apps', version: 'v1', resource: 'replicasets' },
  'apps/v1/StatefulSet': { group: 'apps', version: 'v1', resource: 'statefulsets' },
  'apps/v1/DaemonSet': { group: 'apps', version: 'v1', resource: 'daemonsets' },
  'batch/v1/Job': { group: 'batch', version: 'v1', resource: 'jobs' },
  'batch/v1/CronJob': { group: 'batch', version: 'v1', resource: 'cronjobs' },
};

const ENV = celEnv();
const PROGRAMS = new Map<string, (bindings: Record<string, CelInput>) => CelResult>();

/** Parses an expression once; a syntax error throws (the API server refuses to create such a policy). */
export function compile(expression: string): (bindings: Record<string, CelInput>) => CelResult {
  let program = PROGRAMS.get(expression);
  if (program === undefined) {
    const planned = plan(ENV, parse(expression)) as (bindings: Record<string, CelInput>) => CelResult;
    program = (bindings) => {
      try {
        return planned(bindings);
      } catch (error) {
        return celError(error);
      }
    };
    PROGRAMS.set(expression, program);
  }
  return program;
}

/** Every CEL expression of a policy: match conditions, variables, validations and message expressions. */
export function policyExpressions(policy: Obj): string[] {
  const spec = policy.spec ?? {};
  return [
    ...(spec.matchConditions ?? []).map((c: Obj) => c.expression),
    ...(spec.variables ?? []).map((v: Obj) => v.expression),
    ...(spec.validations ?? []).flatMap((v: Obj) => [v.expression, ...(v.messageExpression !== undefined ? [v.messageExpression] : [])]),
  ];
}

/** `variables.NAME` replaced by the variable's expression (earlier variables first), as lazy evaluation reads it. */
function inlineVariables(expression: string, variables: ReadonlyArray<{ name: string; expression: string }>): string {
  const inlined = new Map<string, string>();
  const substitute = (text: string): string => text.replace(/\bvariables\.([A-Za-z_][A-Za-z0-9_]*)/g, (_match, name: string) => {
    const value = inlined.get(name);
    if (value === undefined) throw new Error(`no variable ${name} (or it is read before it is declared)`);
    return `(${value})`;
  });
  for (const variable of variables) inlined.set(variable.name, substitute(variable.expression));
  return substitute(expression);
}

type Outcome = { value: unknown } | { error: string };

function evaluate(expression: string, variables: ReadonlyArray<{ name: string; expression: string }>, bindings: Obj): Outcome {
  const result = compile(inlineVariables(expression, variables))(bindings as Record<string, CelInput>);
  if (isCelError(result)) return { error: result.message };
  return { value: result };
}

function selectorMatches(selector: Obj | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return true;
  if (selector.matchExpressions !== undefined) throw new Error('the model reads matchLabels only');
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

/** Whether a resource rule covers the request. */
type Resource = { group: string; version: string; resource: string };

function ruleMatches(rule: Obj, resource: Resource, operation: string, subResource: string | undefined): boolean {
  const any = (values: string[] | undefined, value: string) => (values ?? []).some((v) => v === '*' || v === value);
  const name = subResource === undefined ? resource.resource : `${resource.resource}/${subResource}`;
  return any(rule.apiGroups, resource.group) && any(rule.apiVersions, resource.version) && any(rule.operations, operation)
    && any(rule.resources, name) && (rule.scope === undefined || rule.scope === '*' || rule.scope === 'Namespaced');
}

/** Admits or denies `attempt` under `policy` bound by `binding`, as the API server would. */
export function admit(policy: Obj, binding: Obj, attempt: AdmissionAttempt): Admission {
  if (binding.spec.policyName !== policy.metadata.name) throw new Error(`binding ${binding.metadata.name} binds ${binding.spec.policyName}, not ${policy.metadata.name}`);
  if (JSON.stringify(binding.spec.validationActions) !== '["Deny"]') throw new Error('the model evaluates Deny bindings');
  if (policy.spec.paramKind !== undefined || policy.spec.matchConstraints.excludeResourceRules !== undefined) throw new Error('the model has no params nor exclusions');
  const subject = attempt.object ?? attempt.oldObject!;
  const resource = RESOURCES[`${subject.apiVersion}/${subject.kind}`];
  if (resource === undefined) throw new Error(`no resource for ${subject.apiVersion}/${subject.kind}`);
  const namespace: string = subject.metadata.namespace;
  const namespaceLabels = attempt.namespaceLabels ?? { 'kubernetes.io/metadata.name': namespace };
  const constraints = policy.spec.matchConstraints;
  const matched = constraints.resourceRules.some((rule: Obj) => ruleMatches(rule, resource, attempt.operation, attempt.subResource));
  if (!matched) return { allowed: true, evaluated: false };
  if (!selectorMatches(constraints.namespaceSelector, namespaceLabels)) return { allowed: true, evaluated: false };
  if (!selectorMatches(binding.spec.matchResources?.namespaceSelector, namespaceLabels)) return { allowed: true, evaluated: false };

  const [group, version] = subject.apiVersion.includes('/') ? subject.apiVersion.split('/') : ['', subject.apiVersion];
  const bindings: Obj = {
    object: attempt.object,
    oldObject: attempt.oldObject ?? null,
    params: null,
    namespaceObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: namespaceLabels } },
    request: {
      kind: { group, version, kind: subject.kind },
      resource,
      subResource: attempt.subResource ?? '',
      requestKind: { group, version, kind: subject.kind },
      requestResource: resource,
      name: attempt.name ?? subject.metadata.name,
      namespace,
      operation: attempt.operation,
      userInfo: { username: attempt.username, groups: ['system:authenticated'] },
      dryRun: false,
    },
  };
  const failurePolicy = policy.spec.failurePolicy ?? 'Fail';
  const deny = (message: string): Admission => ({
    allowed: false,
    message: `ValidatingAdmissionPolicy '${policy.metadata.name}' with binding '${binding.metadata.name}' denied request: ${message}`,
  });
  for (const condition of policy.spec.matchConditions ?? []) {
    // Match conditions have no access to the policy's variables.
    const outcome = evaluate(condition.expression, [], bindings);
    if ('error' in outcome) {
      if (failurePolicy === 'Fail') return deny(`failed to evaluate match condition ${condition.name}: ${outcome.error}`);
      return { allowed: true, evaluated: false };
    }
    if (outcome.value !== true) return { allowed: true, evaluated: false };
  }
  const variables = policy.spec.variables ?? [];
  for (const validation of policy.spec.validations) {
    const outcome = evaluate(validation.expression, variables, bindings);
    if ('error' in outcome) {
      if (failurePolicy === 'Fail') return deny(`expression '${validation.expression}' resulted in error: ${outcome.error}`);
      continue;
    }
    if (outcome.value === true) continue;
    let message = '';
    if (validation.messageExpression !== undefined) {
      const text = evaluate(validation.messageExpression, variables, bindings);
      if ('value' in text && typeof text.value === 'string') {
        message = text.value.trim();
        if (message.length > 5 * 1024 || message.includes('\n')) message = '';
      }
    }
    if (message === '' && validation.message) message = String(validation.message).trim();
    if (message === '') message = `failed expression: ${String(validation.expression).trim()}`;
    return deny(message);
  }
  return { allowed: true, evaluated: true };
}
