// RFC 3161 timestamps in Sigstore bundles: the real ones of sigstore-python's Rekor v2 staging bundles (under the
// staging TSA's chain from its trusted_root.json) and of sigstore-go's key-signed bundle (a three-certificate chain)
// verified and giving the time a certificate is checked at; each tampering refused by name, on the real tokens and on
// OpenSSL-made ones (test/fixtures/rfc3161-made/make.sh) for what the vectors do not reach.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CertificatePolicy, checkBundle, loadCertificates, loadPublicKey, loadRekorKey } from '../../src/oci/signatures';
import { type TimestampAuthorities, timestampAuthorities, verifyTimestamp } from '../../src/oci/signatures/x509/timestamp';
import { runCli } from '../helpers/runCli';
import { attachBundle, attestation, FULCIO_V1, IDENTITY, ISSUER, type Json, REKOR_PUB, sigstoreFixture, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

const V2 = (name: string) => join(__dirname, '..', 'fixtures', 'rekor-v2', name);
const MADE = (name: string) => join(__dirname, '..', 'fixtures', 'rfc3161-made', name);
const read = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;
const tsaOf = (...files: string[]): TimestampAuthorities => timestampAuthorities(files.flatMap((f) => loadCertificates(f.split('/').pop()!, readFileSync(f))));
const staging = () => tsaOf(V2('tsa_staging_chain.pem'));
const made = () => tsaOf(MADE('tsa.pem'), MADE('intermediate.pem'), MADE('root.pem'));
const tokenOf = (b: Json, i = 0) => Buffer.from(b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[i].signedTimestamp, 'base64');
const withTokens = (b: Json, ...tokens: Buffer[]): Json => ({ ...b, verificationMaterial: { ...b.verificationMaterial, timestampVerificationData: { rfc3161Timestamps: tokens.map((t) => ({ signedTimestamp: t.toString('base64') })) } } });

/** sigstore-python's staging message bundle, its bytes and its signature. */
const message = read(V2('staging-rekor-v2.txt.sigstore.json'));
const messageSignature = Buffer.from(message.messageSignature.signature, 'base64');
const text = readFileSync(V2('staging-rekor-v2.txt'));
const textSubject = { digest: `sha256:${createHash('sha256').update(text).digest('hex')}`, bytes: async () => text };
const stagingPolicy = (identity: CertificatePolicy['identity']): CertificatePolicy => ({
  roots: loadCertificates('fulcio_staging_root.pem', readFileSync(V2('fulcio_staging_root.pem'))),
  intermediates: loadCertificates('fulcio_staging_intermediate.pem', readFileSync(V2('fulcio_staging_intermediate.pem'))),
  identity,
  oidcIssuer: { equals: identity === JKU ? 'https://github.com/login/oauth' : 'https://token.actions.githubusercontent.com' },
});
const JKU = { equals: 'jku@goto.fi' };
const alpha1 = loadRekorKey('log2025-alpha1.pub', readFileSync(V2('log2025-alpha1.pub')));
const alpha3 = loadRekorKey('log2025-alpha3.pub', readFileSync(V2('log2025-alpha3.pub')));

/** The staging message bundle (or `bundle`) checked keyless, with Rekor v2's key unless `rekor` is false, under `tsa`, at the clock's time. */
async function checkMessage(bundle: Json, tsa: TimestampAuthorities | undefined, rekor = true) {
  return checkBundle(Buffer.from(JSON.stringify(bundle)), textSubject, [], { certificates: stagingPolicy(JKU), ...(rekor ? { rekorKeys: [alpha1] } : {}), ...(tsa ? { timestampAuthorities: tsa } : {}) });
}

describe("RFC 3161 timestamps: sigstore-python's Rekor v2 staging bundles and sigstore-go's key-signed bundle", () => {
  it('gives a Rekor v2 message bundle its time: the certificate checked at genTime, not now, with or without the Rekor key', async () => {
    for (const rekor of [true, false]) {
      const c = await checkMessage(message, staging(), rekor);
      assert.equal(c.ok, true, c.ok ? '' : c.reason);
      // Its TSTInfo states an accuracy of 1 s: reported (sigstore-go does not use it, nor is it checked here).
      assert.deepEqual(c.fields.timestamp, { time: '2025-06-09T11:57:38.000Z', authority: 'O=sigstore.dev, CN=sigstore-tsa', root: 'tsa_staging_chain.pem[1]', accuracy: '1s' });
      assert.equal(c.fields.certificate?.checkedAt, '2025-06-09T11:57:38.000Z');
      assert.deepEqual([c.fields.inclusionProof, c.fields.integratedTime], rekor ? [true, undefined] : [undefined, undefined]);
    }
    // Without the TSA's chain, as before: checked now, long expired.
    const c = await checkMessage(message, undefined);
    assert.deepEqual([c.ok, !c.ok && c.problem, c.fields.timestamp], [false, 'certificate-expired', undefined]);
  });

  it("verifies the DSSE bundle's token, which carries no certificate (its leaf comes from the chain given), over the envelope's signature", async () => {
    const bundle = read(V2('a.dsse.staging-rekor-v2.txt.sigstore.json'));
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString()) as Json;
    const subject = { digest: `sha256:${statement.subject[0].digest.sha256}`, bytes: async () => Buffer.alloc(0) };
    const policy = stagingPolicy({ matches: /^https:\/\/github\.com\/sigstore-conformance\//, pattern: '^https://github.com/sigstore-conformance/' });
    const c = await checkBundle(readFileSync(V2('a.dsse.staging-rekor-v2.txt.sigstore.json')), subject, [], { certificates: policy, rekorKeys: [alpha3], timestampAuthorities: staging() });
    assert.equal(c.ok, true, c.ok ? '' : c.reason);
    assert.deepEqual([c.fields.timestamp?.time, c.fields.certificate?.checkedAt], ['2026-05-13T19:23:33.000Z', '2026-05-13T19:23:33.000Z']);
  });

  it("verifies sigstore-go's key-signed message bundle under its TSA's three-certificate chain (a leaf with an empty subject)", async () => {
    const content = Buffer.from('test content');
    const key = loadPublicKey('message.pub', readFileSync(sigstoreFixture('message.pub')));
    const subject = { digest: `sha256:${createHash('sha256').update(content).digest('hex')}`, bytes: async () => content };
    const c = await checkBundle(readFileSync(sigstoreFixture('message.sigstore.json')), subject, [key], { timestampAuthorities: tsaOf(sigstoreFixture('message_tsa_chain.pem')) });
    assert.equal(c.ok, true, c.ok ? '' : c.reason);
    assert.deepEqual(c.fields.timestamp, { time: '2026-06-04T17:43:29.000Z', authority: 'a certificate of O=sigstore.dev, CN=sigstore-tsa-intermediate', root: 'message_tsa_chain.pem[2]' });
    // Under the staging TSA instead: its signer is not there.
    const other = await checkBundle(readFileSync(sigstoreFixture('message.sigstore.json')), subject, [key], { timestampAuthorities: staging() });
    assert.deepEqual([other.ok, !other.ok && other.problem], [false, 'bad-bundle']);
    if (!other.ok) assert.match(other.reason, /^timestampVerificationData\.rfc3161Timestamps\[0\]: its signer \(serial 01\) is neither a certificate it carries nor a TSA certificate given$/);
  });

  it('refuses each part of a real token changed, by name: its signature, its TSTInfo, another signature timestamped, another root, its status', () => {
    const token = tokenOf(message);
    const changed = (at: (t: Buffer) => number) => {
      const t = Buffer.from(token);
      t[at(t)]! ^= 1;
      return t;
    };
    const genTime = token.indexOf(Buffer.from('20250609115738Z'));
    const cases: Array<[string, Buffer, Buffer, TimestampAuthorities, RegExp]> = [
      ['the signature', changed((t) => t.length - 10), messageSignature, staging(), /^its signature does not verify with tsa_staging_chain\.pem\[0\] \(O=sigstore\.dev, CN=sigstore-tsa\): the token's signed attributes or its signature were changed$/],
      ['genTime in the TSTInfo', changed(() => genTime + 3), messageSignature, staging(), /^its signed messageDigest is not the sha256 of its TSTInfo \([0-9a-f]{64}\): the TSTInfo was changed$/],
      ['another signature', token, Buffer.from('another signature'), staging(), /^its messageImprint 3a360f99[0-9a-f]+ is not the sha256 of the signature it stamps \([0-9a-f]{64}\): it timestamps another signature$/],
      ['another root', token, messageSignature, { ...staging(), roots: tsaOf(MADE('other-root.pem')).roots }, /^its TSA certificate issued by O=sigstore\.dev, CN=sigstore-tsa-selfsigned, no chain to the roots given \(other-root\.pem: CN=made other root, O=example\)/],
    ];
    for (const [name, t, signature, tsa, reason] of cases) {
      const r = verifyTimestamp(t, signature, tsa);
      assert.match('bad' in r ? r.bad : 'verified', reason, name);
    }
    const rejected = Buffer.from(token);
    rejected[8] = 2; // PKIStatus (the TimeStampResp's first INTEGER) rejection: no token to trust
    assert.match(String((verifyTimestamp(rejected, messageSignature, staging()) as { bad: string }).bad), /^not an RFC 3161 timestamp: status 02, not granted$/);
  });

  it('refuses the bundle (bad-bundle) when a timestamp it carries fails, or the same one twice, naming which', async () => {
    const flipped = tokenOf(message);
    flipped[flipped.length - 10]! ^= 1;
    let c = await checkMessage(withTokens(message, tokenOf(message), flipped), staging());
    assert.deepEqual([c.ok, !c.ok && c.problem], [false, 'bad-bundle']);
    if (!c.ok) assert.match(c.reason, /^timestampVerificationData\.rfc3161Timestamps\[1\]: its signature does not verify/);
    c = await checkMessage(withTokens(message, tokenOf(message), tokenOf(message)), staging());
    if (!c.ok) assert.match(c.reason, /^timestampVerificationData\.rfc3161Timestamps\[1\]: the same timestamp as timestampVerificationData\.rfc3161Timestamps\[0\]$/);
    assert.equal(c.ok, false);
  });
});

describe('RFC 3161 timestamps OpenSSL made (test/fixtures/rfc3161-made)', () => {
  const token = (name: string) => readFileSync(MADE(name));

  it('verifies a TimeStampResp with an RSA leaf and intermediate it carries, and a bare token naming its signer by key identifier', () => {
    for (const name of ['good.tsr', 'keyid.tok']) {
      const r = verifyTimestamp(token(name), messageSignature, made());
      assert.ok(!('bad' in r), `${name}: ${'bad' in r ? r.bad : ''}`);
      assert.deepEqual([r.authority, r.root], ['CN=made tsa, O=example', 'root.pem']);
    }
    // `openssl ts -reply` wrote the accuracy its config gives (secs:1, millisecs:500): reported as read.
    assert.equal((verifyTimestamp(token('good.tsr'), messageSignature, made()) as { accuracy?: string }).accuracy, '1.5s');
    // Its leaf and intermediate come from the token: the root alone is enough.
    assert.ok(!('bad' in verifyTimestamp(token('good.tsr'), messageSignature, tsaOf(MADE('root.pem')))));
  });

  it('refuses, by name: genTime outside the leaf validity, a leaf for code signing, an EKU not critical, no ESS attribute, an intermediate not for time stamping', () => {
    const cases: Array<[string, TimestampAuthorities, RegExp]> = [
      ['expired.tsr', tsaOf(MADE('root.pem')), /^its genTime 20\d\d-.*Z is outside its TSA chain's validity: the token's certificates\[0\] expired at 2021-01-01T00:00:00\.000Z, before 20\d\d-/],
      ['wrongeku.tok', tsaOf(MADE('root.pem')), /is not a timestamp authority's certificate: its extendedKeyUsage must be timeStamping \(1\.3\.6\.1\.5\.5\.7\.3\.8\) alone, critical \(it has 1\.3\.6\.1\.5\.5\.7\.3\.3, critical\)$/],
      ['noncritical.tok', tsaOf(MADE('root.pem')), /\(it has 1\.3\.6\.1\.5\.5\.7\.3\.8, not critical\)$/],
      ['noess.tok', tsaOf(MADE('root.pem')), /^its signed attributes have no ESS signingCertificate \(v1 or v2\) naming the TSA certificate, as RFC 3161 asks$/],
      ['badchain.tsr', tsaOf(MADE('root.pem')), /^its TSA certificate issued by CN=made code signing intermediate, O=example, no chain to the roots given \(root\.pem: .*\) through 1 intermediate \(the token's certificates\[1\] is not for time stamping \(extendedKeyUsage 1\.3\.6\.1\.5\.5\.7\.3\.3\)\)$/],
      ['good.tsr', tsaOf(MADE('other-root.pem')), /^its TSA certificate issued by CN=made tsa intermediate, O=example, no chain to the roots given \(other-root\.pem/],
    ];
    for (const [name, tsa, reason] of cases) {
      const r = verifyTimestamp(token(name), messageSignature, tsa);
      assert.match('bad' in r ? r.bad : 'verified', reason, `${name}: ${'bad' in r ? r.bad : ''}`);
    }
  });

  it("refuses, by name, damage outside what the token signs (found by damagedTimestampsRandom): its signatureAlgorithm's parameters not NULL, its certificate's key not DER", () => {
    // attestation.tok's SignerInfo.signatureAlgorithm is rsaEncryption with NULL parameters, the token's last one.
    const tok = token('attestation.tok');
    const rsa = Buffer.from('06092a864886f70d0101010500', 'hex');
    const params = Buffer.from(tok);
    params[tok.lastIndexOf(rsa) + rsa.length - 2] = 0x04; // NULL written as an empty OCTET STRING
    assert.deepEqual(verifyTimestamp(params, messageSignature, made()), {
      bad: 'not an RFC 3161 timestamp: SignerInfo.signatureAlgorithm.parameters: tag 0x4 of 0 bytes, not NULL or absent (1.2.840.113549.1.1.1 takes none)',
    });
    // Its certificate's key algorithm a SET: OpenSSL's own words were "PEM routines::no start line".
    const key = Buffer.from(tok);
    key[tok.indexOf(Buffer.from('30820122300d', 'hex')) + 4] = 0x31;
    assert.deepEqual(verifyTimestamp(key, messageSignature, made()), {
      bad: "the token's certificates[0]: not an X.509 certificate (OpenSSL cannot read it as DER X.509: a part not read here, its names, its key or its signature, is malformed)",
    });
  });

  it("in the staging bundle, its time is the one the certificate is checked at (the Fulcio certificate of 2025 then expired); in another bundle, it timestamps another signature", async () => {
    let c = await checkMessage(withTokens(message, token('good.tsr')), made());
    assert.deepEqual([c.ok, !c.ok && c.problem], [false, 'certificate-expired']);
    if (!c.ok) assert.match(c.reason, /^the certificate expired at 2025-06-09T12:07:35\.000Z, before 20\d\d-.*Z \(the time its RFC 3161 timestamp by CN=made tsa, O=example gives\)$/);
    const dsse = read(V2('a.dsse.staging-rekor-v2.txt.sigstore.json'));
    const statement = JSON.parse(Buffer.from(dsse.dsseEnvelope.payload, 'base64').toString()) as Json;
    c = await checkBundle(Buffer.from(JSON.stringify(withTokens(dsse, token('good.tsr')))), { digest: `sha256:${statement.subject[0].digest.sha256}`, bytes: async () => Buffer.alloc(0) }, [], {
      certificates: stagingPolicy({ matches: /^https:\/\/github\.com\/sigstore-conformance\//, pattern: '^https://github.com/sigstore-conformance/' }),
      timestampAuthorities: made(),
    });
    assert.deepEqual([c.ok, !c.ok && c.problem], [false, 'bad-bundle']);
    if (!c.ok) assert.match(c.reason, /^timestampVerificationData\.rfc3161Timestamps\[0\]: its messageImprint [0-9a-f]+ is not the sha256 of the signature it stamps/);
  });

  it("verify --timestamp-certificate-chain: cosign 3's keyless bundle with its SET taken away (as Rekor v2 writes none) is valid at its timestamp", async () => {
    const bundle = withTokens(attestation(), token('attestation.tok'));
    delete bundle.verificationMaterial.tlogEntries[0].inclusionPromise;
    const store = await newLayout();
    const image = await storeImage(store);
    await attachBundle(store, image, bundle);
    const chain = join(tempDir(), 'tsa-chain.pem');
    writeFileSync(chain, ['tsa.pem', 'intermediate.pem', 'root.pem'].map((f) => readFileSync(MADE(f), 'utf8')).join(''));
    const flags = ['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--ca-roots', FULCIO_V1, '--ca-intermediates', sigstoreFixture('fulcio_intermediate.pem'), '--rekor-key', REKOR_PUB];
    const ref = ['--oci-layout', `${store.location}:v1`];

    const r = await runCli('verify', ...flags, '--timestamp-certificate-chain', chain, ...ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: verified by certificate for cody@soyland\.com \(https:\/\/github\.com\/login\/oauth\), logged by Rekor \(inclusion proof verified\), timestamped by CN=made tsa, O=example at 2025-02-28T19:18:12Z, signed as 127\.0\.0\.1:60943\/repo\n$/);
    const json = await runCli('verify', ...flags, '--timestamp-certificate-chain', chain, '--format', 'json', ...ref);
    const doc = JSON.parse(json.stdout) as Json;
    assert.deepEqual([doc.version, doc.timestampCertificateChains], [1, [chain]]);
    const s = doc.manifests[0].signatures[0] as Json;
    assert.deepEqual([s.valid, s.timestamp, s.certificate.checkedAt, s.integratedTime], [true, { time: '2025-02-28T19:18:12.000Z', authority: 'CN=made tsa, O=example', root: `${chain}[2]` }, '2025-02-28T19:18:12.000Z', undefined]);

    // verify-attestation reads the same bundle (an attestation: predicateType cosign's custom) through the same check.
    const att = await runCli('verify-attestation', ...flags, '--timestamp-certificate-chain', chain, '--format', 'json', ...ref);
    assert.equal(att.code, 0, att.stderr + att.stdout);
    const a = (JSON.parse(att.stdout) as Json).manifests[0].attestations[0] as Json;
    assert.deepEqual([a.valid, a.format, a.timestamp?.time, a.certificate.checkedAt], [true, 'bundle', '2025-02-28T19:18:12.000Z', '2025-02-28T19:18:12.000Z']);

    // Without the chain, as before: checked now, expired; with a chain that has no root, a usage of the flag refused.
    const without = await runCli('verify', ...flags, ...ref);
    assert.equal(without.code, 3);
    assert.match(without.stdout, /certificate-expired: .*\(now: its Rekor entry is proved by an inclusion proof alone/);
    const leafOnly = await runCli('verify', ...flags, '--timestamp-certificate-chain', MADE('tsa.pem'), ...ref);
    assert.equal(leafOnly.code, 1);
    assert.match(leafOnly.stderr, /--timestamp-certificate-chain .*tsa\.pem: no root \(a self-signed CA certificate\) in it/);
  });
});
