// The demo's coverage gap: an SBOM on the linux/amd64 image only (the index has its own), so the referrer coverage
// page and `manifold coverage` show linux/arm64/v8 lacking one. `npm run demo` and the coverage browser test add it.
import { OciLayoutStore } from '../src/oci/layout';
import { EMPTY_JSON_DIGEST, MediaType } from '../src/oci/mediaType';
import type { Descriptor } from '../src/oci/descriptor';
import { pushBlob, pushManifest } from './demoLayout';

export const DEMO_SBOM_PLATFORM = 'linux/amd64';

/** Attaches an SPDX SBOM to the image tagged `linux-amd64` (listed untagged in index.json, as oras does). Returns the artifact. */
export async function addPlatformSbom(dir: string): Promise<Descriptor> {
  const store = await OciLayoutStore.open(dir);
  const image = await store.resolve('linux-amd64');
  const sbom = await pushBlob(store, 'application/spdx+json', Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'demo linux/amd64' })));
  return pushManifest(store, {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: 'application/spdx+json',
    config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: 2 },
    layers: [{ ...sbom, annotations: { 'org.opencontainers.image.title': 'sbom-linux-amd64.spdx.json' } }],
    subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  });
}
