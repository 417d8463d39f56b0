import * as fs from 'fs';
import * as path from 'path';
import { synthesizedExamples } from '../helpers/examples';

/** The examples' out/ci/: the manifest contract (read by the inventory) and the repositories' templates. */

const CI_ISSUERS = ['token.actions.githubusercontent.com', 'gitlab.com'];

describe('the examples\' repository side (out/ci/)', () => {
  let outdir: string;
  let manifest: any;
  beforeAll(() => {
    outdir = synthesizedExamples();
    manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'ci', 'manifest.json'), 'utf8'));
  });

  test('GIVEN the manifest WHEN read THEN schema 1, repositories sorted by platform and path, files sorted, existing and under ci/, identities sorted by id', () => {
    expect(manifest.schemaVersion).toBe(1);
    expect(manifest.repositories.map((r: any) => `${r.platform} ${r.repository}`)).toEqual([
      'github-actions acme/checkout', 'github-actions acme/payments-api', 'github-actions acme/payments-release', 'gitlab-ci acme/finance/ledger',
    ]);
    const written = fs.readdirSync(path.join(outdir, 'ci'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      .map((e) => path.relative(outdir, path.join(e.parentPath, e.name))).sort();
    const listed = manifest.repositories.flatMap((r: any) => r.files);
    expect([...listed, 'ci/manifest.json'].sort()).toEqual(written);
    for (const repository of manifest.repositories) {
      expect(repository.files).toEqual([...repository.files].sort());
      expect(repository.identities.map((i: any) => i.id)).toEqual(repository.identities.map((i: any) => i.id).sort());
    }
  });

  test('GIVEN the inventory WHEN compared THEN the manifest names exactly the identities trusted by a CI issuer and not revoked, by their inventory ids', () => {
    const inventory = JSON.parse(fs.readFileSync(path.join(outdir, 'inventory.json'), 'utf8'));
    // A revoked identity (examples/platform/incident.ts) has no repository side: its pipeline must not log in.
    expect(inventory.identities.filter((record: any) => record.revoked !== null).map((record: any) => record.id).sort()).toEqual([
      'aws:role:nightly-export', 'azure:user-assigned-identity:rg-data-identity/nightly-export',
      'gcp:service-account:nightly-export@acme-data-prod.iam.gserviceaccount.com', 'gcp:workload-identity-provider:acme-data-prod/ci-github/nightly-export',
    ]);
    const ciIdentities = inventory.identities
      .filter((record: any) => record.revoked === null)
      .filter((record: any) => (record.trustedSubjects ?? []).some((s: any) => CI_ISSUERS.includes(s.issuer) || /\/ci-gitlab$/.test(s.issuer ?? '')))
      .map((record: any) => record.id).sort();
    const listed = manifest.repositories.flatMap((r: any) => r.identities.map((i: any) => i.id)).sort();
    expect(listed).toEqual(ciIdentities);
    expect(listed).toHaveLength(15);
  });

  test('GIVEN payments-api and payments-release WHEN their templates are read THEN the default for the one, job_workflow_ref in the subject for the other', () => {
    expect(fs.readFileSync(path.join(outdir, 'ci/github/acme/payments-api/oidc-subject-template.json'), 'utf8')).toBe('{\n  "use_default": true\n}\n');
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'ci/github/acme/payments-release/oidc-subject-template.json'), 'utf8'))).toEqual({
      use_default: false, include_claim_keys: ['repository_owner_id', 'repository_id', 'context', 'job_workflow_ref'],
    });
  });

  test('GIVEN the Azure publisher\'s workflow WHEN read THEN it names the ClientId output its stack synthesizes', () => {
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'terraform/stacks/platform-publish-azure/cdk.tf.json'), 'utf8'));
    const output = Object.keys(tf.output).find((name) => name.startsWith('Image_Trust_ClientId_'));
    expect(output).toBeDefined();
    expect(fs.readFileSync(path.join(outdir, 'ci/github/acme/payments-release/workflows/azure-payments-api-image.yml'), 'utf8'))
      .toContain(`\`terraform output -raw ${output}\` in the stack platform-publish-azure`);
  });
});
