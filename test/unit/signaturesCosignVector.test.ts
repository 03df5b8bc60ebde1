// A signature cosign itself made (containers/image's fixtures: test/fixtures/cosign-vector/README.md), stored as
// cosign stores it (a sha256-<hex>.sig manifest whose layer is the payload, the signature in its annotation): verify
// accepts it with cosign's key, naming the identity cosign signed, and refuses it with another key. No peer here can
// sign (Debian's skopeo is built without sigstore, cosign is not packaged): this is the check that our reading of
// the format is cosign's.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';
import { SIGNATURE_ANNOTATION, SIMPLESIGNING_MEDIA_TYPE } from '../../src/oci/signatures';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, newLayout, pushBlob, pushManifest } from './builders';

after(cleanupTemps);

const FIXTURES = join(__dirname, '..', 'fixtures', 'cosign-vector');
const fixture = (name: string) => join(FIXTURES, name);

describe('a signature cosign made (containers/image fixture)', () => {
  let dir: string;
  let image: Descriptor;

  before(async () => {
    const store = await newLayout();
    dir = store.location;
    // The image as cosign signed it: a Docker schema 2 manifest (its config and layer are not needed to verify).
    const bytes = readFileSync(fixture('manifest.json'));
    image = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: digestOf(bytes), size: bytes.length };
    await store.push(image, bytes);
    await store.tag(image, 'v1');
    const sig = JSON.parse(readFileSync(fixture('signature.json'), 'utf8')) as { mimeType: string; payload: string; annotations: Record<string, string> };
    assert.equal(sig.mimeType, SIMPLESIGNING_MEDIA_TYPE);
    const payload = await pushBlob(store, Buffer.from(sig.payload, 'base64'), SIMPLESIGNING_MEDIA_TYPE);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      config: await pushBlob(store, '{}', MediaType.ImageConfig),
      layers: [{ ...payload, annotations: { [SIGNATURE_ANNOTATION]: sig.annotations[SIGNATURE_ANNOTATION]! } }],
    };
    await store.tag(await pushManifest(store, manifest), cosignTag(image.digest, 'sig'));
  });

  it("verifies with cosign's key, naming the identity it signed", async () => {
    assert.equal(image.digest, 'sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00');
    const r = await runCli('verify', '--key', fixture('cosign.pub'), '--oci-layout', `${dir}:v1`, '--identity', '192.168.64.2:5000/cosign-signed-single-sample');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: verified by .*cosign\.pub \(ecdsa-p256\), signed as 192\.168\.64\.2:5000\/cosign-signed-single-sample\n/);
  });

  it('refuses it with another key (exit code 3) and under another identity', async () => {
    let r = await runCli('verify', '--key', fixture('cosign2.pub'), '--oci-layout', `${dir}:v1`);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /no valid signature\n {2}sha256:[0-9a-f]{64} layers\[0\]: bad-signature: /);
    r = await runCli('verify', '--key', fixture('cosign.pub'), '--oci-layout', `${dir}:v1`, '--identity', 'registry.example/other');
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /identity-mismatch: signed as 192\.168\.64\.2:5000\/cosign-signed-single-sample, not registry\.example\/other\n/);
  });
});
