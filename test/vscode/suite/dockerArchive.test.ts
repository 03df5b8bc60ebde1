import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DockerExportOutcome } from '../../../src/extension/commands/exportLayoutForDocker';
import { OciLayoutStore } from '../../../src/oci/layout';
import { indexTar } from '../../../src/oci/layout/tar';
import { RecordedPrompts } from './extensionWindow';
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

  /** manifest.json of a tar, parsed. */
  async function dockerManifest(file: string): Promise<Array<{ Config: string; RepoTags: string[]; Layers: string[] }>> {
    const entry = (await indexTar(file)).files.get('manifest.json');
    assert.ok(entry, `no manifest.json in ${file}`);
    return JSON.parse(readFileSync(file).subarray(entry.offset, entry.offset + entry.size).toString('utf8'));
  }

  it('Export Layout for docker load, arguments given: each tag as REPOSITORY:TAG, the index by the platform asked; the tar still the layout', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'manifold-docker-export-')), 'demo.tar');
    const outcome = await run<DockerExportOutcome>('manifold.exportLayoutForDocker', { layout: f.demo, file, repository: 'team/app', platform: 'linux/arm64' });
    assert.ok(outcome, 'the command returned nothing (see the Manifold log)');
    const manifest = await dockerManifest(file);
    const store = await OciLayoutStore.open(f.demo);
    const arm = await store.resolve('linux-arm64');
    const config = (JSON.parse((await store.fetchBytes(arm)).toString()) as { config: { digest: string } }).config.digest;
    const armEntry = manifest.find((m) => m.RepoTags.includes('team/app:v1'));
    assert.ok(armEntry, JSON.stringify(manifest));
    assert.equal(armEntry.Config, `blobs/sha256/${config.slice(7)}`);
    assert.ok(armEntry.RepoTags.includes('team/app:linux-arm64'), JSON.stringify(armEntry));
    assert.deepEqual(outcome.images.find((i) => i.tags.includes('v1'))?.digest, arm.digest);
    // Read back as the OCI layout it also is: the index under v1, whole.
    const tar = await OciLayoutStore.openTar(file);
    assert.equal((await tar.resolve('v1')).digest, f.index.digest);
  });

  it('Export Layout for docker load asks the repository (the folder name offered) and the platform (this machine\'s first)', async () => {
    const ui = new RecordedPrompts();
    ui.install();
    try {
      ui.typed = ['example.com/demo'];
      ui.picks = ['linux/amd64'];
      const file = join(mkdtempSync(join(tmpdir(), 'manifold-docker-export-')), 'asked.tar');
      const outcome = await run<DockerExportOutcome>('manifold.exportLayoutForDocker', { layout: f.demo, file });
      assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
      const own = process.arch === 'x64' ? 'linux/amd64' : `linux/${process.arch}`;
      assert.equal(ui.asked[0], 'input: The repository docker load names the images under: each tag becomes REPOSITORY:TAG');
      assert.match(ui.asked[1]!, new RegExp(`^pick: A tag is a multi-arch index: which platform goes into the tar for docker load\\?: ${own.replace('/', '\\/')}`));
      assert.equal(ui.asked.length, 2, ui.asked.join('; '));
      const tags = (await dockerManifest(file)).flatMap((m) => m.RepoTags);
      assert.ok(tags.includes('example.com/demo:v1') && tags.includes('example.com/demo:linux-amd64'), tags.join(', '));
      assert.equal(outcome.images.find((i) => i.tags.includes('v1'))?.digest, (await (await OciLayoutStore.open(f.demo)).resolve('linux-amd64')).digest);
      // The notification names what docker load will show; an artifact tag, if any, said as left out.
      assert.equal(ui.shown.length, 1, ui.shown.join('; '));
      assert.match(ui.shown[0]!, /for docker load: .*example\.com\/demo:v1/);
    } finally {
      ui.restore();
    }
  });

  it('Export Layout for docker load names five of many tags and counts the rest; the outcome lists them all', async () => {
    const layout = join(mkdtempSync(join(tmpdir(), 'manifold-docker-many-')), 'many');
    cpSync(f.demo, layout, { recursive: true });
    const store = await OciLayoutStore.open(layout);
    const amd = await store.resolve('linux-amd64');
    const added = Array.from({ length: 9 }, (_, i) => `r${i + 1}`);
    for (const t of added) await store.tag(amd, t);
    const ui = new RecordedPrompts();
    ui.install();
    try {
      const file = join(layout, '..', 'many.tar');
      const outcome = await run<DockerExportOutcome>('manifold.exportLayoutForDocker', { layout, file, repository: 'team/many', platform: 'linux/amd64' });
      assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
      const all = outcome.images.flatMap((i) => i.tags);
      for (const t of [...added, 'v1', 'linux-amd64']) assert.ok(all.includes(t), `${t} not in ${all.join(', ')}`);
      assert.equal((await dockerManifest(file)).flatMap((m) => m.RepoTags).length, all.length);
      assert.equal(ui.shown.length, 1, ui.shown.join('; '));
      const named = ui.shown[0]!.match(/team\/many:[^,.\s]+/g) ?? [];
      assert.equal(named.length, 5, ui.shown[0]);
      assert.match(ui.shown[0]!, new RegExp(`, ${all.length - 5} more\\.`), ui.shown[0]);
    } finally {
      ui.restore();
    }
  });
});
