// Types of the root's `azure` namespace: everything `@keyless/constructs/azure` exports. Runtime: ./azure/index.ts (see ../lazy.ts).
export * from '../constructs/azure';
