// Types of the root's `gcp` namespace: everything `@keyless/constructs/gcp` exports. Runtime: ./gcp/index.ts (see ../lazy.ts).
export * from '../constructs/gcp';
