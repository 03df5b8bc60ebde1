// Sigstore trusted roots (test/fixtures/trusted-root: the public-good and staging trusted_root.json sigstore-python
// ships, sigstore-go's public-key-validity.json) read into what the piecewise flags give; each part of one damaged
// refused naming its JSON path; the real bundles of test/fixtures/rekor-v2 and sigstore-bundle verified under a
// trusted root alone as under the PEM pieces cut from it; a validFor that excludes the time refused by name.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OciError } from '../../src/oci/errors';
import { checkBundle, type CertificatePolicy, loadCertificates, loadPublicKey, loadRekorKey, parseTrustedRoot, type SignerTrust, timestampAuthorities, trustedRootCertificates, trustedRootTimestampAuthorities, type TrustedRoot } from '../../src/oci/signatures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const FIXTURES = join(__dirname, '..', 'fixtures');
const TR = (name: string) => join(FIXTURES, 'trusted-root', name);
const V2 = (name: string) => join(FIXTURES, 'rekor-v2', name);
const BUNDLES = (name: string) => join(FIXTURES, 'sigstore-bundle', name);
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Json;
const parse = (name: string, doc: Json = readJson(TR(name))) => parseTrustedRoot(name, Buffer.from(JSON.stringify(doc)));

describe('trusted roots: read', () => {
  it("reads the public-good trusted_root.json: two Fulcio CAs (the 2021 root alone, then intermediate and root), Rekor v1 and v2, a TSA, two CT logs, each with its window", () => {
    const r = parse('public-good.json');
    assert.equal(r.mediaType, 'application/vnd.dev.sigstore.trustedroot+json;version=0.1');
    assert.deepEqual(
      r.certificateAuthorities.map((a) => [a.name, a.roots.map((c) => c.name), a.intermediates.map((c) => c.x509.subject.replace(/\n/g, ', ')), a.validFor?.start?.toISOString(), a.validFor?.end?.toISOString()]),
      [
        ['public-good.json certificateAuthorities[0]', ['public-good.json certificateAuthorities[0].certChain.certificates[0]'], [], '2021-03-07T03:20:29.000Z', '2022-12-31T23:59:59.999Z'],
        ['public-good.json certificateAuthorities[1]', ['public-good.json certificateAuthorities[1].certChain.certificates[1]'], ['O=sigstore.dev, CN=sigstore-intermediate'], '2022-04-13T20:06:15.000Z', undefined],
      ],
    );
    // The second CA's root is Fulcio's fulcio_v1.crt.pem, its intermediate the one the cosign 3 vector's README cut from the same file.
    const fulcio = loadCertificates('fulcio_v1.crt.pem', readFileSync(join(FIXTURES, 'cosign-keyless', 'fulcio_v1.crt.pem')))[0]!;
    assert.ok(r.certificateAuthorities[1]!.roots[0]!.x509.raw.equals(fulcio.x509.raw));
    const intermediate = loadCertificates('fulcio_intermediate.pem', readFileSync(BUNDLES('fulcio_intermediate.pem')))[0]!;
    assert.ok(r.certificateAuthorities[1]!.intermediates[0]!.x509.raw.equals(intermediate.x509.raw));
    // Rekor v1's log ID is its key's (rekor.pub's); Rekor v2's Ed25519 log ID is its note key ID under its origin, checked, and the key's own kept.
    const rekorPub = loadRekorKey('rekor.pub', readFileSync(join(FIXTURES, 'cosign-keyless', 'rekor.pub')));
    assert.deepEqual(
      r.rekorKeys.map((k) => [k.name, k.logId, k.key.type, k.validFor?.start?.toISOString(), k.validFor?.end]),
      [
        ['public-good.json tlogs[0]', rekorPub.logId, 'ecdsa-p256', '2021-01-12T11:53:27.000Z', undefined],
        ['public-good.json tlogs[1]', 'b54813cb63d8859870a5e78500cc6adcfdf59723edae93ee8d25faf2475a0690', 'ed25519', '2025-09-23T00:00:00.000Z', undefined],
      ],
    );
    assert.deepEqual(
      r.timestampAuthorities.map((t) => [t.name, t.leaves.length, t.intermediates.length, t.roots.map((c) => c.x509.subject.replace(/\n/g, ', ')), t.validFor?.start?.toISOString()]),
      [['public-good.json timestampAuthorities[0]', 1, 0, ['O=sigstore.dev, CN=sigstore-tsa-selfsigned'], '2025-07-04T00:00:00.000Z']],
    );
    // CT logs: kept (their key, log ID and window) for SCT checks, not used yet.
    assert.deepEqual(
      r.ctlogs.map((c) => [c.name, c.baseUrl, c.logId, c.key.type, c.validFor?.end?.toISOString()]),
      [
        ['public-good.json ctlogs[0]', 'https://ctfe.sigstore.dev/test', '086092f02852ff6845d1d16b27849c456718ac163dc338d26de6bc2206366f72', 'ecdsa-p256', '2022-10-31T23:59:59.999Z'],
        ['public-good.json ctlogs[1]', 'https://ctfe.sigstore.dev/2022', 'dd3d306ac6c7113263191e1c99673702a24a5eb8de3cadff878a72802f29ee8e', 'ecdsa-p256', undefined],
      ],
    );
  });

  it("reads staging's (Rekor v2 alpha logs whose windows close, an RSA PKCS#1 CT log) and sigstore-go's TSA-only root, its nanosecond window kept to the millisecond inside it", () => {
    const s = parse('staging.json');
    const alpha1 = loadRekorKey('log2025-alpha1.pub', readFileSync(V2('log2025-alpha1.pub')));
    assert.deepEqual(
      s.rekorKeys.map((k) => [k.name, k.key.type, k.validFor?.end?.toISOString()]),
      [
        ['staging.json tlogs[0]', 'ecdsa-p256', undefined],
        ['staging.json tlogs[1]', 'ed25519', '2025-09-04T00:00:00.000Z'],
        ['staging.json tlogs[2]', 'ed25519', '2025-09-28T00:00:00.000Z'],
        ['staging.json tlogs[3]', 'ed25519', undefined],
      ],
    );
    assert.equal(s.rekorKeys[1]!.logId, alpha1.logId);
    assert.deepEqual(s.ctlogs.map((c) => c.key.type), ['rsa-4096', 'ecdsa-p256', 'ecdsa-p256', 'ecdsa-p256']);
    const v = parse('public-key-validity.json');
    assert.deepEqual([v.certificateAuthorities.length, v.rekorKeys.length, v.ctlogs.length], [0, 0, 0]);
    // 2026-06-04T12:43:29.186617431Z to 18:43:29.186617501Z: the start rounded up, the end down.
    assert.deepEqual([v.timestampAuthorities[0]!.validFor?.start?.toISOString(), v.timestampAuthorities[0]!.validFor?.end?.toISOString()], ['2026-06-04T12:43:29.187Z', '2026-06-04T18:43:29.186Z']);
    assert.deepEqual(v.timestampAuthorities.map((t) => [t.leaves.length, t.intermediates.length, t.roots.length]), [[1, 1, 1]]);
    // Version 0.2 reads as 0.1.
    assert.equal(parse('staging.json', { ...readJson(TR('staging.json')), mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.2' }).rekorKeys.length, 4);
  });

  it('refuses a damaged trusted root, naming the file and the JSON path of what is wrong', () => {
    const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');
    const cases: Array<[string, (d: Json) => void, RegExp]> = [
      ['a certificate of other bytes', (d) => (d.certificateAuthorities[1].certChain.certificates[0].rawBytes = b64('not a certificate')), /^public-good\.json: certificateAuthorities\[1\]\.certChain\.certificates\[0\]\.rawBytes: not a DER certificate \(/],
      ['a certificate cut short', (d) => (d.timestampAuthorities[0].certChain.certificates[1].rawBytes = b64(Buffer.from(d.timestampAuthorities[0].certChain.certificates[1].rawBytes, 'base64').subarray(0, 300))), /^public-good\.json: timestampAuthorities\[0\]\.certChain\.certificates\[1\]\.rawBytes: not a DER certificate/],
      ['rawBytes not base64', (d) => (d.certificateAuthorities[0].certChain.certificates[0].rawBytes = 'not base64!'), /: certificateAuthorities\[0\]\.certChain\.certificates\[0\]\.rawBytes: expected base64$/],
      ['an empty chain', (d) => (d.certificateAuthorities[1].certChain.certificates = []), /: certificateAuthorities\[1\]\.certChain\.certificates: expected an array of certificates, at least one$/],
      ['another media type', (d) => (d.mediaType = 'application/vnd.dev.sigstore.bundle.v0.3+json'), /: mediaType: "application\/vnd\.dev\.sigstore\.bundle\.v0\.3\+json", not a TrustedRoot's/],
      ['a log ID not its key', (d) => (d.tlogs[0].logId.keyId = b64(Buffer.alloc(32))), /: tlogs\[0\]\.logId\.keyId: 0{64} is not its key's log ID \(the SHA-256 of its DER: c0d23d6a/],
      ['a CT log ID not its key', (d) => (d.ctlogs[1].logId.keyId = d.ctlogs[0].logId.keyId), /: ctlogs\[1\]\.logId\.keyId: 086092f0.* is not its key's log ID/],
      ['a key not of its keyDetails', (d) => (d.tlogs[0].publicKey.keyDetails = 'PKIX_ED25519'), /: tlogs\[0\]\.publicKey\.keyDetails: PKIX_ED25519, but rawBytes holds a key of type ecdsa-p256$/],
      ['a key of other bytes', (d) => (d.tlogs[1].publicKey.rawBytes = b64('not a key')), /: tlogs\[1\]\.publicKey\.rawBytes: not a public key's DER \(keyDetails PKIX_ED25519\)$/],
      ['no logId', (d) => delete d.ctlogs[0].logId, /: ctlogs\[0\]\.logId\.keyId: expected base64$/],
      ['a time not RFC 3339', (d) => (d.certificateAuthorities[0].validFor.start = '2021-03-07'), /: certificateAuthorities\[0\]\.validFor\.start: "2021-03-07": not an RFC 3339 time$/],
      ['a window ending before it starts', (d) => (d.tlogs[0].publicKey.validFor.end = '2020-01-01T00:00:00Z'), /: tlogs\[0\]\.publicKey\.validFor: its start 2021-01-12T11:53:27\.000Z is after its end 2020-01-01T00:00:00\.000Z$/],
      ['a list not an array', (d) => (d.timestampAuthorities = {}), /: timestampAuthorities: expected an array$/],
      ['an entry not an object', (d) => (d.tlogs[1] = 'rekor'), /: tlogs\[1\]: expected an object$/],
    ];
    for (const [what, change, message] of cases) {
      const doc = readJson(TR('public-good.json'));
      change(doc);
      assert.throws(() => parse('public-good.json', doc), (err: unknown) => err instanceof OciError && err.code === 'INVALID_ARGUMENT' && message.test(err.message), what);
    }
    assert.throws(() => parseTrustedRoot('x.json', Buffer.from('{"mediaType":')), /^OciError: x\.json: not JSON \(/);
    assert.throws(() => parseTrustedRoot('x.json', Buffer.from('[]')), /x\.json: \$: expected an object \(a Sigstore TrustedRoot\)/);
  });
});

/** What a trusted root gives, as the core's options (what `--trusted-root` makes of it). */
function trustOf(root: TrustedRoot, identity: CertificatePolicy['identity'], issuer: string): SignerTrust {
  const tsa = trustedRootTimestampAuthorities(root);
  return { certificates: { ...trustedRootCertificates(root), identity, oidcIssuer: { equals: issuer } }, rekorKeys: root.rekorKeys, ...(tsa ? { timestampAuthorities: tsa } : {}) };
}

/** The fields that name the files trusted (which differ between a trusted root and its pieces): taken out to compare the rest. */
function unnamed(fields: Json): Json {
  const { rekorKey: _r, ...rest } = fields;
  const certificate = rest.certificate ? (({ root: _root, ...c }) => c)(rest.certificate as Json) : undefined;
  const timestamp = rest.timestamp ? (({ root: _root, ...t }) => t)(rest.timestamp as Json) : undefined;
  return { ...rest, ...(certificate ? { certificate } : {}), ...(timestamp ? { timestamp } : {}) };
}

describe('trusted roots: the real bundles verify as under the PEM pieces, and each window is enforced', () => {
  const text = readFileSync(V2('staging-rekor-v2.txt'));
  const textSubject = { digest: `sha256:${createHash('sha256').update(text).digest('hex')}`, bytes: async () => text };
  const jku = { equals: 'jku@goto.fi' };
  const GITHUB = 'https://github.com/login/oauth';
  const dsse = readJson(V2('a.dsse.staging-rekor-v2.txt.sigstore.json'));
  const dsseSubject = { digest: `sha256:${(JSON.parse(Buffer.from(dsse.dsseEnvelope.payload, 'base64').toString()) as Json).subject[0].digest.sha256}`, bytes: async () => Buffer.alloc(0) };
  const conformance = { matches: /^https:\/\/github\.com\/sigstore-conformance\//, pattern: '^https://github.com/sigstore-conformance/' };
  const ACTIONS = 'https://token.actions.githubusercontent.com';
  /** Staging's pieces as test/fixtures/rekor-v2 cut them from the same trusted_root.json. */
  const stagingPieces = (identity: CertificatePolicy['identity'], issuer: string): SignerTrust => ({
    certificates: { roots: loadCertificates('fulcio_staging_root.pem', readFileSync(V2('fulcio_staging_root.pem'))), intermediates: loadCertificates('fulcio_staging_intermediate.pem', readFileSync(V2('fulcio_staging_intermediate.pem'))), identity, oidcIssuer: { equals: issuer } },
    rekorKeys: ['log2025-alpha1.pub', 'log2025-alpha3.pub'].map((f) => loadRekorKey(f, readFileSync(V2(f)))),
    timestampAuthorities: timestampAuthorities(loadCertificates('tsa_staging_chain.pem', readFileSync(V2('tsa_staging_chain.pem')))),
  });

  it("staging's Rekor v2 bundles (a message and a DSSE signature, inclusion proofs, RFC 3161 timestamps): the same results under staging's trusted root as under its pieces", async () => {
    const staging = parse('staging.json');
    for (const [bytes, subject, identity, issuer] of [
      [readFileSync(V2('staging-rekor-v2.txt.sigstore.json')), textSubject, jku, GITHUB],
      [readFileSync(V2('a.dsse.staging-rekor-v2.txt.sigstore.json')), dsseSubject, conformance, ACTIONS],
    ] as const) {
      const pieces = await checkBundle(bytes, subject, [], stagingPieces(identity, issuer));
      const whole = await checkBundle(bytes, subject, [], trustOf(staging, identity, issuer));
      assert.equal(pieces.ok, true, pieces.ok ? '' : pieces.reason);
      assert.equal(whole.ok, true, whole.ok ? '' : whole.reason);
      assert.deepEqual(unnamed(whole.fields), unnamed(pieces.fields));
      assert.equal(whole.fields.inclusionProof, true);
    }
    const whole = await checkBundle(readFileSync(V2('staging-rekor-v2.txt.sigstore.json')), textSubject, [], trustOf(staging, jku, GITHUB));
    assert.deepEqual([whole.fields.rekorKey, whole.fields.certificate?.root, whole.fields.timestamp?.root, whole.fields.certificate?.checkedAt], ['staging.json tlogs[1]', 'staging.json certificateAuthorities[0].certChain.certificates[1]', 'staging.json timestampAuthorities[0].certChain.certificates[1]', '2025-06-09T11:57:38.000Z']);
  });

  it("sigstore-go's key-signed message bundle: its timestamp verifies under public-key-validity.json as under the chain cut from it", async () => {
    const key = loadPublicKey('message.pub', readFileSync(BUNDLES('message.pub')));
    const bytes = readFileSync(BUNDLES('message.sigstore.json'));
    const subject = { digest: `sha256:${createHash('sha256').update('test content').digest('hex')}`, bytes: async () => Buffer.from('test content') };
    const pieces = await checkBundle(bytes, subject, [key], { timestampAuthorities: timestampAuthorities(loadCertificates('message_tsa_chain.pem', readFileSync(BUNDLES('message_tsa_chain.pem')))) });
    const whole = await checkBundle(bytes, subject, [key], { timestampAuthorities: trustedRootTimestampAuthorities(parse('public-key-validity.json'))! });
    assert.equal(whole.ok, true, whole.ok ? '' : whole.reason);
    assert.deepEqual(unnamed(whole.fields), unnamed(pieces.fields));
    assert.equal(whole.fields.timestamp?.time, '2026-06-04T17:43:29.000Z');

    // The TSA's window moved past genTime: the token still verifies under its chain, but not at that time.
    const doc = readJson(TR('public-key-validity.json'));
    doc.timestampAuthorities[0].validFor.start = '2026-06-04T17:43:30Z';
    const late = await checkBundle(bytes, subject, [key], { timestampAuthorities: trustedRootTimestampAuthorities(parse('public-key-validity.json', doc))! });
    assert.deepEqual([late.ok, !late.ok && late.problem], [false, 'bad-bundle']);
    if (!late.ok) assert.equal(late.reason, 'timestampVerificationData.rfc3161Timestamps[0]: its genTime 2026-06-04T17:43:29.000Z is outside the window of public-key-validity.json timestampAuthorities[0], whose root it chains to (validFor 2026-06-04T17:43:30.000Z to 2026-06-04T18:43:29.186Z)');
  });

  it('refuses by name a certificate issued outside its CA window, a Rekor v2 entry timestamped outside its log window, a timestamp outside its TSA window', async () => {
    const bytes = readFileSync(V2('staging-rekor-v2.txt.sigstore.json'));
    const changed = (change: (d: Json) => void) => {
      const doc = readJson(TR('staging.json'));
      change(doc);
      return trustOf(parse('staging.json', doc), jku, GITHUB);
    };
    // Fulcio staging's window opened after the certificate (notBefore 2025-06-09T11:57:35Z).
    let c = await checkBundle(bytes, textSubject, [], changed((d) => (d.certificateAuthorities[0].validFor.start = '2025-06-10T00:00:00Z')));
    assert.deepEqual([c.ok, !c.ok && c.problem], [false, 'untrusted-certificate']);
    if (!c.ok) assert.equal(c.reason, 'it was issued at 2025-06-09T11:57:35.000Z (its notBefore), when staging.json certificateAuthorities[0], whose root it chains to, was not valid (validFor 2025-06-10T00:00:00.000Z to (open))');
    // alpha1's window closed before the entry's timestamp (2025-06-09T11:57:38Z).
    c = await checkBundle(bytes, textSubject, [], changed((d) => (d.tlogs[1].publicKey.validFor.end = '2025-06-01T00:00:00Z')));
    assert.deepEqual([c.ok, !c.ok && c.problem], [false, 'bad-bundle']);
    if (!c.ok) assert.equal(c.reason, 'its Rekor entry (an inclusion proof, no integratedTime) is timestamped at 2025-06-09T11:57:38.000Z, outside the window of staging.json tlogs[1] (validFor 2025-04-16T00:00:00.000Z to 2025-06-01T00:00:00.000Z): the log key was not in use then');
    // The TSA's window opened after it.
    c = await checkBundle(bytes, textSubject, [], changed((d) => (d.timestampAuthorities[0].validFor.start = '2025-06-09T12:00:00Z')));
    assert.deepEqual([c.ok, !c.ok && c.problem], [false, 'bad-bundle']);
    if (!c.ok) assert.match(c.reason, /^timestampVerificationData\.rfc3161Timestamps\[0\]: its genTime 2025-06-09T11:57:38\.000Z is outside the window of staging\.json timestampAuthorities\[0\], whose root it chains to \(validFor 2025-06-09T12:00:00\.000Z to \(open\)\)$/);
    // A window's ends are inclusive: the certificate issued at the very start of one is trusted.
    c = await checkBundle(bytes, textSubject, [], changed((d) => (d.certificateAuthorities[0].validFor = { start: '2025-06-09T11:57:35Z', end: '2025-06-09T11:57:35Z' })));
    assert.equal(c.ok, true, c.ok ? '' : c.reason);
  });
});
