// Checkpoints (signed notes) and Rekor v2 entries signed with a key, on logs made in the test (helpers/madeRekorLog.ts:
// a Rekor v1-style ECDSA log, a Rekor v2-style Ed25519 one): a checkpoint wrong in one thing only, yet signed, is
// refused naming that thing; witnesses' lines are passed over; a key-signed bundle whose only proof is an inclusion
// proof verifies through the CLI, logged with no time.
import { strict as assert } from 'node:assert';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeEnvelope, pae } from '../../src/oci/attestations/dsse';
import { COSIGN_SIGN_PREDICATE_TYPE, SIGSTORE_BUNDLE_MEDIA_TYPE } from '../../src/oci/signatures';
import { verifyBundleLog } from '../../src/oci/signatures/sigstore/bundleLog';
import { parseCheckpoint } from '../../src/oci/signatures/sigstore/checkpoint';
import type { BundleTlogEntry } from '../../src/oci/signatures/sigstore/sigstoreBundle';
import { makeLog, type MadeLog, treeRoot } from '../helpers/madeRekorLog';
import { runCli } from '../helpers/runCli';
import { attachBundle, type Json } from '../helpers/sigstoreBundles';
import { cleanupTemps, makeImage, newLayout, tempDir } from './builders';

after(cleanupTemps);

/** A signer's key pair, and what a Rekor v2 hashedrekord 0.0.2 entry logs of its signature over `signed`. */
function signer() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const body = (signed: Buffer, signature: Buffer) =>
    Buffer.from(
      JSON.stringify({
        apiVersion: '0.0.2',
        kind: 'hashedrekord',
        spec: { hashedRekordV002: { data: { algorithm: 'SHA2_256', digest: createHash('sha256').update(signed).digest('base64') }, signature: { content: signature.toString('base64'), verifier: { keyDetails: 'PKIX_ECDSA_P256_SHA_256', publicKey: { rawBytes: spki.toString('base64') } } } } },
      }),
    );
  return { privateKey, publicKey, spki, body };
}

/** Entry `index` of a tree of `others` around `body`, as a bundle holds it (parsed), with the proof `change` makes of it. */
function entry(log: MadeLog, body: Buffer, change: (proof: Json) => void = () => {}): BundleTlogEntry {
  const entries = [Buffer.from('a'), Buffer.from('b'), body, Buffer.from('c'), Buffer.from('d'), Buffer.from('e')];
  const proof = log.inclusionProof(entries, 2) as Json;
  change(proof);
  // Labelled as its body says (a kindVersion that disagrees is refused).
  const { kind, apiVersion } = JSON.parse(body.toString('utf8')) as { kind: string; apiVersion: string };
  return { body: body.toString('base64'), integratedTime: 0, logIndex: 2, logID: Buffer.from(log.logIdBase64, 'base64').toString('hex'), kind, version: apiVersion, inclusionProof: proof };
}

describe('checkpoints (signed notes) of a log made here', () => {
  const s = signer();
  const message = Buffer.from('the bytes signed');
  const signature = sign('sha256', message, s.privateKey);
  const body = s.body(message, signature);
  const logged = { signature, publicKey: s.spki, signed: { message } };

  for (const kind of ['v1-ecdsa', 'v2-ed25519'] as const) {
    it(`${kind}: proves the entry (the log named by its log ID), and refuses a checkpoint of another size or root, though signed`, () => {
      const log = makeLog(kind);
      assert.deepEqual(verifyBundleLog([entry(log, body)], [log.key], logged), { logIndex: 2, logId: Buffer.from(log.logIdBase64, 'base64').toString('hex'), key: log.key.name, inclusionProof: true });
      const root = (p: Json) => p.rootHash as string;
      const resigned = (text: (p: Json) => string) => (p: Json) => (p.checkpoint = { envelope: log.note(text(p)) });
      const cases: Array<[(p: Json) => void, RegExp]> = [
        [resigned((p) => `${log.origin}\n7\n${root(p)}\n`), /^tlogEntries\[0\]\.inclusionProof: checkpoint: its tree size 7 is not the proof's treeSize 6$/],
        [resigned(() => `${log.origin}\n6\n${treeRoot([Buffer.from('x')]).toString('base64')}\n`), /^tlogEntries\[0\]\.inclusionProof: checkpoint: its root hash [0-9a-f]{64} is not the proof's rootHash [0-9a-f]{64}$/],
        // Its signature over other text: an extension line added after signing.
        [(p) => (p.checkpoint = { envelope: p.checkpoint.envelope.replace('\n\n', '\nextra\n\n') }), /^tlogEntries\[0\]\.inclusionProof: checkpoint: its signature by log\.example\.test does not verify with v[12]-\S+\.pub/],
        [(p) => (p.checkpoint = { envelope: p.checkpoint.envelope.replace(/\n\u2014 .*\n$/, '\n') }), /inclusionProof\.checkpoint: no blank line before its signatures|its signature lines/],
        [(p) => (p.checkpoint = { envelope: `${log.origin}\n06\n${root(p)}\n\n${p.checkpoint.envelope.split('\n\n')[1]}` }), /inclusionProof\.checkpoint: tree size "06": not a decimal number/],
      ];
      for (const [change, reason] of cases) {
        const r = verifyBundleLog([entry(log, body, change)], [log.key], logged);
        assert.ok('bad' in r, String(reason));
        assert.match(r.bad, reason);
      }
    });
  }

  it("passes over other signers' lines (witnesses), and needs one by the log's key", () => {
    const log = makeLog('v2-ed25519');
    const witness = makeLog('v2-ed25519', 'witness.example.test');
    const withWitness = (p: Json) => {
      const text = (p.checkpoint.envelope as string).split('\n\n')[0]! + '\n';
      const theirs = witness.note(text, 'witness.example.test').split('\n\n')[1]!;
      p.checkpoint = { envelope: `${p.checkpoint.envelope}${theirs}` };
    };
    assert.equal('bad' in verifyBundleLog([entry(log, body, withWitness)], [log.key], logged), false);
    const onlyWitness = (p: Json) => {
      const text = (p.checkpoint.envelope as string).split('\n\n')[0]! + '\n';
      p.checkpoint = { envelope: witness.note(text, 'witness.example.test') };
    };
    const r = verifyBundleLog([entry(log, body, onlyWitness)], [log.key], logged);
    assert.match((r as { bad: string }).bad, /^tlogEntries\[0\]\.inclusionProof: checkpoint: no signature line is by v2-ed25519\.pub \(key hints witness\.example\.test [0-9a-f]{8}\)$/);
    // The witness's own key finds no entry of its log ID.
    const w = verifyBundleLog([entry(log, body, onlyWitness)], [witness.key], logged);
    assert.match((w as { bad: string }).bad, /its log ID [0-9a-f]{64} is none of the Rekor keys given/);
  });

  it("reads Rekor v2's dsse 0.0.2 body: the payload's hash, and this signature by this signer among its signatures", () => {
    const log = makeLog('v2-ed25519');
    const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
    const signed = pae('application/vnd.in-toto+json', payload);
    const sig = sign('sha256', signed, s.privateKey);
    const dsse = (digestOf: Buffer, rawBytes: Buffer) =>
      Buffer.from(
        JSON.stringify({
          apiVersion: '0.0.2',
          kind: 'dsse',
          spec: { dsseV002: { payloadHash: { algorithm: 'SHA2_256', digest: createHash('sha256').update(digestOf).digest('base64') }, signatures: [{ content: sig.toString('base64'), verifier: { keyDetails: 'PKIX_ECDSA_P256_SHA_256', publicKey: { rawBytes: rawBytes.toString('base64') } } }] } },
        }),
      );
    const envelope = { signature: sig, publicKey: s.spki, signed: { dssePayload: payload, pae: signed } };
    assert.equal('bad' in verifyBundleLog([entry(log, dsse(payload, s.spki))], [log.key], envelope), false);
    const other = verifyBundleLog([entry(log, dsse(Buffer.from('other'), s.spki))], [log.key], envelope);
    assert.match((other as { bad: string }).bad, /the Rekor entry is not of this signature: it logs a payload of digest sha256:[0-9a-f]{64}, not sha256:/);
    const otherSigner = verifyBundleLog([entry(log, dsse(payload, Buffer.from('another key')))], [log.key], envelope);
    assert.match((otherSigner as { bad: string }).bad, /it logs another key or certificate$/);
    const ofMessage = verifyBundleLog([entry(log, dsse(payload, s.spki))], [log.key], { signature: sig, publicKey: s.spki, signed: { message: signed } });
    assert.match((ofMessage as { bad: string }).bad, /body: a dsse 0\.0\.2 entry, which logs a DSSE envelope: not of a message signature$/);
  });

  it('parses the note as C2SP signed-note says: text, a blank line, signature lines of a 4-byte hint and a signature', () => {
    const good = `o\n1\n${Buffer.alloc(32).toString('base64')}\n\n\u2014 o AAAAAAE=\n`;
    const ok = parseCheckpoint(good);
    assert.ok(!('bad' in ok));
    assert.deepEqual([ok.origin, ok.size, ok.text, ok.signatures[0]!.hint.toString('hex'), ok.signatures[0]!.signature.toString('hex')], ['o', 1n, good.split('\n\n')[0] + '\n', '00000000', '01']);
    const bad: Array<[string, RegExp]> = [
      [good.replace('\n\n', '\n'), /no blank line/],
      [good.slice(0, -1), /do not end with a newline/],
      [good.replace('\u2014', '-'), /signature line/],
      [good.replace('AAAAAAE=', 'AAAAAA=='), /signature line/],
      [good.replace(`${Buffer.alloc(32).toString('base64')}`, 'AAAA'), /root hash "AAAA": not base64 of 32 bytes/],
      [`o\n1\n\n\u2014 o AAAAAAE=\n`, /2 lines of text/],
    ];
    for (const [text, reason] of bad) assert.match((parseCheckpoint(text) as { bad: string }).bad, reason, JSON.stringify(text));
  });
});

describe('a Rekor v2 bundle signed with a key, through the CLI', () => {
  it('verifies with --key and --rekor-key: logged, its inclusion proof verified, no time; JSON inclusionProof true, version 1', async () => {
    const s = signer();
    const log = makeLog('v2-ed25519');
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const [algorithm, hex] = image.digest.split(':');
    const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ digest: { [algorithm!]: hex } }], predicateType: COSIGN_SIGN_PREDICATE_TYPE, predicate: {} }));
    const envelope = JSON.parse(makeEnvelope('application/vnd.in-toto+json', statement, (bytes) => sign('sha256', bytes, s.privateKey)).toString()) as Json;
    const signature = Buffer.from(envelope.signatures[0].sig, 'base64');
    // Rekor v2 logs an envelope's signature as a hashedrekord of its PAE (what sigstore-go rebuilds and checks).
    const body = s.body(pae('application/vnd.in-toto+json', statement), signature);
    const e = entry(log, body);
    const tlog = { logIndex: '2', logId: { keyId: log.logIdBase64 }, kindVersion: { kind: 'hashedrekord', version: '0.0.2' }, canonicalizedBody: e.body, inclusionProof: e.inclusionProof };
    await attachBundle(store, image, { mediaType: SIGSTORE_BUNDLE_MEDIA_TYPE, verificationMaterial: { publicKey: { hint: 'k' }, tlogEntries: [tlog] }, dsseEnvelope: envelope }, COSIGN_SIGN_PREDICATE_TYPE);

    const dir = tempDir();
    const pub = join(dir, 'cosign.pub');
    const rekor = join(dir, 'rekor-v2.pub');
    writeFileSync(pub, s.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(rekor, log.pem);
    const r = await runCli('verify', '--key', pub, '--rekor-key', rekor, '--oci-layout', `${store.location}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /\(ecdsa-p256\), logged by Rekor \(inclusion proof verified, no time\), signed as/);
    const json = await runCli('verify', '--key', pub, '--rekor-key', rekor, '--format', 'json', '--oci-layout', `${store.location}:v1`);
    const doc = JSON.parse(json.stdout) as { version: number; manifests: Array<{ signatures: Json[] }> };
    const sig = doc.manifests[0]!.signatures[0]!;
    assert.deepEqual([doc.version, sig.valid, sig.inclusionProof, sig.integratedTime, sig.rekorKey], [1, true, true, undefined, rekor]);

    // Another log's key: refused, naming the log ID.
    writeFileSync(rekor, makeLog('v2-ed25519').pem);
    const other = await runCli('verify', '--key', pub, '--rekor-key', rekor, '--oci-layout', `${store.location}:v1`);
    assert.notEqual(other.code, 0);
    assert.match(other.stdout, /bad-bundle: layers\[0\]: tlogEntries\[0\]: its log ID [0-9a-f]{64} is none of the Rekor keys given/);
  });
});
