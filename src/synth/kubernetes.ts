/** Kubernetes objects of synthesized output: pod specs of workloads and the service account they run as. */

/** Pod spec of a Kubernetes workload object, or undefined. */
export function podSpec(object: any): any {
  const spec = specOf(object);
  // A workload whose spec is missing or not an object (`spec: null`) has no pod spec to read.
  return spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? spec : undefined;
}

function specOf(object: any): unknown {
  switch (object?.kind) {
    case 'Pod': return object.spec;
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': case 'ReplicationController':
      return object.spec?.template?.spec;
    case 'CronJob': return object.spec?.jobTemplate?.spec?.template?.spec;
    default: return undefined;
  }
}

/** The service account a pod spec runs as (`serviceAccountName`, or the deprecated `serviceAccount`); undefined = `default`. */
export function podServiceAccount(spec: any): string | undefined {
  const name = spec?.serviceAccountName ?? spec?.serviceAccount;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** An object's namespace (`default` when unset). */
export function namespaceOf(object: any): string {
  const namespace = object?.metadata?.namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : 'default';
}
