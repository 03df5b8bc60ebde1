// A check reads most manifests and configs twice: once checking the document that lists them (its platform comes
// from the config), then again walking into them. On a registry each read is a request; the last few are kept.
import type { Descriptor } from '../descriptor';
import { withFetchBytes, type OpOptions, type ReadOnlyTarget } from '../target';

// Manifests and configs are small; a small layer read whole is not kept (at most 128 x 128 KiB held).
const MAX_KEPT_SIZE = 128 << 10;

/** `target` with the verified bytes of its last `keep` small fetchBytes kept by digest (a failed read is not kept). */
export function withRecentBytes(target: ReadOnlyTarget, keep = 128): ReadOnlyTarget {
  const recent = new Map<string, Promise<Buffer>>();
  const fetchBytes = (desc: Descriptor, options?: OpOptions): Promise<Buffer> => {
    if (desc.size > MAX_KEPT_SIZE) return target.fetchBytes(desc, options);
    const kept = recent.get(desc.digest);
    if (kept) {
      // Used again: it moves to the newest end of the map's order.
      recent.delete(desc.digest);
      recent.set(desc.digest, kept);
      return kept;
    }
    const read = target.fetchBytes(desc, options);
    recent.set(desc.digest, read);
    read.catch(() => {
      if (recent.get(desc.digest) === read) recent.delete(desc.digest);
    });
    while (recent.size > keep) recent.delete(recent.keys().next().value!);
    return read;
  };
  return withFetchBytes(target, fetchBytes);
}
