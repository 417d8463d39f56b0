import { SourceCase } from './arbitraries';
import { GitHubActions, GitLabCi } from '../../src/core';

/** The CI source of a generated declaration, its props materialized in the case's stack. */
export function sourceOf(source: SourceCase, m: <T>(v: T) => any): GitHubActions | GitLabCi {
  const props = m(source.props);
  return source.platform === 'github' ? GitHubActions.repository(props) : GitLabCi.project(props);
}
