import { checkPublishClouds, checkTemplateProps, claimTemplateName, templatePath } from './checks';
import { identityOptions, TemplateIdentityOptions } from './identity-options';
import * as aws from '../constructs/aws';
import type { Stack } from '../constructs/aws/workload-access';
import * as azure from '../constructs/azure';
import * as gcp from '../constructs/gcp';
import type { TerraformStack } from '../constructs/gcp/workload-access';
import { ICiSource } from '../core/ci/policy';
import { today } from '../core/clock';
import { fail } from '../core/errors';
import { checkIdentityName } from '../core/names';
import { Ownership } from '../core/ownership';

/** Props of {@link CiPublishArtifact}. */
export interface CiPublishArtifactProps extends TemplateIdentityOptions {
  /** Artifact name: the publishers are named after it. */
  readonly name: string;
  /** Ownership (publishing is tier 1). */
  readonly ownership: Ownership;
  /** The pipeline: protected refs only. */
  readonly source: ICiSource;
  /** Publish to AWS. */
  readonly aws?: { readonly stack: Stack; readonly target: aws.AwsPublishTarget };
  /** Publish to GCP. */
  readonly gcp?: { readonly stack: TerraformStack; readonly target: gcp.GcpPublishTarget; readonly project: string; readonly projectNumber: string };
  /** Publish to Azure. */
  readonly azure?: {
    readonly stack: TerraformStack; readonly target: azure.AzurePublishTarget; readonly resourceGroupName: string; readonly location: string;
  };
}

/** Publish one artifact from CI to each chosen cloud: one ScopedPublisherRole per cloud, from one declaration. */
export class CiPublishArtifact {
  public readonly aws?: aws.ScopedPublisherRole;
  public readonly gcp?: gcp.ScopedPublisherRole;
  public readonly azure?: azure.ScopedPublisherRole;

  constructor(props: CiPublishArtifactProps) {
    const ctx = { path: templatePath('CiPublishArtifact', props), today: today() };
    checkTemplateProps(props, ctx, '{ name, ownership, source, aws }');
    checkIdentityName(props.name, ctx);
    checkPublishClouds(props as unknown as Record<string, unknown>, ctx);
    if (!props.aws && !props.gcp && !props.azure) {
      fail({ code: 'KL-TPL-NO-TARGET', path: ctx.path, prop: 'aws', problem: 'and `gcp` and `azure` are all missing: the artifact is published nowhere', fix: 'name at least one cloud' });
    }
    claimTemplateName('CiPublishArtifact', props.name, [['aws.stack', props.aws?.stack], ['gcp.stack', props.gcp?.stack], ['azure.stack', props.azure?.stack]], ctx);
    const common = { name: props.name, ownership: props.ownership, source: props.source, ...identityOptions(props) };
    if (props.aws) this.aws = new aws.ScopedPublisherRole(props.aws.stack, `Publish-${props.name}`, { ...common, target: props.aws.target });
    if (props.gcp) {
      this.gcp = new gcp.ScopedPublisherRole(props.gcp.stack, `Publish-${props.name}`, {
        ...common, target: props.gcp.target, project: props.gcp.project, projectNumber: props.gcp.projectNumber,
      });
    }
    if (props.azure) {
      this.azure = new azure.ScopedPublisherRole(props.azure.stack, `Publish-${props.name}`, {
        ...common, target: props.azure.target, resourceGroupName: props.azure.resourceGroupName, location: props.azure.location,
      });
    }
  }
}
