// A layout with one artifact tagged v1 (config the empty JSON, one layer titled hello.txt): the tests of files that
// are not what they should be (links, pipes, folders) replace its blob files.
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { makeArtifact, newLayout } from './builders';

export const LAYER = 'hello\n';

export interface HelloLayout {
  dir: string;
  layer: Descriptor;
  art: Descriptor;
  /** The blob files of the layer and of the manifest. */
  layerPath: string;
  manifestPath: string;
}

export async function helloLayout(): Promise<HelloLayout> {
  const store = await newLayout();
  const art = await makeArtifact(store, { artifactType: 'application/vnd.test', content: LAYER, title: 'hello.txt' });
  await store.tag(art, 'v1');
  const dir = store.location;
  const layer = { mediaType: 'application/octet-stream', digest: digestOf(Buffer.from(LAYER)), size: LAYER.length };
  const blob = (d: Descriptor) => join(dir, 'blobs', 'sha256', d.digest.slice('sha256:'.length));
  return { dir, layer, art, layerPath: blob(layer), manifestPath: blob(art) };
}
