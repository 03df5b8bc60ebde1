// UI test: names another tool wrote, holding a character that cannot be seen, in the two webview pages. A
// right-to-left override makes `v1\u202e3.0.1` read as `v11.0.3` and can reorder a row; a zero-width space hides in an
// annotation; a trailing no-break space passes for `v2`. The referrer coverage page labels a platform whose variant
// holds an override quoted and escaped, as `manifold coverage` prints it; the index editor's table of index.json
// shows each such tag, annotation and platform quoted and escaped too, while its fields edit the names themselves:
// Enter on a tag left as it was renames nothing, and an edit of another cell saves the tags' own bytes.
// A kind of the user's whose title holds an override and a tab heads its column quoted and escaped too, and the
// index editor's Referrers column names it so, for the entry carrying it and for the one lacking it, and so does the
// pick a count of its referrers opens.
// Screenshots: test-results/webview-names-coverage.png, webview-names-coverage-kind.png,
// webview-names-index-editor-kind.png, webview-names-coverage-pick.png, webview-names-index-editor.png.
// Run: node --test --test-concurrency=1 test/vscode/ui/webviewNames.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { command, indexEditorCells, openCoverage, openFileInIndexEditor, openWorkbench, resizeSidebar, runFromPalette, sequentialSteps, webview } from './harness.mjs';
import { formatPlatform, readLayout, REF_NAME } from './layoutOnDisk.mjs';
import { openManifoldView, runFromContextMenu, showTag } from './layoutsView.mjs';
import { waitForQuickInput, waitForQuickInputClosed } from './quickInput.mjs';
import { waitUntil } from './waits.mjs';

const RLO_TAG = 'v1\u202e3.0.1';
const NBSP_TAG = 'v2\u00a0';
const NOTE = 'org.example.note';
const NOTE_VALUE = 'safe\u200bvalue';
const ODD_INDEX = 'odd-platform';
/** What a page must never show as itself. */
const UNSEEN = /[\u200b\u202e\u00a0]/;
/** A kind of the user's (the setting manifold.referrerKinds) whose title holds an override and a tab. */
const ODD_KIND = { id: 'odd', title: 'Odd\u202e\tkind', artifactTypes: ['application/vnd.example.odd'] };
const ODD_KIND_SHOWN = '"Odd\\u202e\\tkind"';

describe('Names holding invisible characters in the webview pages', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  let view;
  const step = sequentialSteps(() => wb);
  const indexFile = () => join(appDir, 'index.json');

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    // Written as another tool would, before the view first reads the layout. Two more names for linux-amd64, one
    // with an annotation holding a zero-width space; and a copy of the index v1 whose arm64 entry's variant holds
    // a right-to-left override (`v\u202e8`), stored as a blob of its own and tagged odd-platform.
    const layout = await readLayout(appDir);
    const doc = JSON.parse(readFileSync(indexFile(), 'utf8'));
    const amd64 = layout.tags.get('linux-amd64');
    doc.manifests.push({ ...amd64, annotations: { [REF_NAME]: RLO_TAG, [NOTE]: NOTE_VALUE } });
    doc.manifests.push({ ...amd64, annotations: { [REF_NAME]: NBSP_TAG } });
    const v1 = await layout.json(layout.tags.get('v1').digest);
    const arm = v1.manifests.find((m) => m.platform?.variant === 'v8');
    assert.ok(arm, 'the demo index has a linux/arm64/v8 entry');
    arm.platform.variant = 'v\u202e8';
    const bytes = Buffer.from(JSON.stringify(v1));
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(appDir, 'blobs', 'sha256', hex), bytes);
    doc.manifests.push({ mediaType: v1.mediaType, digest: `sha256:${hex}`, size: bytes.length, annotations: { [REF_NAME]: ODD_INDEX } });
    writeFileSync(indexFile(), JSON.stringify(doc));
  });

  after(async () => {
    await wb?.close();
  });

  step('the coverage page labels the platform quoted, with the override escaped', async () => {
    const page = wb.page;
    view = await openCoverage(page, 'app', ODD_INDEX);
    await view.locator('table.matrix tbody tr').nth(2).waitFor();
    const shown = await waitUntil(
      () =>
        view.locator('body').evaluate(() => ({
          labels: [...document.querySelectorAll('table.matrix tbody th .label')].map((e) => e.textContent),
          raw: [...document.querySelectorAll('table.matrix tbody tr')].map((tr) => tr.getAttribute('data-label')),
          text: document.getElementById('root').textContent,
          titles: [...document.querySelectorAll('[title]')].map((e) => e.getAttribute('title')),
          busy: !!document.querySelector('.busy'),
        })),
      (x) => !x.busy && x.labels.length === 3,
      { what: 'the matrix' },
    );
    assert.deepEqual(shown.labels, ['index', 'linux/amd64', '"linux/arm64/v\\u202e8"']);
    assert.equal(shown.raw[2], 'linux/arm64/v\u202e8', 'the page was given the platform itself');
    assert.ok(!UNSEEN.test(shown.text), `the page shows the character itself: ${JSON.stringify(shown.text)}`);
    assert.deepEqual(shown.titles.filter((t) => UNSEEN.test(t)), [], 'a tooltip shows the character itself');
    await resizeSidebar(page, 240);
    await wb.screenshot('webview-names-coverage', view.locator('#root'));
  });

  step("a kind's title from the setting, holding an override and a tab, heads its column quoted and escaped", async () => {
    const page = wb.page;
    await wb.changeSettings({ 'manifold.referrerKinds': [ODD_KIND] });
    await wb.reload();
    view = await openCoverage(page, 'app', ODD_INDEX);
    const shown = await waitUntil(
      () =>
        view.locator('body').evaluate(() => ({
          heads: [...document.querySelectorAll('table.matrix thead th')].map((th) => ({ kind: th.getAttribute('data-kind'), text: th.textContent })),
          text: document.getElementById('root').textContent,
          titles: [...document.querySelectorAll('[title], [aria-label]')].flatMap((e) => [e.getAttribute('title'), e.getAttribute('aria-label')]).filter((t) => t !== null),
          busy: !!document.querySelector('.busy'),
        })),
      (x) => !x.busy && x.heads.some((h) => h.kind === ODD_KIND.id),
      { what: `the column of the kind ${ODD_KIND.id}` },
    );
    assert.equal(shown.heads.find((h) => h.kind === ODD_KIND.id).text, ODD_KIND_SHOWN);
    assert.ok(!/[\u202e\t]/.test(shown.text), `the page shows the character itself: ${JSON.stringify(shown.text)}`);
    assert.deepEqual(shown.titles.filter((t) => /[\u202e\t]/.test(t)), [], 'a tooltip shows the character itself');
    // Both platforms lack the kind: its button's tooltip names it as the column does.
    assert.ok(shown.titles.some((t) => t.includes(`(${ODD_KIND_SHOWN})`)), JSON.stringify(shown.titles));
    await runFromPalette(page, 'View: Close Primary Side Bar'); // room for every column
    await wb.screenshot('webview-names-coverage-kind', view.locator('#root'));
    await openManifoldView(page); // the side bar back, as the next step finds it
  });

  const cells = () => indexEditorCells(view);
  const rowOf = async (tag) => (await cells()).findIndex((r) => r.Tag === tag);
  /** An artifact of the odd kind attached to linux/amd64 with the CLI, as a release job would. */
  const attachOdd = (file, text) => {
    writeFileSync(join(wb.tmp, file), text);
    execFileSync(process.execPath, [join(projectRoot, 'dist/cli.js'), 'attach', '--artifact-type', ODD_KIND.artifactTypes[0], '--oci-layout', `${appDir}:linux-amd64`, file], {
      cwd: wb.tmp,
      stdio: 'pipe',
    });
  };

  step("the index editor's Referrers column names the kind quoted and escaped, where it is attached and where it is lacking", async () => {
    const page = wb.page;
    // An artifact of the kind on linux/amd64: linux/arm64/v8 of v1 lacks it.
    attachOdd('odd.txt', 'odd');
    const layout = await readLayout(appDir);
    const v1 = await layout.json(layout.tags.get('v1').digest);
    await runFromPalette(page, 'View: Close All Editors'); // the coverage page's frame would be found first
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, command('manifold.openInIndexEditor').title);
    view = webview(page);
    // The kinds are looked up after the table shows: wait for them.
    const rows = await waitUntil(cells, (rs) => rs.length === 2 && rs.every((r) => r.Referrers && r.Referrers !== '…'), { what: 'the referrer kinds' });
    // The demo index carries an SBOM of its own; neither platform has one.
    assert.deepEqual(
      rows.map((r) => ({ platform: r.Platform, kinds: r.Referrers })),
      [
        { platform: formatPlatform(v1.manifests[0].platform), kinds: `${ODD_KIND_SHOWN} ⚠ no SBOM` },
        { platform: formatPlatform(v1.manifests[1].platform), kinds: `⚠ no SBOM, ${ODD_KIND_SHOWN}` },
      ],
    );
    const gapTitle = await view.locator('tbody tr').nth(1).locator('td.kinds .gap').getAttribute('title');
    assert.ok(gapTitle.endsWith(`not to this one: SBOM, ${ODD_KIND_SHOWN}`), gapTitle);
    const table = await view.locator('table').evaluate((t) => ({ text: t.textContent, titles: [...t.querySelectorAll('[title]')].map((e) => e.getAttribute('title')) }));
    assert.ok(!/[\u202e\t]/.test(table.text), `the table shows the character itself: ${JSON.stringify(table.text)}`);
    assert.deepEqual(table.titles.filter((t) => /[\u202e\t]/.test(t)), [], 'a tooltip shows the character itself');
    await runFromPalette(page, 'View: Close Primary Side Bar'); // room for every column
    await wb.screenshot('webview-names-index-editor-kind', page.locator('.part.editor'));
    await openManifoldView(page); // the side bar back, as the next step finds it
  });

  step("a count of the kind's referrers opens a pick that names the kind as its column does", async () => {
    const page = wb.page;
    // A second artifact of the kind on linux/amd64: its count (2) opens a pick of the two.
    attachOdd('odd2.txt', 'odd again');
    const layout = await readLayout(appDir);
    const amd64 = (await layout.json(layout.tags.get('v1').digest)).manifests[0].digest;
    await runFromPalette(page, 'View: Close All Editors');
    view = await openCoverage(page, 'app', 'v1');
    const count = view.locator(`tr[data-digest="${amd64}"] td.cell[data-kind="${ODD_KIND.id}"] button.count`);
    await waitUntil(() => count.textContent().catch(() => ''), (t) => t.trim() === '2', { what: 'the count of 2 on linux/amd64' });
    await count.click();
    const pick = await waitForQuickInput(page, (s) => s.visible && s.title === 'Open Referrer' && s.rows.length === 2, 'the pick of the two referrers');
    assert.ok(pick.placeholder.startsWith(`${ODD_KIND_SHOWN} of `), pick.placeholder); // was the kind's id: "odd of ..."
    assert.ok(!/[\u202e\t]/.test(pick.placeholder), JSON.stringify(pick.placeholder));
    await wb.screenshot('webview-names-coverage-pick', page.locator('.quick-input-widget'));
    await page.keyboard.press('Escape');
    await waitForQuickInputClosed(page, 'the pick closed');
  });

  step("index.json's table shows each odd tag and annotation quoted and escaped", async () => {
    const page = wb.page;
    view = await openFileInIndexEditor(page, 'layouts/app/index.json');
    const rows = await waitUntil(cells, (rs) => rs.some((r) => r.Tag === '"v1\\u202e3.0.1"'), { what: 'the Tag column' });
    assert.ok(rows.some((r) => r.Tag === '"v2\\u00a0"'), JSON.stringify(rows.map((r) => r.Tag)));
    const odd = rows.find((r) => r.Tag === '"v1\\u202e3.0.1"');
    assert.match(odd.Annotations, /org\.example\.note="safe\\u200bvalue"/);
    const table = await view.locator('table').evaluate((t) => ({ text: t.textContent, titles: [...t.querySelectorAll('[title]')].map((e) => e.getAttribute('title')) }));
    assert.ok(!UNSEEN.test(table.text), `the table shows the character itself: ${JSON.stringify(table.text)}`);
    assert.deepEqual(table.titles.filter((t) => UNSEEN.test(t)), [], 'a tooltip shows the character itself');
    await runFromPalette(page, 'View: Close Primary Side Bar');
    await wb.screenshot('webview-names-index-editor', page.locator('.part.editor'));
  });

  step('the fields edit the names themselves: Enter on a tag left as it was renames nothing; another edit saves the tags as they were', async () => {
    const page = wb.page;
    const before = readFileSync(indexFile(), 'utf8');
    // The field holds the tag itself; Enter without a change leaves it (trimmed, it would have become `v2`).
    const nbsp = await rowOf('"v2\\u00a0"');
    await view.locator('tbody tr').nth(nbsp).locator('td.tag button').click();
    const nbspField = view.locator('tbody tr').nth(nbsp).locator('td.tag input');
    assert.equal(await nbspField.inputValue(), NBSP_TAG);
    await nbspField.press('Enter');
    await nbspField.waitFor({ state: 'detached' });
    // The override's tag: its field holds the name itself too; Escape leaves it.
    const rlo = await rowOf('"v1\\u202e3.0.1"');
    await view.locator('tbody tr').nth(rlo).locator('td.tag button').click();
    const rloField = view.locator('tbody tr').nth(rlo).locator('td.tag input');
    assert.equal(await rloField.inputValue(), RLO_TAG);
    await rloField.press('Escape');
    await rloField.waitFor({ state: 'detached' });

    // Another cell of the same row: an annotation added, then saved.
    await view.locator('tbody tr').nth(rlo).locator('.chip.add button').click();
    const add = view.locator('tbody tr').nth(rlo).locator('input.inline');
    await add.fill('org.example.added=yes');
    await add.press('Enter');
    await waitUntil(cells, (rs) => rs[rlo]?.Annotations.includes('org.example.added=yes'), { what: 'the new annotation in the table' });
    const shown = await cells();
    assert.equal(shown[rlo].Tag, '"v1\\u202e3.0.1"');
    assert.equal(shown[nbsp].Tag, '"v2\\u00a0"');
    await runFromPalette(page, 'File: Save');
    const saved = await waitUntil(() => readFileSync(indexFile(), 'utf8'), (t) => t.includes('org.example.added'), { what: 'index.json saved' });
    // The document as it was, with the one annotation more: the tags themselves, none renamed.
    const expected = JSON.parse(before);
    expected.manifests[rlo].annotations['org.example.added'] = 'yes';
    assert.deepEqual(JSON.parse(saved), expected);
    assert.equal(expected.manifests[rlo].annotations[REF_NAME], RLO_TAG);
    // As bytes: the names are written as they were (the characters themselves, not escapes).
    for (const raw of [RLO_TAG, NBSP_TAG, NOTE_VALUE]) assert.ok(saved.includes(JSON.stringify(raw)), `${JSON.stringify(raw)} is not in index.json as it was`);
  });
});
