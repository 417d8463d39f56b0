// Runtime of the root's `azure` namespace: loads `@keyless/constructs/azure` on first use (see ../lazy.ts). Types: ../azure.d.ts.
import { lazyNamespace } from '../lazy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export = lazyNamespace(() => require('../../constructs/azure'));
