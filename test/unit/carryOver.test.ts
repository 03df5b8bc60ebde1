import { strict as assert } from 'node:assert';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { updateIndex } from '../../src/oci/imageIndex';
import { MediaType } from '../../src/oci/mediaType';
import { carryOverReferrers, isSignatureArtifactType, planReferrerCarryOver } from '../../src/oci/referrers';
import { cleanupTemps, makeArtifact, makeMultiArchLayout } from './builders';
import { code, collect } from '../helpers/assertions';

const ref = (artifactType: string | undefined, n: number, mediaType: string = MediaType.ImageManifest): Descriptor => ({
  mediaType,
  digest: `sha256:${String(n).padStart(64, '0')}`,
  size: 100 + n,
  ...(artifactType ? { artifactType } : {}),
});

describe('referrers: carried over to an updated index', () => {
  after(cleanupTemps);

  it('never copies signatures or attestations: notation, cosign, sigstore bundles, DSSE, in-toto, types named signature', () => {
    for (const t of [
      'application/vnd.cncf.notary.signature',
      'application/vnd.dev.cosign.artifact.sig.v1+json',
      'application/vnd.dev.sigstore.bundle.v0.3+json',
      'application/vnd.dev.sigstore.bundle+json;version=0.2',
      'application/vnd.dsse.envelope.v1+json',
      'application/vnd.in-toto+json',
      'application/vnd.dev.cosign.attestation.v1+json',
      'application/vnd.demo.signature',
      'application/example.sig',
    ]) {
      assert.equal(isSignatureArtifactType(t), true, t);
    }
    for (const t of [undefined, 'application/spdx+json', 'application/vnd.cyclonedx+json', 'application/vnd.microsoft.artifact.lifecycle', 'application/vnd.example.signer-list', 'application/vnd.oci.empty.v1+json', 'text/design']) {
      assert.equal(isSignatureArtifactType(t), false, String(t));
    }
  });

  it('plans: content-describing referrers are copied, signatures need re-signing, each once, in order', () => {
    const sbom = ref('application/spdx+json', 1);
    const eol = ref('application/vnd.microsoft.artifact.lifecycle', 2);
    const notation = ref('application/vnd.cncf.notary.signature', 3);
    const cosign = ref('application/vnd.dev.cosign.artifact.sig.v1+json', 4);
    const bundle = ref('application/vnd.dev.sigstore.bundle.v0.3+json', 5);
    const plain = ref(undefined, 6); // annotations only: no artifact type, still content
    const artifactIndex = ref('application/vnd.example.bundle', 7, MediaType.ImageIndex);
    const plan = planReferrerCarryOver([sbom, notation, eol, cosign, sbom, bundle, plain, artifactIndex]);
    assert.deepEqual(plan.copy, [sbom, eol, plain, artifactIndex]);
    assert.deepEqual(plan.resign, [notation, cosign, bundle]);
    assert.deepEqual(planReferrerCarryOver([]), { copy: [], resign: [] });
  });

  it('a copy is a new artifact manifest: the same layers and annotations, its subject the new index', async () => {
    const { store, index } = await makeMultiArchLayout();
    const sbom = await makeArtifact(store, { subject: index, artifactType: 'application/spdx+json', annotations: { 'org.example.kind': 'sbom' } });
    const sig = await makeArtifact(store, { subject: index, artifactType: 'application/vnd.cncf.notary.signature' });
    const result = await updateIndex(store, { index: 'multi', annotations: { set: { stage: 'beta' }, remove: [] } });
    assert.ok(result.changed && 'desc' in result);
    const updated = result.desc;
    const referrers = await collect(store.referrers(index));
    const plan = planReferrerCarryOver(referrers);
    assert.deepEqual(plan.copy.map((d) => d.digest), [sbom.digest]);
    assert.deepEqual(plan.resign.map((d) => d.digest), [sig.digest]);
    const [carried] = await carryOverReferrers(store, plan.copy, updated);
    assert.notEqual(carried!.to.digest, sbom.digest);
    const before = JSON.parse((await store.fetchBytes(sbom)).toString('utf8')) as ImageManifest;
    const after = JSON.parse((await store.fetchBytes(carried!.to)).toString('utf8')) as ImageManifest;
    assert.deepEqual(after.subject, { mediaType: MediaType.ImageIndex, digest: updated.digest, size: updated.size });
    assert.deepEqual({ ...after, subject: undefined }, { ...before, subject: undefined });
    // The new index has the copy and no signature; the old index keeps both.
    assert.deepEqual((await collect(store.referrers(updated))).map((d) => [d.digest, d.artifactType]), [[carried!.to.digest, 'application/spdx+json']]);
    assert.deepEqual((await collect(store.referrers(index))).map((d) => d.digest).sort(), [sbom.digest, sig.digest].sort());
    await assert.rejects(carryOverReferrers(store, [sig], updated), code('INVALID_ARGUMENT', /signature/));
  });
});
