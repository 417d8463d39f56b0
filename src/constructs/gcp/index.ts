// @keyless/constructs/gcp: renders with cdktf, @cdktf/provider-google and constructs.
import { requireFrameworks } from '../private/frameworks';

// First, before any module that imports cdktf: a missing framework is a Keyless error naming what to install.
requireFrameworks('gcp');

export * from './ci-oidc-trust';
export * from './workload-identity';
export * from './scoped-publisher-role';
export * from './break-glass-access';
// Types of the props and results above that are decided in core.
export type { BreakGlassExpiry } from '../../core/break-glass';
export type { GcpPublishGrant } from '../../core/publish';
export type { GcpDetection } from './detections';
export type { GcpDetectionKind, GcpRequiredAuditLog } from '../../core/detections/gcp';
