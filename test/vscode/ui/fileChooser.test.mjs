// UI test: where the file chooser of Attach Artifact and Push Files starts, as a user sees it in the workbench's own
// file dialog (code-server's quick input over the folders; its input shows the folder it is in). With index.json of
// a layout open in the editor, the workbench alone would start inside that layout; Manifold starts at the workspace
// folder, then at the folder files were last chosen from. Add Layout Folder's chooser keeps its own folder: the
// workspace folder, then the one holding the layout last added. Screenshots go to test-results/ (file-chooser-*.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/fileChooser.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { nls, openWorkbench, runFromPalette, sequentialSteps } from './harness.mjs';
import { readLayout, referrersBySubject } from './layoutOnDisk.mjs';
import { readRows, runFromContextMenu, showTag, waitForRows } from './layoutsView.mjs';
import { answer, pickOne, waitForQuickInput, waitForQuickInputClosed, waitForTypedPath, acceptTypedPath } from './quickInput.mjs';
import { waitUntil } from './waits.mjs';

const SBOM = 'application/spdx+json';
const SBOM_TEXT = '{"spdxVersion":"SPDX-2.3","name":"demo linux/amd64","packages":[]}\n';

describe('File chooser start folder in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  let sboms;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    sboms = join(wb.workspace.folder, 'sboms');
    mkdirSync(sboms);
    writeFileSync(join(sboms, 'app.spdx.json'), SBOM_TEXT);
  });

  after(async () => {
    await wb?.close();
  });

  /** Runs Attach Artifact on a tag of app up to its file dialog; returns the dialog once it lists its folder. */
  async function attachDialog(tag, folder, entry) {
    const page = wb.page;
    await runFromContextMenu(page, tag, 2, nls['command.attach.title']);
    await pickOne(page, SBOM);
    await pickOne(page, (l) => l.includes('Choose files'));
    return waitForQuickInput(page, (s) => s.visible && !s.busy && s.value === folder && s.rows.some((r) => r.label === entry), `the file dialog on ${folder} listing ${entry}`);
  }

  step('with a layout\'s index.json in the editor, Attach\'s file dialog opens on the workspace folder, not inside the layout', async () => {
    const page = wb.page;
    // index.json of the layout in the active editor: left to itself, the dialog would start in layouts/app/.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('layouts/app/index.json');
    await waitForQuickInput(page, (s) => s.rows.some((r) => r.label === 'index.json'), 'index.json in Quick Open');
    await page.keyboard.press('Enter');
    await page.locator('.part.editor .tab[aria-label^="index.json"]').first().waitFor();
    await showTag(page, 'app', 'linux-amd64');

    const shown = await attachDialog('linux-amd64', `${wb.workspace.folder}/`, 'sboms');
    assert.ok(!shown.rows.some((r) => r.label === 'blobs'), 'the dialog is not inside the layout');
    await wb.screenshot('file-chooser-workspace', page.locator('.quick-input-widget'));
    // Into sboms/ and the file, typed after the folder as a user does.
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.press('End');
    await box.pressSequentially('sboms/app.spdx.json');
    await waitForTypedPath(page, join(sboms, 'app.spdx.json'));
    await acceptTypedPath(page);
    await answer(page, ''); // no annotations
    await waitForQuickInputClosed(page, 'the attach flow to take its last answer');

    const read = async () => {
      const l = await readLayout(appDir);
      return { layout: l, referrers: await referrersBySubject(l) };
    };
    const { layout, referrers } = await waitUntil(read, (x) => x.referrers[x.layout.tags.get('linux-amd64').digest]?.includes(SBOM), { what: 'the SBOM on linux-amd64 in index.json' });
    assert.deepEqual(referrers[layout.tags.get('linux-amd64').digest], [SBOM]);
    // The tree has caught up (the SBOM counted under Untagged): a right-click on a row being redrawn would run
    // the next command without its row, and it would ask for a tag.
    await waitForRows(page, (r) => r.some((x) => x.label === 'Untagged' && x.description.trim() === '2'), 'the tree after the attach (Untagged 2)');
  });

  step('the next Attach starts in the folder the file was chosen from; Escape attaches nothing', async () => {
    const page = wb.page;
    const before = readFileSync(join(appDir, 'index.json'), 'utf8');
    await attachDialog('linux-arm64', `${sboms}/`, 'app.spdx.json');
    await wb.screenshot('file-chooser-last-folder', page.locator('.quick-input-widget'));
    await page.keyboard.press('Escape');
    await waitForQuickInputClosed(page, 'the file dialog to close');
    assert.equal(readFileSync(join(appDir, 'index.json'), 'utf8'), before, 'index.json is untouched');
  });

  step('Push Files starts there too', async () => {
    const page = wb.page;
    await runFromContextMenu(page, 'app', 1, nls['command.pushFiles.title']);
    await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value === `${sboms}/` && s.rows.some((r) => r.label === 'app.spdx.json'), `Push Files' file dialog on ${sboms}/`);
    await page.keyboard.press('Escape');
    await waitForQuickInputClosed(page, 'the file dialog to close');
  });

  step('Add Layout Folder opens on the workspace folder, not where the SBOM was chosen from; a layout typed there is added', async () => {
    const page = wb.page;
    // A layout outside the workspace, where Add Layout Folder is needed.
    const kept = join(wb.tmp, 'stash', 'kept');
    mkdirSync(join(kept, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(kept, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(kept, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    await runFromPalette(page, `${nls['command.category']}: ${nls['command.addLayoutFolder.title']}`);
    await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value === `${wb.workspace.folder}/` && s.rows.some((r) => r.label === 'sboms'), `Add Layout Folder's dialog on ${wb.workspace.folder}/`);
    await wb.screenshot('file-chooser-add-layout', page.locator('.quick-input-widget'));
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.press('Control+A');
    await box.pressSequentially(kept);
    await waitForTypedPath(page, kept);
    await acceptTypedPath(page);
    await waitForRows(page, (r) => r.some((x) => x.level === 1 && x.label === 'kept'), 'the added layout kept');
  });

  step('the next Add Layout Folder opens in the folder that holds the layout added; Escape adds nothing', async () => {
    const page = wb.page;
    const stash = join(wb.tmp, 'stash');
    await runFromPalette(page, `${nls['command.category']}: ${nls['command.addLayoutFolder.title']}`);
    await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value === `${stash}/` && s.rows.some((r) => r.label === 'kept'), `Add Layout Folder's dialog on ${stash}/`);
    await wb.screenshot('file-chooser-add-layout-again', page.locator('.quick-input-widget'));
    await page.keyboard.press('Escape');
    await waitForQuickInputClosed(page, 'the file dialog to close');
    const layouts = await readRows(page);
    assert.deepEqual(layouts.filter((x) => x.level === 1).map((x) => x.label).sort(), ['app', 'kept']);
  });
});
