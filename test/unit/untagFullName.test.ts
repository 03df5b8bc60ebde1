// A name another tool wrote into index.json as a full reference (`example.com/team/app:1.0`: containerd and
// buildkit write such names, the image-spec's ref.name grammar allows them): the Layouts view lists it, and its
// Untag removes it, as for any tag. Only a digest is refused as "not a tag".
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANNOTATION_REF_NAME, type Descriptor } from '../../src/oci/descriptor';
import { cleanupTemps, makeImage, newLayout } from './builders';

after(cleanupTemps);

describe('untag of a name that is a full reference', () => {
  it('removes that name, keeping the other tag of the manifest', async () => {
    const store = await newLayout();
    const img = await makeImage(store, { arch: 'amd64' });
    await store.tag(img, 'v1');
    const file = join(store.location, 'index.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Descriptor[] };
    doc.manifests.push({ mediaType: img.mediaType, digest: img.digest, size: img.size, annotations: { [ANNOTATION_REF_NAME]: 'example.com/team/app:1.0' } });
    writeFileSync(file, JSON.stringify(doc));
    await store.untag('example.com/team/app:1.0');
    const names = (JSON.parse(readFileSync(file, 'utf8')) as { manifests: Descriptor[] }).manifests.map((m) => m.annotations?.[ANNOTATION_REF_NAME]);
    assert.deepEqual(names, ['v1']);
  });

  it('a digest is still refused as one', async () => {
    const store = await newLayout();
    const img = await makeImage(store, { arch: 'amd64' });
    await store.tag(img, 'v1');
    await assert.rejects(store.untag(img.digest), new RegExp(`${img.digest}: a digest, not a tag`));
  });
});
