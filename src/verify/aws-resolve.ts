/**
 * `keyless verify`, AWS: values of a trust policy resolved to strings: the deployment's own account and region
 * (pseudo parameters and data sources), CloudFormation intrinsics and aws-cdk-lib's `CfnJson`.
 */
import { AWS_DEPLOYMENT_ACCOUNT, AWS_DEPLOYMENT_REGION, isObject } from './aws-policy';
import type { NeutralResource } from '../synth/model';
import { cfnString, parseDocument } from '../synth/values';

/** A deep copy of a value with every string passed through `fn` (keys of condition blocks too). */
export function mapStrings(value: unknown, fn: (s: string) => string): any {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [fn(k), mapStrings(v, fn)]));
  return value;
}

/** Pseudo parameters and deployment lookups, read as the deployment account and region. */
export function deploymentPlaceholders(text: string, region: string): string {
  return text
    .replace(/\$\{AWS::AccountId\}/g, AWS_DEPLOYMENT_ACCOUNT)
    .replace(/\$\{AWS::Region\}/g, region)
    .replace(/\$\{AWS::Partition\}/g, 'aws')
    .replace(/\$\{AWS::URLSuffix\}/g, 'amazonaws.com')
    .replace(/\$\{data\.aws_caller_identity\.[A-Za-z0-9_-]+\.account_id\}/g, AWS_DEPLOYMENT_ACCOUNT)
    .replace(/\$\{data\.aws_partition\.[A-Za-z0-9_-]+\.partition\}/g, 'aws')
    .replace(/\$\{data\.aws_partition\.[A-Za-z0-9_-]+\.dns_suffix\}/g, 'amazonaws.com')
    .replace(/\$\{data\.aws_region\.[A-Za-z0-9_-]+\.(?:name|region|id)\}/g, region);
}

/** A template's stack name: its file name without directory and extension. */
export function cfnStackName(file: string): string {
  return file.replace(/^.*\//, '').replace(/\.template\.(json|ya?ml)$|\.(json|ya?ml)$/, '');
}

/** The resolved string form of a CloudFormation value (intrinsics through cfnString). */
export function cfnResolver(file: string, byId: ReadonlyMap<string, NeutralResource>): (value: unknown) => string {
  const stack = cfnStackName(file);
  const nameOf = (r: NeutralResource, prop: string) => (typeof r.properties?.[prop] === 'string' ? r.properties[prop] : `${stack}/${r.id}`);
  return (value) => deploymentPlaceholders(cfnString(value, byId, nameOf), AWS_DEPLOYMENT_REGION);
}

/** Resolves every intrinsic of a CloudFormation document to a string (objects of one `Ref` / `Fn::…` key). */
export function resolveCfnDocument(value: unknown, resolve: (v: unknown) => string): any {
  if (Array.isArray(value)) return value.map((v) => resolveCfnDocument(v, resolve));
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return resolve(value);
    return Object.fromEntries(keys.map((k) => [k, resolveCfnDocument(value[k], resolve)]));
  }
  if (typeof value === 'string') return resolve(value);
  return value;
}

/**
 * aws-cdk-lib's `CfnJson` (a `Custom::AWSCDKCfnJson` resource whose `Value` attribute is its `Value` property parsed
 * as JSON), which CDK uses for condition blocks with token-valued keys (aws-cdk-lib API reference, `CfnJson`,
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.CfnJson.html): replaced by the
 * parsed value when its JSON resolves.
 */
export function cfnJsonValues(value: unknown, byId: ReadonlyMap<string, NeutralResource>, resolve: (v: unknown) => string): any {
  if (Array.isArray(value)) return value.map((v) => cfnJsonValues(v, byId, resolve));
  if (!isObject(value)) return value;
  const getAtt = value['Fn::GetAtt'];
  if (Object.keys(value).length === 1 && Array.isArray(getAtt) && getAtt[1] === 'Value') {
    const target = byId.get(String(getAtt[0]));
    if (target?.type === 'Custom::AWSCDKCfnJson') {
      const parsed = parseDocument(resolve(target.properties?.Value));
      if (parsed !== undefined) return parsed;
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cfnJsonValues(v, byId, resolve)]));
}

/** Whether a JSON text and a value are the same JSON document (key order kept: a module's evaluation writes it as is). */
export function sameDocument(a: string, b: unknown): boolean {
  try {
    return typeof b === 'string' && JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}
