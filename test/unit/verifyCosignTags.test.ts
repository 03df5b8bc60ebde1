// verify --recursive finds each manifest's `.sig` tag through one CosignTagLookup: a 20-platform index costs the
// first few look-ups by name and then one listing of the tags, not a look-up per platform. Counted on a layout
// wrapped to count what it is asked; the results are the same as each manifest verified alone.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import type { Descriptor } from '../../src/oci/descriptor';
import { COSIGN_NAMES_BEFORE_LISTING, cosignTag, parseCosignTag } from '../../src/oci/referrers';
import { loadPublicKey, signKey, signManifest, verifySignatures, verifyImage } from '../../src/oci/signatures';
import type { ReadOnlyTarget } from '../../src/oci/target';
import { cleanupTemps, makeImage, makeIndex, newLayout } from './builders';

after(cleanupTemps);

/** `target` with the cosign tags it is asked to resolve, and its tag listings, counted. */
function counted(target: ReadOnlyTarget): { target: ReadOnlyTarget; cosignResolves: string[]; listings: number } {
  const out = { target, cosignResolves: [] as string[], listings: 0 };
  out.target = new Proxy(target, {
    get(t, key) {
      if (key === 'resolve') return (ref: string, o?: unknown) => (parseCosignTag(ref) && out.cosignResolves.push(ref), t.resolve(ref, o as never));
      if (key === 'tags') return (o?: unknown) => (out.listings++, t.tags(o as never));
      const v = Reflect.get(t, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return out;
}

describe('verify --recursive: cosign tags through one lookup', () => {
  const PLATFORMS = 20;

  it('looks up the first few .sig tags by name, then lists the tags once; the results are those of each alone', async () => {
    const store = await newLayout();
    const children: Descriptor[] = [];
    for (let i = 0; i < PLATFORMS; i++) children.push(await makeImage(store, { arch: `arch${i}` }));
    const index = await makeIndex(store, children);
    await store.tag(index, 'v1');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const key = loadPublicKey('k.pub', publicKey.export({ type: 'spki', format: 'pem' }));
    // Every third platform signed.
    const signedOnes = children.filter((_, i) => i % 3 === 0);
    for (const c of signedOnes) await signManifest(store, c, signKey('k', privateKey), 'r.example/app:v1');

    const c = counted(store);
    const report = await verifyImage(c.target, 'v1', [key], { recursive: true });
    assert.equal(report.manifests.length, PLATFORMS + 1);
    assert.deepEqual(
      report.manifests.filter((m) => m.valid).map((m) => m.subject.digest),
      signedOnes.map((d) => d.digest),
    );
    assert.equal(c.listings, 1);
    // By name for the first few manifests (one `.sig` each), then only the tags the listing has (not one look-up per manifest).
    const byName = c.cosignResolves.slice(0, COSIGN_NAMES_BEFORE_LISTING);
    const listedAfter = signedOnes.filter((d) => !byName.includes(cosignTag(d.digest, 'sig')));
    assert.deepEqual(c.cosignResolves.slice(COSIGN_NAMES_BEFORE_LISTING).sort(), listedAfter.map((d) => cosignTag(d.digest, 'sig')).sort());
    for (const m of report.manifests) assert.deepEqual(m.signatures, (await verifySignatures(store, m.subject, [key])).signatures, m.label);
  });
});
