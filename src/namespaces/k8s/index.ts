// Runtime of the root's `k8s` namespace: loads `@keyless/constructs/k8s` on first use (see ../lazy.ts). Types: ../k8s.d.ts.
import { lazyNamespace } from '../lazy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export = lazyNamespace(() => require('../../constructs/k8s'));
