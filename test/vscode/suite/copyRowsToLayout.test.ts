import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../../src/extension/services';
import type { Descriptor } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { makeArtifact, makeImage, makeIndex } from '../../unit/builders';
import { useFixtures } from './layoutFixtures';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

interface CopiedRows {
  layout: string;
  digest: string;
  tags: string[];
  moved: { tag: string; from: string; lastTag: boolean }[];
  message: string;
  rows: { tags: string[]; digest: string }[];
}

type Item = vscode.QuickPickItem & { value?: unknown };
type Window = {
  showQuickPick(items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions): Thenable<unknown>;
  showWarningMessage(message: string, options: vscode.MessageOptions, ...actions: string[]): Thenable<string | undefined>;
  showInputBox(options?: vscode.InputBoxOptions): Thenable<string | undefined>;
};

const fresh = (name: string) => join(mkdtempSync(join(tmpdir(), 'manifold-copy-rows-')), name);
const indexDigests = (dir: string) => (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] }).manifests.map((d) => d.digest);

/**
 * Copy to Layout of several rows (a selection, or a drop of several): the referrers asked once for all, no platforms
 * asked, every tag move confirmed in one question (declined: nothing copied), one message for the lot. The prompts
 * are the extension's own: its `vscode` (not this suite's, which the host gives another copy of the API) is reached
 * through a require from the extension's bundle, and its QuickPick, modal and InputBox are swapped for ones that
 * record what they were asked and answer as a user would.
 */
describe('Copy to Layout of several rows', () => {
  let services: Services;
  let src: string;
  let app: Descriptor;
  let tools: Descriptor;
  /** An image with no tag: its row is under Untagged. */
  let loose: Descriptor;
  /** The referrers of each index (an SBOM on app, a signature on tools), and of app's amd64 image (a lifecycle note). */
  let attached: Descriptor[];
  let window: Window;
  let real: Window;
  const errors: string[] = [];
  let logError: Services['log']['error'];
  const picks: Array<{ placeHolder?: string; labels: string[]; many: boolean }> = [];
  const modals: Array<{ message: string; detail?: string }> = [];
  /** Every prompt shown, in order: `pick`, `modal` or `input`. */
  const asked: string[] = [];
  const inputs: Array<{ title?: string; value?: string }> = [];
  let pickAnswers: Array<(items: readonly Item[]) => unknown> = [];
  let modalAnswers: Array<(actions: string[]) => string | undefined> = [];
  let inputAnswers: string[] = [];

  const tree = () => services.tree as unknown as { getChildren(n?: unknown): Promise<unknown[]>; getTreeItem(n: unknown): vscode.TreeItem };
  async function rowsOf(layoutLabel: string, ...labels: string[]): Promise<unknown[]> {
    const t = tree();
    const layoutRow = (await t.getChildren()).find((n) => String(t.getTreeItem(n).label) === layoutLabel);
    assert.ok(layoutRow, `the ${layoutLabel} row`);
    if (labels.length === 0) return [layoutRow];
    const children = await t.getChildren(layoutRow);
    return labels.map((label) => {
      const found = children.find((n) => t.getTreeItem(n).label === label);
      assert.ok(found, `the ${label} row of ${layoutLabel}`);
      return found;
    });
  }

  before(async () => {
    ({ services } = await useFixtures());
    logError = services.log.error;
    services.log.error = (message: string | Error) => void errors.push(String(message));
    src = fresh('rows-src');
    const store = await OciLayoutStore.open(src, { create: true });
    const appAmd64 = await makeImage(store, { arch: 'amd64', seed: 'app' });
    app = await makeIndex(store, [appAmd64, await makeImage(store, { arch: 'arm64', seed: 'app' })]);
    tools = await makeIndex(store, [await makeImage(store, { arch: 'amd64', seed: 'tools' }), await makeImage(store, { arch: 'arm64', seed: 'tools' })]);
    attached = [
      await makeArtifact(store, { subject: app, artifactType: 'application/spdx+json' }),
      await makeArtifact(store, { subject: tools, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }),
      await makeArtifact(store, { subject: appAmd64, artifactType: 'application/vnd.microsoft.artifact.lifecycle' }),
    ];
    loose = await makeImage(store, { arch: 'riscv64', seed: 'loose' });
    await store.tag(app, 'app');
    await store.tag(tools, 'tools');
    // Listed untagged as a tag moved off it leaves it (a manifest pushed alone is not listed).
    await store.tag(loose, 'moving');
    await store.tag(app, 'moving');
    await store.untag('moving');
    // The demo layout's v1 is another index: selected together, the two would both be tagged v1.
    await store.tag(tools, 'v1');
    await run('manifold.addLayoutFolder', { path: src });

    const ext = vscode.extensions.getExtension('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    window = (createRequire(join(ext.extensionPath, ext.packageJSON.main))('vscode') as { window: Window }).window;
    assert.notEqual(window, vscode.window as unknown, "the extension's API is this suite's: the stubs below would not reach it");
    real = { showQuickPick: window.showQuickPick, showWarningMessage: window.showWarningMessage, showInputBox: window.showInputBox };
    window.showQuickPick = async (items, options) => {
      const list = await items;
      asked.push('pick');
      picks.push({ placeHolder: options?.placeHolder, labels: list.map((i) => i.label), many: options?.canPickMany === true });
      const answer = pickAnswers.shift();
      assert.ok(answer, `an unexpected pick: ${options?.placeHolder}`);
      return answer(list);
    };
    window.showWarningMessage = async (message, options, ...actions) => {
      asked.push('modal');
      modals.push({ message, detail: options.detail });
      const answer = modalAnswers.shift();
      assert.ok(answer, `an unexpected question: ${message}`);
      return answer(actions);
    };
    window.showInputBox = async (options) => {
      asked.push('input');
      inputs.push({ title: options?.title, value: options?.value });
      const answer = inputAnswers.shift();
      assert.ok(answer !== undefined, `an unexpected input box: ${options?.title}`);
      return answer;
    };
  });

  beforeEach(() => {
    errors.length = 0;
    picks.length = 0;
    modals.length = 0;
    asked.length = 0;
    inputs.length = 0;
    pickAnswers = [];
    modalAnswers = [];
    inputAnswers = [];
  });

  after(async () => {
    Object.assign(window, real);
    services.log.error = logError;
    await run('manifold.removeLayoutFolder', { layout: src });
  });

  it('a selection of two indexes with referrers asks once whether to bring them, and both arrive whole with theirs', async () => {
    const [appRow, toolsRow] = await rowsOf('rows-src', 'app', 'tools');
    const to = fresh('both');
    pickAnswers = [(items) => items.find((i) => i.label === 'With their referrers')];
    const result = await run<CopiedRows>('manifold.copyToLayout', appRow, [appRow, toolsRow], { to });
    assert.ok(result, errors.join('\n'));
    // One question, naming how many rows have referrers, how many on platforms (app's amd64 lifecycle note) and the
    // kinds seen; no platforms asked of either index.
    assert.equal(picks.length, 1, JSON.stringify(picks));
    assert.equal(picks[0]!.placeHolder, '2 of the 2 rows have referrers, 1 of the 3 on their platforms: end-of-life, SBOM, signature. Copy them too?');
    assert.equal(modals.length, 0, JSON.stringify(modals));
    const dst = await OciLayoutStore.open(to);
    assert.equal((await dst.resolve('app')).digest, app.digest);
    assert.equal((await dst.resolve('tools')).digest, tools.digest);
    const listed = indexDigests(to);
    for (const r of attached) assert.ok(listed.includes(r.digest), `${r.artifactType} ${r.digest} is not in index.json: ${listed.join(', ')}`);
    assert.match(result.message, /^Copied 2 rows to .*both: rows-src:app, rows-src:tools \(with 3 referrers\)\.$/);
    assert.deepEqual(result.tags, ['app', 'tools']);
    assert.deepEqual(result.rows.map((r) => r.digest), [app.digest, tools.digest]);
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it('the tags that would move are confirmed in one question: declined, nothing is copied; answered by arguments, nothing is asked', async () => {
    const [appRow, toolsRow] = await rowsOf('rows-src', 'app', 'tools');
    const to = fresh('taken');
    const dst = await OciLayoutStore.open(to, { create: true });
    const other = await makeImage(dst, { arch: 's390x', seed: 'taken' });
    await dst.tag(other, 'app');
    await dst.tag(other, 'tools');
    const before = readFileSync(join(to, 'index.json'));
    const blobs = readdirSync(join(to, 'blobs', 'sha256')).sort();
    const short = other.digest.slice(7, 19);

    pickAnswers = [(items) => items.find((i) => i.label === 'With their referrers')];
    modalAnswers = [(actions) => actions.find((a) => a === 'Keep')];
    assert.equal(await run('manifold.copyToLayout', appRow, [appRow, toolsRow], { to }), undefined);
    assert.deepEqual(errors, []);
    assert.equal(picks.length, 1, JSON.stringify(picks));
    assert.equal(modals.length, 1, JSON.stringify(modals));
    assert.equal(modals[0]!.message, `Move the tags app (now ${short}), tools (now ${short})?`);
    // Both move off it: it keeps no tag, and says so.
    assert.match(modals[0]!.detail ?? '', /app names .* stays listed under Untagged\.\nAfter the move app names .*app\./);
    assert.deepEqual(readFileSync(join(to, 'index.json')), before, 'declined: index.json unchanged');
    assert.deepEqual(readdirSync(join(to, 'blobs', 'sha256')).sort(), blobs, 'declined: no blob stored');

    // Answered after the selection: nothing asked, both tags moved, and the message says so once.
    const result = await run<CopiedRows>('manifold.copyToLayout', appRow, [appRow, toolsRow], { to, referrers: false, confirmed: true });
    assert.ok(result, errors.join('\n'));
    assert.equal(picks.length, 1, JSON.stringify(picks));
    assert.equal(modals.length, 1, JSON.stringify(modals));
    const copied = await OciLayoutStore.open(to);
    assert.equal((await copied.resolve('app')).digest, app.digest);
    assert.equal((await copied.resolve('tools')).digest, tools.digest);
    assert.ok(!indexDigests(to).includes(attached[0]!.digest), 'referrers: false brought the SBOM');
    assert.match(result.message, new RegExp(`^Copied 2 rows to .*taken: rows-src:app, rows-src:tools\\. app moved from ${short}\\. tools moved from ${short} \\(now under Untagged\\)\\.$`));
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it('a drop of two rows asks the same, once', async () => {
    const [appRow, toolsRow] = await rowsOf('rows-src', 'app', 'tools');
    const to = fresh('dropped-rows');
    await run('manifold.createLayout', { path: to });
    await run('manifold.addLayoutFolder', { path: to });
    const [toRow] = await rowsOf('dropped-rows');
    const transfer = new vscode.DataTransfer();
    transfer.set('application/vnd.code.tree.manifold.layouts', new vscode.DataTransferItem([appRow, toolsRow]));
    pickAnswers = [(items) => items.find((i) => i.label === 'Without referrers')];
    await services.layoutsDrop.handleDrop!(toRow as never, transfer, new vscode.CancellationTokenSource().token);
    assert.deepEqual(errors, []);
    assert.equal(picks.length, 1, JSON.stringify(picks));
    assert.match(picks[0]!.placeHolder ?? '', /^2 of the 2 rows have referrers/);
    const dst = await OciLayoutStore.open(to);
    assert.equal((await dst.resolve('app')).digest, app.digest);
    assert.equal((await dst.resolve('tools')).digest, tools.digest);
    for (const r of attached) assert.ok(!indexDigests(to).includes(r.digest), `without referrers, yet ${r.artifactType} came`);
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it('a drop of one index row asks its platforms, as before', async () => {
    const [appRow] = await rowsOf('rows-src', 'app');
    const to = fresh('dropped-one');
    await run('manifold.createLayout', { path: to });
    await run('manifold.addLayoutFolder', { path: to });
    const [toRow] = await rowsOf('dropped-one');
    const transfer = new vscode.DataTransfer();
    transfer.set('application/vnd.code.tree.manifold.layouts', new vscode.DataTransferItem([appRow]));
    pickAnswers = [(items) => items];
    await services.layoutsDrop.handleDrop!(toRow as never, transfer, new vscode.CancellationTokenSource().token);
    assert.deepEqual(errors, []);
    assert.deepEqual(picks.map((p) => [p.many, p.labels]), [[true, ['linux/amd64', 'linux/arm64']]]);
    assert.equal((await (await OciLayoutStore.open(to)).resolve('app')).digest, app.digest);
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it('a row without a tag has its own asked, naming it, before the one referrers question and any copy', async () => {
    const [appRow, untaggedRow] = await rowsOf('rows-src', 'app', 'Untagged');
    const looseRow = (await tree().getChildren(untaggedRow)).find((n) => (n as { desc?: Descriptor }).desc?.digest === loose.digest);
    assert.ok(looseRow, 'the untagged image row');
    const to = fresh('with-loose');
    inputAnswers = ['loose'];
    pickAnswers = [(items) => items.find((i) => i.label === 'With their referrers')];
    const result = await run<CopiedRows>('manifold.copyToLayout', appRow, [appRow, looseRow], { to });
    assert.ok(result, errors.join('\n'));
    assert.deepEqual(asked, ['input', 'pick']);
    assert.deepEqual(inputs, [{ title: `Copy to Layout (rows-src@${loose.digest.slice(7, 19)})`, value: '' }]);
    assert.equal(picks[0]!.placeHolder, '1 of the 2 rows has referrers, 1 of the 2 on its platforms: end-of-life, SBOM. Copy them too?');
    const dst = await OciLayoutStore.open(to);
    assert.equal((await dst.resolve('app')).digest, app.digest);
    assert.equal((await dst.resolve('loose')).digest, loose.digest);
    assert.deepEqual(result.tags, ['app', 'loose']);
    await run('manifold.removeLayoutFolder', { layout: to });
  });

  it('two rows that would give one tag to different manifests are refused, naming both, before anything is asked or made', async () => {
    const [demoV1] = await rowsOf('demo', 'v1');
    const [srcV1] = await rowsOf('rows-src', 'v1');
    const to = fresh('clash');
    assert.equal(await run('manifold.copyToLayout', demoV1, [demoV1, srcV1], { to }), undefined);
    assert.deepEqual(asked, []);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.ok(errors[0]!.includes('demo:v1 and rows-src:v1 would both be tagged v1 in the destination: copy them one at a time.'), errors[0]);
    assert.equal(existsSync(to), false, 'the destination folder was made');
  });

  it('a row that fails after another was copied: the error names the rows copied before it, which stay', async () => {
    const broken = fresh('rows-broken');
    const store = await OciLayoutStore.open(broken, { create: true });
    const good = await makeImage(store, { arch: 'amd64', seed: 'good' });
    const bad = await makeImage(store, { arch: 'amd64', seed: 'bad' });
    await store.tag(good, 'good');
    await store.tag(bad, 'bad');
    // The bad image's layer is gone from the source: its copy fails once it reaches it.
    const layer = (JSON.parse((await store.fetchBytes(bad)).toString('utf8')) as { layers: Descriptor[] }).layers[0]!;
    rmSync(join(broken, 'blobs', 'sha256', layer.digest.slice(7)));
    await run('manifold.addLayoutFolder', { path: broken });
    const [goodRow, badRow] = await rowsOf('rows-broken', 'good', 'bad');
    const to = fresh('half');
    assert.equal(await run('manifold.copyToLayout', goodRow, [goodRow, badRow], { to }), undefined);
    assert.deepEqual(asked, []);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, / Copied before it: rows-broken:good\.$/m);
    const dst = await OciLayoutStore.open(to);
    assert.equal((await dst.resolve('good')).digest, good.digest);
    assert.deepEqual(indexDigests(to), [good.digest]);
    await run('manifold.removeLayoutFolder', { layout: to });
    await run('manifold.removeLayoutFolder', { layout: broken });
  });
});
