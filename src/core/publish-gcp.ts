import { ValidationContext } from './errors';
import { checkObjectPrefix, gcpConditionDescription } from './object-prefix';
import { checkPattern } from './publish-pattern';

/** Least-privilege publish grants for GCP targets (Artifact Registry, Cloud Storage): one role on one resource. */

/** A GCP role granted on one resource, optionally with an IAM condition. */
export interface GcpPublishGrant {
  /** The role. */
  readonly role: string;
  /** IAM condition, if the grant is narrowed further. */
  readonly condition?: { readonly title: string; readonly description: string; readonly expression: string };
}

/** Artifact Registry: writer on one repository. */
export function artifactRegistryWriterGrant(): GcpPublishGrant {
  return { role: 'roles/artifactregistry.writer' };
}

/**
 * Cloud Storage: object creator on the bucket, with an IAM condition on the object-name prefix. IAM conditions on
 * buckets require uniform bucket-level access.
 */
export function storagePrefixGrant(bucket: string, prefix: string, ctx: ValidationContext, prop = 'target'): GcpPublishGrant {
  // Bucket names: 3–63 characters (up to 222 with dots), lowercase letters, digits, `-`, `_`, `.`.
  checkPattern(bucket, /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, ctx, `${prop}.bucket`, 'KL-PUB-GCS-BUCKET', 'a bucket name is 3–63 lowercase letters, digits, `-`, `_` and `.`', 'acme-artifacts',
    { reference: 'cdktf' });
  const folder = checkObjectPrefix(prefix, ctx, `${prop}.prefix`, {
    code: 'KL-PUB-GCS-PREFIX',
    what: 'a publish prefix',
    fix: 'give the folder the artifact is published to, e.g. "payments-api/releases"',
  });
  return {
    role: 'roles/storage.objectCreator',
    condition: {
      title: 'keyless-publish-prefix',
      description: gcpConditionDescription(`Create objects under ${folder} only`, 'Create objects under the declared prefix only'),
      expression: `resource.name.startsWith('projects/_/buckets/${bucket}/objects/${folder}')`,
    },
  };
}
