import { Cloud, CredentialType, IdentityKind, Permission, RecordOwnership, TrustedSubject } from './model';
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

/** Ownership from `key → value` fields (tags with the prefix removed, or a `key=value; …` description). */
export function ownershipFrom(fields: Record<string, unknown>): RecordOwnership {
  const text = (key: string) => (typeof fields[key] === 'string' && fields[key] !== '' ? String(fields[key]) : undefined);
  const tier = Number(text('tier'));
  const ownership: Record<string, unknown> = {
    owner: text('owner'),
    purpose: text('purpose'),
    environment: text('environment'),
    tier: [1, 2, 3].includes(tier) ? tier : undefined,
    reviewBy: text('review-by'),
    expires: text('expires'),
    managedBy: text('managed-by'),
  };
  return Object.fromEntries(Object.entries(ownership).filter(([, v]) => v !== undefined)) as RecordOwnership;
}

/** Fields of a `key=value; key=value` description (how Keyless writes ownership where there are no labels). */
export function descriptionFields(description: unknown): Record<string, string> {
  if (typeof description !== 'string') return {};
  return Object.fromEntries(description.split(';').map((part) => part.trim()).filter((part) => /^[a-z-]+=/.test(part))
    .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1).trim()]));
}

/** Fields of tags with a prefix (`keyless:` on AWS, `keyless-` on Azure, `keyless.dev/` on Kubernetes). */
export function prefixedFields(tags: Record<string, unknown> | undefined, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {})
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, value]) => [key.slice(prefix.length), String(value)]));
}

/** Terraform attributes: a block given as a one-element list (JSON syntax allows both) becomes the object. */
export function attributesOf(resource: NeutralResource): any {
  const p = resource.properties;
  return Array.isArray(p) ? Object.assign({}, ...p) : p ?? {};
}

/** A Terraform reference `${TYPE.NAME.ATTRIBUTE}` (or `${data.TYPE.NAME.ATTRIBUTE}`), parsed. */
export function terraformReference(value: unknown): { readonly address: string; readonly attribute: string; readonly data: boolean } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{(data\.)?([A-Za-z0-9_]+)\.([^.}\s]+)\.([A-Za-z0-9_]+)\}$/.exec(value.trim());
  return match ? { address: `${match[2]}.${match[3]}`, attribute: match[4], data: match[1] !== undefined } : undefined;
}

/** Terraform resources of one file by address, to follow `${…}` references within a stack. */
export class TerraformIndex {
  private readonly byFile = new Map<string, Map<string, NeutralResource>>();

  constructor(resources: readonly NeutralResource[]) {
    for (const resource of resources) {
      if (resource.format !== 'terraform') continue;
      let file = this.byFile.get(resource.file);
      if (!file) this.byFile.set(resource.file, file = new Map());
      file.set(resource.id, resource);
    }
  }

  /** The resource a reference in `file` points to. */
  public target(file: string, value: unknown): NeutralResource | undefined {
    const reference = terraformReference(value);
    return reference && !reference.data ? this.byFile.get(file)?.get(reference.address) : undefined;
  }

  /**
   * A value with its references replaced: a reference to a literal attribute becomes the attribute, and `computed`
   * may supply attributes known only after apply that the output still determines (a service account's email).
   */
  public resolve(file: string, value: unknown, computed?: (target: NeutralResource, attribute: string) => string | undefined, depth = 0): string {
    if (typeof value !== 'string') return JSON.stringify(value);
    return value.replace(/\$\{(data\.)?([A-Za-z0-9_]+)\.([^.}\s]+)\.([A-Za-z0-9_]+)\}/g, (whole: string) => {
      const reference = terraformReference(whole)!;
      const target = this.target(file, whole);
      if (!target || depth > 5) return whole;
      const known = computed?.(target, reference.attribute);
      if (known !== undefined) return known;
      const attribute = attributesOf(target)[reference.attribute];
      return typeof attribute === 'string' ? this.resolve(file, attribute, computed, depth + 1) : whole;
    });
  }
}
