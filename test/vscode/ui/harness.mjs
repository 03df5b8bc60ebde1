// A workbench in chromium for UI tests: the packaged .vsix installed into a fresh code-server profile, the test
// workspace open. One per test file (start it in before(), close it in after()).
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { it } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  codeServerCli,
  launchChromium,
  makeProfile,
  projectRoot,
  startCodeServer,
  testSettings,
  workbenchUrl,
} from '../../../scripts/vscode-host/host.mjs';
import { packageVsix } from '../../../scripts/vscode-host/package-vsix.mjs';
import { createWorkspace } from '../workspace.mjs';
import { runFromContextMenu, showTag } from './layoutsView.mjs';
import { waitForQuickInput } from './quickInput.mjs';
import { waitUntil } from './waits.mjs';

export const resultsDir = join(projectRoot, 'test-results');
export const extensionId = 'manifold-dev.manifold';

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
/** package.nls.json: the English of each `%key%` package.json names (`nls['command.showCoverage.title']`). */
export const nls = JSON.parse(readFileSync(join(projectRoot, 'package.nls.json'), 'utf8'));
const text = (t) => (/^%.+%$/.test(t) ? nls[t.slice(1, -1)] : t);

/** A command of package.json as the workbench shows it: its title (menus) and its palette label ("Category: Title"). */
export function command(id) {
  const c = manifest.contributes.commands.find((x) => x.command === id);
  if (!c) throw new Error(`package.json contributes no command ${id}`);
  return { title: text(c.title), label: c.category ? `${text(c.category)}: ${text(c.title)}` : text(c.title) };
}

/**
 * `demoLayouts`: folders of the workspace that get the demo layout (see ../workspace.mjs), made before the host
 * starts.
 * @returns {Promise<{ page: import('playwright-core').Page, workspace: { folder: string, layouts: object },
 *   installed: string, screenshot(name: string, locator?: import('playwright-core').Locator): Promise<string>,
 *   step<T>(name: string, fn: () => Promise<T>): Promise<T>, close(): Promise<void> }>}
 */
export async function openWorkbench({ keep = process.env.MANIFOLD_VSCODE_KEEP === '1', demoLayouts = [] } = {}) {
  const tmp = await mkdtemp(join(tmpdir(), 'manifold-vscode-ui-'));
  let server;
  let browser;
  const close = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (!keep) await rm(tmp, { recursive: true, force: true });
  };
  try {
    const vsix = packageVsix(join(tmp, 'manifold.vsix'));
    const profile = await makeProfile(join(tmp, 'profile'), testSettings);
    const userSettings = join(profile.userData, 'User', 'settings.json');
    const installed = await codeServerCli(profile, ['--install-extension', vsix]);
    const workspace = await createWorkspace(join(tmp, 'workspace'), { demoLayouts });
    server = await startCodeServer(profile);
    browser = await launchChromium();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.setDefaultTimeout(60_000);
    const shown = () => page.locator('.monaco-workbench .part.activitybar').waitFor();
    await page.goto(workbenchUrl(server, workspace.folder), { timeout: 180_000 });
    await shown();
    await mkdir(resultsDir, { recursive: true });
    return {
      page,
      workspace,
      installed,
      tmp,
      /** A screenshot of the page, or of one part of it (`locator`), to test-results/NAME.png. */
      async screenshot(name, locator) {
        const file = join(resultsDir, `${name}.png`);
        await (locator ?? page).screenshot({ path: file });
        return file;
      },
      /** Runs one step of a test; when it fails, saves a screenshot and names the step in the error. */
      async step(name, fn) {
        try {
          return await fn();
        } catch (err) {
          const file = join(resultsDir, `failed-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
          const shot = await page.screenshot({ path: file, timeout: 10_000 }).then(() => file, () => 'none');
          err.message = `step "${name}" failed (screenshot: ${shot}): ${err.message}`;
          throw err;
        }
      },
      /** Reloads the window (a new extension host; what was open in the editor is gone) and waits for the workbench. */
      async reload() {
        await page.reload({ timeout: 180_000 });
        await shown();
      },
      /**
       * Adds `settings` to the user's settings.json, as a user editing it does. Reload the window after: the
       * workbench reads the file as it opens, while its watch on the file can miss a change written from outside.
       */
      async changeSettings(settings) {
        const now = JSON.parse(await readFile(userSettings, 'utf8'));
        await writeFile(userSettings, JSON.stringify({ ...now, ...settings }, null, 2));
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

const rowsOf = (page) =>
  page.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));

/**
 * Opens the command palette (F1), types `text` after the `>` and returns the rows' labels once the list has
 * settled (the same rows twice in a row), or once a row starts with `until` when given (typed again meanwhile).
 */
export async function paletteRows(page, text, { until, timeoutMs = 20_000 } = {}) {
  const input = page.locator('.quick-input-widget input');
  if (!(await input.isVisible())) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
  }
  await input.fill(`>${text}`);
  const deadline = Date.now() + timeoutMs;
  let last = null;
  for (let polls = 1; ; polls++) {
    await page.waitForTimeout(250);
    const rows = await rowsOf(page);
    if (until ? rows.some((r) => r.startsWith(until)) : last !== null && rows.join('\n') === last.join('\n')) return rows;
    if (Date.now() > deadline) return rows;
    last = rows;
    // The palette lists what its `when` clauses allow as the text is typed: typed again every 2 s, so a command
    // that shows only once the workbench has settled (isWorkspaceTrusted, early in a fresh window) is found.
    if (until && polls % 8 === 0) {
      await input.fill('>');
      await input.fill(`>${text}`);
    }
  }
}

/** Runs a command through the palette by its full label ("Category: Title"). */
export async function runFromPalette(page, label) {
  const rows = await paletteRows(page, label, { until: label });
  const row = rows.find((r) => r.startsWith(label));
  if (!row) throw new Error(`no palette entry "${label}"; rows: ${rows.join(' | ')}`);
  await page.locator(`.quick-input-list .monaco-list-row[aria-label=${JSON.stringify(row)}]`).click();
  // The palette closes, or gives way at once to the command's own quick input (its value no longer starts with >).
  await waitForQuickInput(page, (s) => !s.visible || !s.value.startsWith('>'), `the palette to run "${label}"`);
}

/** The content of the webview page in front (the index editor, a coverage page): an iframe over the workbench, its page in the inner active frame. */
export function webview(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** Runs "Show Referrer Coverage" on the tag of the layout, from the Layouts view; returns the coverage page (see `webview`). */
export async function openCoverage(page, layout, tag) {
  await showTag(page, layout, tag);
  await runFromContextMenu(page, tag, 2, command('manifold.showCoverage').title);
  return webview(page);
}

/**
 * Opens the file at `path` (relative to the workspace folder) through Go to File, then runs "Open in Index Editor"
 * on it from the palette, every other editor closed first. Returns the index editor's page (see `webview`).
 */
export async function openFileInIndexEditor(page, path) {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const named = (label) => (label ?? '').includes(name);
  await runFromPalette(page, 'View: Close All Editors');
  await runFromPalette(page, 'Go to File...');
  await page.locator('.quick-input-widget .quick-input-box input').fill(path);
  await waitForQuickInput(page, (q) => q.visible && q.rows.some((r) => named(r.label)), `${path} in Go to File`);
  await page.keyboard.press('Enter');
  // The palette is opened next: wait for Go to File to be gone first (a closing widget takes no typing).
  await waitForQuickInput(page, (q) => !q.visible, 'Go to File closed');
  await waitUntil(async () => page.locator('.tabs-container .tab.active').last().getAttribute('aria-label'), named, { what: `${path} open` });
  await runFromPalette(page, command('manifold.openInIndexEditor').label);
  return webview(page);
}

/** The index editor's table as shown (`view` from `webview`): a row an entry, each cell's text by its column (`{ Tag, Platform, ... }`). */
export function indexEditorCells(view) {
  return view.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td[data-label]')].map((td) => [td.dataset.label, td.textContent.trim()]))));
}

/** Drags the side bar's edge to make it `width` pixels wide (for screenshots people can read). */
export async function resizeSidebar(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(box.x + width + 200, box.y + box.height - 10); // off the sash, which stays highlighted under the pointer
}

/**
 * `step(name, fn)` for a test file whose tests build on each other. One test = one named step, run through the
 * workbench's `step` (a failure saves test-results/failed-<step>.png and names the step); the steps after a failure
 * are skipped (naming it) instead of each waiting out its timeout. `workbench()` gives the workbench, opened in before().
 */
export function sequentialSteps(workbench) {
  let failed;
  return (name, fn) =>
    it(name, async (t) => {
      if (failed) return t.skip(`the step "${failed}" failed`);
      try {
        await workbench().step(name, fn);
      } catch (err) {
        failed = name;
        throw err;
      }
    });
}
