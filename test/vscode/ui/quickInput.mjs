// The workbench's quick input (QuickPick and InputBox) driven as a user does: read what it shows, click an
// item, tick items and press OK, type an answer and press Enter. Every step waits for the widget's state, not for
// a fixed time, and a timeout names what was awaited and what the widget showed.
import { exactText, waitUntil } from './waits.mjs';

/**
 * What the quick input shows: { visible, title, message, placeholder, value, busy, rows } where rows (empty when
 * the list is hidden, as in an InputBox) are { label, description, detail, checked }.
 */
export function readQuickInput(page) {
  return page.evaluate(() => {
    const w = document.querySelector('.quick-input-widget');
    const shown = (el) => !!el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
    if (!shown(w)) return { visible: false, rows: [] };
    const input = w.querySelector('.quick-input-box input');
    const list = w.querySelector('.quick-input-list');
    const text = (el, sel) => el.querySelector(sel)?.textContent ?? '';
    const rows = shown(list)
      ? [...list.querySelectorAll('.monaco-list-row')]
          .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
          .map((r) => ({
            label: text(r, '.quick-input-list-row .label-name'),
            description: text(r, '.quick-input-list-row .label-description'),
            detail: text(r, '.quick-input-list-label-meta .label-name'),
            checked: r.getAttribute('aria-checked') === null ? undefined : r.getAttribute('aria-checked') === 'true',
            focused: r.classList.contains('focused'),
          }))
      : [];
    return {
      visible: true,
      title: text(w, '.quick-input-title'),
      message: shown(w.querySelector('.quick-input-message')) ? text(w, '.quick-input-message') : '',
      placeholder: input?.getAttribute('placeholder') ?? '',
      value: input?.value ?? '',
      busy: !w.querySelector('.quick-input-progress')?.classList.contains('done'),
      rows,
    };
  });
}

/**
 * In the workbench's file dialog, once a path is typed: waits until the dialog has caught up with it (the value
 * shown, the file listed in its folder, no other row active), so Enter takes that file. Pressed sooner, Enter
 * can take the row that was active before (`..`) and the dialog answers "Please select a file.".
 */
export async function waitForTypedPath(page, path) {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ready = (s) => s.value === path && s.rows.some((r) => r.label === name) && !s.rows.some((r) => r.focused && r.label !== name);
  const what = `the path ${path} typed in the file dialog, listed, no other row active`;
  // Seen once in a fresh-clone CI: the path typed in full, the dialog still listing the folder above for 60 s. Its
  // last character typed again makes the dialog read the folder again.
  const shown = await waitForQuickInput(page, ready, what, 10_000).catch(() => undefined);
  if (shown) return shown;
  // Only that case: a dialog showing anything else is waited for as before.
  if ((await readQuickInput(page)).value !== path) return waitForQuickInput(page, ready, what);
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.press('Backspace');
  await box.pressSequentially(path.slice(-1));
  return waitForQuickInput(page, ready, what);
}

/**
 * Enter in the file dialog, then waits until the dialog has given way (its "Folder path" input gone): the empty
 * input it shows meanwhile would otherwise pass for the next text prompt, and `answer` would press Enter there.
 */
export async function acceptTypedPath(page) {
  const { value: typed, title } = await readQuickInput(page);
  await page.keyboard.press('Enter');
  // A folder typed while the dialog still had its row active is opened, not taken (seen on a loaded machine: the
  // dialog then shows `kept/` and its files): Enter there takes the folder it shows. Another file dialog in its place
  // (Sign File's certificate chain, asked after its Notary key) has another title.
  const gone = (s) => !s.visible || s.placeholder !== 'Folder path' || s.title !== title;
  const state = await waitForQuickInput(page, (s) => gone(s) || s.value === `${typed}/`, 'the file dialog to take the typed path');
  if (gone(state)) return;
  await waitForQuickInput(page, (s) => gone(s) || (!s.busy && s.rows.some((r) => r.label === '..')), `the file dialog to show ${typed}/`);
  await page.keyboard.press('Enter');
  await waitForQuickInput(page, gone, 'the file dialog to take the folder it opened');
}

/**
 * In the workbench's file dialog, once it shows `folder` and lists `name` there: the file's whole path typed at once
 * and taken. Returns the dialog as first shown (its title). Typed a key at a time, cosign.pub passes through the
 * dialog's completion of cosign.key, and once in CI (a loaded machine) Enter took cosign.key, still the row the dialog
 * had made active.
 */
export async function chooseInFolder(page, folder, name) {
  const file = `${folder}/${name}`;
  const dialog = await waitForQuickInput(page, (s) => s.visible && s.value === `${folder}/` && s.rows.some((r) => r.label === name), `the file dialog on ${folder}/, with ${name}`);
  await page.locator('.quick-input-widget .quick-input-box input').fill(file);
  await waitForTypedPath(page, file);
  await acceptTypedPath(page);
  return dialog;
}

/**
 * Clicks the folder dialog's button `label` (Copy Here, Pull Here) with `path` typed in it, and waits until the dialog
 * has taken a folder (closed, or given way to the next prompt). On a loaded machine the click may open the folder
 * typed instead (the dialog then shows `path/` and what is in it: the button there takes the folder it shows, the same
 * one), or leave the dialog as it was (seen once in CI, for 60 s: a second click takes it).
 */
export async function takeTypedFolder(page, label, path) {
  const button = page.locator('.quick-input-widget .quick-input-action .monaco-button', { hasText: label });
  const gone = (s) => !s.visible || s.placeholder !== 'Folder path';
  const took = (s) => gone(s) || s.value === `${path}/`;
  await button.click();
  let state = await waitForQuickInput(page, took, 'the folder dialog to take the folder typed', 10_000).catch(() => undefined);
  if (!state) {
    const now = await readQuickInput(page);
    if (now.visible && now.value === path) await button.click();
    state = await waitForQuickInput(page, took, 'the folder dialog to take the folder typed');
  }
  if (gone(state)) return;
  await waitForQuickInput(page, (s) => gone(s) || (!s.busy && s.rows.some((r) => r.label === '..')), `the folder dialog to show ${path}/`);
  if (!gone(await readQuickInput(page))) await button.click();
  await waitForQuickInput(page, gone, 'the folder dialog to take the folder it shows');
}

/** Waits until the quick input shows what `check` wants; returns its state. */
export function waitForQuickInput(page, check, what, timeoutMs) {
  return waitUntil(() => readQuickInput(page), check, { what, timeoutMs });
}

const rowByLabel = (page, label) =>
  page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.quick-input-list-row .label-name', { hasText: exactText(label) }) });

/**
 * Waits for a pick list (not busy) with an item whose label is `label` (or passes `label(text)`), then clicks it.
 * Returns the list as shown.
 */
export async function pickOne(page, label) {
  const matches = typeof label === 'function' ? label : (l) => l === label;
  const shown = await waitForQuickInput(page, (s) => s.visible && !s.busy && s.rows.some((r) => matches(r.label)), `a pick list with ${typeof label === 'function' ? `an item ${label}` : `"${label}"`}`);
  await rowByLabel(page, shown.rows.find((r) => matches(r.label)).label).click();
  return shown;
}

/** Waits for a multi-select list with the items, ticks each, waits for the ticks, presses OK. Returns the list as shown first. */
export async function pickMany(page, labels) {
  const has = (s) => s.visible && !s.busy && labels.every((l) => s.rows.some((r) => r.label === l && r.checked !== undefined));
  const shown = await waitForQuickInput(page, has, `a multi-select list with ${labels.map((l) => `"${l}"`).join(', ')}`);
  for (const label of labels) {
    const r = rowByLabel(page, label);
    if ((await r.getAttribute('aria-checked')) !== 'true') await r.locator('.monaco-checkbox').click();
  }
  await waitForQuickInput(page, (s) => labels.every((l) => s.rows.find((r) => r.label === l)?.checked === true), `${labels.join(', ')} ticked`);
  await page.locator('.quick-input-widget .quick-input-action .monaco-button', { hasText: 'OK' }).click();
  return shown;
}

/**
 * Waits for a multi-select list with the items of `ticks` (label -> whether it should end ticked), clicks each whose
 * tick differs, waits for the ticks, presses OK. Returns the list as shown first (what came ticked).
 */
export async function setTicks(page, ticks) {
  const labels = Object.keys(ticks);
  const has = (s) => s.visible && !s.busy && labels.every((l) => s.rows.some((r) => r.label === l && r.checked !== undefined));
  const shown = await waitForQuickInput(page, has, `a multi-select list with ${labels.map((l) => `"${l}"`).join(', ')}`);
  for (const label of labels) {
    const r = rowByLabel(page, label);
    if (((await r.getAttribute('aria-checked')) === 'true') !== ticks[label]) await r.locator('.monaco-checkbox').click();
  }
  await waitForQuickInput(page, (s) => labels.every((l) => s.rows.find((r) => r.label === l)?.checked === ticks[l]), `${labels.map((l) => `${l} ${ticks[l] ? 'ticked' : 'not ticked'}`).join(', ')}`);
  await page.locator('.quick-input-widget .quick-input-action .monaco-button', { hasText: 'OK' }).click();
  return shown;
}

/**
 * Waits for a fresh text prompt (an InputBox: no list, empty value), types `text`, presses Enter. Returns the
 * prompt as it was shown (title, message, placeholder) so the caller can check what was asked.
 */
export async function answer(page, text) {
  const prompt = await waitForQuickInput(page, (s) => s.visible && s.rows.length === 0 && s.value === '', `a text prompt (to type "${text}")`);
  if (text !== '') {
    await page.locator('.quick-input-widget .quick-input-box input').fill(text);
    await waitForQuickInput(page, (s) => s.value === text, `"${text}" in the prompt`);
  }
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.press('Enter'); // on the input itself: focused first, so the key is not lost while the widget turns
  if (text === '') {
    // An empty answer the prompt did not take (seen once on a loaded machine: Enter as the prompt appeared) leaves it
    // as it was; one taken closes it or asks something else. Pressed again only while it is the same empty prompt.
    const same = (s) => s.visible && !s.busy && s.rows.length === 0 && s.value === '' && s.title === prompt.title && s.message === prompt.message && s.placeholder === prompt.placeholder;
    for (let i = 0; i < 2; i++) {
      const changed = await waitForQuickInput(page, (s) => !same(s), 'the prompt to take the empty answer', 3000).then(() => true, () => false);
      if (changed) break;
      await box.press('Enter');
    }
  }
  return prompt;
}

/** Waits until the quick input is gone (the command has all its answers). */
export function waitForQuickInputClosed(page, what) {
  return waitForQuickInput(page, (s) => !s.visible, what);
}
