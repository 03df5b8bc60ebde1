import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SignFileOutcome } from '../../../src/extension/commands/signFile';
import type { FileVerifyOutcome } from '../../../src/extension/commands/verifyFileSignature';
import { attestBlob, blobDigest, certificateSubject, decryptCosignKey, encryptCosignKey, loadNotaryRoots, makeSigningCertificate, verifyNotaryBlob } from '../../../src/oci/signatures';
import { RecordedPrompts } from './extensionWindow';

const sign = (...args: unknown[]) => vscode.commands.executeCommand<SignFileOutcome | undefined>('manifold.signFile', ...args);
const signEach = (selection: vscode.Uri[]) => vscode.commands.executeCommand<SignFileOutcome[] | undefined>('manifold.signFile', selection[0], selection);
const verify = (...args: unknown[]) => vscode.commands.executeCommand<FileVerifyOutcome | undefined>('manifold.verifyFileSignature', ...args);
const verifyEach = (selection: vscode.Uri[]) => vscode.commands.executeCommand<FileVerifyOutcome[] | undefined>('manifold.verifyFileSignature', selection[0], selection);

const SUBJECT = 'C=US, ST=WA, O=Example, CN=release signer';

/**
 * "Sign File…" and "Verify File Signature…" with the Notary Project's blob signatures (notation's FILE.jws.sig,
 * FILE.cose.sig) and attest-blob's DSSE envelope: signed with a key and certificate generate-certificate's core
 * makes (manifold.signingFormat notary), verified under manifold.notaryRoots, found beside the file, not verified
 * once the file changes; notation's own signatures of its LICENSE under a blob trust policy folder; an envelope
 * beside a file verified with manifold.signatureKeys, its predicate type said.
 */
describe('Sign File and Verify File Signature: Notary signatures and attest-blob envelopes', () => {
  const ui = new RecordedPrompts();
  let dir: string;
  let file: string;
  let notaryKey: string;
  let notaryCrt: string;
  const settings = () => vscode.workspace.getConfiguration('manifold');
  const set = (name: string, value: unknown) => settings().update(name, value, vscode.ConfigurationTarget.Global);
  const SETTINGS = ['signingFormat', 'notarySignatureFormat', 'notaryRoots', 'notaryTsaRoots', 'notaryTrustPolicy', 'signatureKeys', 'signingAnnotations', 'signatureAnnotations'];

  before(async () => {
    const ext = vscode.extensions.getExtension('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    dir = mkdtempSync(join(tmpdir(), 'manifold-notary-files-'));
    file = join(dir, 'release.tar.gz');
    writeFileSync(file, 'release 1.0\n');
    const made = makeSigningCertificate({ keyType: 'ecdsa-p384', subject: certificateSubject(SUBJECT), days: 30 });
    notaryKey = join(dir, 'signer.key');
    notaryCrt = join(dir, 'signer.crt');
    writeFileSync(notaryKey, made.keyPem);
    writeFileSync(notaryCrt, made.certificatePem);
    ui.install();
  });

  beforeEach(() => ui.reset());

  after(async () => {
    ui.restore();
    for (const name of SETTINGS) await set(name, undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('Sign File with manifold.signingFormat notary: the Notary key and its certificate chosen; writes <file>.jws.sig, an envelope the certificate verifies', async () => {
    await set('signingFormat', 'notary');
    ui.opens = [[vscode.Uri.file(notaryKey)], [vscode.Uri.file(notaryCrt)]];
    const outcome = await sign(vscode.Uri.file(file), [vscode.Uri.file(file)]);
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, ['open: Sign File: Choose the Notary Signing Key', 'open: Sign File: Choose Its Certificate Chain']);
    const signature = `${file}.jws.sig`;
    assert.deepEqual(outcome, { file, bundle: signature, digest: blobDigest(readFileSync(file)), message: 'Signed release.tar.gz with signer.key (ES384): release.tar.gz.jws.sig' });
    assert.deepEqual(ui.shown, [`info: ${outcome.message} [Verify]`]);
    // The core's check, apart from the command's: a JWS over the file's SHA-384 descriptor.
    const check = verifyNotaryBlob(readFileSync(signature), 'jws', readFileSync(file), { roots: loadNotaryRoots('signer.crt', readFileSync(notaryCrt)), authorityRoots: [], identities: [] });
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.match(check.digest, /^sha384:[0-9a-f]{96}$/);
  });

  it('Sign File asks before replacing the Notary signature: declined, it stays as it was', async () => {
    const signature = `${file}.jws.sig`;
    const before = readFileSync(signature);
    assert.equal(await sign(vscode.Uri.file(file), { notaryKey, notaryCertificate: notaryCrt }), undefined);
    assert.deepEqual(ui.shown, ['warning: release.tar.gz.jws.sig exists beside release.tar.gz. Replace it? [Replace]']);
    assert.deepEqual(ui.asked, []);
    assert.ok(readFileSync(signature).equals(before), 'the signature changed');
  });

  it('Verify File Signature under manifold.notaryRoots: the .jws.sig beside the file verified, no question asked', async () => {
    await set('notaryRoots', [notaryCrt]);
    const outcome = await verify(vscode.Uri.file(file));
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, []);
    assert.equal(outcome.signature, `${file}.jws.sig`);
    assert.equal(outcome.valid, true, outcome.message);
    assert.match(outcome.digest, /^sha384:/);
    assert.equal(outcome.message, `release.tar.gz: verified by Notary signature of ${SUBJECT} (root ${notaryCrt}, notary.x509)`);
    assert.deepEqual(ui.shown, [`info: ${outcome.message}`]);
  });

  it('the file changed: not verified, a warning naming what the signature signs instead', async () => {
    writeFileSync(file, 'release 1.0, changed\n');
    try {
      const outcome = await verify({ file });
      assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
      assert.equal(outcome.valid, false);
      assert.equal(outcome.problem, 'digest-mismatch');
      assert.match(outcome.message, /^release\.tar\.gz: not verified: digest-mismatch: the signature is not over this file: it signs sha384:[0-9a-f]+ \(12 bytes\), not sha384:[0-9a-f]+ \(21 bytes\)$/);
      assert.deepEqual(ui.shown, [`warning: ${outcome.message}`]);
    } finally {
      writeFileSync(file, 'release 1.0\n');
    }
  });

  it('no Notary roots set: not verified, saying which setting to set', async () => {
    await set('notaryRoots', undefined);
    const outcome = await verify({ file, signature: `${file}.jws.sig` });
    assert.equal(outcome?.valid, false);
    assert.equal(outcome?.message, 'release.tar.gz: not verified: no-notary-trust: a Notary signature: set manifold.notaryRoots (or manifold.notaryTrustPolicy) to verify it');
    assert.deepEqual(ui.asked, []);
  });

  it('run on the signature itself (release.tar.gz.jws.sig): the file beside it is verified with it', async () => {
    await set('notaryRoots', [notaryCrt]);
    const outcome = await verify(vscode.Uri.file(`${file}.jws.sig`));
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual([outcome.file, outcome.signature, outcome.valid], [file, `${file}.jws.sig`, true]);
  });

  it('manifold.signingAnnotations signed as user metadata; manifold.signatureAnnotations asked for: another value is annotation-mismatch', async () => {
    await set('notaryRoots', [notaryCrt]);
    await set('signingAnnotations', { team: 'web', build: '42' });
    const notes = join(dir, 'metadata.txt');
    writeFileSync(notes, 'signed with metadata\n');
    ui.opens = [[vscode.Uri.file(notaryKey)], [vscode.Uri.file(notaryCrt)]];
    const outcome = await sign(vscode.Uri.file(notes), [vscode.Uri.file(notes)]);
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    // What notation signs: the payload's targetArtifact annotations.
    const jws = JSON.parse(readFileSync(`${notes}.jws.sig`, 'utf8')) as { payload: string };
    const payload = JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8')) as { targetArtifact: { annotations?: Record<string, string> } };
    assert.deepEqual(payload.targetArtifact.annotations, { build: '42', team: 'web' });
    await set('signatureAnnotations', { team: 'web' });
    const verified = await verify({ file: notes });
    assert.equal(verified?.valid, true, verified?.message);
    await set('signatureAnnotations', { team: 'ops' });
    const other = await verify({ file: notes });
    assert.equal(other?.valid, false);
    assert.equal(other?.problem, 'annotation-mismatch', other?.message);
    assert.match(other!.message, /team/);
    await set('signatureAnnotations', undefined);
    await set('signingAnnotations', undefined);
  });

  it('manifold.notarySignatureFormat cose, an Explorer selection: one key, each file its .cose.sig; both verified in one notification', async () => {
    await set('notarySignatureFormat', 'cose');
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'release notes\n');
    ui.opens = [[vscode.Uri.file(notaryKey)], [vscode.Uri.file(notaryCrt)]];
    // The selection holds release.tar.gz's JWS signature too: it is not itself signed.
    const outcomes = await signEach([file, `${file}.jws.sig`, notes].map((f) => vscode.Uri.file(f)));
    assert.ok(Array.isArray(outcomes), `not one outcome per file: ${JSON.stringify(outcomes)} ${ui.shown.join('; ')}`);
    assert.deepEqual(
      outcomes.map((o) => [o.file, o.bundle]),
      [
        [file, `${file}.cose.sig`],
        [notes, `${notes}.cose.sig`],
      ],
    );
    assert.deepEqual(ui.asked, ['open: Sign File: Choose the Notary Signing Key', 'open: Sign File: Choose Its Certificate Chain']);
    assert.deepEqual(ui.shown, ['info: Signed 2 files with signer.key (ES384): release.tar.gz.cose.sig, notes.txt.cose.sig [Verify]']);
    ui.shown.length = 0;
    ui.asked.length = 0;
    // release.tar.gz has both: the JWS first (BESIDE's order); notes.txt its COSE one.
    const verified = await verifyEach([file, `${file}.cose.sig`, notes, `${notes}.cose.sig`].map((f) => vscode.Uri.file(f)));
    assert.ok(Array.isArray(verified), JSON.stringify(verified));
    assert.deepEqual(
      verified.map((o) => [o.file, o.signature, o.valid]),
      [
        [file, `${file}.jws.sig`, true],
        [notes, `${notes}.cose.sig`, true],
      ],
    );
    assert.deepEqual(ui.shown, ['info: 2 files verified: release.tar.gz, notes.txt']);
    // Both beside it: picked; the COSE one verifies too.
    ui.picks = ['release.tar.gz.cose.sig'];
    const cose = await verify(vscode.Uri.file(file));
    assert.deepEqual(ui.asked, ['pick: The signature of release.tar.gz: release.tar.gz.jws.sig | release.tar.gz.cose.sig | Choose…']);
    assert.equal(cose?.valid, true, cose?.message);
  });

  it("notation's own signatures of its LICENSE (notary-blob-vector) under manifold.notaryTrustPolicy naming a folder: its trustpolicy.blob.json and truststore", async () => {
    await set('notaryRoots', undefined);
    const ext = vscode.extensions.getExtension('manifold-dev.manifold')!;
    const vector = join(ext.extensionPath, 'test', 'fixtures', 'notary-blob-vector');
    const release = join(dir, 'notation');
    mkdirSync(release);
    copyFileSync(join(vector, 'LICENSE'), join(release, 'LICENSE'));
    copyFileSync(join(vector, 'blob.jws.sig'), join(release, 'LICENSE.jws.sig'));
    // notation's config folder, as its e2e tests configure one: a ca store and Microsoft's TSA root.
    const config = join(dir, 'notation-config');
    for (const [type, name, cert] of [['ca', 'notation', 'jws-signer.crt'], ['tsa', 'microsoft', 'microsoft-identity-verification-root-2020.crt']] as const) {
      mkdirSync(join(config, 'truststore', 'x509', type, name), { recursive: true });
      copyFileSync(join(vector, cert), join(config, 'truststore', 'x509', type, name, cert));
    }
    const statement = { name: 'test-blob-with-timestamping', signatureVerification: { level: 'strict', verifyTimestamp: 'always', override: { revocation: 'skip' } }, trustStores: ['ca:notation', 'tsa:microsoft'], trustedIdentities: ['x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=testcert2'], globalPolicy: true };
    writeFileSync(join(config, 'trustpolicy.blob.json'), JSON.stringify({ version: '1.0', trustPolicies: [statement] }));
    await set('notaryTrustPolicy', config);
    const license = join(release, 'LICENSE');
    const outcome = await verify(vscode.Uri.file(license));
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.equal(outcome.valid, true, outcome.message);
    assert.equal(outcome.digest, 'sha256:c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4');
    assert.match(outcome.message, /^LICENSE: verified by Notary signature of C=US, ST=WA, L=Seattle, O=Notary, CN=testcert2 \(root ca:notation\/jws-signer\.crt, notary\.x509, trust policy "test-blob-with-timestamping" strict\), timestamped by .*Microsoft Public RSA Time Stamping Authority at 2024-12-31T08:05:30\.009Z/);
    assert.deepEqual(ui.shown, [`info: ${outcome.message}`]);
    // The setting naming the image policy beside it (one setting serves images and files): the same blob policy read.
    writeFileSync(join(config, 'trustpolicy.json'), JSON.stringify({ version: '1.0', trustPolicies: [] }));
    await set('notaryTrustPolicy', join(config, 'trustpolicy.json'));
    assert.equal((await verify(vscode.Uri.file(license)))?.valid, true);
    // A byte more: not verified.
    writeFileSync(license, Buffer.concat([readFileSync(license), Buffer.from('\n')]));
    const changed = await verify(vscode.Uri.file(license));
    assert.equal(changed?.valid, false);
    assert.equal(changed?.problem, 'digest-mismatch', changed?.message);
    await set('notaryTrustPolicy', undefined);
  });

  it("attest-blob's DSSE envelope beside a file (<file>.intoto.jsonl): verified with manifold.signatureKeys, its predicate type said; another file's: not verified", async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const key = join(dir, 'cosign.key');
    const pub = join(dir, 'cosign.pub');
    writeFileSync(key, encryptCosignKey(pair.privateKey, 'open sesame'));
    writeFileSync(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const signer = decryptCosignKey(key, readFileSync(key, 'utf8'), 'open sesame');
    const sbom = join(dir, 'sbom.tar.gz');
    writeFileSync(sbom, 'an archive\n');
    const made = attestBlob('sbom.tar.gz', blobDigest(readFileSync(sbom)), signer, { type: 'slsaprovenance', predicate: Buffer.from('{"builder":{"id":"https://example.com/builder"}}') });
    writeFileSync(`${sbom}.intoto.jsonl`, made.envelope);
    await set('signatureKeys', [pub]);
    const outcome = await verify(vscode.Uri.file(sbom));
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, []);
    assert.equal(outcome.signature, `${sbom}.intoto.jsonl`);
    assert.equal(outcome.valid, true, outcome.message);
    assert.equal(outcome.message, `sbom.tar.gz: verified by ${pub} (ecdsa-p256), an attestation of ${made.predicateType}`);
    assert.deepEqual(ui.shown, [`info: ${outcome.message}`]);
    // The same envelope given for another file: it names another digest.
    const other = await verify({ file, signature: `${sbom}.intoto.jsonl` });
    assert.equal(other?.valid, false);
    assert.equal(other?.problem, 'digest-mismatch', other?.message);
    assert.ok(!existsSync(join(dir, '.vscode')));
  });
});
