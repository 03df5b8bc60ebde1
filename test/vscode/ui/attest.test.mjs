// UI test: "Attest…" then "Verify Attestations…" from v1's context menu, in code-server and chromium. The workspace
// holds a cosign.key (encrypted, passphrase "open sesame"), its cosign.pub and a provenance.json. The user
// right-clicks v1, picks Attest…, chooses "v1 and every manifest below it", provenance.json in the file dialog,
// slsaprovenance as the type, cosign.key in the file dialog, types its passphrase and the subject name, and reads the
// notification. Then Verify Attestations… on v1: slsaprovenance asked, cosign.pub chosen (no key set); the summary
// says every manifest verifies. `manifold verify-attestation --recursive` with cosign.pub agrees.
// Screenshots go to test-results/ (attest-*.png; attest-workbench.png is the README's docs/images/attest.png).
// Run: node --test --test-concurrency=1 test/vscode/ui/attest.test.mjs (after `npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { nls, openWorkbench, sequentialSteps } from './harness.mjs';
import { answer, chooseInFolder, pickOne } from './quickInput.mjs';
import { childrenOf, expand, openManifoldView, runFromContextMenu, showTag, waitForRows } from './layoutsView.mjs';

const SUBJECT = 'registry.example.com/app';
const PASSPHRASE = 'open sesame';
const SLSA = 'https://slsa.dev/provenance/v0.2';
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

/** In the workbench's file dialog (on the workspace folder), `name` is chosen; the dialog's title is checked. */
async function chooseInWorkspace(wb, name, title) {
  const dialog = await chooseInFolder(wb.page, wb.workspace.folder, name);
  assert.match(dialog.title ?? '', title);
}

describe('Attest and Verify Attestations in the workbench', { timeout: 300_000 }, () => {
  let wb;
  let appDir;
  const step = sequentialSteps(() => wb);

  before(async () => {
    wb = await openWorkbench({ demoLayouts: ['layouts/app'] });
    appDir = wb.workspace.layouts['layouts/app'].path;
    execFileSync(process.execPath, ['--import', 'tsx', '-e', MAKE_KEYS, wb.workspace.folder, PASSPHRASE], { cwd: projectRoot, stdio: 'inherit' });
    writeFileSync(join(wb.workspace.folder, 'provenance.json'), JSON.stringify({ builder: { id: 'https://example.com/builder@v1' }, buildType: 'https://example.com/make' }, null, 2));
  });

  after(async () => {
    await wb?.close();
  });

  step('right-click v1, Attest…: every manifest below it is picked', async () => {
    const page = wb.page;
    await openManifoldView(page);
    await showTag(page, 'app', 'v1');
    await runFromContextMenu(page, 'v1', 2, nls['command.attestImage.title']);
    const shown = await pickOne(page, 'v1 and every manifest below it');
    assert.deepEqual(shown.rows.map((r) => r.label), ['v1 and every manifest below it', 'v1 only']);
  });

  step('the predicate file is chosen in the file dialog, its type picked from cosign’s short names', async () => {
    const page = wb.page;
    await chooseInWorkspace(wb, 'provenance.json', /Choose the Predicate/);
    const types = await pickOne(page, 'slsaprovenance');
    assert.deepEqual(types.rows.map((r) => r.label), ['custom', 'slsaprovenance', 'slsaprovenance02', 'slsaprovenance1', 'spdx', 'spdxjson', 'cyclonedx', 'link', 'vuln', 'openvex', 'A URI…']);
  });

  step('the key is chosen, its passphrase and the subject name typed', async () => {
    const page = wb.page;
    await chooseInWorkspace(wb, 'cosign.key', /Choose the Private Key/);
    const pass = await answer(page, PASSPHRASE);
    assert.match(pass.message, /^The passphrase of cosign\.key\b/);
    const name = await answer(page, SUBJECT);
    assert.match(name.message, /^The subject name: the registry repository the image will be pulled from/);
  });

  step('the notification says what was attested, of which type, with which key and name; v1 shows the attestation', async () => {
    const page = wb.page;
    const text = `Attested v1 and the 2 manifests below it (${SLSA}: provenance.json) with cosign.key (ecdsa-p256) as ${SUBJECT}`;
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).waitFor();
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Attesting v1' }).waitFor({ state: 'hidden' });
    await expand(page, 'v1', 2);
    const under = await waitForRows(page, (r) => childrenOf(r, { label: 'v1', level: 2 }).some((c) => /\.att/.test(`${c.label} ${c.description}`)), 'the attestation row under v1').then((r) => childrenOf(r, { label: 'v1', level: 2 }));
    assert.ok(under.some((c) => /\.att/.test(`${c.label} ${c.description}`)), JSON.stringify(under));
    await wb.screenshot('attest-workbench'); // the README's docs/images/attest.png
  });

  step('right-click v1, Verify Attestations…: slsaprovenance asked, cosign.pub chosen; the summary: every manifest verified', async () => {
    const page = wb.page;
    await page.locator('.notifications-toasts .notification-toast .codicon-notifications-clear').first().click().catch(() => {});
    await runFromContextMenu(page, 'v1', 2, nls['command.verifyAttestations.title']);
    const types = await pickOne(page, 'slsaprovenance');
    assert.equal(types.rows[0].label, 'Any predicate type');
    await chooseInWorkspace(wb, 'cosign.pub', /Choose Public Keys/);
    const text = 'v1: 3 of 3 manifests verified by cosign.pub';
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });
    await toast.waitFor();
    await wb.screenshot('attest-verified', toast);
  });

  step('manifold verify-attestation --recursive --type slsaprovenance with cosign.pub: every manifest verified', async () => {
    const out = execFileSync(process.execPath, [join(projectRoot, 'dist', 'cli.js'), 'verify-attestation', '--key', join(wb.workspace.folder, 'cosign.pub'), '--type', 'slsaprovenance', '--recursive', '--format', 'json', '--oci-layout', `${appDir}:v1`], { encoding: 'utf8' });
    const report = JSON.parse(out);
    assert.deepEqual(
      report.manifests.map((m) => [m.label, m.valid, m.attestations.find((a) => a.valid)?.predicateType]),
      [
        ['index', true, SLSA],
        ['linux/amd64', true, SLSA],
        ['linux/arm64/v8', true, SLSA],
      ],
    );
  });
});
