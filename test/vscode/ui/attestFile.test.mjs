// UI test: "Attest File…" from the Explorer's menu on a file, in code-server and chromium, as a user attesting a
// release file with its SBOM. The workspace holds release.tar.gz, sbom.spdx.json, cosign.key (sealed with a
// passphrase, made by `manifold generate-key-pair`), cosign.pub and .vscode/settings.json with manifold.signatureKeys
// ["cosign.pub"]. Attest File… on release.tar.gz: sbom.spdx.json chosen in the workbench's file dialog, spdxjson
// picked as the type, cosign.key chosen, its passphrase typed; the notification names the type, the predicate file,
// the key and the envelope, and offers Verify. On disk, release.tar.gz.intoto.jsonl is a DSSE envelope whose
// statement names release.tar.gz and its SHA-256, and `manifold verify-blob --key cosign.pub --signature` verifies it.
// The notification's Verify says "verified by cosign.pub (ecdsa-p256), an attestation of https://spdx.dev/Document";
// with release.tar.gz changed on disk, Verify File Signature… from the Explorer finds the envelope and warns.
// The screenshot test-results/attest-file.png (the workbench: the Explorer with the envelope, the notification) is
// the README's docs/images/attest-file.png.
// Run: node --test --test-concurrency=1 test/vscode/ui/attestFile.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { projectRoot } from '../../../scripts/vscode-host/host.mjs';
import { explorerRow, runFromExplorerMenu, showExplorerWhenReady } from './explorer.mjs';
import { command, openWorkbench, runFromPalette, sequentialSteps } from './harness.mjs';
import { answer, chooseInFolder, pickOne, waitForQuickInputClosed } from './quickInput.mjs';
import { pointerAway, waitUntil } from './waits.mjs';

const PASSPHRASE = 'correct horse';
const RELEASE = 'release.tar.gz';
const RELEASE_BYTES = Buffer.from('release 1.0.0: the bytes a user ships\n');
const SBOM = { spdxVersion: 'SPDX-2.3', name: 'release 1.0.0', packages: [{ name: 'zlib', versionInfo: '1.3.1' }] };
const SPDX = 'https://spdx.dev/Document';
const ATTESTED = `Attested release.tar.gz (${SPDX}: sbom.spdx.json) with cosign.key (ecdsa-p256): release.tar.gz.intoto.jsonl`;
const VERIFIED = `release.tar.gz: verified by cosign.pub (ecdsa-p256), an attestation of ${SPDX}`;
const cli = (args) => spawnSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), ...args], { encoding: 'utf8' });

describe('Attest File from the Explorer in the workbench', { timeout: 300_000 }, () => {
  let wb;
  const step = sequentialSteps(() => wb);
  const inWorkspace = (name) => join(wb.workspace.folder, name);
  const toast = (text) => wb.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });

  before(async () => {
    wb = await openWorkbench();
    const folder = wb.workspace.folder;
    await writeFile(inWorkspace(RELEASE), RELEASE_BYTES);
    await writeFile(inWorkspace('sbom.spdx.json'), `${JSON.stringify(SBOM, null, 2)}\n`);
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

  step('the Explorer lists release.tar.gz, sbom.spdx.json, cosign.key and cosign.pub', async () => {
    await showExplorerWhenReady(wb.page, 'manifold.attestFile', [RELEASE, 'sbom.spdx.json', 'cosign.key', 'cosign.pub']);
  });

  step('Attest File… on release.tar.gz: sbom.spdx.json chosen as the predicate, spdxjson picked as its type', async () => {
    const page = wb.page;
    await runFromExplorerMenu(page, RELEASE, command('manifold.attestFile').title);
    const dialog = await chooseInFolder(page, wb.workspace.folder, 'sbom.spdx.json');
    assert.equal(dialog.title, 'Attest File: Choose the Predicate');
    const types = await pickOne(page, 'spdxjson');
    assert.deepEqual(types.rows.map((r) => r.label), ['custom', 'slsaprovenance', 'slsaprovenance02', 'slsaprovenance1', 'spdx', 'spdxjson', 'cyclonedx', 'link', 'vuln', 'openvex', 'A URI…']);
  });

  step('cosign.key chosen, its passphrase typed: the notification names the type, predicate, key and envelope, and offers Verify', async () => {
    const page = wb.page;
    const dialog = await chooseInFolder(page, wb.workspace.folder, 'cosign.key');
    assert.equal(dialog.title, 'Attest File: Choose the Private Key');
    const asked = await answer(page, PASSPHRASE);
    assert.match(asked.message, /^The passphrase of cosign\.key\b/);
    assert.equal(asked.title, 'Attest File');
    await waitForQuickInputClosed(page, 'the passphrase prompt to close');
    const attested = toast(ATTESTED);
    await attested.waitFor();
    // The pointer kept on its text (no tooltip there) until Verify is pressed: an information toast leaves after 10 s
    // unless the pointer is over it.
    await attested.locator('.notification-list-item-message').hover();
    assert.equal(await attested.locator('.notification-list-item-message').innerText(), ATTESTED);
    assert.deepEqual(await attested.locator('.monaco-button').allInnerTexts(), ['Verify']);
    // The Explorer lists the envelope (read from the page, as the user sees it).
    await explorerRow(page, `${RELEASE}.intoto.jsonl`).waitFor();
    await wb.screenshot('attest-file'); // the README's docs/images/attest-file.png
  });

  step('on disk: release.tar.gz.intoto.jsonl, a DSSE envelope whose statement names release.tar.gz and its SHA-256; verify-blob --key cosign.pub verifies it', async () => {
    const file = inWorkspace(`${RELEASE}.intoto.jsonl`);
    const envelope = await waitUntil(() => readFile(file, 'utf8').then(JSON.parse), (e) => e !== undefined, { what: `${file} on disk` });
    assert.equal(envelope.payloadType, 'application/vnd.in-toto+json');
    assert.equal(envelope.signatures.length, 1);
    assert.match(envelope.signatures[0].sig, /^[A-Za-z0-9+/]+=*$/);
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    assert.equal(statement._type, 'https://in-toto.io/Statement/v0.1');
    assert.equal(statement.predicateType, SPDX);
    assert.deepEqual(statement.subject, [{ name: RELEASE, digest: { sha256: createHash('sha256').update(RELEASE_BYTES).digest('hex') } }]);
    assert.deepEqual(statement.predicate, SBOM);
    const run = cli(['verify-blob', '--key', inWorkspace('cosign.pub'), '--signature', file, '--type', 'spdxjson', inWorkspace(RELEASE)]);
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  });

  step('the notification\'s Verify: verified by cosign.pub, an attestation of the SPDX type', async () => {
    const page = wb.page;
    await toast(ATTESTED).locator('.monaco-button', { hasText: 'Verify' }).click();
    const verified = toast('verified by');
    await verified.waitFor();
    assert.equal(await verified.locator('.notification-list-item-message').innerText(), VERIFIED);
    // An information, not a warning.
    assert.equal(await verified.locator('.codicon-warning').count(), 0);
    await pointerAway(page);
    await wb.screenshot('attest-file-verified', verified);
  });

  step('release.tar.gz changed on disk: Verify File Signature… from the Explorer finds the envelope and warns (digest-mismatch)', async () => {
    const page = wb.page;
    const changed = Buffer.from('release 1.0.0: the bytes a user ships, changed after attesting\n');
    await writeFile(inWorkspace(RELEASE), changed);
    await runFromPalette(page, 'Notifications: Clear All Notifications');
    await toast(VERIFIED).waitFor({ state: 'hidden' });
    await runFromExplorerMenu(page, RELEASE, command('manifold.verifyFileSignature').title);
    const warned = toast('not verified');
    await warned.waitFor();
    // The envelope names the bytes attested, not these: what it states and what the file is, both said.
    const [was, now] = [RELEASE_BYTES, changed].map((b) => createHash('sha256').update(b).digest('hex'));
    assert.equal(await warned.locator('.notification-list-item-message').innerText(), `release.tar.gz: not verified: digest-mismatch: its statement is of sha256:${was}, not sha256:${now}`);
    assert.equal(await warned.locator('.codicon-warning').count(), 1);
    await wb.screenshot('attest-file-changed', warned);
  });
});
