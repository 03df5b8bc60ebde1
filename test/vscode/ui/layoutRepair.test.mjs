// UI test: a layout folder that loses its oci-layout file while the Layouts view shows it. The view says so in one
// row under the layout instead of dropping it; a click on that row writes the file back (the exact bytes oras-go
// writes) and the layout's tags are shown again, as read from the files. Screenshots go to test-results/
// (layout-repair-*.png). Lost again, then the window reloaded, the folder is still found (by its index.json beside
// blobs/) with the same row, and its click restores it.
// Run: node --test --test-concurrency=1 test/vscode/ui/layoutRepair.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { openWorkbench, resizeSidebar, sequentialSteps } from './harness.mjs';
import { expectedTagRows, readLayout } from './layoutOnDisk.mjs';
import { childrenOf, expand, layoutsPane, row, showLayout, waitForRows } from './layoutsView.mjs';

const MISSING = 'The oci-layout file is missing, so this layout cannot be read';

describe('Restoring a lost oci-layout from the Layouts view', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  let tagRows;
  const step = sequentialSteps(() => wb);
  const underApp = (rows) => childrenOf(rows, { label: 'app', level: 1 }).map((r) => ({ label: r.label, description: r.description }));

  /** The one row under app says the file is missing; under the pointer it shows its inline action, the same restore as its click. */
  async function seeMissingRow(page, when) {
    const rows = await waitForRows(page, (r) => underApp(r).some((x) => x.label === MISSING), `the missing oci-layout row ${when}`, 30_000);
    assert.deepEqual(underApp(rows), [{ label: MISSING, description: '' }]);
    await row(page, MISSING, 2).hover();
    await row(page, MISSING, 2).locator('.actions .action-label[aria-label="Restore the oci-layout File"]').waitFor();
  }

  /** Clicks that row: oras-go's exact bytes are written and app's tags show again, as read from the files. */
  async function restoreByClick(page) {
    await row(page, MISSING, 2).click();
    const rows = await waitForRows(page, (r) => underApp(r).length === tagRows.length && !underApp(r).some((x) => x.label === MISSING), 'the tags of app again', 30_000);
    assert.deepEqual(underApp(rows), tagRows);
    assert.ok(existsSync(join(appDir, 'oci-layout')));
    assert.equal(readFileSync(join(appDir, 'oci-layout'), 'utf8'), '{"imageLayoutVersion":"1.0.0"}');
  }

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    tagRows = await expectedTagRows(await readLayout(appDir));
  });

  after(async () => {
    await wb?.close();
  });

  step('the layout shows its tags', async () => {
    const page = wb.page;
    await showLayout(page, 'app');
    await resizeSidebar(page, 560);
    await expand(page, 'app', 1);
    const rows = await waitForRows(page, (r) => underApp(r).length === tagRows.length, 'the tags of app');
    assert.deepEqual(underApp(rows), tagRows);
  });

  step('its oci-layout deleted on disk, the layout stays with one row saying so', async () => {
    const page = wb.page;
    rmSync(join(appDir, 'oci-layout'));
    await seeMissingRow(page, 'in the session that lost it');
    await wb.screenshot('layout-repair-missing', layoutsPane(page));
  });

  step('a click on the row writes the file back and the tags show again', async () => {
    const page = wb.page;
    await restoreByClick(page);
    await wb.screenshot('layout-repair-restored', layoutsPane(page));
  });

  step('lost again and the window reloaded, the layout is found by its index.json and blobs/, with the same row', async () => {
    const page = wb.page;
    rmSync(join(appDir, 'oci-layout'));
    // A reload starts a new extension host: nothing of the session that saw the loss is left, only the search.
    await wb.reload();
    await showLayout(page, 'app', 60_000);
    await expand(page, 'app', 1);
    await seeMissingRow(page, 'after the reload');
    await wb.screenshot('layout-repair-after-reload', layoutsPane(page));
  });

  step('after the reload, a click on the row writes the file back and the tags show again', async () => {
    await restoreByClick(wb.page);
  });
});
