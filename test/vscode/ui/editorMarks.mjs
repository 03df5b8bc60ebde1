// What a text editor marks, as the user sees it: the squiggle Monaco draws under a problem's text. Monaco draws
// squiggles in `.view-overlays` only for the lines it has rendered, after the marker's decoration reaches the model;
// on a loaded machine an editor opened from the Problems panel was once seen with the text shown and selected, the
// status bar counting the error, yet no squiggle (nor its mark in the overview ruler) for 60 s. So the wait looks
// for the squiggle under the very text, nudges the editor to draw again, and at last opens the editor again (as a
// user would) before it gives up, naming what it saw.
import { waitUntil } from './waits.mjs';

/**
 * Where `text` is on a rendered line of `editor` and the squiggles of `severity` drawn on that line, in the page's
 * coordinates: { line: { left, right } | null, squiggles: [{ left, right }], overlays: the classes drawn there }.
 */
export function marksAt(editor, text, severity) {
  return editor.evaluate(
    (root, [text, severity]) => {
      const lines = [...root.querySelectorAll('.view-lines .view-line')];
      const line = lines.find((l) => l.textContent.replace(/\u00a0/g, ' ').includes(text));
      if (!line) return { line: null, squiggles: [], overlays: [] };
      // The text's box: a DOM range over the span(s) that hold it.
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      const nodes = [];
      let all = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push([n, all.length]);
        all += n.data.replace(/\u00a0/g, ' ');
      }
      const start = all.indexOf(text);
      const end = start + text.length;
      const at = (offset) => {
        const i = nodes.findLastIndex(([, from]) => from <= offset);
        const [node, from] = nodes[i];
        return [node, Math.min(offset - from, node.data.length)];
      };
      const range = document.createRange();
      range.setStart(...at(start));
      range.setEnd(...at(end));
      const box = range.getBoundingClientRect();
      const top = line.style.top;
      // The overlay line Monaco drew at the same height as that view line.
      const overlay = [...root.querySelectorAll('.view-overlays > div')].find((d) => d.style.top === top);
      const drawn = overlay ? [...overlay.children] : [];
      const squiggles = drawn
        .filter((d) => d.classList.contains(`squiggly-${severity}`))
        .map((d) => d.getBoundingClientRect())
        .filter((r) => r.width > 0 && r.height > 0)
        .map((r) => ({ left: r.left, right: r.right }));
      return { line: { left: box.left, right: box.right }, squiggles, overlays: drawn.map((d) => d.getAttribute('class') ?? d.tagName) };
    },
    [text, severity],
  );
}

const under = (m) => m.line !== null && m.squiggles.some((s) => s.left < m.line.right && s.right > m.line.left);

/**
 * Waits until `editor` (a `.monaco-editor` locator) draws a squiggle of `severity` ('error', 'warning') under
 * `text`. Each round waits `settleMs`; after the first it scrolls the editor a line down and back (Monaco draws its
 * overlays again), after the second it calls `reopen()` (close the editor, open it again the way the step did, and
 * wait for `text` to show). Throws naming what was drawn on the line when no round shows it.
 */
export async function waitForSquiggle(page, editor, { text, severity, reopen, settleMs = 20_000 }) {
  const what = `a ${severity} squiggle under ${text}`;
  let last;
  for (let round = 1; round <= 3; round++) {
    if (round === 2) {
      await editor.hover();
      await page.mouse.wheel(0, 40);
      await page.mouse.wheel(0, -40);
    }
    if (round === 3) await reopen();
    try {
      const m = await waitUntil(() => marksAt(editor, text, severity), under, { what, timeoutMs: settleMs });
      if (round > 1) console.log(`# ${what}: drawn only in round ${round} (${round === 2 ? 'after a scroll' : 'the editor opened again'})`);
      return m;
    } catch (err) {
      last = err;
    }
  }
  // What the overview ruler holds tells a decoration the model lacks (no mark there either) from one not drawn.
  const ruler = await editor
    .locator('canvas.decorationsOverviewRuler')
    .evaluate((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const colors = new Set();
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) colors.add(`rgb(${d[i]},${d[i + 1]},${d[i + 2]})`);
      return [...colors].slice(0, 8).join(' ');
    }, undefined, { timeout: 5000 })
    .catch((err) => `not read: ${err.message}`);
  last.message += `; the overview ruler's colors: ${ruler || 'none'}`;
  throw last;
}
