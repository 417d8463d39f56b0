// Types of the root's `k8s` namespace: everything `@keyless/constructs/k8s` exports. Runtime: ./k8s/index.ts (see ../lazy.ts).
export * from '../constructs/k8s';
