// UI test of the index editor (issue 15 items 4 and 7, issue 16's kinds column), in code-server with the packaged
// .vsix: the referrer kinds of each entry, an annotation chip edited as key=value (Escape keeps the focus, clicking
// away commits) and the JSON stored on save, the table at 700 px with every column's data on screen, and "Show text"
// opening the stored index formatted. What the UI shows is checked against the files on disk.
// Run: node --test --test-concurrency=1 test/vscode/ui/indexEditor.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { command, indexEditorCells, openFileInIndexEditor, openWorkbench, runFromPalette, sequentialSteps, webview } from './harness.mjs';
import { formatPlatform, readLayout } from './layoutOnDisk.mjs';
import { runFromContextMenu, showTag } from './layoutsView.mjs';
import { waitUntil } from './waits.mjs';

const KEY = 'org.opencontainers.image.description';

describe('The index editor in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  let view;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    // The demo index has an SBOM; sign linux/amd64 only (the CLI, as a release job would): arm64 has a gap.
    writeFileSync(join(wb.tmp, 'sig.jws'), '{"payload":"demo"}');
    execFileSync(process.execPath, [join(projectRoot, 'dist/cli.js'), 'attach', '--artifact-type', 'application/vnd.cncf.notary.signature', '--oci-layout', `${appDir}:linux-amd64`, 'sig.jws:application/jose+json'], {
      cwd: wb.tmp,
      stdio: 'pipe',
    });
  });

  after(async () => {
    await wb?.close();
  });

  const cells = () => indexEditorCells(view);
  const storedIndex = async () => {
    const layout = await readLayout(appDir);
    return layout.json(layout.tags.get('v1').digest);
  };
  const chip = () => view.locator('.index-annotations .chip-value').first();
  const focusedKey = () => view.locator('body').evaluate(() => document.activeElement?.dataset?.key ?? document.activeElement?.tagName);

  step('opens v1 in the index editor: each entry with its platform and what is attached to it', async () => {
    const page = wb.page;
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, command('manifold.openInIndexEditor').title);
    view = webview(page);
    await view.locator('tbody tr').nth(1).waitFor();
    const index = await storedIndex();
    // The kinds are looked up after the table shows: wait for them.
    const rows = await waitUntil(cells, (rs) => rs.length === 2 && rs.every((r) => r.Referrers && r.Referrers !== '…'), { what: 'the referrer kinds' });
    assert.deepEqual(
      rows.map((r) => ({ platform: r.Platform, kinds: r.Referrers })),
      [
        { platform: formatPlatform(index.manifests[0].platform), kinds: 'signed ⚠ no SBOM' },
        { platform: formatPlatform(index.manifests[1].platform), kinds: '⚠ no signature, SBOM' },
      ],
    );
    assert.match(await view.locator('tbody tr').nth(1).locator('td.kinds .gap').getAttribute('title'), /not to this one: signature, SBOM/);
    await wb.screenshot('vscode-index-editor-kinds', page.locator('.part.editor'));
  });

  step('adds an annotation with "+", edits its chip as key=value: Escape keeps the focus, clicking away commits', async () => {
    const page = wb.page;
    await view.locator('.index-annotations .chip.add button').click();
    await view.locator('.index-annotations input.inline').fill(`${KEY}=Demo app`);
    await view.locator('.index-annotations input.inline').press('Enter');
    await chip().waitFor();
    assert.equal(await chip().textContent(), `${KEY}=Demo app`);
    assert.match(await chip().getAttribute('title'), new RegExp(`^${KEY.replace(/\./g, '\\.')}=Demo app`), 'the full text is the tooltip');

    // The edit field holds key=value, as "+" asks for it.
    await chip().click();
    const field = view.locator('.index-annotations input.inline');
    assert.equal(await field.inputValue(), `${KEY}=Demo app`);
    await field.fill(`${KEY}=typed then abandoned`);
    await field.press('Escape');
    await field.waitFor({ state: 'detached' });
    assert.equal(await chip().textContent(), `${KEY}=Demo app`);
    assert.equal(await focusedKey(), `chip:index:${KEY}`, 'the focus stays on the chip');

    // Typed, then a click elsewhere: committed, not dropped.
    await chip().click();
    await field.fill(`${KEY}=Demo app v2`);
    await view.locator('h1').click();
    await waitUntil(() => chip().textContent(), (t) => t === `${KEY}=Demo app v2`, { what: 'the chip to show the new value' });

    await runFromPalette(page, 'File: Save');
    const saved = await waitUntil(storedIndex, (i) => i.annotations?.[KEY] === 'Demo app v2', { what: 'v1 to be stored with the annotation' });
    assert.deepEqual(saved.annotations, { [KEY]: 'Demo app v2' }, 'stored as key and value, not key=key=value');
    // The save is confirmed, naming the digest v1 names now (read in the notification center: a toast may be gone).
    const now = (await readLayout(appDir)).tags.get('v1').digest;
    await runFromPalette(page, 'Notifications: Show Notifications');
    const note = page.locator('.notifications-center .monaco-list-row', { hasText: `Saved v1 in app: it names ${now.slice(7, 19)} now` }).first();
    await note.waitFor();
    await runFromPalette(page, 'Notifications: Clear All Notifications');
    await page.locator('.notifications-center').waitFor({ state: 'hidden' });
  });

  step('at 700 px the entries stack, every column\'s data on screen', async () => {
    const page = wb.page;
    await runFromPalette(page, 'View: Close Primary Side Bar');
    const frameWidth = () => page.locator('iframe.webview.ready').evaluate((f) => f.getBoundingClientRect().width);
    // The editor part is the window less the activity bar: size the window so the editor is 700 px wide.
    for (let i = 0; i < 3 && Math.abs((await frameWidth()) - 700) > 2; i++) {
      const vp = page.viewportSize();
      await page.setViewportSize({ width: Math.round(vp.width + 700 - (await frameWidth())), height: vp.height });
      await page.waitForTimeout(300);
    }
    assert.ok(Math.abs((await frameWidth()) - 700) <= 2, `editor ${await frameWidth()} px wide`);
    const layout = await view.locator('body').evaluate(() => {
      const width = document.documentElement.clientWidth;
      const out = { width, scrollWidth: document.documentElement.scrollWidth, offscreen: [], labels: [] };
      for (const tr of document.querySelectorAll('tbody tr')) {
        for (const td of tr.querySelectorAll('td[data-label]')) {
          if (getComputedStyle(td).display === 'none') continue;
          out.labels.push(td.dataset.label);
          const r = td.getBoundingClientRect();
          if (r.width === 0 || r.left < 0 || r.right > width + 1) out.offscreen.push(`${td.dataset.label} ${Math.round(r.left)}..${Math.round(r.right)}`);
          for (const el of td.querySelectorAll('*')) {
            const e = el.getBoundingClientRect();
            if (e.width > 0 && (e.left < 0 || e.right > width + 1)) out.offscreen.push(`${td.dataset.label}: ${el.textContent.slice(0, 40)}`);
          }
        }
      }
      return out;
    });
    assert.ok(layout.width <= 702, `page ${layout.width} px`);
    assert.ok(layout.scrollWidth <= layout.width, `scrolls sideways: ${layout.scrollWidth} > ${layout.width}`);
    assert.deepEqual(layout.offscreen, []);
    for (const column of ['Platform', 'Media type', 'Digest', 'Blob', 'Size', 'Referrers', 'Annotations']) assert.ok(layout.labels.includes(column), `no ${column} shown`);
    const rows = await cells();
    const index = await storedIndex();
    // Stacked, a digest has the room to show in full.
    rows.forEach((r, i) => assert.deepEqual([r.Platform, r.Digest.includes(index.manifests[i].digest)], [formatPlatform(index.manifests[i].platform), true]));
    await wb.screenshot('vscode-index-editor-700px', page.locator('.part.editor'));
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step('"Show text" opens the stored index formatted, read-only', async () => {
    const page = wb.page;
    await view.locator('header button', { hasText: 'Show text' }).click();
    const editor = page.locator('.part.editor .editor-instance .monaco-editor').last();
    await editor.locator('.view-lines').waitFor();
    // Monaco draws spaces as no-break spaces.
    const text = await waitUntil(async () => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' '), (t) => t.includes('"manifests": ['), { what: 'the formatted text' });
    assert.match(text, /^\{\s*\n\s*"schemaVersion": 2,/);
    const tab = page.locator('.tabs-container .tab.active').last(); // the group beside the table
    assert.match((await tab.getAttribute('aria-label')) ?? '', /v1\.oci-index\.json/);
    await wb.screenshot('vscode-index-editor-formatted-text', page.locator('.part.editor'));
  });

  step("a layout's own index.json: a Tag column, and renaming a tag there is what index.json stores", async () => {
    const page = wb.page;
    view = await openFileInIndexEditor(page, 'layouts/app/index.json');
    const before = await readLayout(appDir);
    const tags = [...before.tags.keys()];
    const rows = await waitUntil(cells, (rs) => rs.length >= tags.length && rs.every((r) => 'Tag' in r), { what: 'the Tag column' });
    // Each entry's tag in its own column, and not again among the chips.
    assert.deepEqual(rows.map((r) => r.Tag).filter((t) => t !== 'untagged').sort(), [...tags].sort());
    assert.ok(rows.every((r) => !r.Annotations.includes('org.opencontainers.image.ref.name')), 'the tag shown again as an annotation chip');
    const row = rows.findIndex((r) => r.Tag === 'v1');
    await view.locator('tbody tr').nth(row).locator('td.tag button').click();
    const field = view.locator('tbody tr').nth(row).locator('td.tag input');
    await field.fill('v1-renamed');
    await field.press('Enter');
    await waitUntil(cells, (rs) => rs[row]?.Tag === 'v1-renamed', { what: 'the renamed tag in the table' });
    await wb.screenshot('vscode-index-editor-layout-tags', page.locator('.part.editor'));
    await runFromPalette(page, 'File: Save');
    const after = await waitUntil(() => readLayout(appDir), (l) => l.tags.has('v1-renamed'), { what: 'v1-renamed in index.json on disk' });
    assert.equal(after.tags.get('v1-renamed').digest, before.tags.get('v1').digest);
    assert.equal(after.tags.has('v1'), false);
  });
});
