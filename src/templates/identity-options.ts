import type { IdentityDetectionsOptions } from '../core/detections';
import type { Revocation } from '../core/revocation';

/**
 * What every template passes to each cloud identity it creates: whether it is watched, and whether it is revoked.
 * Each identity construct validates them (one identity per cloud, one declaration).
 */
export interface TemplateIdentityOptions {
  /**
   * Detections of refused and foreign assumptions on each cloud identity, routed to the targets declared with
   * `routeDetections(app, …)`.
   *
   * @default - on for tier 1, off for tiers 2 and 3
   */
  readonly detections?: IdentityDetectionsOptions;
  /**
   * Revokes every cloud identity of the template: no new session or token exchange, and (AWS) every session issued
   * before the moment denied every action. The one-line incident change; remove it to restore the identities.
   *
   * @default - not revoked
   */
  readonly revoked?: Revocation;
}

/** The options as construct props: only those given (an absent one keeps each construct's default). */
export function identityOptions(props: TemplateIdentityOptions): TemplateIdentityOptions {
  return {
    ...(props.detections === undefined ? {} : { detections: props.detections }),
    ...(props.revoked === undefined ? {} : { revoked: props.revoked }),
  };
}
