import * as fs from 'fs';
import * as path from 'path';
import { readInventoryInput } from './read';
import { buildInventory } from './records';
import { inventoryJson, inventoryMarkdown } from './report';

/** Options for {@link writeInventory}. */
export interface WriteInventoryOptions {
  /** Today, `YYYY-MM-DD` (pin it for byte-identical output): review-by dates are checked against it. */
  readonly today: string;
}

/**
 * Reads the synthesized output below `dirs` and writes `OUTDIR/inventory.json` (the documented schema) and
 * `OUTDIR/report.md`. Unusable input throws an `UnreadableInputError` naming the path.
 */
export function writeInventory(dirs: string[], outdir: string, options: WriteInventoryOptions): void {
  const inventory = buildInventory(readInventoryInput(dirs), { today: options.today });
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, 'inventory.json'), inventoryJson(inventory));
  fs.writeFileSync(path.join(outdir, 'report.md'), inventoryMarkdown(inventory));
}
