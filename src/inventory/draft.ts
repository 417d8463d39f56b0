import { Cloud, CredentialType, IdentityKind, Permission, RecordOwnership, Revoked, TrustedSubject } from './model';
import { parseRiskTier } from '../core/tier';
import { NeutralResource } from '../synth/model';

/** A record while the per-cloud readers fill it in (records.ts finishes it). */
export interface RecordDraft {
  readonly cloud: Cloud;
  readonly kind: IdentityKind;
  readonly name: string;
  defined: boolean;
  file: string;
  resource: string;
  readonly resources: Set<string>;
  ownership: RecordOwnership;
  /** Set when the reader knows better than the derivation from subjects. */
  credentialType?: CredentialType;
  maxSessionSeconds: number | null;
  readonly subjects: TrustedSubject[];
  readonly permissions: Permission[];
  readonly privilegedReasons: string[];
  readonly attributes: Record<string, string>;
  /** Human, time-boxed access. */
  breakGlass: boolean;
  /** Set when the identity is revoked (revocation.ts). */
  revoked?: Revoked;
  /** AWS: subjects of trust statements no unconditional Deny covers; a revocation does not mark them (aws-statements.ts). */
  undeniedSubjects?: Set<TrustedSubject>;
  /** The detections state found for it (detections.ts), when anything was found. */
  detections?: string;
}

/** `file:resource-id`, the form findings and exceptions use. */
export function sourceOf(resource: NeutralResource): string {
  return `${resource.file}:${resource.id}`;
}

/** Drafts by id, plus what could not be resolved. */
export class Drafts {
  /** Id of a record: `CLOUD:KIND:NAME`. */
  public static id(cloud: Cloud, kind: IdentityKind, name: string): string {
    return `${cloud}:${kind}:${name}`;
  }

  /** Unresolved references and skipped input, reported with the inventory. */
  public readonly warnings: string[] = [];
  private readonly byId = new Map<string, RecordDraft>();

  /**
   * The draft for an identity, created on first use. `defined` marks the resource that defines it (a reference
   * alone creates a record with `defined: false`, so grants to identities defined elsewhere are not lost).
   */
  public get(cloud: Cloud, kind: IdentityKind, name: string, at: NeutralResource, defined: boolean): RecordDraft {
    const id = Drafts.id(cloud, kind, name);
    let draft = this.byId.get(id);
    if (!draft) {
      draft = {
        cloud,
        kind,
        name,
        defined,
        file: at.file,
        resource: at.id,
        resources: new Set(),
        ownership: {},
        maxSessionSeconds: null,
        subjects: [],
        permissions: [],
        privilegedReasons: [],
        attributes: {},
        breakGlass: false,
      };
      this.byId.set(id, draft);
    } else if (defined && !draft.defined) {
      draft.defined = true;
      draft.file = at.file;
      draft.resource = at.id;
    } else if (defined && draft.defined && `${draft.file}:${draft.resource}` !== sourceOf(at)) {
      this.warnings.push(`${id} is defined twice (${draft.file}:${draft.resource} and ${sourceOf(at)}): their trust and permissions are merged`);
    }
    draft.resources.add(sourceOf(at));
    return draft;
  }

  /** An existing draft, if any. */
  public find(cloud: Cloud, kind: IdentityKind, name: string): RecordDraft | undefined {
    return this.byId.get(Drafts.id(cloud, kind, name));
  }

  /** Every draft with its id. */
  public entries(): Array<[string, RecordDraft]> {
    return [...this.byId.entries()];
  }
}

/** Ownership from `key → value` fields, as the core decoders return them (tags without their prefix, or a description). */
export function ownershipFrom(fields: Record<string, unknown>): RecordOwnership {
  const text = (key: string) => (typeof fields[key] === 'string' && fields[key] !== '' ? String(fields[key]) : undefined);
  const tier = parseRiskTier(text('tier'));
  const ownership: Record<string, unknown> = {
    owner: text('owner'),
    purpose: text('purpose'),
    environment: text('environment'),
    tier,
    reviewBy: text('review-by'),
    expires: text('expires'),
    managedBy: text('managed-by'),
  };
  return Object.fromEntries(Object.entries(ownership).filter(([, v]) => v !== undefined)) as RecordOwnership;
}
