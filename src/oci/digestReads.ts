import { stream } from './nodeStream';
import type { Descriptor } from './descriptor';
import { readCapped } from './readCapped';
import { withMembers, type ReadOnlyTarget } from './target';

/** The largest blob kept: a signature's payload is a few hundred bytes (verify reads none over 1 MiB). */
const KEPT_BLOB_BYTES = 1 << 20;

/**
 * Bytes read by digest, kept for as long as whoever holds this: what a digest names never changes, so a page that
 * reads an image again (the coverage page verifies its signatures on every refresh) reads each manifest and small
 * blob once. What changes is still asked each time (resolves, referrer listings, tags); a read that fails is not kept.
 */
export class DigestReads {
  private readonly kept = new Map<string, Promise<Buffer>>();

  /** `target` reading through this: fetchBytes, and fetch of a blob up to 1 MiB, kept by digest. */
  over<T extends ReadOnlyTarget>(target: T): T {
    const fetchBytes: ReadOnlyTarget['fetchBytes'] = (desc, options) => this.keep(desc, () => target.fetchBytes(desc, options));
    const fetch: ReadOnlyTarget['fetch'] = async (desc, options) => {
      if (desc.size > KEPT_BLOB_BYTES) return target.fetch(desc, options);
      const bytes = await this.keep(desc, async () => readCapped(await target.fetch(desc, options), KEPT_BLOB_BYTES, (n) => new Error(`${desc.digest}: over ${n} bytes`)));
      return stream().Readable.from([bytes], { objectMode: false });
    };
    return withMembers(target, { fetchBytes, fetch });
  }

  private keep(desc: Descriptor, read: () => Promise<Buffer>): Promise<Buffer> {
    let p = this.kept.get(desc.digest);
    if (!p) {
      p = read();
      this.kept.set(desc.digest, p);
      const kept = p;
      p.catch(() => (this.kept.get(desc.digest) === kept ? this.kept.delete(desc.digest) : undefined));
    }
    return p;
  }
}
