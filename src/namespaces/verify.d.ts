// Types of the root's `verify` namespace: everything `@keyless/constructs/verify` exports. Runtime: ./verify/index.ts (see ../lazy.ts).
export * from '../verify';
