import { ApiObject, JsonPatch } from 'cdk8s';
import { fail, ValidationContext } from '../../core/errors';
import { describeValue, isObject } from '../../core/props';

/**
 * Where a workload object holds its pod template, read and checked before the service account is patched in: the
 * pod spec of each workload kind, and its lists (containers, init containers, volumes) as objects.
 */

const POD_SPEC_PATHS: Record<string, string> = {
  Pod: '/spec',
  Deployment: '/spec/template/spec',
  StatefulSet: '/spec/template/spec',
  DaemonSet: '/spec/template/spec',
  ReplicaSet: '/spec/template/spec',
  Job: '/spec/template/spec',
  CronJob: '/spec/jobTemplate/spec/template/spec',
};

/** `a.b.c` for a JSON pointer `/a/b/c`. */
function dotted(pointer: string): string {
  return pointer.split('/').slice(1).join('.');
}

/** The object at a JSON pointer of a workload manifest, which must exist: the pod spec. */
function podTemplateNode(manifest: any, pointer: string, workload: ApiObject, ctx: ValidationContext): Record<string, any> {
  let node: unknown = manifest;
  for (const key of pointer.split('/').slice(1)) {
    node = isObject(node) ? node[key] : undefined;
  }
  if (!isObject(node)) {
    fail({
      code: 'KL-K8S-POD-TEMPLATE',
      path: ctx.path,
      prop: 'workload',
      problem: `is a ${workload.kind} (${workload.node.path}) whose \`${dotted(pointer)}\` is ${describeValue(node)}: the service account and token are set on the pod spec, which a ${workload.kind} holds at \`${dotted(pointer)}\``,
      fix: `give the ${workload.kind} its pod template, e.g. \`${dotted(pointer)}: { containers: [{ name, image }] }\``,
    });
  }
  return node;
}

/** The object at a JSON pointer, or undefined when a step is missing; refuses a step that is not an object. */
function optionalNode(manifest: any, pointer: string, workload: ApiObject, ctx: ValidationContext): Record<string, any> | undefined {
  let node: unknown = manifest;
  for (const key of pointer.split('/').slice(1)) {
    if (node === undefined) return undefined;
    if (!isObject(node)) break;
    node = node[key];
  }
  if (node !== undefined && !isObject(node)) {
    fail({
      code: 'KL-K8S-POD-TEMPLATE',
      path: ctx.path,
      prop: 'workload',
      problem: `is a ${workload.kind} (${workload.node.path}) whose \`${dotted(pointer)}\` is ${describeValue(node)}: expected an object`,
      fix: `write \`${dotted(pointer)}\` as an object, or leave it out`,
    });
  }
  return node;
}

/** A list of the pod spec (`containers`, `initContainers`, `volumes`): absent, or an array of objects. */
function podSpecList(podSpec: Record<string, any>, key: string, pointer: string, workload: ApiObject, ctx: ValidationContext): unknown[] {
  const list: unknown = podSpec[key];
  if (list === undefined) return [];
  const bad = Array.isArray(list) ? [...list.keys()].find((i) => !isObject(list[i])) : -1;
  if (bad !== undefined) {
    const where = bad === -1 ? dotted(`${pointer}/${key}`) : `${dotted(`${pointer}/${key}`)}[${bad}]`;
    fail({
      code: 'KL-K8S-POD-TEMPLATE',
      path: ctx.path,
      prop: 'workload',
      problem: `is a ${workload.kind} (${workload.node.path}) whose \`${where}\` is ${describeValue(bad === -1 ? list : (list as unknown[])[bad])}: expected ${bad === -1 ? 'a list of objects' : 'an object'}`,
      fix: `write \`${dotted(`${pointer}/${key}`)}\` as a list of objects, e.g. \`[{ name: "api", image: "api:1" }]\``,
    });
  }
  return list as unknown[];
}

/** The JSON pointer of the pod spec of a workload, by its kind. */
export function podSpecPath(workload: ApiObject, ctx: ValidationContext): string {
  const specPath = Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, workload.kind) ? POD_SPEC_PATHS[workload.kind] : undefined;
  if (specPath === undefined) {
    fail({
      code: 'KL-K8S-WORKLOAD-KIND',
      path: ctx.path,
      prop: 'workload',
      problem: `is a ${typeof workload.kind === 'string' ? workload.kind : describeValue(workload.kind)}: expected one of ${Object.keys(POD_SPEC_PATHS).join(', ')}`,
      fix: 'bind the object that owns the pod template',
    });
  }
  return specPath;
}

/** The workload's manifest as cdk8s renders it; refused when it holds a value that is not JSON. */
export function workloadManifest(workload: ApiObject, ctx: ValidationContext): any {
  try {
    return workload.toJson();
  } catch (error) {
    fail({
      code: 'KL-K8S-WORKLOAD-JSON',
      path: ctx.path,
      prop: 'workload',
      problem: `is ${workload.node.path}, which cdk8s cannot render (${String((error as Error)?.message ?? error).split('\n')[0]}): its manifest holds a value that is not JSON`,
      fix: 'write the manifest with plain strings, numbers, booleans, lists and objects (no Duration, construct or class instance)',
    });
  }
}

/** A workload's pod template, checked: the pod spec, its container lists (and volumes) as lists of objects. */
export interface PodTemplate {
  readonly workload: ApiObject;
  readonly manifest: any;
  /** JSON pointer of the pod spec. */
  readonly specPath: string;
  readonly podSpec: Record<string, any>;
  /** `containers` and `initContainers`, each as declared (possibly empty). */
  readonly containerLists: ReadonlyArray<[string, unknown[]]>;
}

/** Reads and checks the pod template at `specPath`. */
export function readPodTemplate(manifest: any, specPath: string, workload: ApiObject, ctx: ValidationContext): PodTemplate {
  const podSpec = podTemplateNode(manifest, specPath, workload, ctx);
  const containerLists: Array<[string, unknown[]]> = [
    ['containers', podSpecList(podSpec, 'containers', specPath, workload, ctx)],
    ['initContainers', podSpecList(podSpec, 'initContainers', specPath, workload, ctx)],
  ];
  podSpecList(podSpec, 'volumes', specPath, workload, ctx);
  return { workload, manifest, specPath, podSpec, containerLists };
}

/** Patches that add `labels` to the pod template's metadata (creating the metadata and labels objects if absent). */
export function podLabelPatches(pod: PodTemplate, labels: Readonly<Record<string, string>>, ctx: ValidationContext): JsonPatch[] {
  if (Object.keys(labels).length === 0) return [];
  const patches: JsonPatch[] = [];
  const metadataPath = pod.specPath === '/spec' ? '/metadata' : pod.specPath.replace(/\/spec$/, '/metadata');
  const metadata = optionalNode(pod.manifest, metadataPath, pod.workload, ctx);
  if (metadata === undefined) patches.push(JsonPatch.add(metadataPath, {}));
  if (optionalNode(pod.manifest, `${metadataPath}/labels`, pod.workload, ctx) === undefined) patches.push(JsonPatch.add(`${metadataPath}/labels`, {}));
  for (const [key, value] of Object.entries(labels)) {
    patches.push(JsonPatch.add(`${metadataPath}/labels/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, value));
  }
  return patches;
}

/** Patches that project one service account token (validated audience and lifetime) into every container and init container. */
export function projectedTokenPatches(pod: PodTemplate, audience: string, expirationSeconds: number): JsonPatch[] {
  const { specPath } = pod;
  const patches: JsonPatch[] = [];
  if (pod.podSpec.volumes === undefined) patches.push(JsonPatch.add(`${specPath}/volumes`, []));
  patches.push(JsonPatch.add(`${specPath}/volumes/-`, {
    name: 'keyless-token',
    projected: { sources: [{ serviceAccountToken: { audience, expirationSeconds, path: 'token' } }] },
  }));
  for (const [list, containers] of pod.containerLists) {
    containers.forEach((container: any, i) => {
      if (container.volumeMounts === undefined) patches.push(JsonPatch.add(`${specPath}/${list}/${i}/volumeMounts`, []));
      patches.push(JsonPatch.add(`${specPath}/${list}/${i}/volumeMounts/-`, { name: 'keyless-token', mountPath: '/var/run/secrets/keyless', readOnly: true }));
    });
  }
  return patches;
}
