import { CiTrustPolicy } from './ci/policy';
import { fail, ValidationContext } from './errors';

/**
 * Least-privilege publish permissions, decided once per target: the exact actions or roles and their scope
 * (the ECR, S3 and CodeArtifact actions in the IAM Service Authorization Reference). One file per cloud.
 */

export * from './publish-aws';
export * from './publish-gcp';
export * from './publish-azure';

/**
 * Publishers trust only protected refs: never pull requests. (Forks cannot obtain a token of the repository
 * outside pull requests, and fork pull requests carry the base repository's pull_request subject.)
 */
export function checkPublisherTrust(policy: CiTrustPolicy, ctx: ValidationContext, prop = 'source'): CiTrustPolicy {
  const pr = policy.exactSubjects.find((subject) => /:pull_request(:|$)/.test(subject));
  if (pr !== undefined) {
    fail({
      code: 'KL-PUB-PULL-REQUEST',
      path: ctx.path,
      prop: `${prop}.allowPullRequests`,
      problem: `admits "${pr}": a publisher never trusts pull requests (including fork pull requests), which run unreviewed code`,
      fix: 'remove `allowPullRequests`; publish from a protected branch, a release tag pattern or a protected environment',
    });
  }
  return policy;
}

/** A publisher's session: at most one hour, whatever the tier allows. */
export const PUBLISHER_MAX_SESSION_SECONDS = 3600;
