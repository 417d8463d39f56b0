/** Reading values as written in synthesized output: lists, JSON documents, CloudFormation intrinsics, issuers. */
import { NeutralResource } from './model';

/** A value or list of values as a list. */
export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/**
 * A document given as an object or, in Terraform, as a JSON string; in CloudFormation also as `Fn::Sub` of a JSON
 * string (`!Sub | {…}`: its `${…}` placeholders stay in the strings, as written). Undefined when the string is not JSON.
 */
export function parseDocument(value: unknown): any {
  const sub = (value as any)?.['Fn::Sub'];
  if (sub !== undefined && Object.keys(value as object).length === 1) {
    const body = Array.isArray(sub) ? sub[0] : sub;
    return typeof body === 'string' ? parseDocument(body) : undefined;
  }
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return value;
}

/** JSON of a value, or `…` when it cannot be written (too deep, cyclic): never a crash. */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '…';
  }
}

/** Renders a value for a finding (strings as is, the rest as JSON). */
export function show(value: unknown): string {
  return typeof value === 'string' ? value : safeJson(value);
}

/** How deep CloudFormation intrinsics are followed when read as strings. */
export const MAX_INTRINSIC_DEPTH = 64;

/**
 * A string with CloudFormation `Fn::Join` flattened and other intrinsics shown as `${…}`, so that rules can match
 * ARNs built by CDK (`arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess`).
 */
export function literal(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value;
  if (depth > MAX_INTRINSIC_DEPTH) return '${…}';
  if (value && typeof value === 'object') {
    const join = (value as any)['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map((part: unknown) => literal(part, depth + 1)).join(typeof join[0] === 'string' ? join[0] : '');
    const ref = (value as any).Ref;
    if (typeof ref === 'string') return `\${${ref}}`;
    // Fn::Sub keeps `${AWS::Partition}`-style placeholders in its template string, which is what rules match on.
    const sub = (value as any)['Fn::Sub'];
    if (typeof sub === 'string') return sub;
    if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  }
  return `\${${safeJson(value)}}`;
}

/** An issuer URL as Keyless names issuers: `https://host/path/` → `host/path`. */
export function issuerOf(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/**
 * The provider a federated principal names: `arn:…:oidc-provider/HOST/PATH` → `HOST/PATH` (also `saml-provider/NAME`);
 * any other principal as it is; undefined when it is still an unresolved `${…}`.
 */
export function federatedProviderName(principal: string): string | undefined {
  if (principal.startsWith('${')) return undefined;
  const match = /:(oidc-provider|saml-provider)\/(.+)$/.exec(principal);
  return match ? match[2] : principal;
}

/**
 * A CloudFormation value as a string: `Fn::Join`, `Fn::Sub`, `Ref` and `Fn::GetAtt …Arn` of roles, users and OIDC
 * providers of the template are resolved; the partition is read as `aws` and the URL suffix as `amazonaws.com`;
 * other values stay visible as `${…}`.
 */
export function cfnString(
  value: unknown, byId: ReadonlyMap<string, NeutralResource>, nameOf: (r: NeutralResource, prop: string) => string, depth = 0,
): string {
  // Intrinsics nest (Join in Sub in Join…), but not hundreds deep: deeper is shown unresolved rather than overflow.
  if (depth > MAX_INTRINSIC_DEPTH) return '${…}';
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  const resource = (logicalId: string, attribute?: string): string => {
    if (pseudo[logicalId]) return pseudo[logicalId];
    const r = byId.get(logicalId);
    if (r?.type === 'AWS::IAM::Role') return attribute === 'Arn' ? `arn:aws:iam::\${AWS::AccountId}:role/${nameOf(r, 'RoleName')}` : nameOf(r, 'RoleName');
    if (r?.type === 'AWS::IAM::User') return attribute === 'Arn' ? `arn:aws:iam::\${AWS::AccountId}:user/${nameOf(r, 'UserName')}` : nameOf(r, 'UserName');
    if (r?.type === 'AWS::IAM::OIDCProvider' && typeof r.properties.Url === 'string') return `arn:aws:iam::\${AWS::AccountId}:oidc-provider/${issuerOf(r.properties.Url)}`;
    return `\${${logicalId}${attribute ? `.${attribute}` : ''}}`;
  };
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object') {
    const v = value as any;
    if (typeof v.Ref === 'string') return resource(v.Ref);
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return resource(String(getAtt[0]), String(getAtt[1]));
    if (typeof getAtt === 'string') return resource(getAtt.split('.')[0], getAtt.split('.').slice(1).join('.'));
    const join = v['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map((part: unknown) => cfnString(part, byId, nameOf, depth + 1)).join(typeof join[0] === 'string' ? join[0] : '');
    const sub = v['Fn::Sub'];
    if (typeof sub === 'string' || (Array.isArray(sub) && typeof sub[0] === 'string')) {
      const [template, variables] = typeof sub === 'string' ? [sub, {}] : [sub[0], sub[1] ?? {}];
      return template.replace(/\$\{([^}!]+)\}/g, (_: string, name: string) => {
        if (variables[name] !== undefined) return cfnString(variables[name], byId, nameOf, depth + 1);
        const [logicalId, attribute] = name.split('.');
        return resource(logicalId, attribute);
      });
    }
    if (v['Fn::ImportValue'] !== undefined) return `\${ImportValue ${cfnString(v['Fn::ImportValue'], byId, nameOf, depth + 1)}}`;
  }
  return `\${${safeJson(value)}}`;
}
