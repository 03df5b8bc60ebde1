import type { Descriptor } from '../descriptor';

/**
 * The entries buildx (BuildKit) adds to an index beside the platforms: attestation manifests (platform
 * unknown/unknown) naming the image they describe. Coverage, attach --recursive, index diff and update, check and
 * platform subsets all tell them apart with these, so each agrees on what is a platform.
 */

/** Annotations buildx (BuildKit) puts on an index entry that is an attestation of a sibling, not a platform. */
export const DOCKER_REFERENCE_TYPE = 'vnd.docker.reference.type';
export const DOCKER_REFERENCE_DIGEST = 'vnd.docker.reference.digest';
export const DOCKER_ATTESTATION_MANIFEST = 'attestation-manifest';

/** The digest of the image an index entry is buildx's attestation manifest for, or undefined for any other entry. */
export function attestedDigest(entry: Descriptor): string | undefined {
  if (entry.annotations?.[DOCKER_REFERENCE_TYPE] !== DOCKER_ATTESTATION_MANIFEST) return undefined;
  const digest: unknown = entry.annotations[DOCKER_REFERENCE_DIGEST];
  return typeof digest === 'string' ? digest : undefined; // another tool's index may hold anything there
}

/** Whether an index entry is a buildx attestation (or other docker reference) of a sibling, not a platform. */
export function isDockerReferenceEntry(desc: Descriptor): boolean {
  const a = desc.annotations;
  return !!a && typeof a[DOCKER_REFERENCE_TYPE] === 'string' && typeof a[DOCKER_REFERENCE_DIGEST] === 'string';
}

/**
 * An index's entries told apart: the manifests below it (platforms, nested indexes), each with its 1-based position
 * among all entries, and the buildx attestation (docker reference) entries by the digest they describe.
 */
export function splitIndexChildren(children: readonly Descriptor[]): { platforms: Array<{ desc: Descriptor; position: number }>; references: Map<string, Descriptor[]> } {
  const platforms: Array<{ desc: Descriptor; position: number }> = [];
  const references = new Map<string, Descriptor[]>();
  children.forEach((child, i) => {
    if (isDockerReferenceEntry(child)) {
      const of = child.annotations![DOCKER_REFERENCE_DIGEST]!;
      references.set(of, [...(references.get(of) ?? []), child]);
    } else platforms.push({ desc: child, position: i + 1 });
  });
  return { platforms, references };
}
