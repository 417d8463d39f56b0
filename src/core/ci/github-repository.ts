import type { GitHubActionsProps, GitHubSubjectFormat } from './github';
import { checkIssuerUrl } from './issuer';
import { CiResolveOptions } from './policy';
import { WILDCARD_CHARS } from './refs';
import { checkNumericId } from './values';
import { fail, quote, ValidationContext } from '../errors';
import { checkBooleanProp } from '../props';

/**
 * The repository a GitHub trust names, and how its tokens name it: owner and repository exactly, their numeric ids,
 * the subject form they emit, and the issuer (github.com or a unique enterprise issuer).
 */

/** The issuer of GitHub Actions OIDC tokens on github.com. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
/** Where GitHub documents its OIDC tokens. */
export const GITHUB_OIDC_DOCS = 'https://docs.github.com/en/actions/reference/security/oidc';

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const ENTERPRISE_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,60}[a-z0-9])?$/;
const FORMATS: readonly GitHubSubjectFormat[] = ['name-based', 'immutable', 'both'];

/** The repository, validated. */
export interface GitHubRepository {
  readonly owner: string;
  readonly repository: string;
  /** Numeric owner id, when declared (with `repositoryId`). */
  readonly ownerId?: string;
  /** Numeric repository id, when declared (with `ownerId`). */
  readonly repositoryId?: string;
  /** The subject form the repository emits. */
  readonly format: GitHubSubjectFormat;
}

/**
 * Validates the owner and repository (exact names, no wildcards), their ids (both or neither), the subject form, and
 * the tier 1 requirement of ids (unless `allowNameOnlyPinning`).
 */
export function resolveGitHubRepository(
  props: GitHubActionsProps, ctx: ValidationContext, prop: string, options: CiResolveOptions,
): GitHubRepository {
  const p = (name: string) => `${prop}.${name}`;
  const { owner, repository } = props;
  for (const [name, value, rule, example] of [
    ['owner', owner, OWNER, 'acme'], ['repository', repository, REPOSITORY, 'payments-api'],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      fail({ code: 'KL-GH-MISSING', path: ctx.path, prop: p(name), problem: 'is missing', fix: `name the exact GitHub ${name}, e.g. "${example}"` });
    }
    if (WILDCARD_CHARS.test(value)) {
      fail({
        code: 'KL-GH-WILDCARD',
        path: ctx.path,
        prop: p(name),
        problem: `is ${quote(value)}: wildcards are not allowed in the ${name} (in an AWS StringLike a \`*\` also matches \`/\` and \`:\`, so it would admit other ${name === 'owner' ? 'organizations' : 'repositories'})`,
        fix: `name the exact ${name}, e.g. "${example}"; trust each repository with its own declaration`,
        docs: GITHUB_OIDC_DOCS,
      });
    }
    if (!rule.test(value)) {
      fail({
        code: 'KL-GH-NAME',
        path: ctx.path,
        prop: p(name),
        problem: name === 'owner'
          ? `is ${quote(value)}: a GitHub owner is 1–39 letters, digits or single \`-\`, not starting or ending with \`-\``
          : `is ${quote(value)}: a GitHub repository name is 1–100 letters, digits, \`.\`, \`_\` or \`-\` (give the owner separately)`,
        fix: `use the exact ${name} from the repository URL, e.g. "${example}"`,
      });
    }
  }
  if (repository === '.' || repository === '..') {
    fail({ code: 'KL-GH-NAME', path: ctx.path, prop: p('repository'), problem: `is ${quote(repository)}, which is not a repository name`, fix: 'use the exact repository name' });
  }

  const ownerId = props.ownerId === undefined ? undefined : checkNumericId(props.ownerId, ctx, p('ownerId'), 'GitHub owner id');
  const repositoryId = props.repositoryId === undefined ? undefined : checkNumericId(props.repositoryId, ctx, p('repositoryId'), 'GitHub repository id');
  if ((ownerId === undefined) !== (repositoryId === undefined)) {
    fail({
      code: 'KL-GH-IDS-PAIR',
      path: ctx.path,
      prop: p(ownerId === undefined ? 'ownerId' : 'repositoryId'),
      problem: 'is missing while its pair is given: the owner id and the repository id pin the repository together',
      fix: 'give both `ownerId` and `repositoryId` (GET /repos/OWNER/REPO returns `owner.id` and `id`), or neither',
    });
  }
  const format = resolveSubjectFormat(props.subjectFormat, ownerId !== undefined, ctx, p('subjectFormat'));
  const allowNameOnly = checkBooleanProp(props.allowNameOnlyPinning, ctx, p('allowNameOnlyPinning'), 'set it to true only if the repository ids cannot be looked up');
  if (ownerId === undefined && options.tier === 1 && !allowNameOnly) {
    fail({
      code: 'KL-GH-TIER1-IDS',
      path: ctx.path,
      prop: p('repositoryId'),
      problem: `is missing for a tier 1 identity: pinned by name only, ${owner}/${repository} deleted and re-created under the same name (or its owner renamed and the name re-registered) would get the identity`,
      fix: 'give `ownerId` and `repositoryId` (`owner.id` and `id` of GET /repos/OWNER/REPO) and the `subjectFormat` the repository emits, or set `allowNameOnlyPinning: true` to accept the name-reuse risk',
      docs: GITHUB_OIDC_DOCS,
    });
  }
  if (allowNameOnly && ownerId !== undefined) {
    fail({ code: 'KL-GH-IDS-OPT-OUT', path: ctx.path, prop: p('allowNameOnlyPinning'), problem: 'is true but the ids are given, which pin the repository', fix: 'remove `allowNameOnlyPinning`' });
  }
  return { owner, repository, ownerId, repositoryId, format };
}

function resolveSubjectFormat(value: unknown, idsGiven: boolean, ctx: ValidationContext, prop: string): GitHubSubjectFormat {
  if (value === 'default') {
    fail({
      code: 'KL-GH-FORMAT',
      path: ctx.path,
      prop,
      problem: 'is "default", which no longer names one form: since 2026-06-18 the default subject of new, renamed and transferred repositories is the immutable form',
      fix: 'write "name-based" for `repo:OWNER/REPO:…`, "immutable" for `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, or "both" during a migration',
      docs: GITHUB_OIDC_DOCS,
    });
  }
  if (value !== undefined && !FORMATS.includes(value as GitHubSubjectFormat)) {
    fail({ code: 'KL-GH-FORMAT', path: ctx.path, prop, problem: `is ${quote(value)}: expected "name-based", "immutable" or "both"`, fix: 'use the form the repository emits (the `sub` of a real run shows it)' });
  }
  if (value === undefined) {
    if (idsGiven) {
      fail({
        code: 'KL-GH-FORMAT-UNDECLARED',
        path: ctx.path,
        prop,
        problem: 'is missing: with the ids given, say which form of `sub` the repository emits (a trust for the wrong form denies every run, and Keyless does not guess it from the creation date)',
        fix: 'set "immutable" (`repo:OWNER@OWNER_ID/REPO@REPO_ID:…`: repositories created, renamed or transferred since 2026-06-18, or opted in), "name-based" (`repo:OWNER/REPO:…`) or "both" while the repository switches',
        docs: GITHUB_OIDC_DOCS,
      });
    }
    return 'name-based';
  }
  if (value !== 'name-based' && !idsGiven) {
    fail({
      code: 'KL-GH-IMMUTABLE-IDS',
      path: ctx.path,
      prop,
      problem: `is "${value}" but \`ownerId\` and \`repositoryId\` are not given: the immutable subject \`repo:OWNER@OWNER_ID/REPO@REPO_ID:…\` needs both ids, and they are never wildcarded`,
      fix: 'give `ownerId` and `repositoryId`',
      docs: GITHUB_OIDC_DOCS,
    });
  }
  return value as GitHubSubjectFormat;
}

/** The issuer: github.com, or the unique issuer of `enterpriseSlug`; a stated `issuerUrl` must be that one. */
export function resolveGitHubIssuer(props: GitHubActionsProps, ctx: ValidationContext, prop: string): string {
  let expected = GITHUB_ISSUER;
  if (props.enterpriseSlug !== undefined) {
    if (typeof props.enterpriseSlug !== 'string' || !ENTERPRISE_SLUG.test(props.enterpriseSlug)) {
      fail({
        code: 'KL-GH-ENTERPRISE',
        path: ctx.path,
        prop: `${prop}.enterpriseSlug`,
        problem: `is ${quote(props.enterpriseSlug)}: an enterprise slug is lowercase letters, digits and \`-\` (no wildcards, \`/\` or \`.\`)`,
        fix: 'copy the slug from the enterprise URL, https://github.com/enterprises/SLUG',
        docs: GITHUB_OIDC_DOCS,
      });
    }
    expected = `${GITHUB_ISSUER}/${props.enterpriseSlug}`;
  }
  if (props.issuerUrl !== undefined) {
    const given = checkIssuerUrl(props.issuerUrl, ctx, `${prop}.issuerUrl`, expected);
    if (given !== expected) {
      fail({
        code: 'KL-GH-ISSUER-UNKNOWN',
        path: ctx.path,
        prop: `${prop}.issuerUrl`,
        problem: `is ${quote(given)}, which is not a GitHub Actions issuer: tokens are issued by "${GITHUB_ISSUER}" or, with a unique enterprise issuer, "${GITHUB_ISSUER}/<enterpriseSlug>"`,
        fix: props.enterpriseSlug === undefined && given.startsWith(`${GITHUB_ISSUER}/`)
          ? `set \`enterpriseSlug: "${given.slice(GITHUB_ISSUER.length + 1)}"\` instead of \`issuerUrl\``
          : `remove \`issuerUrl\` (Keyless derives "${expected}")`,
        docs: GITHUB_OIDC_DOCS,
      });
    }
  }
  return expected;
}
