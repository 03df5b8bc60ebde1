import { digestOf } from '../digest';
import type { Descriptor, ImageIndex } from '../descriptor';
import { encodeIndex } from '../encoding/goJson';
import { checkManifestSize } from '../manifestLimit';
import { OciError } from '../errors';
import { MediaType, isValidMediaType } from '../mediaType';
import { inIndexBatch, type OpOptions, type Target } from '../target';
import type { IndexEventHandler } from './events';
import { fetchChildren } from './fetchChildren';
import { storeIndex } from './storeIndex';

export interface CreateIndexOptions extends OpOptions {
  /** Tags or digests of manifests (or indexes) in the same target. */
  sources: readonly string[];
  artifactType?: string;
  annotations?: Record<string, string>;
  /** Tags for the new index; none pushes it untagged. */
  tags?: readonly string[];
  /** False computes the document without storing it (`--output`). */
  push?: boolean;
  onEvent?: IndexEventHandler;
}

export interface IndexResult {
  desc: Descriptor;
  /** The document's exact bytes (the digest is over these). */
  raw: Buffer;
  index: ImageIndex;
}

export function checkArtifactType(artifactType: string | undefined): void {
  if (artifactType !== undefined && artifactType !== '' && !isValidMediaType(artifactType)) {
    throw new OciError('INVALID_ARGUMENT', `${artifactType}: invalid media type`);
  }
}

/** `manifest index create`: an index of the sources with their platforms, stored and tagged as oras does. */
export async function createIndex(target: Target, options: CreateIndexOptions): Promise<IndexResult> {
  checkArtifactType(options.artifactType);
  // One batch for the whole command: the sources are resolved against one reading of a layout's index.json,
  // and the index is stored and tagged in one write of it.
  return inIndexBatch(target, (batched) => createIn(target, { ...options, ...batched }), options);
}

async function createIn(target: Target, options: CreateIndexOptions): Promise<IndexResult> {
  const emit = options.onEvent ?? (() => {});
  const manifests = await fetchChildren(target, options.sources, options, emit);
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests };
  if (options.artifactType) index.artifactType = options.artifactType;
  if (options.annotations && Object.keys(options.annotations).length > 0) index.annotations = options.annotations;
  const raw = encodeIndex(index);
  checkManifestSize('image index', raw.length);
  const desc: Descriptor = { mediaType: MediaType.ImageIndex, digest: digestOf(raw), size: raw.length };
  emit({ type: 'packed', desc });
  if (options.push !== false) await storeIndex(target, desc, raw, options.tags ?? [], emit, options);
  return { desc, raw, index };
}
