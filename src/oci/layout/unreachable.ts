// What a whole-layout check says of the blobs nothing in index.json reaches: prune's garbage, each one small enough
// to be a manifest looked at (a referrer another tool attached, or one an index.json restored from an old copy lost).
import { join, resolve as resolvePath } from 'node:path';
import { type Descriptor } from '../descriptor';
import { digestOf, isDigest, parseDigest } from '../digest';
import { MAX_MANIFEST_BYTES } from '../manifestLimit';
import { isImageIndex } from '../mediaType';
import type { UnreachableBlob } from '../target';
import { unreachableBlobs } from './prune';
import { readRegularSync, regularFileStats } from './regularFile';
import { blobPath } from './verify';

/**
 * The blobs of the layout folder `dir` nothing in index.json reaches (prune's reachability, whatever their age),
 * each of at most the manifest limit read (as the layout's reads are: a regular file, links only inside the layout)
 * and hashed; larger ones (layers) are only counted. Undefined where prune could not tell what is garbage (a damaged
 * entry, an unreadable manifest, a shared blobs folder: the check names those itself). Reads only.
 */
export async function lookAtUnreachable(dir: string): Promise<UnreachableBlob[] | undefined> {
  const root = resolvePath(dir);
  let blobs: Array<Pick<UnreachableBlob, 'digest' | 'path' | 'size'>>;
  try {
    blobs = await unreachableBlobs(root);
  } catch {
    return undefined;
  }
  return blobs.map((b) => (b.size <= MAX_MANIFEST_BYTES ? look(root, b) : b));
}

function look(dir: string, blob: Pick<UnreachableBlob, 'digest' | 'path' | 'size'>): UnreachableBlob {
  let bytes: Buffer | undefined;
  try {
    bytes = readRegularSync(dir, join(dir, blob.path));
  } catch (err) {
    return { ...blob, unreadable: (err as Error).message };
  }
  if (!bytes) return blob; // removed meanwhile (a prune): nothing to say of it but its size
  const out: UnreachableBlob = { ...blob, size: bytes.length };
  const actual = digestOf(bytes, parseDigest(blob.digest).algorithm);
  if (actual !== blob.digest) out.actual = actual;
  const manifest = manifestOf(bytes);
  if (manifest) {
    const subject = isDigest(manifest.subject?.digest) ? manifest.subject : undefined;
    out.manifest = { ...manifest, subject, subjectStored: subject !== undefined && stored(dir, subject.digest) };
  }
  return out;
}

/** What a manifest or index declares; undefined for bytes that are none (a config, a small layer, not JSON). */
function manifestOf(bytes: Buffer): { index: boolean; mediaType?: string; artifactType?: string; subject?: Descriptor } | undefined {
  if (bytes[0] !== 0x7b /* { */) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const o = doc as Record<string, unknown>;
  // A config is JSON too: a manifest has schemaVersion 2 and something it lists.
  const index = Array.isArray(o.manifests);
  if (o.schemaVersion !== 2 || !(index || Array.isArray(o.layers) || Array.isArray(o.blobs) || typeof o.config === 'object')) return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const subject = typeof o.subject === 'object' && o.subject !== null ? (o.subject as Descriptor) : undefined;
  const mediaType = text(o.mediaType);
  return { index: index || isImageIndex(mediaType), mediaType, artifactType: text(o.artifactType), subject };
}

function stored(dir: string, digest: string): boolean {
  try {
    return regularFileStats(dir, join(dir, blobPath(digest))) !== undefined;
  } catch {
    return false;
  }
}
