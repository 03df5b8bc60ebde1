import type { Descriptor } from './descriptor';
import { isOciError } from './errors';
import { withMembers, type OpOptions, type ReadOnlyTarget } from './target';

/**
 * `target` answering what may change (a reference's digest, a manifest's referrers, the tag list) once for one run:
 * `coverage --key` walks an image three times (its coverage, its signatures, its attestations), and each walk
 * would otherwise resolve the reference, list every manifest's referrers (on a registry without the referrers API,
 * read its fallback tag) and look up its cosign tags again: 51 manifests, some 200 requests more. DigestReads keeps
 * what a digest names for as long as a page is open; this is for one command, which takes the image as it was when
 * first asked. A reference not found is an answer too (cosign's `.sig` of a manifest with none, asked by two walks);
 * another failure is not kept (asked again, it is read again).
 */
export function oneRunReads<T extends ReadOnlyTarget>(target: T): T {
  const resolves = new Map<string, Promise<Descriptor>>();
  const listings = new Map<string, Promise<Descriptor[]>>();
  const tagLists = new Map<string, Promise<string[]>>();
  const resolve: ReadOnlyTarget['resolve'] = async (reference, options) => ({ ...(await kept(resolves, reference, () => target.resolve(reference, options))) });
  // Each walk gets descriptors of its own: what one does to its copy is not seen by another.
  async function* referrers(desc: Descriptor, options?: OpOptions & { artifactType?: string }): AsyncIterable<Descriptor> {
    const listed = await kept(listings, `${desc.digest} ${options?.artifactType ?? ''}`, () => gathered(target.referrers(desc, options)));
    for (const r of listed) yield { ...r };
  }
  async function* tags(options?: OpOptions): AsyncIterable<string> {
    yield* await kept(tagLists, '', () => gathered(target.tags(options)));
  }
  return withMembers(target, { resolve, referrers, tags });
}

async function gathered<V>(items: AsyncIterable<V>): Promise<V[]> {
  const out: V[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function kept<V>(map: Map<string, Promise<V>>, key: string, read: () => Promise<V>): Promise<V> {
  let p = map.get(key);
  if (!p) {
    p = read();
    map.set(key, p);
    const mine = p;
    p.catch((err: unknown) => (map.get(key) === mine && !isOciError(err, 'NOT_FOUND') ? map.delete(key) : undefined));
  }
  return p;
}
