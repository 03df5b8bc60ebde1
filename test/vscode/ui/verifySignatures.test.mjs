// UI test: "Verify Signatures…" from a tag's context menu, in code-server and chromium. The demo's v1 (its index)
// and linux/amd64 are signed as cosign signs with a key; linux/arm64/v8 is not. No key is set: the user right-clicks
// v1, picks Verify Signatures…, chooses cosign.pub in the workbench's file dialog, reads the summary
// ("v1: linux/arm64/v8 has no valid signature (2 of 3 verified by cosign.pub)"), presses Show Problems and reads
// the rows of the Problems panel; "Remember in Workspace Settings" writes the key into .vscode/settings.json.
// Screenshots go to test-results/ (verify-*.png; verify-workbench.png is the README's docs/images/verify-signatures.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/verifySignatures.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { waitForSquiggle } from './editorMarks.mjs';
import { nls, openCoverage, openWorkbench, resizeSidebar, runFromPalette, sequentialSteps } from './harness.mjs';
import { readLayout } from './layoutOnDisk.mjs';
import { acceptTypedPath, waitForQuickInput, waitForTypedPath } from './quickInput.mjs';
import { openManifoldView, runFromContextMenu, showTag } from './layoutsView.mjs';
import { waitUntil } from './waits.mjs';

const IDENTITY = 'registry.example.com/app:v1';
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The Problems panel's rows as a user reads them, top to bottom: the text of each row. */
function problemRows(page) {
  return page
    .locator('.part.panel .markers-panel .monaco-list-row')
    .evaluateAll((rows) => rows.sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index'))).map((r) => r.innerText.replace(/\s+/g, ' ').trim()));
}

describe('Verify Signatures in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  let keyFile;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    // Signed with the core's signManifest (cosign's format), as `manifold sign` or cosign would sign it.
    keyFile = join(wb.workspace.folder, 'cosign.pub');
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/demoSignatures.ts', appDir, keyFile, IDENTITY], { cwd: projectRoot, stdio: 'inherit' });
  });

  after(async () => {
    await wb?.close();
  });

  step('right-click v1, Verify Signatures…: no key set, the file dialog asks for one; cosign.pub is chosen', async () => {
    const page = wb.page;
    await openManifoldView(page);
    await resizeSidebar(page, 300); // the Problems panel gets the width
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, nls['command.verifySignatures.title']);
    const dialog = await waitForQuickInput(page, (s) => s.visible && s.value === `${wb.workspace.folder}/` && s.rows.some((r) => r.label === 'cosign.pub'), 'the file dialog on the workspace folder');
    assert.match(dialog.title ?? '', /Choose Public Keys/);
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.press('End');
    await box.pressSequentially('cosign.pub');
    await waitForTypedPath(page, keyFile);
    await acceptTypedPath(page);
  });

  step('the summary names the platform without a valid signature and the key that verified the others', async () => {
    const page = wb.page;
    const text = 'v1: linux/arm64/v8 has no valid signature (2 of 3 verified by cosign.pub)';
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });
    await toast.waitFor();
    await wb.screenshot('verify-summary', toast);
    // The offer to remember the key, beside it: taken.
    const offer = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Verify signatures and attestations with cosign.pub in this workspace from now on?' });
    await offer.locator('.monaco-button', { hasText: 'Remember in Workspace Settings' }).click();
    const settings = await waitUntil(
      async () => {
        try {
          return JSON.parse(readFileSync(join(wb.workspace.folder, '.vscode', 'settings.json'), 'utf8'));
        } catch {
          return undefined;
        }
      },
      (s) => s?.['manifold.signatureKeys'] !== undefined,
      { what: 'the workspace settings written' },
    );
    assert.deepEqual(settings['manifold.signatureKeys'], ['cosign.pub']);
    await toast.locator('.monaco-button', { hasText: 'Show Problems' }).click();
  });

  step('the Problems panel: the unsigned platform a warning, the two verified a note naming the key and the name signed', async () => {
    const page = wb.page;
    const rows = await waitUntil(() => problemRows(page), (r) => r.filter((x) => x.startsWith('v1: ')).length === 3, { what: 'the three rows in the Problems panel' });
    // The index's document (named by its tag, in the layout app), then a row per manifest, marked at its entry.
    assert.equal(rows.length, 4, rows.join('\n'));
    assert.match(rows[0], /^v1\.json ?\/?app 3$/);
    const rest = rows.slice(1).join('\n');
    assert.match(rest, /v1: linux\/arm64\/v8 has no valid signature: none found .*manifold verify\(? ?no-signature\)?/);
    assert.match(rest, new RegExp(`v1: index verified by cosign\\.pub \\(ecdsa-p256\\), signed as ${IDENTITY.replace(/[./]/g, '\\$&')}`));
    assert.match(rest, /v1: linux\/amd64 verified by cosign\.pub/);
    await wb.screenshot('verify-problems', page.locator('.part.panel'));
  });

  step("a click on the warning opens v1's index at linux/arm64/v8's entry", async () => {
    const page = wb.page;
    const editor = page.locator('.part.editor .monaco-editor').last();
    const open = async () => {
      await page.locator('.part.panel .markers-panel .monaco-list-row').filter({ hasText: 'linux/arm64/v8 has no valid signature' }).click();
      await waitUntil(() => editor.locator('.view-lines').innerText(), (t) => t.includes('"manifests"'), { what: 'the index in an editor' });
    };
    await open();
    // The warning's squiggle is under linux/arm64/v8's digest: its entry in the index (opened again if it is not drawn: see editorMarks.mjs).
    const arm64 = (await readLayout(appDir)).tags.get('linux-arm64').digest;
    await waitForSquiggle(page, editor, {
      text: arm64,
      severity: 'warning',
      reopen: async () => {
        await runFromPalette(page, 'View: Close All Editors');
        await open();
      },
    });
    await editor.hover();
    await page.mouse.wheel(-4000, 0);
    // cosign's `sha256-<hex>.sig` tags are no tag rows: the signatures show under the image they sign.
    const layoutRows = await page.locator('.part.sidebar .monaco-list-row').allInnerTexts();
    assert.ok(layoutRows.some((r) => r.includes('linux-amd64')), layoutRows.join('\n'));
    assert.ok(!layoutRows.some((r) => /sha256-[0-9a-f]+/.test(r)), layoutRows.join('\n'));
    await wb.screenshot('verify-workbench'); // the README's docs/images/verify-signatures.png
  });

  step('the coverage page, the key remembered: the signature cells say 1 ✓, the tooltip names the key', async () => {
    const page = wb.page;
    const view = await openCoverage(page, 'app', 'v1');
    const cells = () =>
      view.locator('table.matrix tbody tr').evaluateAll((rows) =>
        rows.map((tr) => {
          const td = tr.querySelector('td.cell[data-kind="signature"]');
          return { label: tr.getAttribute('data-label'), text: td.textContent.replace(/\s+/g, ' ').trim(), title: td.getAttribute('title'), verified: td.getAttribute('data-verified') };
        }),
      );
    const signed = await waitUntil(cells, (c) => c.length === 3 && c[0].verified !== null, { what: 'the signature cells verified' });
    assert.deepEqual(signed.map((c) => [c.label, c.text, c.verified]), [
      ['index', '1 ✓', 'true'],
      ['linux/amd64', '1 ✓', 'true'],
      ['linux/arm64/v8', '✗ missing', null],
    ]);
    assert.match(signed[1].title, /verified by cosign\.pub: open it$/);
    // Another key in the workspace's setting: the page reads it again; nothing verifies, the banner counts them.
    const other = join(wb.workspace.folder, 'other.pub');
    writeFileSync(other, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
    const file = join(wb.workspace.folder, '.vscode', 'settings.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), 'manifold.signatureKeys': ['other.pub'] }, null, 2));
    const unsigned = await waitUntil(cells, (c) => c[0].verified === 'false', { what: 'the cells verified with other.pub' });
    assert.deepEqual(unsigned.map((c) => c.text), ['1 ✗ not verified', '1 ✗ not verified', '✗ missing']);
    const banner = await view.locator('.banner.unverified').innerText();
    assert.match(banner, /2 cells are not verified: no signature or attestation in them is signed by key other\.pub\./);
    await wb.screenshot('verify-coverage');
  });
});
