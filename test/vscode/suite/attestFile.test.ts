import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AttestFileOutcome } from '../../../src/extension/commands/attestFile';
import type { FileVerifyOutcome } from '../../../src/extension/commands/verifyFileSignature';
import { PREDICATE_TYPES } from '../../../src/oci/attestations';
import { blobDigest, encryptCosignKey, readPublicKeyFile, verifyBlobEnvelope } from '../../../src/oci/signatures';
import { RecordedPrompts } from './extensionWindow';

const attest = (...args: unknown[]) => vscode.commands.executeCommand<AttestFileOutcome | undefined>('manifold.attestFile', ...args);
const attestEach = (selection: vscode.Uri[]) => vscode.commands.executeCommand<AttestFileOutcome[] | undefined>('manifold.attestFile', selection[0], selection);
const verify = (...args: unknown[]) => vscode.commands.executeCommand<FileVerifyOutcome | undefined>('manifold.verifyFileSignature', ...args);

const SPDX = 'https://spdx.dev/Document';

/**
 * "Attest File…" as from the Explorer's context menu (a file's URI): the predicate chosen, its type picked, the key
 * chosen and its passphrase typed; `<file>.intoto.jsonl` beside the file is attest-blob's DSSE envelope, which the
 * core's verify-blob check and Verify File Signature… verify; replacing one is asked; a selection is attested with
 * what is asked once.
 */
describe('Attest File', () => {
  const ui = new RecordedPrompts();
  let dir: string;
  let file: string;
  let sbom: string;
  let key: string;
  let pub: string;
  const settings = () => vscode.workspace.getConfiguration('manifold');
  const set = (name: string, value: unknown) => settings().update(name, value, vscode.ConfigurationTarget.Global);
  const statementOf = (envelope: string) => JSON.parse(Buffer.from((JSON.parse(readFileSync(envelope, 'utf8')) as { payload: string }).payload, 'base64').toString('utf8')) as {
    subject: Array<{ name: string; digest: Record<string, string> }>;
    predicateType: string;
    predicate: unknown;
  };
  const waitShown = async (prefix: string) => {
    for (let i = 0; i < 50 && !ui.shown.some((m) => m.startsWith(prefix)); i++) await new Promise((r) => setTimeout(r, 100));
  };

  before(async () => {
    const ext = vscode.extensions.getExtension('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    dir = mkdtempSync(join(tmpdir(), 'manifold-attest-file-'));
    file = join(dir, 'release.tar.gz');
    writeFileSync(file, 'release 1.0\n');
    sbom = join(dir, 'sbom.spdx.json');
    writeFileSync(sbom, '{"spdxVersion":"SPDX-2.3","packages":[{"name":"zlib"}]}\n');
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    key = join(dir, 'cosign.key');
    pub = join(dir, 'cosign.pub');
    writeFileSync(key, encryptCosignKey(pair.privateKey, 'open sesame'));
    writeFileSync(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    ui.install();
  });

  beforeEach(() => ui.reset());

  after(async () => {
    ui.restore();
    await set('signatureKeys', undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the predicate chosen, its type picked, the key chosen and its passphrase typed; writes <file>.intoto.jsonl, an envelope the core verifies', async () => {
    ui.opens = [[vscode.Uri.file(sbom)], [vscode.Uri.file(key)]];
    ui.picks = ['spdxjson'];
    ui.typed = ['open sesame'];
    const outcome = await attest(vscode.Uri.file(file), [vscode.Uri.file(file)]);
    assert.ok(outcome && !Array.isArray(outcome), `the command returned ${JSON.stringify(outcome)}: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, [
      'open: Attest File: Choose the Predicate',
      `pick: The predicate type: ${[...Object.keys(PREDICATE_TYPES), 'A URI…'].join(' | ')}`,
      'open: Attest File: Choose the Private Key',
      'input: The passphrase of cosign.key',
    ]);
    const envelope = `${file}.intoto.jsonl`;
    const digest = blobDigest(readFileSync(file));
    assert.deepEqual(outcome, {
      file,
      envelope,
      digest,
      predicateType: SPDX,
      message: `Attested release.tar.gz (${SPDX}: sbom.spdx.json) with cosign.key (ecdsa-p256): release.tar.gz.intoto.jsonl`,
    });
    assert.deepEqual(ui.shown, [`info: ${outcome.message} [Verify]`]);
    // The core's check (verify-blob --signature), apart from the command's: the file's digest, the predicate type.
    const check = verifyBlobEnvelope(readFileSync(envelope), digest, [await readPublicKeyFile(pub)]);
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.equal(check.fields.predicateType, SPDX);
    assert.equal(check.fields.identity, 'release.tar.gz');
    const statement = statementOf(envelope);
    assert.deepEqual(statement.subject, [{ name: 'release.tar.gz', digest: { sha256: digest.slice('sha256:'.length) } }]);
    assert.deepEqual(statement.predicate, JSON.parse(readFileSync(sbom, 'utf8')));
    // Another file's digest: not this file's attestation.
    assert.equal(verifyBlobEnvelope(readFileSync(envelope), blobDigest(Buffer.from('another file\n')), [await readPublicKeyFile(pub)]).ok, false);
  });

  it('asks before replacing the envelope: declined, it stays as it was and nothing else is asked', async () => {
    const envelope = `${file}.intoto.jsonl`;
    const before = readFileSync(envelope);
    assert.equal(await attest(vscode.Uri.file(file), { predicate: sbom, type: 'spdxjson', key, passphrase: 'open sesame' }), undefined);
    assert.deepEqual(ui.shown, ['warning: release.tar.gz.intoto.jsonl exists beside release.tar.gz. Replace it? [Replace]']);
    assert.deepEqual(ui.asked, []);
    assert.ok(readFileSync(envelope).equals(before), 'the envelope changed');
  });

  it('Verify File Signature on the file with manifold.signatureKeys: the envelope beside it verified, the predicate type named', async () => {
    await set('signatureKeys', [pub]);
    const outcome = await verify(vscode.Uri.file(file));
    assert.ok(outcome, `the command returned nothing: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked, []);
    assert.equal(outcome.signature, `${file}.intoto.jsonl`);
    assert.equal(outcome.valid, true, outcome.message);
    assert.equal(outcome.message, `release.tar.gz: verified by ${pub} (ecdsa-p256), an attestation of ${SPDX}`);
    assert.deepEqual(ui.shown, [`info: ${outcome.message}`]);
  });

  it('replacing accepted, a URI typed as the type; the notification\'s Verify verifies the envelope just written', async () => {
    await set('signatureKeys', [pub]);
    const provenance = join(dir, 'provenance.json');
    writeFileSync(provenance, '{"builder":{"id":"https://example.com/builder"}}\n');
    ui.answers = ['Replace', 'Verify'];
    ui.picks = ['A URI…'];
    ui.typed = ['https://example.com/attestation/v1'];
    const outcome = await attest({ file, predicate: provenance, key, passphrase: 'open sesame' });
    assert.ok(outcome && !Array.isArray(outcome), `the command returned ${JSON.stringify(outcome)}: ${ui.shown.join('; ')}`);
    assert.equal(outcome.predicateType, 'https://example.com/attestation/v1');
    assert.deepEqual(ui.asked.map((a) => a.split(':')[0]), ['pick', 'input']);
    assert.equal(statementOf(outcome.envelope).predicateType, 'https://example.com/attestation/v1');
    await waitShown('info: release.tar.gz: verified');
    assert.deepEqual(ui.shown, [
      'warning: release.tar.gz.intoto.jsonl exists beside release.tar.gz. Replace it? [Replace]',
      `info: ${outcome.message} [Verify]`,
      `info: release.tar.gz: verified by ${pub} (ecdsa-p256), an attestation of https://example.com/attestation/v1`,
    ]);
  });

  it('custom picked, as attest-blob --type custom: a text predicate wrapped as cosign wraps it ({ Data, Timestamp }); replace given, nothing asked about it', async () => {
    const scan = join(dir, 'scan.txt');
    writeFileSync(scan, 'no findings\n');
    ui.picks = ['custom'];
    const outcome = await attest({ file, predicate: scan, key, passphrase: 'open sesame', replace: true });
    assert.ok(outcome && !Array.isArray(outcome), `the command returned ${JSON.stringify(outcome)}: ${ui.shown.join('; ')}`);
    assert.deepEqual(ui.asked.map((a) => a.split(':')[0]), ['pick']);
    assert.equal(outcome.predicateType, PREDICATE_TYPES.custom);
    const statement = statementOf(outcome.envelope);
    assert.equal(statement.predicateType, PREDICATE_TYPES.custom);
    assert.equal((statement.predicate as { Data: string }).Data, 'no findings\n');
    assert.match((statement.predicate as { Timestamp: string }).Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(ui.shown, [`info: ${outcome.message} [Verify]`]);
  });

  it('an Explorer selection of two files: one question about the envelope there, the predicate, type and key asked once; each file gets its own envelope', async () => {
    await set('signatureKeys', [pub]);
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'release notes\n');
    // A bundle beside notes.txt (of another file): Verify on the selection still checks the envelopes just written.
    copyFileSync(`${file}.intoto.jsonl`, `${notes}.sigstore.json`);
    const before = readFileSync(`${file}.intoto.jsonl`);
    ui.opens = [[vscode.Uri.file(sbom)], [vscode.Uri.file(key)]];
    ui.picks = ['spdxjson'];
    ui.typed = ['open sesame'];
    ui.answers = ['Replace', 'Verify'];
    // The selection holds release.tar.gz's envelope too: it is not itself attested.
    const selection = [file, `${file}.intoto.jsonl`, notes].map((f) => vscode.Uri.file(f));
    const outcomes = await attestEach(selection);
    assert.ok(Array.isArray(outcomes), `not one outcome per file: ${JSON.stringify(outcomes)} ${ui.shown.join('; ')}`);
    assert.deepEqual(
      outcomes.map((o) => [o.file, o.envelope, o.predicateType]),
      [
        [file, `${file}.intoto.jsonl`, SPDX],
        [notes, `${notes}.intoto.jsonl`, SPDX],
      ],
    );
    assert.deepEqual(ui.asked.map((a) => a.split(':').slice(0, 2).join(':')), ['open: Attest File', 'pick: The predicate type', 'open: Attest File', 'input: The passphrase of cosign.key']);
    assert.ok(!readFileSync(`${file}.intoto.jsonl`).equals(before), 'the envelope was not replaced');
    const pubKey = await readPublicKeyFile(pub);
    for (const f of [file, notes]) {
      const check = verifyBlobEnvelope(readFileSync(`${f}.intoto.jsonl`), blobDigest(readFileSync(f)), [pubKey]);
      assert.equal(check.ok, true, `${f}: ${JSON.stringify(check)}`);
      assert.equal(check.fields.predicateType, SPDX);
    }
    await waitShown('info: 2 files verified');
    assert.deepEqual(ui.shown, [
      'warning: release.tar.gz.intoto.jsonl exist already. Replace them? [Replace]',
      `info: Attested 2 files (${SPDX}: sbom.spdx.json) with cosign.key (ecdsa-p256): release.tar.gz.intoto.jsonl, notes.txt.intoto.jsonl [Verify]`,
      'info: 2 files verified: release.tar.gz, notes.txt',
    ]);
  });
});
