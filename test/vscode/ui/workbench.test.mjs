// UI test: the packaged .vsix installed into code-server, a workspace with two demo layouts open in chromium, and
// Manifold driven as a user does: the activity-bar icon, the Layouts tree, "Create Multi-Arch Index" from the
// command palette through its QuickPick, the index editor. What the UI shows is checked against the files on disk.
// Screenshots go to test-results/ for people to look at (failed-<step>.png when a step fails).
// Run: node --test --test-concurrency=1 test/vscode/ui/*.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { openWorkbench, paletteRows, resizeSidebar, runFromPalette, sequentialSteps } from './harness.mjs';
import { expectedTagRows, formatPlatform, imagePlatform, isIndex, readLayout, REF_NAME, shortDigest } from './layoutOnDisk.mjs';
import { exactText, waitUntil } from './waits.mjs';
import { childrenOf, expand, openManifoldView, runFromContextMenu, waitForRows } from './layoutsView.mjs';
import { answer, pickMany, pickOne, waitForQuickInputClosed } from './quickInput.mjs';

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
const contributes = manifest.contributes ?? {};
const nlsFile = join(projectRoot, 'package.nls.json');
const nls = existsSync(nlsFile) ? JSON.parse(readFileSync(nlsFile, 'utf8')) : {};
/** A package.json string as the workbench shows it (`%key%` looked up in package.nls.json). */
const text = (s) => (typeof s === 'string' && /^%.+%$/.test(s) ? (nls[s.slice(1, -1)] ?? s) : s);

/** "Category: Title" of the commands the palette should offer (those not hidden with `when: false`). */
function paletteCommands() {
  const hidden = new Set(
    (contributes.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command),
  );
  return (contributes.commands ?? [])
    .filter((c) => !hidden.has(c.command) && !(contributes.menus?.commandPalette ?? []).some((m) => m.command === c.command && m.when))
    .map((c) => (c.category ? `${text(c.category)}: ${text(c.title)}` : text(c.title)));
}

function command(id) {
  const c = (contributes.commands ?? []).find((x) => x.command === id);
  assert.ok(c, `package.json contributes no command ${id}`);
  return { title: text(c.title), label: c.category ? `${text(c.category)}: ${text(c.title)}` : text(c.title) };
}

// What the test types into "Create Multi-Arch Index".
const SOURCES = ['linux-amd64', 'linux-arm64'];
const NEW_TAGS = ['ui-multi', 'ui-latest'];
const ANNOTATIONS = {
  'org.opencontainers.image.description': 'made in the browser test',
  'org.opencontainers.image.version': '1.2.3',
};

describe('Manifold in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app', 'layouts/mirror'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
  });

  after(async () => {
    await wb?.close();
  });

  step('installs from the .vsix and opens the workspace', async () => {
    assert.match(wb.installed, /successfully installed/i);
    await wb.page.locator('.part.sidebar .monaco-list-row[aria-label="README.md"]').waitFor();
    await wb.screenshot('vscode-workbench');
  });

  step('is listed among the installed extensions', async () => {
    await runFromPalette(wb.page, 'View: Show Extensions');
    const ext = wb.page.locator('.part.sidebar .extensions-list .monaco-list-row', { hasText: text(manifest.displayName) });
    await ext.first().waitFor();
    assert.match((await ext.first().getAttribute('aria-label')) ?? '', /manifold-dev/);
    await wb.screenshot('vscode-extensions');
  });

  step('shows its activity-bar container', async () => {
    const containers = contributes.viewsContainers?.activitybar ?? [];
    assert.ok(containers.length > 0, 'no activity-bar container contributed');
    for (const c of containers) {
      const title = JSON.stringify(text(c.title));
      await wb.page.locator(`.part.activitybar .action-item[aria-label^=${title}], .part.activitybar .action-item [aria-label^=${title}]`).first().waitFor();
    }
  });

  step('offers its commands in the command palette', async () => {
    const expected = paletteCommands();
    assert.ok(expected.length > 0, 'no commands contributed');
    // A row's aria-label is the label, maybe followed by ", <keybinding>" or ", similar commands".
    const has = (rows, label) => rows.some((r) => r === label || r.startsWith(`${label}, `));
    const first = await paletteRows(wb.page, 'Manifold: ');
    await wb.screenshot('vscode-palette');
    // The list is virtual (only the rows that fit are in the page): look up the others one by one.
    const missing = [];
    for (const label of expected.filter((e) => !has(first, e))) {
      if (!has(await paletteRows(wb.page, label, { until: label, timeoutMs: 5_000 }), label)) missing.push(label);
    }
    await wb.page.keyboard.press('Escape');
    assert.deepEqual(missing, [], 'commands missing from the palette');
  });

  step('opens the Manifold view from the activity bar and lists the layouts', async () => {
    await openManifoldView(wb.page);
    const rows = await waitForRows(wb.page, (r) => r.filter((x) => x.level === 1).length === 2, 'the two layouts');
    assert.deepEqual(
      rows.filter((r) => r.level === 1).map(({ label, description }) => ({ label, description })),
      [{ label: 'app', description: 'layouts' }, { label: 'mirror', description: 'layouts' }],
    );
  });

  step('expands a layout to its tags with their platforms, as on disk', async () => {
    const expected = await expectedTagRows(await readLayout(appDir));
    // The generated layout is what the issue describes: two platform images and an index over them.
    assert.ok(expected.some((r) => r.label === 'v1' && r.description.endsWith(' · multi-arch (linux/amd64, linux/arm64/v8)')));
    await expand(wb.page, 'app', 1);
    // Platforms are read after the rows are drawn: wait for the rows to show them.
    const rows = await waitForRows(wb.page, (r) => sameRows(childrenOf(r, { label: 'app', level: 1 }), expected), 'the tags of app with their platforms');
    assert.deepEqual(strip(childrenOf(rows, { label: 'app', level: 1 })), expected);
  });

  step('creates a multi-arch index from the command palette through its QuickPick', async () => {
    const page = wb.page;
    await runFromPalette(page, command('manifold.createIndex').label);
    // Two layouts are open: the command asks which one first.
    const layouts = await pickOne(page, (label) => label.endsWith('layouts/app'));
    assert.equal(layouts.rows.length, 2, 'both layouts offered');
    // Tick the sources; each item shows its platform (checked against the configs on disk) and short digest.
    const shown = await pickMany(page, SOURCES);
    const layout = await readLayout(appDir);
    for (const tag of SOURCES) {
      const item = shown.rows.find((r) => r.label === tag);
      const desc = layout.tags.get(tag);
      assert.deepEqual({ description: item.description, detail: item.detail }, { description: await imagePlatform(layout, desc), detail: shortDigest(desc.digest) });
    }
    await answer(page, NEW_TAGS.join(', '));
    for (const [key, value] of Object.entries(ANNOTATIONS)) await answer(page, `${key}=${value}`);
    await answer(page, ''); // an empty line finishes the annotations
    await waitForQuickInputClosed(page, 'the command to take its last answer');
  });

  step('shows the new tags in the tree, and index.json holds the new index', async () => {
    // The view refreshes when the command has written the layout: wait for the new rows.
    await waitForRows(wb.page, (r) => NEW_TAGS.every((t) => childrenOf(r, { label: 'app', level: 1 }).some((c) => c.label === t)), `the new tags ${NEW_TAGS.join(', ')}`);
    const layout = await readLayout(appDir);
    for (const t of NEW_TAGS) assert.ok(layout.tags.has(t), `index.json has no tag ${t}`);
    const desc = layout.tags.get(NEW_TAGS[0]);
    assert.ok(isIndex(desc), `${NEW_TAGS[0]} is ${desc.mediaType}`);
    assert.equal(layout.tags.get(NEW_TAGS[1]).digest, desc.digest, 'both new tags name the same index');
    const index = await layout.json(desc.digest); // verified against its digest
    assert.deepEqual(
      index.manifests.map((m) => m.digest),
      SOURCES.map((s) => layout.tags.get(s).digest),
      'the index lists the ticked manifests, in order',
    );
    for (const m of index.manifests) assert.equal(formatPlatform(m.platform), await imagePlatform(layout, m), `platform of ${m.digest}`);
    assert.deepEqual(index.annotations, ANNOTATIONS);
    // Every row of the layout, the new ones included, is what the files say (platforms shown once read).
    const expected = await expectedTagRows(layout);
    const rows = await waitForRows(wb.page, (r) => sameRows(childrenOf(r, { label: 'app', level: 1 }), expected), 'the tags of app as on disk');
    assert.deepEqual(strip(childrenOf(rows, { label: 'app', level: 1 })), expected);

    // The new index expands to its platform manifests, each with its short digest.
    const wanted = index.manifests.map((m) => ({ label: formatPlatform(m.platform), digest: shortDigest(m.digest) }));
    const childRows = (r) => childrenOf(r, { label: NEW_TAGS[0], level: 2 }).map((c) => ({ label: c.label, digest: c.description.split(' · ')[0] }));
    await expand(wb.page, NEW_TAGS[0], 2);
    const expanded = await waitForRows(wb.page, (r) => JSON.stringify(childRows(r)) === JSON.stringify(wanted), `the children of ${NEW_TAGS[0]}`);
    assert.deepEqual(childRows(expanded), wanted);
  });

  step('opens the new index in the index editor from the tree', async () => {
    const page = wb.page;
    const layout = await readLayout(appDir);
    const desc = layout.tags.get(NEW_TAGS[0]);
    const index = await layout.json(desc.digest);
    // The creation was announced with the index's short digest (in the notification center: its toast may have
    // timed out by now); clear it so the screenshots show the editor.
    await runFromPalette(page, 'Notifications: Show Notifications');
    await page.locator('.notifications-center .monaco-list-row', { hasText: shortDigest(desc.digest) }).first().waitFor();
    await runFromPalette(page, 'Notifications: Clear All Notifications');
    await page.locator('.notifications-center').waitFor({ state: 'hidden' });

    await runFromContextMenu(page, NEW_TAGS[0], 2, command('manifold.openInIndexEditor').title);
    // The editor is a webview: an iframe over the workbench, its content in the inner active frame.
    const view = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await view.locator('tbody tr').nth(index.manifests.length - 1).waitFor();
    const table = await view.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ platform: tr.querySelector('td.platform')?.textContent ?? '', digest: tr.querySelector('td.digest-cell code')?.getAttribute('title') ?? '' })),
    );
    assert.deepEqual(table, index.manifests.map((m) => ({ platform: formatPlatform(m.platform), digest: m.digest })));
    const annotations = await view.locator('.index-annotations').innerText();
    for (const [key, value] of Object.entries(ANNOTATIONS)) assert.ok(annotations.includes(`${key}=${value}`), `index annotation ${key}=${value} not shown: ${annotations}`);
    await view.getByText(`tag: ${NEW_TAGS[0]}`).waitFor();

    await resizeSidebar(page, 460); // so the rows' platforms are readable in the screenshots
    await wb.screenshot('vscode-sidebar', page.locator('.part.sidebar'));
    await wb.screenshot('vscode-index-editor', page.locator('.part.editor'));
    await wb.screenshot('vscode-manifold');
  });

  step('asks before Tag... moves a tag that names something else; what it named stays under Untagged', async () => {
    const page = wb.page;
    const moving = 'linux-amd64';
    const before = await readLayout(appDir);
    const from = before.tags.get(moving);
    const to = before.tags.get('linux-arm64');
    await runFromContextMenu(page, 'linux-arm64', 2, command('manifold.tag').title);
    await answer(page, moving);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    const message = await dialog.innerText();
    assert.match(message, new RegExp(`Move the tag ${moving}\\?`));
    assert.ok(message.includes(shortDigest(from.digest)), `the current digest is not named: ${message}`);
    assert.match(message, /Untagged/);
    // The safe answer is the default one: the button that has the focus is "Keep".
    await waitUntil(() => page.evaluate(() => document.activeElement?.textContent?.trim()), (t) => t === 'Keep', { what: 'the focus on "Keep"', timeoutMs: 5_000 });
    await wb.screenshot('vscode-tag-move-confirmation');
    await dialog.locator('.monaco-button', { hasText: exactText('Move Tag') }).click();
    await dialog.waitFor({ state: 'hidden' });
    // index.json: the tag moved, the image it named is still listed (untagged); the tree shows the same.
    const after = await waitUntil(() => readLayout(appDir), (l) => l.tags.get(moving)?.digest === to.digest, { what: `${moving} to move` });
    assert.ok(after.entries.some((e) => e.digest === from.digest && !e.annotations?.[REF_NAME]), 'the image linux-amd64 named is listed untagged');
    const expected = await expectedTagRows(after);
    const rows = await waitForRows(page, (r) => sameRows(childrenOf(r, { label: 'app', level: 1 }), expected), 'the tags of app, Untagged included, as on disk');
    assert.deepEqual(strip(childrenOf(rows, { label: 'app', level: 1 })), expected);
  });

  step('Delete asks with "Keep" the default button: Enter deletes nothing', async () => {
    const page = wb.page;
    const before = readFileSync(join(appDir, 'index.json'), 'utf8');
    await runFromContextMenu(page, 'linux-arm64', 2, command('manifold.delete').title);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Delete [0-9a-f]{12} and its tags/);
    await waitUntil(() => page.evaluate(() => document.activeElement?.textContent?.trim()), (t) => t === 'Keep', { what: 'the focus on "Keep"', timeoutMs: 5_000 });
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(readFileSync(join(appDir, 'index.json'), 'utf8'), before, 'index.json is untouched');
  });
});

const strip = (rows) => rows.map(({ label, description }) => ({ label, description }));
const sameRows = (a, b) => JSON.stringify(strip(a)) === JSON.stringify(strip(b));
