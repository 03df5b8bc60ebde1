// UI test: "Back Up Repository…" from a repository row of the Registries view, in code-server and chromium. A
// registry (distribution 2.8, plain HTTP) holds app:v1 (the demo's index with its SBOM) and app:amd64; the user adds
// it, right-clicks app, picks "Choose a Folder…", takes the empty folder backup, keeps the referrers, and sees
// "Backed up 2 tags (1 referrer) of HOST/app to backup."; the Layouts view then lists backup with both tags, and on
// disk it holds them and the SBOM (not the registry's sha256-<hex> tag). Then from the palette, the repository
// picked, into a new app.tar from the save dialog: the toast's Open Layout shows it in the Layouts view with both
// tags. The screenshot test-results/backup-repository.png is the README's docs/images/backup-repository.png.
// Run: node --test --test-concurrency=1 test/vscode/ui/backupRepository.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { nls, openWorkbench, resizeSidebar, runFromPalette, sequentialSteps } from './harness.mjs';
import { readLayout, referrersBySubject } from './layoutOnDisk.mjs';
import { childrenOf, openManifoldView, readRows, showTag, viewPane } from './layoutsView.mjs';
import { answer, pickOne, waitForQuickInput, waitForQuickInputClosed } from './quickInput.mjs';
import { exactText, waitUntil } from './waits.mjs';

describe('Back Up Repository in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let registry;
  let backup;
  const step = sequentialSteps(() => wb);
  const pane = () => viewPane(wb.page, 'Registries');
  const cli = (...args) => execFileSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), ...args], { encoding: 'utf8' });

  before(async () => {
    const { tsImport } = await import('tsx/esm/api');
    const { hasDockerRegistry, launchRegistry } = await tsImport('../../integration/support/registryLauncher.ts', import.meta.url);
    if (!hasDockerRegistry()) throw new Error('this test needs docker-registry (distribution 2.8), as the integration tests do');
    registry = await launchRegistry();
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    const app = wb.workspace.layouts['layouts/app'].path;
    cli('cp', '-r', '--from-oci-layout', `${app}:v1`, `${registry.host}/app:v1`, '--plain-http');
    cli('cp', '--from-oci-layout', `${app}:linux-amd64`, `${registry.host}/app:amd64`, '--plain-http');
    backup = join(wb.workspace.folder, 'backup');
    mkdirSync(backup);
  });

  after(async () => {
    await wb?.close();
    await registry?.stop();
  });

  /** Right-clicks the Registries view's row and runs the menu item `title` (hovered, then Enter, as runFromContextMenu does). */
  async function runFromRegistryMenu(page, label, level, title) {
    const menu = page.locator('.context-view .monaco-menu');
    const item = menu.locator('.action-item').filter({ has: page.locator('.action-label', { hasText: exactText(title) }) });
    const target = pane().locator(`.monaco-list-row[aria-level="${level}"]`).filter({ has: page.locator('.label-name', { hasText: exactText(label) }) });
    await target.click({ button: 'right' });
    await item.waitFor();
    await item.hover();
    await waitUntil(() => item.getAttribute('class'), (c) => /\bfocused\b/.test(c ?? ''), { what: `the menu item "${title}" to take the focus` });
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden' });
  }

  step('right-click app in the Registries view, Back Up Repository…, a folder: "Backed up 2 tags (1 referrer)", and the Layouts view lists it', async () => {
    const page = wb.page;
    await openManifoldView(page);
    await runFromPalette(page, `${nls['command.category']}: ${nls['command.addRegistry.title']}`);
    await answer(page, `http://${registry.host}`);
    await waitForQuickInputClosed(page, 'Add Registry to take the address');
    const host = pane().locator('.monaco-list-row[aria-level="1"]').filter({ hasText: registry.host });
    await host.waitFor();
    if ((await host.getAttribute('aria-expanded')) !== 'true') await host.locator('.monaco-tl-twistie').click();
    await waitUntil(() => readRows(page, pane()), (r) => childrenOf(r, { label: registry.host, level: 1 }).some((c) => c.label === 'app'), { what: `app under ${registry.host}` });

    await runFromRegistryMenu(page, 'app', 2, nls['command.backupRepository.title']);
    const where = await pickOne(page, 'Choose a Folder…');
    assert.match(where.placeholder, new RegExp(`^Back up ${registry.host.replace(/\./g, '\\.')}/app into which layout\\?`));
    // The layouts known (named with their workspace folder, as Copy to Layout names them), then the two others.
    assert.deepEqual(where.rows.map((r) => r.label), [`${basename(wb.workspace.folder)}/layouts/app`, 'Choose a Folder…', 'New Layout .tar File…']);
    // The dialog opens at the workspace folder: once it lists it, the rest of the path is typed after it.
    await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value === `${wb.workspace.folder}/` && s.rows.some((r) => r.label === 'backup'), 'the folder dialog listing backup');
    // Into the (empty) folder, then the dialog's button takes the folder it is in.
    await page.locator('.quick-input-widget .quick-input-box input').pressSequentially('backup/');
    await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value === `${backup}/` && s.rows.every((r) => r.label === '..'), 'the folder dialog in backup/');
    await page.locator('.quick-input-widget .quick-input-action .monaco-button', { hasText: 'Back Up Here' }).click();
    await waitForQuickInput(page, (s) => !s.visible || s.placeholder !== 'Folder path', 'the file dialog to take the folder');
    const referrers = await pickOne(page, 'With their referrers');
    assert.match(referrers.placeholder, /^1 of the 2 tags has referrers: .+\. Back them up too\?$/);
    await waitForQuickInputClosed(page, 'the referrers question to close');

    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Backed up 2 tags' });
    await toast.waitFor();
    assert.equal(await toast.locator('.notification-list-item-message').innerText(), `Backed up 2 tags (1 referrer) of ${registry.host}/app to backup.`);
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'Backing up' }).waitFor({ state: 'hidden' });
    await showTag(page, 'backup', 'v1');
    await waitUntil(() => readRows(page), (r) => childrenOf(r, { label: 'backup', level: 1 }).some((c) => c.label === 'amd64'), { what: 'amd64 under backup' });
    await resizeSidebar(page, 460); // the tags' descriptions readable in the screenshot; leaves the pointer off the rows
    await wb.screenshot('backup-repository');

    const src = await readLayout(wb.workspace.layouts['layouts/app'].path);
    const dst = await readLayout(backup);
    assert.deepEqual([...dst.tags.keys()].sort(), ['amd64', 'v1']);
    assert.equal(dst.tags.get('v1').digest, src.tags.get('v1').digest);
    assert.equal(dst.tags.get('amd64').digest, src.tags.get('linux-amd64').digest);
    assert.deepEqual(await referrersBySubject(dst), await referrersBySubject(src));
  });

  step('from the palette, the repository picked, a new .tar: Open Layout shows it in the Layouts view with its tags', async () => {
    const page = wb.page;
    await runFromPalette(page, `${nls['command.category']}: ${nls['command.backupRepository.title']}`);
    // The repository the first backup remembered is offered, as Copy to Registry offers the added ones.
    await pickOne(page, `${registry.host}/app`);
    await pickOne(page, 'New Layout .tar File…');
    // The save dialog suggests app.tar in the workspace folder.
    const file = join(wb.workspace.folder, 'app.tar');
    await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value === file, 'the save dialog on app.tar');
    // code-server's own save dialog names its button OK whatever the command's label.
    await page.locator('.quick-input-widget .quick-input-action .monaco-button', { hasText: exactText('OK') }).click();
    await pickOne(page, 'With their referrers');
    await waitForQuickInputClosed(page, 'the referrers question to close');

    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'to app.tar' });
    await toast.waitFor();
    assert.match(await toast.locator('.notification-list-item-message').innerText(), new RegExp(`^Backed up 2 tags \\(1 referrer\\) of ${registry.host.replace(/\./g, '\\.')}/app to app\\.tar \\(.+, [0-9a-f]{12}\\)\\.$`));
    await toast.locator('.monaco-button', { hasText: 'Open Layout' }).click();
    const rows = await showTag(page, 'app.tar', 'v1');
    assert.deepEqual(childrenOf(rows, { label: 'app.tar', level: 1 }).map((r) => r.label).filter((l) => l !== 'Untagged'), ['amd64', 'v1']);
  });
});
