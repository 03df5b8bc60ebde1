import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SignFileOutcome } from '../../../src/extension/commands/signFile';
import type { FileVerifyOutcome } from '../../../src/extension/commands/verifyFileSignature';
import { blobDigest, decryptCosignKey, encryptCosignKey, readPublicKeyFile, verifyBlobBundle } from '../../../src/oci/signatures';
import { RecordedPrompts } from './extensionWindow';

const sign = (...args: unknown[]) => vscode.commands.executeCommand<SignFileOutcome | undefined>('manifold.signFile', ...args);
const signEach = (selection: vscode.Uri[]) => vscode.commands.executeCommand<SignFileOutcome[] | undefined>('manifold.signFile', selection[0], selection);
const verify = (...args: unknown[]) => vscode.commands.executeCommand<FileVerifyOutcome | undefined>('manifold.verifyFileSignature', ...args);
const verifyEach = (selection: vscode.Uri[]) => vscode.commands.executeCommand<FileVerifyOutcome[] | undefined>('manifold.verifyFileSignature', selection[0], selection);

// sigstore-conformance's keyless happy path: a.txt signed by its beacon workflow, verified offline under public-good's root.
const IDENTITY = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * "Sign File…" and "Verify File Signature…" as from the Explorer's context menu (a file's URI): the key chosen and
 * its passphrase typed; the bundle beside the file verifies with the public key of manifold.signatureKeys, and no
 * longer once the file changes; cosign's classic .sig beside it verifies too (picked when both are there); a keyless
 * bundle verifies under an identity and trusted root; with nothing set, the keys are asked for.
 */
describe('Sign File and Verify File Signature', () => {
  const ui = new RecordedPrompts();
  let dir: string;
  let file: string;
  let key: string;
  let pub: string;
  const settings = () => vscode.workspace.getConfiguration('manifold');
  const set = (name: string, value: unknown) => settings().update(name, value, vscode.ConfigurationTarget.Global);

  before(async () => {
    const ext = vscode.extensions.getExtension('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    dir = mkdtempSync(join(tmpdir(), 'manifold-file-signatures-'));
    file = join(dir, 'release.tar.gz');
    writeFileSync(file, 'release 1.0\n');
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    key = join(dir, 'cosign.key');
    pub = join(dir, 'cosign.pub');
    writeFileSync(key, encryptCosignKey(pair.privateKey, 'open sesame'));
    writeFileSync(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    // The conformance case's artifact and bundle, as a release would ship them side by side.
    const fixtures = join(ext.extensionPath, 'test', 'fixtures');
    copyFileSync(join(fixtures, 'sigstore-conformance', 'bundle-verify', 'a.txt'), join(dir, 'a.txt'));
    copyFileSync(join(fixtures, 'sigstore-conformance', 'bundle-verify', 'happy-path-v0.3', 'bundle.sigstore.json'), join(dir, 'a.txt.sigstore.json'));
    copyFileSync(join(fixtures, 'trusted-root', 'public-good.json'), join(dir, 'trusted_root.json'));
    ui.install();
  });

  beforeEach(() => ui.reset());

  after(async () => {
    ui.restore();
    for (const name of ['signatureKeys', 'signatureIdentities', 'sigstoreTrustedRoot']) await set(name, undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('Sign File: the key chosen, its passphrase typed; writes <file>.sigstore.json, a v0.3 bundle the public key verifies', async () => {
    ui.opens = [[vscode.Uri.file(key)]];
    ui.typed = ['open sesame'];
    const outcome = await sign(vscode.Uri.file(file), [vscode.Uri.file(file)]);
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, ['open: Sign File: Choose the Private Key', 'input: The passphrase of cosign.key']);
    const bundle = `${file}.sigstore.json`;
    assert.deepEqual(outcome, { file, bundle, digest: blobDigest(readFileSync(file)), message: 'Signed release.tar.gz with cosign.key (ecdsa-p256): release.tar.gz.sigstore.json' });
    assert.deepEqual(ui.shown, [`info: ${outcome.message} [Verify]`]);
    const written = JSON.parse(readFileSync(bundle, 'utf8')) as { mediaType: string };
    assert.equal(written.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    // The core's check, apart from the command's.
    const check = await verifyBlobBundle(readFileSync(bundle), readFileSync(file), [await readPublicKeyFile(pub)], {});
    assert.equal(check.ok, true, JSON.stringify(check));
  });

  it('Sign File asks before replacing the bundle: declined, it stays as it was', async () => {
    const bundle = `${file}.sigstore.json`;
    const before = readFileSync(bundle);
    ui.answers = [];
    assert.equal(await sign(vscode.Uri.file(file), { key, passphrase: 'open sesame' }), undefined);
    assert.deepEqual(ui.shown, ['warning: release.tar.gz.sigstore.json exists beside release.tar.gz. Replace it? [Replace]']);
    assert.ok(readFileSync(bundle).equals(before), 'the bundle changed');
  });

  it('Verify File Signature with manifold.signatureKeys: the bundle beside the file verified, no question asked', async () => {
    await set('signatureKeys', [pub]);
    const outcome = await verify(vscode.Uri.file(file));
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, []);
    assert.equal(outcome.valid, true);
    assert.equal(outcome.signature, `${file}.sigstore.json`);
    assert.equal(outcome.message, `release.tar.gz: verified by ${pub} (ecdsa-p256)`);
    assert.deepEqual(ui.shown, [`info: ${outcome.message}`]);
  });

  it('the file changed: not verified, a warning naming why', async () => {
    writeFileSync(file, 'release 1.0, changed\n');
    try {
      const outcome = await verify({ file });
      assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
      assert.equal(outcome.valid, false);
      assert.equal(outcome.problem, 'bad-signature');
      assert.match(outcome.message, /^release\.tar\.gz: not verified: bad-signature: .+/);
      assert.deepEqual(ui.shown, [`warning: ${outcome.message}`]);
    } finally {
      writeFileSync(file, 'release 1.0\n');
    }
  });

  it("cosign's classic .sig beside it: picked when the bundle is there too, and verified with the key", async () => {
    const signer = decryptCosignKey(key, readFileSync(key, 'utf8'), 'open sesame');
    writeFileSync(`${file}.sig`, signer.sign(readFileSync(file)).toString('base64'));
    ui.picks = ['release.tar.gz.sig'];
    const outcome = await verify(vscode.Uri.file(file));
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, ['pick: The signature of release.tar.gz: release.tar.gz.sigstore.json | release.tar.gz.sig | Choose…']);
    assert.equal(outcome.signature, `${file}.sig`);
    assert.equal(outcome.valid, true, outcome.message);
    // Another file's signature: not verified.
    writeFileSync(`${file}.sig`, signer.sign(Buffer.from('another file\n')).toString('base64'));
    const other = await verify({ file, signature: `${file}.sig` });
    assert.equal(other?.valid, false);
    assert.equal(other?.problem, 'bad-signature');
  });

  it('a keyless bundle (sigstore-conformance happy-path-v0.3) under an identity and a trusted root; another identity: not verified', async () => {
    await set('signatureKeys', undefined);
    await set('sigstoreTrustedRoot', join(dir, 'trusted_root.json'));
    await set('signatureIdentities', [{ identity: IDENTITY, issuer: ISSUER }]);
    const outcome = await verify(vscode.Uri.file(join(dir, 'a.txt')));
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, []);
    assert.equal(outcome.valid, true, outcome.message);
    assert.match(outcome.message, new RegExp(`^a\\.txt: verified by certificate for ${IDENTITY.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(${ISSUER.replace(/[./]/g, '\\$&')}\\)`));
    await set('signatureIdentities', [{ identity: 'someone@example.com', issuer: ISSUER }]);
    const other = await verify(vscode.Uri.file(join(dir, 'a.txt')));
    assert.equal(other?.valid, false);
    assert.match(other?.reason ?? '', /someone@example\.com/);
  });

  it('no signature beside the file: "Choose…" opens a dialog for it', async () => {
    const lone = join(dir, 'sbom.spdx.json');
    writeFileSync(lone, '{"spdxVersion":"SPDX-2.3"}\n');
    const elsewhere = join(dir, 'signatures.bundle');
    copyFileSync(`${file}.sigstore.json`, elsewhere);
    for (const name of ['signatureIdentities', 'sigstoreTrustedRoot']) await set(name, undefined);
    await set('signatureKeys', [pub]);
    ui.picks = ['Choose…'];
    ui.opens = [[vscode.Uri.file(elsewhere)]];
    const outcome = await verify(vscode.Uri.file(lone));
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, ['pick: No signature beside sbom.spdx.json: choose its bundle or signature: Choose…', 'open: Verify File Signature: Choose the Signature']);
    assert.equal(outcome.signature, elsewhere);
    // release.tar.gz's bundle: not of this file.
    assert.equal(outcome.valid, false);
    assert.equal(outcome.problem, 'bad-signature', outcome.message);
  });

  it("Sign File's Verify button verifies the bundle just written", async () => {
    await set('signatureKeys', [pub]);
    rmSync(`${file}.sigstore.json`);
    ui.answers = ['Verify'];
    const outcome = await sign(vscode.Uri.file(file), { key, passphrase: 'open sesame' });
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    // The notification's answer comes after the command returned: the verification's shows after it.
    for (let i = 0; i < 50 && !ui.shown.some((m) => m.startsWith('info: release.tar.gz: verified')); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(ui.shown.slice(-1), [`info: release.tar.gz: verified by ${pub} (ecdsa-p256)`]);
  });

  it('nothing set: the public keys are asked for, then verified with the one chosen', async () => {
    for (const name of ['signatureKeys', 'signatureIdentities', 'sigstoreTrustedRoot']) await set(name, undefined);
    ui.opens = [[vscode.Uri.file(pub)]];
    const outcome = await verify({ file, signature: `${file}.sigstore.json` });
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, ['open: Verify File Signature: Choose Public Keys']);
    assert.equal(outcome.valid, true, outcome.message);
    assert.equal(outcome.message, 'release.tar.gz: verified by cosign.pub (ecdsa-p256)');
    assert.ok(!existsSync(join(dir, '.vscode')));
  });

  it('Sign File on an Explorer selection: one key, one passphrase, one question about the bundle already there; each file gets its own bundle', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'release notes\n');
    const before = readFileSync(`${file}.sigstore.json`);
    ui.opens = [[vscode.Uri.file(key)]];
    ui.typed = ['open sesame'];
    ui.answers = ['Replace'];
    // The selection holds release.tar.gz's bundle too: it is not itself signed.
    const selection = [file, `${file}.sigstore.json`, notes].map((f) => vscode.Uri.file(f));
    const outcomes = await signEach(selection);
    assert.ok(Array.isArray(outcomes), `not one outcome per file: ${JSON.stringify(outcomes)} ${ui.shown.join('; ')}`);
    assert.deepEqual(
      outcomes.map((o) => [o.file, o.bundle]),
      [
        [file, `${file}.sigstore.json`],
        [notes, `${notes}.sigstore.json`],
      ],
    );
    assert.deepEqual(ui.asked, ['open: Sign File: Choose the Private Key', 'input: The passphrase of cosign.key']);
    assert.deepEqual(ui.shown, [
      'warning: release.tar.gz.sigstore.json exist already. Replace them? [Replace]',
      'info: Signed 2 files with cosign.key (ecdsa-p256): release.tar.gz.sigstore.json, notes.txt.sigstore.json [Verify]',
    ]);
    assert.ok(!readFileSync(`${file}.sigstore.json`).equals(before), 'the bundle was not replaced');
    const pubKey = await readPublicKeyFile(pub);
    for (const f of [file, notes]) {
      const check = await verifyBlobBundle(readFileSync(`${f}.sigstore.json`), readFileSync(f), [pubKey], {});
      assert.equal(check.ok, true, `${f}: ${JSON.stringify(check)}`);
    }
  });

  it('Verify File Signature on an Explorer selection: each file with the signature beside it, one warning naming the ones not verified', async () => {
    await set('signatureKeys', [pub]);
    const notes = join(dir, 'notes.txt');
    const lone = join(dir, 'lone.txt');
    writeFileSync(lone, 'no signature here\n');
    const selection = [file, `${file}.sigstore.json`, notes, lone].map((f) => vscode.Uri.file(f));
    const outcomes = await verifyEach(selection);
    assert.ok(Array.isArray(outcomes), `not one outcome per file: ${JSON.stringify(outcomes)} ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, []);
    assert.deepEqual(
      outcomes.map((o) => [o.file, o.signature, o.valid]),
      [
        [file, `${file}.sigstore.json`, true],
        [notes, `${notes}.sigstore.json`, true],
        [lone, '', false],
      ],
    );
    assert.deepEqual(ui.shown, ['warning: 2 of 3 files verified. lone.txt: not verified: no signature beside it (.sigstore.json, .bundle, .sig, .intoto.jsonl, .jws.sig, .cose.sig)']);
    // All verified: one notification naming them.
    ui.shown.length = 0;
    const good = await verifyEach(selection.slice(0, 3));
    assert.equal(Array.isArray(good) && good.every((o) => o.valid), true, JSON.stringify(good));
    assert.deepEqual(ui.shown, ['info: 2 files verified: release.tar.gz, notes.txt']);
  });

  it('run on the bundle itself (release.tar.gz.sigstore.json): the file beside it is verified with it', async () => {
    await set('signatureKeys', [pub]);
    const outcome = await verify(vscode.Uri.file(`${file}.sigstore.json`));
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, []);
    assert.deepEqual([outcome.file, outcome.signature, outcome.valid], [file, `${file}.sigstore.json`, true]);
    assert.deepEqual(ui.shown, [`info: release.tar.gz: verified by ${pub} (ecdsa-p256)`]);
  });
});
