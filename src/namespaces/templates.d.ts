// Types of the root's `templates` namespace: everything `@keyless/constructs/templates` exports. Runtime: ./templates/index.ts (see ../lazy.ts).
export * from '../templates';
