// Signatures cosign made (test/fixtures/cosign-keyless, from containers/image's fixtures), stored in a layout as
// cosign stores them: the image tagged v1, a sha256-<hex>.sig manifest whose one layer is the payload, the signature,
// certificate, chain and Rekor bundle in its annotations. Used by the keyless tests and the examples' fixture.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';
import { SIMPLESIGNING_MEDIA_TYPE } from '../../src/oci/signatures';
import type { Target } from '../../src/oci/target';
import { pushBlob, pushManifest } from '../unit/builders';

export const KEYLESS_FIXTURES = join(__dirname, '..', 'fixtures', 'cosign-keyless');
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/** A simplesigning layer's payload and annotations, as containers/image's signature files hold them. */
export interface CosignVector {
  payload: Buffer;
  annotations: Record<string, string>;
}

/**
 * `fulcio-rekor`, `key-rekor`, `pki`: the vector `<name>-signature.json` holds. `dir`: where the fixtures are (the
 * VS Code host's tests are bundled elsewhere: they pass the extension's test/fixtures/cosign-keyless).
 */
export function cosignVector(name: string, dir = KEYLESS_FIXTURES): CosignVector {
  const sig = JSON.parse(readFileSync(join(dir, `${name}-signature.json`), 'utf8')) as { mimeType: string; payload: string; annotations: Record<string, string> };
  assert.equal(sig.mimeType, SIMPLESIGNING_MEDIA_TYPE);
  return { payload: Buffer.from(sig.payload, 'base64'), annotations: sig.annotations };
}

/** Stores the image `manifestFile` (of `mediaType`), tagged v1, and `sig` under its cosign tag; returns the image. */
export async function storeCosignVector(store: Target, manifestFile: string, mediaType: string, sig: CosignVector, dir = KEYLESS_FIXTURES): Promise<Descriptor> {
  const bytes = readFileSync(join(dir, manifestFile));
  const image = { mediaType, digest: digestOf(bytes), size: bytes.length };
  await store.push(image, bytes);
  await store.tag(image, 'v1');
  const payload = await pushBlob(store, sig.payload, SIMPLESIGNING_MEDIA_TYPE);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    config: await pushBlob(store, '{}', MediaType.ImageConfig),
    layers: [{ ...payload, annotations: sig.annotations }],
  };
  await store.tag(await pushManifest(store, manifest), cosignTag(image.digest, 'sig'));
  return image;
}
