// UI test: "Check Image" from a tag's context menu, in code-server and chromium. A byte of the demo's linux/arm64/v8
// layer is flipped on disk; the user right-clicks v1, picks Check Image, sees the summary ("1 error in v1"), presses
// Show Problems and reads the row in the Problems panel: the platform, the layer's digest, where in the manifest. A
// click on the row opens the manifest with the layer's digest selected. Screenshots go to test-results/
// (check-*.png; check-workbench.png is the README's docs/images/check-image.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/checkImage.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { waitForSquiggle } from './editorMarks.mjs';
import { nls, openWorkbench, resizeSidebar, runFromPalette, sequentialSteps } from './harness.mjs';
import { readLayout, shortDigest } from './layoutOnDisk.mjs';
import { openManifoldView, runFromContextMenu, showTag } from './layoutsView.mjs';
import { waitUntil } from './waits.mjs';


/** The Problems panel's rows as a user reads them, top to bottom: the text of each row. */
function problemRows(page) {
  return page
    .locator('.part.panel .markers-panel .monaco-list-row')
    .evaluateAll((rows) => rows.sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index'))).map((r) => r.innerText.replace(/\s+/g, ' ').trim()));
}

describe('Check Image in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  let arm64;
  let layerDigest;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    const layout = await readLayout(appDir);
    arm64 = layout.tags.get('linux-arm64').digest;
    layerDigest = (await layout.json(arm64)).layers[0].digest;
    // One bit of linux/arm64/v8's layer flipped, as a bad disk or a broken copy would.
    const file = join(appDir, 'blobs', 'sha256', layerDigest.slice(7));
    const bytes = readFileSync(file);
    bytes[0] ^= 1;
    writeFileSync(file, bytes);
  });

  after(async () => {
    await wb?.close();
  });

  step('right-click v1, Check Image: the summary says 1 error in v1', async () => {
    const page = wb.page;
    await openManifoldView(page);
    await resizeSidebar(page, 300); // the Problems panel gets the width
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, nls['command.checkImage.title']);
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: '1 error in v1' });
    await toast.waitFor();
    await wb.screenshot('check-summary', toast);
    await toast.locator('.monaco-button', { hasText: 'Show Problems' }).click();
  });

  step('the Problems panel shows the error on the linux/arm64/v8 manifest, led by where it is', async () => {
    const page = wb.page;
    const rows = await waitUntil(() => problemRows(page), (r) => r.some((x) => x.startsWith('v1 > linux/arm64/v8:')), { what: 'the problem row in the Problems panel' });
    // The document's row (the manifest, named by its short digest, in the layout app), then the problem's.
    assert.equal(rows.length, 2, rows.join('\n'));
    assert.match(rows[0], new RegExp(`^${shortDigest(arm64)}\\.json ?/app 1$`));
    const problem = rows[1];
    assert.match(problem, /^v1 > linux\/arm64\/v8: /);
    assert.ok(problem.includes(`blob ${layerDigest.slice(0, 19)}…`), problem); // digests cut as the trees show them
    assert.match(problem, /manifold check\(? ?blob-unreadable\)?/); // its source and code (the code links to the spec)
    assert.match(problem, /\[Ln \d+, Col \d+\]$/);
    await wb.screenshot('check-problems', page.locator('.part.panel'));
  });

  step("a click on the row opens the manifest at the layer's digest", async () => {
    const page = wb.page;
    const editor = page.locator('.part.editor .monaco-editor').last();
    const open = async () => {
      await page.locator('.part.panel .markers-panel .monaco-list-row').filter({ hasText: 'v1 > linux/arm64/v8:' }).click();
      return waitUntil(() => editor.locator('.view-lines').innerText(), (t) => t.includes(layerDigest.slice(7, 30)), { what: 'the manifest in an editor' });
    };
    const text = await open();
    assert.match(text, /"layers"/);
    // The squiggle is under the layer's digest: the editor marks it as an error. (Opened again from the row if
    // it is not drawn: see editorMarks.mjs.)
    await waitForSquiggle(page, editor, {
      text: layerDigest,
      severity: 'error',
      reopen: async () => {
        await runFromPalette(page, 'View: Close All Editors');
        await open();
      },
    });
    // Revealing the selection scrolled the editor sideways: back to the lines' start for the picture (the selection stays).
    await editor.hover();
    await page.mouse.wheel(-4000, 0);
    await wb.screenshot('check-workbench'); // the README's docs/images/check-image.png
  });
});
