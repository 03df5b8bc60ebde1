// Rekor inclusion proofs in Sigstore bundles: the Merkle audit path against RFC 6962's tree by its definition; the
// real proofs of cosign 3's keyless bundle (Rekor v1, with its SET) and of sigstore-python's Rekor v2 staging
// bundles (no SET; test/fixtures/rekor-v2/README.md) verified, and each part of one changed refused with its name.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CertificatePolicy, checkBundle, loadCertificates, loadRekorKey, type SignatureResult, verifySignatures } from '../../src/oci/signatures';
import { verifyBundleLog } from '../../src/oci/signatures/sigstore/bundleLog';
import { inclusionRoot } from '../../src/oci/signatures/sigstore/merkleInclusion';
import { parseSigstoreBundle } from '../../src/oci/signatures/sigstore/sigstoreBundle';
import { auditPath, leaf, treeRoot } from '../helpers/madeRekorLog';
import { attachBundle, attestation, FULCIO_V1, IDENTITY, ISSUER, type Json, REKOR_PUB, sigstoreFixture, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, newLayout } from './builders';

after(cleanupTemps);

const b64 = (text: string) => Buffer.from(text, 'base64');
const V2 = (name: string) => join(__dirname, '..', 'fixtures', 'rekor-v2', name);
const rekorV1 = [loadRekorKey(REKOR_PUB, readFileSync(REKOR_PUB))];
const alpha1 = loadRekorKey('log2025-alpha1.pub', readFileSync(V2('log2025-alpha1.pub')));
const alpha3 = loadRekorKey('log2025-alpha3.pub', readFileSync(V2('log2025-alpha3.pub')));

describe('Merkle inclusion (RFC 9162 2.1.3.2)', () => {
  it("gives RFC 6962's root for every leaf of trees of 1 to 40 leaves, and refuses a path too short or too long, a changed hash, an index outside", () => {
    const entries = Array.from({ length: 40 }, (_, i) => Buffer.from(`entry ${i}`));
    for (let size = 1; size <= entries.length; size++) {
      const tree = entries.slice(0, size);
      const root = treeRoot(tree);
      for (let i = 0; i < size; i++) {
        const path = auditPath(i, tree);
        assert.deepEqual(inclusionRoot(leaf(tree[i]!), BigInt(i), BigInt(size), path), root, `leaf ${i} of ${size}`);
        if (path.length > 0) {
          assert.match(String((inclusionRoot(leaf(tree[i]!), BigInt(i), BigInt(size), path.slice(1)) as { bad: string }).bad), /too few/);
          const changed = path.map((h) => Buffer.from(h));
          changed[changed.length - 1]![0]! ^= 1;
          assert.notDeepEqual(inclusionRoot(leaf(tree[i]!), BigInt(i), BigInt(size), changed), root);
        }
        assert.match(String((inclusionRoot(leaf(tree[i]!), BigInt(i), BigInt(size), [...path, root]) as { bad: string }).bad), /too many/);
      }
      assert.match(String((inclusionRoot(leaf(tree[0]!), BigInt(size), BigInt(size), []) as { bad: string }).bad), /outside a tree/);
    }
  });
});

const policy = (): CertificatePolicy => ({
  roots: loadCertificates('fulcio_v1.crt.pem', readFileSync(FULCIO_V1)),
  intermediates: loadCertificates('fulcio_intermediate.pem', readFileSync(sigstoreFixture('fulcio_intermediate.pem'))),
  identity: { equals: IDENTITY },
  oidcIssuer: { equals: ISSUER },
});

/** The one signature verifySignatures finds for the cosign vector's image with `bundle` attached, keyless, with Rekor's key. */
async function keyless(bundle: Json): Promise<SignatureResult> {
  const store = await newLayout();
  const image = await storeImage(store);
  await attachBundle(store, image, bundle);
  const r = await verifySignatures(store, image, [], { certificates: policy(), rekorKeys: rekorV1 });
  assert.equal(r.signatures.length, 1);
  return r.signatures[0]!;
}

describe("Rekor v1 inclusion proofs: cosign 3's keyless bundle (oci-attestation)", () => {
  it('verifies its audit path (16 hashes, leaf 53604734 of 53604735) and the checkpoint rekor.sigstore.dev signed', async () => {
    const s = await keyless(attestation());
    assert.deepEqual({ valid: s.valid, integratedTime: s.integratedTime, inclusionProof: s.inclusionProof }, { valid: true, integratedTime: 1740770291, inclusionProof: true });
  });

  it('refuses each part changed, naming it: a hash of the path, rootHash, treeSize, logIndex, the checkpoint signature, its root, the body', async () => {
    const proofOf = (b: Json) => b.verificationMaterial.tlogEntries[0].inclusionProof as Json;
    const flip = (text: string, at = 0) => {
      const bytes = b64(text);
      bytes[at]! ^= 1;
      return bytes.toString('base64');
    };
    const cases: Array<[string, (p: Json, b: Json) => void, RegExp]> = [
      ['a hash of the path', (p) => (p.hashes[5] = flip(p.hashes[5])), /inclusionProof: its audit path \(16 hashes, leaf 53604734 of a tree of 53604735\) leads from the entry to root [0-9a-f]{64}, not its rootHash 9ddfd5d4/],
      ['rootHash', (p) => (p.rootHash = flip(p.rootHash)), /inclusionProof: its audit path .* not its rootHash 9cdfd5d4/],
      ['treeSize', (p) => (p.treeSize = '53604736'), /inclusionProof: its audit path: 16 hashes: too few for leaf 53604734 of a tree of 53604736/],
      ['treeSize, shorter', (p) => (p.treeSize = '53604734'), /inclusionProof: its audit path: leaf index 53604734 is outside a tree of 53604734/],
      ['logIndex', (p) => (p.logIndex = '53604733'), /inclusionProof: its audit path: 16 hashes: too few for leaf 53604733 of a tree of 53604735/],
      ['a hash gone', (p) => p.hashes.pop(), /inclusionProof: its audit path: 15 hashes: too few/],
      ['the checkpoint signature', (p) => (p.checkpoint.envelope = p.checkpoint.envelope.replace(/ wNI9a(\S+)\n$/, (_: string, s: string) => ` wNI9a${s.startsWith('j') ? 'k' : 'j'}${s.slice(1)}\n`)), /inclusionProof: checkpoint: its signature by rekor\.sigstore\.dev does not verify with .*rekor\.pub: the checkpoint or its signature was changed/],
      ['the checkpoint root', (p) => (p.checkpoint.envelope = p.checkpoint.envelope.replace('nd/V1IEw', 'nd/V1IEx')), /inclusionProof: checkpoint: its signature by rekor\.sigstore\.dev does not verify/],
      ['the checkpoint key hint', (p) => (p.checkpoint.envelope = p.checkpoint.envelope.replace(' wNI9aj', ' xNI9aj')), /inclusionProof: checkpoint: no signature line is by .*rekor\.pub \(key hints rekor\.sigstore\.dev c4d23d6a\)/],
      ['the checkpoint, no blank line', (p) => (p.checkpoint.envelope = p.checkpoint.envelope.replace('\n\n', '\n')), /inclusionProof\.checkpoint: no blank line before its signatures/],
      ['rootHash, not 32 bytes', (p) => (p.rootHash = 'AAAA'), /tlogEntries\[0\]\.inclusionProof\.rootHash: expected base64 of 32 bytes/],
      // Found by the verify-blob sweep (seed 1254 said 'inclusionProof.expected an object').
      ['no object', (_p, b) => (b.verificationMaterial.tlogEntries[0].inclusionProof = 'x'), /tlogEntries\[0\]\.inclusionProof: expected an object$/],
      // The SET covers the body too: with the SET gone, the proof alone refuses a changed body.
      [
        'the body (its SET gone)',
        (_p, b) => {
          const e = b.verificationMaterial.tlogEntries[0];
          delete e.inclusionPromise;
          e.canonicalizedBody = Buffer.from(b64(e.canonicalizedBody).toString().replace('"0.0.1"', '"0.0.1" ')).toString('base64');
        },
        /inclusionProof: its audit path .* leads from the entry to root/,
      ],
    ];
    for (const [name, change, reason] of cases) {
      const b = attestation();
      change(proofOf(b), b);
      const s = await keyless(b);
      assert.deepEqual([s.valid, s.problem], [false, 'bad-bundle'], `${name}: ${s.reason}`);
      assert.match(s.reason!, reason, `${name}: ${s.reason}`);
      assert.match(s.reason!, /^layers\[0\]: tlogEntries\[0\]\.inclusionProof/, name);
    }
  });

  it('with its SET gone, proves the logging but gives no time: the certificate is checked now, long expired, and says why', async () => {
    const b = attestation();
    delete b.verificationMaterial.tlogEntries[0].inclusionPromise;
    const s = await keyless(b);
    assert.deepEqual([s.valid, s.problem, s.inclusionProof, s.integratedTime, s.rekorKey], [false, 'certificate-expired', true, undefined, REKOR_PUB]);
    assert.match(s.reason!, /\(now: its Rekor entry is proved by an inclusion proof alone, as Rekor v2 logs, which gives no signed time, and no RFC 3161 timestamp verified under --timestamp-certificate-chain gives one\)$/);
  });
});

/** sigstore-python's staging bundle `name` checked as `manifold verify` checks one, keyless under Sigstore's staging Fulcio, with `rekorKeys`, at `now`. */
async function staging(name: string, subject: { digest: string; bytes: Buffer }, identity: CertificatePolicy['identity'], issuer: string, rekorKeys = [alpha1, alpha3], now?: Date) {
  const certificates: CertificatePolicy = {
    roots: loadCertificates('fulcio_staging_root.pem', readFileSync(V2('fulcio_staging_root.pem'))),
    intermediates: loadCertificates('fulcio_staging_intermediate.pem', readFileSync(V2('fulcio_staging_intermediate.pem'))),
    identity,
    oidcIssuer: { equals: issuer },
  };
  return checkBundle(readFileSync(V2(name)), { digest: subject.digest, bytes: async () => subject.bytes }, [], { certificates, rekorKeys, ...(now ? { now } : {}) });
}

describe("Rekor v2 bundles (sigstore-python's staging vectors: an inclusion proof and checkpoint, no SET)", () => {
  const text = readFileSync(V2('staging-rekor-v2.txt'));
  const textDigest = `sha256:${createHash('sha256').update(text).digest('hex')}`;
  const jku = { equals: 'jku@goto.fi' };

  it("accepts a message signature's hashedrekord 0.0.2 entry as logged, with no time: its certificate is then checked now (expired), or at a time given", async () => {
    let c = await staging('staging-rekor-v2.txt.sigstore.json', { digest: textDigest, bytes: text }, jku, 'https://github.com/login/oauth');
    assert.equal(c.ok, false);
    if (c.ok) return;
    assert.equal(c.problem, 'certificate-expired');
    assert.match(c.reason, /expired at 2025-06-09T12:07:35\.000Z, before .* \(now: its Rekor entry is proved by an inclusion proof alone/);
    assert.deepEqual([c.fields.inclusionProof, c.fields.rekorKey, c.fields.integratedTime], [true, 'log2025-alpha1.pub', undefined]);

    c = await staging('staging-rekor-v2.txt.sigstore.json', { digest: textDigest, bytes: text }, jku, 'https://github.com/login/oauth', [alpha1], new Date('2025-06-09T12:00:00Z'));
    assert.equal(c.ok, true, c.ok ? '' : c.reason);
    assert.deepEqual([c.fields.inclusionProof, c.fields.integratedTime, c.fields.certificate?.checkedAt], [true, undefined, '2025-06-09T12:00:00.000Z']);
  });

  it("accepts a DSSE envelope's entry (a hashedrekord 0.0.2 of its PAE) whose checkpoint carries three witnesses' cosignatures too", async () => {
    const statement = JSON.parse(b64((JSON.parse(readFileSync(V2('a.dsse.staging-rekor-v2.txt.sigstore.json'), 'utf8')) as Json).dsseEnvelope.payload).toString()) as Json;
    const digest = `sha256:${statement.subject[0].digest.sha256}`;
    const c = await staging('a.dsse.staging-rekor-v2.txt.sigstore.json', { digest, bytes: Buffer.alloc(0) }, { matches: /^https:\/\/github\.com\/sigstore-conformance\// , pattern: '^https://github.com/sigstore-conformance/' }, 'https://token.actions.githubusercontent.com', [alpha3], new Date('2026-05-13T19:25:00Z'));
    assert.equal(c.ok, true, c.ok ? '' : c.reason);
    assert.deepEqual([c.fields.inclusionProof, c.fields.rekorKey, c.fields.integratedTime], [true, 'log2025-alpha3.pub', undefined]);
  });

  it('refuses it under another Rekor key (ECDSA v1 or another v2 log), and an entry of other bytes or another signer', async () => {
    const c = await staging('staging-rekor-v2.txt.sigstore.json', { digest: textDigest, bytes: text }, jku, 'https://github.com/login/oauth', [...rekorV1, alpha3], new Date('2025-06-09T12:00:00Z'));
    assert.equal(c.ok, false);
    if (!c.ok) assert.match(c.reason, /^tlogEntries\[0\]: its log ID f30d5a999d92e662.* is none of the Rekor keys given \(.*rekor\.pub: c0d23d6a.*; log2025-alpha3\.pub: 9e726df5/);

    const bundle = parseSigstoreBundle(readFileSync(V2('staging-rekor-v2.txt.sigstore.json')));
    assert.ok(!('malformed' in bundle) && 'message' in bundle.content);
    const signature = bundle.content.message.signature;
    const cert = bundle.certificates![0]!;
    const logged = verifyBundleLog(bundle.tlogEntries, [alpha1], { signature, publicKey: cert, signed: { message: text } });
    assert.deepEqual(logged, { logIndex: 645, logId: 'f30d5a999d92e662484244263f174cb8eacbfe8264bc583d32741799e3825dc9', key: 'log2025-alpha1.pub', inclusionProof: true });
    const other = verifyBundleLog(bundle.tlogEntries, [alpha1], { signature, publicKey: cert, signed: { message: Buffer.from('other bytes') } });
    assert.match((other as { bad: string }).bad, /^tlogEntries\[0\]: the Rekor entry is not of this signature: it logs signed bytes of digest sha256:15f67246/);
    const otherSigner = verifyBundleLog(bundle.tlogEntries, [alpha1], { signature, publicKey: Buffer.from('another key'), signed: { message: text } });
    assert.match((otherSigner as { bad: string }).bad, /it logs another key or certificate$/);
  });
});
