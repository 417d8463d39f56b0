import { IConstruct } from 'constructs';
import { appRegistry } from './app-registry';
import { fail } from '../../core/errors';

const claims = appRegistry<string>();

/**
 * Records that the construct at `scope` binds a cloud identity to `subject` (e.g. a Kubernetes service account on
 * one cluster), and refuses a second identity bound to the same subject on the same cloud within the app:
 * one identity per deployable unit.
 */
export function claimWorkloadBinding(scope: IConstruct, cloud: string, subject: string, prop: string): void {
  const byKey = claims(scope);
  const key = `${cloud}|${subject}`;
  const existing = byKey.get(key);
  if (existing !== undefined && existing !== scope.node.path) {
    fail({
      code: 'KL-WORKLOAD-SHARED',
      path: scope.node.path,
      prop,
      problem: `binds a second ${cloud} identity to ${subject}, which ${existing} already trusts: one service account would then hold two identities, and its pods the permissions of both`,
      fix: 'give each deployable unit one service account and one identity; grant this identity\'s permissions to the existing one instead, or use another service account',
    });
  }
  byKey.set(key, scope.node.path);
}
