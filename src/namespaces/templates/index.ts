// Runtime of the root's `templates` namespace: loads `@keyless/constructs/templates` on first use (see ../lazy.ts). Types: ../templates.d.ts.
import { lazyNamespace } from '../lazy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export = lazyNamespace(() => require('../../templates'));
