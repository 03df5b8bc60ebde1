// UI test: "Sign File…" and "Verify File Signature…" from the Explorer's menu on a file with Notary Project (notation)
// blob signatures, in code-server and chromium. The workspace holds release.tar.gz, signer.key and signer.crt (made by
// `manifold generate-certificate`: an ECDSA P-384 key and its self-signed certificate) and .vscode/settings.json with
// manifold.signingFormat "notary" and manifold.notaryRoots ["signer.crt"]. Sign File… on release.tar.gz: signer.key
// and then signer.crt chosen in the workbench's file dialogs; the notification names release.tar.gz.jws.sig, which is
// on disk (a JWS over the file's SHA-384 descriptor) and `manifold verify-blob --notary-roots signer.crt` verifies.
// Verify File Signature… says "verified by Notary signature of C=US, ... (root signer.crt, notary.x509)"; with
// release.tar.gz changed on disk it warns "not verified: digest-mismatch".
// The screenshot test-results/notary-file-signature.png (the workbench: the settings in the editor, the Explorer with
// the signature, the verified notification) is the README's docs/images/notary-file-signature.png.
// Run: node --test --test-concurrency=1 test/vscode/ui/notaryFileSignatures.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { explorerRow, runFromExplorerMenu, showExplorerWhenReady } from './explorer.mjs';
import { command, openWorkbench, runFromPalette, sequentialSteps } from './harness.mjs';
import { chooseInFolder, waitForQuickInput, waitForQuickInputClosed } from './quickInput.mjs';
import { pointerAway, waitUntil } from './waits.mjs';

const RELEASE = 'release.tar.gz';
const RELEASE_BYTES = Buffer.from('release 1.0.0: the bytes a user ships\n');
const SUBJECT = 'C=US, ST=WA, O=Example, CN=release signer';
const SIGNED = 'Signed release.tar.gz with signer.key (ES384): release.tar.gz.jws.sig';
const VERIFIED = `release.tar.gz: verified by Notary signature of ${SUBJECT} (root signer.crt, notary.x509)`;
const SETTINGS = { 'manifold.signingFormat': 'notary', 'manifold.notaryRoots': ['signer.crt'] };
const cli = (args) => spawnSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), ...args], { encoding: 'utf8' });
const sha384 = (bytes) => createHash('sha384').update(bytes).digest('hex');
const base64url = (text) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));

describe('Sign File and Verify File Signature with Notary signatures from the Explorer in the workbench', { timeout: 300_000 }, () => {
  let wb;
  const step = sequentialSteps(() => wb);
  const inWorkspace = (name) => join(wb.workspace.folder, name);
  const toast = (text) => wb.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });

  before(async () => {
    wb = await openWorkbench();
    const folder = wb.workspace.folder;
    await writeFile(inWorkspace(RELEASE), RELEASE_BYTES);
    const made = cli(['generate-certificate', 'release-signer', '--key-type', 'ecdsa-p384', '--subject', SUBJECT, '--days', '30', '--output-prefix', join(folder, 'signer')]);
    assert.equal(made.status, 0, `${made.stdout}${made.stderr}`);
    await mkdir(join(folder, '.vscode'), { recursive: true });
    await writeFile(join(folder, '.vscode', 'settings.json'), `${JSON.stringify(SETTINGS, null, 2)}\n`);
    // Written after the window opened: reloaded, the workbench reads the workspace's settings and lists the files.
    await wb.reload();
  });

  after(async () => {
    await wb?.close();
  });

  step('the Explorer lists release.tar.gz, signer.key and signer.crt', async () => {
    await showExplorerWhenReady(wb.page, 'manifold.signFile', [RELEASE, 'signer.key', 'signer.crt']);
  });

  step('Sign File… on release.tar.gz: signer.key and signer.crt chosen in the file dialogs; the notification names release.tar.gz.jws.sig', async () => {
    const page = wb.page;
    await runFromExplorerMenu(page, RELEASE, command('manifold.signFile').title);
    const keyDialog = await chooseInFolder(page, wb.workspace.folder, 'signer.key');
    assert.equal(keyDialog.title, 'Sign File: Choose the Notary Signing Key');
    const chainDialog = await chooseInFolder(page, wb.workspace.folder, 'signer.crt');
    assert.equal(chainDialog.title, 'Sign File: Choose Its Certificate Chain');
    // Nothing else asked (no passphrase: the key is notation's plain PEM).
    await waitForQuickInputClosed(page, 'the certificate dialog to close, nothing more asked');
    const signed = toast(SIGNED);
    await signed.waitFor();
    assert.equal(await signed.locator('.notification-list-item-message').innerText(), SIGNED);
    assert.deepEqual(await signed.locator('.monaco-button').allInnerTexts(), ['Verify']);
  });

  step('on disk: release.tar.gz.jws.sig, notation\'s JWS over the file\'s SHA-384; manifold verify-blob --notary-roots signer.crt verifies it (exit 0)', async () => {
    const signature = inWorkspace(`${RELEASE}.jws.sig`);
    const jws = await waitUntil(() => readFile(signature, 'utf8').then(JSON.parse), (j) => j !== undefined, { what: `${signature} on disk` });
    const header = base64url(jws.protected);
    assert.equal(header.alg, 'ES384');
    assert.equal(header.cty, 'application/vnd.cncf.notary.payload.v1+json');
    assert.equal(header['io.cncf.notary.signingScheme'], 'notary.x509');
    // The signing certificate travels in the envelope: the one generate-certificate wrote.
    const pem = await readFile(inWorkspace('signer.crt'), 'utf8');
    assert.equal(jws.header.x5c.length, 1);
    assert.equal(jws.header.x5c[0], pem.replace(/-----[^-]+-----|\s/g, ''));
    const { targetArtifact } = base64url(jws.payload);
    assert.deepEqual(
      { mediaType: targetArtifact.mediaType, digest: targetArtifact.digest, size: targetArtifact.size },
      { mediaType: 'application/octet-stream', digest: `sha384:${sha384(RELEASE_BYTES)}`, size: RELEASE_BYTES.length },
    );
    const run = cli(['verify-blob', '--notary-roots', inWorkspace('signer.crt'), '--signature', signature, inWorkspace(RELEASE)]);
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
    // The Explorer lists the signature (read from the page, as the user sees it).
    await explorerRow(wb.page, `${RELEASE}.jws.sig`).waitFor();
  });

  step('Verify File Signature… on release.tar.gz under manifold.notaryRoots: the notification says verified, naming the subject and the root', async () => {
    const page = wb.page;
    await runFromPalette(page, 'Notifications: Clear All Notifications');
    await toast(SIGNED).waitFor({ state: 'hidden' });
    // The settings in the editor, for the screenshot: what makes Sign File write Notary signatures and what verifies them.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('.vscode/settings.json');
    await waitForQuickInput(page, (s) => s.rows.some((r) => r.label === 'settings.json'), '.vscode/settings.json in Quick Open');
    await page.keyboard.press('Enter');
    await waitForQuickInputClosed(page, 'Quick Open to close');
    await waitUntil(() => page.locator('.part.editor .view-lines').innerText(), (t) => t.includes('manifold.notaryRoots'), { what: 'settings.json shown in the editor' });
    await runFromExplorerMenu(page, RELEASE, command('manifold.verifyFileSignature').title);
    const verified = toast('verified by');
    await verified.waitFor();
    assert.equal(await verified.locator('.notification-list-item-message').innerText(), VERIFIED);
    // An information, not a warning.
    assert.equal(await verified.locator('.codicon-warning').count(), 0);
    // Expanded, the whole text is shown (one line cuts it after the subject's first attributes).
    await verified.locator('.notification-list-item-message').hover();
    await verified.locator('.codicon-notifications-expand').click();
    await verified.locator('.codicon-notifications-collapse').waitFor();
    await pointerAway(page); // no hover over the toast in the screenshot
    await wb.screenshot('notary-file-signature'); // the README's docs/images/notary-file-signature.png
  });

  step('release.tar.gz changed on disk: Verify File Signature… warns, naming the problem (digest-mismatch) and both digests', async () => {
    const page = wb.page;
    const changed = Buffer.from('release 1.0.0: the bytes a user ships, changed after signing\n');
    await writeFile(inWorkspace(RELEASE), changed);
    await runFromPalette(page, 'Notifications: Clear All Notifications');
    await toast(VERIFIED).waitFor({ state: 'hidden' });
    await runFromExplorerMenu(page, RELEASE, command('manifold.verifyFileSignature').title);
    const warned = toast('not verified');
    await warned.waitFor();
    assert.equal(
      await warned.locator('.notification-list-item-message').innerText(),
      `release.tar.gz: not verified: digest-mismatch: the signature is not over this file: it signs sha384:${sha384(RELEASE_BYTES)} (${RELEASE_BYTES.length} bytes), not sha384:${sha384(changed)} (${changed.length} bytes)`,
    );
    assert.equal(await warned.locator('.codicon-warning').count(), 1);
    await wb.screenshot('notary-file-signature-changed', warned);
  });
});
