// referrersToCarry: what a question before a copy with referrers counts (VS Code's Back Up Repository…, Import .tar
// into Layout…, a layout's Copy to Registry…) is what copyTags then carries: the index's own referrers, its platforms',
// those of referrers, cosign's tags; bounded, and stopped by its signal.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyTags, referrersToCarry, tagsToCopy } from '../../src/oci/copy';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { cosignTag } from '../../src/oci/referrers';
import type { ReadOnlyTarget } from '../../src/oci/target';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from './builders';
import { carried, made, type Made, NOTARY } from './referrerKindsLayout';

after(cleanupTemps);

/** `store`, its referrer listings counted (which manifests the walk listed). */
function counted(store: OciLayoutStore): { target: ReadOnlyTarget; listed: string[] } {
  const listed: string[] = [];
  const target = new Proxy(store, {
    get(t, key, receiver) {
      if (key === 'referrers') return (desc: Descriptor, options?: object) => (listed.push(desc.digest), t.referrers(desc, options));
      const v = Reflect.get(t, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return { target, listed };
}

describe('referrersToCarry', () => {
  let m: Made;
  before(async () => {
    m = await made();
  });

  it("an index's own referrers, its platform's, those of referrers and cosign's tag: what copyTags carries, each placed", async () => {
    const src = await OciLayoutStore.open(m.a);
    const [found] = await referrersToCarry(src, [m.index], { most: 50 });
    const d = m.digests;
    const placed = found!.map((f) => [f.desc.digest, f.on, f.tag ?? null]).sort();
    assert.deepEqual(
      placed,
      [
        [d.signature, 'own', null],
        [d.sbom, 'own', null],
        [d.cosignSig, 'own', cosignTag(m.index.digest, 'sig')],
        [d.scan, 'platform', null],
        [d.sbomSignature, 'referrer', null],
        [d.scanSignature, 'referrer', null],
      ].sort(),
    );
    // The copy carries exactly these: the referrers listed at the destination, cosign's tag set there.
    const b = join(tempDir(), 'b');
    const tags = (await tagsToCopy(src, undefined, { missing: (_t, e) => e })).filter((t) => t.tag === 'multi');
    await copyTags(src, tags, await OciLayoutStore.open(b, { create: true }));
    const got = await carried(b, m);
    assert.deepEqual(got.referrers, found!.filter((f) => !f.tag).map((f) => f.desc.digest).sort());
    assert.deepEqual(got.tags, [cosignTag(m.index.digest, 'sig'), 'multi'].sort());
    assert.equal((await (await OciLayoutStore.open(b)).resolve(cosignTag(m.index.digest, 'sig'))).digest, d.cosignSig);
  });

  it('an index with none of its own, its linux/arm64 signed by attach --platform: found, on a platform', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const file = join(tempDir(), 'arm64.sig');
    writeFileSync(file, 'arm64 signature\n');
    const r = await runCli('attach', '--oci-layout', `${store.location}:multi`, '--artifact-type', NOTARY, '--platform', `linux/arm64=${file}`, '--disable-path-validation', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const [found] = await referrersToCarry(await OciLayoutStore.open(store.location), [index], { most: 50 });
    assert.equal(found!.length, 1);
    assert.equal(found![0]!.on, 'platform');
    assert.equal(found![0]!.desc.artifactType, NOTARY);
    const listed: string[] = [];
    for await (const x of store.referrers(children[1]!)) listed.push(x.digest);
    assert.deepEqual(listed, [found![0]!.desc.digest]);
  });

  it('bounded: with most 2, the index\'s own three are found in its listing and no platform is listed; two are returned', async () => {
    const { target, listed } = counted(await OciLayoutStore.open(m.a));
    const [found] = await referrersToCarry(target, [m.index], { most: 2 });
    assert.equal(found!.length, 2);
    assert.ok(found!.every((f) => f.on === 'own'));
    assert.deepEqual(listed, [m.index.digest]);
  });

  it('several roots: each its own list, in order; a manifest under two listed once', async () => {
    const { target, listed } = counted(await OciLayoutStore.open(m.a));
    const [a, child, again] = await referrersToCarry(target, [m.index, m.children[0]!, m.index], { most: 50 });
    assert.equal(a!.length, 6);
    assert.deepEqual(again, a);
    // The platform alone: its scan is its own, and the scan's signature below it.
    assert.deepEqual(child!.map((f) => [f.desc.digest, f.on]), [[m.digests.scan, 'own'], [m.digests.scanSignature, 'referrer']]);
    assert.equal(new Set(listed).size, listed.length, `listed twice: ${listed.join(', ')}`);
  });

  it('stopped by its signal: rejected, with its reason', async () => {
    const stop = new AbortController();
    stop.abort(new Error('stopped here'));
    await assert.rejects(referrersToCarry(await OciLayoutStore.open(m.a), [m.index], { most: 50, signal: stop.signal }), /stopped here/);
  });
});
