// The demo's coverage gap: an SBOM on the linux/amd64 image only (the index has its own), so the referrer coverage
// page and `manifold coverage` show linux/arm64/v8 lacking one. `npm run demo` and the coverage browser test add it.
import { OciLayoutStore } from '../src/oci/layout';
import type { Descriptor } from '../src/oci/descriptor';
import { pushSbom } from './demoLayout';

export const DEMO_SBOM_PLATFORM = 'linux/amd64';

/** Attaches an SPDX SBOM to the image tagged `linux-amd64` (listed untagged in index.json, as oras does). Returns the artifact. */
export async function addPlatformSbom(dir: string): Promise<Descriptor> {
  const store = await OciLayoutStore.open(dir);
  const image = await store.resolve('linux-amd64');
  return pushSbom(store, { mediaType: image.mediaType, digest: image.digest, size: image.size }, 'demo linux/amd64', 'sbom-linux-amd64.spdx.json');
}
