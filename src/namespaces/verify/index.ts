// Runtime of the root's `verify` namespace: loads `@keyless/constructs/verify` on first use (see ../lazy.ts). Types: ../verify.d.ts.
import { lazyNamespace } from '../lazy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export = lazyNamespace(() => require('../../verify'));
