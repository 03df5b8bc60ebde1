// UI test: "Sign Image…" from a tag's context menu, in code-server and chromium. The demo's v1 is not signed; the
// workspace holds a cosign.key (encrypted, passphrase "open sesame") and its cosign.pub. The user right-clicks v1,
// picks Sign Image…, chooses "v1 only", picks cosign.key in the workbench's file dialog, types a wrong passphrase
// (asked again), the right one, and the name to sign as; reads the notification; the tree then shows the signature
// under v1. The coverage page shows the two platforms lacking one; its "Sign the 2 platforms missing it" signs them
// (the name typed before offered). `manifold verify --recursive` with cosign.pub then says every manifest verifies.
// With manifold.signingFormat set to sigstore-bundle, Sign Image… asks no name and writes a bundle referrer, shown
// under v1 as a signature of type "Sigstore bundle" (sign-bundle.png).
// Screenshots go to test-results/ (sign-*.png; sign-workbench.png is the README's docs/images/sign-image.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/signImage.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { nls, openCoverage, openWorkbench, sequentialSteps } from './harness.mjs';
import { waitUntil } from './waits.mjs';
import { acceptTypedPath, answer, pickOne, waitForQuickInput, waitForTypedPath } from './quickInput.mjs';
import { childrenOf, expand, openManifoldView, runFromContextMenu, showTag, waitForRows } from './layoutsView.mjs';

const IDENTITY = 'registry.example.com/app:v1';
const PASSPHRASE = 'open sesame';
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// cosign.key as cosign writes it (scrypt and secretbox, ENCRYPTED SIGSTORE PRIVATE KEY) and cosign.pub, by the core.
const MAKE_KEYS = `
const { generateKeyPairSync } = require('node:crypto');
const { writeFileSync } = require('node:fs');
const { encryptCosignKey } = require('./src/oci/signatures');
const [dir, passphrase] = process.argv.slice(1);
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
writeFileSync(dir + '/cosign.key', encryptCosignKey(pair.privateKey, passphrase));
writeFileSync(dir + '/cosign.pub', pair.publicKey.export({ type: 'spki', format: 'pem' }));
`;

/** In the workbench's file dialog (on the workspace folder, where the last files were chosen), cosign.key is typed and taken. */
async function chooseKey(wb) {
  const page = wb.page;
  const keyFile = join(wb.workspace.folder, 'cosign.key');
  const dialog = await waitForQuickInput(page, (s) => s.visible && s.value === `${wb.workspace.folder}/` && s.rows.some((r) => r.label === 'cosign.key'), 'the file dialog on the workspace folder');
  assert.match(dialog.title ?? '', /Choose the Private Key/);
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.press('End');
  await box.pressSequentially('cosign.key');
  await waitForTypedPath(page, keyFile);
  await acceptTypedPath(page);
}

describe('Sign Image in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    execFileSync(process.execPath, ['--import', 'tsx', '-e', MAKE_KEYS, wb.workspace.folder, PASSPHRASE], { cwd: projectRoot, stdio: 'inherit' });
  });

  after(async () => {
    await wb?.close();
  });

  step('right-click v1, Sign Image…: what to sign is asked; the index only is picked', async () => {
    const page = wb.page;
    await openManifoldView(page);
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, nls['command.signImage.title']);
    const shown = await pickOne(page, 'v1 only');
    assert.deepEqual(shown.rows.map((r) => r.label), ['v1 and every manifest below it', 'v1 only']);
  });

  step('the key is chosen in the file dialog', async () => {
    await chooseKey(wb);
  });

  step('a wrong passphrase is asked again, saying so; the right one opens the key; the name to sign as is typed', async () => {
    const page = wb.page;
    const first = await answer(page, 'not the passphrase');
    // The workbench adds its own hint after the prompt.
    assert.match(first.message, /^The passphrase of cosign\.key\b/);
    const again = await waitForQuickInput(page, (s) => s.visible && s.value === '' && s.message.startsWith('Wrong passphrase'), 'the passphrase asked again');
    assert.match(again.message, /^Wrong passphrase for cosign\.key \(or the key is damaged\); try again\b/);
    await wb.screenshot('sign-passphrase-again', page.locator('.quick-input-widget'));
    await answer(page, PASSPHRASE);
    const name = await answer(page, IDENTITY);
    assert.match(name.message, /^The name to sign as: the registry reference the image will be pulled by/);
    assert.equal(name.placeholder, IDENTITY);
  });

  step('the notification says what was signed, with which key and name; v1 shows its signature in the tree', async () => {
    const page = wb.page;
    const text = `Signed v1 with cosign.key (ecdsa-p256) as ${IDENTITY}`;
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });
    await toast.waitFor();
    // The progress notification stays a moment after the work is done: the screenshot waits for it to go.
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Signing v1' }).waitFor({ state: 'hidden' });
    const rows = await expand(page, 'v1', 2);
    const under = await waitForRows(page, (r) => childrenOf(r, { label: 'v1', level: 2 }).some((c) => c.label === 'signature'), 'the signature row under v1').then((r) => childrenOf(r, { label: 'v1', level: 2 }));
    assert.ok(rows.length > 0);
    const signature = under.find((c) => c.label === 'signature');
    assert.match(signature.description, /cosign \.sig/);
    await wb.screenshot('sign-workbench'); // the README's docs/images/sign-image.png
  });

  step('the coverage page: the platforms lack the signature v1 carries; "Sign the 2 platforms missing it" signs them', async () => {
    const page = wb.page;
    const view = await openCoverage(page, 'app', 'v1');
    const cells = () => view.locator('table.matrix tbody tr').evaluateAll((rows) => rows.map((tr) => [tr.getAttribute('data-label'), tr.querySelector('td.cell[data-kind="signature"]').textContent.trim()]));
    assert.deepEqual(await waitUntil(cells, (c) => c.length === 3, { what: 'the matrix' }), [
      ['index', '1'],
      ['linux/amd64', '✗ missing'],
      ['linux/arm64/v8', '✗ missing'],
    ]);
    const sign = view.locator('button.sign');
    assert.equal(await sign.textContent(), 'Sign the 2 platforms missing it');
    await page.mouse.move(900, 650); // no tree tooltip over the page
    await wb.screenshot('sign-coverage-gaps');
    await sign.click();
    await chooseKey(wb);
    await answer(page, PASSPHRASE);
    // The name typed for this layout before is offered: Enter takes it.
    const name = await waitForQuickInput(page, (s) => s.visible && s.value === IDENTITY, 'the name offered again');
    assert.match(name.message, /^The name to sign as/);
    await page.locator('.quick-input-widget .quick-input-box input').press('Enter');
    const text = `Signed linux/amd64, linux/arm64/v8 of v1 with cosign.key (ecdsa-p256) as ${IDENTITY}`;
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).waitFor();
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Signing v1' }).waitFor({ state: 'hidden' });
    assert.deepEqual(await waitUntil(cells, (c) => c.every(([, t]) => t === '1'), { what: 'every signature cell 1' }), [
      ['index', '1'],
      ['linux/amd64', '1'],
      ['linux/arm64/v8', '1'],
    ]);
    await wb.screenshot('sign-coverage');
  });

  step('manifold verify --recursive with cosign.pub: every manifest verified, signed as the name typed', async () => {
    const out = execFileSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), 'verify', '--key', join(wb.workspace.folder, 'cosign.pub'), '--recursive', '--format', 'json', '--oci-layout', `${appDir}:v1`], { encoding: 'utf8' });
    const report = JSON.parse(out);
    assert.deepEqual(
      report.manifests.map((m) => [m.label, m.valid, m.signatures.find((s) => s.valid)?.identity]),
      [
        ['index', true, IDENTITY],
        ['linux/amd64', true, IDENTITY],
        ['linux/arm64/v8', true, IDENTITY],
      ],
    );
  });

  step('with manifold.signingFormat sigstore-bundle: Sign Image… asks no name, says "as a Sigstore bundle"; verify finds a bundle on v1', async () => {
    const page = wb.page;
    await wb.changeSettings({ 'manifold.signingFormat': 'sigstore-bundle' });
    await wb.reload();
    await openManifoldView(page);
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, nls['command.signImage.title']);
    await pickOne(page, 'v1 only');
    await chooseKey(wb);
    await answer(page, PASSPHRASE);
    const text = 'Signed v1 with cosign.key (ecdsa-p256) as a Sigstore bundle';
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).waitFor();
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Signing v1' }).waitFor({ state: 'hidden' });
    await expand(page, 'v1', 2);
    // Beside the classic .sig row, the bundle: a referrer of cosign 3's type, named a signature, its type said plainly.
    const bundleRow = (c) => c.label === 'signature' && / · Sigstore bundle$/.test(c.description);
    await waitForRows(page, (r) => childrenOf(r, { label: 'v1', level: 2 }).some(bundleRow), 'the bundle row under v1');
    await wb.screenshot('sign-bundle');
    const out = execFileSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), 'verify', '--key', join(wb.workspace.folder, 'cosign.pub'), '--format', 'json', '--oci-layout', `${appDir}:v1`], { encoding: 'utf8' });
    const [index] = JSON.parse(out).manifests;
    // The classic signatures made before, and now a bundle beside them: all valid.
    assert.deepEqual([...new Set(index.signatures.map((s) => [s.format ?? 'cosign-tag', s.valid].join(' ')))].sort(), ['bundle true', 'cosign-tag true']);
  });
});
