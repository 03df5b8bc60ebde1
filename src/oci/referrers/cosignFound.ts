import { bareDescriptor, type Descriptor } from '../descriptor';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { type CosignTagLookup, type CosignTagSuffix } from './cosignTags';

/** How a signature or attestation manifest was found for its subject. */
export type FoundVia = 'referrers' | 'cosign-tag';

/** A manifest found for a subject, once however it was found. */
export interface FoundArtifact {
  desc: Descriptor;
  via: FoundVia[];
  /** The cosign tag that names it. */
  tag?: string;
}

/**
 * What verify and verify-attestation check for `subject`: its referrers of `artifactTypes` (cosign's OCI 1.1 mode)
 * and the manifest its cosign tag `suffix` names, each once (found both ways: both named), ordered by digest so
 * results come in the same order from a layout and a registry. A failure to list is thrown.
 */
export async function findCosignArtifacts(
  target: ReadOnlyTarget,
  subject: Descriptor,
  find: { artifactTypes: readonly string[]; suffix: CosignTagSuffix; cosignTags: CosignTagLookup },
  op: OpOptions,
): Promise<FoundArtifact[]> {
  const found = new Map<string, FoundArtifact>();
  const add = (desc: Descriptor, via: FoundVia, tag?: string) => {
    const had = found.get(desc.digest);
    if (had) {
      if (!had.via.includes(via)) had.via.push(via);
      had.tag ??= tag;
    } else found.set(desc.digest, { desc, via: [via], ...(tag ? { tag } : {}) });
  };
  for await (const r of target.referrers(bareDescriptor(subject), op)) if (r.artifactType && find.artifactTypes.includes(r.artifactType)) add(r, 'referrers');
  for (const t of await find.cosignTags.find(subject.digest, [find.suffix])) add(t.desc, 'cosign-tag', t.tag);
  return [...found.values()].sort((a, b) => (a.desc.digest < b.desc.digest ? -1 : 1));
}
