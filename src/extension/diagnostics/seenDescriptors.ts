import type { Descriptor } from '../../oci/descriptor';
import { withFetchBytes, type OpOptions, type ReadOnlyTarget } from '../../oci/target';

/**
 * `target`, noting the descriptor of every manifest and config read (or asked for) through it: a check's problems name a
 * document by its digest only, and the read-only document that shows it needs its media type and size too.
 */
export function seenDescriptors(target: ReadOnlyTarget): { target: ReadOnlyTarget; seen: Map<string, Descriptor> } {
  const seen = new Map<string, Descriptor>();
  // Noted before the read: a document that cannot be read is shown raw, and its read needs the size asked for.
  const wrapped = withFetchBytes(target, (desc: Descriptor, options?: OpOptions) => {
    if (!seen.has(desc.digest)) seen.set(desc.digest, { mediaType: desc.mediaType, digest: desc.digest, size: desc.size });
    return target.fetchBytes(desc, options);
  });
  return { target: wrapped, seen };
}
