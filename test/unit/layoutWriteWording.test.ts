// A write into a layout that fails (blobs/sha256 a file, a looping link) names what it was writing as a read of it
// would: a manifest or index as a manifest, a config or layer as a blob.
import { strict as assert } from 'node:assert';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { encodeIndex, encodeManifest } from '../../src/oci/encoding/goJson';
import { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
const configDesc: Descriptor = { mediaType: MediaType.ImageConfig, digest: digestOf(config), size: config.length };
const manifest = encodeManifest({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config: configDesc, layers: [] });
const manifestDesc: Descriptor = { mediaType: MediaType.ImageManifest, digest: digestOf(manifest), size: manifest.length };
const index = encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [manifestDesc] });
const indexDesc: Descriptor = { mediaType: MediaType.ImageIndex, digest: digestOf(index), size: index.length };

/** A layout whose blobs/sha256 was replaced by `damage`, opened anew. */
async function damaged(damage: (sha256: string) => void): Promise<OciLayoutStore> {
  const dir = (await newLayout()).location;
  const sha256 = join(dir, 'blobs', 'sha256');
  rmSync(sha256, { recursive: true });
  damage(sha256);
  return OciLayoutStore.open(dir);
}

describe('a layout names what it failed to write as a read would: a manifest as a manifest, a blob as a blob', () => {
  it('blobs/sha256 a file: a manifest and an index pushed (bytes or streamed) are manifests, a config a blob', async () => {
    const store = await damaged((p) => writeFileSync(p, 'not a folder'));
    const said = (what: string) => new RegExp(`^layout ${store.location} is damaged: blobs/sha256 is not a folder \\((EEXIST|ENOTDIR)\\): cannot write ${what}$`);
    await assert.rejects(store.push(manifestDesc, manifest), { code: 'INVALID_LAYOUT', message: said(`manifest ${manifestDesc.digest}`) });
    await assert.rejects(store.push(indexDesc, Readable.from([index])), { code: 'INVALID_LAYOUT', message: said(`manifest ${indexDesc.digest}`) });
    await assert.rejects(store.push(configDesc, config), { code: 'INVALID_LAYOUT', message: said(`blob ${configDesc.digest}`) });
    await assert.rejects(store.push(configDesc, Readable.from([config])), { code: 'INVALID_LAYOUT', message: said(`blob ${configDesc.digest}`) });
  });

  it('blobs/sha256 a looping link: manifest push from a file says manifest', async () => {
    const store = await damaged((p) => symlinkSync('sha256', p));
    const file = join(tempDir(), 'manifest.json');
    writeFileSync(file, manifest);
    const r = await runCli('manifest', 'push', '--oci-layout', `${store.location}:v1`, file);
    assert.deepEqual([r.code, r.stdout], [1, '']);
    assert.equal(r.stderr, `Error: layout ${store.location} is damaged: blobs/sha256 is a symbolic link that loops (ELOOP): cannot write manifest ${manifestDesc.digest}\n`);
  });

  it('a manifest pushed with an invalid size is named as a manifest, to a layout and to a registry', async () => {
    const bad = { ...manifestDesc, size: -1 };
    const store = await newLayout();
    await assert.rejects(store.push(bad, manifest), { code: 'INVALID_ARGUMENT', message: `manifest ${manifestDesc.digest}: invalid size -1` });
    await assert.rejects(store.push({ ...configDesc, size: -1 }, config), { code: 'INVALID_ARGUMENT', message: `blob ${configDesc.digest}: invalid size -1` });
    // Refused before any request: no registry is there.
    const repo = new RemoteRepository(new RegistryClient('127.0.0.1:9', { plainHttp: true, retry: { attempts: 1 } }), 'app');
    await assert.rejects(repo.push(bad, manifest), { code: 'INVALID_ARGUMENT', message: `manifest ${manifestDesc.digest}: invalid size -1` });
  });
});
