// UI test: names another tool wrote into a layout's index.json holding a character that cannot be seen. A
// zero-width space makes `latest\u200b` look like `latest`; a right-to-left override makes `v1\u202e3.0.1` read as
// `v11.0.3`. The Layouts view shows each quoted with the character escaped, as `manifold repo tags` prints it, and
// Untag's question names it so: the user sees which entry goes. Escape answers it; index.json is untouched.
// Screenshot: test-results/odd-names.png.
// Run: node --test --test-concurrency=1 test/vscode/ui/oddNames.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { openWorkbench, resizeSidebar, sequentialSteps } from './harness.mjs';
import { REF_NAME } from './layoutOnDisk.mjs';
import { childrenOf, expand, runFromContextMenu, showLayout, waitForRows } from './layoutsView.mjs';

const ODD = { 'latest\u200b': '"latest\\u200b"', 'v1\u202e3.0.1': '"v1\\u202e3.0.1"' };
const UNSEEN = /[\u200b\u202e]/;

describe('Names holding invisible characters in the Layouts view', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  let indexJson;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    // Written as another tool would, before the view first reads the layout: two more names for its first entry.
    const file = join(appDir, 'index.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const first = doc.manifests.find((m) => m.annotations?.[REF_NAME]);
    for (const name of Object.keys(ODD)) doc.manifests.push({ ...first, annotations: { ...first.annotations, [REF_NAME]: name } });
    writeFileSync(file, JSON.stringify(doc));
    indexJson = readFileSync(file, 'utf8');
  });

  after(async () => {
    await wb?.close();
  });

  step('each is a row of its own, quoted with the character escaped', async () => {
    const page = wb.page;
    await showLayout(page, 'app');
    await resizeSidebar(page, 520);
    await expand(page, 'app', 1);
    const rows = await waitForRows(page, (r) => Object.values(ODD).every((label) => childrenOf(r, { label: 'app', level: 1 }).some((x) => x.label === label)), 'the odd names');
    const labels = childrenOf(rows, { label: 'app', level: 1 }).map((r) => r.label);
    assert.ok(!labels.some((l) => UNSEEN.test(l)), `a label holds the character itself: ${JSON.stringify(labels)}`);
    await wb.screenshot('odd-names', page.locator('.part.sidebar'));
  });

  step('Untag asks about the name as shown; Escape keeps it', async () => {
    const page = wb.page;
    await runFromContextMenu(page, ODD['v1\u202e3.0.1'], 2, 'Untag…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    const message = await dialog.innerText();
    assert.ok(message.includes('Remove the tag "v1\\u202e3.0.1"?'), message);
    assert.ok(!UNSEEN.test(message), JSON.stringify(message));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(readFileSync(join(appDir, 'index.json'), 'utf8'), indexJson, 'index.json is untouched');
  });
});
