// Runtime of the root's `guardrails` namespace: loads `@keyless/constructs/guardrails` on first use (see ../lazy.ts). Types: ../guardrails.d.ts.
import { lazyNamespace } from '../lazy';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export = lazyNamespace(() => require('../../guardrails'));
