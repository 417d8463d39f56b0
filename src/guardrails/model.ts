/**
 * The neutral view guardrail rules read: every resource of synthesized output, whatever tool wrote it
 * (CloudFormation templates, Terraform JSON, Kubernetes manifests), including resources nobody built with Keyless.
 */

/** The format a resource was read from. */
export type ResourceFormat = 'cloudformation' | 'terraform' | 'kubernetes';

/** One synthesized resource. */
export interface NeutralResource {
  /** Format it was read from. */
  readonly format: ResourceFormat;
  /** File (or stack) it came from, relative to the directory checked. */
  readonly file: string;
  /** Resource type: `AWS::IAM::Role`, `google_service_account`, or a Kubernetes `kind`. */
  readonly type: string;
  /** Identifier: CloudFormation logical id, Terraform `type.name`, Kubernetes `namespace/name`. */
  readonly id: string;
  /**
   * The resource's own data: CloudFormation `Properties`, Terraform attributes, or the whole Kubernetes object.
   * Unresolved intrinsics and references stay as written.
   */
  readonly properties: any;
}

/** What a rule sees besides the resource: the others (for cross-resource rules) and today's date. */
export interface RuleContext {
  /** Every resource being checked. */
  readonly resources: readonly NeutralResource[];
  /** Today, `YYYY-MM-DD` (UTC). */
  readonly today: string;
}

/** A guardrail rule: one per file, a stable id, a one-line finding and an explanation. */
export interface GuardrailRule {
  /** Stable id, e.g. `KL-G-STATIC-CREDENTIAL`. */
  readonly id: string;
  /** One line: what a finding means. */
  readonly info: string;
  /** Why it matters. */
  readonly explanation: string;
  /** How to fix a finding. */
  readonly fix: string;
  /**
   * Checks one resource. Returns one line per problem (e.g. `Action s3:*`); an empty list means compliant or not
   * applicable.
   */
  check(resource: NeutralResource, context: RuleContext): string[];
}

/** One finding. */
export interface Finding {
  /** Rule id. */
  readonly ruleId: string;
  /** File the resource came from. */
  readonly file: string;
  /** Resource type. */
  readonly type: string;
  /** Resource id. */
  readonly resource: string;
  /** What is wrong, specifically. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Formats a finding as one line: rule, file, resource, message, fix. */
export function formatFinding(finding: Finding): string {
  return `${finding.ruleId} ${finding.file} ${finding.type} ${finding.resource}: ${finding.message}. Fix: ${finding.fix}`;
}
