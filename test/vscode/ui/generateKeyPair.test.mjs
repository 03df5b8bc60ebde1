// UI test: "Generate Signing Key Pair…" from the palette, in code-server and chromium, as a user with no cosign makes
// a key to sign with. The user picks ecdsa-p256, takes the save dialog's suggested cosign.key in the workspace folder,
// types two different passphrases (asked again, saying so), then the same one twice; reads the notification and
// clicks "Verify With cosign.pub in This Workspace". On disk: cosign.key (mode 600) opens with the passphrase typed
// (not the first one), cosign.pub is its public key, and the workspace's .vscode/settings.json holds
// manifold.signatureKeys ["cosign.pub"]. Then Sign Image… from v1's menu with that key: the signature row under v1,
// and `manifold verify --key cosign.pub` verifies it.
// The screenshot test-results/generate-key-pair.png (the notification) is the README's docs/images/generate-key-pair.png.
// Run: node --test --test-concurrency=1 test/vscode/ui/generateKeyPair.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { command, nls, openWorkbench, runFromPalette, sequentialSteps } from './harness.mjs';
import { childrenOf, expand, openManifoldView, runFromContextMenu, showTag, waitForRows } from './layoutsView.mjs';
import { acceptTypedPath, answer, pickOne, waitForQuickInput, waitForQuickInputClosed, waitForTypedPath } from './quickInput.mjs';
import { exactText, waitUntil } from './waits.mjs';

const PASSPHRASE = 'correct horse';
const IDENTITY = 'registry.example.com/app:v1';
const MADE = 'Made cosign.key (ecdsa-p256) and cosign.pub: Sign Image… signs with the private key, Verify Signatures… checks with the public one.';
const USE = 'Verify With cosign.pub in This Workspace';

describe('Generate Signing Key Pair in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let core;
  const step = sequentialSteps(() => wb);
  const keyFile = () => join(wb.workspace.folder, 'cosign.key');
  const passwordBox = () => wb.page.locator('.quick-input-widget .quick-input-box input');

  before(async () => {
    const { tsImport } = await import('tsx/esm/api');
    core = await tsImport('../../../src/oci/signatures/index.ts', import.meta.url);
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
  });

  after(async () => {
    await wb?.close();
  });

  step('from the palette: the kind of key is asked, cosign\'s ecdsa-p256 first; the save dialog suggests cosign.key in the workspace folder', async () => {
    const page = wb.page;
    await runFromPalette(page, command('manifold.generateKeyPair').label);
    const kinds = await pickOne(page, 'ecdsa-p256');
    assert.equal(kinds.title, 'Generate Signing Key Pair');
    assert.equal(kinds.placeholder, 'The kind of key');
    assert.equal(kinds.rows[0].label, 'ecdsa-p256');
    assert.equal(kinds.rows[0].description, 'what cosign generate-key-pair makes');
    const dialog = await waitForQuickInput(page, (s) => s.visible && !s.busy && s.value === keyFile(), 'the save dialog on cosign.key in the workspace folder');
    assert.match(dialog.title, /Generate Signing Key Pair/);
    await wb.screenshot('generate-key-pair-save', page.locator('.quick-input-widget'));
    // code-server's own save dialog names its button OK whatever the command's label.
    await page.locator('.quick-input-widget .quick-input-action .monaco-button', { hasText: exactText('OK') }).click();
    await waitForQuickInput(page, (s) => !s.visible || s.placeholder !== 'Folder path', 'the save dialog to take cosign.key');
  });

  step('the passphrase in password boxes, twice; two that differ are asked again, saying so; the same twice is taken', async () => {
    const page = wb.page;
    const first = await answer(page, 'one passphrase');
    // The workbench adds its own hint after the prompt.
    assert.match(first.message, /^A passphrase to seal cosign\.key under\b/);
    assert.equal(await passwordBox().getAttribute('type'), 'password');
    const second = await answer(page, 'another passphrase');
    assert.match(second.message, /^The passphrase again\b/);
    const again = await waitForQuickInput(page, (s) => s.visible && s.value === '' && s.message.startsWith('The two passphrases differ'), 'the passphrase asked again');
    assert.match(again.message, /^The two passphrases differ; a passphrase to seal cosign\.key under\b/);
    await wb.screenshot('generate-key-pair-passphrase-again', page.locator('.quick-input-widget'));
    assert.equal(await passwordBox().getAttribute('type'), 'password');
    await answer(page, PASSPHRASE);
    const confirm = await waitForQuickInput(page, (s) => s.visible && s.value === '' && s.message.startsWith('The passphrase again'), 'the passphrase asked to confirm');
    assert.equal(confirm.rows.length, 0);
    await answer(page, PASSPHRASE);
    await waitForQuickInputClosed(page, 'the passphrase prompts to close');
  });

  step('the notification names the files and what each is for; its button puts cosign.pub in the workspace\'s signatureKeys', async () => {
    const page = wb.page;
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Made cosign.key' });
    await toast.waitFor();
    assert.equal(await toast.locator('.notification-list-item-message').innerText(), MADE);
    const button = toast.locator('.monaco-button', { hasText: exactText(USE) });
    assert.equal(await button.innerText(), USE);
    await page.mouse.move(900, 400); // no hover over the toast in the screenshot
    await wb.screenshot('generate-key-pair', toast); // the README's docs/images/generate-key-pair.png
    await button.click();
    await toast.waitFor({ state: 'hidden' });
    const settingsFile = join(wb.workspace.folder, '.vscode', 'settings.json');
    const read = () => readFile(settingsFile, 'utf8').then((t) => JSON.parse(t), () => undefined);
    const settings = await waitUntil(read, (s) => s?.['manifold.signatureKeys'] !== undefined, { what: 'manifold.signatureKeys in .vscode/settings.json' });
    assert.deepEqual(settings['manifold.signatureKeys'], ['cosign.pub']);
  });

  step('on disk: cosign.key (mode 600) opens with the passphrase typed, not the first one; cosign.pub is its public key', async () => {
    const pem = await readFile(keyFile(), 'utf8');
    assert.equal((await stat(keyFile())).mode & 0o777, 0o600);
    assert.match(pem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    assert.throws(() => core.decryptCosignKey('cosign.key', pem, 'one passphrase'));
    const key = core.decryptCosignKey('cosign.key', pem, PASSPHRASE);
    assert.equal(key.type, 'ecdsa-p256');
    assert.equal(await readFile(join(wb.workspace.folder, 'cosign.pub'), 'utf8'), key.publicPem());
  });

  step('Sign Image… from v1\'s menu with the new key: the signature row under v1; manifold verify --key cosign.pub verifies it', async () => {
    const page = wb.page;
    await openManifoldView(page);
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, nls['command.signImage.title']);
    await pickOne(page, 'v1 only');
    // The file dialog on the workspace folder, where the key was saved.
    const dialog = await waitForQuickInput(page, (s) => s.visible && s.value === `${wb.workspace.folder}/` && s.rows.some((r) => r.label === 'cosign.key'), 'the file dialog on the workspace folder');
    assert.match(dialog.title ?? '', /Choose the Private Key/);
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.press('End');
    await box.pressSequentially('cosign.key');
    await waitForTypedPath(page, keyFile());
    await acceptTypedPath(page);
    const asked = await answer(page, PASSPHRASE);
    assert.match(asked.message, /^The passphrase of cosign\.key\b/);
    await answer(page, IDENTITY);
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: `Signed v1 with cosign.key (ecdsa-p256) as ${IDENTITY}` }).waitFor();
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Signing v1' }).waitFor({ state: 'hidden' });
    await expand(page, 'v1', 2);
    const rows = await waitForRows(page, (r) => childrenOf(r, { label: 'v1', level: 2 }).some((c) => c.label === 'signature'), 'the signature row under v1');
    assert.match(childrenOf(rows, { label: 'v1', level: 2 }).find((c) => c.label === 'signature').description, /cosign \.sig/);
    const app = wb.workspace.layouts['layouts/app'].path;
    const out = execFileSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), 'verify', '--key', join(wb.workspace.folder, 'cosign.pub'), '--format', 'json', '--oci-layout', `${app}:v1`], { encoding: 'utf8' });
    const [index] = JSON.parse(out).manifests;
    assert.deepEqual([index.valid, index.signatures.find((s) => s.valid)?.identity], [true, IDENTITY]);
  });
});
