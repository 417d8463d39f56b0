// Runtime of the root's `gcp` namespace: loads `@keyless/constructs/gcp` on first use (see ../lazy.ts). Types: ../gcp.d.ts.
import { lazyNamespace } from '../lazy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export = lazyNamespace(() => require('../../constructs/gcp'));
