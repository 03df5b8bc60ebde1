// The workbench's Explorer as a user drives it: a file's row by its name, and a command run from the menu a
// right-click on it opens (Sign File…, Attest File…, Verify File Signature…).
import assert from 'node:assert/strict';
import { command, paletteRows, runFromPalette } from './harness.mjs';
import { waitForQuickInputClosed } from './quickInput.mjs';
import { exactText, waitUntil } from './waits.mjs';

/** The Explorer's row of a file at the workspace's top level, by its name. */
export const explorerRow = (page, name) =>
  page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exactText(name) }) });

/**
 * Right-clicks the file's row in the Explorer and runs the menu item `title`: hovered (which focuses it), then Enter,
 * as runFromContextMenu does in the Layouts view (a click while the menu settles can be swallowed). A menu that opens
 * without the item (on another row) is closed and the right-click made again.
 */
export async function runFromExplorerMenu(page, name, title) {
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-item').filter({ has: page.locator('.action-label', { hasText: exactText(title) }) });
  for (let tries = 0; ; tries++) {
    await explorerRow(page, name).click({ button: 'right' });
    if (await item.waitFor({ timeout: 10_000 }).then(() => true, () => false)) break;
    const seen = await menu.locator('.action-label').allTextContents().catch(() => []);
    if (tries === 3) throw new Error(`the Explorer's menu on ${name} did not offer "${title}" in 4 tries (last: ${JSON.stringify(seen)})`);
    console.log(`# the Explorer's menu on ${name} did not offer "${title}" (${JSON.stringify(seen)}); trying again`);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
  }
  await item.hover();
  await waitUntil(() => item.getAttribute('class'), (c) => /\bfocused\b/.test(c ?? ''), { what: `the menu item "${title}" to take the focus` });
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden' });
}

/**
 * Shows the Explorer once the extension's file commands are in: just reloaded, the Explorer's menu can open before
 * the extension's items are in it (seen: a menu without them), so the palette offering `commandId` (trusted
 * workspace, the extension's commands read) is waited for first; then the rows of `names` are waited for.
 */
export async function showExplorerWhenReady(page, commandId, names) {
  const label = command(commandId).label;
  assert.ok((await paletteRows(page, label, { until: label, timeoutMs: 60_000 })).some((r) => r.startsWith(label)), `the palette offers ${label}`);
  await page.keyboard.press('Escape');
  await waitForQuickInputClosed(page, 'the palette to close');
  await runFromPalette(page, 'View: Show Explorer');
  for (const name of names) await explorerRow(page, name).waitFor();
}
