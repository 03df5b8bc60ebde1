// Generates a small multi-arch OCI image layout: two platform images, an index over them, and an SBOM
// referrer on the index. Used by `npm start` and by the VS Code host tests' workspace.
import { gzipSync } from 'node:zlib';
import { digestOf } from '../src/oci/digest';
import type { Descriptor, ImageManifest } from '../src/oci/descriptor';
import { encodeManifest } from '../src/oci/encoding/goJson';
import { createIndex } from '../src/oci/imageIndex';
import { OciLayoutStore } from '../src/oci/layout';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../src/oci/mediaType';

/** A one-file tar archive (ustar), enough for peers to unpack. */
function tarOf(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) => header.write(text.slice(0, length), offset, 'ascii');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(content.length.toString(8).padStart(11, '0') + '\0', 124, 12);
  put('00000000000\0', 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of header) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024)]);
}

export async function pushBlob(store: OciLayoutStore, mediaType: string, bytes: Buffer): Promise<Descriptor> {
  const desc = { mediaType, digest: digestOf(bytes), size: bytes.length };
  await store.push(desc, bytes);
  return desc;
}

export async function pushManifest(store: OciLayoutStore, manifest: ImageManifest): Promise<Descriptor> {
  return pushBlob(store, MediaType.ImageManifest, encodeManifest(manifest));
}

export async function generateDemoLayout(dir: string): Promise<{ index: Descriptor; images: Descriptor[] }> {
  const store = await OciLayoutStore.open(dir, { create: true });
  const images: Descriptor[] = [];
  for (const arch of ['amd64', 'arm64']) {
    const tar = tarOf('hello.txt', Buffer.from(`hello from linux/${arch}\n`));
    const layer = await pushBlob(store, MediaType.ImageLayerGzip, gzipSync(tar, { level: 9 }));
    const config = await pushBlob(store, MediaType.ImageConfig, Buffer.from(JSON.stringify({
      architecture: arch,
      os: 'linux',
      ...(arch === 'arm64' ? { variant: 'v8' } : {}),
      config: { Cmd: ['/bin/cat', '/hello.txt'] },
      rootfs: { type: 'layers', diff_ids: [digestOf(tar)] },
    })));
    const image = await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [layer] });
    await store.tag(image, `linux-${arch}`);
    images.push(image);
  }
  const { desc: index } = await createIndex(store, { sources: ['linux-amd64', 'linux-arm64'], tags: ['v1'] });
  await pushBlob(store, MediaType.Empty, EMPTY_JSON);
  await pushSbom(store, index, 'demo', 'sbom.spdx.json');
  return { index, images };
}

/**
 * An SPDX SBOM artifact (empty config, pushed before) referring to `subject`; the store lists it untagged in
 * index.json (the oras convention), so peers keep it.
 */
export async function pushSbom(store: OciLayoutStore, subject: Descriptor, name: string, title: string): Promise<Descriptor> {
  const sbom = await pushBlob(store, 'application/spdx+json', Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name })));
  return pushManifest(store, {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: 'application/spdx+json',
    config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: 2 },
    layers: [{ ...sbom, annotations: { 'org.opencontainers.image.title': title } }],
    subject,
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  });
}
