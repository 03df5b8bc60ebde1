// What a whole-layout check says of the blobs nothing in index.json reaches: prune's garbage, each one small enough
// to be a manifest looked at (a referrer another tool attached, or one an index.json restored from an old copy lost).
import { join, resolve as resolvePath } from 'node:path';
import { digestOf, isDigest, parseDigest } from '../digest';
import { MAX_MANIFEST_BYTES } from '../manifestLimit';
import type { Garbage, UnreachableBlob } from '../target';
import { manifestFacts } from './manifest';
import { DEFAULT_GRACE_MS, unreachableBlobs, type FoundUnreachable, type KnownReferences } from './prune';
import { readRegularSync, regularFileStats } from './regularFile';
import { blobPath } from './verify';

/**
 * The blobs of the layout folder `dir` nothing in index.json reaches (prune's reachability; those prune keeps for
 * now marked `young`), each of at most the manifest limit read (as the layout's reads are: a regular file, links
 * only inside the layout) and hashed; larger ones (layers) are only counted. Where prune could not tell what is
 * garbage (a damaged entry, an unreadable manifest, a shared blobs folder), why, as prune says it. `known`: the
 * references of the manifests the store read already (a check's walk read them all), not read again. Reads only.
 */
export async function lookAtUnreachable(dir: string, known?: KnownReferences): Promise<Garbage> {
  const root = resolvePath(dir);
  let blobs: FoundUnreachable[];
  try {
    blobs = await unreachableBlobs(root, { graceMs: DEFAULT_GRACE_MS, known });
  } catch (err) {
    return { refused: (err as Error).message };
  }
  // Young blobs are hashed too, and a mismatch is damage, not a write in progress: our writers (ingestBytes,
  // ingestStream, stageIntoLayout), as containers/image's (skopeo, podman), write a temp file and rename it under
  // its digest only once whole and synced, so no blob name ever holds part of one.
  return { blobs: blobs.map((b) => (b.size <= MAX_MANIFEST_BYTES ? look(root, b) : b)), graceMs: DEFAULT_GRACE_MS };
}

function look(dir: string, blob: FoundUnreachable): UnreachableBlob {
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
  // Read as the store reads what it walks (manifestFacts): what it would list as a referrer, check calls one.
  const facts = manifestFacts(bytes);
  if (facts) {
    const subject = isDigest(facts.subject?.digest) ? facts.subject : undefined;
    out.manifest = { index: facts.kind === 'index', mediaType: facts.mediaType, artifactType: facts.artifactType, subject, subjectStored: subject !== undefined && stored(dir, subject.digest) };
  }
  return out;
}

function stored(dir: string, digest: string): boolean {
  try {
    return regularFileStats(dir, join(dir, blobPath(digest))) !== undefined;
  } catch {
    return false;
  }
}
