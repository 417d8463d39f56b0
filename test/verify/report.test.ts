import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FORGED_FAMILIES } from '../../src/verify/forge';
import { Evaluated, Token, TrustResult, VERIFY_SCHEMA_VERSION, VerifyReport } from '../../src/verify/model';
import { VERIFY_COMMENT_MARKER, verifyJson, verifyJsonChunks, verifyMarkdown, verifySarif, verifySummaryLines } from '../../src/verify/report';

// Hand-built reports: the reports are tested on their own, independently of the trust readers and the forger.

const GITHUB = 'https://token.actions.githubusercontent.com';

function github(sub: string, extra: Record<string, string> = {}, aud: string | null = 'sts.amazonaws.com'): Token {
  const [, repository] = /^repo:([^:]+):/.exec(sub) ?? [];
  return {
    platform: 'github',
    issuer: GITHUB,
    claims: { ...extra, ...(aud !== null ? { aud } : {}), iss: GITHUB, ...(repository ? { repository } : {}), sub },
  };
}

const admitted = (detail: string) => ({ outcome: 'admitted' as const, detail });
const denied = (detail: string) => ({ outcome: 'denied' as const, detail });

function result(partial: Partial<TrustResult> & Pick<TrustResult, 'id' | 'verdict' | 'legitimate' | 'forged'>): TrustResult {
  const forged = partial.forged.filter((e) => !e.sharedByDesign);
  return {
    cloud: 'aws',
    kind: 'aws-oidc',
    identity: partial.id.replace(/^[^:]+:[^:]+:/, ''),
    location: { file: 'app/stack.template.json', resource: 'DeployRole' },
    resources: ['app/stack.template.json:DeployRole'],
    problems: [],
    unpinned: false,
    counts: {
      legitimateAdmitted: partial.legitimate.filter((e) => e.decision.outcome === 'admitted').length,
      legitimate: partial.legitimate.length,
      forgedDenied: forged.filter((e) => e.decision.outcome === 'denied').length,
      forged: forged.length,
    },
    ...partial,
  };
}

const LEGIT_MAIN: Evaluated = {
  description: 'GitHub acme/app, ref refs/heads/main',
  token: github('repo:acme/app:ref:refs/heads/main', { ref: 'refs/heads/main' }),
  decision: admitted('statement 0 allows sts:AssumeRoleWithWebIdentity'),
};

const WEAK: TrustResult = result({
  id: 'aws:role:deploy',
  verdict: 'weak',
  location: { file: 'app/stack.template.json', resource: 'DeployRole', constructPath: 'App/Stack/Deploy/Role' },
  problems: ['forged token admitted (other-branch): a branch the trust does not name: iss=https://token.actions.githubusercontent.com '
    + 'sub=repo:acme/app:ref:refs/heads/keyless-forged aud=sts.amazonaws.com'],
  legitimate: [LEGIT_MAIN],
  forged: [
    {
      description: 'a branch the trust does not name',
      family: 'other-branch',
      token: github('repo:acme/app:ref:refs/heads/keyless-forged', { ref: 'refs/heads/keyless-forged' }),
      decision: admitted('statement 0 allows sts:AssumeRoleWithWebIdentity'),
    },
    {
      description: 'a repository of another owner with the same name (keyless-attacker/app)',
      family: 'other-owner',
      token: github('repo:keyless-attacker/app:ref:refs/heads/main', { ref: 'refs/heads/main' }),
      decision: denied('statement 0: StringLike token.actions.githubusercontent.com:sub does not match'),
    },
  ],
});

const SOUND: TrustResult = result({
  id: 'aws:role:reader',
  verdict: 'sound',
  location: { file: 'app/stack.template.json', resource: 'ReaderRole' },
  resources: ['app/stack.template.json:ReaderRole'],
  legitimate: [LEGIT_MAIN],
  forged: [{ ...WEAK.forged[1] }],
});

const BROKEN: TrustResult = result({
  id: 'azure:fic:deployer/github',
  cloud: 'azure',
  kind: 'azure-fic',
  identity: 'deployer',
  verdict: 'broken',
  location: { file: 'infra/main.tf', resource: 'azurerm_federated_identity_credential.github' },
  resources: ['infra/main.tf:azurerm_federated_identity_credential.github'],
  problems: ['legitimate identity refused: GitHub acme/app, environment production: aud api://AzureADTokenExchange is not an audience of the credential'],
  legitimate: [{
    description: 'GitHub acme/app, environment production',
    token: github('repo:acme/app:environment:production', { environment: 'production' }, 'api://AzureADTokenExchange'),
    decision: denied('aud api://AzureADTokenExchange is not an audience of the credential'),
  }],
  forged: [],
});

const NOT_EVALUABLE: TrustResult = result({
  id: 'aws:role:saml',
  verdict: 'not-evaluable',
  location: { file: 'app/stack.template.json', resource: 'SamlRole' },
  resources: ['app/stack.template.json:SamlRole'],
  problems: ['not evaluable: SAML federation is not modelled'],
  unevaluable: 'SAML federation is not modelled',
  legitimate: [],
  forged: [],
});

function report(trusts: TrustResult[], warnings: string[] = []): VerifyReport {
  const by = (v: TrustResult['verdict']) => trusts.filter((t) => t.verdict === v).length;
  return {
    schemaVersion: VERIFY_SCHEMA_VERSION,
    sources: [{ file: 'infra/main.tf', format: 'terraform' }, { file: 'app/stack.template.json', format: 'cloudformation' }],
    trusts,
    summary: {
      trusts: trusts.length,
      sound: by('sound'),
      weak: by('weak'),
      broken: by('broken'),
      notEvaluable: by('not-evaluable'),
      legitimateTokens: trusts.reduce((n, t) => n + t.legitimate.length, 0),
      forgedTokens: trusts.reduce((n, t) => n + t.counts.forged, 0),
      forgedAdmitted: trusts.reduce((n, t) => n + t.forged.filter((e) => e.decision.outcome === 'admitted' && !e.sharedByDesign).length, 0),
    },
    warnings,
  };
}

const FULL = report([WEAK, SOUND, BROKEN, NOT_EVALUABLE], ['infra/main.tf: module "x" is not read']);

describe('verifyJson', () => {
  test('is canonical: trusts by id, sources by file, tokens by family (FORGED_FAMILIES order), claims by name', () => {
    const json = JSON.parse(verifyJson(FULL));
    expect(json.trusts.map((t: any) => t.id)).toEqual(['aws:role:deploy', 'aws:role:reader', 'aws:role:saml', 'azure:fic:deployer/github']);
    expect(json.sources).toEqual([{ file: 'app/stack.template.json', format: 'cloudformation' }, { file: 'infra/main.tf', format: 'terraform' }]);
    const deploy = json.trusts[0];
    expect(deploy.forged.map((e: any) => e.family)).toEqual(['other-owner', 'other-branch']);
    expect(Object.keys(deploy.forged[1].token.claims)).toEqual(['aud', 'iss', 'ref', 'repository', 'sub']);
    expect(deploy).toEqual({
      id: 'aws:role:deploy',
      cloud: 'aws',
      kind: 'aws-oidc',
      identity: 'deploy',
      location: { file: 'app/stack.template.json', resource: 'DeployRole', constructPath: 'App/Stack/Deploy/Role' },
      resources: ['app/stack.template.json:DeployRole'],
      verdict: 'weak',
      problems: WEAK.problems,
      unpinned: false,
      counts: { legitimateAdmitted: 1, legitimate: 1, forgedDenied: 1, forged: 2 },
      legitimate: [{
        description: 'GitHub acme/app, ref refs/heads/main',
        token: {
          platform: 'github',
          issuer: GITHUB,
          claims: { aud: 'sts.amazonaws.com', iss: GITHUB, ref: 'refs/heads/main', repository: 'acme/app', sub: 'repo:acme/app:ref:refs/heads/main' },
        },
        decision: { outcome: 'admitted', detail: 'statement 0 allows sts:AssumeRoleWithWebIdentity' },
      }],
      forged: [
        {
          description: 'a repository of another owner with the same name (keyless-attacker/app)',
          family: 'other-owner',
          token: {
            platform: 'github',
            issuer: GITHUB,
            claims: {
              aud: 'sts.amazonaws.com', iss: GITHUB, ref: 'refs/heads/main', repository: 'keyless-attacker/app', sub: 'repo:keyless-attacker/app:ref:refs/heads/main',
            },
          },
          decision: { outcome: 'denied', detail: 'statement 0: StringLike token.actions.githubusercontent.com:sub does not match' },
        },
        {
          description: 'a branch the trust does not name',
          family: 'other-branch',
          token: {
            platform: 'github',
            issuer: GITHUB,
            claims: {
              aud: 'sts.amazonaws.com', iss: GITHUB, ref: 'refs/heads/keyless-forged', repository: 'acme/app', sub: 'repo:acme/app:ref:refs/heads/keyless-forged',
            },
          },
          decision: { outcome: 'admitted', detail: 'statement 0 allows sts:AssumeRoleWithWebIdentity' },
        },
      ],
    });
    expect(json.trusts[2].unevaluable).toBe('SAML federation is not modelled');
    expect(json.schemaVersion).toBe(1);
    expect(json.summary).toEqual({
      trusts: 4, sound: 1, weak: 1, broken: 1, notEvaluable: 1, legitimateTokens: 3, forgedTokens: 3, forgedAdmitted: 1,
    });
    expect(json.warnings).toEqual(['infra/main.tf: module "x" is not read']);
  });

  test('gives the same bytes whatever the order of trusts, tokens and claims', () => {
    const reversedClaims = (e: Evaluated): Evaluated => ({
      ...e,
      token: { ...e.token, claims: Object.fromEntries(Object.entries(e.token.claims).reverse()) },
    });
    const weak = { ...WEAK, forged: [...WEAK.forged].reverse().map(reversedClaims) };
    const shuffled = report([NOT_EVALUABLE, BROKEN, weak, SOUND], ['infra/main.tf: module "x" is not read']);
    expect(verifyJson(shuffled)).toBe(verifyJson(FULL));
    expect(verifyJson(FULL).endsWith('}\n')).toBe(true);
  });
});

describe('verifyJsonChunks', () => {
  test('joined, is JSON.stringify(…, null, 2) of the report: with and without trusts, warnings and sources', () => {
    const noSources = { ...report([SOUND]), sources: [] };
    for (const r of [FULL, report([]), report([], ['a warning', 'b warning']), report([SOUND]), report([WEAK, SOUND]), noSources]) {
      const text = [...verifyJsonChunks(r)].join('');
      expect(text).toBe(verifyJson(r));
      // Re-laid out from its own parse: every line break and indent is where JSON.stringify puts it.
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    }
    expect(verifyJson(report([]))).toContain('\n  "trusts": [],\n  "warnings": []\n}\n');
    expect(verifyJson(noSources)).toContain('"sources": [],');
  });

  test('one piece per trust, so that a writer never holds the whole text', () => {
    const pieces = [...verifyJsonChunks(FULL)];
    // The head, a piece per trust, the closing of the trusts, the warnings.
    expect(pieces).toHaveLength(FULL.trusts.length + 3);
    expect(pieces[1]).toMatch(/^\[\n {4}\{\n {6}"id": "aws:role:deploy",/);
    expect(pieces[2]).toMatch(/^,\n {4}\{\n {6}"id": "aws:role:reader",/);
    expect([...verifyJsonChunks(report([]))]).toHaveLength(3);
  });
});

describe('verifySarif', () => {
  const fingerprint = (id: string, rule: string) => createHash('sha256').update(`${id}\0${rule}`).digest('hex').slice(0, 32);

  test('one result per trust and rule, located by the given locator, with the construct path', () => {
    const located: string[] = [];
    const sarif: any = verifySarif(FULL, {
      locate: (file, resource) => {
        located.push(`${file}:${resource}`);
        return resource === 'DeployRole' ? 12 : undefined;
      },
    });
    const run = sarif.runs[0];
    expect(sarif.version).toBe('2.1.0');
    expect(run.tool.driver.name).toBe('keyless-verify');
    expect(run.tool.driver.rules.map((r: any) => [r.id, r.defaultConfiguration.level, r.properties['security-severity']])).toEqual([
      ['KL-V-FORGED-ADMITTED', 'error', '9.0'],
      ['KL-V-UNPINNED', 'error', '8.0'],
      ['KL-V-LEGITIMATE-REFUSED', 'error', '4.0'],
      ['KL-V-REVOKED-ADMITTED', 'error', '9.0'],
      ['KL-V-NOT-EVALUABLE', 'warning', '3.0'],
    ]);
    expect(located).toEqual(['app/stack.template.json:DeployRole', 'app/stack.template.json:SamlRole', 'infra/main.tf:azurerm_federated_identity_credential.github']);
    expect(run.results).toEqual([
      {
        ruleId: 'KL-V-FORGED-ADMITTED',
        level: 'error',
        message: {
          text: 'AWS role (OIDC federation) deploy (aws:role:deploy) admits 1 forged token: other-branch '
            + '(iss=https://token.actions.githubusercontent.com sub=repo:acme/app:ref:refs/heads/keyless-forged aud=sts.amazonaws.com)',
        },
        locations: [{
          physicalLocation: { artifactLocation: { uri: 'app/stack.template.json' }, region: { startLine: 12 } },
          logicalLocations: [{ fullyQualifiedName: 'App/Stack/Deploy/Role', kind: 'resource' }],
        }],
        partialFingerprints: { 'keylessVerifyTrust/v1': fingerprint('aws:role:deploy', 'KL-V-FORGED-ADMITTED') },
        properties: {
          trust: 'aws:role:deploy',
          kind: 'aws-oidc',
          identity: 'deploy',
          verdict: 'weak',
          resource: 'DeployRole',
          constructPath: 'App/Stack/Deploy/Role',
          families: ['other-branch'],
        },
      },
      {
        ruleId: 'KL-V-NOT-EVALUABLE',
        level: 'warning',
        message: { text: 'AWS role (OIDC federation) saml (aws:role:saml) is not evaluable: SAML federation is not modelled' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'app/stack.template.json' }, region: { startLine: 1 } } }],
        partialFingerprints: { 'keylessVerifyTrust/v1': fingerprint('aws:role:saml', 'KL-V-NOT-EVALUABLE') },
        properties: { trust: 'aws:role:saml', kind: 'aws-oidc', identity: 'saml', verdict: 'not-evaluable', resource: 'SamlRole' },
      },
      {
        ruleId: 'KL-V-LEGITIMATE-REFUSED',
        level: 'error',
        message: {
          text: 'Azure federated identity credential deployer (azure:fic:deployer/github) refuses 1 legitimate token: GitHub acme/app, environment production '
            + '(iss=https://token.actions.githubusercontent.com sub=repo:acme/app:environment:production aud=api://AzureADTokenExchange): '
            + 'aud api://AzureADTokenExchange is not an audience of the credential',
        },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'infra/main.tf' }, region: { startLine: 1 } } }],
        partialFingerprints: { 'keylessVerifyTrust/v1': fingerprint('azure:fic:deployer/github', 'KL-V-LEGITIMATE-REFUSED') },
        properties: {
          trust: 'azure:fic:deployer/github', kind: 'azure-fic', identity: 'deployer', verdict: 'broken', resource: 'azurerm_federated_identity_credential.github',
        },
      },
    ]);
  });

  test('an unpinned trust that admits forgeries has both results; families are listed once, in FORGED_FAMILIES order', () => {
    const unpinned = result({
      id: 'aws:role:open',
      verdict: 'weak',
      unpinned: true,
      problems: ['unpinned: the trust constrains no `repository`, `sub`: any value is admitted'],
      legitimate: [{ ...LEGIT_MAIN, description: 'GitHub keyless-invented/repo (invented)' }],
      forged: [
        { ...WEAK.forged[1], decision: admitted('statement 0') },
        { ...WEAK.forged[0], description: 'another branch (b)', token: github('repo:acme/app:ref:refs/heads/b') },
        WEAK.forged[0],
      ],
    });
    const results = (verifySarif(report([unpinned])) as any).runs[0].results;
    expect(results.map((r: any) => [r.ruleId, r.message.text, r.properties.families])).toEqual([
      ['KL-V-FORGED-ADMITTED', 'AWS role (OIDC federation) open (aws:role:open) admits 3 forged tokens: '
        + 'other-owner (iss=https://token.actions.githubusercontent.com sub=repo:keyless-attacker/app:ref:refs/heads/main aud=sts.amazonaws.com); '
        + 'other-branch (iss=https://token.actions.githubusercontent.com sub=repo:acme/app:ref:refs/heads/keyless-forged aud=sts.amazonaws.com)', ['other-owner', 'other-branch']],
      ['KL-V-UNPINNED', 'AWS role (OIDC federation) open (aws:role:open) pins no identity: unpinned: the trust constrains no `repository`, `sub`: any value is admitted', undefined],
    ]);
  });

  test('shared-by-design variants and sound trusts give no result', () => {
    const gke = result({
      id: 'gcp:gke:acme.svc.id.goog[ns/ksa]->sa',
      cloud: 'gcp',
      kind: 'gcp-gke',
      verdict: 'sound',
      legitimate: [],
      forged: [{
        description: 'another cluster of the same project',
        family: 'same-project-other-cluster',
        token: { platform: 'gke', issuer: 'https://container.googleapis.com/v1/projects/acme/locations/eu/clusters/other', claims: {} },
        decision: admitted('member serviceAccount:acme.svc.id.goog[ns/ksa]'),
        sharedByDesign: 'every cluster of project acme shares the workload pool acme.svc.id.goog',
      }],
    });
    expect((verifySarif(report([SOUND, gke])) as any).runs[0].results).toEqual([]);
  });
});

describe('verifyMarkdown', () => {
  test('the comment: counts, the forged token against the legitimate one, the refused token, the reason, the sound trusts', () => {
    expect(verifyMarkdown(FULL).split('\n')).toEqual([
      VERIFY_COMMENT_MARKER,
      '## Keyless verify: forged-token evaluation',
      '',
      '**4 trusts: 1 weak, 1 broken, 1 not evaluable, 1 sound**; 3 legitimate tokens, 3 forged tokens, 1 forged admitted.',
      '',
      'This fails `keyless verify`: a weak trust admits a forged token or pins no identity, a broken one refuses its legitimate token.',
      '',
      '### Weak (1)',
      '',
      '#### AWS role (OIDC federation) deploy',
      '',
      '`aws:role:deploy` · `app/stack.template.json` `DeployRole` · construct `App/Stack/Deploy/Role`',
      '',
      'Legitimate tokens admitted: 1/1; forged tokens denied: 1/2.',
      '',
      '**Forged token admitted** (`other-branch`): a branch the trust does not name',
      '',
      '| Claim | Legitimate | Forged |',
      '| --- | --- | --- |',
      '| issuer | `https://token.actions.githubusercontent.com` | `https://token.actions.githubusercontent.com` |',
      '| `sub` | `repo:acme/app:ref:refs/heads/main` | `repo:acme/app:ref:refs/heads/keyless-forged` |',
      '| `aud` | `sts.amazonaws.com` | `sts.amazonaws.com` |',
      '| `ref` | `refs/heads/main` | `refs/heads/keyless-forged` |',
      '',
      '<sub>Forged from: GitHub acme/app, ref refs/heads/main. Admitted by: statement 0 allows sts:AssumeRoleWithWebIdentity</sub>',
      '',
      '### Broken (1)',
      '',
      '#### Azure federated identity credential deployer',
      '',
      '`azure:fic:deployer/github` · `infra/main.tf` `azurerm_federated_identity_credential.github`',
      '',
      'Legitimate tokens admitted: 0/1; forged tokens denied: 0/0.',
      '',
      '**Legitimate token refused**: GitHub acme/app, environment production',
      '',
      '| Claim | Value |',
      '| --- | --- |',
      '| issuer | `https://token.actions.githubusercontent.com` |',
      '| `sub` | `repo:acme/app:environment:production` |',
      '| `aud` | `api://AzureADTokenExchange` |',
      '',
      'Refused: aud api://AzureADTokenExchange is not an audience of the credential',
      '',
      '### Not evaluable (1)',
      '',
      '#### AWS role (OIDC federation) saml',
      '',
      '`aws:role:saml` · `app/stack.template.json` `SamlRole`',
      '',
      'Not evaluable: SAML federation is not modelled. This trust is not verified.',
      '',
      '### Sound (1)',
      '',
      '| Trust | Kind | Identity | Legitimate admitted | Forged denied |',
      '| --- | --- | --- | --- | --- |',
      '| `aws:role:reader` | AWS role (OIDC federation) | `reader` | 1/1 | 1/1 |',
      '',
      '### Warnings',
      '',
      '- infra/main.tf: module "x" is not read',
      '',
      '<sub>Each trust is evaluated with its cloud\'s rules against the tokens its legitimate identities get and a documented family of forged variants '
        + '(see the README, "Verify: forged-token evaluation"). Sound means every legitimate token was admitted and every forged one denied.</sub>',
      '',
    ]);
  });

  test('a missing audience shows as absent, an empty claim as empty, jti never; the forged token is compared with the closest legitimate one', () => {
    const trust = result({
      id: 'aws:role:two',
      verdict: 'weak',
      legitimate: [
        { ...LEGIT_MAIN, description: 'GitHub acme/app, tag v1', token: github('repo:acme/app:ref:refs/tags/v1', { ref: 'refs/tags/v1', ref_type: 'tag' }) },
        { ...LEGIT_MAIN, token: github('repo:acme/app:ref:refs/heads/main', { ref: 'refs/heads/main', jti: 'legitimate-id' }) },
      ],
      forged: [{
        description: 'no audience',
        family: 'missing-audience',
        token: github('repo:acme/app:ref:refs/heads/main', { ref: 'refs/heads/main', jti: 'forged-id', base_ref: '' }, null),
        decision: admitted('statement 0'),
      }],
    });
    const lines = verifyMarkdown(report([trust])).split('\n');
    const start = lines.indexOf('**Forged token admitted** (`missing-audience`): no audience');
    expect(lines.slice(start, start + 9)).toEqual([
      '**Forged token admitted** (`missing-audience`): no audience',
      '',
      '| Claim | Legitimate | Forged |',
      '| --- | --- | --- |',
      '| issuer | `https://token.actions.githubusercontent.com` | `https://token.actions.githubusercontent.com` |',
      '| `sub` | `repo:acme/app:ref:refs/heads/main` | `repo:acme/app:ref:refs/heads/main` |',
      '| `aud` | `sts.amazonaws.com` | *absent* |',
      '| `base_ref` | *absent* | *empty* |',
      '',
    ]);
    expect(lines[start + 9]).toBe('<sub>Forged from: GitHub acme/app, ref refs/heads/main. Admitted by: statement 0</sub>');
  });

  test('Pod Identity sessions: no sub or aud rows, only the session tags that differ (not the pod UID)', () => {
    const session = (namespace: string): Token => ({
      platform: 'eks-pod-identity',
      issuer: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
      claims: {
        'eks-cluster-arn': 'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
        'eks-cluster-name': 'prod',
        'kubernetes-namespace': namespace,
        'kubernetes-pod-uid': `uid-${namespace}`,
        'kubernetes-service-account': 'api',
      },
    });
    const trust = result({
      id: 'aws:role:api#pod-identity',
      kind: 'aws-pod-identity',
      verdict: 'weak',
      legitimate: [{ description: 'pod prod/payments/api', token: session('payments'), decision: admitted('statement 0') }],
      forged: [{ description: 'another namespace', family: 'other-namespace', token: session('keyless-forged'), decision: admitted('statement 0') }],
    });
    const lines = verifyMarkdown(report([trust])).split('\n');
    const start = lines.indexOf('| Claim | Legitimate | Forged |');
    expect(lines.slice(start, start + 5)).toEqual([
      '| Claim | Legitimate | Forged |',
      '| --- | --- | --- |',
      '| issuer | `arn:aws:eks:eu-west-1:111122223333:cluster/prod` | `arn:aws:eks:eu-west-1:111122223333:cluster/prod` |',
      '| `kubernetes-namespace` | `payments` | `keyless-forged` |',
      '',
    ]);
  });

  test('an unpinned trust says so; more than five admitted tokens are summarised by family; shared-by-design is a note', () => {
    const forged: Evaluated[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((b, i) => ({
      description: `branch ${b}`,
      family: i < 5 ? 'other-branch' : i === 5 ? 'pull-request' : 'tag',
      token: github(`repo:acme/app:ref:refs/heads/${b}`),
      decision: admitted('statement 0'),
    }));
    forged.push({
      description: 'another cluster', family: 'same-project-other-cluster', token: github('repo:x/y:ref:refs/heads/z'), decision: admitted('x'), sharedByDesign: 'one pool per project',
    });
    const trust = result({
      id: 'aws:role:open',
      verdict: 'weak',
      unpinned: true,
      problems: ['unpinned: the trust constrains no `sub`: any value is admitted'],
      legitimate: [LEGIT_MAIN],
      forged,
    });
    const md = verifyMarkdown(report([trust]));
    const lines = md.split('\n');
    expect(lines).toContain('**Unpinned**: the trust constrains no `sub`: any value is admitted. The legitimate token below has invented values for what the trust does not name.');
    expect(lines.filter((l) => l.startsWith('**Forged token admitted**'))).toHaveLength(5);
    expect(lines).toContain('… and 2 more forged tokens admitted (`tag`, `pull-request`): see the JSON report.');
    expect(lines.slice(lines.indexOf('### Shared by design'), lines.indexOf('### Shared by design') + 4)).toEqual([
      '### Shared by design', '', '- `aws:role:open` (`same-project-other-cluster`): one pool per project', '',
    ]);
  });

  test('stops short of the size limit and says how many trusts it left out', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ...WEAK, id: `aws:role:deploy-${String(i).padStart(2, '0')}` }));
    const md = verifyMarkdown(report([...many, SOUND]), { maxLength: 4000 });
    expect(md.length).toBeLessThanOrEqual(4000 + 200);
    const shown = md.split('\n').filter((l) => l.startsWith('#### ')).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(30);
    expect(md).toContain(`… ${31 - shown} more trusts not shown (comment size limit): see the JSON report.`);
    expect(md).not.toContain('### Sound');
  });

  test('no trust: says nothing was verified', () => {
    expect(verifyMarkdown(report([])).split('\n').slice(0, 4)).toEqual([
      VERIFY_COMMENT_MARKER, '## Keyless verify: forged-token evaluation', '', '**No federated trust found** in 2 files: nothing to verify.',
    ]);
  });

  test('escapes Markdown in descriptions and pipes in values', () => {
    const trust = result({
      id: 'aws:role:pipe',
      verdict: 'weak',
      legitimate: [LEGIT_MAIN],
      forged: [{ description: 'a *bold* <b>', family: 'other-branch', token: github('repo:acme/app:ref:refs/heads/a|b'), decision: admitted('x') }],
    });
    const lines = verifyMarkdown(report([trust])).split('\n');
    expect(lines).toContain('**Forged token admitted** (`other-branch`): a \\*bold\\* \\<b\\>');
    expect(lines).toContain('| `sub` | `repo:acme/app:ref:refs/heads/main` | `repo:acme/app:ref:refs/heads/a\\|b` |');
  });
});

describe('verifySummaryLines', () => {
  test('one line per trust, sorted by id, with its problems indented', () => {
    expect(verifySummaryLines(FULL)).toEqual([
      'weak aws:role:deploy (app/stack.template.json DeployRole): legitimate 1/1 admitted, forged 1/2 denied',
      `  ${WEAK.problems[0]}`,
      'sound aws:role:reader (app/stack.template.json ReaderRole): legitimate 1/1 admitted, forged 1/1 denied',
      'not-evaluable aws:role:saml (app/stack.template.json SamlRole): not verified',
      '  not evaluable: SAML federation is not modelled',
      'broken azure:fic:deployer/github (infra/main.tf azurerm_federated_identity_credential.github): legitimate 0/1 admitted, forged 0/0 denied',
      `  ${BROKEN.problems[0]}`,
    ]);
  });
});

describe('README', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = (heading: string) => readme.slice(readme.indexOf(`### ${heading}\n`), readme.indexOf('\n### ', readme.indexOf(`### ${heading}\n`) + 1));

  test('the forged-token families table is FORGED_FAMILIES, in order', () => {
    const rows = section('Forged-token families').split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toEqual(FORGED_FAMILIES.map((f) => `| \`${f.family}\` | ${f.platforms.join(', ')} | ${f.description.replace(/\|/g, '\\|')} |`));
  });

  test('the SARIF rules table is the rules verifySarif declares', () => {
    const rules = (verifySarif(report([])) as any).runs[0].tool.driver.rules;
    const rows = section('Reports').split('\n').filter((l) => l.startsWith('  | `KL-V-'));
    expect(rows.map((l) => l.split('|').slice(1, 4).map((c) => c.trim()))).toEqual(
      rules.map((r: any) => [`\`${r.id}\``, r.defaultConfiguration.level, r.properties['security-severity']]),
    );
  });
});
