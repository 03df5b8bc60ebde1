import { OciError } from '../errors';
import { globMatches } from '../glob';

/**
 * Kinds of referrer: what an artifact attached to a manifest is for (a signature, an SBOM, ...), told from
 * its artifact type (or its config media type when it has none), the in-toto predicate types it carries, and
 * its annotations. The built-in table is below; users add kinds of their own in the same shape (the CLI's
 * `--kinds FILE`, the extension's setting), and theirs are tried first.
 *
 * Patterns are exact strings where `*` stands for any run of characters (`application/vnd.dev.sigstore.bundle.v*+json`).
 */
export interface KindDefinition {
  /** A lower-case word naming the kind: `signature`, `sbom`, `provenance`, `end-of-life`, or a user's. */
  id: string;
  /** The column header; the id in capitals when unset. */
  title?: string;
  /** Artifact types (or, without one, config media types) of this kind. */
  artifactTypes?: string[];
  /** In-toto predicate types of this kind (an attestation's statement says what it is). */
  predicateTypes?: string[];
  /** Annotation keys whose presence makes a referrer of this kind. */
  annotationKeys?: string[];
}

/** What is known of one attached artifact, as the classifier reads it. */
export interface ReferrerFacts {
  artifactType?: string;
  /** The config media type, used when there is no artifact type. */
  configMediaType?: string;
  annotations?: Record<string, string>;
  /** In-toto predicate types, from the manifest's or its layers' annotations. */
  predicateTypes?: string[];
}

export const OTHER_KIND = 'other';

/** The built-in kinds, in the order of their columns. */
export const BUILTIN_KINDS: readonly KindDefinition[] = Object.freeze([
  {
    id: 'signature',
    title: 'SIGNATURE',
    artifactTypes: [
      'application/vnd.cncf.notary.signature', // Notary Project (notation)
      'application/vnd.dev.cosign.artifact.sig.v1+json', // cosign, OCI 1.1 referrers mode
      'application/vnd.dev.cosign.simplesigning.v1+json', // cosign's signature layers
      'application/vnd.dev.sigstore.bundle.v*+json', // Sigstore bundle v0.3 and later (earlier ones had no such type)
    ],
  },
  {
    id: 'sbom',
    title: 'SBOM',
    artifactTypes: [
      'application/spdx+json',
      'text/spdx',
      'text/spdx+json',
      'application/vnd.cyclonedx+json',
      'application/vnd.cyclonedx',
      'application/vnd.cyclonedx+xml',
      'application/vnd.dev.cosign.artifact.sbom.v1+json',
      'application/vnd.syft+json',
    ],
    // In-toto forms: an attestation whose predicate is an SBOM (buildx, cosign attest --type spdx|cyclonedx).
    predicateTypes: ['https://spdx.dev/Document*', 'https://cyclonedx.org/bom*', 'https://cyclonedx.org/schema*'],
  },
  {
    id: 'provenance',
    title: 'PROVENANCE',
    artifactTypes: [
      'application/vnd.in-toto+json',
      'application/vnd.in-toto.*',
      'application/vnd.dsse.envelope.v1+json',
      'application/vnd.dev.cosign.attestation.v1+json',
    ],
    predicateTypes: ['https://slsa.dev/provenance/*', 'https://in-toto.io/*'],
  },
  {
    id: 'end-of-life',
    title: 'END-OF-LIFE',
    artifactTypes: ['*.lifecycle', '*.lifecycle+json', '*.lifecycle.v*'],
    annotationKeys: ['*end-of-life.date'],
  },
] satisfies KindDefinition[]);

/** Annotations that carry an in-toto predicate type (buildx layers, Sigstore bundles, cosign attestations). */
export const PREDICATE_TYPE_ANNOTATIONS = ['in-toto.io/predicate-type', 'dev.sigstore.bundle.predicateType', 'predicateType'];

/** Artifact types whose kind may depend on the predicate type inside, so their layers are worth reading. */
export const ENVELOPE_TYPES = [
  'application/vnd.in-toto+json',
  'application/vnd.in-toto.*',
  'application/vnd.dsse.envelope.v1+json',
  'application/vnd.dev.sigstore.bundle.v*+json',
  'application/vnd.dev.cosign.attestation.v1+json',
];

/** The predicate types named by a set of annotations. */
export function predicateTypesOf(annotations: Record<string, string> | undefined): string[] {
  if (!annotations) return [];
  return PREDICATE_TYPE_ANNOTATIONS.map((k) => annotations[k]).filter((v): v is string => typeof v === 'string' && v !== '');
}

/** Whether any of `patterns` matches `text`. */
const anyMatch = (patterns: readonly string[] | undefined, text: string | undefined) => text !== undefined && (patterns ?? []).some((p) => globMatches(p, text));

/**
 * The kinds table: the built-in kinds and a user's. A user's kind with a built-in id adds its patterns to that
 * kind (tried first); a new id adds a column after the built-in ones.
 */
export class KindTable {
  readonly user: readonly KindDefinition[];
  /** Every kind, once per id, in column order: the built-in ones, then the user's new ones. */
  readonly columns: readonly { id: string; title: string }[];

  constructor(user: readonly KindDefinition[] = []) {
    this.user = user;
    const cols = new Map<string, string>();
    for (const k of [...BUILTIN_KINDS, ...user]) {
      if (!cols.has(k.id)) cols.set(k.id, k.title ?? k.id.toUpperCase());
      else if (k.title) cols.set(k.id, k.title);
    }
    this.columns = [...cols].map(([id, title]) => ({ id, title }));
  }

  has(id: string): boolean {
    return this.columns.some((c) => c.id === id);
  }

  /**
   * The kinds of one referrer: none (it is `other`), one, or several (an attestation manifest with an SPDX
   * layer and a provenance layer is both). The user's kinds are tried before the built-in ones; within each,
   * predicate types first (the most specific), then the artifact type (or config media type), then annotation keys.
   */
  classify(facts: ReferrerFacts): string[] {
    for (const group of [this.user, BUILTIN_KINDS]) {
      const found = classifyIn(group, facts);
      if (found.length > 0) return found;
    }
    return [];
  }

  /** Whether the layers of an artifact of this type should be read for their predicate types. */
  isEnvelope(type: string | undefined): boolean {
    return anyMatch(ENVELOPE_TYPES, type) || this.user.some((k) => (k.predicateTypes?.length ?? 0) > 0 && anyMatch(k.artifactTypes, type));
  }
}

function classifyIn(kinds: readonly KindDefinition[], facts: ReferrerFacts): string[] {
  const out: string[] = [];
  for (const p of facts.predicateTypes ?? []) {
    const k = kinds.find((k) => anyMatch(k.predicateTypes, p));
    if (k && !out.includes(k.id)) out.push(k.id);
  }
  if (out.length > 0) return out;
  const type = facts.artifactType || facts.configMediaType;
  const byType = kinds.find((k) => anyMatch(k.artifactTypes, type));
  if (byType) return [byType.id];
  const keys = Object.keys(facts.annotations ?? {});
  const byKey = kinds.find((k) => keys.some((key) => anyMatch(k.annotationKeys, key)));
  return byKey ? [byKey.id] : [];
}

const ID = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * User kinds from JSON, as a kinds file holds them (`{"kinds": [...]}`) or an extension setting (the array
 * alone). Throws INVALID_ARGUMENT naming `source` and the JSON path of what is wrong.
 */
export function parseKindDefinitions(value: unknown, source: string): KindDefinition[] {
  const fail = (path: string, msg: string): never => {
    throw new OciError('INVALID_ARGUMENT', `${source}: ${path}: ${msg}`);
  };
  let list: unknown = value;
  let base = '$';
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const extra = Object.keys(value).filter((k) => k !== 'kinds');
    if (extra.length > 0) fail(`$.${extra[0]}`, 'unknown field (expected only "kinds")');
    list = (value as { kinds?: unknown }).kinds;
    base = '$.kinds';
  }
  if (!Array.isArray(list)) return fail(base, 'expected an array of kinds');
  const ids = new Set<string>();
  return list.map((raw, i) => {
    const path = `${base}[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(path, 'expected an object');
    const k = raw as Record<string, unknown>;
    for (const key of Object.keys(k)) {
      if (!['id', 'title', 'artifactTypes', 'predicateTypes', 'annotationKeys'].includes(key)) fail(`${path}.${key}`, 'unknown field');
    }
    if (typeof k.id !== 'string' || !ID.test(k.id)) fail(`${path}.id`, 'expected a lower-case word (a-z, 0-9, ".", "_", "-")');
    const id = k.id as string;
    if (id === OTHER_KIND) fail(`${path}.id`, '"other" is what matches no kind; choose another id');
    if (ids.has(id)) fail(`${path}.id`, `"${id}" is defined twice`);
    ids.add(id);
    const def: KindDefinition = { id };
    if (k.title !== undefined) {
      if (typeof k.title !== 'string' || k.title.trim() === '') fail(`${path}.title`, 'expected a non-empty string');
      def.title = k.title as string;
    }
    for (const field of ['artifactTypes', 'predicateTypes', 'annotationKeys'] as const) {
      const v = k[field];
      if (v === undefined) continue;
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) fail(`${path}.${field}`, 'expected an array of non-empty strings');
      def[field] = v as string[];
    }
    if (!def.artifactTypes && !def.predicateTypes && !def.annotationKeys && !BUILTIN_KINDS.some((b) => b.id === id)) {
      fail(path, 'a new kind needs artifactTypes, predicateTypes or annotationKeys');
    }
    return def;
  });
}
