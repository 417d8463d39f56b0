// Core decisions (no framework imports) at the top level; renderers per target as namespaces.
// Importing one target only: `@keyless/constructs/lib/constructs/gcp` (avoids loading the other frameworks).
export * from './core';
export * as aws from './constructs/aws';
export * as gcp from './constructs/gcp';
export * as azure from './constructs/azure';
export * as k8s from './constructs/k8s';
export * as guardrails from './guardrails';
export * as inventory from './inventory';
export * as templates from './templates';
