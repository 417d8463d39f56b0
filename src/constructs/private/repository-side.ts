import * as fs from 'fs';
import * as path from 'path';
import type { IConstruct } from 'constructs';
import {
  CiRepositorySideIdentity, renderRepositorySide, REPOSITORY_SIDE_BRAND, REPOSITORY_SIDE_VERSION, RepositorySideManifest, RepositorySideRegistration,
} from '../../core/ci/repository-side';
import { fail } from '../../core/errors';

/**
 * Registers the repository side of a CI trust on its construct, under a registered symbol: `writeRepositorySide`
 * finds it whichever copy of the library declared the trust. `describe` runs when the writer does (after synthesis),
 * so that it sees the finished app.
 */
export function registerRepositorySide(scope: IConstruct, describe: () => CiRepositorySideIdentity): void {
  const registration: RepositorySideRegistration = { version: REPOSITORY_SIDE_VERSION, describe };
  Object.defineProperty(scope, REPOSITORY_SIDE_BRAND, { value: registration, enumerable: false, writable: false, configurable: false });
}

/** The identities registered in the trees of `scopes`, each construct once. */
export function collectRepositorySide(scopes: readonly IConstruct[]): CiRepositorySideIdentity[] {
  const seen = new Set<IConstruct>();
  const identities: CiRepositorySideIdentity[] = [];
  for (const scope of scopes) {
    for (const construct of scope.node.findAll()) {
      const registration = (construct as unknown as Record<symbol, RepositorySideRegistration | undefined>)[REPOSITORY_SIDE_BRAND];
      if (registration === undefined || seen.has(construct)) continue;
      seen.add(construct);
      if (registration.version !== REPOSITORY_SIDE_VERSION) {
        fail({
          code: 'KL-CI-REPO-VERSION',
          path: construct.node.path,
          prop: 'source',
          problem: `was declared with a copy of Keyless whose repository side is version ${registration.version}, and this writer reads version ${REPOSITORY_SIDE_VERSION}`,
          fix: 'use one version of @keyless/constructs in the app, or call the writer of the copy that declared the trust',
        });
      }
      identities.push(registration.describe());
    }
  }
  return identities;
}

/**
 * Writes the repository side of every CI trust declared in the trees of `scopes` (the apps, after they synthesized)
 * under `OUTDIR/ci/`, replacing what was there:
 *
 * - per GitHub repository, `ci/github/OWNER/REPO/`: the OIDC subject claim template the trusts expect
 *   (`oidc-subject-template.json`, the payload of `PUT /repos/{owner}/{repo}/actions/oidc/customization/sub`, and
 *   `oidc-subject-template.tf`, the integrations/github Terraform resource), one workflow per identity under
 *   `workflows/`, and a README with the subject form the repository must emit and an example `sub`;
 * - per GitLab project, `ci/gitlab/HOST/PATH/`: one `.gitlab-ci.yml` job per identity under `gitlab-ci/`, and a README;
 * - `ci/manifest.json`: every repository, its files (relative to `outdir`) and its identities (inventory ids).
 *
 * Framework-agnostic: it walks `node.findAll()` of each scope, so one call covers the CDK, cdktf and cdk8s apps.
 * Deterministic: the same apps give byte-identical files.
 *
 * @param scopes the apps (or any constructs) whose CI trusts to write, e.g. `[awsApp, terraformApp]`
 * @param outdir the synthesis output directory; the files go to `outdir/ci/`
 * @returns the manifest written to `outdir/ci/manifest.json`
 * @throws KeylessError when trusts of one repository need different subject templates, subject forms, issuers or
 *   spellings (a repository has one of each: one of the trusts would never match), naming both constructs
 */
export function writeRepositorySide(scopes: readonly IConstruct[], outdir: string): RepositorySideManifest {
  const { files, manifest } = renderRepositorySide(collectRepositorySide(scopes));
  const root = path.resolve(outdir, 'ci');
  fs.rmSync(root, { recursive: true, force: true });
  for (const [file, content] of files) {
    const target = path.resolve(outdir, file);
    // Repository names are validated, so no path leaves ci/; checked again where the file is written.
    if (!target.startsWith(`${root}${path.sep}`)) throw new Error(`keyless: refusing to write ${file} outside ${root}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return manifest;
}
