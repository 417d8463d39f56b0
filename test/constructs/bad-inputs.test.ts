import { BAD_INPUTS } from './bad-input-cases';
import { KeylessError } from '../../src';

/** The exact message each bad input gets: construct path, backticked prop, bad value, limit, fix. */
const EXPECTED: Record<string, string> = {
  'GitHub owner with a wildcard':
    '[KL-GH-WILDCARD] Platform/Trust: `source.owner` is "acme*": wildcards are not allowed in the owner (in an AWS StringLike a `*` also matches `/` and `:`, so it would admit other organizations). Fix: name the exact owner, e.g. "acme"; trust each repository with its own declaration. See https://docs.github.com/en/actions/reference/security/oidc',
  'GitHub owner that is only a wildcard':
    '[KL-GH-WILDCARD] Platform/Trust: `source.owner` is "*": wildcards are not allowed in the owner (in an AWS StringLike a `*` also matches `/` and `:`, so it would admit other organizations). Fix: name the exact owner, e.g. "acme"; trust each repository with its own declaration. See https://docs.github.com/en/actions/reference/security/oidc',
  'GitHub repository with a wildcard':
    '[KL-GH-WILDCARD] Platform/Trust: `source.repository` is "payments-*": wildcards are not allowed in the repository (in an AWS StringLike a `*` also matches `/` and `:`, so it would admit other repositories). Fix: name the exact repository, e.g. "payments-api"; trust each repository with its own declaration. See https://docs.github.com/en/actions/reference/security/oidc',
  'GitHub owner given as owner/repository':
    '[KL-GH-NAME] Platform/Trust: `source.owner` is "acme/payments-api": a GitHub owner is 1–39 letters, digits or single `-`, not starting or ending with `-`. Fix: use the exact owner from the repository URL, e.g. "acme".',
  'GitHub repository with a space':
    '[KL-GH-NAME] Platform/Trust: `source.repository` is "payments api": a GitHub repository name is 1–100 letters, digits, `.`, `_` or `-` (give the owner separately). Fix: use the exact repository from the repository URL, e.g. "payments-api".',
  'GitHub owner missing':
    '[KL-GH-MISSING] Platform/Trust: `source.owner` is missing. Fix: name the exact GitHub owner, e.g. "acme".',
  'GitHub owner id that is not a number':
    '[KL-CI-ID] Platform/Trust: `source.ownerId` is "12ab": the GitHub owner id is a decimal number with no wildcard, given as a string. Fix: copy the numeric GitHub owner id exactly (e.g. from the API), as a string such as "123456".',
  'GitHub repository id without the owner id':
    '[KL-GH-IDS-PAIR] Platform/Trust: `source.ownerId` is missing while its pair is given: the owner id and the repository id pin the repository together. Fix: give both `ownerId` and `repositoryId` (GET /repos/OWNER/REPO returns `owner.id` and `id`), or neither.',
  'immutable subject form without ids':
    '[KL-GH-IMMUTABLE-IDS] Platform/Trust: `source.subjectFormat` is "immutable" but `ownerId` and `repositoryId` are not given: the immutable subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` needs both ids, and they are never wildcarded. Fix: give `ownerId` and `repositoryId`. See https://docs.github.com/en/actions/reference/security/oidc',
  'unknown subject format':
    '[KL-GH-FORMAT] Platform/Trust: `source.subjectFormat` is "legacy": expected "name-based", "immutable" or "both". Fix: use the form the repository emits (the `sub` of a real run shows it).',
  'subject format "default" (renamed)':
    '[KL-GH-FORMAT] Platform/Trust: `source.subjectFormat` is "default", which no longer names one form: since 2026-06-18 the default subject of new, renamed and transferred repositories is the immutable form. Fix: write "name-based" for `repo:OWNER/REPO:…`, "immutable" for `repo:OWNER@OWNER_ID/REPO@REPO_ID:…`, or "both" during a migration. See https://docs.github.com/en/actions/reference/security/oidc',
  'ids without a subject format':
    '[KL-GH-FORMAT-UNDECLARED] Platform/Trust: `source.subjectFormat` is missing: with the ids given, say which form of `sub` the repository emits (a trust for the wrong form denies every run, and Keyless does not guess it from the creation date). Fix: set "immutable" (`repo:OWNER@OWNER_ID/REPO@REPO_ID:…`: repositories created, renamed or transferred since 2026-06-18, or opted in), "name-based" (`repo:OWNER/REPO:…`) or "both" while the repository switches. See https://docs.github.com/en/actions/reference/security/oidc',
  'both subject forms without ids':
    '[KL-GH-IMMUTABLE-IDS] Platform/Trust: `source.subjectFormat` is "both" but `ownerId` and `repositoryId` are not given: the immutable subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` needs both ids, and they are never wildcarded. Fix: give `ownerId` and `repositoryId`. See https://docs.github.com/en/actions/reference/security/oidc',
  'tier 1 GitHub source pinned by name only':
    '[KL-GH-TIER1-IDS] Platform/Trust: `source.repositoryId` is missing for a tier 1 identity: pinned by name only, acme/payments-api deleted and re-created under the same name (or its owner renamed and the name re-registered) would get the identity. Fix: give `ownerId` and `repositoryId` (`owner.id` and `id` of GET /repos/OWNER/REPO) and the `subjectFormat` the repository emits, or set `allowNameOnlyPinning: true` to accept the name-reuse risk. See https://docs.github.com/en/actions/reference/security/oidc',
  'ids and the name-only opt-out together':
    '[KL-GH-IDS-OPT-OUT] Platform/Trust: `source.allowNameOnlyPinning` is true but the ids are given, which pin the repository. Fix: remove `allowNameOnlyPinning`.',
  'branch runs without environment opt-in without environments':
    '[KL-GH-ENV-OPT-IN] Platform/Trust: `source.allowBranchRunsWithoutEnvironment` is true but the source does not list both `environments` and refs (`branches`, `tags` or `tagPatterns`). Fix: remove `allowBranchRunsWithoutEnvironment`.',
  'environment jobs on branches with pull requests':
    '[KL-GH-ENV-PULL-REQUEST] Platform/Trust: `source.allowPullRequests` is true on a source whose environment jobs must run on the declared refs: a pull-request run is on `refs/pull/N/merge`, never on those refs. Fix: declare the pull-request trust as its own source (and identity, with read-only permissions).',
  'reusable workflow in the subject without the workflow':
    '[KL-GH-WORKFLOW-SUBJECT] Platform/Trust: `source.jobWorkflowRefInSubject` is true but no `jobWorkflowRef` is given. Fix: give the `jobWorkflowRef` to pin, or remove `jobWorkflowRefInSubject`.',
  'reusable workflow in the subject with both subject forms':
    "[KL-GH-WORKFLOW-BOTH] Platform/Trust: `source.subjectFormat` is \"both\", but with `jobWorkflowRefInSubject` the subject follows the repository's custom template, which is one template, not a migration between two forms. Fix: use \"immutable\" with the template `[\"repository_owner_id\",\"repository_id\",\"context\",\"job_workflow_ref\"]`, or \"name-based\" with `[\"repo\",\"context\",\"job_workflow_ref\"]`.",
  'AWS environment on branches with an enterprise issuer':
    "[KL-AWS-CLAIM-KEY] Platform/Trust: `source.branches` requires the `ref` claim (jobs in \"production\" must also run on refs/heads/main, and a token's `sub` names only the environment), but AWS STS exposes no `token.actions.githubusercontent.com/acme:ref` condition key for the issuer https://token.actions.githubusercontent.com/acme: it checks only `sub` and `aud` there. Fix: drop the refs and restrict the environment's deployment branches and tags in the repository settings, or set `allowBranchRunsWithoutEnvironment: true` to trust either (runs on the refs then skip the environment's protection rules). See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif",
  'AWS reusable workflow pin with an enterprise issuer':
    "[KL-AWS-CLAIM-KEY] Platform/Trust: `source.jobWorkflowRef` requires the `job_workflow_ref` claim (only runs of the reusable workflow acme/workflows/.github/workflows/release.yml@refs/heads/main are trusted), but AWS STS exposes no `token.actions.githubusercontent.com/acme:job_workflow_ref` condition key for the issuer https://token.actions.githubusercontent.com/acme: it checks only `sub` and `aud` there. Fix: set the repository's OIDC subject template to include `job_workflow_ref` and declare `jobWorkflowRefInSubject: true`, so that the subject pins the workflow. See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif",
  'Azure environment on branches':
    "[KL-AZ-CLAIM-UNCHECKABLE] platform/Trust: `source.branches` requires the `ref` claim (jobs in \"production\" must also run on refs/heads/main, and a token's `sub` names only the environment), but Azure federated credentials match only the issuer, audience and subject. Fix: drop the refs and restrict the environment's deployment branches and tags in the repository settings, or set `allowBranchRunsWithoutEnvironment: true` to trust either (runs on the refs then skip the environment's protection rules). See https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations",
  'Azure reusable workflow pin outside the subject':
    "[KL-AZ-CLAIM-UNCHECKABLE] platform/Trust: `source.jobWorkflowRef` requires the `job_workflow_ref` claim (only runs of the reusable workflow acme/workflows/.github/workflows/release.yml@refs/heads/main are trusted), but Azure federated credentials match only the issuer, audience and subject. Fix: set the repository's OIDC subject template to include `job_workflow_ref` and declare `jobWorkflowRefInSubject: true`, so that the subject pins the workflow. See https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations",
  'one owner spelled in two cases in one app':
    '[KL-CI-NAME-CONFLICT] Platform/Second: `source.owner` spells the owner "Acme", which Platform/Trust spells "acme" (GitHub names are case-insensitive but tokens carry one canonical case, and AWS and Azure compare subjects case-sensitively, so one of the two trusts never matches). Fix: spell it exactly as GitHub does in the `repository` claim of a real run, in every declaration.',
  'one repository id declared for two repositories in one app':
    '[KL-CI-NAME-CONFLICT] Platform/Second: `source.repositoryId` declares repository id 86301532 for "acme/payments-web", which Platform/Trust declares for "acme/payments-api" (a numeric id names one owner or repository for good). Fix: copy the ids from the API (`owner.id` and `id` of GET /repos/OWNER/REPO) into every declaration.',
  'GitHub source admitting no run':
    '[KL-CI-NO-SUBJECT] Platform/Trust: `source` admits no workflow run of acme/payments-api: no `branches`, `tags`, `tagPatterns`, `environments` or `allowPullRequests` is given. Fix: name the protected branch, tag or environment the pipeline runs from, e.g. `branches: ["main"]` or `environments: ["production"]`.',
  'branch with a wildcard':
    '[KL-CI-REF-WILDCARD] Platform/Trust: `source.branches[0]` is "release/*": wildcards are not allowed in an exact branch name. Fix: list each branch exactly; branch patterns are not supported because a `*` also matches `/` and `:` in a subject.',
  'fully qualified branch ref':
    '[KL-CI-REF-QUALIFIED] Platform/Trust: `source.branches[0]` is "refs/heads/main": give the short branch name; Keyless adds the `refs/heads/` prefix itself. Fix: use "main".',
  'branch name git refuses':
    '[KL-CI-REF-INVALID] Platform/Trust: `source.branches[0]` is "feature..x", which is not a valid git branch name (no spaces, `~ ^ : \\`, `..`, `//`, leading `-`, `/` or `.`, trailing `/`, `.` or `.lock`; at most 255 characters). Fix: use the branch name exactly as git shows it. See https://git-scm.com/docs/git-check-ref-format',
  'pull-request ref as a branch without the opt-in':
    '[KL-GH-PR-OPT-IN] Platform/Trust: `source.branches[0]` is "refs/pull/1/merge", a pull-request ref: pull-request runs execute unreviewed code and are never trusted through a branch. Fix: set `allowPullRequests: true` if this identity must really be usable from pull requests (and keep its permissions read-only). See https://docs.github.com/en/actions/reference/security/oidc',
  'tag with a wildcard in exact tags':
    '[KL-CI-REF-WILDCARD] Platform/Trust: `source.tags[0]` is "v*": wildcards are not allowed in an exact tag name. Fix: declare the pattern in `source.tagPatterns` (a literal prefix and one trailing `*`, e.g. "v*") so that it is rendered as an explicit, reviewed pattern.',
  'tag pattern with an inner wildcard':
    '[KL-CI-PATTERN-FORM] Platform/Trust: `source.tagPatterns[0]` is "v*-rc": a pattern is a literal prefix of at least one character followed by a single trailing `*` (no `?`, `[`, inner or bare `*`). Fix: write it as e.g. "v*" or "release-*"; list other refs exactly.',
  'tag pattern that admits every tag':
    '[KL-CI-PATTERN-FORM] Platform/Trust: `source.tagPatterns[0]` is "*": a pattern is a literal prefix of at least one character followed by a single trailing `*` (no `?`, `[`, inner or bare `*`). Fix: write it as e.g. "v*" or "release-*"; list other refs exactly.',
  'environment with a wildcard':
    '[KL-GH-ENVIRONMENT] Platform/Trust: `source.environments[0]` is "prod*": an environment is named exactly, 1–255 characters, with no `:`, wildcard (`* ? [ ]`), control or invisible formatting characters and no leading or trailing space (inner spaces are fine). Fix: use the environment name exactly as configured in the repository settings, e.g. "production" or "Production EU".',
  'environment with a leading space':
    '[KL-GH-ENVIRONMENT] Platform/Trust: `source.environments[0]` is " production": an environment is named exactly, 1–255 characters, with no `:`, wildcard (`* ? [ ]`), control or invisible formatting characters and no leading or trailing space (inner spaces are fine). Fix: use the environment name exactly as configured in the repository settings, e.g. "production" or "Production EU".',
  'environment with a colon':
    '[KL-GH-ENVIRONMENT] Platform/Trust: `source.environments[0]` is "prod:eu": an environment is named exactly, 1–255 characters, with no `:`, wildcard (`* ? [ ]`), control or invisible formatting characters and no leading or trailing space (inner spaces are fine). Fix: use the environment name exactly as configured in the repository settings, e.g. "production" or "Production EU".',
  'enterprise slug with capitals and a space':
    '[KL-GH-ENTERPRISE] Platform/Trust: `source.enterpriseSlug` is "Acme Corp": an enterprise slug is lowercase letters, digits and `-` (no wildcards, `/` or `.`). Fix: copy the slug from the enterprise URL, https://github.com/enterprises/SLUG. See https://docs.github.com/en/actions/reference/security/oidc',
  'look-alike GitHub issuer':
    '[KL-GH-ISSUER-UNKNOWN] Platform/Trust: `source.issuerUrl` is "https://token.actions.githubusercontent.com.evil.com", which is not a GitHub Actions issuer: tokens are issued by "https://token.actions.githubusercontent.com" or, with a unique enterprise issuer, "https://token.actions.githubusercontent.com/<enterpriseSlug>". Fix: remove `issuerUrl` (Keyless derives "https://token.actions.githubusercontent.com"). See https://docs.github.com/en/actions/reference/security/oidc',
  'GitHub issuer over http':
    "[KL-CI-ISSUER] Platform/Trust: `source.issuerUrl` is \"http://token.actions.githubusercontent.com\": an OIDC issuer must use https. Fix: give the exact issuer URL as it appears in the token's `iss` claim, e.g. \"https://token.actions.githubusercontent.com\".",
  'enterprise issuer URL without the slug prop':
    '[KL-GH-ISSUER-UNKNOWN] Platform/Trust: `source.issuerUrl` is "https://token.actions.githubusercontent.com/acme", which is not a GitHub Actions issuer: tokens are issued by "https://token.actions.githubusercontent.com" or, with a unique enterprise issuer, "https://token.actions.githubusercontent.com/<enterpriseSlug>". Fix: set `enterpriseSlug: "acme"` instead of `issuerUrl`. See https://docs.github.com/en/actions/reference/security/oidc',
  'reusable workflow ref in the wrong form':
    '[KL-GH-WORKFLOW-REF] Platform/Trust: `source.jobWorkflowRef` is "acme/workflows/release.yml": expected OWNER/REPO/.github/workflows/FILE.yml@refs/heads/BRANCH or …@refs/tags/TAG, exactly (no wildcards). Fix: copy the `job_workflow_ref` claim of a run of the reusable workflow, e.g. "acme/workflows/.github/workflows/release.yml@refs/heads/main". See https://docs.github.com/en/actions/reference/security/oidc',
  'reusable workflow in the subject with a tag pattern':
    '[KL-GH-PATTERN-WORKFLOW] Platform/Trust: `source.tagPatterns` cannot be combined with `jobWorkflowRefInSubject`: the workflow follows the tag in the subject, so a trailing `*` would match any workflow. Fix: list the release tags exactly in `tags`, or pin the workflow through the claim only (drop `jobWorkflowRefInSubject`).',
  'GitLab instance over http':
    "[KL-CI-ISSUER] Platform/Trust: `source.instanceUrl` is \"http://gitlab.example.com\": an OIDC issuer must use https. Fix: give the exact issuer URL as it appears in the token's `iss` claim, e.g. \"https://gitlab.com\".",
  'GitLab instance with a trailing slash':
    "[KL-CI-ISSUER] Platform/Trust: `source.instanceUrl` is \"https://gitlab.example.com/\": an issuer has no trailing slash (the `iss` claim must match it exactly). Fix: give the exact issuer URL as it appears in the token's `iss` claim, e.g. \"https://gitlab.com\".",
  'GitLab instance that is a GitHub URL':
    '[KL-GL-ISSUER-UNKNOWN] Platform/Trust: `source.instanceUrl` is "https://github.com", a GitHub URL, not a GitLab instance. Fix: use `GitHubActions.repository(…)` for GitHub, or the URL of the GitLab instance.',
  'GitLab instance with a wildcard':
    "[KL-CI-ISSUER] Platform/Trust: `source.instanceUrl` is \"https://*.example.com\": wildcards are not allowed in an issuer. Fix: give the exact issuer URL as it appears in the token's `iss` claim, e.g. \"https://gitlab.com\".",
  'GitLab project path with a wildcard':
    "[KL-GL-WILDCARD] Platform/Trust: `source.projectPath` is \"acme/*\": wildcards are not allowed in a project path (a `*` would admit other groups' or projects' pipelines). Fix: name the exact project path; trust each project with its own declaration. See https://docs.gitlab.com/ci/secrets/id_token_authentication/",
  'GitLab project path without a group':
    '[KL-GL-PATH] Platform/Trust: `source.projectPath` is "ledger": a project path is GROUP[/SUBGROUP…]/PROJECT, each part letters, digits, `_`, `-` or `.` (not starting with `-` or `.`). Fix: copy the path from the project URL, e.g. "acme/payments/api".',
  'GitLab namespace id without the project id':
    '[KL-GL-IDS-PAIR] Platform/Trust: `source.projectId` is missing while its pair is given: the namespace id and the project id pin the project together. Fix: give both `namespaceId` and `projectId` (shown on the project and group overview pages), or neither.',
  'GitLab source admitting no pipeline':
    '[KL-CI-NO-SUBJECT] Platform/Trust: `source` admits no pipeline of acme/finance/ledger: no `branches`, `tags` or `tagPatterns` is given. Fix: name the protected branch or tag the pipeline runs from, e.g. `branches: ["main"]`.',
  'ownership missing':
    '[KL-OWN-MISSING] Platform/Trust: `ownership` is missing. Fix: declare `ownership: { owner, purpose, environment, tier, reviewBy }`: every identity has an owner, a purpose and a review date.',
  'ownership owner missing':
    '[KL-OWN-MISSING] Platform/Trust: `ownership.owner` is missing. Fix: declare `ownership: { owner, purpose, environment, tier, reviewBy }`: every identity has an owner, a purpose and a review date.',
  'owner with a wildcard':
    '[KL-OWN-OWNER] Platform/Trust: `ownership.owner` is "team-*": an owner is a team slug or an email address of at most 64 characters (letters, digits and `. _ @ + -`), with no wildcards or spaces. Fix: name the owning team, e.g. "team-payments" or "payments@example.com".',
  'risk tier 4':
    '[KL-OWN-TIER] Platform/Trust: `ownership.tier` is 4: the risk tier is 1 (most sensitive), 2 or 3. Fix: use 1 for production write, publishing or privileged access, 2 for other production access, 3 for non-production.',
  'review-by date in the past':
    '[KL-OWN-REVIEW-BY-PAST] Platform/Trust: `ownership.reviewBy` is "2026-01-31", which is in the past (today is 2026-11-22): the identity is overdue for review. Fix: review whether the identity is still needed and still owned by its owner, then set the next review-by date, or delete the identity.',
  'review-by date that does not exist':
    '[KL-OWN-REVIEW-BY-FORMAT] Platform/Trust: `ownership.reviewBy` is "2027-02-30": a review-by date is a calendar date written as YYYY-MM-DD. Fix: give a date such as "2027-02-20".',
  'review-by date beyond the tier horizon':
    '[KL-OWN-REVIEW-BY-HORIZON] Platform/Trust: `ownership.reviewBy` is "2099-12-31", more than 180 days ahead (the tier 1 review horizon; today is 2026-11-22). Fix: set a review-by date on or before 2027-05-21.',
  'environment with capitals':
    '[KL-OWN-ENVIRONMENT] Platform/Trust: `ownership.environment` is "Production": an environment is 1–24 lowercase letters, digits and `-`, starting with a letter. Fix: use a name such as "production" or "staging".',
  'purpose with a comma':
    '[KL-OWN-PURPOSE] Platform/Trust: `ownership.purpose` is "deploy, then migrate": a purpose is 3–100 characters of letters, digits, spaces and `_ . : / = + - @` (the AWS tag value character set). Fix: say in a few words why the identity exists, e.g. "publish payments-api images".',
  'identity name with capitals':
    '[KL-NAME] Platform/Trust: `name` is "PaymentsDeploy": an identity name is 6–30 lowercase letters, digits and single `-`, starting with a letter, not ending with `-` and not starting with the reserved `gcp-` (the strictest provider rule, GCP service account and workload identity pool ids). Fix: use a short kebab-case name such as "payments-release"; per-provider names can be overridden individually. See https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create',
  'identity name with the reserved gcp- prefix':
    '[KL-NAME] Platform/Trust: `name` is "gcp-deployer": an identity name is 6–30 lowercase letters, digits and single `-`, starting with a letter, not ending with `-` and not starting with the reserved `gcp-` (the strictest provider rule, GCP service account and workload identity pool ids). Fix: use a short kebab-case name such as "payments-release"; per-provider names can be overridden individually. See https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create',
  'AWS role name over 64 characters':
    '[KL-AWS-ROLE-NAME] Platform/Trust: `roleName` is "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr": an IAM role name is 1–64 characters of letters, digits and `+ = , . @ _ -`. Fix: shorten or rename it. See https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html',
  'AWS session over the tier maximum':
    '[KL-SESSION-OVER-TIER] Platform/Trust: `maxSessionDuration` is 7200 seconds, over the tier 1 maximum of 3600 seconds. Fix: ask for at most 3600 seconds, or declare the identity in a lower-risk tier if that is really what it is.',
  'AWS session under the IAM minimum':
    "[KL-AWS-SESSION-BOUNDS] Platform/Trust: `maxSessionDuration` is 1800 seconds, outside the AWS IAM MaxSessionDuration range of 3600–43200 seconds. Fix: give a value between 3600 and 43200 seconds (a role session can be shortened further by the caller's DurationSeconds). See https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
  'AWS audience with a wildcard':
    '[KL-AWS-AUDIENCE] Platform/Trust: `audience` is "sts.*": an audience is an exact, non-empty value of at most 255 characters with no wildcards or spaces. Fix: use "sts.amazonaws.com" (what aws-actions/configure-aws-credentials requests) or the exact `aud` your CI job sets.',
  'CI source missing':
    '[KL-CI-SOURCE-MISSING] Platform/Trust: `source` is undefined: a CI source is required. Fix: give the CI source, e.g. `GitHubActions.repository({ owner: "acme", repository: "app", branches: ["main"] })`.',
  'AWS trust policy over the IAM size quota':
    "[KL-AWS-TRUST-SIZE] Platform/Trust: `source` renders a trust policy of about 2317 characters, over IAM's 2048-character limit for role trust policies (41 subjects, 1 statement). Fix: split the refs over several CiOidcTrust declarations (one per release stream or environment), which also keeps each role narrower. See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
  'GCP project number given as the project id':
    '[KL-GCP-PROJECT-NUMBER] platform/Trust: `projectNumber` is "acme-payments-prod": a project number is decimal digits (workload identity members name the project by number, not by id). Fix: run `gcloud projects describe PROJECT_ID --format="value(projectNumber)"` and give the result as a string.',
  'GCP project id with capitals':
    '[KL-GCP-PROJECT-ID] platform/Trust: `project` is "Acme-Payments": a project id is 6–30 lowercase letters, digits and `-`, starting with a letter. Fix: give the project id (not its display name or number).',
  'GCP pool id over 32 characters':
    '[KL-GCP-POOL-ID] platform/Trust: `poolId` is "ppppppppppppppppppppppppppppppppp": a workload identity pool or provider id is 4–32 characters of lowercase letters, digits and `-`, and the `gcp-` prefix is reserved. Fix: use a shorter lowercase id such as "ci-github". See https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create',
  'GCP provider id with the reserved gcp- prefix':
    '[KL-GCP-POOL-ID] platform/Trust: `providerId` is "gcp-github": a workload identity pool or provider id is 4–32 characters of lowercase letters, digits and `-`, and the `gcp-` prefix is reserved. Fix: use a shorter lowercase id such as "ci-github". See https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create',
  'GCP service account id with direct access':
    '[KL-GCP-SA-WITHOUT-IMPERSONATION] platform/Trust: `serviceAccountId` is "payments-sa" but `access` is "direct", which creates no service account. Fix: set `access: "impersonation"` or remove `serviceAccountId`.',
  'GCP unknown access mode':
    '[KL-GCP-ACCESS] platform/Trust: `access` is "keys": expected "direct" or "impersonation". Fix: use "direct" unless the service needs a service account.',
  'GCP subject over 127 bytes':
    '[KL-GCP-SUBJECT-LENGTH] platform/Trust: `source` yields the subject "repo:acme/payments-api:environment:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee" of 135 bytes, over the 127-byte limit of `google.subject`: GCP would reject every such token. Fix: shorten the branch, tag or environment name, or drop the `jobWorkflowRef` pin (which lengthens the subject) for GCP. See https://cloud.google.com/iam/docs/workload-identity-federation#mapping',
  'Azure with more than 20 subjects':
    '[KL-AZ-TOO-MANY] platform/Trust: `source` admits 22 subjects, over the limit of 20 federated credentials per user-assigned identity. Fix: split the refs over several CiOidcTrust declarations of at most 20 subjects each. See https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations',
  'Azure with a tag pattern':
    '[KL-AZ-PATTERN] platform/Trust: `source.tagPatterns` declares "repo:acme/payments-api:ref:refs/tags/v*": Azure federated credentials on a managed identity match the subject exactly and support no wildcards. Fix: list the tags exactly in `tags` for Azure (each becomes one federated credential). See https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations',
  'Azure location written as a display name':
    '[KL-AZ-LOCATION] platform/Trust: `location` is "West Europe": an Azure region name is lowercase letters and digits. Fix: use the region name, e.g. "westeurope" (see `az account list-locations -o table`).',
  'Azure resource group ending with a dot':
    '[KL-AZ-RESOURCE-GROUP] platform/Trust: `resourceGroupName` is "rg-identity.": a resource group name is 1–90 letters, digits, `_ - . ( )`, not ending with `.`. Fix: give the name of an existing resource group.',
  'Azure identity name with a space':
    '[KL-AZ-IDENTITY-NAME] platform/Trust: `identityName` is "payments deploy": a user-assigned identity name is 3–128 letters, digits, `-` and `_`, starting with a letter or digit. Fix: use a name such as "payments-release". See https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftmanagedidentity',
  'Azure role assignment at a wildcard scope':
    '[KL-AZ-SCOPE] platform/Trust/Push: `scope` is "/subscriptions/*": a scope is a resource id starting with `/` (no wildcards). Fix: give the narrowest resource id that works, e.g. the registry or storage account id.',
  'Azure role assignment with two role definitions':
    '[KL-AZ-ROLE] platform/Trust/Push: `roleDefinitionName` and `roleDefinitionId` are both given or both missing. Fix: give exactly one of them.',
  'service account namespace over 63 characters':
    '[KL-K8S-NAMESPACE] Platform/Workload: `serviceAccount.namespace` is "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" (64 characters): a namespace is a DNS-1123 label, at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit. Fix: use the namespace name exactly as in the cluster, e.g. "payments". See https://kubernetes.io/docs/concepts/overview/working-with-objects/names/',
  'service account name with capitals':
    '[KL-K8S-SA-NAME] Platform/Workload: `serviceAccount.name` is "PaymentsApi": a service account name is a DNS-1123 subdomain, at most 253 lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit. Fix: name the service account after the workload, e.g. "payments-api". See https://kubernetes.io/docs/concepts/overview/working-with-objects/names/',
  'namespace with an underscore':
    '[KL-K8S-NAMESPACE] Platform/Workload: `serviceAccount.namespace` is "pay_ments": a namespace is a DNS-1123 label, at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit. Fix: use the namespace name exactly as in the cluster, e.g. "payments". See https://kubernetes.io/docs/concepts/overview/working-with-objects/names/',
  'the default service account':
    '[KL-K8S-DEFAULT-SA] Platform/Workload: `serviceAccount.name` is "default": every pod of the namespace that names no service account runs as it, so a cloud identity bound to it is shared by all of them (CKV_K8S_41/42). Fix: create a dedicated service account for the workload (WorkloadServiceAccount) and bind the identity to it.',
  'a control-plane namespace':
    "[KL-K8S-SYSTEM-NAMESPACE] Platform/Workload: `serviceAccount.namespace` is \"kube-system\", a control-plane namespace: application identities do not belong there. Fix: bind the identity to the workload's own namespace.",
  'service account missing':
    "[KL-K8S-SA-MISSING] Platform/Workload: `serviceAccount` is missing. Fix: name the workload's own service account: `{ namespace: \"payments\", name: \"payments-api\" }`.",
  'EKS Pod Identity on Fargate':
    '[KL-AWS-POD-IDENTITY-FARGATE] Platform/Workload: `eks.fargate` is true: EKS Pod Identity is not available to pods on Fargate. Fix: use `eks: { kind: "irsa", issuerUrl }` for Fargate workloads. See https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html#pod-id-considerations',
  'EKS cluster name with a space':
    '[KL-AWS-EKS-CLUSTER-NAME] Platform/Workload: `eks.clusterName` is "prod eu": an EKS cluster name is 1–100 letters, digits, `-` and `_`, starting with a letter or digit. Fix: give the cluster name exactly.',
  'EKS binding missing':
    '[KL-AWS-EKS-BINDING] Platform/Workload: `eks` is undefined: expected `{ kind: "irsa", issuerUrl }` or `{ kind: "pod-identity", clusterName }`. Fix: choose Pod Identity for EC2 node groups, IRSA for Fargate or clusters without the Pod Identity Agent.',
  'IRSA issuer over http':
    "[KL-CI-ISSUER] Platform/Workload: `eks.issuerUrl` is \"http://oidc.eks.eu-west-1.amazonaws.com/id/5C2E\": an OIDC issuer must use https. Fix: give the exact issuer URL as it appears in the token's `iss` claim, e.g. \"https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE\".",
  'IRSA issuer given as a token':
    '[KL-AWS-IRSA-ISSUER-TOKEN] Platform/Workload: `eks.issuerUrl` is a token: the issuer becomes part of the trust condition keys, which Keyless pins literally so the synthesized trust can be reviewed. Fix: give the literal issuer URL from `aws eks describe-cluster --name CLUSTER --query cluster.identity.oidc.issuer`.',
  'role ARN annotation without a known account':
    '[KL-AWS-ACCOUNT-UNKNOWN] Platform/Workload: `env.account` of the stack is not known at synthesis, so the role ARN for the service account annotation cannot be written. Fix: give the stack an explicit `env: { account, region }`.',
  'two AWS identities for one service account':
    "[KL-WORKLOAD-SHARED] Platform/Second: `serviceAccount` binds a second AWS (IRSA) identity to system:serviceaccount:payments:payments-api of issuer https://oidc.eks.eu-west-1.amazonaws.com/id/5C2E9F0A7B8D4E1F9A3C6B0D2E4F8A1C, which Platform/Workload already trusts: one service account would then hold two identities, and its pods the permissions of both. Fix: give each deployable unit one service account and one identity; grant this identity's permissions to the existing one instead, or use another service account.",
  'GKE direct access without the project number':
    '[KL-GCP-PROJECT-NUMBER] platform/Workload: `projectNumber` is undefined: a project number is decimal digits (workload identity members name the project by number, not by id). Fix: run `gcloud projects describe PROJECT_ID --format="value(projectNumber)"` and give the result as a string.',
  'GKE Google service account id with direct access':
    '[KL-GCP-SA-WITHOUT-IMPERSONATION] platform/Workload: `serviceAccountId` is "payments-api-sa" but `access` is "direct", which creates no service account. Fix: set `access: "impersonation"` or remove `serviceAccountId`.',
  'GKE Google service account id too short':
    '[KL-GCP-SA-ID] platform/Workload: `serviceAccountId` is "api": a service account id is 6–30 lowercase letters, digits and `-`, starting with a letter and not ending with `-`. Fix: use an id such as "payments-release". See https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create',
  'AKS issuer with a query':
    "[KL-CI-ISSUER] platform/Workload: `clusterIssuerUrl` is \"https://westeurope.oic.prod-aks.azure.com/x/?tenant=1\": an issuer has no credentials, query or fragment. Fix: give the exact issuer URL as it appears in the token's `iss` claim, e.g. \"https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/\".",
  'Kubernetes service account bound to an identity of another service account':
    "[KL-K8S-WIRING] payments/Sa: `identity` is the GCP identity that trusts payments/payments-api, not this service account payments/payments-worker: the annotation would name an identity that refuses this service account's tokens. Fix: bind the identity declared for payments/payments-worker, or correct the namespace or name on one side.",
  'Azure client id that is not a GUID':
    '[KL-K8S-AZURE-CLIENT-ID] payments/Sa: `identity.clientId` is "${azurerm_user_assigned_identity.x.client_id}": the client id is a lowercase GUID, known only after the identity is applied. Fix: apply the Azure stack, then pass `terraform output -raw <ClientId output>`.',
  'one service account bound by two workloads':
    '[KL-K8S-SA-SHARED] payments/Sa: `workload` is payments/Other, but payments/payments-api already serves payments/Pod: two workloads on one service account share its cloud identity and permissions. Fix: give each workload its own WorkloadServiceAccount and cloud identity.',
  'workload in another namespace than its service account':
    '[KL-K8S-WORKLOAD-NAMESPACE] payments/Sa: `workload` is in namespace "billing", but the service account is in "payments": a pod can only use a service account of its own namespace. Fix: set `metadata.namespace: "payments"` on payments/Pod.',
  'binding an object without a pod template':
    '[KL-K8S-WORKLOAD-KIND] payments/Sa: `workload` is a Service: expected one of Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob. Fix: bind the object that owns the pod template.',
  'projected token shorter than the kubelet minimum':
    '[KL-K8S-TOKEN-EXPIRATION] payments/Sa: `tokenExpirationSeconds` is 300: a projected token lives between 600 seconds (the kubelet minimum) and 3600 seconds (the tier 1 maximum). Fix: give a whole number of seconds from 600 to 3600; the kubelet rotates the token at 80% of its lifetime. See https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken',
  'projected token longer than the tier allows':
    '[KL-K8S-TOKEN-EXPIRATION] payments/Sa: `tokenExpirationSeconds` is 86400: a projected token lives between 600 seconds (the kubelet minimum) and 3600 seconds (the tier 1 maximum). Fix: give a whole number of seconds from 600 to 3600; the kubelet rotates the token at 80% of its lifetime. See https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken',
  'projected token with a wildcard audience':
    '[KL-K8S-TOKEN-AUDIENCE] payments/Sa: `tokenAudience` is "*": an audience is an exact, non-empty value. Fix: give the audience the token is exchanged with, e.g. "sts.amazonaws.com".',
  'publisher trusting pull requests':
    '[KL-PUB-PULL-REQUEST] Platform/Publisher: `source.allowPullRequests` admits "repo:acme/payments-api:pull_request": a publisher never trusts pull requests (including fork pull requests), which run unreviewed code. Fix: remove `allowPullRequests`; publish from a protected branch, a release tag pattern or a protected environment.',
  'ECR repository ARN with a wildcard':
    '[KL-PUB-ECR-ARN] Platform/Publisher: `target.repositoryArn` is "arn:aws:ecr:eu-west-1:123456789012:repository/*": an ECR repository ARN is arn:aws:ecr:REGION:ACCOUNT:repository/NAME, with no wildcards. Fix: give the exact value, e.g. "arn:aws:ecr:eu-west-1:123456789012:repository/payments-api".',
  'S3 publish prefix that is empty':
    '[KL-PUB-S3-PREFIX] Platform/Publisher: `target.prefix` is "/": a publish prefix is non-empty, with no wildcards (`*`, `?`), quotes (`\'`, `\\`), control characters or leading `/`, no `//`, `.` or `..` segments, and at most 1000 bytes (an empty prefix would grant every object). Fix: give the folder the artifact is published to, e.g. "payments-api/releases".',
  'S3 publish prefix with a wildcard':
    '[KL-PUB-S3-PREFIX] Platform/Publisher: `target.prefix` is "payments-*": a publish prefix is non-empty, with no wildcards (`*`, `?`), quotes (`\'`, `\\`), control characters or leading `/`, no `//`, `.` or `..` segments, and at most 1000 bytes (an empty prefix would grant every object). Fix: give the folder the artifact is published to, e.g. "payments-api/releases".',
  'S3 bucket name with capitals':
    '[KL-PUB-S3-BUCKET] Platform/Publisher: `target.bucketName` is "Acme_Artifacts": a bucket name is 3–63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit. Fix: give the exact value, e.g. "acme-artifacts".',
  'KMS alias instead of a key ARN':
    '[KL-PUB-KMS-ARN] Platform/Publisher: `target.kmsKeyArn` is "arn:aws:kms:eu-west-1:123456789012:alias/artifacts": a KMS key ARN is arn:aws:kms:REGION:ACCOUNT:key/KEY_ID (a key, not an alias). Fix: give the exact value, e.g. "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".',
  'CodeArtifact package name with a wildcard':
    '[KL-PUB-CA-PACKAGE] Platform/Publisher: `target.packageName` is "*": a package name is letters, digits and `. _ ~ -`, with no wildcards. Fix: give the exact value, e.g. "payments-client".',
  'CodeArtifact unknown format':
    '[KL-PUB-CA-FORMAT] Platform/Publisher: `target.format` is "docker": expected one of cargo, generic, maven, npm, nuget, pypi, ruby, swift. Fix: give the package format.',
  'Cloud Storage publish prefix that is empty':
    '[KL-PUB-GCS-PREFIX] platform/Publisher: `target.prefix` is "": a publish prefix is non-empty, with no wildcards (`*`, `?`), quotes (`\'`, `\\`), control characters or leading `/`, no `//`, `.` or `..` segments, and at most 1000 bytes (an empty prefix would grant every object). Fix: give the folder the artifact is published to, e.g. "payments-api/releases".',
  'Artifact Registry repository with a wildcard':
    '[KL-PUB-AR-REPOSITORY] platform/Publisher: `target.repository` is "pay*": a repository id is lowercase letters, digits and `-`, starting with a letter (no wildcards). Fix: give the repository id exactly.',
  'container registry id of another resource type':
    '[KL-PUB-ACR-ID] platform/Publisher: `target.registryId` is "/subscriptions/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acme": a registry id is /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ContainerRegistry/registries/NAME, NAME 5–50 letters and digits. Fix: give the exact value, e.g. "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acmeregistry".',
  'blob publish prefix with a wildcard':
    '[KL-PUB-BLOB-PREFIX] platform/Publisher: `target.prefix` is "api/*": a blob path prefix is non-empty, with no wildcards (`*`, `?`), quotes (`\'`, `\\`), control characters or leading `/`, no `//`, `.` or `..` segments, and at most 1000 bytes (an empty prefix would grant every object). Fix: give the folder the artifact is published to, e.g. "payments-api/releases", or omit it to grant the whole container.',
  'break-glass that has expired':
    '[KL-BG-EXPIRED] Platform/BreakGlass: `expires` is "2026-11-01", which has passed (today is 2026-11-22): this break-glass access has expired. Fix: remove the break-glass declaration, or, if the emergency is ongoing, get it re-approved and set a new expiry date.',
  'break-glass without an expiry':
    '[KL-BG-EXPIRY-MISSING] Platform/BreakGlass: `expires` is missing: break-glass access must expire by itself. Fix: give the date access ends, e.g. "2026-12-22" (at most 90 days ahead).',
  'break-glass expiring beyond 90 days':
    '[KL-BG-EXPIRY-HORIZON] Platform/BreakGlass: `expires` is "2027-06-30", 220 days ahead, beyond the 90-day bound on break-glass access. Fix: set an expiry on or before 2027-02-20, or raise `maxExpiryDays` explicitly with an approved reason.',
  'break-glass without named humans':
    '[KL-BG-NO-HUMANS] Platform/BreakGlass: `humans` is []: break-glass access is for named humans, and none is named. Fix: list each person: `{ principalArn: "arn:aws:iam::123456789012:user/alice", sourceIdentity: "alice" }`.',
  'break-glass for a whole account':
    "[KL-BG-PRINCIPAL] Platform/BreakGlass: `humans[0].principalArn` is \"arn:aws:iam::123456789012:root\": a break-glass principal is one IAM user or role ARN, exactly (never an account, `root`, a service or a wildcard). Fix: name the person's IAM user or sign-in role, e.g. \"arn:aws:iam::123456789012:user/alice\".",
  'break-glass for a wildcard principal':
    "[KL-BG-PRINCIPAL] Platform/BreakGlass: `humans[0].principalArn` is \"arn:aws:iam::123456789012:user/*\": a break-glass principal is one IAM user or role ARN, exactly (never an account, `root`, a service or a wildcard). Fix: name the person's IAM user or sign-in role, e.g. \"arn:aws:iam::123456789012:user/alice\".",
  'break-glass source identity with a space':
    "[KL-BG-SOURCE-IDENTITY] Platform/BreakGlass: `humans[0].sourceIdentity` is \"alice smith\": a source identity is 2–64 characters of letters, digits and `_ + = , . @ -`. Fix: use the person's user name, e.g. \"alice\". See https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html",
  'break-glass without permissions':
    '[KL-BG-NO-PERMISSIONS] Platform/BreakGlass: `statements` and `managedPolicies` are both empty: break-glass permissions are always explicit (there is no default administrator policy). Fix: grant what the emergency runbook needs, e.g. `statements: [new iam.PolicyStatement({ actions: ["eks:UpdateNodegroupConfig"], resources: [nodegroupArn] })]`.',
  'break-glass without an alarm':
    "[KL-BG-NO-ALARM] Platform/BreakGlass: `alarmTopic` is missing and no `alarmTargets` are given: every use of break-glass access must raise an alert. Fix: give the security team's SNS topic, e.g. `alarmTopic: sns.Topic.fromTopicArn(this, \"Alerts\", arn)`.",
  'break-glass in tier 2':
    '[KL-BG-TIER] Platform/BreakGlass: `ownership.tier` is 2: break-glass access is privileged and always tier 1. Fix: set `tier: 1`.',
  'break-glass MFA age over an hour':
    '[KL-BG-MFA-AGE] Platform/BreakGlass: `maxMfaAge` is 7200 seconds: the MFA age bound is 60 to 3600 seconds. Fix: keep the default of 900 seconds, so that the human authenticated with MFA within the last 15 minutes.',
  'GCP break-glass on a basic role':
    '[KL-BG-GCP-BASIC-ROLE] platform/BreakGlass: `role` is "roles/owner", a basic role: basic roles grant thousands of permissions across every service and cannot carry the IAM condition that makes the grant expire. Fix: use a predefined or custom role scoped to the service under repair, e.g. "roles/container.admin". See https://cloud.google.com/iam/docs/conditions-overview#limitations',
  'GCP break-glass for a service account':
    '[KL-BG-GCP-MEMBER] platform/BreakGlass: `members[0]` is "serviceAccount:ci@acme-payments-prod.iam.gserviceaccount.com": break-glass members are humans, `user:EMAIL` or `group:EMAIL` (never service accounts, workload principals, domains or allUsers). Fix: name the on-call group or the person, e.g. "group:sre-oncall@example.com".',
  'GCP break-glass approved by a requester':
    '[KL-BG-SELF-APPROVAL] platform/BreakGlass: `approvers` include "group:sre-oncall@example.com", who can also request: nobody approves their own break-glass. Fix: name approvers who are not requesters, e.g. the security on-call group.',
  'Azure break-glass with a short justification':
    '[KL-BG-JUSTIFICATION] platform/BreakGlass: `justification` is "fix": a justification of at least 10 characters is required. Fix: say why emergency access is needed, e.g. the incident id and what is being repaired.',
  'Azure break-glass for a principal name instead of an object id':
    '[KL-BG-AZ-PRINCIPAL] platform/BreakGlass: `principalId` is "sre-oncall": the principal is the object id (lowercase GUID) of a user or group. Fix: give the object id of the on-call group or the person (`az ad group show -g NAME --query id`).',
  'Azure break-glass that has expired':
    '[KL-BG-EXPIRED] platform/BreakGlass: `expires` is "2026-10-01", which has passed (today is 2026-11-22): this break-glass access has expired. Fix: remove the break-glass declaration, or, if the emergency is ongoing, get it re-approved and set a new expiry date.',
};

describe('bad input is refused at synthesis with a clear message', () => {
  test('every case has an expected message and there are at least 30 distinct ones', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(BAD_INPUTS).sort());
    expect(new Set(Object.values(EXPECTED)).size).toBeGreaterThanOrEqual(30);
  });

  test.each(Object.keys(BAD_INPUTS))('%s', (title) => {
    let thrown: unknown;
    try {
      BAD_INPUTS[title]();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KeylessError);
    expect((thrown as KeylessError).message).toBe(EXPECTED[title]);
  });
});
