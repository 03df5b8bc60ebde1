import { strict as assert } from 'node:assert';
import { digestOf } from '../../src/oci/digest';
import { encodeIndex } from '../../src/oci/encoding/goJson';
import { MediaType } from '../../src/oci/mediaType';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { startOciServer } from '../integration/support';
import { makeArtifact, makeImage } from './builders';

/** Deleting a referrer on a registry without the referrers API rewrites its subject's `sha256-<hex>` fallback index. */
describe('registry without the referrers API: deleting a referrer', () => {
  it('a fallback index that names its own subject as its subject is replaced, not waited on forever', async () => {
    const server = await startOciServer({ referrersApi: false });
    try {
      const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app', { referrersApi: false });
      const image = await makeImage(repo, { arch: 'amd64' });
      const sbom = await makeArtifact(repo, { subject: image, artifactType: 'application/spdx+json' });
      const sig = await makeArtifact(repo, { subject: image, artifactType: 'application/vnd.sig' });
      // Another tool's fallback index, with a subject field (the image itself): its old copy is deleted under the
      // image's lock, so deleting it as a referrer of the image would wait for that same lock.
      const bytes = encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [sbom, sig], subject: { mediaType: image.mediaType, digest: image.digest, size: image.size } });
      const odd = digestOf(bytes);
      const stored = server.repo('app');
      stored.manifests.set(odd, { mediaType: MediaType.ImageIndex, bytes });
      stored.tags.set(`sha256-${image.digest.slice(7)}`, odd);
      await repo.delete(sbom);
      const listed = [];
      for await (const r of repo.referrers(image)) listed.push(r.digest);
      assert.deepEqual(listed, [sig.digest]);
      assert.ok(!stored.manifests.has(odd), 'the old fallback index deleted');
      assert.ok(!stored.manifests.has(sbom.digest));
    } finally {
      await server.stop();
    }
  });
});
