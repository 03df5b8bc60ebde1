// Certificate Transparency (x509/sct.ts) on real Fulcio certificates: each carries an SCT from one of Sigstore's CT
// logs (public-good's ctfe 2022, staging's 2022-2 and log2026-1, whose SCT has an extension), the logs' keys from
// the trusted_root.json of sigstore-python (test/fixtures/ct-logs/README.md). Each verifies; a flipped byte in the SCT
// signature, a changed TBS, another issuer, another log's key, a list that does not parse: each refused, named.
import { strict as assert } from 'node:assert';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OciError } from '../../src/oci/errors';
import { encodeNode, readNode } from '../../src/oci/signatures/x509/der';
import { ctLogKey, type CtLogKey, loadCtLogKey, parseSctList, subjectPublicKeyInfo, verifyEmbeddedScts, withoutSctList } from '../../src/oci/signatures/x509/sct';
import { cosignVector } from '../helpers/cosignVectors';
import { MADE_FIXTURES } from '../helpers/keylessAttestations';
import { ctLog, tbsOf, withScts } from '../helpers/madeScts';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

const FIXTURES = join(__dirname, '..', 'fixtures');
const logKey = (name: string) => loadCtLogKey(name, readFileSync(join(FIXTURES, 'ct-logs', `${name}.pub`)));
const PUBLIC_GOOD = 'ctfe-2022';
const STAGING = 'ctfe-staging-2022-2';
const STAGING_2026 = 'ctfe-staging-log2026-1';
const der = (pem: string) => new X509Certificate(pem).raw;
const fileDer = (path: string) => der(readFileSync(join(FIXTURES, path), 'utf8'));
/** The leaf certificate of a Sigstore bundle fixture (v0.3: `certificate`; older: the chain's first). */
function bundleLeaf(path: string): Buffer {
  const vm = JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')).verificationMaterial as { certificate?: { rawBytes: string }; x509CertificateChain?: { certificates: Array<{ rawBytes: string }> } };
  return Buffer.from((vm.certificate ?? vm.x509CertificateChain!.certificates[0]!).rawBytes, 'base64');
}
const publicIntermediate = () => subjectPublicKeyInfo(fileDer('sigstore-bundle/fulcio_intermediate.pem'));
const stagingIntermediate = () => subjectPublicKeyInfo(fileDer('rekor-v2/fulcio_staging_intermediate.pem'));
const cosignLeaf = () => der(cosignVector('fulcio-rekor').annotations['dev.sigstore.cosign/certificate']!);

/** Real leaves, their issuer's key, the log that signed their SCT and the time it gave. */
const REAL: Array<[string, () => Buffer, () => Buffer, string, string]> = [
  ["containers/image's cosign keyless signature (2023)", cosignLeaf, publicIntermediate, PUBLIC_GOOD, '2023-01-20T20:51:31.374Z'],
  ["cosign 3's keyless DSSE bundle (2025)", () => bundleLeaf('sigstore-bundle/oci-attestation.sigstore.json'), publicIntermediate, PUBLIC_GOOD, '2025-02-28T19:18:11.145Z'],
  ["sigstore-python's staging message bundle", () => bundleLeaf('rekor-v2/staging-rekor-v2.txt.sigstore.json'), stagingIntermediate, STAGING, '2025-06-09T11:57:35.638Z'],
  ["sigstore-python's staging DSSE bundle (an SCT with extensions)", () => bundleLeaf('rekor-v2/a.dsse.staging-rekor-v2.txt.sigstore.json'), stagingIntermediate, STAGING_2026, '2026-05-13T19:23:32.624Z'],
];

describe('SCTs: real Fulcio certificates and Sigstore CT logs', () => {
  const all = () => [PUBLIC_GOOD, STAGING, STAGING_2026, 'ctfe-staging-test-rsa'].map(logKey);

  it('loads the logs\' keys with the log IDs their trusted_root.json gives (SHA-256 of the SPKI; RSA too)', () => {
    const ids = Object.fromEntries(all().map((k) => [k.name, [Buffer.from(k.logId, 'hex').toString('base64'), k.type]]));
    assert.deepEqual(ids, {
      [PUBLIC_GOOD]: ['3T0wasbHETJjGR4cmWc3AqJKXrjePK3/h4pygC8p7o4=', 'ecdsa'],
      [STAGING]: ['KzC83GiIyeLh2CYpXnQfSDkxlgLynDPLXkNA/rKshno=', 'ecdsa'],
      [STAGING_2026]: ['PmBxU3RuGJLgkLI2sUl2Jy9ntE1vks5vdxFKtyKgprY=', 'ecdsa'],
      'ctfe-staging-test-rsa': ['G3wUKk6ZK6ffHh/FdCRUE2wVekyzHEEIpSG4savnv0w=', 'rsa'],
    });
  });

  it('refuses a key no CT log signs with, naming it', () => {
    const ed = readFileSync(join(FIXTURES, 'rekor-v2', 'log2025-alpha1.pub'));
    assert.throws(() => loadCtLogKey('ed.pub', ed), (e: unknown) => e instanceof OciError && /^ed\.pub: a key of type ed25519: CT logs sign SCTs with ECDSA P-256 or RSA keys/.test(e.message));
    assert.throws(() => loadCtLogKey('text.pub', 'hello'), (e: unknown) => e instanceof OciError && /^text\.pub: not a PEM public key/.test(e.message));
  });

  for (const [what, leaf, issuer, log, time] of REAL) {
    it(`verifies ${what}: its SCT of ${log}, among every log given`, () => {
      assert.deepEqual(verifyEmbeddedScts(leaf(), issuer(), all()), { logKey: log, logId: logKey(log).logId, time });
    });
  }

  it("reads the real lists' one SCT each: v1, SHA-256 with ECDSA, the staging 2026 log's extension", () => {
    const scts = REAL.map(([, leaf]) => parseSctList(withoutSctList(leaf())!.extnValue));
    assert.deepEqual(
      scts.map((l) => l.map((s) => [s.version, s.hashAlgorithm, s.signatureAlgorithm, s.extensions.toString('hex')])),
      [[[0, 4, 3, '']], [[0, 4, 3, '']], [[0, 4, 3, '']], [[0, 4, 3, '00000500000dde14']]],
    );
  });

  it('refuses another log\'s key: the SCT\'s log is none given', () => {
    const r = verifyEmbeddedScts(cosignLeaf(), publicIntermediate(), [logKey(STAGING)]);
    assert.ok('bad' in r);
    assert.equal(
      r.bad,
      `no SCT of the certificate verifies under the CT log keys given (${STAGING}: 2b30bcdc6888c9e2e1d826295e741f4839319602f29c33cb5e4340feb2ac867a): SCT[0] (log dd3d306ac6c7113263191e1c99673702a24a5eb8de3cadff878a72802f29ee8e, 2023-01-20T20:51:31.374Z): its log is none of the CT log keys given`,
    );
  });

  /** `leaf` with the byte at `offset` from the start of `needle` (found in it) XORed with 1. */
  function flipAfter(leaf: Buffer, needle: Buffer, offset: number): Buffer {
    const at = leaf.indexOf(needle);
    assert.ok(at >= 0);
    const out = Buffer.from(leaf);
    out[at + offset]! ^= 0x01;
    return out;
  }
  const notVerified = /^no SCT of the certificate verifies under the CT log keys given \(.*\): SCT\[0\] \(log dd3d306a[0-9a-f]+, 2023-01-20T20:51:31\.37\dZ\): its signature does not verify with ctfe-2022: the certificate, its issuer or the SCT was changed$/;

  it('refuses a flipped byte in the SCT signature, in its timestamp, a changed TBS (its SAN), another issuer', () => {
    const leaf = cosignLeaf();
    const sct = withoutSctList(leaf)!.extnValue;
    const signature = parseSctList(sct)[0]!.signature;
    const cases: Array<[string, Buffer, Buffer]> = [
      ['a byte of the SCT signature', flipAfter(leaf, signature, 40), publicIntermediate()],
      ['its timestamp', flipAfter(leaf, Buffer.from(parseSctList(sct)[0]!.timestampBytes), 7), publicIntermediate()],
      ['the SAN (mitr@redhat.com to mitr@redhat.con)', flipAfter(leaf, Buffer.from('mitr@redhat.com'), 14), publicIntermediate()],
      ['the issuer (staging intermediate)', leaf, stagingIntermediate()],
    ];
    for (const [what, changed, issuer] of cases) {
      const r = verifyEmbeddedScts(changed, issuer, [logKey(PUBLIC_GOOD)]);
      assert.ok('bad' in r, what);
      assert.match(r.bad, notVerified, what);
    }
  });

  it('refuses a leaf without the extension: no CT log promised to publish it', () => {
    const pki = JSON.parse(readFileSync(join(FIXTURES, 'cosign-keyless', 'pki-signature.json'), 'utf8')).annotations['dev.sigstore.cosign/certificate'] as string;
    assert.deepEqual(verifyEmbeddedScts(der(pki), publicIntermediate(), [logKey(PUBLIC_GOOD)]), {
      bad: 'the certificate carries no SCT (extension 1.3.6.1.4.1.11129.2.4.2): no CT log promised to publish it',
    });
  });
});

describe('SCTs: made logs (ECDSA and RSA) over made certificates', () => {
  const pem = (name: string) => readFileSync(join(MADE_FIXTURES, `${name}.pem`), 'utf8');
  const intermediateKey = () => createPrivateKey(readFileSync(join(MADE_FIXTURES, 'intermediate.key.pem')));
  const issuer = () => subjectPublicKeyInfo(der(pem('intermediate')));
  let ec: ReturnType<typeof ctLog>;
  let rsa: ReturnType<typeof ctLog>;
  before(() => {
    const dir = tempDir();
    ec = ctLog(dir, 'ec');
    rsa = ctLog(dir, 'rsa', 'rsa');
  });
  const check = (leafPem: string, logs: CtLogKey[]) => verifyEmbeddedScts(der(leafPem), issuer(), logs);

  it("verifies an RSA log's SCT, and the second SCT when the first is another log's; the TBS rebuilt is the leaf's before", () => {
    const leaf = withScts(pem('workflow'), pem('intermediate'), intermediateKey(), [{ log: ec, timestamp: 1000 }, { log: rsa, timestamp: 2000 }]);
    assert.deepEqual(check(leaf, [rsa.key]), { logKey: rsa.key.name, logId: rsa.key.logId, time: '1970-01-01T00:00:02.000Z' });
    assert.deepEqual(check(leaf, [ec.key, rsa.key]), { logKey: ec.key.name, logId: ec.key.logId, time: '1970-01-01T00:00:01.000Z' });
    assert.ok(withoutSctList(der(leaf))!.tbs.equals(tbsOf(pem('workflow'))));
  });

  it('passes over a bad SCT when another verifies (as sigstore-go counts them); refuses when none does, each named', () => {
    const leaf = withScts(pem('workflow'), pem('intermediate'), intermediateKey(), [{ log: rsa, flip: true }, { log: ec }]);
    assert.equal((check(leaf, [ec.key, rsa.key]) as { logKey: string }).logKey, ec.key.name);
    const r = check(leaf, [rsa.key]);
    assert.ok('bad' in r);
    assert.match(r.bad, /: SCT\[0\] \(log [0-9a-f]{64}, 2026-01-01T00:00:00\.000Z\): its signature does not verify with .*rsa\.pub: the certificate, its issuer or the SCT was changed; SCT\[1\] \(log [0-9a-f]{64}, .*\): its log is none of the CT log keys given$/);
  });

  it("refuses an SCT over another certificate's TBS, over another issuer's key, of an algorithm the key is not", () => {
    const other = tbsOf(pem('names'));
    const rootSpki = subjectPublicKeyInfo(der(pem('root')));
    for (const [what, making] of [
      ['another TBS', { log: ec, tbs: other }],
      ['the root as issuer', { log: ec, issuerSpki: rootSpki }],
    ] as const) {
      const r = check(withScts(pem('workflow'), pem('intermediate'), intermediateKey(), [making]), [ec.key]);
      assert.ok('bad' in r, what);
      assert.match(r.bad, /its signature does not verify with .*ec\.pub/, what);
    }
    // An RSA log's SCT (signature algorithm 1) told to verify with an ECDSA key of the same log ID.
    const leaf = withScts(pem('workflow'), pem('intermediate'), intermediateKey(), [{ log: rsa }]);
    const r = check(leaf, [{ ...ec.key, logId: rsa.key.logId }]);
    assert.ok('bad' in r);
    assert.match(r.bad, /signature algorithm 1 \(rsa\), but .*ec\.pub is an ECDSA key$/);
  });

  it("refuses an SCT outside its log key's validFor (a trusted root's), verifies one inside", () => {
    const leaf = withScts(pem('workflow'), pem('intermediate'), intermediateKey(), [{ log: ec, timestamp: Date.UTC(2026, 0, 1) }]);
    const within = ctLogKey('ec (2025-)', ec.key.key, { start: new Date('2025-01-01T00:00:00Z') });
    assert.equal((check(leaf, [within]) as { logKey: string }).logKey, 'ec (2025-)');
    const r = check(leaf, [ctLogKey('ec (2025)', ec.key.key, { start: new Date('2025-01-01T00:00:00Z'), end: new Date('2025-12-31T00:00:00Z') })]);
    assert.ok('bad' in r);
    assert.match(r.bad, /: SCT\[0\] \(log [0-9a-f]{64}, 2026-01-01T00:00:00\.000Z\): outside the time ec \(2025\) signed SCTs \(2025-01-01T00:00:00\.000Z to 2025-12-31T00:00:00\.000Z\)$/);
  });

  it('names the byte and field of a list that does not parse', () => {
    const cases: Array<[string, (tls: Buffer) => Buffer, RegExp]> = [
      ['cut short', (tls) => tls.subarray(0, 60), /^the certificate's SCTs: the SCT list: the list at byte 2: \d+ bytes, 58 left$/],
      ['bytes after it', (tls) => Buffer.concat([tls, Buffer.from([0])]), /^the certificate's SCTs: the SCT list: 1 bytes after it, at byte \d+$/],
      ['empty', () => Buffer.from([0, 0]), /^the certificate's SCTs: the SCT list is empty$/],
      ['version 2', (tls) => Buffer.concat([tls.subarray(0, 4), Buffer.from([1]), tls.subarray(5)]), /^the certificate's SCTs: SCT\[0\]: sct_version 1 at byte 4, not v1 \(0\)$/],
      ['its signature longer than the SCT', (tls) => { const b = Buffer.from(tls); b.writeUInt16BE(b.readUInt16BE(4 + 1 + 32 + 8 + 2 + 2) + 1, 4 + 1 + 32 + 8 + 2 + 2); return b; }, /^the certificate's SCTs: SCT\[0\]: signature at byte 51: \d+ bytes, \d+ left$/],
    ];
    for (const [what, damage, reason] of cases) {
      const r = check(withScts(pem('workflow'), pem('intermediate'), intermediateKey(), [{ log: ec }], damage), [ec.key]);
      assert.ok('bad' in r, what);
      assert.match(r.bad, reason, what);
    }
  });

  it('writes DER lengths at each boundary of their forms (what rebuilding the TBS writes again)', () => {
    for (const n of [0, 127, 128, 255, 256, 65535, 65536]) {
      const node = encodeNode(0x04, Buffer.alloc(n, 7));
      const { node: back, next } = readNode(node);
      assert.deepEqual([back.tag, back.content.length, next], [0x04, n, node.length], String(n));
      assert.equal(node.length - n, n < 128 ? 2 : n < 256 ? 3 : n < 65536 ? 4 : 5, String(n));
    }
  });
});
