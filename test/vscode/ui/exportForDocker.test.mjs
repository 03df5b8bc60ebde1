// UI test: "Export Layout for docker load…" from the demo layout's row in the Layouts view, in code-server and
// chromium. The input box offers the folder's name (app); the user types Team/App (refused, the message says why),
// then team/app; the platform pick lists v1's two platforms, this machine's first, and linux/amd64 is picked; the save
// dialog takes a whole path typed. The notification names team/app:v1 and the other tags; on disk the tar's
// manifest.json (read by GNU tar, as docker load would find it) lists team/app:v1 with linux/amd64's config and
// layers, and the tar is still the layout. The screenshot test-results/export-for-docker.png is the README's
// docs/images/export-for-docker.png.
// Run: node --test --test-concurrency=1 test/vscode/ui/exportForDocker.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { command, openWorkbench, resizeSidebar, sequentialSteps } from './harness.mjs';
import { readLayout } from './layoutOnDisk.mjs';
import { runFromContextMenu, showLayout, showTag } from './layoutsView.mjs';
import { pickOne, waitForQuickInput, waitForQuickInputClosed } from './quickInput.mjs';
import { exactText, pointerAway } from './waits.mjs';

const PROMPT = 'The repository docker load names the images under: each tag becomes REPOSITORY:TAG';
const REFUSED = 'Not a repository name docker takes: lowercase path components, an optional registry host (example.com/team/app)';

describe('Export Layout for docker load in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let file;
  const step = sequentialSteps(() => wb);
  const box = () => wb.page.locator('.quick-input-widget .quick-input-box input');

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    file = join(wb.workspace.folder, 'team-app.tar');
  });

  after(async () => {
    await wb?.close();
  });

  step('right-click app, Export Layout for docker load…: the folder\'s name offered; Team/App refused, saying why', async () => {
    const page = wb.page;
    await showLayout(page, 'app');
    await runFromContextMenu(page, 'app', 1, command('manifold.exportLayoutForDocker').title);
    const offered = await waitForQuickInput(page, (s) => s.visible && s.rows.length === 0 && s.value === 'app', 'the repository prompt with app');
    assert.equal(offered.title, 'Export Layout for docker load');
    assert.ok(offered.message.startsWith(PROMPT), offered.message); // then the workbench's "(Press 'Enter' to confirm …)"
    await box().fill('Team/App');
    const refused = await waitForQuickInput(page, (s) => s.value === 'Team/App' && s.message === REFUSED, 'the prompt to refuse Team/App');
    assert.equal(refused.message, REFUSED);
    // Enter on a refused name keeps the prompt open, the name and the message as they were.
    await box().press('Enter');
    const kept = await waitForQuickInput(page, (s) => s.visible, 'the prompt still shown');
    assert.equal(kept.value, 'Team/App');
    assert.equal(kept.message, REFUSED);
    assert.equal(kept.rows.length, 0);
  });

  step('team/app taken; the platform pick lists v1\'s platforms, this machine\'s first; linux/amd64 picked', async () => {
    const page = wb.page;
    await box().fill('team/app');
    await waitForQuickInput(page, (s) => s.value === 'team/app' && s.message.startsWith(PROMPT), 'team/app accepted (the prompt back in place of the message)');
    await box().press('Enter');
    const own = process.arch === 'arm64' ? 'linux/arm64/v8' : 'linux/amd64';
    const platforms = await waitForQuickInput(page, (s) => s.visible && !s.busy && s.rows.length > 0, 'the platform pick');
    assert.equal(platforms.placeholder, 'A tag is a multi-arch index: which platform goes into the tar for docker load?');
    assert.deepEqual(platforms.rows.map((r) => r.label), [own, ...['linux/amd64', 'linux/arm64/v8'].filter((p) => p !== own)]);
    await wb.screenshot('export-for-docker-platform');
    await pickOne(page, 'linux/amd64');
  });

  step('the save dialog takes a whole path typed; the notification names team/app:v1 and the other tags', async () => {
    const page = wb.page;
    // It opens on app.tar beside the layout.
    const dialog = await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value === join(wb.workspace.folder, 'layouts', 'app.tar'), 'the save dialog on layouts/app.tar');
    assert.match(dialog.title, /Export Layout for docker load/);
    // The whole path at once: typed a key at a time, the dialog's completion can step in.
    await box().fill(file);
    await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value === file, `the save dialog showing ${file}`);
    // code-server's own save dialog names its button OK whatever the command's label.
    await page.locator('.quick-input-widget .quick-input-action .monaco-button', { hasText: exactText('OK') }).click();
    await waitForQuickInputClosed(page, 'the save dialog to take the path');

    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'for docker load:' });
    await toast.waitFor();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'Exporting' }).waitFor({ state: 'hidden' });
    const bytes = readFileSync(file);
    const digest = createHash('sha256').update(bytes).digest('hex');
    const message = await toast.locator('.notification-list-item-message').innerText();
    // v1 and linux-amd64 are one image (v1's amd64 manifest), listed with both tags; linux-arm64 the other.
    const said = message.match(/^Exported layouts\/app to (.+) \((.+), ([0-9a-f]{12})\) for docker load: (.+)\.$/);
    assert.ok(said, message);
    assert.equal(said[1], file);
    assert.match(said[2], /^[0-9.]+ kB$/);
    assert.equal(said[3], digest.slice(0, 12));
    assert.deepEqual(said[4].split(', ').sort(), ['team/app:linux-amd64', 'team/app:linux-arm64', 'team/app:v1']);
    assert.equal(await toast.locator('.monaco-button', { hasText: 'Reveal in File Explorer' }).count(), 1);
    // A warning would say a tag was left out: none is, so an information toast.
    assert.equal(await toast.locator('.codicon-warning').count(), 0);
    await showTag(page, 'app', 'v1'); // the tags the notification names, beside it
    await resizeSidebar(page, 400);
    await pointerAway(page);
    await wb.screenshot('export-for-docker');
  });

  step('on disk: manifest.json lists team/app:v1 with linux/amd64\'s config and layers; the tar is still the layout', async () => {
    // GNU tar reads the one member, as docker load finds it.
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' }));
    const layout = await readLayout(wb.workspace.layouts['layouts/app'].path);
    const amd64 = await layout.json(layout.tags.get('linux-amd64').digest);
    const arm64 = await layout.json(layout.tags.get('linux-arm64').digest);
    const path = (d) => `blobs/sha256/${d.slice(7)}`;
    assert.deepEqual(
      manifest.map((m) => ({ ...m, RepoTags: [...m.RepoTags].sort() })).sort((a, b) => a.Config.localeCompare(b.Config)),
      [
        { Config: path(amd64.config.digest), RepoTags: ['team/app:linux-amd64', 'team/app:v1'], Layers: amd64.layers.map((l) => path(l.digest)) },
        { Config: path(arm64.config.digest), RepoTags: ['team/app:linux-arm64'], Layers: arm64.layers.map((l) => path(l.digest)) },
      ].sort((a, b) => a.Config.localeCompare(b.Config)),
    );
    // The OCI layout is in the tar too: index.json tags v1 as the whole index, as in the folder.
    const index = JSON.parse(execFileSync('tar', ['-xOf', file, 'index.json'], { encoding: 'utf8' }));
    const v1 = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'v1');
    assert.equal(v1?.digest, layout.tags.get('v1').digest);
    // Every blob manifest.json names is in the tar, with the bytes its digest says.
    for (const member of manifest.flatMap((m) => [m.Config, ...m.Layers])) {
      const blob = execFileSync('tar', ['-xOf', file, member]);
      assert.equal(createHash('sha256').update(blob).digest('hex'), member.slice('blobs/sha256/'.length), member);
    }
  });
});
