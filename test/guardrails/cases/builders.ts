/**
 * What test/guardrails/rules.test.ts hands to the case modules of this directory: each exports
 * `cases(add, build)` and is listed once in rules.test.ts (CASE_MODULES).
 */
import type { NeutralResource } from '../../../src/guardrails';

export type Kind = 'finding' | 'compliant' | 'not applicable';

/** Registers one case: the rule id, its kind, a name, the resource, the expected [key, message] findings, other resources of the run. */
export type AddCase = (ruleId: string, kind: Kind, name: string, resource: NeutralResource,
  expected: ReadonlyArray<readonly [string, string]>, others?: readonly NeutralResource[]) => number;

export interface CaseBuilders {
  /** A CloudFormation resource (properties as written). */
  readonly cfn: (type: string, properties: any, id?: string, file?: string) => NeutralResource;
  /** A Terraform resource (attributes as written). */
  readonly tf: (type: string, name: string, attributes: any, file?: string) => NeutralResource;
  /** A Kubernetes object. */
  readonly k8s: (object: any, file?: string) => NeutralResource;
  readonly OWNED_TAGS: ReadonlyArray<{ Key: string; Value: string }>;
  readonly OWNED_TF_TAGS: Readonly<Record<string, string>>;
  readonly OWNED_LABELS: Readonly<Record<string, string>>;
}
