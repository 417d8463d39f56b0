/**
 * What an AWS web-identity trust may condition on. STS evaluates `HOST[/PATH]:sub` and `…:aud` for every OIDC
 * issuer and, for the issuer exactly `https://token.actions.githubusercontent.com`, the nine GitHub claim keys of
 * GITHUB_STS_CLAIM_KEYS (test/helpers/aws-trust-evaluator.ts); nothing else. A condition on another key (e.g.
 * `repository_owner_id`, or any key of an enterprise issuer or of GitLab besides `sub` and `aud`) reads an absent
 * key at assumption time; under `ForAllValues:` or an `…IfExists` operator an absent key makes the condition true.
 * Neither may ever be rendered: the audit below fails a suite that synthesizes such a trust.
 *
 * Independent of src/: the allowed keys come from the test helpers, the keys and operators from the template.
 */
import { GITHUB_STS_CLAIM_KEYS, GITHUB_STS_ISSUER } from '../helpers/aws-trust-evaluator';

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

const GITHUB_HOST = GITHUB_STS_ISSUER.replace(/^https:\/\//, '');
/** The only operators a CI trust needs: exact values, and `StringLike` for declared patterns. */
const OPERATORS = new Set(['StringEquals', 'StringLike']);

/** The claim names STS exposes as condition keys for tokens of the issuer `HOST[/PATH]`. */
export function exposedClaims(issuerHostPath: string): string[] {
  return issuerHostPath === GITHUB_HOST ? ['aud', 'sub', ...GITHUB_STS_CLAIM_KEYS] : ['aud', 'sub'];
}

/** `HOST[/PATH]` of the OIDC provider a statement's `Principal.Federated` names, or undefined when it is not one. */
function federatedHostPath(federated: unknown, resources: Resources): string | undefined {
  const providerUrl = (logicalId: unknown): string | undefined => {
    const resource = typeof logicalId === 'string' ? resources[logicalId] : undefined;
    return resource?.Type === 'AWS::IAM::OIDCProvider' ? String(resource.Properties?.Url).replace(/^https:\/\//, '') : undefined;
  };
  const text = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const v = value as Record<string, any>;
      if ('Ref' in v) return providerUrl(v.Ref) !== undefined ? `oidc-provider/${providerUrl(v.Ref)}` : `{${String(v.Ref)}}`;
      if ('Fn::GetAtt' in v) return providerUrl(v['Fn::GetAtt'][0]) !== undefined ? `oidc-provider/${providerUrl(v['Fn::GetAtt'][0])}` : undefined;
      if ('Fn::Join' in v) {
        const parts = (v['Fn::Join'][1] as unknown[]).map(text);
        return parts.every((p) => p !== undefined) ? parts.join(v['Fn::Join'][0]) : undefined;
      }
    }
    return undefined;
  };
  const arn = text(federated);
  return arn === undefined ? undefined : /oidc-provider\/(.+)$/.exec(arn)?.[1];
}

/**
 * Every condition key or operator of an `sts:AssumeRoleWithWebIdentity` statement of `template` (a CloudFormation
 * template as JSON) that STS would not evaluate as a plain check on an exposed claim, as readable strings; empty
 * when the template is clean.
 */
export function awsWebIdentityKeyViolations(template: object): string[] {
  const resources = ((template as { Resources?: Resources }).Resources ?? {});
  const violations: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const statements = ([] as any[]).concat(resource.Properties?.AssumeRolePolicyDocument?.Statement ?? []);
    for (const [i, statement] of statements.entries()) {
      const actions = ([] as unknown[]).concat(statement.Action ?? []);
      if (!actions.includes('sts:AssumeRoleWithWebIdentity')) continue;
      const where = `${id} statement ${i}`;
      const hostPath = federatedHostPath(statement.Principal?.Federated, resources);
      if (hostPath === undefined) {
        violations.push(`${where}: cannot resolve the federated principal ${JSON.stringify(statement.Principal)}`);
        continue;
      }
      const allowed = exposedClaims(hostPath).map((claim) => `${hostPath}:${claim}`);
      const keys = new Set<string>();
      for (const [operator, block] of Object.entries((statement.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
        if (/^For(All|Any)Values?:/.test(operator) || operator.endsWith('IfExists') || !OPERATORS.has(operator)) {
          violations.push(`${where}: operator ${operator}`);
        }
        for (const key of Object.keys(block)) {
          keys.add(key);
          if (!allowed.includes(key)) violations.push(`${where}: key ${key} (STS exposes only ${allowed.join(', ')})`);
        }
      }
      for (const required of [`${hostPath}:aud`, `${hostPath}:sub`]) {
        if (!keys.has(required)) violations.push(`${where}: no condition on ${required}`);
      }
    }
  }
  return violations;
}

/**
 * Collects the templates a suite synthesizes and, with `defineTest()` called last in the file, checks them all in
 * one test that runs after every other test of the file (jest runs a file's tests in order).
 */
export function awsTrustKeyAudit() {
  const templates: Array<{ label: string; template: object }> = [];
  return {
    /** Records `template` for the audit and returns it. */
    record<T extends object>(template: T, label = `template ${templates.length + 1}`): T {
      templates.push({ label, template });
      return template;
    },
    /** Defines the audit test. Call it at the end of the file. */
    defineTest(): void {
      test('every synthesized AWS web-identity trust conditions only on aud, sub and the claim keys STS exposes (never repository_owner_id), with no ForAllValues: or IfExists operator', () => {
        expect(templates.length).toBeGreaterThan(0);
        const webIdentity = templates.filter(({ template }) => JSON.stringify(template).includes('sts:AssumeRoleWithWebIdentity'));
        expect(webIdentity.length).toBeGreaterThan(0);
        const found = templates.flatMap(({ label, template }) => awsWebIdentityKeyViolations(template).map((v) => `${label}: ${v}`));
        expect(found).toEqual([]);
      });
    },
  };
}
