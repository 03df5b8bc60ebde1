// DigestReads: what the coverage page reads by digest, kept for its life, so verifying an image's signatures again on
// a refresh reads no signature manifest or payload twice; verified again all the same (other keys, other answers), and
// a signature added meanwhile is found (the listings and tags are asked each time). Counted on a signed layout.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { DigestReads } from '../../src/oci/digestReads';
import { cosignTag } from '../../src/oci/referrers';
import { loadPublicKey, signKey, signManifest, verifyImage, type VerifyKey } from '../../src/oci/signatures';
import type { ReadOnlyTarget } from '../../src/oci/target';
import { cleanupTemps, makeMultiArchLayout } from './builders';

after(cleanupTemps);

/** `target` with its fetch and fetchBytes calls counted. */
function counted(target: ReadOnlyTarget): { target: ReadOnlyTarget; reads: string[] } {
  const out = { target, reads: [] as string[] };
  out.target = new Proxy(target, {
    get(t, key) {
      if (key === 'fetch' || key === 'fetchBytes') return (d: { digest: string }, o?: unknown) => (out.reads.push(d.digest), (t[key] as (...a: unknown[]) => unknown).call(t, d, o));
      const v = Reflect.get(t, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return out;
}

function keyPair(name: string): { sign: ReturnType<typeof signKey>; verify: VerifyKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) as { privateKey: KeyObject; publicKey: KeyObject };
  return { sign: signKey(name, privateKey), verify: loadPublicKey(name, publicKey.export({ type: 'spki', format: 'pem' }).toString()) };
}

describe('DigestReads (the coverage page verifying again)', () => {
  it('a second verification reads nothing by digest again, other keys give other answers, a new signature is read and found', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    await store.tag(index, 'multi');
    const one = keyPair('one');
    const two = keyPair('two');
    for (const d of [index, ...children]) await signManifest(store, d, one.sign, 'r.example/app:v1');
    const c = counted(store);
    const reads = new DigestReads();
    const verify = (keys: VerifyKey[]) => verifyImage(reads.over(c.target), 'multi', keys, { recursive: true });
    const valid = (r: Awaited<ReturnType<typeof verify>>) => r.manifests.map((m) => m.valid);

    const first = await verify([one.verify]);
    assert.deepEqual(valid(first), [true, true, true, true]);
    const sigs = await Promise.all([index, ...children].map(async (d) => (await store.resolve(cosignTag(d.digest, 'sig'))).digest));
    for (const s of sigs) assert.ok(c.reads.includes(s), 'each signature manifest read');
    const readFirst = c.reads.length;

    // A refresh: the same answers, nothing read by digest again.
    assert.deepEqual(await verify([one.verify]), first);
    assert.equal(c.reads.length, readFirst);
    // The keys changed: verified again, from what was read.
    assert.deepEqual(valid(await verify([two.verify])), [false, false, false, false]);
    assert.equal(c.reads.length, readFirst);

    // arm64 signed again (cosign appends: its .sig tag now names a manifest of two layers): that manifest is read,
    // nothing else (the new layer's payload is the same bytes: the same digest signed under the same name).
    await signManifest(store, children[1]!, two.sign, 'r.example/app:v1');
    const after = await verify([two.verify]);
    assert.deepEqual(valid(after), [false, false, true, false]);
    const grown = (await store.resolve(cosignTag(children[1]!.digest, 'sig'))).digest;
    assert.deepEqual(c.reads.slice(readFirst).filter((d) => d === grown).length, 1);
    assert.equal(c.reads.length, readFirst + 1, c.reads.slice(readFirst).join(', '));
  });
});
