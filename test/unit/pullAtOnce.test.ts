import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { pullArtifact, type PullEvent } from '../../src/oci/artifacts/pull';
import { ANNOTATION_TITLE, type Descriptor } from '../../src/oci/descriptor';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import type { OciServer } from '../integration/support';
import { cleanupTemps, pushBlob, pushManifest, tempDir, writeTar } from './builders';
import { startHeldServer, type HeldServer } from './support/heldServer';

/**
 * pull downloads an artifact's files from a registry a few at a time (3 by default, `--concurrency N`), as oras does;
 * what it writes, and the order of what it says, are as when downloaded one by one. A folder (a tar+gzip layer)
 * unpacks into paths other layers may write too: with one, the files are taken one at a time.
 */
describe('pull: files downloaded at once from a registry', () => {
  let server: OciServer;
  // Each blob's GET is held 30 ms.
  let held: HeldServer;
  after(cleanupTemps);

  beforeEach(async () => {
    held = await startHeldServer(({ method, path }) => method === 'GET' && /\/blobs\/sha256:/.test(path));
    server = held.server;
  });
  afterEach(() => server.stop());

  const repository = () => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'files');

  /** An artifact of `n` titled files (file-0.txt ...), and a folder layer when `folder` is set; tagged v1. */
  async function artifact(n: number, folder = false): Promise<string[]> {
    const repo = repository();
    await repo.push({ mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length }, EMPTY_JSON);
    const layers: Descriptor[] = [];
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      const layer = await pushBlob(repo, `content of file ${i}\n`, 'text/plain');
      names.push(`file-${i}.txt`);
      layers.push({ ...layer, annotations: { [ANNOTATION_TITLE]: `file-${i}.txt` } });
    }
    if (folder) {
      // A tar of the folder docs/ holding one file, as oras packs a folder (its unpack annotation set).
      const tarFile = join(tempDir(), 'docs.tar');
      writeTar(tarFile, [{ name: 'docs/', type: '5' }, { name: 'docs/readme.txt', body: 'a document\n' }]);
      const tar = readFileSync(tarFile);
      const layer = await pushBlob(repo, gzipSync(tar), 'application/vnd.oci.image.layer.v1.tar+gzip');
      names.push('docs');
      layers.push({ ...layer, annotations: { [ANNOTATION_TITLE]: 'docs', 'io.deis.oras.content.unpack': 'true' } });
    }
    const desc = await pushManifest(repo, { schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: 'application/vnd.example.files', config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length }, layers });
    await repo.tag(desc, 'v1');
    return names;
  }

  it('downloads three files at a time by default, writes each whole, and says them in order', async () => {
    const names = await artifact(9);
    const out = tempDir();
    const events: PullEvent[] = [];
    const result = await pullArtifact(repository(), { reference: 'v1', output: out, onEvent: (e) => events.push(e) });
    assert.equal(held.peak, 3);
    assert.deepEqual(result.files.map((f) => f.name), names);
    for (const [i, name] of names.entries()) assert.equal(readFileSync(join(out, name), 'utf8'), `content of file ${i}\n`);
    assert.deepEqual(events.map((e) => `${e.type} ${e.name}`), names.flatMap((n) => [`downloading ${n}`, `downloaded ${n}`]));
  });

  it('--concurrency 1 downloads one file at a time; 6 at most six', async () => {
    await artifact(8);
    await pullArtifact(repository(), { reference: 'v1', output: tempDir(), concurrency: 1 });
    assert.equal(held.peak, 1);
    held.peak = 0;
    await pullArtifact(repository(), { reference: 'v1', output: tempDir(), concurrency: 6 });
    assert.equal(held.peak, 6);
  });

  it('with a folder among the layers, takes them one at a time', async () => {
    const names = await artifact(4, true);
    const out = tempDir();
    const result = await pullArtifact(repository(), { reference: 'v1', output: out });
    assert.equal(held.peak, 1);
    assert.deepEqual(result.files.map((f) => f.name), names);
    assert.equal(readFileSync(join(out, 'docs', 'readme.txt'), 'utf8'), 'a document\n');
  });
});
