import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { CopiedIntoLayout } from '../../../src/extension/commands/copyIntoLayout';
import type { Services } from '../../../src/extension/services';
import type { Descriptor } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { RegistryClient, RemoteRepository } from '../../../src/oci/registry';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { makeArtifact, makeImage, newLayout } from '../../unit/builders';
import { KINDS, NOTARY, platformSignedLayout, recordQuestions, referrersUnder } from './platformSignedLayout';
import { swapExtensionWindow } from './extensionWindow';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
const OFFERED = 'With its referrers | Only Some Kinds… | Without referrers';


/**
 * Copy to Layout, Copy to Registry… on an image, Pull into Layout and the copy of several rows, of an index with no
 * referrers of its own whose platforms are signed (as `attach --platform` leaves them): the copy carries the platforms'
 * referrers, so the question is asked, counts them, and Only Some Kinds… offers their kinds; what arrives is what was
 * picked. With one platform picked, the question is of that platform's manifest, which the copy then walks.
 */
describe('Referrers only on the platforms: the image and rows questions', function () {
  this.timeout(60_000);
  let services: Services;
  let dir: string;
  let server: OciServer;
  let from: string;
  let index: Descriptor;
  let children: Descriptor[];
  let plain: Descriptor;
  let made: { signature: Descriptor; sbom: Descriptor; scan: Descriptor };
  let restore: (() => void) | undefined;
  const asked: string[] = [];
  let picks: string[][] = [];
  let destination = '';
  const remote = (repository: string) => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), repository);
  const subjects = () => [index, ...children, plain];

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    ({ services } = await ext.activate());
    dir = mkdtempSync(join(tmpdir(), 'manifold-platform-referrers-copy-'));
    const multi = await platformSignedLayout();
    ({ index, children, made } = multi);
    from = multi.store.location;
    // An image with no referrers at all, a row beside the index.
    plain = await makeImage(multi.store, { arch: 's390x', seed: 'plain' });
    await multi.store.tag(plain, 'plain');
    server = await startOciServer();
    assert.equal(await run('manifold.addRegistry', { registry: server.host, plainHttp: true }), server.host);
    restore = recordQuestions(asked, {
      next: () => picks.shift(),
      destination: () => destination,
      allPlatforms: true,
      extra: { showInputBox: async (options?: vscode.InputBoxOptions) => (asked.push(`input: ${options?.prompt}`), options?.value) },
    });
  });

  beforeEach(() => {
    asked.length = 0;
    picks = [];
  });

  after(async () => {
    restore?.();
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("Copy to Layout: asked, the platforms' three counted; SIGNATURE picked: the arm64 signature alone arrives", async () => {
    const to = join(dir, 'copied');
    picks = [['Only Some Kinds…'], ['SIGNATURE']];
    const outcome = await run<CopiedIntoLayout | undefined>('manifold.copyToLayout', { layout: from, reference: 'multi', to });
    assert.ok(outcome, `the command returned nothing: ${asked.join('; ')}`);
    assert.equal(asked.length, 4, asked.join('; '));
    assert.match(asked[0]!, /^pick: Platforms to copy/);
    assert.equal(asked[1], `pick: 3 of its 3 referrers are on its platforms: SBOM, scan, signature. Copy them too?: ${OFFERED}`);
    assert.match(asked[2]!, KINDS);
    assert.equal(asked[3], 'input: Tag in the layout');
    const copied = await OciLayoutStore.open(to);
    assert.equal((await copied.resolve('multi')).digest, index.digest);
    assert.deepEqual(await referrersUnder(copied, subjects()), [made.signature.digest]);
    assert.equal(outcome.referrers, 1);
  });

  it('Copy to Layout of linux/amd64 alone: asked of that image, whose own they are; all of them: its SBOM and scan, not the arm64 signature', async () => {
    const to = join(dir, 'amd64');
    picks = [['With its referrers']];
    const outcome = await run<CopiedIntoLayout | undefined>('manifold.copyToLayout', { layout: from, reference: 'multi', to, platforms: ['linux/amd64'] });
    assert.ok(outcome, `the command returned nothing: ${asked.join('; ')}`);
    assert.deepEqual(asked, [`pick: Attached to it: SBOM, scan. Copy them too?: ${OFFERED}`, 'input: Tag in the layout']);
    const copied = await OciLayoutStore.open(to);
    assert.equal((await copied.resolve('multi')).digest, children[0]!.digest);
    assert.deepEqual(await referrersUnder(copied, subjects()), [made.sbom.digest, made.scan.digest].sort());
    assert.equal(await copied.exists(made.signature), false, 'the arm64 signature is not in the layout');
  });

  it("a layout's Copy to Registry… of the index: asked before the destination; SIGNATURE and SBOM picked arrive, the scan does not", async () => {
    destination = `${server.host}/plat/image:multi`;
    picks = [['Only Some Kinds…'], ['SIGNATURE', 'SBOM']];
    const result = await run<{ to: string; digest: string }>('manifold.copyToRegistry', { layout: from, reference: 'multi' });
    assert.ok(result, `the command returned nothing: ${asked.join('; ')}`);
    assert.equal(result.to, destination);
    assert.equal(asked.length, 4, asked.join('; '));
    assert.equal(asked[1], `pick: 3 of its 3 referrers are on its platforms: SBOM, scan, signature. Copy them too?: ${OFFERED}`);
    assert.match(asked[2]!, KINDS);
    assert.match(asked[3]!, /^destination: /);
    const there = remote('plat/image');
    assert.equal((await there.resolve('multi')).digest, index.digest);
    assert.deepEqual(await referrersUnder(there, subjects()), [made.signature.digest, made.sbom.digest].sort());
    assert.equal(await there.exists(made.scan), false, 'the scan is not at the registry');
  });

  it('Copy to Registry… cancelled while it looks for referrers: nothing more asked, no error, nothing pushed', async () => {
    destination = `${server.host}/plat/cancelled:multi`;
    const errors: string[] = [];
    const titles: string[] = [];
    // The notification's Cancel pressed as soon as the look begins.
    const cancelled = { isCancellationRequested: true, onCancellationRequested: (listener: () => void) => (listener(), { dispose: () => undefined }) };
    const put = swapExtensionWindow({
      withProgress: (options: vscode.ProgressOptions, task: (p: vscode.Progress<unknown>, t: typeof cancelled) => Thenable<unknown>) => (titles.push(String(options.title)), task({ report: () => undefined }, cancelled)),
      showErrorMessage: async (message: string) => void errors.push(message),
    });
    try {
      assert.equal(await run('manifold.copyToRegistry', { layout: from, reference: 'multi' }), undefined);
    } finally {
      put();
    }
    assert.deepEqual(titles, ['Looking for referrers…']);
    assert.equal(asked.length, 1, asked.join('; '));
    assert.match(asked[0]!, /^pick: Platforms to copy/);
    assert.deepEqual(errors, []);
    await assert.rejects(remote('plat/cancelled').resolve('multi'), 'nothing was pushed');
  });

  it('Copy to Layout into a new folder, the referrers question dismissed: the folder is not made; into a .tar file: refused before it is asked', async () => {
    const to = join(dir, 'never-made');
    const errors: string[] = [];
    const put = swapExtensionWindow({ showErrorMessage: async (message: string) => void errors.push(message) });
    try {
      // No pick given: the referrers question is dismissed (Escape).
      assert.equal(await run('manifold.copyToLayout', { layout: from, reference: 'multi', to }), undefined);
      assert.equal(asked.length, 2, asked.join('; '));
      assert.match(asked[1]!, /^pick: 3 of its 3 referrers are on its platforms/);
      assert.equal(existsSync(to), false, `${to} was made for a copy that never happened`);
      assert.deepEqual(errors, []);
      asked.length = 0;
      const tar = join(dir, 'archive.tar');
      writeFileSync(tar, Buffer.alloc(1024));
      assert.equal(await run('manifold.copyToLayout', { layout: from, reference: 'multi', to: tar }), undefined);
      assert.equal(asked.length, 1, asked.join('; '));
      assert.match(asked[0]!, /^pick: Platforms to copy/);
      assert.deepEqual(errors, [`${tar} is a layout archive: copy into a layout folder.`]);
    } finally {
      put();
    }
  });

  it('Pull into Layout of an index whose platforms are signed: asked; SBOM picked: the SBOM alone arrives', async () => {
    const seeded = await run<{ referrers: number }>('manifold.copyLayoutToRegistry', { layout: from, to: `${server.host}/plat/pull` });
    assert.equal(seeded?.referrers, 3, 'the repository holds the three referrers');
    const to = join(dir, 'pulled');
    await OciLayoutStore.open(to, { create: true });
    picks = [['Only Some Kinds…'], ['SBOM']];
    const outcome = await run<CopiedIntoLayout | undefined>('manifold.pullToLayout', { registry: server.host, repository: 'plat/pull', reference: 'multi', layout: to });
    assert.ok(outcome, `the command returned nothing: ${asked.join('; ')}`);
    assert.equal(asked.length, 4, asked.join('; '));
    assert.equal(asked[1], `pick: 3 of its 3 referrers are on its platforms: SBOM, scan, signature. Copy them too?: ${OFFERED}`);
    assert.match(asked[2]!, KINDS);
    const pulled = await OciLayoutStore.open(to);
    assert.equal((await pulled.resolve('multi')).digest, index.digest);
    assert.deepEqual(await referrersUnder(pulled, subjects()), [made.sbom.digest]);
    assert.equal(outcome.referrers, 1);
  });

  it("Copy to Layout of two rows (the index, an image with none): asked once, the platforms' counted; SIGNATURE picked arrives alone", async () => {
    await run('manifold.addLayoutFolder', { path: from });
    try {
      const tree = services.tree as unknown as { getChildren(n?: unknown): Promise<unknown[]>; getTreeItem(n: unknown): vscode.TreeItem };
      const layoutRow = (await tree.getChildren()).find((n) => String(tree.getTreeItem(n).label) === basename(from));
      assert.ok(layoutRow, 'the layout row');
      const rows = await tree.getChildren(layoutRow);
      const [multiRow, plainRow] = ['multi', 'plain'].map((label) => rows.find((n) => tree.getTreeItem(n).label === label));
      assert.ok(multiRow && plainRow, 'the multi and plain rows');
      const to = join(dir, 'rows');
      picks = [['Only Some Kinds…'], ['SIGNATURE']];
      const result = await run<{ referrers: number; tags: string[] }>('manifold.copyToLayout', multiRow, [multiRow, plainRow], { to });
      assert.ok(result, `the command returned nothing: ${asked.join('; ')}`);
      assert.equal(asked.length, 2, asked.join('; '));
      assert.equal(asked[0], 'pick: 1 of the 2 rows has referrers, 3 of the 3 on its platforms: SBOM, scan, signature. Copy them too?: With their referrers | Only Some Kinds… | Without referrers');
      assert.match(asked[1]!, KINDS);
      const copied = await OciLayoutStore.open(to);
      assert.equal((await copied.resolve('multi')).digest, index.digest);
      assert.equal((await copied.resolve('plain')).digest, plain.digest);
      assert.deepEqual(await referrersUnder(copied, subjects()), [made.signature.digest]);
      assert.equal(result.referrers, 1);
    } finally {
      await run('manifold.removeLayoutFolder', { layout: from });
    }
  });

  it('Copy to Layout of an image with 55 signatures: the question counts the first 50 and says there may be more; all 55 arrive', async () => {
    const store = await newLayout();
    const image = await makeImage(store, { arch: 'riscv64', seed: 'many' });
    await store.tag(image, 'many');
    const signatures: string[] = [];
    for (let i = 0; i < 55; i++) signatures.push((await makeArtifact(store, { subject: image, artifactType: NOTARY, content: `signature ${i}` })).digest);
    const to = join(dir, 'many');
    picks = [['With its referrers']];
    const outcome = await run<CopiedIntoLayout | undefined>('manifold.copyToLayout', { layout: store.location, reference: 'many', to });
    assert.ok(outcome, `the command returned nothing: ${asked.join('; ')}`);
    assert.deepEqual(asked, [`pick: Attached to it: signature ×50, and maybe more. Copy them too?: ${OFFERED}`, 'input: Tag in the layout']);
    assert.deepEqual(await referrersUnder(await OciLayoutStore.open(to), [image]), signatures.sort());
  });
});
