import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ImageIndex } from '../../../src/oci/descriptor';
import { digestOf } from '../../../src/oci/digest';
import { isOciError } from '../../../src/oci/errors';
import { OciLayoutStore } from '../../../src/oci/layout';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../../../src/oci/mediaType';
import { makeImage, makeIndex } from '../../unit/builders';
import { makeBuildxAttestation, SLSA, SPDX } from '../../unit/coverageLayout';
import { row, rows, useFixtures, type Fixtures } from './layoutFixtures';

/** Commands run the way other extensions and keybindings run them, with their effect read back from disk. */
describe('Manifold commands', () => {
  let f: Fixtures;
  let store: OciLayoutStore;
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const indexOf = async (ref: string): Promise<ImageIndex> => JSON.parse((await store.fetchBytes(await store.resolve(ref))).toString('utf8'));
  const platforms = (ix: ImageIndex) => ix.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}${m.platform?.variant ? `/${m.platform.variant}` : ''}`);

  before(async () => {
    f = await useFixtures();
    store = await OciLayoutStore.open(f.work);
  });

  it('createIndex makes a tagged multi-arch index of the sources', async () => {
    const result = await run<{ digest: string; tags: string[] }>('manifold.createIndex', { layout: f.work, sources: ['linux-amd64', 'linux-armv7'], tags: ['v2'], annotations: ['org.opencontainers.image.version=2'] });
    assert.ok(result, 'the command returned nothing (see the Manifold log)');
    assert.equal((await store.resolve('v2')).digest, result.digest);
    const ix = await indexOf('v2');
    assert.deepEqual(platforms(ix), ['linux/amd64', 'linux/arm/v7']);
    assert.deepEqual(ix.annotations, { 'org.opencontainers.image.version': '2' });
    // The tree shows it at once.
    const work = await row(f, undefined, 'work');
    assert.match((await row(f, work.node, 'v2')).description, /multi-arch \(linux\/amd64, linux\/arm\/v7\)/);
  });

  it('updateIndex adds a manifest, sets an annotation and moves the tag', async () => {
    const before = (await store.resolve('v2')).digest;
    const result = await run<{ digest: string; changed: boolean }>('manifold.updateIndex', { layout: f.work, index: 'v2', add: ['linux-arm64'], annotations: ['stage=beta'] });
    assert.ok(result?.changed);
    assert.notEqual(result.digest, before);
    assert.equal((await store.resolve('v2')).digest, result.digest);
    const ix = await indexOf('v2');
    assert.deepEqual(platforms(ix), ['linux/amd64', 'linux/arm/v7', 'linux/arm64/v8']);
    assert.equal(ix.annotations?.stage, 'beta');
  });

  it('updateIndex removes a manifest by digest', async () => {
    const armv7 = (await store.resolve('linux-armv7')).digest;
    await run('manifold.updateIndex', { layout: f.work, index: 'v2', remove: [armv7] });
    assert.deepEqual(platforms(await indexOf('v2')), ['linux/amd64', 'linux/arm64/v8']);
  });

  it('updateIndex removes an image with the attestation entry buildx listed for it', async () => {
    const amd = { ...(await store.resolve('linux-amd64')), platform: { os: 'linux', architecture: 'amd64' } };
    const arm = { ...(await store.resolve('linux-arm64')), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } };
    await store.push({ mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length }, EMPTY_JSON);
    const empty = { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length };
    const statement = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: 'application/vnd.in-toto+json', config: empty, layers: [empty] }));
    const attestation = { mediaType: MediaType.ImageManifest, digest: digestOf(statement), size: statement.length };
    await store.push(attestation, statement);
    const entry = { ...attestation, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': arm.digest } };
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [amd, arm, entry] }));
    const desc = { mediaType: MediaType.ImageIndex, digest: digestOf(index), size: index.length };
    await store.push(desc, index);
    await store.tag(desc, 'attested');
    await run('manifold.updateIndex', { layout: f.work, index: 'attested', remove: [arm.digest] });
    assert.deepEqual((await indexOf('attested')).manifests.map((m) => m.digest), [amd.digest]);
  });

  it('annotate sets and removes annotations of an index', async () => {
    await run('manifold.annotate', { layout: f.work, index: 'v2', annotations: ['stage-', 'owner=team'] });
    assert.deepEqual((await indexOf('v2')).annotations, { 'org.opencontainers.image.version': '2', owner: 'team' });
  });

  it('tag and untag (confirmed by argument) change index.json', async () => {
    const digest = (await store.resolve('v2')).digest;
    await run('manifold.tag', { layout: f.work, reference: 'v2', tags: ['latest', 'stable'] });
    assert.equal((await store.resolve('latest')).digest, digest);
    assert.equal((await store.resolve('stable')).digest, digest);
    await run('manifold.untag', { layout: f.work, tags: ['stable'], confirmed: true });
    await assert.rejects(store.resolve('stable'), (err: unknown) => isOciError(err, 'NOT_FOUND'));
    assert.equal((await store.resolve('latest')).digest, digest);
  });

  it('a tag that names something else moves once confirmed, and what it named stays under Untagged', async () => {
    const first = await run<{ digest: string }>('manifold.createIndex', { layout: f.work, sources: ['linux-amd64'], tags: ['solo'] });
    // Create Multi-Arch Index with an existing tag: the move is reported, the earlier index stays listed untagged.
    const second = await run<{ digest: string; moved: { tag: string; from: string; lastTag: boolean }[] }>('manifold.createIndex', {
      layout: f.work,
      sources: ['linux-arm64', 'linux-amd64'], // not v1's order: another index
      tags: ['solo'],
      confirmed: true,
    });
    assert.deepEqual(second?.moved.map((m) => [m.tag, m.from, m.lastTag]), [['solo', first!.digest, true]]);
    const listed = (digest: string) => (JSON.parse(readFileSync(join(f.work, 'index.json'), 'utf8')) as ImageIndex).manifests.filter((d) => d.digest === digest).map((d) => d.annotations?.['org.opencontainers.image.ref.name'] ?? null);
    assert.deepEqual(listed(first!.digest), [null]);
    assert.deepEqual(listed(second!.digest), ['solo']);
    // Tag...: solo moves to the arm64 image; the second index is kept too.
    const arm64 = (await store.resolve('linux-arm64')).digest;
    const tagged = await run<{ moved: { tag: string; from: string }[] }>('manifold.tag', { layout: f.work, reference: 'linux-arm64', tags: ['solo'], confirmed: true });
    assert.deepEqual(tagged?.moved.map((m) => [m.tag, m.from]), [['solo', second!.digest]]);
    assert.equal((await store.resolve('solo')).digest, arm64);
    assert.deepEqual(listed(second!.digest), [null]);
    // The tree shows both earlier indexes under Untagged, as indexes.
    const work = await row(f, undefined, 'work');
    assert.match((await row(f, work.node, 'solo')).description, /linux\/arm64/);
    const untagged = await row(f, work.node, 'Untagged');
    const digests = (await rows(f, untagged.node)).map((r) => (r.node as { desc?: { digest: string } }).desc?.digest);
    assert.ok(digests.includes(first!.digest) && digests.includes(second!.digest), digests.join(', '));
    // Tagging with the tag it already has asks nothing and moves nothing.
    const same = await run<{ moved: unknown[] }>('manifold.tag', { layout: f.work, reference: 'linux-arm64', tags: ['solo'] });
    assert.deepEqual(same?.moved, []);
  });

  it('commands take tree nodes too: copy digest and reference of a tag', async () => {
    const work = await row(f, undefined, 'work');
    const v1 = await row(f, work.node, 'v1');
    const digest = await run<string>('manifold.copyDigest', v1.node);
    assert.equal(digest, (await store.resolve('v1')).digest);
    assert.equal(await vscode.env.clipboard.readText(), digest);
    assert.equal(await run<string>('manifold.copyReference', v1.node), `${f.work}:v1`);
  });

  it('openManifest and openConfig show read-only JSON documents', async () => {
    const uri = await run<string>('manifold.openManifest', { layout: f.work, reference: 'v1' });
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.toString(), uri);
    assert.equal(doc?.uri.scheme, 'manifold');
    assert.equal(doc?.languageId, 'json');
    assert.equal(JSON.parse(doc!.getText()).mediaType, 'application/vnd.oci.image.index.v1+json');
  });

  it('openConfig shows an image config', async () => {
    await run('manifold.openConfig', { layout: f.work, reference: 'linux-arm64' });
    const config = JSON.parse(vscode.window.activeTextEditor!.document.getText());
    assert.deepEqual([config.os, config.architecture, config.variant], ['linux', 'arm64', 'v8']);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('attach puts an artifact on the index and each platform; the tree and the referrers tree show it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'manifold-attach-')), 'notes.txt');
    writeFileSync(file, 'hello\n');
    const result = await run<{ artifacts: { digest: string; platform?: string }[] }>('manifold.attach', {
      layout: f.work,
      reference: 'v1',
      artifactType: 'application/vnd.example.notes',
      files: [file],
      annotations: { note: 'yes' },
      recursive: true,
    });
    assert.equal(result?.artifacts.length, 3);
    const work = await row(f, undefined, 'work');
    const v1 = await row(f, work.node, 'v1');
    const labels = (await rows(f, v1.node)).map((r) => r.label);
    assert.match(labels.find((l) => l.startsWith('notes · ')) ?? labels.join(' | '), /note=yes/);
    // The Referrers view: v1, its platforms below it, and what is attached to each, as rows that open on a click.
    const root = await run<unknown>('manifold.showReferrersTree', { layout: f.work, reference: 'v1' });
    const view = f.services.referrers as unknown as Parameters<typeof rows>[2];
    assert.deepEqual((await rows(f, undefined, view)).map((r) => r.node), [root]);
    const opened = async (r: Awaited<ReturnType<typeof rows>>[number]) => {
      const item = view!.getTreeItem(r.node as never) as vscode.TreeItem;
      assert.equal(item.command?.command, 'manifold.openManifest', `${r.label}: a click opens nothing`);
      const uri = await run<string>(item.command!.command, ...(item.command!.arguments ?? []));
      return JSON.parse((await vscode.workspace.openTextDocument(vscode.Uri.parse(uri))).getText()) as { artifactType?: string };
    };
    const typesUnder = async (node: unknown) => {
      const referrers = (await rows(f, node, view)).filter((r) => /\+referrer/.test(r.contextValue));
      const types: Array<string | undefined> = [];
      for (const r of referrers) types.push((await opened(r)).artifactType); // one editor at a time
      return types.sort();
    };
    const top = await rows(f, root, view);
    assert.deepEqual(await typesUnder(root), ['application/spdx+json', 'application/vnd.example.notes']);
    const arm = top.find((r) => r.label === 'linux/arm64/v8');
    assert.ok(arm, top.map((r) => r.label).join(', '));
    assert.deepEqual(await typesUnder(arm.node), ['application/vnd.example.notes']);
    // The same tree as text, to copy from.
    const text = await run<string>('manifold.showReferrersText');
    assert.match(text, /application\/vnd\.example\.notes/);
    assert.match(text, /application\/spdx\+json/);
    assert.match(text, /linux\/arm64\/v8/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('attach to the index and all its platforms skips the attestation manifests buildx lists, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifold-buildx-'));
    const buildx = await OciLayoutStore.open(dir, { create: true });
    const amd64 = await makeImage(buildx, { arch: 'amd64' });
    const arm64 = await makeImage(buildx, { arch: 'arm64', variant: 'v8' });
    const attAmd64 = await makeBuildxAttestation(buildx, amd64, [SPDX, SLSA]);
    const attArm64 = await makeBuildxAttestation(buildx, arm64, [SLSA]);
    const index = await makeIndex(buildx, [amd64, arm64, attAmd64, attArm64]);
    await buildx.tag(index, 'v1');
    const result = await run<{ artifacts: { subject: string; platform?: string }[]; skipped: { digest: string; describes: string }[]; message: string }>('manifold.attach', {
      layout: dir,
      reference: 'v1',
      artifactType: 'application/vnd.example.notes',
      annotations: { note: 'yes' },
      recursive: true,
    });
    assert.ok(result, 'attach returned nothing (see the Manifold log)');
    assert.deepEqual(result.artifacts.map((a) => [a.subject, a.platform]), [[index.digest, undefined], [amd64.digest, 'linux/amd64'], [arm64.digest, 'linux/arm64/v8']]);
    assert.deepEqual(result.skipped, [{ digest: attAmd64.digest, describes: amd64.digest }, { digest: attArm64.digest, describes: arm64.digest }]);
    assert.equal(
      result.message,
      'Attached 3 artifacts of type application/vnd.example.notes to v1 and its platforms linux/amd64, linux/arm64/v8; skipped 2 buildx attestation manifests (they describe images, they are not platforms)',
    );
    // Read back from disk: the index and the platforms have the artifact, the attestation manifests nothing.
    const referred = async (d: { mediaType: string; digest: string; size: number }) => {
      const found: string[] = [];
      for await (const r of buildx.referrers(d)) found.push(r.artifactType ?? '');
      return found;
    };
    for (const d of [index, amd64, arm64]) assert.deepEqual(await referred(d), ['application/vnd.example.notes'], d.digest);
    for (const d of [attAmd64, attArm64]) assert.deepEqual(await referred(d), [], d.digest);
  });

  it('updating an index carries its content referrers over on request, never its signatures', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'manifold-sig-')), 'v1.sig');
    writeFileSync(file, 'signature bytes\n');
    await run('manifold.attach', { layout: f.work, reference: 'v1', artifactType: 'application/vnd.cncf.notary.signature', files: [file] });
    const old = await store.resolve('v1');
    const typesOf = async (d: { mediaType: string; digest: string; size: number }) => {
      const found: string[] = [];
      for await (const r of store.referrers(d)) found.push(r.artifactType ?? '');
      return found.sort();
    };
    const before = await typesOf(old);
    assert.ok(before.includes('application/spdx+json') && before.includes('application/vnd.cncf.notary.signature'), before.join(', '));
    const result = await run<{ digest: string; carried: unknown[]; leftBehind: { artifactType?: string }[] }>('manifold.annotate', {
      layout: f.work,
      index: 'v1',
      annotations: ['reviewed=yes'],
      referrers: 'copy',
    });
    assert.ok(result, 'the command returned nothing (see the Manifold log)');
    assert.deepEqual(result.leftBehind.map((d) => d.artifactType), ['application/vnd.cncf.notary.signature']);
    const updated = await store.resolve('v1');
    assert.equal(updated.digest, result.digest);
    // Every referrer but the signature now refers to the new index too; the old index keeps all of its own.
    assert.deepEqual(await typesOf(updated), before.filter((t) => t !== 'application/vnd.cncf.notary.signature'));
    assert.deepEqual(await typesOf(old), before);
    // The tree: the SBOM under v1 again, no signature; the old index under Untagged.
    const work = await row(f, undefined, 'work');
    const labels = (await rows(f, (await row(f, work.node, 'v1')).node)).map((r) => r.label);
    assert.ok(labels.some((l) => l.startsWith('SBOM')), labels.join(' | '));
    assert.ok(!labels.some((l) => l.startsWith('signature')), labels.join(' | '));
    const untagged = await rows(f, (await row(f, work.node, 'Untagged')).node);
    assert.ok(untagged.some((r) => (r.node as { desc?: { digest: string } }).desc?.digest === old.digest));
  });

  it('delete removes a manifest and its tags', async () => {
    const digest = (await store.resolve('linux-armv7')).digest;
    const result = await run<{ digest: string; tags: string[] }>('manifold.delete', { layout: f.work, reference: 'linux-armv7', confirmed: true });
    assert.deepEqual(result?.tags, ['linux-armv7']);
    assert.equal(await store.exists({ mediaType: '', digest, size: 0 }), false);
    await assert.rejects(store.resolve('linux-armv7'));
  });

  it('createLayout, addLayoutFolder and removeLayoutFolder', async () => {
    const made = await run<string>('manifold.createLayout', { path: join(f.workspace, 'layouts', 'fresh') });
    assert.ok(made && existsSync(join(made, 'oci-layout')) && existsSync(join(made, 'index.json')));
    assert.ok((await rows(f)).some((r) => r.label === 'fresh'));

    const outside = join(mkdtempSync(join(tmpdir(), 'manifold-outside-')), 'elsewhere');
    await OciLayoutStore.open(outside, { create: true });
    await run('manifold.addLayoutFolder', { path: outside });
    const added = (await rows(f)).find((r) => r.label === 'elsewhere');
    assert.equal(added?.contextValue, 'manifold:layout+added');
    await run('manifold.removeLayoutFolder', { layout: outside });
    assert.equal((await rows(f)).some((r) => r.label === 'elsewhere'), false);
  });

  it('a failing command is logged and returns nothing, leaving the layout as it was', async () => {
    const before = await store.entries();
    const result = await run('manifold.createIndex', { layout: f.work, sources: ['no-such-tag'], tags: ['v9'] });
    assert.equal(result, undefined);
    assert.deepEqual(await store.entries(), before);
  });
});
