// Types of the root's `aws` namespace: everything `@keyless/constructs/aws` exports. Runtime: ./aws/index.ts (see ../lazy.ts).
export * from '../constructs/aws';
