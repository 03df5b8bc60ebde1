import type { Descriptor } from '../../oci/descriptor';
import { withFetchBytes, type OpOptions, type ReadOnlyTarget } from '../../oci/target';

/**
 * `target`, noting the descriptor of every manifest and config read through it: a check's problems name a
 * document by its digest only, and the read-only document that shows it needs its media type and size too.
 */
export function seenDescriptors(target: ReadOnlyTarget): { target: ReadOnlyTarget; seen: Map<string, Descriptor> } {
  const seen = new Map<string, Descriptor>();
  const wrapped = withFetchBytes(target, async (desc: Descriptor, options?: OpOptions) => {
    const bytes = await target.fetchBytes(desc, options);
    if (!seen.has(desc.digest)) seen.set(desc.digest, { mediaType: desc.mediaType, digest: desc.digest, size: desc.size });
    return bytes;
  });
  return { target: wrapped, seen };
}
