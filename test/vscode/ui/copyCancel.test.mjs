// UI test: Cancel pressed on a copy's progress notification, as a user does, while the registry holds the copy's
// requests. The registry is the in-repo one (test/integration/support/ociServer.ts) in this process: it takes part of
// the copy (two blob uploads of Copy to Registry; the first whole tag of Copy Layout to Registry), then holds every
// request (a stalled registry), so the cancel lands mid-copy every time, whatever the machine's speed. The notice must
// say what reached the registry (and which tags' content is there whole but untagged), and the registry must hold no
// tag but whole ones and no manifest whose blobs are missing. Screenshots go to test-results/ (copy-cancel-*.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/copyCancel.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { nls, openWorkbench, runFromPalette, sequentialSteps } from './harness.mjs';
import { runFromContextMenu, showLayout, showTag } from './layoutsView.mjs';
import { answer, pickMany, pickOne, waitForQuickInput, waitForQuickInputClosed } from './quickInput.mjs';
import { waitUntil } from './waits.mjs';
import { readLayout } from './layoutOnDisk.mjs';

/** Blob uploads the registry completes before it stalls. */
const TAKEN = 2;

describe('Cancelling a copy in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let server;
  let formatSize;
  /**
   * The registry's gate: open until `closeAfter(request)` says the request it lets through is the last, then every
   * request is held until the test ends. `releases` end the stalls.
   */
  const releases = [];
  const gate = { closed: false, held: [], lastRequest: 0, stall: undefined, closeAfter: () => false };
  const closeGate = (closeAfter) => {
    Object.assign(gate, { closed: false, held: [], closeAfter, stall: new Promise((r) => releases.push(r)) });
  };
  /** The request that completes a blob upload: the PUT closing an upload session, or a one-request POST. */
  const completesUpload = ({ method, path, query }) => /\/blobs\/uploads\//.test(path) && (method === 'PUT' || (method === 'POST' && query.has('digest')));
  /** Waits until the copy has nothing more under way: the registry holds its requests, and no new one has come. */
  const stalled = () => waitUntil(() => ({ held: gate.held.length, quiet: Date.now() - gate.lastRequest }), (g) => g.held > 0 && g.quiet > 1500, { what: 'the copy to stall on the held requests' });
  /** Every manifest the repository holds has its blobs and child manifests there, and every blob is whole. */
  const assertConsistent = (repo) => {
    for (const [digest, b] of repo.blobs) assert.equal(`sha256:${createHash('sha256').update(b).digest('hex')}`, digest, 'a blob is whole');
    for (const [digest, m] of repo.manifests) {
      const doc = JSON.parse(m.bytes.toString('utf8'));
      for (const child of doc.manifests ?? []) assert.ok(repo.manifests.has(child.digest), `${digest} lists ${child.digest}, which is there`);
      for (const blob of [doc.config, ...(doc.layers ?? [])].filter(Boolean)) assert.ok(repo.blobs.has(blob.digest), `${digest} needs ${blob.digest}, which is there`);
    }
  };
  /** Blobs and manifests the repository holds, and their bytes. */
  const holdings = (repo) => {
    const all = [...repo.blobs.values(), ...[...repo.manifests.values()].map((m) => m.bytes)];
    return { count: all.length, bytes: all.reduce((n, b) => n + b.length, 0) };
  };
  const step = sequentialSteps(() => wb);

  before(async () => {
    const { tsImport } = await import('tsx/esm/api');
    ({ formatSize } = await tsImport('../../../src/extension/present/format.ts', import.meta.url));
    const { startOciServer } = await tsImport('../../integration/support/ociServer.ts', import.meta.url);
    server = await startOciServer({
      hold: (request) => {
        gate.lastRequest = Date.now();
        if (gate.closed) {
          gate.held.push(`${request.method} ${request.path}`);
          return gate.stall;
        }
        if (gate.closeAfter(request)) gate.closed = true;
        return undefined;
      },
    });
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
  });

  after(async () => {
    for (const release of releases) release();
    await wb?.close();
    await server?.stop();
  });

  step('adds the registry, then starts Copy to Registry of the index v1 to a new repository', async () => {
    const page = wb.page;
    await showLayout(page, 'app');
    await runFromPalette(page, `${nls['command.category']}: ${nls['command.addRegistry.title']}`);
    await answer(page, `http://${server.host}`);
    await waitForQuickInputClosed(page, 'Add Registry to take the address');
    await showTag(page, 'app', 'v1');
    let uploads = 0;
    closeGate((r) => completesUpload(r) && ++uploads === TAKEN);
    await runFromContextMenu(page, 'v1', 2, nls['command.copyToRegistry.title']);
    await pickMany(page, ['linux/amd64', 'linux/arm64/v8']); // all platforms: the index as it is
    await pickOne(page, 'With its referrers');
    const destination = `${server.host}/demo/big:v1`;
    await waitForQuickInput(page, (s) => s.visible && /Pick an added repository/.test(s.placeholder), 'the destination pick');
    await page.locator('.quick-input-widget .quick-input-box input').fill(destination);
    const shown = await pickOne(page, destination);
    assert.equal(shown.rows.find((r) => r.label === destination)?.description, 'new destination');
    await waitForQuickInputClosed(page, 'the destination pick to close');
  });

  step('Cancel on the progress notification stops the copy; the notice says what reached the registry', async () => {
    const page = wb.page;
    const toast = page.locator('.notification-toast', { hasText: 'Copy to Registry' });
    await toast.waitFor();
    // The registry has taken its blobs and holds the rest: wait until the copy has nothing more under way.
    await stalled();
    await wb.screenshot('copy-cancel-progress', toast);
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const notice = page.locator('.notification-toast', { hasText: 'Copy cancelled' });
    await notice.waitFor();
    const text = (await notice.locator('.notification-list-item-message').innerText()).trim();
    await wb.screenshot('copy-cancel-notice', notice);

    const { count, bytes } = holdings(server.repo('demo/big'));
    assert.equal(count, TAKEN, `the registry took ${TAKEN} blobs before it stalled`);
    assert.equal(text, `Copy cancelled: ${TAKEN} blobs and manifests (${formatSize(bytes)}) reached ${server.host}/demo/big:v1, but the copy is incomplete and not tagged there.`);
  });

  step('the registry is consistent: no tag, every blob whole, no manifest without its blobs', async () => {
    const repo = server.repo('demo/big');
    assert.deepEqual([...repo.tags.keys()], [], 'nothing is tagged');
    assertConsistent(repo);
  });

  step('Copy to Registry on the layout, cancelled after its first tag: the notice names the tag copied whole and tagged, and the tags whole but not tagged', async () => {
    const page = wb.page;
    // The registry takes the first tag whole (the PUT of a manifest under a tag is the last request of a tag's copy).
    closeGate(({ method, path }) => method === 'PUT' && /\/manifests\/[^/:]+$/.test(path));
    await runFromContextMenu(page, 'app', 1, nls['command.copyLayoutToRegistry.title']);
    const destination = `${server.host}/demo/all`;
    await waitForQuickInput(page, (s) => s.visible && /every tag keeps its name/.test(s.placeholder), 'the repository pick');
    await page.locator('.quick-input-widget .quick-input-box input').fill(destination);
    const shown = await pickOne(page, destination);
    assert.equal(shown.rows.find((r) => r.label === destination)?.description, 'new destination');
    // The demo's tags have referrers: asked next, in the same widget; all of them come along.
    const referrers = await pickOne(page, 'With their referrers');
    assert.deepEqual(referrers.rows.map((r) => r.label), ['With their referrers', 'Only Some Kinds…', 'Without referrers']);
    await waitForQuickInputClosed(page, 'the referrers question to close');
    const toast = page.locator('.notification-toast', { hasText: 'Copy Layout to Registry' });
    await toast.waitFor();
    await stalled();
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const notice = page.locator('.notification-toast', { hasText: 'Copy cancelled' }).filter({ hasText: destination });
    await notice.waitFor();
    const text = (await notice.locator('.notification-list-item-message').innerText()).trim();

    const repo = server.repo('demo/all');
    const tags = [...repo.tags.keys()];
    assert.equal(tags.length, 1, `one tag whole before the registry stalled: ${tags.join(', ')}`);
    const { count, bytes } = holdings(repo);
    // The tags are set last, after every tag's content and referrers: the other tags' manifests are there, untagged.
    const layout = await readLayout(wb.workspace.layouts['layouts/app'].path);
    const others = [...layout.tags.keys()].filter((t) => t !== tags[0]).sort();
    const whole = others.filter((t) => repo.manifests.has(layout.tags.get(t).digest));
    assert.deepEqual(whole, others, 'the content of every other tag is there whole');
    const untagged = whole.length > 0 ? ` The content of ${whole.join(', ')} is there whole but not tagged: copy again to tag it, pushing only what is missing.` : '';
    assert.equal(text, `Copy cancelled: ${tags[0]} was copied to ${destination} and is tagged there; the other tags are not (${count} blobs and manifests (${formatSize(bytes)}) reached it in all).${untagged}`);
    assertConsistent(repo);
  });

  step('the tag copied whole is usable: Pull into This Layout lists the repository, then its tag, and pulls it', async () => {
    const page = wb.page;
    closeGate(() => false); // the registry answers again
    const repository = `${server.host}/demo/all`;
    const [tag] = [...server.repo('demo/all').tags.keys()];
    await runFromContextMenu(page, 'app', 1, nls['command.pullIntoLayout.title']);
    // The repository the cancelled copy left a whole tag in joined the Registries view: the pick offers it.
    await pickOne(page, repository);
    // Picked, it is filled in as "registry/repository:" and its tags are listed from the registry, one row each.
    const listed = await waitForQuickInput(page, (s) => s.value === `${repository}:` && !s.busy && s.rows.some((r) => r.label === `${repository}:${tag}`), `the tags of ${repository}`);
    await wb.screenshot('pull-pick-tags', page.locator('.quick-input-widget'));
    assert.deepEqual(listed.rows.map((r) => r.label), [`${repository}:${tag}`]);
    await pickOne(page, `${repository}:${tag}`);
    // (The demo's platform images carry no referrers: no question about them.)
    await waitForQuickInput(page, (s) => s.visible && s.rows.length === 0 && s.value === tag, 'the tag prompt, filled in with the source tag');
    await page.locator('.quick-input-widget .quick-input-box input').fill('pulled');
    await page.keyboard.press('Enter');
    await waitForQuickInputClosed(page, 'the pull to take its last answer');
    const appDir = wb.workspace.layouts['layouts/app'].path;
    const layout = await waitUntil(() => readLayout(appDir), (l) => l.tags.has('pulled'), { what: 'the tag pulled in index.json' });
    assert.equal(layout.tags.get('pulled').digest, server.repo('demo/all').tags.get(tag));
  });
});
