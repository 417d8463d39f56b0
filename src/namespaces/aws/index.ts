// Runtime of the root's `aws` namespace: loads `@keyless/constructs/aws` on first use (see ../lazy.ts). Types: ../aws.d.ts.
import { lazyNamespace } from '../lazy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export = lazyNamespace(() => require('../../constructs/aws'));
