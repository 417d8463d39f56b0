import { managedPolicy, Resolve, statementPermissions, trustSubjects } from './aws-statements';
import { Drafts, ownershipFrom, RecordDraft, sourceOf } from './draft';
import { makeSubject } from './entries';
import { AWS_DEFAULT_ROLE_SESSION_SECONDS } from '../core/facts/aws-policies';
import { AWS_BREAK_GLASS_TAG, decodeOwnershipTags, OWNERSHIP_PREFIX } from '../core/ownership';
import { NeutralResource } from '../synth/model';
import { permissionStatements, trustStatements } from '../synth/policy';
import { attributesOf, TerraformIndex } from '../synth/terraform';
import { asList, cfnString, federatedProviderName, issuerOf, parseDocument } from '../synth/values';

/** CloudFormation: roles, users, their policies, access keys and login profiles; Pod Identity associations. */
function cloudFormation(resources: readonly NeutralResource[], drafts: Drafts): void {
  const byFile = new Map<string, Map<string, NeutralResource>>();
  for (const r of resources) {
    if (r.format !== 'cloudformation') continue;
    if (!byFile.has(r.file)) byFile.set(r.file, new Map());
    byFile.get(r.file)!.set(r.id, r);
  }
  for (const [file, byId] of byFile) {
    const template = new CfnTemplate(file, byId, drafts);
    template.readIdentities();
    template.readAttachments();
  }
}

/** One CloudFormation template: its identities first, then what attaches to them. */
class CfnTemplate {
  private readonly identities = new Map<string, RecordDraft>();
  private readonly stack: string;
  public readonly resolve: (value: unknown) => string;

  constructor(file: string, private readonly byId: Map<string, NeutralResource>, private readonly drafts: Drafts) {
    this.stack = file.replace(/^.*\//, '').replace(/\.template\.(json|ya?ml)$|\.(json|ya?ml)$/, '');
    this.resolve = (value) => cfnString(value, byId, (r, prop) => this.nameOf(r, prop));
  }

  private nameOf(r: NeutralResource, prop: string): string {
    return typeof r.properties[prop] === 'string' ? r.properties[prop] : `${this.stack}/${r.id}`;
  }

  /** A literal name in Roles / Users may be a role of this template (YAML `!Ref X` reads as "X") or defined elsewhere. */
  private identity(value: unknown, type: 'AWS::IAM::Role' | 'AWS::IAM::User', at: NeutralResource): RecordDraft | undefined {
    const ref = (value as any)?.Ref;
    const byLogicalId = typeof ref === 'string' ? this.byId.get(ref) : typeof value === 'string' ? this.byId.get(value) : undefined;
    if (byLogicalId?.type === type) return this.identities.get(byLogicalId.id);
    if (typeof value !== 'string' && typeof ref === 'string') {
      this.drafts.warnings.push(`${at.file}:${at.id} refers to ${ref}, which is not a ${type} of this template: ignored`);
      return undefined;
    }
    const name = this.resolve(value);
    const local = [...this.byId.values()].find((r) => r.type === type && r.properties[type === 'AWS::IAM::Role' ? 'RoleName' : 'UserName'] === name);
    if (local) return this.identities.get(local.id);
    const draft = this.drafts.get('aws', type === 'AWS::IAM::Role' ? 'role' : 'user', name, at, false);
    draft.resources.add(sourceOf(at));
    return draft;
  }

  private attachManaged(draft: RecordDraft, arn: unknown, at: NeutralResource): void {
    const ref = (arn as any)?.Ref;
    const local = typeof ref === 'string' ? this.byId.get(ref) : undefined;
    if (local?.type === 'AWS::IAM::ManagedPolicy') {
      draft.resources.add(sourceOf(local));
      statementPermissions(draft, permissionStatements(local), this.resolve, sourceOf(local));
    } else {
      managedPolicy(draft, this.resolve(arn), sourceOf(at));
    }
  }

  /** Roles and users: ownership, session, trust, inline and managed policies. */
  public readIdentities(): void {
    for (const r of this.byId.values()) {
      if (r.type !== 'AWS::IAM::Role' && r.type !== 'AWS::IAM::User') continue;
      const role = r.type === 'AWS::IAM::Role';
      const draft = this.drafts.get('aws', role ? 'role' : 'user', this.nameOf(r, role ? 'RoleName' : 'UserName'), r, true);
      this.identities.set(r.id, draft);
      const tags = Object.fromEntries(asList<any>(r.properties.Tags).filter((t) => typeof t?.Key === 'string').map((t) => [t.Key, this.resolve(t.Value)]));
      draft.ownership = ownershipFrom(decodeOwnershipTags(tags, OWNERSHIP_PREFIX.aws));
      draft.breakGlass = tags[AWS_BREAK_GLASS_TAG] === 'true';
      if (r.properties.PermissionsBoundary !== undefined) draft.attributes.permissionsBoundary = this.resolve(r.properties.PermissionsBoundary);
      if (role) {
        const seconds = Number(r.properties.MaxSessionDuration ?? AWS_DEFAULT_ROLE_SESSION_SECONDS);
        draft.maxSessionSeconds = Number.isFinite(seconds) ? seconds : null;
        trustSubjects(draft, trustStatements(r), this.resolve, (principal) => oidcIssuerFromCfn(principal, this.byId, this.resolve), sourceOf(r));
      } else if (r.properties.LoginProfile) {
        draft.subjects.push(makeSubject({ kind: 'static', issuer: 'console password', source: sourceOf(r) }));
      }
      statementPermissions(draft, permissionStatements(r), this.resolve, sourceOf(r));
      for (const arn of asList<unknown>(r.properties.ManagedPolicyArns)) this.attachManaged(draft, arn, r);
    }
  }

  /** Groups, standalone policies, access keys and Pod Identity associations, attached to the identities read. */
  public readAttachments(): void {
    for (const r of this.byId.values()) {
      if (r.type === 'AWS::IAM::User') {
        for (const group of asList<unknown>(r.properties.Groups)) {
          const groupResource = [...this.byId.values()].find((g) => g.type === 'AWS::IAM::Group' && ((group as any)?.Ref === g.id || g.properties.GroupName === group || g.id === group));
          const draft = this.identities.get(r.id)!;
          if (!groupResource) {
            draft.attributes.groups = [draft.attributes.groups, this.resolve(group)].filter(Boolean).join(', ');
            continue;
          }
          draft.resources.add(sourceOf(groupResource));
          statementPermissions(draft, permissionStatements(groupResource), this.resolve, sourceOf(groupResource));
          for (const arn of asList<unknown>(groupResource.properties.ManagedPolicyArns)) this.attachManaged(draft, arn, groupResource);
        }
      }
      if (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy') {
        const statements = permissionStatements(r);
        for (const target of [...asList<unknown>(r.properties.Roles).map((v) => this.identity(v, 'AWS::IAM::Role', r)), ...asList<unknown>(r.properties.Users).map((v) => this.identity(v, 'AWS::IAM::User', r))]) {
          if (!target) continue;
          target.resources.add(sourceOf(r));
          statementPermissions(target, statements, this.resolve, sourceOf(r));
        }
        if (asList(r.properties.Groups).length > 0) {
          for (const user of [...this.byId.values()].filter((u) => u.type === 'AWS::IAM::User')) {
            const groups = asList<unknown>(user.properties.Groups).map(this.resolve);
            const policyGroups = asList<unknown>(r.properties.Groups).map((g) => {
              const ref = (g as any)?.Ref;
              const groupResource = typeof ref === 'string' ? this.byId.get(ref) : undefined;
              return groupResource ? this.resolve({ Ref: groupResource.id }) : this.resolve(g);
            });
            if (groups.some((g) => policyGroups.includes(g))) {
              const draft = this.identities.get(user.id)!;
              draft.resources.add(sourceOf(r));
              statementPermissions(draft, statements, this.resolve, sourceOf(r));
            }
          }
        }
      }
      if (r.type === 'AWS::IAM::RolePolicy' || r.type === 'AWS::IAM::UserPolicy') {
        const role = r.type === 'AWS::IAM::RolePolicy';
        const target = this.identity(r.properties[role ? 'RoleName' : 'UserName'], role ? 'AWS::IAM::Role' : 'AWS::IAM::User', r);
        if (target) {
          target.resources.add(sourceOf(r));
          statementPermissions(target, asList(parseDocument(r.properties.PolicyDocument)?.Statement), this.resolve, sourceOf(r));
        }
      }
      if (r.type === 'AWS::IAM::AccessKey') {
        const target = this.identity(r.properties.UserName, 'AWS::IAM::User', r);
        if (target) {
          target.resources.add(sourceOf(r));
          const inactive = r.properties.Status === 'Inactive';
          target.subjects.push(makeSubject({ kind: 'static', issuer: `access key ${r.id}${inactive ? ' (inactive)' : ''}`, source: sourceOf(r) }));
        }
      }
      if (r.type === 'AWS::EKS::PodIdentityAssociation') {
        const arn = r.properties.RoleArn;
        const logical = Array.isArray(arn?.['Fn::GetAtt']) ? arn['Fn::GetAtt'][0] : undefined;
        const target = logical ? this.identities.get(logical) : undefined;
        const binding = `${this.resolve(r.properties.ClusterName)}/${this.resolve(r.properties.Namespace)}/${this.resolve(r.properties.ServiceAccount)}`;
        if (target) {
          target.resources.add(sourceOf(r));
          target.attributes.podIdentity = [target.attributes.podIdentity, binding].filter(Boolean).join(', ');
        }
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
  return federatedProviderName(resolve(principal));
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
    draft.breakGlass = p.tags?.[AWS_BREAK_GLASS_TAG] === 'true';
    if (p.permissions_boundary !== undefined) draft.attributes.permissionsBoundary = resolve(p.permissions_boundary);
    if (role) {
      const seconds = Number(p.max_session_duration ?? AWS_DEFAULT_ROLE_SESSION_SECONDS);
      draft.maxSessionSeconds = Number.isFinite(seconds) ? seconds : null;
      trustSubjects(draft, trustStatements(r), resolve, (principal) => {
        const target = index.target(r.file, principal);
        if (target?.type === 'aws_iam_openid_connect_provider') return issuerOf(resolve(attributesOf(target).url));
        return federatedProviderName(resolve(principal));
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
