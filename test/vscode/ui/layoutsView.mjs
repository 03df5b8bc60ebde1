// Manifold's Layouts view as a user sees it in the workbench: open it from the activity bar, read its rows
// (label, description, depth), expand a row, find a row to click. Rows are read from the page, never from the
// extension's API.
import { exactText, waitUntil } from './waits.mjs';

/** A view's pane in the side bar, by its name ("Layouts", "Referrers"). */
export function viewPane(page, name) {
  return page.locator('.part.sidebar .pane').filter({ has: page.locator(`.pane-header[aria-label^="${name}"]`) });
}

/** The Layouts view's pane in the side bar. */
export function layoutsPane(page) {
  return viewPane(page, 'Layouts');
}

/** Clicks Manifold's activity-bar icon (unless its container is already showing) and waits for the Layouts view. */
export async function openManifoldView(page) {
  const icon = page.locator('.part.activitybar .action-item [aria-label^="Manifold"], .part.activitybar .action-item[aria-label^="Manifold"]').first();
  const body = layoutsPane(page).locator('.pane-body');
  // The icon toggles: a click while Manifold's container is shown but not drawn yet (a window just reloaded, a
  // loaded machine) hides the side bar. So it is clicked only when the side bar is hidden or shows another
  // container, and looked at again a second later.
  await waitUntil(
    async () => {
      if (await body.isVisible()) return true;
      const shown = await page.locator('.part.sidebar').isVisible();
      const active = await icon.evaluate((el) => (el.closest('.action-item') ?? el).classList.contains('checked')).catch(() => false);
      if (!shown || !active) await icon.click();
      return false;
    },
    (visible) => visible,
    { what: "Manifold's Layouts view in the side bar", intervalMs: 1000 },
  );
}

/**
 * The rows the Layouts view (or another view's `pane`) shows, top to bottom: { label, description, level, expanded } (expanded is
 * undefined for a leaf). The list is virtual: only the rows that fit are in the page, so keep trees small.
 * @returns {Promise<Array<{ label: string, description: string, level: number, expanded: boolean | undefined }>>}
 */
export function readRows(page, pane = layoutsPane(page)) {
  return pane
    .locator('.monaco-list-row')
    .evaluateAll((rows) =>
      rows
        .map((r) => ({
          index: Number(r.getAttribute('data-index')),
          label: r.querySelector('.label-name')?.textContent ?? '',
          description: r.querySelector('.label-description')?.textContent ?? '',
          level: Number(r.getAttribute('aria-level')),
          expanded: r.hasAttribute('aria-expanded') ? r.getAttribute('aria-expanded') === 'true' : undefined,
        }))
        .sort((a, b) => a.index - b.index)
        .map(({ index, ...row }) => row),
    );
}

/** The rows right under `parent` (a row read by readRows), in order. */
export function childrenOf(rows, parent) {
  const at = rows.findIndex((r) => r.label === parent.label && r.level === parent.level);
  if (at < 0) return [];
  const out = [];
  for (const r of rows.slice(at + 1)) {
    if (r.level <= parent.level) break;
    if (r.level === parent.level + 1) out.push(r);
  }
  return out;
}

/** Waits until the view's rows satisfy `check`; returns them. */
export function waitForRows(page, check, what, timeoutMs) {
  return waitUntil(() => readRows(page), check, { what: `${what} in the Layouts view`, timeoutMs });
}

/** The row with this label at this depth (1 = a layout, 2 = a tag, 3 = an index's child). */
export function row(page, label, level) {
  return layoutsPane(page)
    .locator(`.monaco-list-row[aria-level="${level}"]`)
    .filter({ has: page.locator('.label-name', { hasText: exactText(label) }) });
}

/**
 * Expands the row (by its twistie, as a user would) and waits until its children are shown. A row the view redraws
 * just as it is clicked (a layout just added: Open Layout, a refresh) comes back collapsed: clicked again then, as a
 * user would (CI saw app.tar stay collapsed for 60 s after one click under load 6).
 */
export async function expand(page, label, level) {
  const r = row(page, label, level);
  await r.waitFor();
  const expanded = async () => (await r.getAttribute('aria-expanded')) === 'true';
  for (let tries = 0; tries < 5 && !(await expanded()); tries++) {
    await r.locator('.monaco-tl-twistie').click();
    for (let polls = 0; polls < 20 && !(await expanded()); polls++) await page.waitForTimeout(100);
  }
  return waitForRows(
    page,
    (rows) => childrenOf(rows, { label, level }).length > 0,
    `the children of "${label}" (level ${level})`,
  );
}

/** Opens the Layouts view (see openManifoldView) and waits for the layout's row; returns the rows. */
export async function showLayout(page, layout, timeoutMs) {
  await openManifoldView(page);
  return waitForRows(page, (r) => r.some((x) => x.level === 1 && x.label === layout), `the layout ${layout}`, timeoutMs);
}

/** Opens the Layouts view, expands the layout and waits until `tag` is shown under it, ready for a right-click; returns the rows. */
export async function showTag(page, layout, tag) {
  await showLayout(page, layout);
  await expand(page, layout, 1);
  return waitForRows(page, (r) => childrenOf(r, { label: layout, level: 1 }).some((c) => c.label === tag), `the tag ${tag}`);
}

/** Waits until the Layouts view shows the same rows for a second (at most 10 s). */
async function waitForSteadyRows(page) {
  const snapshot = () => layoutsPane(page).locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.textContent).join('\n'));
  let last = await snapshot();
  let steady = 0;
  for (let polls = 0; steady < 4 && polls < 40; polls++) {
    await page.waitForTimeout(250);
    const now = await snapshot();
    steady = now === last ? steady + 1 : 0;
    last = now;
  }
}

/**
 * Right-clicks the row and runs the context-menu item titled `title`. The item is hovered (which focuses it) and
 * then Enter pressed: a click that lands while the menu is still settling can be swallowed by the menu.
 */
export async function runFromContextMenu(page, label, level, title) {
  const menu = page.locator('.context-view .monaco-menu');
  // A tree just refreshed (after the last command changed the layout) is let settle first: a menu opened on a row
  // the view is about to replace ran its command without the row (it then asked for a layout).
  await waitForSteadyRows(page);
  // A right-click focuses the row it lands on. A tree redrawn under the pointer can put another row there, and a
  // refresh can close the menu or open it without the row's items (CI saw a menu never offer Attach): then the
  // menu is closed and the click made again.
  const item = menu.locator('.action-item').filter({ has: page.locator('.action-label', { hasText: exactText(title) }) });
  let seen = 'no menu';
  for (let tries = 0; ; tries++) {
    await row(page, label, level).click({ button: 'right' });
    const opened = await menu.waitFor({ timeout: 10_000 }).then(() => true, () => false);
    if (opened && /\bfocused\b/.test((await row(page, label, level).getAttribute('class')) ?? '')) {
      if (await item.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
      seen = `a menu of ${JSON.stringify(await menu.locator('.action-label').allTextContents().catch(() => []))}`;
    } else if (opened) {
      seen = 'a menu on another row';
    }
    if (tries === 3) throw new Error(`the context menu of the row "${label}" did not offer "${title}" in 4 tries (last: ${seen})`);
    // Said in the test's output, so a run that needed another try shows what the first menu was.
    console.log(`# the context menu of "${label}" did not offer "${title}" (${seen}); trying again`);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
    await waitForSteadyRows(page);
  }
  await item.hover();
  await waitUntil(() => item.getAttribute('class'), (c) => /\bfocused\b/.test(c ?? ''), { what: `the menu item "${title}" to take the focus` });
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden' });
}
