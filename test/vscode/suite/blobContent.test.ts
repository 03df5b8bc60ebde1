import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Descriptor } from '../../../src/oci/descriptor';
import { digestOf } from '../../../src/oci/digest';
import { OciLayoutStore } from '../../../src/oci/layout';
import { row, useFixtures, type Fixtures } from './layoutFixtures';

/** An artifact with one layer, titled, tagged in the layout. */
async function artifact(store: OciLayoutStore, tag: string, title: string, mediaType: string, bytes: Buffer): Promise<Descriptor> {
  const put = async (mt: string, b: Buffer, annotations?: Record<string, string>): Promise<Descriptor> => {
    const desc: Descriptor = { mediaType: mt, digest: digestOf(b), size: b.length, ...(annotations ? { annotations } : {}) };
    await store.push(desc, b);
    return desc;
  };
  const config = await put('application/vnd.oci.empty.v1+json', Buffer.from('{}'));
  const layer = await put(mediaType, bytes, { 'org.opencontainers.image.title': title });
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/spdx+json', config, layers: [layer] }));
  const desc = await put('application/vnd.oci.image.manifest.v1+json', manifest);
  await store.tag(desc, tag);
  return layer;
}

/** "Open Content" and "Save As…" on a layer row, as the context menu runs them. */
describe('Manifold: what a layer carries', () => {
  let f: Fixtures;
  let store: OciLayoutStore;
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const layerRow = async (tag: string, title: string) => {
    await run('manifold.refresh');
    const work = await row(f, undefined, 'work');
    return row(f, (await row(f, work.node, tag)).node, title);
  };

  before(async () => {
    f = await useFixtures();
    store = await OciLayoutStore.open(f.work);
  });

  it('opens an SBOM layer as read-only text, and saves it verified', async () => {
    const sbom = Buffer.from('{"spdxVersion":"SPDX-2.3","name":"app","packages":[]}\n');
    await artifact(store, 'sbom-art', 'sbom.spdx.json', 'application/spdx+json', sbom);
    const layer = await layerRow('sbom-art', 'sbom.spdx.json');
    assert.equal(layer.contextValue, 'manifold:blob+layer');
    const uri = await run<string>('manifold.openBlob', layer.node);
    assert.ok(uri, 'no document opened');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    assert.ok(doc, 'the document is open');
    assert.equal(JSON.parse(doc.getText()).spdxVersion, 'SPDX-2.3');
    const out = join(mkdtempSync(join(tmpdir(), 'manifold-save-')), 'sbom.spdx.json');
    assert.equal(await run<string>('manifold.saveBlobAs', layer.node, out), out);
    assert.deepEqual(readFileSync(out), sbom);
  });

  it('refuses to open a binary layer as text (offering to save it), and still saves it byte for byte', async () => {
    const gz = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    await artifact(store, 'bin-art', 'rootfs.tar.gz', 'application/vnd.oci.image.layer.v1.tar+gzip', gz);
    const layer = await layerRow('bin-art', 'rootfs.tar.gz');
    const before = vscode.workspace.textDocuments.length;
    assert.equal(await run('manifold.openBlob', layer.node), undefined);
    assert.equal(vscode.workspace.textDocuments.length, before, 'no document opened for a binary layer');
    const out = join(mkdtempSync(join(tmpdir(), 'manifold-save-')), 'rootfs.tar.gz');
    await run('manifold.saveBlobAs', layer.node, out);
    assert.deepEqual(readFileSync(out), gz);
  });
});
