// Identity inventory and pull-request identity diff over synthesized output (any tool's).
export * from './model';
export { readInventoryInput } from './read';
export type { InventoryInput } from './read';
export type { RepositorySide } from './repository-manifest';
export { buildInventory } from './records';
export type { BuildInventoryOptions } from './records';
export { computeMetrics } from './metrics';
export type { ExceptionCounts } from './metrics';
export { inventoryJson, inventoryCsv, inventoryMarkdown } from './report';
export * from './diff';
export { diffMarkdown, diffJson, DIFF_COMMENT_MARKER } from './diff-report';
export type { DiffMarkdownOptions } from './diff-report';
export { diffSarif, locateResource } from './sarif';
export type { SarifOptions } from './sarif';
export { writeInventory } from './write';
export type { WriteInventoryOptions } from './write';
