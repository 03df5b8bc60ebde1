import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANNOTATION_REF_NAME, type Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, folderSnapshot, makeImage, newLayout } from './builders';

interface Entry {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: unknown;
}

const entries = (dir: string): Entry[] => JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).manifests;
const entryOf = (dir: string, tag: string): Entry | undefined => entries(dir).find((e) => e.annotations?.[ANNOTATION_REF_NAME] === tag);
const blobFile = (dir: string, d: Descriptor): string => join(dir, 'blobs', 'sha256', d.digest.slice('sha256:'.length));

/** Tag v1 on an image, then its index.json entry edited by hand: `edit` gets the entry and changes it. */
async function damagedEntry(edit: (e: Entry) => void): Promise<{ dir: string; image: Descriptor }> {
  const store = await newLayout();
  const image = await makeImage(store, { arch: 'amd64' });
  await store.tag(image, 'v1');
  const file = join(store.location, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8'));
  edit(index.manifests[0]);
  writeFileSync(file, JSON.stringify(index));
  return { dir: store.location, image };
}

after(cleanupTemps);

describe('a new index.json entry for a manifest already stored says what the stored manifest is', () => {
  it('tag from a tag whose entry claims a wrong size: the new entry has the real size', async () => {
    const { dir, image } = await damagedEntry((e) => (e.size += 7));
    const r = await runCli('tag', '--oci-layout', `${dir}:v1`, 'v2');
    assert.deepEqual([r.stderr, r.code], ['', 0]);
    assert.deepEqual(entryOf(dir, 'v2'), {
      mediaType: MediaType.ImageManifest,
      digest: image.digest,
      size: readFileSync(blobFile(dir, image)).length,
      annotations: { [ANNOTATION_REF_NAME]: 'v2' },
      platform: { architecture: 'amd64', os: 'linux' },
    });
    assert.equal(entryOf(dir, 'v2')!.size, image.size);
    // And what is tagged reads back.
    const fetched = await runCli('manifest', 'fetch', '--oci-layout', `${dir}:v2`);
    assert.deepEqual([fetched.stdout, fetched.code], [readFileSync(blobFile(dir, image), 'utf8'), 0]);
  });

  it('tag from a tag whose entry claims another mediaType: the new entry has the manifest\'s own', async () => {
    const { dir, image } = await damagedEntry((e) => (e.mediaType = MediaType.ImageIndex));
    const r = await runCli('tag', '--oci-layout', `${dir}:v1`, 'v2');
    assert.deepEqual([r.stderr, r.code], ['', 0]);
    assert.equal(entryOf(dir, 'v2')!.mediaType, MediaType.ImageManifest);
    assert.equal(entryOf(dir, 'v2')!.size, image.size);
  });

  it('a caller that hands tag a wrong size and mediaType gets the stored manifest\'s', async () => {
    const store = await newLayout();
    const image = await makeImage(store, { arch: 'arm64' });
    await store.tag({ ...image, size: 1, mediaType: MediaType.DockerManifest }, 'claimed');
    assert.deepEqual(entryOf(store.location, 'claimed'), {
      mediaType: MediaType.ImageManifest,
      digest: image.digest,
      size: image.size,
      annotations: { [ANNOTATION_REF_NAME]: 'claimed' },
      platform: { architecture: 'arm64', os: 'linux' },
    });
  });

  it('attach to a tag whose entry claims a wrong size: the artifact names its subject by the real size', async () => {
    const { dir, image } = await damagedEntry((e) => (e.size += 7));
    const r = await runCli('attach', '--oci-layout', `${dir}:v1`, '--artifact-type', 'application/vnd.test.note', '--annotation', 'note=hi', '--format', 'json');
    assert.deepEqual([r.stderr, r.code], ['', 0]);
    const [artifact] = JSON.parse(r.stdout).artifacts;
    assert.equal(artifact.subject.size, image.size);
    const stored = JSON.parse(readFileSync(blobFile(dir, artifact), 'utf8'));
    assert.deepEqual(stored.subject, { mediaType: MediaType.ImageManifest, digest: image.digest, size: image.size });
    // Its index.json entry (untagged, so discover finds it) is the artifact as stored.
    const listed = entries(dir).find((e) => e.digest === artifact.digest)!;
    assert.equal(listed.size, readFileSync(blobFile(dir, artifact)).length);
  });

  it('attach to a tag whose entry claims another mediaType: the artifact names its subject by the manifest\'s own', async () => {
    const { dir, image } = await damagedEntry((e) => (e.mediaType = MediaType.ImageIndex));
    const r = await runCli('attach', '--oci-layout', `${dir}:v1`, '--artifact-type', 'application/vnd.test.note', '--annotation', 'note=hi', '--format', 'json');
    assert.deepEqual([r.stderr, r.code], ['', 0]);
    const [artifact] = JSON.parse(r.stdout).artifacts;
    const stored = JSON.parse(readFileSync(blobFile(dir, artifact), 'utf8'));
    assert.deepEqual(stored.subject, { mediaType: MediaType.ImageManifest, digest: image.digest, size: image.size });
  });
});

describe('a stored manifest that does not match its digest', () => {
  /** v1's blob overwritten with other bytes; returns what the message names. */
  async function corrupt(): Promise<{ dir: string; image: Descriptor; actual: string }> {
    const { dir, image } = await damagedEntry(() => undefined);
    const bytes = Buffer.from(readFileSync(blobFile(dir, image), 'utf8').replace('"schemaVersion":2', '"schemaVersion":3'));
    writeFileSync(blobFile(dir, image), bytes);
    return { dir, image, actual: digestOf(bytes) };
  }

  it('tag refuses it, naming the manifest, and writes nothing', async () => {
    const { dir, image, actual } = await corrupt();
    const before = folderSnapshot(dir);
    const r = await runCli('tag', '--oci-layout', `${dir}:v1`, 'v2');
    assert.deepEqual([r.stdout, r.stderr, r.code], [
      `Tagging [oci-layout] ${dir}@${image.digest}\n`,
      `Error: manifest ${image.digest} in ${dir}: content has digest ${actual}; not tagged "v2"\n`,
      1,
    ]);
    assert.deepEqual(folderSnapshot(dir), before);
  });

  it('attach refuses it as a subject, naming the manifest and the tag it was read by, and writes nothing', async () => {
    const { dir, image, actual } = await corrupt();
    const before = folderSnapshot(dir);
    const r = await runCli('attach', '--oci-layout', `${dir}:v1`, '--artifact-type', 'application/vnd.test.note', '--annotation', 'note=hi');
    assert.deepEqual([r.stdout, r.stderr, r.code], ['', `Error: manifest ${image.digest} in ${dir}:v1: content has digest ${actual}\n`, 1]);
    assert.deepEqual(folderSnapshot(dir), before);
  });

  it('is still resolved, and deleted, by its tag: reads and clean-up do not need it intact', async () => {
    const { dir, image } = await corrupt();
    const resolved = await runCli('resolve', '--oci-layout', `${dir}:v1`);
    assert.deepEqual([resolved.stdout, resolved.code], [`${image.digest}\n`, 0]);
    const deleted = await runCli('manifest', 'delete', '--oci-layout', `${dir}:v1`, '--force');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(entries(dir), []);
    assert.deepEqual(await (await OciLayoutStore.open(dir)).entries(), []);
  });
});
