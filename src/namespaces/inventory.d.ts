// Types of the root's `inventory` namespace: everything `@keyless/constructs/inventory` exports. Runtime: ./inventory/index.ts (see ../lazy.ts).
export * from '../inventory';
