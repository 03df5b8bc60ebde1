import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../../src/extension/services';
import type { Descriptor } from '../../../src/oci/descriptor';
import { listTargetTags } from '../../../src/oci/graph';
import { OciLayoutStore } from '../../../src/oci/layout';
import { hasDockerRegistry, launchRegistry, type LaunchedRegistry } from '../../integration/support/registryLauncher';
import { makeArtifact, makeImage } from '../../unit/builders';
import { row, useFixtures, type Fixtures } from './layoutFixtures';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

interface BackupResult {
  repository: string;
  to: string;
  tar: boolean;
  tags: { tag: string; digest: string; referrers: number }[];
  referrers: number;
  referrersLeft: { digest: string; tag?: string }[];
  moved: { tag: string; from: string }[];
  message: string;
}

type Item = vscode.QuickPickItem & { value?: unknown };
type Window = {
  showQuickPick(items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions): Thenable<unknown>;
  showWarningMessage(message: string, options: vscode.MessageOptions, ...actions: string[]): Thenable<string | undefined>;
  showInformationMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
  withProgress<R>(options: vscode.ProgressOptions, task: (progress: vscode.Progress<{ message?: string }>, token: vscode.CancellationToken) => Thenable<R>): Thenable<R>;
};

const REF_NAME = 'org.opencontainers.image.ref.name';
const fresh = (name: string) => join(mkdtempSync(join(tmpdir(), 'manifold-backup-')), name);
const indexOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
const listedTags = (dir: string) => indexOf(dir).manifests.flatMap((d) => d.annotations?.[REF_NAME] ?? []).sort();

async function referrersOf(store: OciLayoutStore, desc: Descriptor): Promise<string[]> {
  const out: string[] = [];
  for await (const r of store.referrers(desc)) out.push(r.digest);
  return out;
}

/**
 * Back Up Repository… on a repository of a real registry (distribution 2.8: no referrers API, so the SBOM is found
 * through its sha256-<hex> fallback tag, which is no tag of the backup): into a new folder, into a .tar, and into a
 * layout whose tag would move. The extension's own QuickPick and modal (reached through its `vscode`, not this
 * suite's copy of the API) answer as a user would and record what they were asked.
 */
(hasDockerRegistry() ? describe : describe.skip)('Back Up Repository', function () {
  this.timeout(120_000);
  let f: Fixtures;
  let services: Services;
  let registry: LaunchedRegistry;
  let v1: Descriptor;
  let v2: Descriptor;
  let sbom: Descriptor;
  let window: Window;
  let real: Window;
  const picks: Array<{ placeHolder?: string; labels: string[] }> = [];
  const modals: Array<{ message: string; detail?: string }> = [];
  const infos: string[] = [];
  let pickAnswers: Array<(items: readonly Item[]) => unknown> = [];
  let modalAnswers: Array<(actions: string[]) => string | undefined> = [];
  const errors: string[] = [];
  let logError: Services['log']['error'];
  const repository = () => `${registry.host}/backup/app`;

  /** The repository's row in the Registries view, as a context menu gets it. */
  async function repositoryRow(): Promise<unknown> {
    const registryRow = await row(f, undefined, registry.host, services.registriesTree as never);
    return (await row(f, registryRow.node, 'backup/app', services.registriesTree as never)).node;
  }

  before(async () => {
    f = await useFixtures();
    services = f.services;
    logError = services.log.error;
    services.log.error = (message: string | Error) => void errors.push(String(message));
    registry = await launchRegistry();
    // The source: v1 (an image with an SBOM) and v2, copied to the registry with the layout's Copy to Registry.
    const src = fresh('seed');
    const store = await OciLayoutStore.open(src, { create: true });
    v1 = await makeImage(store, { arch: 'amd64', seed: 'backup v1' });
    v2 = await makeImage(store, { arch: 'arm64', seed: 'backup v2' });
    sbom = await makeArtifact(store, { subject: v1, artifactType: 'application/spdx+json' });
    await store.tag(v1, 'v1');
    await store.tag(v2, 'v2');
    assert.equal(await run('manifold.addRegistry', { registry: registry.host, plainHttp: true }), registry.host);
    const seeded = await run<{ tags: unknown[] }>('manifold.copyLayoutToRegistry', { layout: src, to: repository() });
    assert.equal(seeded?.tags.length, 2, errors.join('\n'));

    const ext = vscode.extensions.getExtension('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    window = (createRequire(join(ext.extensionPath, ext.packageJSON.main))('vscode') as { window: Window }).window;
    real = { showQuickPick: window.showQuickPick, showWarningMessage: window.showWarningMessage, showInformationMessage: window.showInformationMessage, withProgress: window.withProgress };
    window.showQuickPick = async (items, options) => {
      const list = await items;
      picks.push({ placeHolder: options?.placeHolder, labels: list.map((i) => i.label) });
      const answer = pickAnswers.shift();
      assert.ok(answer, `an unexpected pick: ${options?.placeHolder}`);
      return answer(list);
    };
    window.showWarningMessage = async (message, options, ...actions) => {
      modals.push({ message, detail: options.detail });
      const answer = modalAnswers.shift();
      assert.ok(answer, `an unexpected question: ${message}`);
      return answer(actions);
    };
    window.showInformationMessage = async (message) => {
      infos.push(message);
      return undefined;
    };
  });

  beforeEach(() => {
    errors.length = 0;
    picks.length = 0;
    modals.length = 0;
    infos.length = 0;
    window.withProgress = real.withProgress;
    pickAnswers = [];
    modalAnswers = [];
  });

  after(async () => {
    if (real) Object.assign(window, real);
    if (logError) services.log.error = logError;
    await run('manifold.removeRegistry', { registry: registry.host });
    await registry.stop();
  });

  it('on the repository row, into a new folder: its two tags (no sha256- tag) and the SBOM, asked about, and the counts said', async () => {
    const all = await listTargetTags(services.registries.repository(registry.host, 'backup/app'), { all: true });
    assert.ok(all.some((t) => /^sha256-[0-9a-f]{64}$/.test(t.tag)), `the registry holds the SBOM's fallback tag: ${all.map((t) => t.tag).join(', ')}`);
    const to = fresh('backup');
    pickAnswers = [(items) => items.find((i) => i.label === 'With their referrers')];
    const result = await run<BackupResult>('manifold.backupRepository', await repositoryRow(), { to });
    assert.ok(result, errors.join('\n'));
    // The referrers question, asked because v1 has one.
    assert.equal(picks.length, 1, JSON.stringify(picks));
    assert.match(picks[0]!.placeHolder ?? '', /^1 of the 2 tags has referrers: .+\. Back them up too\?$/);
    assert.deepEqual(listedTags(to), ['v1', 'v2']);
    const listed = indexOf(to).manifests.map((d) => d.digest);
    assert.ok(listed.includes(sbom.digest), 'the SBOM is listed (untagged) in index.json');
    const store = await OciLayoutStore.open(to);
    assert.equal((await store.resolve('v1')).digest, v1.digest);
    assert.equal((await store.resolve('v2')).digest, v2.digest);
    assert.deepEqual(await referrersOf(store, v1), [sbom.digest]);
    assert.deepEqual(result.tags.map((t) => [t.tag, t.digest, t.referrers]), [['v1', v1.digest, 1], ['v2', v2.digest, 0]]);
    assert.equal(result.message, `Backed up 2 tags (1 referrer) of ${repository()} to ${vscode.workspace.asRelativePath(to)}.`);
    // The new folder joined the Layouts view.
    assert.ok(services.layouts.addedFolders().includes(to), services.layouts.addedFolders().join(', '));
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it('into a .tar: the core reads it back with the same tag digests and the SBOM; without referrers when told so', async () => {
    const file = fresh('app.tar');
    const result = await run<BackupResult>('manifold.backupRepository', { repository: repository(), to: file, referrers: true });
    assert.ok(result, errors.join('\n'));
    assert.equal(picks.length, 0, 'referrers: true asks nothing');
    assert.ok(result.tar);
    assert.ok(existsSync(file));
    const tar = await OciLayoutStore.openTar(file);
    assert.equal((await tar.resolve('v1')).digest, v1.digest);
    assert.equal((await tar.resolve('v2')).digest, v2.digest);
    assert.deepEqual(await referrersOf(tar, v1), [sbom.digest]);
    const tags = (await tar.entries()).flatMap((d) => d.annotations?.[REF_NAME] ?? []).sort();
    assert.deepEqual(tags, ['v1', 'v2']);
    assert.match(result.message, new RegExp(`^Backed up 2 tags \\(1 referrer\\) of ${repository().replace(/\./g, '\\.')} to .*app\\.tar \\(.+, [0-9a-f]{12}\\)\\.$`));
    // No staging folder is left beside it.
    assert.deepEqual(readdirSync(join(file, '..')), ['app.tar']);

    const bare = fresh('bare.tar');
    const without = await run<BackupResult>('manifold.backupRepository', { repository: repository(), to: bare, referrers: false, tags: ['v1'] });
    assert.ok(without, errors.join('\n'));
    assert.deepEqual(await referrersOf(await OciLayoutStore.openTar(bare), v1), []);
    assert.equal(without.message.split(' (')[0], `Backed up 1 tag of ${repository()} to ${vscode.workspace.asRelativePath(bare)}, without referrers`);
  });

  it('Only Some Kinds…, SIGNATURE picked: v1 without its SBOM, which the message says was left out; `only` given asks nothing', async () => {
    const to = fresh('signed');
    pickAnswers = [(items) => items.find((i) => i.label === 'Only Some Kinds…'), (items) => items.filter((i) => i.label === 'SIGNATURE')];
    const result = await run<BackupResult>('manifold.backupRepository', await repositoryRow(), { to });
    assert.ok(result, errors.join('\n'));
    assert.deepEqual(picks.map((p) => p.labels.slice(0, 3)), [['With their referrers', 'Only Some Kinds…', 'Without referrers'], ['SIGNATURE', 'SBOM', 'PROVENANCE']]);
    assert.equal(picks[1]!.placeHolder, 'The kinds of referrer to copy');
    assert.deepEqual(listedTags(to), ['v1', 'v2']);
    assert.ok(!indexOf(to).manifests.some((d) => d.digest === sbom.digest), 'the SBOM is not in the backup');
    assert.deepEqual(await referrersOf(await OciLayoutStore.open(to), v1), []);
    assert.deepEqual(result.referrersLeft, [{ digest: sbom.digest }]);
    assert.equal(result.message, `Backed up 2 tags (0 referrers) of ${repository()} to ${vscode.workspace.asRelativePath(to)}. 1 referrer of other kinds was left out.`);
    await run('manifold.removeLayoutFolder', { layout: to });

    picks.length = 0;
    const sbomOnly = fresh('sbom.tar');
    const given = await run<BackupResult>('manifold.backupRepository', { repository: repository(), to: sbomOnly, only: ['sbom'] });
    assert.ok(given, errors.join('\n'));
    assert.equal(picks.length, 0, '`only` asks nothing');
    assert.deepEqual(await referrersOf(await OciLayoutStore.openTar(sbomOnly), v1), [sbom.digest]);
    assert.deepEqual(given.referrersLeft, []);
  });

  it('into a layout whose tag would move: declined, nothing is copied; confirmed, the tag moves and the message says so', async () => {
    const to = fresh('taken');
    const dst = await OciLayoutStore.open(to, { create: true });
    const other = await makeImage(dst, { arch: 's390x', seed: 'taken' });
    await dst.tag(other, 'v2');
    const before = readFileSync(join(to, 'index.json'));
    const blobs = readdirSync(join(to, 'blobs', 'sha256')).sort();

    modalAnswers = [(actions) => actions.find((a) => a === 'Keep')];
    assert.equal(await run('manifold.backupRepository', { repository: repository(), to, referrers: true }), undefined);
    assert.deepEqual(errors, []);
    assert.equal(modals.length, 1, JSON.stringify(modals));
    assert.equal(modals[0]!.message, 'Move the tag v2?');
    assert.match(modals[0]!.detail ?? '', /^v2 names [0-9a-f]{12} \(linux\/s390x\) now; it has no other tag and stays listed under Untagged\./);
    assert.deepEqual(readFileSync(join(to, 'index.json')), before, 'declined: index.json unchanged');
    assert.deepEqual(readdirSync(join(to, 'blobs', 'sha256')).sort(), blobs, 'declined: no blob stored');

    modalAnswers = [(actions) => actions.find((a) => a === 'Move Tag')];
    const result = await run<BackupResult>('manifold.backupRepository', { repository: repository(), to, referrers: true });
    assert.ok(result, errors.join('\n'));
    assert.deepEqual(result.moved.map((m) => [m.tag, m.from]), [['v2', other.digest]]);
    const store = await OciLayoutStore.open(to);
    assert.equal((await store.resolve('v2')).digest, v2.digest);
    assert.equal((await store.resolve('v1')).digest, v1.digest);
    assert.ok(indexOf(to).manifests.some((d) => d.digest === other.digest && !d.annotations?.[REF_NAME]), 'what v2 named stays listed untagged');
    assert.equal(result.message, `Backed up 2 tags (1 referrer) of ${repository()} to ${vscode.workspace.asRelativePath(to)}. v2 moved from ${other.digest.slice(7, 19)} (now under Untagged).`);
    rmSync(to, { recursive: true, force: true });
  });

  it('cancelled while v2 is copied: no tag written, v1 said to be there whole; backed up again, both arrive', async () => {
    const to = fresh('cancelled');
    // The backup's notification is cancelled as v2's turn comes (its progress says "v2 (2 of 2)").
    window.withProgress = (options, task) => {
      if (!String(options.title).startsWith('Backing up')) return real.withProgress(options, task);
      const source = new vscode.CancellationTokenSource();
      return task({ report: (v) => (v.message?.includes('(2 of 2)') ? source.cancel() : undefined) }, source.token);
    };
    // One tag at a time, so that v2's copy has not started when its turn is announced (with several at a time it
    // runs beside v1's, and may be whole by then).
    assert.equal(await run('manifold.backupRepository', { repository: repository(), to, referrers: true, concurrency: 1 }), undefined);
    assert.deepEqual(errors, []);
    assert.deepEqual(listedTags(to), []);
    const store = await OciLayoutStore.open(to);
    assert.ok(await store.exists(v1), 'v1 is stored');
    assert.ok(!(await store.exists(v2)), 'v2 is not');
    const where = vscode.workspace.asRelativePath(to).replace(/[.\\/]/g, (c) => `\\${c}`);
    assert.equal(infos.length, 1, infos.join('\n'));
    assert.match(infos[0]!, new RegExp(`^Backup cancelled: no tag was written to ${where}; \\d+ blobs and manifests \\(.+\\) reached it\\. The content of v1 is there whole but not tagged: back up again to tag it, fetching only what is missing\\.$`));

    window.withProgress = real.withProgress;
    const result = await run<BackupResult>('manifold.backupRepository', { repository: repository(), to, referrers: true });
    assert.ok(result, errors.join('\n'));
    assert.deepEqual(listedTags(to), ['v1', 'v2']);
    assert.equal(result.message, `Backed up 2 tags (1 referrer) of ${repository()} to ${vscode.workspace.asRelativePath(to)}.`);
    await run('manifold.removeLayoutFolder', { layout: to });
  });
});
