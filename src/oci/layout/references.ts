// What a stored document references, as prune follows it: one reading for prune's own walk and for the facts the
// store keeps of each manifest it read, so a check's count of garbage walks what the check already read. Digests
// only: the store keeps them for every manifest it read (a descriptor each would double what its facts hold).
import type { Descriptor } from '../descriptor';
import { isDigest } from '../digest';

export interface References {
  /** An index's `manifests`: manifests themselves, read in turn. */
  manifests: string[];
  /** Config, layers (and an artifact manifest's `blobs`): content, not read. */
  blobs: string[];
  subject?: string;
}

/**
 * The references of a JSON object, whatever its mediaType says (keeping too much is safe): each field a manifest or
 * index may reference through, its descriptors with a usable digest. Not checked against the digest either: an
 * altered document's references are still followed.
 */
export function referencesOf(doc: Record<string, unknown>): References {
  const digests = (v: unknown): string[] =>
    (Array.isArray(v) ? v : [v]).flatMap((d) => {
      const digest = typeof d === 'object' && d !== null ? (d as Partial<Descriptor>).digest : undefined;
      return isDigest(digest) ? [digest as string] : [];
    });
  const refs: References = { manifests: digests(doc.manifests), blobs: [...digests(doc.config), ...digests(doc.layers), ...digests(doc.blobs)] };
  const [subject] = Array.isArray(doc.subject) ? [] : digests(doc.subject);
  if (subject !== undefined) refs.subject = subject;
  return refs;
}
