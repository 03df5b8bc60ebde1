import { digestOf, isDigest } from '../digest';
import { shortDigest } from '../reference';
import type { Descriptor, ImageIndex } from '../descriptor';
import { encodeIndex } from '../encoding/goJson';
import { checkManifestSize } from '../manifestLimit';
import { OciError } from '../errors';
import { MediaType } from '../mediaType';
import { formatPlatform } from '../platform';
import { platformPatternMatches, requirePlatformMatches, type PlatformPattern } from '../platformPattern';
import { inIndexBatch, type OpOptions, type Target } from '../target';
import type { AnnotationChanges } from './annotations';
import { attestedDigest } from '../referrers/dockerReferences';
import { fetchManifest } from '../graph/childDescriptor';
import { checkArtifactType, type IndexResult } from './createIndex';
import type { IndexEventHandler } from './events';
import { fetchChildren } from './fetchChildren';
import { storeIndex } from './storeIndex';

export interface UpdateIndexOptions extends OpOptions {
  /** The index to update: a tag (which then moves to the new index) or a digest. */
  index: string;
  /** Digests of children to remove; each must be in the index. */
  remove?: readonly string[];
  /**
   * With `remove`, also the attestation entries buildx lists for a removed child (the extension asks for this;
   * oras's --remove, and so the CLI's, removes exactly the digests given). --remove-platform always does.
   */
  removeAttestations?: boolean;
  /**
   * Platforms whose manifests to remove (every child of each, wildcards allowed), with the attestation
   * manifests buildx lists for them; each must match a child. Applied after `remove`.
   */
  removePlatforms?: readonly PlatformPattern[];
  /** Manifests (tags or digests) to add. */
  add?: readonly string[];
  /** Indexes whose children are appended. */
  merge?: readonly string[];
  /**
   * Leave out merged children whose digest the index already lists (the extension asks; oras, and so the CLI,
   * appends them all).
   */
  mergeSkipsListed?: boolean;
  /** Annotations of the index to set and to remove. */
  annotations?: AnnotationChanges;
  /** A new artifact type; '' removes it; undefined keeps it. */
  artifactType?: string;
  /** Further tags for the updated index. */
  tags?: readonly string[];
  /** False computes the document without storing it (`--output`). */
  push?: boolean;
  onEvent?: IndexEventHandler;
}

export interface UpdateIndexResult extends IndexResult {
  /** False when nothing was requested: nothing was fetched or stored. */
  changed: boolean;
}

export function hasRequestedChanges(o: UpdateIndexOptions): boolean {
  const a = o.annotations;
  return Boolean(o.remove?.length || o.removePlatforms?.length || o.add?.length || o.merge?.length || o.artifactType !== undefined || o.tags?.length || (a && (Object.keys(a.set).length || a.remove.length)));
}

/**
 * `manifest index update`: remove, then add, then merge (oras's order), then annotate; the result is a new
 * index document (the old one stays, reachable by digest) and the tag given moves to it.
 */
export async function updateIndex(target: Target, options: UpdateIndexOptions): Promise<UpdateIndexResult | { changed: false }> {
  for (const d of options.remove ?? []) {
    if (!isDigest(d)) throw new OciError('INVALID_ARGUMENT', `remove: ${d} is not a digest`);
  }
  checkArtifactType(options.artifactType);
  if (!hasRequestedChanges(options)) return { changed: false };
  // As create does: the index and the sources added to it are resolved against one reading of index.json.
  return inIndexBatch(target, (batched) => updateIn(target, { ...options, ...batched }), options);
}

async function updateIn(target: Target, options: UpdateIndexOptions): Promise<UpdateIndexResult> {
  const emit = options.onEvent ?? (() => {});

  emit({ type: 'fetching', ref: options.index });
  const fetched = await fetchManifest(target, options.index, 'index', options);
  emit({ type: 'fetched', ref: options.index, desc: fetched.desc });
  const original = fetched.json as ImageIndex;
  if (!Array.isArray(original.manifests)) {
    throw new OciError('INVALID_MANIFEST', `${options.index} (${fetched.desc.digest}): manifests: expected an array`);
  }

  const onlyRetag = !options.remove?.length && !options.removePlatforms?.length && !options.add?.length && !options.merge?.length && options.artifactType === undefined && !hasAnnotationChanges(options.annotations);
  const tags = [...(isDigest(options.index) ? [] : [options.index]), ...(options.tags ?? [])];
  if (onlyRetag) {
    // Retagging keeps the document byte for byte: re-encoding could change the digest of an index written by another tool.
    const result = { desc: fetched.desc, raw: fetched.raw, index: original, changed: true };
    if (options.push !== false) {
      for (const tag of options.tags ?? []) {
        await target.tag(fetched.desc, tag, options);
        emit({ type: 'tagged', tag, desc: fetched.desc });
      }
    }
    return result;
  }

  let manifests = removeChildren(original.manifests, options.remove ?? [], options.index, emit, options.removeAttestations === true);
  manifests = removePlatformChildren(manifests, options.removePlatforms ?? [], options.index, emit);
  manifests = [...manifests, ...(await fetchChildren(target, options.add ?? [], options, emit, { added: true }))];
  for (const source of options.merge ?? []) {
    emit({ type: 'fetching', ref: source });
    const other = await fetchManifest(target, source, 'index', options);
    emit({ type: 'fetched', ref: source, desc: other.desc });
    const children = (other.json as ImageIndex).manifests;
    if (!Array.isArray(children)) throw new OciError('INVALID_MANIFEST', `${source} (${other.desc.digest}): manifests: expected an array`);
    if (!options.mergeSkipsListed) manifests = [...manifests, ...children];
    else for (const c of children) if (!manifests.some((m) => m.digest === c.digest)) manifests = [...manifests, c];
    emit({ type: 'merged', ref: source, desc: other.desc });
  }

  const index: ImageIndex = { ...original, manifests };
  if (options.artifactType !== undefined) {
    if (options.artifactType === '') delete index.artifactType;
    else index.artifactType = options.artifactType;
  }
  index.annotations = applyAnnotationChanges(original.annotations, options.annotations);
  if (!index.annotations) delete index.annotations;

  const raw = encodeIndex(index);
  checkManifestSize('image index', raw.length);
  const desc: Descriptor = { mediaType: index.mediaType ?? fetched.desc.mediaType ?? MediaType.ImageIndex, digest: digestOf(raw), size: raw.length };
  emit({ type: 'packed', desc });
  if (options.push !== false) await storeIndex(target, desc, raw, tags, emit, options);
  return { desc, raw, index, changed: true };
}

function hasAnnotationChanges(a: AnnotationChanges | undefined): boolean {
  return Boolean(a && (Object.keys(a.set).length || a.remove.length));
}

function removeChildren(manifests: Descriptor[], remove: readonly string[], indexRef: string, emit: IndexEventHandler, withAttestations: boolean): Descriptor[] {
  if (remove.length === 0) return manifests;
  const wanted = new Set(remove);
  const found = new Set(manifests.filter((m) => wanted.has(m.digest)).map((m) => m.digest));
  for (const digest of wanted) if (!found.has(digest)) throw new OciError('NOT_FOUND', `${digest} does not exist in the index ${indexRef}`);
  for (const digest of wanted) emit({ type: 'removed', digest });
  const kept = manifests.filter((m) => !wanted.has(m.digest));
  if (!withAttestations) return kept;
  const platforms = new Map(manifests.filter((m) => wanted.has(m.digest)).map((m) => [m.digest, m.platform ? formatPlatform(m.platform) : shortDigest(m.digest)]));
  return dropAttestations(kept, platforms, emit);
}

function applyAnnotationChanges(current: Record<string, string> | undefined, changes: AnnotationChanges | undefined): Record<string, string> | undefined {
  if (!changes) return current;
  const next: Record<string, string> = { ...(current ?? {}) };
  for (const key of changes.remove) {
    if (!(key in next)) throw new OciError('NOT_FOUND', `annotation ${key} is not set on the index, so it cannot be removed`);
    delete next[key];
  }
  Object.assign(next, changes.set);
  return Object.keys(next).length > 0 ? next : undefined;
}

/**
 * Without the children of the platforms given (every match of each, as a platform may be listed twice), and
 * without the attestation entries that name a removed child: left behind, they would describe an image the
 * index no longer has. A pattern that matches no child is an error naming the platforms there are.
 */
function removePlatformChildren(manifests: Descriptor[], patterns: readonly PlatformPattern[], indexRef: string, emit: IndexEventHandler): Descriptor[] {
  if (patterns.length === 0) return manifests;
  requirePlatformMatches(manifests, patterns, indexRef);
  // Each removed child's digest, with its platform for the messages.
  const removed = new Map(manifests.filter((m) => patterns.some((p) => platformPatternMatches(p, m.platform))).map((m) => [m.digest, formatPlatform(m.platform!)]));
  const kept: Descriptor[] = [];
  for (const m of manifests) {
    const platform = removed.get(m.digest);
    if (platform !== undefined) emit({ type: 'removed', digest: m.digest, what: platform });
    else kept.push(m);
  }
  return dropAttestations(kept, removed, emit);
}

/** `manifests` without the attestation entries that name a removed child (`removed`: digest to its platform). */
function dropAttestations(manifests: Descriptor[], removed: ReadonlyMap<string, string>, emit: IndexEventHandler): Descriptor[] {
  return manifests.filter((m) => {
    const of = removed.get(attestedDigest(m) ?? '');
    if (of === undefined) return true;
    emit({ type: 'removed', digest: m.digest, what: `attestation of ${of}` });
    return false;
  });
}
