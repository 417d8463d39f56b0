/**
 * A small, independent evaluator of Azure RBAC with ABAC conditions (version 2.0), for the part of the grammar
 * Keyless emits, following Microsoft's "Azure role assignment condition format and syntax" and "Actions and
 * attributes for Azure role assignment conditions for Azure Blob Storage":
 *
 * - `ActionMatches{'ACTION'}` (case-insensitive, `*` matches any characters), `SubOperationMatches{'SUBOP'}`;
 * - `@Resource[ATTR]` / `@Request[ATTR]` with `StringEquals`, `StringStartsWith`, `StringLike` (case-sensitive) and
 *   their `IgnoreCase` forms, against a single-quoted value;
 * - `!` / `NOT`, `AND` / `&&`, `OR` / `||`, parentheses (three or more operands at one level need parentheses).
 *
 * A condition that reads an attribute the request does not have cannot be evaluated, and Azure then denies the
 * request: the evaluator does the same. Anything outside this grammar throws, so a typo never reads as "denied".
 *
 * RBAC: a request is allowed when some role assignment's scope contains the request's scope, its role lists the
 * operation (`actions` for control-plane operations, `dataActions` for data operations, minus `notActions` /
 * `notDataActions`), and its condition, if any, evaluates to true for a data operation.
 */
import { AZURE_BUILT_IN_ROLES } from '../../src/core/facts/azure-roles';

/** One Azure request, as the authorization check sees it. */
export interface AzureRequest {
  /** The operation, e.g. `Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write`. */
  readonly operation: string;
  /** Whether the operation is a data action (blob read/write) rather than a control-plane action. */
  readonly dataAction: boolean;
  /** Resource id the request is on (for a blob: its container). */
  readonly scope: string;
  /** Sub-operation, e.g. `Blob.List`, `Blob.Write.Tier`. */
  readonly subOperation?: string;
  /** Resource attributes, e.g. `{ 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path': 'a/b' }`. */
  readonly resource?: Readonly<Record<string, string>>;
  /** Request attributes. */
  readonly request?: Readonly<Record<string, string>>;
}

/** A role's permissions. */
export interface AzureRole {
  readonly name: string;
  readonly actions: readonly string[];
  readonly notActions?: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions?: readonly string[];
}

/** A role assignment. */
export interface AzureAssignment {
  readonly scope: string;
  readonly role: AzureRole;
  readonly condition?: string;
  readonly principalId?: string;
}

export const BLOB_PATH = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path';

// ---- condition grammar -------------------------------------------------------------------------------------------

type Token = { kind: 'op' | 'lparen' | 'rparen' | 'not' | 'and' | 'or' | 'action' | 'subop' | 'attr' | 'string'; value: string };

function tokenize(condition: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const rest = () => condition.slice(i);
  while (i < condition.length) {
    const c = condition[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(') { tokens.push({ kind: 'lparen', value: c }); i++; continue; }
    if (c === ')') { tokens.push({ kind: 'rparen', value: c }); i++; continue; }
    if (c === '!') { tokens.push({ kind: 'not', value: c }); i++; continue; }
    if (rest().startsWith('&&')) { tokens.push({ kind: 'and', value: '&&' }); i += 2; continue; }
    if (rest().startsWith('||')) { tokens.push({ kind: 'or', value: '||' }); i += 2; continue; }
    let m = /^(ActionMatches|SubOperationMatches)\{'([^'\\]*)'\}/.exec(rest());
    if (m) { tokens.push({ kind: m[1] === 'ActionMatches' ? 'action' : 'subop', value: m[2] }); i += m[0].length; continue; }
    m = /^@(Resource|Request)\[([^\]\s]+)\]/.exec(rest());
    if (m) { tokens.push({ kind: 'attr', value: `${m[1]}|${m[2]}` }); i += m[0].length; continue; }
    m = /^'([^'\\]*)'/.exec(rest());
    if (m) { tokens.push({ kind: 'string', value: m[1] }); i += m[0].length; continue; }
    m = /^(AND|OR|NOT)(?![A-Za-z])/.exec(rest());
    if (m) { tokens.push({ kind: m[1] === 'AND' ? 'and' : m[1] === 'OR' ? 'or' : 'not', value: m[1] }); i += m[0].length; continue; }
    m = /^(StringEquals|StringStartsWith|StringLike)(IgnoreCase)?(?![A-Za-z])/.exec(rest());
    if (m) { tokens.push({ kind: 'op', value: m[0] }); i += m[0].length; continue; }
    throw new Error(`ABAC evaluator: unexpected input at ${i}: ${JSON.stringify(rest().slice(0, 40))}`);
  }
  return tokens;
}

type Node =
  | { kind: 'and' | 'or'; operands: Node[] }
  | { kind: 'not'; operand: Node }
  | { kind: 'action' | 'subop'; value: string }
  | { kind: 'compare'; source: 'Resource' | 'Request'; attribute: string; operator: string; value: string };

function parse(condition: string): Node {
  const tokens = tokenize(condition);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    if (pos >= tokens.length) throw new Error('ABAC evaluator: unexpected end of condition');
    return tokens[pos++];
  };
  // One operator per level: Azure requires parentheses to mix AND and OR.
  const expression = (): Node => {
    const operands = [unary()];
    const kind = peek()?.kind;
    if (kind !== 'and' && kind !== 'or') return operands[0];
    while (peek()?.kind === kind) { next(); operands.push(unary()); }
    if (peek()?.kind === 'and' || peek()?.kind === 'or') throw new Error('ABAC evaluator: AND and OR mixed without parentheses');
    return { kind, operands };
  };
  // eslint-disable-next-line prefer-const
  let unary: () => Node;
  const primary = (): Node => {
    const token = next();
    if (token.kind === 'lparen') {
      const inner = expression();
      if (next().kind !== 'rparen') throw new Error('ABAC evaluator: expected )');
      return inner;
    }
    if (token.kind === 'action' || token.kind === 'subop') return { kind: token.kind, value: token.value };
    if (token.kind === 'attr') {
      const operator = next();
      const value = next();
      if (operator.kind !== 'op' || value.kind !== 'string') throw new Error(`ABAC evaluator: expected OPERATOR 'value' after ${token.value}`);
      const [source, attribute] = token.value.split('|');
      return { kind: 'compare', source: source as 'Resource' | 'Request', attribute, operator: operator.value, value: value.value };
    }
    throw new Error(`ABAC evaluator: unexpected ${token.kind} ${JSON.stringify(token.value)}`);
  };
  unary = (): Node => (peek()?.kind === 'not' ? (next(), { kind: 'not', operand: unary() }) : primary());
  const tree = expression();
  if (pos !== tokens.length) throw new Error(`ABAC evaluator: trailing input ${JSON.stringify(tokens.slice(pos).map((t) => t.value).join(' '))}`);
  return tree;
}

class MissingAttribute extends Error {}

/** Azure action matching: case-insensitive, `*` matches any run of characters. */
export function actionMatches(pattern: string, operation: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(operation);
}

function like(pattern: string, value: string, flags: string): boolean {
  const regex = pattern.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${regex}$`, flags).test(value);
}

function evaluate(node: Node, request: AzureRequest): boolean {
  switch (node.kind) {
    case 'and': return node.operands.every((operand) => evaluate(operand, request));
    case 'or': return node.operands.some((operand) => evaluate(operand, request));
    case 'not': return !evaluate(node.operand, request);
    case 'action': return actionMatches(node.value, request.operation);
    case 'subop': return request.subOperation !== undefined && request.subOperation.toLowerCase() === node.value.toLowerCase();
    case 'compare': {
      const attributes = node.source === 'Resource' ? request.resource : request.request;
      const actual = Object.entries(attributes ?? {}).find(([name]) => name.toLowerCase() === node.attribute.toLowerCase())?.[1];
      if (actual === undefined) throw new MissingAttribute(node.attribute);
      const ignoreCase = node.operator.endsWith('IgnoreCase');
      const [a, v] = ignoreCase ? [actual.toLowerCase(), node.value.toLowerCase()] : [actual, node.value];
      if (node.operator.startsWith('StringEquals')) return a === v;
      if (node.operator.startsWith('StringStartsWith')) return a.startsWith(v);
      return like(v, a, '');
    }
  }
}

/**
 * Whether an ABAC condition admits a request. A condition that reads an attribute the request lacks denies it; a
 * condition outside the grammar throws.
 */
export function conditionAllows(condition: string, request: AzureRequest): boolean {
  const tree = parse(condition);
  try {
    return evaluate(tree, request);
  } catch (error) {
    if (error instanceof MissingAttribute) return false;
    throw error;
  }
}

// ---- RBAC --------------------------------------------------------------------------------------------------------

function within(scope: string, resource: string): boolean {
  const s = scope.replace(/\/+$/, '').toLowerCase();
  const r = resource.replace(/\/+$/, '').toLowerCase();
  return r === s || r.startsWith(`${s}/`);
}

/** Whether one role assignment allows a request. */
export function assignmentAllows(assignment: AzureAssignment, request: AzureRequest): boolean {
  if (!within(assignment.scope, request.scope)) return false;
  const [allowed, denied] = request.dataAction
    ? [assignment.role.dataActions, assignment.role.notDataActions ?? []]
    : [assignment.role.actions, assignment.role.notActions ?? []];
  if (!allowed.some((p) => actionMatches(p, request.operation)) || denied.some((p) => actionMatches(p, request.operation))) return false;
  // Conditions narrow data actions (the only actions a blob condition can target); control-plane actions pass unchanged.
  if (assignment.condition === undefined || !request.dataAction) return true;
  return conditionAllows(assignment.condition, request);
}

/** Whether any of the assignments allows a request. */
export function azureAllowed(assignments: readonly AzureAssignment[], request: AzureRequest): boolean {
  return assignments.some((assignment) => assignmentAllows(assignment, request));
}

/**
 * The role assignments of a synthesized Terraform JSON document, with their roles: a built-in role by name (from
 * the facts Keyless decides with) or a custom role defined in the same document (`azurerm_role_definition`,
 * referenced by `role_definition_resource_id`). Anything else throws.
 */
export function azureAssignments(json: any): AzureAssignment[] {
  const definitions: Record<string, any> = json.resource?.azurerm_role_definition ?? {};
  return Object.entries(json.resource?.azurerm_role_assignment ?? {}).map(([id, a]: [string, any]) => {
    let role: AzureRole;
    if (typeof a.role_definition_name === 'string') {
      const builtIn = AZURE_BUILT_IN_ROLES[a.role_definition_name];
      if (!builtIn) throw new Error(`azure-abac: role assignment ${id} names ${a.role_definition_name}, which is not in the facts`);
      role = { name: a.role_definition_name, actions: builtIn.actions, dataActions: builtIn.dataActions };
    } else {
      const ref = /^\$\{azurerm_role_definition\.([^.]+)\.role_definition_resource_id\}$/.exec(a.role_definition_id ?? '');
      const definition = ref ? definitions[ref[1]] : undefined;
      if (!definition) throw new Error(`azure-abac: role assignment ${id} references ${a.role_definition_id}, not a role definition of this document`);
      const permissions = [definition.permissions].flat();
      if (permissions.length !== 1) throw new Error(`azure-abac: role definition ${ref![1]} has ${permissions.length} permissions blocks`);
      const p = permissions[0];
      role = {
        name: definition.name,
        actions: p.actions ?? [],
        notActions: p.not_actions,
        dataActions: p.data_actions ?? [],
        notDataActions: p.not_data_actions,
      };
    }
    return { scope: a.scope, role, condition: a.condition, principalId: a.principal_id };
  });
}
