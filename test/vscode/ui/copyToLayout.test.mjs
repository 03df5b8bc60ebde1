// UI test: "Copy to Layout…" from an index tag's context menu, in code-server and chromium. The workspace holds the
// demo layout app (v1 over two platforms, an SBOM on v1) and an empty folder release. The user right-clicks v1,
// keeps both platforms, picks "Choose a Folder…", types the release folder, keeps the referrers and the tag, and
// sees "Copied v1 from layouts/app to layouts/release as v1 (…) with 1 referrer."; release then shows in the
// Layouts view with v1, and on disk holds v1 and its SBOM, the same bytes. Then the user drags linux-amd64 from app
// onto release: it is copied there under its tag, nothing asked. Screenshots go to test-results/
// (copy-to-layout-*.png; copy-to-layout-dropped.png is the README's docs/images/copy-to-layout.png). Last, v1 again into
// a new folder, signed, answering "Only Some Kinds…": SBOM comes ticked (v1 has one); the user unticks it and ticks
// SIGNATURE: v1 arrives with no referrer (copy-to-layout-only-kinds.png is the README's docs/images/copy-only-kinds.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/copyToLayout.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { nls, openWorkbench, sequentialSteps } from './harness.mjs';
import { layoutsPane, row, runFromContextMenu, showTag, waitForRows } from './layoutsView.mjs';
import { readLayout, referrersBySubject } from './layoutOnDisk.mjs';
import { pickMany, pickOne, setTicks, takeTypedFolder, waitForQuickInput, waitForQuickInputClosed, waitForTypedPath } from './quickInput.mjs';

describe('Copy to Layout in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let release;
  let signed;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    release = join(wb.workspace.folder, 'layouts', 'release');
    mkdirSync(release);
    signed = join(wb.workspace.folder, 'layouts', 'signed');
    mkdirSync(signed);
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
    // The dialog opens at the workspace folder: once it lists it, the rest of the path is typed after it (a path typed
    // over it while it was still loading was mixed with what it then put there).
    const opened = await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value.endsWith('/') && s.rows.some((r) => r.label === 'layouts'), 'the folder dialog listing layouts');
    assert.equal(opened.value, `${wb.workspace.folder}/`);
    await page.locator('.quick-input-widget .quick-input-box input').pressSequentially('layouts/release');
    await waitForTypedPath(page, release);
    // The dialog's button takes the folder typed (Enter on a folder the list has made active opens it instead, and in
    // an empty folder Enter takes nothing).
    await takeTypedFolder(page, 'Copy Here', release);
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

  step('linux-amd64 dragged from app onto release: copied there under its tag, nothing asked', async () => {
    const page = wb.page;
    await showTag(page, 'app', 'linux-amd64');
    // A drag as a hand makes it: press, move in steps (the list starts a drag only once the pointer has moved), rest
    // over the target until the view takes the drop, release.
    const from = await row(page, 'linux-amd64', 2).boundingBox();
    const to = await row(page, 'release', 1).boundingBox();
    await page.mouse.move(from.x + 40, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 60, from.y + from.height / 2 + 10, { steps: 5 });
    await page.mouse.move(to.x + 60, to.y + to.height / 2, { steps: 10 });
    await page.waitForTimeout(300);
    await page.mouse.move(to.x + 62, to.y + to.height / 2, { steps: 2 });
    await page.mouse.up();
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Copied linux-amd64 from layouts/app to layouts/release' });
    await toast.waitFor();
    const src = await readLayout(wb.workspace.layouts['layouts/app'].path);
    const digest = src.tags.get('linux-amd64').digest;
    assert.equal(await toast.locator('.notification-list-item-message').innerText(), `Copied linux-amd64 from layouts/app to layouts/release as linux-amd64 (${digest.slice(7, 19)}).`);
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'Copy to Layout:' }).waitFor({ state: 'hidden' });
    await page.mouse.move(700, 300); // off the rows: no tooltip over the view
    await showTag(page, 'release', 'linux-amd64');
    await wb.screenshot('copy-to-layout-dropped');
    assert.equal((await readLayout(release)).tags.get('linux-amd64').digest, digest);
    assert.equal((await readLayout(wb.workspace.layouts['layouts/app'].path)).tags.size, src.tags.size, 'the source is left as it was');
  });

  step('v1 into signed with "Only Some Kinds…": SBOM comes ticked; unticked, SIGNATURE ticked: v1 arrives without its SBOM', async () => {
    const page = wb.page;
    await page.mouse.move(700, 300);
    // release (expanded above) lists a v1 too: folded, so the only v1 row is app's.
    const shownRelease = row(page, 'release', 1);
    if ((await shownRelease.getAttribute('aria-expanded')) === 'true') await shownRelease.locator('.monaco-tl-twistie').click();
    await waitForRows(page, (rows) => rows.filter((r) => r.label === 'v1' && r.level === 2).length <= 1, 'release folded');
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, nls['command.copyToLayout.title']);
    await pickMany(page, ['linux/amd64', 'linux/arm64/v8']);
    await pickOne(page, 'Choose a Folder…');
    // The dialog opens where the last one was taken (layouts/, after step one): the rest of the path typed after it.
    const opened = await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value.endsWith('/') && signed.startsWith(s.value) && s.rows.length > 0, 'the folder dialog open on a folder above signed');
    await page.locator('.quick-input-widget .quick-input-box input').pressSequentially(signed.slice(opened.value.length));
    await waitForTypedPath(page, signed);
    await takeTypedFolder(page, 'Copy Here', signed);
    const asked = await pickOne(page, 'Only Some Kinds…');
    assert.deepEqual(asked.rows.map((r) => r.label), ['With its referrers', 'Only Some Kinds…', 'Without referrers']);
    await waitForQuickInput(page, (s) => s.visible && !s.busy && s.rows.some((r) => r.label === 'SIGNATURE'), 'the kinds to copy');
    await wb.screenshot('copy-to-layout-only-kinds');
    const kinds = await setTicks(page, { SBOM: false, SIGNATURE: true });
    assert.deepEqual(
      kinds.rows.map((r) => [r.label, r.checked]),
      [
        ['SIGNATURE', false],
        ['SBOM', true],
        ['PROVENANCE', false],
        ['END-OF-LIFE', false],
      ],
    );
    await waitForQuickInput(page, (s) => s.visible && s.rows.length === 0 && s.value === 'v1', 'the tag prompt with v1');
    await page.keyboard.press('Enter');
    await waitForQuickInputClosed(page, 'the tag prompt to close');
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Copied v1 from layouts/app to layouts/signed as v1' });
    await toast.waitFor();
    const src = await readLayout(wb.workspace.layouts['layouts/app'].path);
    const digest = src.tags.get('v1').digest;
    // No referrer came along: the message says none.
    assert.equal(await toast.locator('.notification-list-item-message').innerText(), `Copied v1 from layouts/app to layouts/signed as v1 (${digest.slice(7, 19)}).`);
    const dst = await readLayout(signed);
    assert.equal(dst.tags.get('v1').digest, digest);
    assert.deepEqual(await referrersBySubject(dst), {});
  });
});
