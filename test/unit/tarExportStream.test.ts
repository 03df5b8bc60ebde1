import { strict as assert } from 'node:assert';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copy } from '../../src/oci/copy';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { beginLayoutTarExport, writeLayoutTar } from '../../src/oci/layout/tarExport';
import type { TarExportTarget } from '../../src/oci/layout/tarExportTarget';
import type { ReadOnlyTarget } from '../../src/oci/target';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, tempDir } from './builders';

/** The same layout seen through a target that is not a local layout (as a registry is): nothing to take later. */
function remoteLike(store: OciLayoutStore): ReadOnlyTarget {
  return {
    resolve: (r, o) => store.resolve(r, o),
    resolveBlob: (d, o) => store.resolveBlob(d, o),
    exists: (d, o) => store.exists(d, o),
    fetch: (d, o) => store.fetch(d, o),
    fetchBytes: (d, o) => store.fetchBytes(d, o),
    tags: (o) => store.tags(o),
    referrers: (d, o) => store.referrers(d, o),
  };
}

async function exportWith(src: ReadOnlyTarget, dest: string, reference: string, tags: string[]) {
  const exp = await beginLayoutTarExport(dest);
  try {
    const result = await copy(src, reference, exp.store, tags, { referrers: true });
    const staged = readdirSync(join((exp.store as TarExportTarget).staging.location, 'blobs', 'sha256')).map((h) => `sha256:${h}`);
    return { written: await exp.finish({ roots: [result.root] }), staged };
  } finally {
    await exp.abort();
  }
}

describe('layout tar export streams blobs from the source', function () {
  // Dozens of CLI runs and exports: slow on a busy machine.
  this.timeout(120_000);
  after(cleanupTemps);
  let dir: string;
  let layout: string;
  let index: Descriptor;
  let layers: string[];

  before(async () => {
    dir = tempDir();
    const store = await OciLayoutStore.open(join(dir, 'src'), { create: true });
    layout = store.location;
    const amd = await makeImage(store, { arch: 'amd64', layers: ['a'.repeat(3000), 'b'.repeat(70_000)] });
    const arm = await makeImage(store, { arch: 'arm64', layers: ['c'.repeat(1 << 20)] });
    index = await makeIndex(store, [amd, arm]);
    await store.tag(index, 'v1');
    await makeArtifact(store, { subject: index, artifactType: 'application/spdx+json' });
    layers = [];
    for (const m of [amd, arm]) layers.push(...JSON.parse((await store.fetchBytes(m)).toString()).layers.map((l: Descriptor) => l.digest));
  });

  it('keeps only manifests in its staging folder for a local source, and writes the same bytes as a source whose blobs are fetched during the copy', async () => {
    const store = await OciLayoutStore.open(layout);
    const local = await exportWith(store, join(dir, 'local.tar'), 'v1', ['v1']);
    for (const layer of layers) assert.ok(!local.staged.includes(layer), `${layer} was not copied into the staging folder`);
    const remote = await exportWith(remoteLike(store), join(dir, 'remote.tar'), 'v1', ['v1']);
    for (const layer of layers) assert.ok(remote.staged.includes(layer), `${layer} was fetched and staged during the copy`);
    assert.ok(readFileSync(join(dir, 'local.tar')).equals(readFileSync(join(dir, 'remote.tar'))));
    assert.deepEqual(local.written, remote.written);
    // And the same as writing the source folder whole when it holds just that graph.
    const whole = await writeLayoutTar(layout, join(dir, 'whole.tar'));
    assert.deepEqual(local.written.entries, whole.entries);
    const tar = await OciLayoutStore.openTar(join(dir, 'local.tar'));
    for (const layer of layers) assert.ok((await tar.fetchBytes(await tar.resolveBlob(layer))).equals(readFileSync(join(layout, 'blobs', 'sha256', layer.slice(7)))));
  });

  it('re-exports a layout tar (its blobs streamed from inside the tar) to the same bytes', async () => {
    const out = tempDir();
    const first = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:v1`, join(out, 'a.tar:v1'), '-r');
    assert.equal(first.code, 0, first.stderr);
    const again = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${join(out, 'a.tar')}:v1`, join(out, 'b.tar:v1'), '-r');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`Mounted ${layers[1]!.slice(7, 19)} `), 'the layer is taken from the source tar, not copied during the copy');
    assert.ok(readFileSync(join(out, 'a.tar')).equals(readFileSync(join(out, 'b.tar'))));
  });

  it('fails on a source blob whose content does not match, naming it, and leaves the tar already under the name as it was', async () => {
    const out = tempDir();
    const bad = join(out, 'bad');
    cpSync(layout, bad, { recursive: true });
    const victim = layers[1]!;
    const file = join(bad, 'blobs', 'sha256', victim.slice(7));
    writeFileSync(file, 'B'.repeat(70_000)); // same size, other bytes
    const previous = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:v1`, join(out, 'out.tar:before'));
    assert.equal(previous.code, 0, previous.stderr);
    const before = readFileSync(join(out, 'out.tar'));
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${bad}:v1`, join(out, 'out.tar:v1'), '-r');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error: blob ${victim} in ${bad}: content has digest sha256:`));
    assert.ok(readFileSync(join(out, 'out.tar')).equals(before), 'the previous tar is as it was');
    assert.deepEqual(readdirSync(out).sort(), ['bad', 'out.tar'], 'no temp tar or staging folder is left');
  });

  it('fails on a source blob of another size before writing anything, naming it', async () => {
    const out = tempDir();
    const bad = join(out, 'bad');
    cpSync(layout, bad, { recursive: true });
    const victim = layers[0]!;
    writeFileSync(join(bad, 'blobs', 'sha256', victim.slice(7)), 'short');
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${bad}:v1`, join(out, 'out.tar:v1'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error: blob ${victim} in ${bad}: size 5, expected 3000`));
    assert.deepEqual(readdirSync(out), ['bad']);
  });

  it('writeLayoutTar verifies each blob against its name, and leaves no tar when one does not match', async () => {
    const out = tempDir();
    const bad = join(out, 'bad');
    cpSync(layout, bad, { recursive: true });
    const victim = layers[2]!;
    writeFileSync(join(bad, 'blobs', 'sha256', victim.slice(7)), 'C'.repeat(1 << 20));
    await assert.rejects(writeLayoutTar(bad, join(out, 'whole.tar')), (err: Error) => err.message.startsWith(`blob ${victim} in ${bad}: content has digest`));
    assert.equal(existsSync(join(out, 'whole.tar')), false);
    assert.deepEqual(readdirSync(out), ['bad']);
  });
});
