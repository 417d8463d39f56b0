/** The GitLab job a combination of a trust's values was written for (sources: see tokens.ts). */
import { Derived, Field, fieldOf, instantiateGlob, literalPrefix, readKeyedSubject, Wanted } from './derive-common';
import type { MutableClaims } from './tokens-common';
import type { GitLabRun } from './tokens-gitlab';
import { GITLAB_COM_ISSUER } from '../core/ci/gitlab';

// GitLab claims a configured subject may name (GitLab, "Token payload" and the projects API `ci_id_token_sub_claim_components`).
const GITLAB_SUBJECT_KEYS: ReadonlySet<string> = new Set([
  'project_path', 'ref_type', 'ref', 'project_id', 'namespace_id', 'namespace_path', 'job_project_path', 'job_project_id',
  'source_project_path', 'source_project_id', 'environment', 'user_id', 'user_login', 'pipeline_source', 'ref_protected',
]);

const DEFAULT_PROJECT = 'legit-group/legit-project';
const DEFAULT_NAMESPACE_ID = '300003';
const DEFAULT_PROJECT_ID = '400004';

/** The GitLab job of one combination of wanted values, or undefined when the subject is not a GitLab subject. */
export function deriveGitLab(issuer: string | undefined, wanted: ReadonlyMap<string, Wanted>): Derived | undefined {
  const claims = new Map<string, Wanted>();
  let subjectClaimKeys: string[] | undefined;
  let projectSpan: Field | undefined;
  const sub = wanted.get('sub');
  if (sub) {
    const keyed = readKeyedSubject(sub, GITLAB_SUBJECT_KEYS);
    if (!keyed || keyed.keys.length === 0) return undefined;
    for (const key of keyed.keys) claims.set(key, keyed.values.get(key)!);
    const last = keyed.keys[keyed.keys.length - 1];
    if (keyed.span && (last === 'project_path' || last === 'job_project_path') && /[*?]/.test(keyed.values.get(last)!.value)) {
      // `project_path:acme/*`: the glob swallows the project's end and the rest.
      claims.delete(last);
      const path = keyed.values.get(last)!.value;
      const prefix = literalPrefix(path);
      projectSpan = { value: prefix.endsWith('/') || prefix === '' ? `${prefix || 'legit-group/'}legit` : prefix, pinned: false };
    }
    const defaults = ['project_path', 'ref_type', 'ref'];
    subjectClaimKeys = keyed.span ? [...keyed.keys, ...defaults.filter((key) => !keyed.keys.includes(key))] : keyed.keys;
    if (subjectClaimKeys.join(':') === defaults.join(':')) subjectClaimKeys = undefined;
  }
  for (const [claim, value] of wanted) if (claim !== 'sub') claims.set(claim, value);
  let project: Field = projectSpan ?? { value: DEFAULT_PROJECT, pinned: false };
  let namespaceId: Field = { value: DEFAULT_NAMESPACE_ID, pinned: false };
  let projectId: Field = { value: DEFAULT_PROJECT_ID, pinned: false };
  let ref: Wanted | undefined;
  let refType: 'branch' | 'tag' | undefined;
  let aud: Field | undefined;
  let environment: string | undefined;
  let refProtected: boolean | undefined;
  let pipelineSource: string | undefined;
  let namespacePath: Field | undefined;
  const extra: MutableClaims = {};
  for (const [claim, value] of claims) {
    switch (claim) {
      case 'project_path': case 'job_project_path': project = fieldOf(value, 'name'); break;
      case 'namespace_path': case 'job_namespace_path': namespacePath = fieldOf(value, 'name'); break;
      case 'project_id': case 'job_project_id': projectId = fieldOf(value, 'id', DEFAULT_PROJECT_ID); break;
      case 'namespace_id': case 'job_namespace_id': namespaceId = fieldOf(value, 'id', DEFAULT_NAMESPACE_ID); break;
      case 'ref_type': refType = instantiateGlob(value.value).startsWith('tag') ? 'tag' : 'branch'; break;
      case 'ref': ref = value; break;
      case 'aud': aud = fieldOf(value, 'name'); break;
      case 'environment': environment = fieldOf(value, 'name').value; break;
      case 'ref_protected': refProtected = instantiateGlob(value.value) !== 'false'; break;
      case 'pipeline_source': pipelineSource = fieldOf(value, 'name', 'push').value; break;
      case 'iss': break;
      default: extra[claim] = fieldOf(value, 'name').value;
    }
  }
  if (namespacePath && !project.pinned) {
    project = { value: `${namespacePath.value}/${project.value.split('/').pop()}`, pinned: false };
  }
  const refField: Field = ref === undefined ? { value: refType === 'tag' ? 'v1.0.0' : 'main', pinned: false }
    : fieldOf(ref, refType === 'tag' ? 'tag' : 'name', refType === 'tag' ? 'v1.0.0' : 'main');
  // GitLab's issuer is the instance URL without a trailing slash (`iss`: "the issuer of the token, which is the domain
  // of the GitLab instance", https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload).
  const realIssuer = issuer?.replace(/\/+$/, '');
  const run: GitLabRun = {
    instance: realIssuer || GITLAB_COM_ISSUER,
    projectPath: project.value,
    namespaceId: namespaceId.value,
    projectId: projectId.value,
    refType: refType ?? 'branch',
    ref: refField.value,
    ...(aud ? { aud: aud.value } : {}),
    ...(refProtected !== undefined ? { refProtected } : {}),
    ...(pipelineSource !== undefined ? { pipelineSource } : {}),
    ...(environment !== undefined ? { environment } : {}),
    ...(subjectClaimKeys ? { subjectClaimKeys } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
  const invented = [
    ...(issuer === undefined ? ['iss'] : []),
    ...(aud?.pinned ? [] : ['aud']),
    ...(project.pinned ? [] : ['project_path']),
    ...(namespaceId.pinned ? [] : ['namespace_id']),
    ...(projectId.pinned ? [] : ['project_id']),
    ...(refField.pinned ? [] : ['ref']),
  ];
  const impossible = issuer !== undefined && realIssuer !== issuer ? `GitLab's issuer is ${realIssuer}, not ${issuer}` : undefined;
  return { profile: { platform: 'gitlab', run }, invented, ...(impossible !== undefined ? { impossible } : {}) };
}
