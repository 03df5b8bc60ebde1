import * as assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../../src/extension/services';
import type { Descriptor } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { cosignTag } from '../../../src/oci/referrers';
import { loadPublicKey, signKey, signManifest, verifySignatures } from '../../../src/oci/signatures';
import { useFixtures, type Fixtures } from './layoutFixtures';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

interface CopyToLayoutResult {
  layout: string;
  digest: string;
  tags: string[];
  moved: { tag: string; from: string; lastTag: boolean }[];
  message: string;
}

const fresh = (name: string) => join(mkdtempSync(join(tmpdir(), 'manifold-copy-to-layout-')), name);

async function referrerTypes(store: OciLayoutStore, desc: Descriptor): Promise<string[]> {
  const types: string[] = [];
  for await (const r of store.referrers(desc)) types.push(r.artifactType ?? '');
  return types.sort();
}

/** Every blob of the layout at `dir`: its name and the sha256 of its bytes, which must be the same. */
function blobNames(dir: string): string[] {
  const names = readdirSync(join(dir, 'blobs', 'sha256'));
  for (const name of names) assert.equal(createHash('sha256').update(readFileSync(join(dir, 'blobs', 'sha256', name))).digest('hex'), name, `${dir}: blob ${name}`);
  return names.sort();
}

/**
 * Copy to Layout: a layout's tag, with all below it and its referrers, into another layout (a folder made one if it
 * is none), as `cp -r` between layouts does; from a tree row, a layout archive, and over a tag that names something else.
 */
describe('Copy to Layout', () => {
  let f: Fixtures;
  let services: Services;
  const errors: string[] = [];
  let logError: Services['log']['error'];

  before(async () => {
    f = await useFixtures();
    services = f.services;
    logError = services.log.error;
    services.log.error = (message: string | Error) => void errors.push(String(message));
  });
  after(() => {
    services.log.error = logError;
  });
  beforeEach(() => (errors.length = 0));

  it('copies an index with its platforms and referrers into a new folder, which becomes a layout the view lists', async () => {
    const to = fresh('release');
    const result = await run<CopyToLayoutResult>('manifold.copyToLayout', { layout: f.demo, reference: 'v1', to, tags: ['v1', 'stable'], platforms: [] });
    assert.ok(result, errors.join('\n'));
    const src = await OciLayoutStore.open(f.demo);
    const dst = await OciLayoutStore.open(to);
    const index = await src.resolve('v1');
    assert.equal(result.digest, index.digest);
    assert.equal((await dst.resolve('v1')).digest, index.digest);
    assert.equal((await dst.resolve('stable')).digest, index.digest);
    // The index's SBOM came along, and every platform's own referrers (linux-amd64's end-of-life note).
    assert.deepEqual(await referrerTypes(dst, index), await referrerTypes(src, index));
    const children = (JSON.parse((await src.fetchBytes(index)).toString('utf8')) as { manifests: Descriptor[] }).manifests;
    for (const child of children) assert.deepEqual(await referrerTypes(dst, child), await referrerTypes(src, child), child.digest);
    // Nothing but what v1 holds and what refers to it: every blob there is one of the source's, byte for byte.
    const copied = blobNames(to);
    assert.ok(copied.every((name) => blobNames(f.demo).includes(name)));
    assert.ok(copied.length > children.length * 3, `${copied.length} blobs`);
    assert.match(result.message, new RegExp(`^Copied v1 from layouts/demo to .*release as v1, stable \\([0-9a-f]{12}\\) with \\d+ referrers\\.$`));
    // Outside the workspace: remembered as an added folder, so the Layouts view shows it.
    assert.ok(services.layouts.addedFolders().includes(to), services.layouts.addedFolders().join(', '));
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it("carries cosign's .sig tags with the referrers: the copy's signatures verify with the key", async () => {
    // A copy of the demo layout, signed (the index and one platform): the shared fixture stays as the other tests read it.
    const from = fresh('signed');
    cpSync(f.demo, from, { recursive: true });
    const src = await OciLayoutStore.open(from);
    const index = await src.resolve('v1');
    const child = (JSON.parse((await src.fetchBytes(index)).toString('utf8')) as { manifests: Descriptor[] }).manifests[0]!;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    for (const d of [index, child]) await signManifest(src, d, signKey('cosign.key', privateKey), 'r.example/app:v1');
    const to = fresh('release-signed');
    const result = await run<CopyToLayoutResult>('manifold.copyToLayout', { layout: from, reference: 'v1', to, tags: ['v1'], platforms: [] });
    assert.ok(result, errors.join('\n'));
    const dst = await OciLayoutStore.open(to);
    const key = loadPublicKey('cosign.pub', publicKey.export({ type: 'spki', format: 'pem' }).toString());
    for (const d of [index, child]) {
      const tag = cosignTag(d.digest, 'sig');
      assert.equal((await dst.resolve(tag)).digest, (await src.resolve(tag)).digest, tag);
      assert.equal((await verifySignatures(dst, { mediaType: d.mediaType, digest: d.digest, size: d.size }, [key])).valid, true, d.digest);
    }
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it("from a tag's row in the Layouts view, without referrers when told so", async () => {
    const tree = services.tree as unknown as { getChildren(n?: unknown): Promise<unknown[]>; getTreeItem(n: unknown): vscode.TreeItem };
    const layoutRow = (await tree.getChildren()).find((n) => String(tree.getTreeItem(n).label) === 'demo');
    assert.ok(layoutRow, 'the demo row');
    const tagRow = (await tree.getChildren(layoutRow)).find((n) => tree.getTreeItem(n).label === 'linux-amd64');
    assert.ok(tagRow, 'the linux-amd64 row');
    const to = fresh('amd64');
    const result = await run<CopyToLayoutResult>('manifold.copyToLayout', tagRow, { to, tags: ['amd64'], referrers: false });
    assert.ok(result, errors.join('\n'));
    const src = await OciLayoutStore.open(f.demo);
    const dst = await OciLayoutStore.open(to);
    const image = await src.resolve('linux-amd64');
    assert.equal((await dst.resolve('amd64')).digest, image.digest);
    assert.deepEqual(await referrerTypes(src, image), ['application/vnd.microsoft.artifact.lifecycle']);
    assert.deepEqual(await referrerTypes(dst, image), []);
    assert.match(result.message, /^Copied linux-amd64 from layouts\/demo to .*amd64 as amd64 \([0-9a-f]{12}\)\.$/);
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it('a tag there that names something else moves once confirmed; what it named stays listed untagged', async () => {
    const to = fresh('moving');
    const first = await run<CopyToLayoutResult>('manifold.copyToLayout', { layout: f.demo, reference: 'linux-arm64', to, tags: ['app'], referrers: false });
    assert.ok(first, errors.join('\n'));
    const second = await run<CopyToLayoutResult>('manifold.copyToLayout', { layout: f.demo, reference: 'linux-amd64', to, tags: ['app'], referrers: false, confirmed: true });
    assert.ok(second, errors.join('\n'));
    assert.deepEqual(second.moved.map((m) => [m.tag, m.from, m.lastTag]), [['app', first.digest, true]]);
    assert.match(second.message, /^Copied linux-amd64 from layouts\/demo to .*moving as app \([0-9a-f]{12}\)\. app moved from/);
    assert.match(second.message, new RegExp(`app moved from ${first.digest.slice(7, 19)} \\(now under Untagged\\)\\.$`));
    const dst = await OciLayoutStore.open(to);
    assert.equal((await dst.resolve('app')).digest, second.digest);
    const entries = await dst.entries();
    assert.deepEqual(entries.filter((d) => d.digest === first.digest).map((d) => d.annotations?.['org.opencontainers.image.ref.name'] ?? null), [null]);
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it('out of a layout archive into a folder; into an archive it is refused, naming it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'manifold-copy-to-layout-tar-')), 'demo.tar');
    assert.ok(await run('manifold.exportLayoutTar', { layout: f.demo, file }), errors.join('\n'));
    const to = fresh('from-tar');
    const result = await run<CopyToLayoutResult>('manifold.copyToLayout', { layout: file, reference: 'v1', to, tags: ['v1'], platforms: [], referrers: false });
    assert.ok(result, errors.join('\n'));
    assert.equal((await (await OciLayoutStore.open(to)).resolve('v1')).digest, (await (await OciLayoutStore.open(f.demo)).resolve('v1')).digest);
    assert.match(result.message, new RegExp(`^Copied v1 from .*${basename(file)} to`));

    assert.equal(await run('manifold.copyToLayout', { layout: f.demo, reference: 'v1', to: file, tags: ['v1'], platforms: [], referrers: false }), undefined);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.ok(errors[0]!.includes(`${file} is a layout archive: copy into a layout folder.`), errors[0]);
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it('a tag dropped on another layout in the view is copied there under its tag; within its own layout, or on an archive, nothing happens', async () => {
    const tree = services.tree as unknown as { getChildren(n?: unknown): Promise<unknown[]>; getTreeItem(n: unknown): vscode.TreeItem };
    const to = fresh('dropped');
    await run('manifold.createLayout', { path: to });
    await run('manifold.addLayoutFolder', { path: to });
    const file = join(mkdtempSync(join(tmpdir(), 'manifold-drop-tar-')), 'archive.tar');
    assert.ok(await run('manifold.exportLayoutTar', { layout: to, file }), errors.join('\n'));
    await run('manifold.addLayoutFolder', { path: file });
    const roots = await tree.getChildren();
    const rowOf = (label: string) => roots.find((n) => String(tree.getTreeItem(n).label) === label);
    const [demoRow, droppedRow, archiveRow] = [rowOf('demo'), rowOf('dropped'), rowOf('archive.tar')];
    assert.ok(demoRow && droppedRow && archiveRow, roots.map((n) => tree.getTreeItem(n).label).join(', '));
    // linux-armv7: an image with no referrers, so nothing is asked.
    const armv7 = (await tree.getChildren(demoRow)).find((n) => tree.getTreeItem(n).label === 'linux-armv7');
    assert.ok(armv7, 'the linux-armv7 row');
    const dragged = (node: unknown) => {
      const transfer = new vscode.DataTransfer();
      transfer.set('application/vnd.code.tree.manifold.layouts', new vscode.DataTransferItem([node]));
      return transfer;
    };
    const token = new vscode.CancellationTokenSource().token;
    const demoIndex = readFileSync(join(f.demo, 'index.json'));

    await services.layoutsDrop.handleDrop!(demoRow as never, dragged(armv7), token);
    await services.layoutsDrop.handleDrop!(archiveRow as never, dragged(armv7), token);
    assert.deepEqual(readFileSync(join(f.demo, 'index.json')), demoIndex, 'a drop within its own layout changes nothing');
    assert.deepEqual((await (await OciLayoutStore.open(to)).entries()).length, 0, 'nothing was copied before the real drop');

    await services.layoutsDrop.handleDrop!(droppedRow as never, dragged(armv7), token);
    assert.deepEqual(errors, []);
    const image = await (await OciLayoutStore.open(f.demo)).resolve('linux-armv7');
    assert.equal((await (await OciLayoutStore.open(to)).resolve('linux-armv7')).digest, image.digest);
    assert.deepEqual(readFileSync(join(f.demo, 'index.json')), demoIndex, 'the source is left as it was');
    await run('manifold.removeLayoutFolder', { layout: to });
    await run('manifold.removeLayoutFolder', { layout: file });
  });

  it('several rows selected: each copied under its own tag, into one destination', async () => {
    const tree = services.tree as unknown as { getChildren(n?: unknown): Promise<unknown[]>; getTreeItem(n: unknown): vscode.TreeItem };
    const demoRow = (await tree.getChildren()).find((n) => String(tree.getTreeItem(n).label) === 'demo');
    assert.ok(demoRow, 'the demo row');
    const tags = await tree.getChildren(demoRow);
    const pick = (label: string) => tags.find((n) => tree.getTreeItem(n).label === label);
    const [armv7, arm64] = [pick('linux-armv7'), pick('linux-arm64')];
    assert.ok(armv7 && arm64, 'the linux-armv7 and linux-arm64 rows');
    const to = fresh('selected');
    // As the tree calls it (the row right-clicked, then the selection), with the destination answered.
    const result = await run<CopyToLayoutResult>('manifold.copyToLayout', armv7, [armv7, arm64], { to });
    assert.ok(result, errors.join('\n'));
    const src = await OciLayoutStore.open(f.demo);
    const dst = await OciLayoutStore.open(to);
    for (const tag of ['linux-armv7', 'linux-arm64']) assert.equal((await dst.resolve(tag)).digest, (await src.resolve(tag)).digest, tag);
    assert.deepEqual((await dst.entries()).map((d) => d.annotations?.['org.opencontainers.image.ref.name']).sort(), ['linux-arm64', 'linux-armv7']);
    // One result for both (neither has referrers: nothing was asked), and one message.
    assert.deepEqual(result.tags, ['linux-armv7', 'linux-arm64']);
    assert.match(result.message, /^Copied 2 rows to .*selected: demo:linux-armv7, demo:linux-arm64\.$/);
    // Into the layout they are in: nothing to copy, and said so.
    const demoIndex = readFileSync(join(f.demo, 'index.json'));
    assert.equal(await run('manifold.copyToLayout', armv7, [armv7, arm64], { to: f.demo }), undefined);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.ok(errors[0]!.includes(`Nothing to copy: the rows selected are in ${f.demo} already.`), errors[0]);
    assert.deepEqual(readFileSync(join(f.demo, 'index.json')), demoIndex);
    await run('manifold.removeLayoutFolder', { layout: to });
  });
});
