/**
 * The one decision of what a CI subject of one repository still admits (core/facts/ci-subject-breadth.ts), which
 * KL-G-FEDERATED-TRUST-UNPINNED and the inventory (`admits pull_request runs`) share.
 */
import { broadCiSubjects, ciSubjectRepository, subjectAdmitsPullRequest } from '../../src/core/facts/ci-subject-breadth';
import { makeSubject } from '../../src/inventory/entries';

describe('subjectAdmitsPullRequest', () => {
  test.each<[string, boolean]>([
    ['repo:acme/app:pull_request', true],
    ['repo:acme/app:ref:refs/heads/main', false],
    ['repo:acme/app:*', true],
    ['repo:acme/app:ref:*', true],
    ['repo:acme/app:*pull_request*', true],
    ['repo:acme/app:ref:refs/heads/*', false],
    ['repo:acme/app:ref:refs/tags/v*', false],
    ['repo:acme/app:environment:*', false],
  ])('%s: %s, and the inventory says the same', (sub, admits) => {
    expect(subjectAdmitsPullRequest(sub)).toBe(admits);
    expect(makeSubject({ kind: 'oidc', issuer: 'token.actions.githubusercontent.com', claims: { sub: [sub] }, source: 'f:r' }).pullRequest).toBe(admits);
  });
});

describe('broadCiSubjects', () => {
  test('GitHub (name-based and immutable prefixes) and GitLab', () => {
    expect(broadCiSubjects('repo:acme/app:ref:refs/heads/main')).toEqual([
      { subject: 'repo:acme/app:ref:refs/heads/*', admits: 'every branch' },
      { subject: 'repo:acme/app:environment:*', admits: 'every environment' },
    ]);
    expect(ciSubjectRepository('repo:acme@1342004/app@86301532:*')).toEqual({ ci: 'github', prefix: 'repo:acme@1342004/app@86301532:' });
    expect(broadCiSubjects('project_path:acme/ledger:*')).toEqual([{ subject: 'project_path:acme/ledger:ref_type:branch:ref:*', admits: 'every branch' }]);
  });

  test('a subject that pins no repository has none', () => {
    expect(broadCiSubjects('repo:acme/*')).toEqual([]);
    expect(broadCiSubjects('system:serviceaccount:payments:api')).toEqual([]);
  });
});
