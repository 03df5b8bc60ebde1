// CosignTagLookup: what cosign's tags name for many manifests, found by name for the first few and then from one
// listing of the tags (cp -r asks for every manifest it carries: three requests each by name). Counted on a layout
// wrapped to count what it is asked; the answers are the same either way.
import { strict as assert } from 'node:assert';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciError } from '../../src/oci/errors';
import { COSIGN_NAMES_BEFORE_LISTING, cosignTag, CosignTagLookup } from '../../src/oci/referrers';
import type { ReadOnlyTarget } from '../../src/oci/target';
import { cleanupTemps, makeImage, newLayout } from './builders';

after(cleanupTemps);

/** `target` with its resolve and tags calls counted; `refuseListing`: tags() fails as a registry denying the list would. */
function counted(target: ReadOnlyTarget, refuseListing = false): { target: ReadOnlyTarget; resolves: string[]; listings: number } {
  const out = { target, resolves: [] as string[], listings: 0 };
  out.target = new Proxy(target, {
    get(t, key) {
      if (key === 'resolve') return (ref: string, o?: unknown) => (out.resolves.push(ref), t.resolve(ref, o as never));
      if (key === 'tags') {
        return (o?: unknown) => {
          out.listings++;
          if (refuseListing) throw new OciError('UNAUTHORIZED', 'tags of r.example/app: 403 denied');
          return t.tags(o as never);
        };
      }
      const v = Reflect.get(t, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return out;
}

describe('CosignTagLookup', () => {
  let images: Descriptor[];
  let store: Awaited<ReturnType<typeof newLayout>>;
  const COUNT = 10;

  before(async () => {
    store = await newLayout();
    images = [];
    for (let i = 0; i < COUNT; i++) images.push(await makeImage(store, { arch: `arch${i}` }));
    // Every other image signed (a .sig tag naming some manifest), the third of them with an SBOM tag too.
    for (let i = 0; i < COUNT; i += 2) await store.tag(images[(i + 1) % COUNT]!, cosignTag(images[i]!.digest, 'sig'));
    await store.tag(images[1]!, cosignTag(images[4]!.digest, 'sbom'));
  });

  const expected = (i: number) => [...(i % 2 === 0 ? [cosignTag(images[i]!.digest, 'sig')] : []), ...(i === 4 ? [cosignTag(images[4]!.digest, 'sbom')] : [])].sort();

  it('resolves the first few by name, then lists the tags once and resolves only those there', async () => {
    const c = counted(store);
    const lookup = new CosignTagLookup(c.target);
    for (let i = 0; i < COUNT; i++) assert.deepEqual((await lookup.find(images[i]!.digest)).map((t) => t.tag).sort(), expected(i), `image ${i}`);
    assert.equal(c.listings, 1);
    // Three names for each of the first few; after the listing, only the tags that are there.
    const afterListing = [...Array(COUNT).keys()].slice(COSIGN_NAMES_BEFORE_LISTING).reduce((n, i) => n + expected(i).length, 0);
    assert.equal(c.resolves.length, COSIGN_NAMES_BEFORE_LISTING * 3 + afterListing);
    // Asked again (backup checks its cosign tags before its passes, which look again): the first answers, no request.
    for (let i = 0; i < COUNT; i++) assert.deepEqual((await lookup.find(images[i]!.digest)).map((t) => t.tag).sort(), expected(i), `image ${i} again`);
    assert.equal(c.resolves.length, COSIGN_NAMES_BEFORE_LISTING * 3 + afterListing);
    assert.equal(c.listings, 1);
  });

  it('a listing refused goes back to names, with the same answers', async () => {
    const c = counted(store, true);
    const lookup = new CosignTagLookup(c.target);
    for (let i = 0; i < COUNT; i++) assert.deepEqual((await lookup.find(images[i]!.digest)).map((t) => t.tag).sort(), expected(i), `image ${i}`);
    assert.equal(c.listings, 1);
    assert.equal(c.resolves.length, COUNT * 3);
  });
});
