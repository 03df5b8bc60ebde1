import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ImportResult } from '../../../src/extension/commands/importLayoutTar';
import type { Descriptor } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { exportLayoutTar } from '../../../src/oci/layout/tarExport';
import { RegistryClient, RemoteRepository } from '../../../src/oci/registry';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { makeArtifact, makeImage } from '../../unit/builders';
import { KINDS, platformSignedLayout, recordQuestions, referrersUnder } from './platformSignedLayout';
import { swapExtensionWindow } from './extensionWindow';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);


/**
 * Back Up Repository…, Import .tar into Layout… and a layout's Copy to Registry… on an index with no referrers of its
 * own whose platforms are signed (as `attach --platform` leaves them): the copy carries the platforms' referrers, so
 * the question is asked, counts them, and Only Some Kinds… offers their kinds; what arrives is what was picked.
 */
describe('Referrers only on the platforms: the tags questions', function () {
  this.timeout(60_000);
  let dir: string;
  let server: OciServer;
  let from: string;
  let archive: string;
  let index: Descriptor;
  let children: Descriptor[];
  let made: { signature: Descriptor; sbom: Descriptor; scan: Descriptor };
  let restore: (() => void) | undefined;
  const asked: string[] = [];
  let picks: string[][] = [];
  let destination = '';
  const remote = (repository: string) => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), repository);

  before(async () => {
    const ext = vscode.extensions.getExtension('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    dir = mkdtempSync(join(tmpdir(), 'manifold-platform-referrers-'));
    const multi = await platformSignedLayout();
    ({ index, children, made } = multi);
    from = multi.store.location;
    archive = join(dir, 'multi.tar');
    await exportLayoutTar(from, archive);
    server = await startOciServer();
    assert.equal(await run('manifold.addRegistry', { registry: server.host, plainHttp: true }), server.host);
    restore = recordQuestions(asked, {
      next: () => picks.shift(),
      destination: () => destination,
      extra: { showOpenDialog: async (options?: vscode.OpenDialogOptions) => (asked.push(`open: ${options?.title}`), [vscode.Uri.file(archive)]) },
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

  it('Import .tar into Layout…: asked, the platforms\' three counted; SIGNATURE picked: the arm64 signature alone arrives', async () => {
    const to = join(dir, 'imported');
    picks = [['Only Some Kinds…'], ['SIGNATURE']];
    const result = await run<ImportResult | undefined>('manifold.importLayoutTar', { layout: to });
    assert.ok(result, `the command returned nothing: ${asked.join('; ')}`);
    assert.equal(asked.length, 3, asked.join('; '));
    assert.equal(asked[1], 'pick: 1 of the 1 tags has referrers, 3 of the 3 on its platforms: SBOM, scan, signature. Import which?: With their referrers | Only Some Kinds…');
    assert.match(asked[2]!, KINDS);
    assert.deepEqual(await referrersUnder(await OciLayoutStore.open(to), [index, ...children]), [made.signature.digest]);
    assert.deepEqual(result.referrersLeft.map((l) => l.digest).sort(), [made.sbom.digest, made.scan.digest].sort());
    assert.equal(result.referrers, 1);
  });

  it('Import .tar into Layout…, cancelled while it looks for referrers: nothing asked, no error, no layout made', async () => {
    const to = join(dir, 'cancelled');
    const errors: string[] = [];
    const titles: string[] = [];
    // The notification's Cancel pressed as soon as the look begins.
    const cancelled = { isCancellationRequested: true, onCancellationRequested: (listener: () => void) => (listener(), { dispose: () => undefined }) };
    const put = swapExtensionWindow({
      withProgress: (options: vscode.ProgressOptions, task: (p: vscode.Progress<unknown>, t: typeof cancelled) => Thenable<unknown>) => (titles.push(String(options.title)), task({ report: () => undefined }, cancelled)),
      showErrorMessage: async (message: string) => void errors.push(message),
    });
    try {
      assert.equal(await run('manifold.importLayoutTar', { layout: to }), undefined);
    } finally {
      put();
    }
    assert.deepEqual(titles, ['Looking for referrers…']);
    assert.deepEqual(asked, ['open: Import .tar into Layout']);
    assert.deepEqual(errors, []);
    assert.equal(existsSync(to), false, 'no layout folder was made');
  });

  it('Back Up Repository…: asked of a registry repository holding only platform referrers; SBOM picked: the SBOM alone is backed up', async () => {
    const seeded = await run<{ referrers: number }>('manifold.copyLayoutToRegistry', { layout: from, to: `${server.host}/plat/app` });
    assert.equal(seeded?.referrers, 3, 'the repository holds the three referrers');
    const to = join(dir, 'backup');
    picks = [['Only Some Kinds…'], ['SBOM']];
    const result = await run<{ referrers: number; referrersLeft: { digest: string }[] }>('manifold.backupRepository', { repository: `${server.host}/plat/app`, to });
    assert.ok(result, `the command returned nothing: ${asked.join('; ')}`);
    assert.equal(asked.length, 2, asked.join('; '));
    assert.equal(asked[0], 'pick: 1 of the 1 tags has referrers, 3 of the 3 on its platforms: SBOM, scan, signature. Back them up too?: With their referrers | Only Some Kinds… | Without referrers');
    assert.match(asked[1]!, KINDS);
    const backup = await OciLayoutStore.open(to);
    assert.equal((await backup.resolve('multi')).digest, index.digest);
    assert.deepEqual(await referrersUnder(backup, [index, ...children]), [made.sbom.digest]);
    assert.deepEqual(result.referrersLeft.map((l) => l.digest).sort(), [made.signature.digest, made.scan.digest].sort());
  });

  it("a layout's Copy to Registry…: beside an image with an SBOM of its own, the platforms' counted apart; SIGNATURE and SBOM picked arrive, the scan does not", async () => {
    const store = await OciLayoutStore.open(from);
    const v1 = await makeImage(store, { arch: 's390x', seed: 'own sbom' });
    const ownSbom = await makeArtifact(store, { subject: v1, artifactType: 'application/spdx+json', content: 'v1 sbom' });
    await store.tag(v1, 'v1');
    destination = `${server.host}/plat/copied`;
    picks = [['Only Some Kinds…'], ['SIGNATURE', 'SBOM']];
    const result = await run<{ to: string; referrers: number }>('manifold.copyLayoutToRegistry', { layout: from });
    assert.ok(result, `the command returned nothing: ${asked.join('; ')}`);
    assert.equal(result.to, destination);
    assert.equal(asked.length, 3, asked.join('; '));
    assert.match(asked[0]!, /^destination: /);
    assert.equal(asked[1], 'pick: 2 of the 2 tags have referrers, 3 of the 4 on their platforms: SBOM ×2, scan, signature. Copy them too?: With their referrers | Only Some Kinds… | Without referrers');
    assert.match(asked[2]!, KINDS);
    const there = remote('plat/copied');
    assert.equal((await there.resolve('multi')).digest, index.digest);
    assert.deepEqual(await referrersUnder(there, [index, ...children, v1]), [made.signature.digest, made.sbom.digest, ownSbom.digest].sort());
    assert.equal(await there.exists(made.scan), false, 'the scan is not at the registry');
    assert.equal(result.referrers, 3);
  });
});
