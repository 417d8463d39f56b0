import { Drafts, ownershipFrom, RecordDraft, sourceOf } from './draft';
import { condition, makePermission, makeSubject } from './entries';
import { Condition } from './model';
import {
  AWS_ADMIN_POLICY, AWS_ASSUME_ROLE_ACTIONS, AWS_DEFAULT_ROLE_SESSION_SECONDS, AWS_ESCALATION_ACTIONS,
  AWS_WILDCARD_ONLY_ACTIONS,
} from '../core/facts/aws-policies';
import { decodeOwnershipTags, OWNERSHIP_PREFIX } from '../core/ownership';
import { globCovers, isGlob } from '../synth/glob';
import { NeutralResource } from '../synth/model';
import { permissionStatements, trustStatements } from '../synth/policy';
import { attributesOf, TerraformIndex } from '../synth/terraform';
import { asList, cfnString, issuerOf, parseDocument } from '../synth/values';

/** Resolves an intrinsic or reference to a string. */
type Resolve = (value: unknown) => string;

/** Operator → how a generic condition reads. */
const OPERATOR_SYMBOL: Record<string, string> = {
  StringEquals: '=',
  StringNotEquals: '!=',
  StringEqualsIgnoreCase: '=',
  StringNotEqualsIgnoreCase: '!=',
  StringLike: ' like ',
  StringNotLike: ' not like ',
  NumericEquals: '=',
  NumericNotEquals: '!=',
  NumericLessThan: '<',
  NumericLessThanEquals: '<=',
  NumericGreaterThan: '>',
  NumericGreaterThanEquals: '>=',
  DateEquals: '=',
  DateNotEquals: '!=',
  DateLessThan: '<',
  DateLessThanEquals: '<=',
  DateGreaterThan: '>',
  DateGreaterThanEquals: '>=',
  Bool: '=',
  ArnEquals: '=',
  ArnLike: ' like ',
  ArnNotEquals: '!=',
  ArnNotLike: ' not like ',
  IpAddress: ' in ',
  NotIpAddress: ' not in ',
  BinaryEquals: '=',
};

/** One IAM condition, summarised: well-known keys read as what they mean (`mfa`, `until …`). */
function summarise(operator: string, key: string, values: string[]): string {
  const base = operator.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
  const plain = base === operator;
  const one = values.length === 1 ? values[0] : undefined;
  if (plain && base === 'Bool' && key === 'aws:MultiFactorAuthPresent' && one === 'true') return 'mfa';
  if (plain && base === 'NumericLessThan' && key === 'aws:MultiFactorAuthAge' && one) return `mfa within ${one}s`;
  if (plain && base === 'DateLessThan' && key === 'aws:CurrentTime' && one) return `until ${one}`;
  if (plain && base === 'StringEquals') {
    const named: Record<string, string> = {
      'sts:SourceIdentity': 'source-identity',
      'aws:SourceAccount': 'source-account',
      'aws:SourceArn': 'source-arn',
      'sts:ExternalId': 'external-id',
      'aws:PrincipalOrgID': 'org',
    };
    if (named[key]) return `${named[key]}=${values.join('|')}`;
    if (key.startsWith('aws:RequestTag/')) return `${key.slice('aws:RequestTag/'.length)}=${values.join('|')}`;
  }
  if (plain && base === 'ArnEquals' && key === 'aws:SourceArn') return `source-arn=${values.join('|')}`;
  if (base === 'Null') return `${key} ${one === 'true' ? 'absent' : 'present'}`;
  const quantifier = operator.startsWith('ForAnyValue:') ? 'any ' : operator.startsWith('ForAllValues:') ? 'all ' : '';
  const ifExists = operator.endsWith('IfExists') ? ' if present' : '';
  return `${quantifier}${key}${OPERATOR_SYMBOL[base] ?? ` ${base} `}${values.join('|')}${ifExists}`;
}

/** Whether a condition key is a claim of a federated token (`ISSUER:claim`, e.g. `token.actions.githubusercontent.com:sub`). */
function claimKey(key: string, issuer: string | undefined): string | undefined {
  const colon = key.lastIndexOf(':');
  if (colon < 0) return undefined;
  const prefix = key.slice(0, colon);
  return prefix === issuer || /[./]/.test(prefix) ? key.slice(colon + 1) : undefined;
}

interface StatementConditions {
  readonly claims: Record<string, string[]>;
  readonly conditions: Condition[];
  /** Issuers named by the claim keys. */
  readonly issuers: string[];
}

/** Conditions of a statement, split into token claims (StringEquals / StringLike on `ISSUER:claim`) and the rest. */
function statementConditions(block: any, resolve: Resolve, federated?: { issuer: string | undefined }): StatementConditions {
  const claims: Record<string, string[]> = {};
  const conditions: Condition[] = [];
  const issuers: string[] = [];
  for (const [operator, entries] of Object.entries<any>(block ?? {})) {
    for (const [key, value] of Object.entries<any>(entries ?? {})) {
      const values = asList<unknown>(value).map(resolve);
      const claim = federated ? claimKey(key, federated.issuer) : undefined;
      if (claim && (operator === 'StringEquals' || operator === 'StringLike')) {
        // StringEquals values are exact: a `*` in them is literal (kept, and read as a pattern, which only over-reports).
        claims[claim] = [...(claims[claim] ?? []), ...values];
        issuers.push(key.slice(0, key.lastIndexOf(':')));
      } else {
        conditions.push(condition(operator, key, values, summarise(operator, key, values)));
      }
    }
  }
  return { claims, conditions, issuers };
}

/** Trusted subjects from a role's trust policy. */
function trustSubjects(
  draft: RecordDraft, statements: any[], resolve: Resolve, federatedIssuer: (principal: unknown) => string | undefined, source: string,
): void {
  for (const statement of statements) {
    const actions = asList<unknown>(statement?.Action).map(String);
    const assumes = actions.some((action) => AWS_ASSUME_ROLE_ACTIONS.some((assume) => globCovers(action, assume, true)));
    if (!assumes && statement?.NotAction === undefined) continue;
    if (statement?.Effect !== 'Allow') {
      draft.attributes.trustDenies = 'yes';
      continue;
    }
    if (statement.NotPrincipal !== undefined) {
      draft.subjects.push(makeSubject({ kind: 'aws', issuer: '*', source, wildcard: true, conditions: statementConditions(statement.Condition, resolve).conditions }));
      continue;
    }
    const principal = statement.Principal;
    if (principal === '*' || principal?.AWS === '*') {
      draft.subjects.push(makeSubject({ kind: 'aws', issuer: '*', source, wildcard: true, conditions: statementConditions(statement.Condition, resolve).conditions }));
      continue;
    }
    for (const value of asList<unknown>(principal?.AWS)) {
      const resolved = resolve(value);
      const arn = /^\d{12}$/.test(resolved) ? `arn:aws:iam::${resolved}:root` : resolved;
      draft.subjects.push(makeSubject({ kind: 'aws', issuer: arn, source, conditions: statementConditions(statement.Condition, resolve).conditions }));
    }
    for (const value of asList<unknown>(principal?.Service)) {
      draft.subjects.push(makeSubject({ kind: 'service', issuer: resolve(value), source, conditions: statementConditions(statement.Condition, resolve).conditions }));
    }
    for (const value of asList<unknown>(principal?.CanonicalUser)) {
      draft.subjects.push(makeSubject({ kind: 'aws', issuer: `canonical-user:${resolve(value)}`, source, conditions: statementConditions(statement.Condition, resolve).conditions }));
    }
    for (const value of asList<unknown>(principal?.Federated)) {
      const saml = actions.some((action) => globCovers(action, 'sts:AssumeRoleWithSAML', true)) && !actions.some((action) => globCovers(action, 'sts:AssumeRoleWithWebIdentity', true));
      let issuer = federatedIssuer(value);
      const parsed = statementConditions(statement.Condition, resolve, { issuer });
      // The claim keys name the issuer too (`ISSUER:sub`): used when the principal is not resolvable here.
      if (issuer === undefined) issuer = parsed.issuers[0] ?? resolve(value);
      const { sub, ...otherClaims } = parsed.claims;
      const subs = sub ?? [];
      for (const one of subs.length > 0 ? subs.map((s) => [s]) : [undefined]) {
        draft.subjects.push(makeSubject({
          kind: saml ? 'saml' : 'oidc',
          issuer,
          source,
          conditions: parsed.conditions,
          claims: one ? { sub: one, ...otherClaims } : otherClaims,
        }));
      }
    }
  }
}

/** Whether a resource ARN is a wildcard (`*`, `arn:…:*`, `arn:…:TYPE/*`), not a prefix such as `bucket/prefix/*`. */
function wildcardResource(resource: string): boolean {
  if (resource === '*') return true;
  const parts = resource.replace(/\$\{[^}]*\}/g, 'X').split(':');
  if (parts.length < 6) return isGlob(resource);
  const service = parts[2];
  const rest = parts.slice(5).join(':');
  if (rest === '*' || rest === '*/*') return true;
  return service !== 's3' && /^[A-Za-z-]+[/:]\*$/.test(rest);
}

/** Permission entries of IAM policy statements. */
function statementPermissions(draft: RecordDraft, statements: any[], resolve: Resolve, source: string): void {
  for (const statement of statements) {
    const effect = statement?.Effect === 'Deny' ? 'deny' as const : 'allow' as const;
    const notAction = statement?.NotAction !== undefined;
    const actions = notAction ? [`NotAction(${asList<unknown>(statement.NotAction).map(resolve).join(', ')})`] : asList<unknown>(statement?.Action).map(resolve);
    const notResource = statement?.NotResource !== undefined;
    const resources = notResource ? [`NotResource(${asList<unknown>(statement.NotResource).map(resolve).join(', ')})`]
      : statement?.Resource === undefined ? ['*'] : asList<unknown>(statement.Resource).map(resolve);
    const conditions = statementConditions(statement?.Condition, resolve).conditions;
    for (const action of actions) {
      for (const resource of resources) {
        // A wildcard in a Deny denies more: only allowed wildcards widen access.
        const wildcardAction = effect === 'allow' && (notAction || isGlob(action));
        const onlyStar = AWS_WILDCARD_ONLY_ACTIONS.some((a) => a.toLowerCase() === action.toLowerCase());
        const wildcardScope = effect === 'allow' && (notResource || wildcardResource(resource)) && !onlyStar;
        const reasons: string[] = [];
        if (effect === 'allow') {
          if (notAction || globCovers(action, '*:*', true) || ['*', 'iam:*', 'sts:*'].includes(action.toLowerCase())) reasons.push(`${action} on ${resource}`);
          else if ((resource === '*' || notResource) && AWS_ESCALATION_ACTIONS.some((a) => globCovers(action, a, true))) reasons.push(`${action} on ${resource} (privilege escalation)`);
        }
        draft.privilegedReasons.push(...reasons);
        draft.permissions.push(makePermission({
          kind: 'action', effect, action, scope: resource, conditions, wildcard: wildcardAction || wildcardScope, privileged: reasons.length > 0, source,
        }));
      }
    }
  }
}

/** A managed policy attached by ARN (not in the output): one entry, privileged when it is an admin policy. */
function managedPolicy(draft: RecordDraft, arn: string, source: string): void {
  const admin = AWS_ADMIN_POLICY.test(arn);
  if (admin) draft.privilegedReasons.push(`managed policy ${arn}`);
  draft.permissions.push(makePermission({ kind: 'policy', action: arn, scope: '*', wildcard: admin, privileged: admin, source }));
}

/** CloudFormation: roles, users, their policies, access keys and login profiles; Pod Identity associations. */
function cloudFormation(resources: readonly NeutralResource[], drafts: Drafts): void {
  const byFile = new Map<string, Map<string, NeutralResource>>();
  for (const r of resources) {
    if (r.format !== 'cloudformation') continue;
    if (!byFile.has(r.file)) byFile.set(r.file, new Map());
    byFile.get(r.file)!.set(r.id, r);
  }
  for (const [file, byId] of byFile) {
    const stack = file.replace(/^.*\//, '').replace(/\.template\.(json|ya?ml)$|\.(json|ya?ml)$/, '');
    const nameOf = (r: NeutralResource, prop: string) => (typeof r.properties[prop] === 'string' ? r.properties[prop] : `${stack}/${r.id}`);
    const resolve: Resolve = (value) => cfnString(value, byId, nameOf);
    const identities = new Map<string, RecordDraft>();
    // A literal name in Roles / Users may be a role of this template (YAML `!Ref X` reads as "X") or defined elsewhere.
    const identity = (value: unknown, type: 'AWS::IAM::Role' | 'AWS::IAM::User', at: NeutralResource): RecordDraft | undefined => {
      const ref = (value as any)?.Ref;
      const byLogicalId = typeof ref === 'string' ? byId.get(ref) : typeof value === 'string' ? byId.get(value) : undefined;
      if (byLogicalId?.type === type) return identities.get(byLogicalId.id);
      if (typeof value !== 'string' && typeof ref === 'string') {
        drafts.warnings.push(`${at.file}:${at.id} refers to ${ref}, which is not a ${type} of this template: ignored`);
        return undefined;
      }
      const name = resolve(value);
      const local = [...byId.values()].find((r) => r.type === type && r.properties[type === 'AWS::IAM::Role' ? 'RoleName' : 'UserName'] === name);
      if (local) return identities.get(local.id);
      const draft = drafts.get('aws', type === 'AWS::IAM::Role' ? 'role' : 'user', name, at, false);
      draft.resources.add(sourceOf(at));
      return draft;
    };

    for (const r of byId.values()) {
      if (r.type !== 'AWS::IAM::Role' && r.type !== 'AWS::IAM::User') continue;
      const role = r.type === 'AWS::IAM::Role';
      const draft = drafts.get('aws', role ? 'role' : 'user', nameOf(r, role ? 'RoleName' : 'UserName'), r, true);
      identities.set(r.id, draft);
      const tags = Object.fromEntries(asList<any>(r.properties.Tags).filter((t) => typeof t?.Key === 'string').map((t) => [t.Key, resolve(t.Value)]));
      draft.ownership = ownershipFrom(decodeOwnershipTags(tags, OWNERSHIP_PREFIX.aws));
      draft.breakGlass = tags['keyless:break-glass'] === 'true';
      if (r.properties.PermissionsBoundary !== undefined) draft.attributes.permissionsBoundary = resolve(r.properties.PermissionsBoundary);
      if (role) {
        const seconds = Number(r.properties.MaxSessionDuration ?? AWS_DEFAULT_ROLE_SESSION_SECONDS);
        draft.maxSessionSeconds = Number.isFinite(seconds) ? seconds : null;
        trustSubjects(draft, trustStatements(r), resolve, (principal) => oidcIssuerFromCfn(principal, byId, resolve), sourceOf(r));
      } else if (r.properties.LoginProfile) {
        draft.subjects.push(makeSubject({ kind: 'static', issuer: 'console password', source: sourceOf(r) }));
      }
      statementPermissions(draft, permissionStatements(r), resolve, sourceOf(r));
      for (const arn of asList<unknown>(r.properties.ManagedPolicyArns)) attachManaged(draft, arn, r);
    }
    for (const r of byId.values()) {
      if (r.type === 'AWS::IAM::User') {
        for (const group of asList<unknown>(r.properties.Groups)) {
          const groupResource = [...byId.values()].find((g) => g.type === 'AWS::IAM::Group' && ((group as any)?.Ref === g.id || g.properties.GroupName === group || g.id === group));
          const draft = identities.get(r.id)!;
          if (!groupResource) {
            draft.attributes.groups = [draft.attributes.groups, resolve(group)].filter(Boolean).join(', ');
            continue;
          }
          draft.resources.add(sourceOf(groupResource));
          statementPermissions(draft, permissionStatements(groupResource), resolve, sourceOf(groupResource));
          for (const arn of asList<unknown>(groupResource.properties.ManagedPolicyArns)) attachManaged(draft, arn, groupResource);
        }
      }
      if (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy') {
        const statements = permissionStatements(r);
        for (const target of [...asList<unknown>(r.properties.Roles).map((v) => identity(v, 'AWS::IAM::Role', r)), ...asList<unknown>(r.properties.Users).map((v) => identity(v, 'AWS::IAM::User', r))]) {
          if (!target) continue;
          target.resources.add(sourceOf(r));
          statementPermissions(target, statements, resolve, sourceOf(r));
        }
        if (asList(r.properties.Groups).length > 0) {
          for (const user of [...byId.values()].filter((u) => u.type === 'AWS::IAM::User')) {
            const groups = asList<unknown>(user.properties.Groups).map(resolve);
            const policyGroups = asList<unknown>(r.properties.Groups).map((g) => {
              const ref = (g as any)?.Ref;
              const groupResource = typeof ref === 'string' ? byId.get(ref) : undefined;
              return groupResource ? resolve({ Ref: groupResource.id }) : resolve(g);
            });
            if (groups.some((g) => policyGroups.includes(g))) {
              const draft = identities.get(user.id)!;
              draft.resources.add(sourceOf(r));
              statementPermissions(draft, statements, resolve, sourceOf(r));
            }
          }
        }
      }
      if (r.type === 'AWS::IAM::RolePolicy' || r.type === 'AWS::IAM::UserPolicy') {
        const role = r.type === 'AWS::IAM::RolePolicy';
        const target = identity(r.properties[role ? 'RoleName' : 'UserName'], role ? 'AWS::IAM::Role' : 'AWS::IAM::User', r);
        if (target) {
          target.resources.add(sourceOf(r));
          statementPermissions(target, asList(parseDocument(r.properties.PolicyDocument)?.Statement), resolve, sourceOf(r));
        }
      }
      if (r.type === 'AWS::IAM::AccessKey') {
        const target = identity(r.properties.UserName, 'AWS::IAM::User', r);
        if (target) {
          target.resources.add(sourceOf(r));
          const inactive = r.properties.Status === 'Inactive';
          target.subjects.push(makeSubject({ kind: 'static', issuer: `access key ${r.id}${inactive ? ' (inactive)' : ''}`, source: sourceOf(r) }));
        }
      }
      if (r.type === 'AWS::EKS::PodIdentityAssociation') {
        const arn = r.properties.RoleArn;
        const logical = Array.isArray(arn?.['Fn::GetAtt']) ? arn['Fn::GetAtt'][0] : undefined;
        const target = logical ? identities.get(logical) : undefined;
        const binding = `${resolve(r.properties.ClusterName)}/${resolve(r.properties.Namespace)}/${resolve(r.properties.ServiceAccount)}`;
        if (target) {
          target.resources.add(sourceOf(r));
          target.attributes.podIdentity = [target.attributes.podIdentity, binding].filter(Boolean).join(', ');
        }
      }
    }

    function attachManaged(draft: RecordDraft, arn: unknown, at: NeutralResource): void {
      const ref = (arn as any)?.Ref;
      const local = typeof ref === 'string' ? byId.get(ref) : undefined;
      if (local?.type === 'AWS::IAM::ManagedPolicy') {
        draft.resources.add(sourceOf(local));
        statementPermissions(draft, permissionStatements(local), resolve, sourceOf(local));
      } else {
        managedPolicy(draft, resolve(arn), sourceOf(at));
      }
    }
  }
}

/** The issuer (URL without scheme) of a federated principal in a CloudFormation template. */
function oidcIssuerFromCfn(principal: unknown, byId: Map<string, NeutralResource>, resolve: Resolve): string | undefined {
  const ref = (principal as any)?.Ref ?? (Array.isArray((principal as any)?.['Fn::GetAtt']) ? (principal as any)['Fn::GetAtt'][0] : undefined);
  const provider = typeof ref === 'string' ? byId.get(ref) : undefined;
  if (provider && (provider.type === 'AWS::IAM::OIDCProvider' || provider.type === 'Custom::AWSCDKOpenIdConnectProvider')) {
    return issuerOf(resolve(provider.properties.Url));
  }
  return federatedName(resolve(principal));
}

/** A federated principal ARN → its provider (`…:oidc-provider/HOST` → HOST), or the principal itself. */
function federatedName(value: string): string | undefined {
  if (value.startsWith('${')) return undefined;
  const match = /:(oidc-provider|saml-provider)\/(.+)$/.exec(value);
  return match ? match[2] : value;
}

/** Terraform (`aws_iam_*`, hand-written or from any tool). */
function terraform(resources: readonly NeutralResource[], drafts: Drafts, index: TerraformIndex): void {
  const aws = resources.filter((r) => r.format === 'terraform' && r.type.startsWith('aws_'));
  const identities = new Map<string, RecordDraft>();
  const resolverFor = (file: string): Resolve => (value) => index.resolve(file, value);
  const identity = (file: string, value: unknown, type: 'aws_iam_role' | 'aws_iam_user', at: NeutralResource): RecordDraft => {
    const target = index.target(file, value);
    if (target?.type === type) return identities.get(sourceOf(target))!;
    const name = index.resolve(file, value);
    const local = aws.find((r) => r.file === file && r.type === type && attributesOf(r).name === name);
    if (local) return identities.get(sourceOf(local))!;
    return drafts.get('aws', type === 'aws_iam_role' ? 'role' : 'user', name, at, false);
  };
  for (const r of aws.filter((x) => x.type === 'aws_iam_role' || x.type === 'aws_iam_user')) {
    const p = attributesOf(r);
    const resolve = resolverFor(r.file);
    const role = r.type === 'aws_iam_role';
    const name = typeof p.name === 'string' ? resolve(p.name) : `${r.file.replace(/\/cdk\.tf\.json$|\.tf\.json$|\.json$/, '').replace(/^.*\//, '')}/${r.id}`;
    const draft = drafts.get('aws', role ? 'role' : 'user', name, r, true);
    identities.set(sourceOf(r), draft);
    draft.ownership = ownershipFrom(decodeOwnershipTags(p.tags, OWNERSHIP_PREFIX.aws));
    draft.breakGlass = p.tags?.['keyless:break-glass'] === 'true';
    if (p.permissions_boundary !== undefined) draft.attributes.permissionsBoundary = resolve(p.permissions_boundary);
    if (role) {
      const seconds = Number(p.max_session_duration ?? AWS_DEFAULT_ROLE_SESSION_SECONDS);
      draft.maxSessionSeconds = Number.isFinite(seconds) ? seconds : null;
      trustSubjects(draft, trustStatements(r), resolve, (principal) => {
        const target = index.target(r.file, principal);
        if (target?.type === 'aws_iam_openid_connect_provider') return issuerOf(resolve(attributesOf(target).url));
        return federatedName(resolve(principal));
      }, sourceOf(r));
      for (const arn of asList<unknown>(p.managed_policy_arns)) attachManaged(draft, r.file, arn, r);
    }
    statementPermissions(draft, permissionStatements(r), resolve, sourceOf(r));
  }
  for (const r of aws) {
    const p = attributesOf(r);
    const resolve = resolverFor(r.file);
    const attach = (draft: RecordDraft) => draft.resources.add(sourceOf(r));
    switch (r.type) {
      case 'aws_iam_role_policy':
      case 'aws_iam_user_policy': {
        const draft = identity(r.file, r.type === 'aws_iam_role_policy' ? p.role : p.user, r.type === 'aws_iam_role_policy' ? 'aws_iam_role' : 'aws_iam_user', r);
        attach(draft);
        statementPermissions(draft, permissionStatements(r), resolve, sourceOf(r));
        break;
      }
      case 'aws_iam_role_policy_attachment':
      case 'aws_iam_user_policy_attachment': {
        const draft = identity(r.file, r.type === 'aws_iam_role_policy_attachment' ? p.role : p.user, r.type === 'aws_iam_role_policy_attachment' ? 'aws_iam_role' : 'aws_iam_user', r);
        attach(draft);
        attachManaged(draft, r.file, p.policy_arn, r);
        break;
      }
      case 'aws_iam_policy_attachment':
        for (const value of asList<unknown>(p.roles)) {
          const draft = identity(r.file, value, 'aws_iam_role', r);
          attach(draft);
          attachManaged(draft, r.file, p.policy_arn, r);
        }
        for (const value of asList<unknown>(p.users)) {
          const draft = identity(r.file, value, 'aws_iam_user', r);
          attach(draft);
          attachManaged(draft, r.file, p.policy_arn, r);
        }
        break;
      case 'aws_iam_access_key': {
        const draft = identity(r.file, p.user, 'aws_iam_user', r);
        attach(draft);
        draft.subjects.push(makeSubject({ kind: 'static', issuer: `access key ${r.id}${p.status === 'Inactive' ? ' (inactive)' : ''}`, source: sourceOf(r) }));
        break;
      }
      case 'aws_iam_user_login_profile': {
        const draft = identity(r.file, p.user, 'aws_iam_user', r);
        attach(draft);
        draft.subjects.push(makeSubject({ kind: 'static', issuer: 'console password', source: sourceOf(r) }));
        break;
      }
      default:
        break;
    }
  }

  function attachManaged(draft: RecordDraft, file: string, arn: unknown, at: NeutralResource): void {
    const target = index.target(file, arn);
    if (target?.type === 'aws_iam_policy') {
      draft.resources.add(sourceOf(target));
      statementPermissions(draft, permissionStatements(target), resolverFor(file), sourceOf(target));
    } else {
      managedPolicy(draft, index.resolve(file, arn), sourceOf(at));
    }
  }
}

/** AWS identities (IAM roles and users) of CloudFormation templates and Terraform JSON. */
export function awsRecords(resources: readonly NeutralResource[], drafts: Drafts, index: TerraformIndex): void {
  cloudFormation(resources, drafts);
  terraform(resources, drafts, index);
  // Human break-glass: declared by Keyless, or trust that only admits principals with MFA.
  for (const [, draft] of drafts.entries()) {
    if (draft.cloud !== 'aws') continue;
    const humans = draft.subjects.length > 0 && draft.subjects.every((s) => s.kind === 'aws' && s.conditions.some((c) => c.text === 'mfa'));
    if (humans) draft.breakGlass = true;
  }
}
