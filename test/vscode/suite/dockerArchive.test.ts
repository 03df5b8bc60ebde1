import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { OciLayoutStore } from '../../../src/oci/layout';
import { writeTar } from '../../unit/builders';
import { eventually, row, rows, useFixtures, type Fixtures } from './layoutFixtures';

/** A docker save tarball (before Docker 25: manifest.json, no index.json) in the Layouts view and imported into a layout. */
describe('Manifold docker save tarballs', () => {
  let f: Fixtures;
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

  before(async () => {
    f = await useFixtures();
  });

  /** One image, tagged app:v1 and app:latest, laid out as docker save lays it. */
  function dockerSave(): { file: string; manifest: string } {
    const dir = mkdtempSync(join(tmpdir(), 'manifold-docker-save-'));
    writeTar(join(dir, 'layer.tar'), [{ name: 'hello.txt', body: 'hello\n' }]);
    const layer = readFileSync(join(dir, 'layer.tar'));
    const config = Buffer.from(`{"architecture":"arm64","os":"linux","variant":"v8","rootfs":{"type":"layers","diff_ids":["sha256:${hex(layer)}"]}}`);
    const file = join(dir, 'docker-save.tar');
    writeTar(file, [
      { name: `${hex(config)}.json`, body: config },
      { name: 'l1/layer.tar', body: layer },
      { name: 'manifest.json', body: JSON.stringify([{ Config: `${hex(config)}.json`, RepoTags: ['app:v1', 'app:latest'], Layers: ['l1/layer.tar'] }]) },
    ]);
    const manifest = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:${hex(config)}","size":${config.length}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:${hex(layer)}","size":${layer.length}}]}`;
    return { file, manifest: `sha256:${hex(manifest)}` };
  }

  it('Add Layout shows its tags, read-only, with the platform of each; Import .tar into Layout copies them', async () => {
    const { file, manifest } = dockerSave();
    await run('manifold.addLayoutFolder', { path: file });
    await eventually(async () => {
      const tags = await rows(f, (await row(f, undefined, 'docker-save.tar')).node);
      assert.deepEqual(tags.map((r) => r.label), ['latest', 'v1']);
      assert.match(String(tags[1]!.description), /linux\/arm64\/v8/);
    });

    const dir = join(f.workspace, 'layouts', 'from-docker-save');
    const result = await run<{ tags: Record<string, string>; leftOut: string[] }>('manifold.importLayoutTar', { file, layout: dir });
    assert.ok(result, 'the command returned nothing (see the Manifold log)');
    assert.deepEqual(result.tags, { latest: manifest, v1: manifest });
    const store = await OciLayoutStore.open(dir);
    assert.equal((await store.resolve('v1')).digest, manifest);
  });
});
