import type { Descriptor } from '../descriptor';
import { isManifestMediaType } from '../mediaType';
import { referrerArtifactType, type ManifestFacts } from './manifest';

/** A manifest that names a subject: as the walk first met it (its index.json entry or a parent's descriptor), and its facts. */
export interface SubjectReferrer {
  pointer: Descriptor;
  facts: ManifestFacts;
}

/**
 * Everything reachable from index.json, walked once: the referrers of each subject, in the order a
 * walk for that subject alone would find them. Looking up a subject is then a map lookup, where
 * walking per subject made `discover --recursive` read the whole graph hundreds of times.
 */
export interface SubjectIndex {
  bySubject: Map<string, SubjectReferrer[]>;
  /**
   * Manifests the walk met but could not read for now (missing, or failing verification), with what
   * the file looked like then: if one appears or changes, what is reachable may have changed too.
   */
  unread: Map<string, string | undefined>;
}

export interface WalkReader {
  /** Parsed facts of a stored manifest, or undefined if it is absent, corrupt or not a manifest. */
  facts(desc: Descriptor): Promise<ManifestFacts | undefined>;
  /** Whether a failed `facts` may succeed later (the blob is missing or corrupt, not merely something else). */
  mayAppear(digest: string): boolean;
  /** What identifies the blob file now (undefined when absent), to notice it being written later. */
  blobKey(digest: string): string | undefined;
}

/** Breadth first from the index.json entries that are manifests, each digest once: safe on shared children and cycles. */
export async function buildSubjectIndex(roots: readonly Descriptor[], reader: WalkReader, signal?: AbortSignal): Promise<SubjectIndex> {
  const bySubject = new Map<string, SubjectReferrer[]>();
  const unread = new Map<string, string | undefined>();
  const visited = new Set<string>();
  const queue = roots.filter((d) => isManifestMediaType(d.mediaType));
  for (let next = 0; next < queue.length; next++) {
    signal?.throwIfAborted();
    const node = queue[next]!;
    if (visited.has(node.digest)) continue;
    visited.add(node.digest);
    const facts = await reader.facts(node);
    if (!facts) {
      // Other tools leave dangling children; one may be pushed later.
      if (reader.mayAppear(node.digest)) unread.set(node.digest, reader.blobKey(node.digest));
      continue;
    }
    const subject = facts.subject?.digest;
    if (typeof subject === 'string') {
      let list = bySubject.get(subject);
      if (!list) bySubject.set(subject, (list = []));
      list.push({ pointer: node, facts });
    }
    for (const child of facts.children) if (isManifestMediaType(child.mediaType)) queue.push(child);
  }
  return { bySubject, unread };
}

/** Whether every manifest the walk could not read is still as it was. */
export function stillUnread(index: SubjectIndex, reader: Pick<WalkReader, 'blobKey'>): boolean {
  for (const [digest, key] of index.unread) if (reader.blobKey(digest) !== key) return false;
  return true;
}

/** A referrer as the referrers API lists it: media type, digest, size, artifact type and annotations (of the manifest when it could be read). */
export function referrerDescriptor(pointer: Descriptor, facts: ManifestFacts | undefined): Descriptor {
  const artifactType = facts ? referrerArtifactType(facts) : pointer.artifactType;
  const out: Descriptor = { mediaType: facts?.mediaType ?? pointer.mediaType, digest: pointer.digest, size: pointer.size };
  const annotations = facts ? facts.annotations : pointer.annotations;
  if (annotations && Object.keys(annotations).length > 0) out.annotations = { ...annotations };
  if (artifactType) out.artifactType = artifactType;
  return out;
}
