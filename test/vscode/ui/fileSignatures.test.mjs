// UI test: "Sign File…" and "Verify File Signature…" from the Explorer's menu on a file, in code-server and chromium,
// as a user signing a release file. The workspace holds release.tar.gz, cosign.key (sealed with a passphrase, made by
// `manifold generate-key-pair`), cosign.pub and .vscode/settings.json with manifold.signatureKeys ["cosign.pub"].
// Sign File… on release.tar.gz: cosign.key chosen in the workbench's file dialog, its passphrase typed; the
// notification names the bundle, release.tar.gz.sigstore.json is on disk and `manifold verify-blob --key cosign.pub`
// verifies it. Verify File Signature… says "verified by cosign.pub"; with release.tar.gz changed on disk it warns
// "not verified: bad-signature".
// The screenshot test-results/verify-file-signature.png (the verified notification) is the README's
// docs/images/verify-file-signature.png.
// Run: node --test --test-concurrency=1 test/vscode/ui/fileSignatures.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { command, openWorkbench, runFromPalette, sequentialSteps } from './harness.mjs';
import { acceptTypedPath, answer, waitForQuickInput, waitForQuickInputClosed, waitForTypedPath } from './quickInput.mjs';
import { explorerRow, runFromExplorerMenu, showExplorerWhenReady } from './explorer.mjs';
import { waitUntil } from './waits.mjs';

const PASSPHRASE = 'correct horse';
const RELEASE = 'release.tar.gz';
const SIGNED = 'Signed release.tar.gz with cosign.key (ecdsa-p256): release.tar.gz.sigstore.json';
const VERIFIED = 'release.tar.gz: verified by cosign.pub (ecdsa-p256)';
const cli = (args) => spawnSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), ...args], { encoding: 'utf8' });

describe('Sign File and Verify File Signature from the Explorer in the workbench', { timeout: 300_000 }, () => {
  let wb;
  const step = sequentialSteps(() => wb);
  const inWorkspace = (name) => join(wb.workspace.folder, name);
  const toast = (text) => wb.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });

  before(async () => {
    wb = await openWorkbench();
    const folder = wb.workspace.folder;
    await writeFile(inWorkspace(RELEASE), Buffer.from('release 1.0.0: the bytes a user ships\n'));
    const passFile = join(wb.tmp, 'passphrase.txt');
    await writeFile(passFile, `${PASSPHRASE}\n`);
    const made = cli(['generate-key-pair', '--passphrase-file', passFile, '--output-key-prefix', join(folder, 'cosign')]);
    assert.equal(made.status, 0, made.stderr);
    await mkdir(join(folder, '.vscode'), { recursive: true });
    await writeFile(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'manifold.signatureKeys': ['cosign.pub'] }, null, 2));
    // Written after the window opened: reloaded, the workbench reads the workspace's settings and lists the files.
    await wb.reload();
  });

  after(async () => {
    await wb?.close();
  });

  step('the Explorer lists release.tar.gz, cosign.key and cosign.pub', async () => {
    await showExplorerWhenReady(wb.page, 'manifold.signFile', [RELEASE, 'cosign.key', 'cosign.pub']);
  });

  step('Sign File… on release.tar.gz: cosign.key chosen in the file dialog, its passphrase typed; the notification names the bundle', async () => {
    const page = wb.page;
    await runFromExplorerMenu(page, RELEASE, command('manifold.signFile').title);
    // The file dialog on the workspace folder.
    const folder = `${wb.workspace.folder}/`;
    const dialog = await waitForQuickInput(page, (s) => s.visible && s.value === folder && s.rows.some((r) => r.label === 'cosign.key'), 'the file dialog on the workspace folder');
    assert.match(dialog.title ?? '', /Sign File: Choose the Private Key/);
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.press('End');
    await box.pressSequentially('cosign.key');
    await waitForTypedPath(page, inWorkspace('cosign.key'));
    await acceptTypedPath(page);
    const asked = await answer(page, PASSPHRASE);
    assert.match(asked.message, /^The passphrase of cosign\.key\b/);
    assert.equal(asked.title, 'Sign File');
    await waitForQuickInputClosed(page, 'the passphrase prompt to close');
    const signed = toast(SIGNED);
    await signed.waitFor();
    assert.equal(await signed.locator('.notification-list-item-message').innerText(), SIGNED);
    assert.deepEqual(await signed.locator('.monaco-button').allInnerTexts(), ['Verify']);
  });

  step('on disk: release.tar.gz.sigstore.json beside it, and manifold verify-blob --key cosign.pub verifies it (exit 0)', async () => {
    const bundle = inWorkspace(`${RELEASE}.sigstore.json`);
    const json = await waitUntil(() => readFile(bundle, 'utf8').then(JSON.parse), (b) => b !== undefined, { what: `${bundle} on disk` });
    assert.match(json.mediaType, /^application\/vnd\.dev\.sigstore\.bundle/);
    const run = cli(['verify-blob', '--key', inWorkspace('cosign.pub'), '--bundle', bundle, inWorkspace(RELEASE)]);
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    // The Explorer lists the new file (read from the page, as the user sees it).
    await explorerRow(wb.page, `${RELEASE}.sigstore.json`).waitFor();
  });

  step('Verify File Signature… on release.tar.gz: the notification says verified by cosign.pub', async () => {
    const page = wb.page;
    await runFromPalette(page, 'Notifications: Clear All Notifications');
    await toast(SIGNED).waitFor({ state: 'hidden' });
    await runFromExplorerMenu(page, RELEASE, command('manifold.verifyFileSignature').title);
    const verified = toast('verified by');
    await verified.waitFor();
    assert.equal(await verified.locator('.notification-list-item-message').innerText(), VERIFIED);
    // An information, not a warning.
    assert.equal(await verified.locator('.codicon-warning').count(), 0);
    await page.mouse.move(900, 400); // no hover over the toast in the screenshot
    await wb.screenshot('verify-file-signature', verified); // the README's docs/images/verify-file-signature.png
  });

  step('release.tar.gz changed on disk: Verify File Signature… warns, naming the problem (bad-signature)', async () => {
    const page = wb.page;
    await writeFile(inWorkspace(RELEASE), Buffer.from('release 1.0.0: the bytes a user ships, changed after signing\n'));
    await runFromPalette(page, 'Notifications: Clear All Notifications');
    await toast(VERIFIED).waitFor({ state: 'hidden' });
    await runFromExplorerMenu(page, RELEASE, command('manifold.verifyFileSignature').title);
    const warned = toast('not verified');
    await warned.waitFor();
    assert.match(await warned.locator('.notification-list-item-message').innerText(), /^release\.tar\.gz: not verified: bad-signature: .+/);
    assert.equal(await warned.locator('.codicon-warning').count(), 1);
    await wb.screenshot('verify-file-signature-changed', warned);
  });
});
