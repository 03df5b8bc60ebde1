// UI test: "Pull Files to Folder…" from an artifact tag's context menu, in code-server and chromium. The layout app
// holds release, an artifact of a note and a folder (pushed with the CLI, as oras push packs them). The user right-
// clicks release, picks the command, types a folder in the file dialog and sees "Pulled 2 files of release into …";
// the files are on disk. Run again over a note the user edited, the workbench asks before it replaces them, with Keep
// the default answer. Screenshots go to test-results/ (pull-files-*.png; pull-files-replace.png is the README's
// docs/images/pull-files.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/pullFiles.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { nls, openWorkbench, sequentialSteps } from './harness.mjs';
import { openManifoldView, runFromContextMenu, showTag } from './layoutsView.mjs';
import { takeTypedFolder, waitForQuickInput, waitForQuickInputClosed, waitForTypedPath } from './quickInput.mjs';
import { exactText, waitUntil } from './waits.mjs';

const NOTES = 'release notes: 1.0\n';

describe('Pull Files to Folder in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let out;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    const appDir = wb.workspace.layouts['layouts/app'].path;
    const release = join(wb.tmp, 'release');
    mkdirSync(join(release, 'docs'), { recursive: true });
    writeFileSync(join(release, 'notes.txt'), NOTES);
    writeFileSync(join(release, 'docs', 'readme.md'), '# read me\n');
    execFileSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), 'push', '--oci-layout', `${appDir}:release`, '--artifact-type', 'application/vnd.example.release', 'notes.txt', 'docs'], { cwd: release });
    out = join(wb.workspace.folder, 'downloads');
    mkdirSync(out);
  });

  after(async () => {
    await wb?.close();
  });

  /** Runs the command on release up to its folder dialog, types `out` there and takes it. */
  async function pullInto() {
    const page = wb.page;
    await runFromContextMenu(page, 'release', 2, nls['command.pullFiles.title']);
    await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value.endsWith('/') && s.rows.some((r) => r.label === 'downloads'), 'the folder dialog listing downloads');
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.press('Control+A');
    await box.pressSequentially(out);
    await waitForTypedPath(page, out);
    // The dialog's button takes the folder typed: Enter on a folder the list has made active opens it instead.
    await takeTypedFolder(page, 'Pull Here', out);
    await waitForQuickInputClosed(page, 'the folder dialog to close');
  }

  step('right-click release, Pull Files to Folder…, a folder typed: "Pulled 2 files", and they are on disk', async () => {
    const page = wb.page;
    await openManifoldView(page);
    await showTag(page, 'app', 'release');
    await pullInto();
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Pulled 2 files of release into downloads: notes.txt, docs.' });
    await toast.waitFor();
    assert.match(await toast.innerText(), /notes\.txt, docs/);
    await wb.screenshot('pull-files-done', toast);
    assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), NOTES);
    assert.equal(readFileSync(join(out, 'docs', 'readme.md'), 'utf8'), '# read me\n');
  });

  step('again over an edited note: the workbench asks, Keep first; Replace puts the pushed note back', async () => {
    const page = wb.page;
    writeFileSync(join(out, 'notes.txt'), 'my own edits\n');
    await pullInto();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    const message = await dialog.innerText();
    assert.match(message, /notes\.txt, docs exist in downloads\. Replace them\?/);
    await waitUntil(() => page.evaluate(() => document.activeElement?.textContent?.trim()), (t) => t === 'Keep', { what: 'the focus on "Keep"', timeoutMs: 5_000 });
    await wb.screenshot('pull-files-replace');
    await dialog.locator('.monaco-button', { hasText: exactText('Replace') }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitUntil(() => readFileSync(join(out, 'notes.txt'), 'utf8'), (t) => t === NOTES, { what: 'the pushed note back in downloads' });
  });
});
