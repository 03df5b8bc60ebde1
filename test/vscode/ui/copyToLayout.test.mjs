// UI test: "Copy to Layout…" from an index tag's context menu, in code-server and chromium. The workspace holds the
// demo layout app (v1 over two platforms, an SBOM on v1) and an empty folder release. The user right-clicks v1,
// keeps both platforms, picks "Choose a Folder…", types the release folder, keeps the referrers and the tag, and
// sees "Copied v1 from layouts/app to layouts/release as v1 (…) with 1 referrer."; release then shows in the
// Layouts view with v1, and on disk holds v1 and its SBOM, the same bytes. Screenshots go to test-results/
// (copy-to-layout-*.png; copy-to-layout-done.png is the README's docs/images/copy-to-layout.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/copyToLayout.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { nls, openWorkbench, sequentialSteps } from './harness.mjs';
import { layoutsPane, runFromContextMenu, showTag } from './layoutsView.mjs';
import { readLayout, referrersBySubject } from './layoutOnDisk.mjs';
import { acceptTypedPath, pickMany, pickOne, waitForQuickInput, waitForQuickInputClosed, waitForTypedPath } from './quickInput.mjs';

describe('Copy to Layout in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let release;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    release = join(wb.workspace.folder, 'layouts', 'release');
    mkdirSync(release);
  });

  after(async () => {
    await wb?.close();
  });

  step('right-click v1, Copy to Layout…, a new folder typed: "Copied v1 … with 1 referrer.", and release lists v1', async () => {
    const page = wb.page;
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, nls['command.copyToLayout.title']);
    await pickMany(page, ['linux/amd64', 'linux/arm64/v8']); // all platforms: the index as it is
    // No other layout yet (app itself is not offered): only the folder dialog.
    const where = await pickOne(page, 'Choose a Folder…');
    assert.match(where.placeholder, /Copy into which layout\?/);
    assert.deepEqual(where.rows.map((r) => r.label), ['Choose a Folder…']);
    await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value.endsWith('/'), 'the folder dialog');
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.press('Control+A');
    await box.pressSequentially(release);
    await waitForTypedPath(page, release);
    await acceptTypedPath(page);
    await pickOne(page, 'With its referrers');
    // The tag, filled in with the source's.
    await waitForQuickInput(page, (s) => s.visible && s.rows.length === 0 && s.value === 'v1', 'the tag prompt with v1');
    await page.keyboard.press('Enter');
    await waitForQuickInputClosed(page, 'the tag prompt to close');

    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Copied v1 from layouts/app to layouts/release as v1' });
    await toast.waitFor();
    const src = await readLayout(wb.workspace.layouts['layouts/app'].path);
    const digest = src.tags.get('v1').digest;
    assert.equal(await toast.locator('.notification-list-item-message').innerText(), `Copied v1 from layouts/app to layouts/release as v1 (${digest.slice(7, 19)}) with 1 referrer.`);
    // The progress notification goes once the copy is done.
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'Copy to Layout:' }).waitFor({ state: 'hidden' });
    await showTag(page, 'release', 'v1');
    await wb.screenshot('copy-to-layout-done');
    assert.ok(await layoutsPane(page).locator('.monaco-list-row', { hasText: 'release' }).count());

    const dst = await readLayout(release);
    assert.equal(dst.tags.get('v1').digest, digest);
    assert.deepEqual(await dst.json(digest), await src.json(digest));
    assert.deepEqual(await referrersBySubject(dst), await referrersBySubject(src));
  });
});
