// Waiting on the workbench: poll a condition until it holds, and name what was awaited (with what was last seen)
// when it never does. Used instead of fixed sleeps wherever the UI updates on its own time. Also exact-text
// matching for locators.

/**
 * Calls `read()` until `check(value)` is true, then returns the value. On timeout throws an error that says what
 * was awaited and the last value read (or the last error thrown by `read`/`check`).
 * @template T
 * @param {() => Promise<T>} read
 * @param {(value: T) => boolean} check
 * @param {{ what: string, timeoutMs?: number, intervalMs?: number }} options
 * @returns {Promise<T>}
 */
export async function waitUntil(read, check, { what, timeoutMs = 60_000, intervalMs = 100 }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (check(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `last error: ${lastError.message}` : `last seen: ${JSON.stringify(last, null, 1)}`;
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; ${seen}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A RegExp for locators' hasText that matches `text` whole (hasText with a string matches a substring). */
export function exactText(text) {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/**
 * Moves the pointer off to (x, y) and waits until no hover (tooltip) of the workbench is shown: one that came up while
 * the pointer was on a toast's source or a button would otherwise linger in the next screenshot.
 */
export async function pointerAway(page, x = 900, y = 400) {
  await page.mouse.move(x, y);
  const shown = () => page.locator('.monaco-hover, .workbench-hover').evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden').length);
  await waitUntil(shown, (n) => n === 0, { what: 'no hover shown' });
}
