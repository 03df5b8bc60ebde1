// UI test: the packaged .vsix installed into code-server, the workspace open in chromium. Screenshots go to
// test-results/ for people to look at. Run: node --test test/vscode/ui/ (after `npm run build`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { openWorkbench, paletteRows, runFromPalette } from './harness.mjs';

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
const contributes = manifest.contributes ?? {};

/** "Category: Title" of the commands the palette should offer (those not hidden with `when: false`). */
function paletteCommands() {
  const hidden = new Set(
    (contributes.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command),
  );
  return (contributes.commands ?? [])
    .filter((c) => !hidden.has(c.command) && !(contributes.menus?.commandPalette ?? []).some((m) => m.command === c.command && m.when))
    .map((c) => (c.category ? `${c.category}: ${c.title}` : c.title));
}

describe('Manifold in the workbench', { timeout: 300_000 }, () => {
  let wb;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('installs from the .vsix and opens the workspace', async () => {
    assert.match(wb.installed, /successfully installed/i);
    await wb.page.locator('.part.sidebar .monaco-list-row[aria-label="README.md"]').waitFor();
    await wb.screenshot('vscode-workbench');
  });

  it('is listed among the installed extensions', async () => {
    await runFromPalette(wb.page, 'View: Show Extensions');
    const row = wb.page.locator('.part.sidebar .extensions-list .monaco-list-row', { hasText: manifest.displayName });
    await row.first().waitFor();
    assert.match((await row.first().getAttribute('aria-label')) ?? '', /manifold-dev/);
    await wb.screenshot('vscode-extensions');
  });

  it('shows its activity-bar container', async (t) => {
    const containers = contributes.viewsContainers?.activitybar ?? [];
    if (containers.length === 0) return t.skip('no activity-bar container contributed');
    for (const c of containers) {
      const title = JSON.stringify(c.title);
      await wb.page.locator(`.part.activitybar .action-item[aria-label^=${title}], .part.activitybar .action-item [aria-label^=${title}]`).first().waitFor();
    }
  });

  it('offers its commands in the command palette', async (t) => {
    const expected = paletteCommands();
    if (expected.length === 0) return t.skip('no commands contributed');
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
});
