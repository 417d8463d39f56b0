// Runtime of the root's `inventory` namespace: loads `@keyless/constructs/inventory` on first use (see ../lazy.ts). Types: ../inventory.d.ts.
import { lazyNamespace } from '../lazy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export = lazyNamespace(() => require('../../inventory'));
