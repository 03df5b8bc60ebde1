import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { generateDemoLayout } from '../../../scripts/demoLayout';
import { ANNOTATION_REF_NAME, type ImageIndex } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { writeLayoutTar } from '../../../src/oci/layout/tarExport';
import type { PruneReport } from '../../../src/oci/layout/prune';
import { makeArtifact, makeDeleteGraph, makeImage, makeIndex, pushBlob } from '../../unit/builders';
import { eventually, row, rows, useFixtures, type Fixtures } from './layoutFixtures';

/** Prune, delete with referrers, layout tar export and import, index comparison: each command's effect read back from disk. */
describe('Manifold layout lifecycle', () => {
  let f: Fixtures;
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const blobFile = (dir: string, d: { digest: string }) => join(dir, 'blobs', 'sha256', d.digest.slice(7));
  const listed = (dir: string) => (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as ImageIndex).manifests.map((d) => d.annotations?.[ANNOTATION_REF_NAME] ?? d.digest);
  /** Every file of the layout an hour old: older than prune's grace period, so nothing is kept for being young. */
  const age = (dir: string) => {
    const old = new Date(Date.now() - 3_600_000);
    for (const sub of ['blobs/sha256', '.manifold-tmp', '.']) {
      if (!existsSync(join(dir, sub))) continue;
      for (const name of readdirSync(join(dir, sub))) utimesSync(join(dir, sub, name), old, old);
    }
  };

  before(async () => {
    f = await useFixtures();
  });

  it('Prune Layout removes unreachable blobs, temp files and stale locks; untagged manifests go only when asked', async () => {
    const dir = join(f.workspace, 'layouts', 'lc-prune');
    const store = await OciLayoutStore.open(dir, { create: true });
    const amd = await makeImage(store, { arch: 'amd64' });
    const arm = await makeImage(store, { arch: 'arm64' });
    const first = await makeIndex(store, [amd]);
    await store.tag(first, 'rel');
    const second = await makeIndex(store, [amd, arm]);
    await store.tag(second, 'rel'); // first stays listed, untagged
    const orphan = await pushBlob(store, 'nothing refers to me\n');
    mkdirSync(join(dir, '.manifold-tmp'), { recursive: true });
    writeFileSync(join(dir, '.manifold-tmp', 'blob-1-abcdef123456'), 'half an ingest');
    writeFileSync(join(dir, 'index.json.lock.0123456789abcdef'), '');
    age(dir);

    const report = await run<PruneReport>('manifold.pruneLayout', { layout: dir, confirmed: true });
    assert.ok(report, 'the command returned nothing (see the Manifold log)');
    assert.deepEqual(report.removed.map((r) => `${r.kind} ${r.path}`), [`blob blobs/sha256/${orphan.digest.slice(7)}`, 'temp .manifold-tmp/blob-1-abcdef123456', 'lock index.json.lock.0123456789abcdef']);
    assert.equal(report.bytes, orphan.size + 'half an ingest'.length);
    assert.ok(!existsSync(blobFile(dir, orphan)));
    assert.ok(!existsSync(join(dir, '.manifold-tmp', 'blob-1-abcdef123456')) && !existsSync(join(dir, 'index.json.lock.0123456789abcdef')));
    for (const d of [first, second, amd, arm]) assert.ok(existsSync(blobFile(dir, d)), `${d.digest} kept`);
    assert.deepEqual(listed(dir).sort(), ['rel', first.digest].sort());

    const withUntagged = await run<PruneReport>('manifold.pruneLayout', { layout: dir, untagged: true, confirmed: true });
    assert.deepEqual(withUntagged?.untagged.map((u) => [u.digest, u.platforms]), [[first.digest, ['linux/amd64']]]);
    assert.deepEqual(listed(dir), ['rel']);
    assert.ok(!existsSync(blobFile(dir, first)));
    for (const d of [second, amd, arm]) assert.ok(existsSync(blobFile(dir, d)), `${d.digest} kept`);
    assert.equal((await (await OciLayoutStore.open(dir)).resolve('rel')).digest, second.digest);
    // The tree: rel, and no Untagged row any more. (The layouts are listed again first: this one was made by the test
    // after the view may have listed them, and finding new layouts is the watcher's test, not this one's.)
    await run('manifold.refresh');
    await eventually(async () => assert.deepEqual((await rows(f, (await row(f, undefined, 'lc-prune')).node)).map((r) => r.label), ['rel']));
  });

  it('Delete with Referrers deletes the plan: referrers, and children nothing else reaches', async () => {
    const dir = join(f.workspace, 'layouts', 'lc-delete');
    const store = await OciLayoutStore.open(dir, { create: true });
    const { amd, arm, multi, sbom, sig, armSig, amdSig } = await makeDeleteGraph(store);

    const result = await run<{ digest: string; tags: string[]; deleted: string[] }>('manifold.delete', { layout: dir, reference: 'multi', withReferrers: true, confirmed: true });
    assert.ok(result, 'the command returned nothing (see the Manifold log)');
    assert.deepEqual(result.tags, ['multi']);
    assert.deepEqual([...result.deleted].sort(), [multi, sbom, sig, arm, armSig].map((d) => d.digest).sort());
    for (const d of [multi, sbom, sig, arm, armSig]) assert.ok(!existsSync(blobFile(dir, d)), `${d.digest} deleted`);
    // index.json: the other tag, and the referrer of what it names (listed untagged, the oras way).
    assert.deepEqual(listed(dir).sort(), ['amd', amdSig.digest].sort());
  });

  it('Export Layout as .tar writes the bytes writeLayoutTar writes, and refuses a place inside the layout', async () => {
    const dir = join(f.workspace, 'layouts', 'lc-export');
    await generateDemoLayout(dir);
    const out = mkdtempSync(join(tmpdir(), 'manifold-export-'));
    const file = join(out, 'lc-export.tar');
    const result = await run<{ file: string; size: number; digest: string }>('manifold.exportLayoutTar', { layout: dir, file });
    assert.ok(result, 'the command returned nothing (see the Manifold log)');
    const expected = join(out, 'expected.tar');
    const written = await writeLayoutTar(dir, expected);
    assert.ok(readFileSync(file).equals(readFileSync(expected)), 'the same bytes as writeLayoutTar');
    assert.deepEqual([result.size, result.digest], [written.size, written.digest]);
    // A peer's view of it: the archive opens as a layout with the same tags and digests.
    const tar = await OciLayoutStore.openTar(file);
    const source = await OciLayoutStore.open(dir);
    for (const tag of ['v1', 'linux-amd64', 'linux-arm64']) assert.equal((await tar.resolve(tag)).digest, (await source.resolve(tag)).digest);

    const inside = join(dir, 'inside.tar');
    assert.equal(await run('manifold.exportLayoutTar', { layout: dir, file: inside }), undefined);
    assert.ok(!existsSync(inside));
  });

  it('Import .tar into Layout copies every tag and referrer; a tag naming something else moves only when confirmed', async () => {
    const src = join(f.workspace, 'layouts', 'lc-export');
    const file = join(mkdtempSync(join(tmpdir(), 'manifold-import-')), 'demo.tar');
    await writeLayoutTar(src, file);
    const source = await OciLayoutStore.open(src);
    const want: Record<string, string> = {};
    for (const tag of ['linux-amd64', 'linux-arm64', 'v1']) want[tag] = (await source.resolve(tag)).digest;

    const dir = join(f.workspace, 'layouts', 'lc-imported');
    const result = await run<{ layout: string; tags: Record<string, string>; referrers: number; moved: unknown[]; leftOut: string[] }>('manifold.importLayoutTar', { file, layout: dir });
    assert.ok(result, 'the command returned nothing (see the Manifold log)');
    assert.deepEqual(result.tags, want);
    assert.deepEqual([result.referrers, result.moved, result.leftOut], [1, [], []]);
    const store = await OciLayoutStore.open(dir);
    for (const [tag, digest] of Object.entries(want)) assert.equal((await store.resolve(tag)).digest, digest);
    const referrers: string[] = [];
    for await (const r of store.referrers(await store.resolve('v1'))) referrers.push(r.artifactType ?? '');
    assert.deepEqual(referrers, ['application/spdx+json']);
    // The new layout shows in the tree with the archive's tags.
    await eventually(async () => {
      const labels = (await rows(f, (await row(f, undefined, 'lc-imported')).node)).map((r) => r.label);
      assert.deepEqual(labels, ['linux-amd64', 'linux-arm64', 'v1', 'Untagged']); // Untagged: the SBOM, listed the oras way
    });

    // v1 named something else in the destination: confirmed, it moves back; the image it named keeps its own tag.
    await store.tag(await store.resolve('linux-amd64'), 'v1');
    const again = await run<{ tags: Record<string, string>; moved: { tag: string; from: string }[] }>('manifold.importLayoutTar', { file, layout: dir, confirmed: true });
    assert.deepEqual(again?.moved.map((m) => [m.tag, m.from]), [['v1', want['linux-amd64']]]);
    assert.equal((await store.resolve('v1')).digest, want.v1);
    assert.equal((await store.resolve('linux-amd64')).digest, want['linux-amd64']);
  });

  it('Compare Index With opens two readable index summaries side by side, for another tag or an earlier digest', async function () {
    this.timeout(180_000); // the first diff editor of a session loads its worker: slow on a busy machine
    const dir = join(f.workspace, 'layouts', 'lc-export');
    const store = await OciLayoutStore.open(dir);
    const v1 = await store.resolve('v1');
    const amd = await store.resolve('linux-amd64');
    const armv7 = await makeImage(store, { arch: 'arm', variant: 'v7' });
    const v2 = await makeIndex(store, [{ ...amd, platform: { os: 'linux', architecture: 'amd64' } }, armv7], { annotations: { 'org.opencontainers.image.version': '2' } });
    await store.tag(v2, 'v2');

    const uris = await run<{ left: string; right: string }>('manifold.compareIndex', { layout: dir, reference: 'v2', with: 'v1' });
    assert.ok(uris, 'the command returned nothing (see the Manifold log)');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    assert.deepEqual([tab.input.original.toString(), tab.input.modified.toString()], [uris.left, uris.right]);
    const text = async (uri: string) => (await vscode.workspace.openTextDocument(vscode.Uri.parse(uri))).getText();
    const left = await text(uris.left);
    const right = await text(uris.right);
    assert.match(left, new RegExp(`^Index      v1\nDigest     ${v1.digest}\nPlatforms  2\nReferrers  application/spdx\\+json\n`));
    assert.match(left, /\nlinux\/arm64\/v8\n  digest      sha256:/);
    assert.match(right, new RegExp(`^Index      v2\nDigest     ${v2.digest}\nPlatforms  2\nReferrers  \\(none\\)\n\nAnnotations\n  org.opencontainers.image.version: 2\n`));
    assert.match(right, new RegExp(`\nlinux/amd64\n  digest      ${amd.digest}\n`));
    assert.match(right, /\nlinux\/arm\/v7\n  digest      sha256:[0-9a-f]{64}\n  media type  application\/vnd\.oci\.image\.manifest\.v1\+json\n  created     \(none\)\n  layers      1\n/);

    // v1 moves to v2's index: the earlier v1 stays listed untagged, and is what v1 is compared with.
    await store.tag(v2, 'v1');
    const earlier = await run<{ left: string; right: string }>('manifold.compareIndex', { layout: dir, reference: 'v1', with: v1.digest });
    assert.match(await text(earlier!.left), new RegExp(`^Index      ${v1.digest}\n`));
    assert.match(await text(earlier!.right), new RegExp(`^Index      v1\nDigest     ${v2.digest}\n`));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

