// Types of the root's `guardrails` namespace: everything `@keyless/constructs/guardrails` exports. Runtime: ./guardrails/index.ts (see ../lazy.ts).
export * from '../guardrails';
