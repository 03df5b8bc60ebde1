// What a stored document references, as prune follows it: one reading for prune's own walk and for the facts the
// store keeps of each manifest it read, so a check's count of garbage walks what the check already read.
import type { Descriptor } from '../descriptor';
import { isDigest } from '../digest';

export interface References {
  /** An index's `manifests`: manifests themselves, read in turn. */
  manifests: Descriptor[];
  /** Config, layers (and an artifact manifest's `blobs`): content, not read. */
  blobs: Descriptor[];
  subject?: Descriptor;
}

/**
 * The references of a JSON object, whatever its mediaType says (keeping too much is safe): each field a manifest or
 * index may reference through, its descriptors with a usable digest. Not checked against the digest either: an
 * altered document's references are still followed.
 */
export function referencesOf(doc: Record<string, unknown>): References {
  const descriptors = (v: unknown): Descriptor[] =>
    (Array.isArray(v) ? v : [v]).filter((d): d is Descriptor => typeof d === 'object' && d !== null && isDigest((d as Descriptor).digest));
  const refs: References = { manifests: descriptors(doc.manifests), blobs: [...descriptors(doc.config), ...descriptors(doc.layers), ...descriptors(doc.blobs)] };
  const subject = doc.subject as Descriptor | undefined;
  if (typeof subject === 'object' && subject !== null && isDigest(subject.digest)) refs.subject = subject;
  return refs;
}
