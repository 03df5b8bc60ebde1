import { strict as assert } from 'node:assert';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { OciLayoutStore } from '../../src/oci/layout';
import { writeLayoutTar } from '../../src/oci/layout/tarExport';
import { MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, newLayout, tagRawDocument, tempDir, writeRawBlob } from './builders';

// A layout's manifest (or index) whose bytes are missing or not its descriptor's is named as a manifest, as a
// registry names it (`manifest sha256:X from host/app:v1: ...`), with the layout and, when it was read by a tag,
// that tag (`in DIR:v1`); a config or layer stays a blob.

const fileOf = (dir: string, digest: string): string => join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

/** `bytes` of the same length as `original`, with another digest. */
function sameSizeOther(original: string): string {
  return original.replace('"schemaVersion":2', '"schemaVersion":3');
}

/** A new layout with a raw image manifest tagged v1 over a config and a layer, written as they are. */
async function rawLayout(): Promise<{ dir: string; manifest: string; digest: string; config: string; layer: string; layerBytes: string }> {
  const dir = join(tempDir(), 'layout');
  await OciLayoutStore.open(dir, { create: true });
  const config = writeRawBlob(dir, '{"architecture":"amd64","os":"linux"}');
  const layerBytes = 'layer bytes\n';
  const layer = writeRawBlob(dir, layerBytes);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    config: { mediaType: MediaType.ImageConfig, digest: config, size: 37 },
    layers: [{ mediaType: MediaType.ImageLayer, digest: layer, size: layerBytes.length }],
  });
  const digest = tagRawDocument(dir, manifest, MediaType.ImageManifest, 'v1');
  return { dir, manifest, digest, config, layer, layerBytes };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

after(cleanupTemps);

describe('a layout names a damaged manifest as a manifest, configs and layers as blobs', () => {
  it('fetchBytes of a manifest read by tag whose bytes changed: the manifest, the layout and the tag', async () => {
    const { dir, manifest, digest } = await rawLayout();
    const changed = sameSizeOther(manifest);
    writeFileSync(fileOf(dir, digest), changed);
    const store = await OciLayoutStore.open(dir);
    const desc = await store.resolve('v1');
    await assert.rejects(store.fetchBytes(desc), {
      code: 'DIGEST_MISMATCH',
      message: `manifest ${digest} in ${dir}:v1: content has digest ${digestOf(Buffer.from(changed))}`,
    });
  });

  it('fetch (streamed) of a manifest read by digest: the manifest and the layout alone', async () => {
    const { dir, manifest, digest } = await rawLayout();
    const changed = sameSizeOther(manifest);
    writeFileSync(fileOf(dir, digest), changed);
    const store = await OciLayoutStore.open(dir);
    await store.resolve('v1'); // a tag read before does not name a read by digest
    const desc: Descriptor = { mediaType: MediaType.ImageManifest, digest, size: manifest.length };
    await store.resolve(digest);
    await assert.rejects(readAll(await store.fetch(desc)), {
      code: 'DIGEST_MISMATCH',
      message: `manifest ${digest} in ${dir}: content has digest ${digestOf(Buffer.from(changed))}`,
    });
  });

  it('a manifest of another size, read by tag: its size and the one expected, as a manifest\'s', async () => {
    const { dir, manifest, digest } = await rawLayout();
    appendFileSync(fileOf(dir, digest), ' ');
    const store = await OciLayoutStore.open(dir);
    const desc = await store.resolve('v1');
    await assert.rejects(store.fetchBytes(desc), { code: 'SIZE_MISMATCH', message: `manifest ${digest} in ${dir}:v1: size ${manifest.length + 1}, expected ${manifest.length}` });
    await assert.rejects(readAll(await store.fetch(desc)), { code: 'SIZE_MISMATCH', message: `manifest ${digest} in ${dir}:v1: more than the expected ${manifest.length} bytes` });
  });

  it('a missing manifest: not found as a manifest, by tag; unreadableEntries says the manifest is missing', async () => {
    const { dir, digest } = await rawLayout();
    rmSync(fileOf(dir, digest));
    const store = await OciLayoutStore.open(dir);
    const desc = await store.resolve('v1');
    await assert.rejects(store.fetchBytes(desc), { code: 'NOT_FOUND', message: `manifest ${digest}: not found in ${dir}:v1` });
    await assert.rejects(store.fetch(desc), { code: 'NOT_FOUND', message: `manifest ${digest}: not found in ${dir}:v1` });
    const [entry] = await store.unreadableEntries();
    assert.equal(entry!.problem, `manifest unreadable: manifest ${digest} in ${dir}: missing`);
  });

  it('an index whose bytes changed is a manifest too, in unreadableEntries and in a read', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const index = await makeIndex(store, [image]);
    await store.tag(index, 'multi');
    const bytes = readFileSync(fileOf(store.location, index.digest), 'utf8');
    const changed = sameSizeOther(bytes);
    writeFileSync(fileOf(store.location, index.digest), changed);
    const again = await OciLayoutStore.open(store.location);
    const [entry] = await again.unreadableEntries();
    assert.equal(entry!.problem, `manifest unreadable: manifest ${index.digest} in ${store.location}: content has digest ${digestOf(Buffer.from(changed))}`);
    await assert.rejects(again.fetchBytes(await again.resolve('multi')), { message: `manifest ${index.digest} in ${store.location}:multi: content has digest ${digestOf(Buffer.from(changed))}` });
  });

  it('in one layout, a manifest that does not match is a manifest; a config and a layer stay blobs', async () => {
    const { dir, manifest, digest, config, layer, layerBytes } = await rawLayout();
    writeFileSync(fileOf(dir, layer), layerBytes.toUpperCase());
    rmSync(fileOf(dir, config));
    const changed = sameSizeOther(manifest);
    writeFileSync(fileOf(dir, digest), changed);
    const store = await OciLayoutStore.open(dir);
    await assert.rejects(store.fetchBytes({ mediaType: MediaType.ImageManifest, digest, size: manifest.length }), { message: `manifest ${digest} in ${dir}: content has digest ${digestOf(Buffer.from(changed))}` });
    const layerDesc: Descriptor = { mediaType: MediaType.ImageLayer, digest: layer, size: layerBytes.length };
    await assert.rejects(store.fetchBytes(layerDesc), { message: `blob ${layer} in ${dir}: content has digest ${digestOf(Buffer.from(layerBytes.toUpperCase()))}` });
    await assert.rejects(store.fetchBytes({ mediaType: MediaType.ImageConfig, digest: config, size: 37 }), { message: `blob ${config}: not found in ${dir}` });
  });

  it('a manifest pushed with bytes that are not its descriptor\'s: the manifest and the layout pushed to', async () => {
    const store = await newLayout();
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config: { mediaType: MediaType.Empty, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 }, layers: [] });
    const desc: Descriptor = { mediaType: MediaType.ImageManifest, digest: digestOf(Buffer.from(manifest)), size: manifest.length };
    const other = Buffer.from(sameSizeOther(manifest));
    await assert.rejects(store.push(desc, other), { message: `manifest ${desc.digest} (push to ${store.location}): content has digest ${digestOf(other)}` });
    await assert.rejects(store.push(desc, Readable.from([other, Buffer.from(' ')])), { message: `manifest ${desc.digest} (push to ${store.location}): more than the expected ${manifest.length} bytes` });
  });

  it('tag of a stored manifest whose bytes changed: refused, naming the manifest', async () => {
    const { dir, manifest, digest } = await rawLayout();
    const changed = sameSizeOther(manifest);
    writeFileSync(fileOf(dir, digest), changed);
    const store = await OciLayoutStore.open(dir);
    const desc: Descriptor = { mediaType: MediaType.ImageManifest, digest, size: manifest.length };
    await assert.rejects(store.tag(desc, 'v2'), { message: `manifest ${digest} in ${dir}: content has digest ${digestOf(Buffer.from(changed))}; not tagged "v2"` });
  });

  it('layout export: a manifest index.json lists is named as a manifest, a layer as a blob', async () => {
    const { dir, manifest, digest } = await rawLayout();
    const changed = sameSizeOther(manifest);
    writeFileSync(fileOf(dir, digest), changed);
    await assert.rejects(writeLayoutTar(dir, join(tempDir(), 'out.tar')), { message: `manifest ${digest} in ${dir}: content has digest ${digestOf(Buffer.from(changed))}` });

    const second = await rawLayout();
    writeFileSync(fileOf(second.dir, second.layer), second.layerBytes.toUpperCase());
    await assert.rejects(writeLayoutTar(second.dir, join(tempDir(), 'out.tar')), { message: `blob ${second.layer} in ${second.dir}: content has digest ${digestOf(Buffer.from(second.layerBytes.toUpperCase()))}` });
  });

  it('layout export: a platform manifest an index lists is named as a manifest too', async () => {
    const store = await newLayout();
    const amd64 = await makeImage(store, { arch: 'amd64' });
    const arm64 = await makeImage(store, { arch: 'arm64' });
    await store.tag(await makeIndex(store, [amd64, arm64]), 'multi');
    const changed = sameSizeOther(readFileSync(fileOf(store.location, arm64.digest), 'utf8'));
    writeFileSync(fileOf(store.location, arm64.digest), changed);
    await assert.rejects(writeLayoutTar(store.location, join(tempDir(), 'out.tar')), { message: `manifest ${arm64.digest} in ${store.location}: content has digest ${digestOf(Buffer.from(changed))}` });
  });

  const escaped = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('the CLI: manifest fetch and cp by tag name the manifest and the tag; check names the layer as a blob', async () => {
    const { dir, manifest, digest, layer, layerBytes } = await rawLayout();
    appendFileSync(fileOf(dir, digest), ' ');
    const fetched = await runCli('manifest', 'fetch', '--oci-layout', `${dir}:v1`);
    assert.deepEqual([fetched.stderr, fetched.code], [`Error: manifest ${digest} in ${dir}:v1: size ${manifest.length + 1}, expected ${manifest.length}\n`, 1]);
    const copied = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${dir}:v1`, `${join(tempDir(), 'out')}:v1`);
    assert.match(copied.stderr, new RegExp(`^Error: manifest ${digest} in ${escaped(dir)}:v1: size `, 'm'));

    writeFileSync(fileOf(dir, digest), manifest);
    writeFileSync(fileOf(dir, layer), layerBytes.toUpperCase());
    const checked = await runCli('check', '--oci-layout', `${dir}:v1`);
    assert.match(checked.stdout, new RegExp(`layers\\[0\\]: blob ${layer} in ${escaped(dir)}: content has digest`));
  });
});
