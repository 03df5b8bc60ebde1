// Notary signatures made here (test/helpers/notaryEnvelopes.ts, certificates of test/fixtures/notary-made) for the
// cases notation's own test signatures do not reach: each algorithm, both envelopes, chains through an intermediate
// or to another root, the certificate requirements, both signing schemes and their times, the expiry, critical
// headers, identities; then verify's flags and output.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { type Certificate, loadNotaryRoots, NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, type NotaryTrust, parseNotaryIdentity, verifyNotaryEnvelope } from '../../src/oci/signatures';
import { attachNotary, type EnvelopeSpec, made, NOTARY_JWS_MEDIA_TYPE as JWS, signCose, signJws, SUBJECT_DN } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, newLayout, pushBlob, pushManifest, tempDir } from './builders';

after(cleanupTemps);

const TARGET: Descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'ab'.repeat(32)}`, size: 1234 };
const roots = (name: string): Certificate[] => loadNotaryRoots(name, readFileSync(made(`${name}.pem`)));
const trust = (over: Partial<NotaryTrust> = {}): NotaryTrust => ({ roots: roots('root'), authorityRoots: [], identities: [], ...over });
const spec = (over: Partial<EnvelopeSpec> = {}): EnvelopeSpec => ({ target: TARGET, ...over });
const envelopes = [
  ['JWS', signJws, NOTARY_JWS_MEDIA_TYPE],
  ['COSE', signCose, NOTARY_COSE_MEDIA_TYPE],
] as const;

function check(bytes: Buffer, mediaType: string, t: NotaryTrust = trust(), subject: Descriptor = TARGET) {
  return verifyNotaryEnvelope(bytes, mediaType, subject, t);
}

/** The problem and reason of a check that failed (the test fails on a valid one). */
function refused(c: ReturnType<typeof check>): { problem: string; reason: string } {
  assert.equal(c.ok, false, JSON.stringify(c));
  return c.ok ? { problem: '', reason: '' } : { problem: c.problem, reason: c.reason };
}

describe('Notary signatures made here', () => {
  for (const [name, sign, type] of envelopes) {
    describe(`in a ${name} envelope`, () => {
      for (const [leaf, alg, keyType] of [
        ['leaf', 'ES256', 'ecdsa-p256'],
        ['leaf384', 'ES384', 'ecdsa-p384'],
        ['leaf521', 'ES512', 'ecdsa-p521'],
        ['rsaleaf', 'PS256', 'rsa-2048'],
      ] as const) {
        it(`${alg} (${keyType}) through an intermediate to the root given: valid, and refused when its signature is changed`, () => {
          const bytes = sign(spec({ leaf }));
          const c = check(bytes, type);
          assert.equal(c.ok, true, JSON.stringify(c));
          assert.equal(c.fields.keyType, keyType);
          assert.equal(c.fields.certificate?.subject, SUBJECT_DN);
          assert.equal(c.fields.certificate?.root, 'root');
          assert.equal(c.fields.notary?.envelope, name.toLowerCase());
          // The signature is the last bytes of either envelope (JWS: before `"}`; COSE: the last byte string).
          const changed = Buffer.from(bytes);
          const at = type === NOTARY_JWS_MEDIA_TYPE ? changed.length - 4 : changed.length - 1;
          changed[at] = changed[at] === 0x41 ? 0x42 : 0x41;
          assert.equal(refused(check(changed, type)).problem, 'bad-signature');
        });
      }

      it('refuses a chain to another root, out of order, or without its root (untrusted-certificate)', () => {
        let r = refused(check(sign(spec({ leaf: 'otherleaf', chain: ['otherleaf', 'otherroot'] })), type));
        assert.equal(r.problem, 'untrusted-certificate');
        assert.match(r.reason, /holds none of --notary-roots \(root\)/);
        r = refused(check(sign(spec({ chain: ['leaf', 'root', 'intermediate'] })), type));
        assert.match(r.reason, /is not issued by the certificate chain\[1\] .*: the chain must be in order, leaf first/);
        r = refused(check(sign(spec({ chain: ['leaf', 'intermediate'] })), type));
        assert.match(r.reason, /the certificate chain\[1\] \(.*made Notary intermediate\) is the last of the chain and not a self-signed root/);
        // The intermediate given as the root: a certificate of the chain, byte for byte, as notation's trust store matches.
        assert.equal(check(sign(spec()), type, trust({ roots: roots('intermediate') })).ok, true);
      });

      it('refuses a leaf for TLS, or whose keyUsage is not critical (untrusted-certificate)', () => {
        let r = refused(check(sign(spec({ leaf: 'server', chain: ['server', 'intermediate', 'root'] })), type));
        assert.equal(r.problem, 'untrusted-certificate');
        assert.match(r.reason, /is not for code signing \(extendedKeyUsage serverAuth\)/);
        r = refused(check(sign(spec({ leaf: 'softusage', chain: ['softusage', 'intermediate', 'root'] })), type));
        assert.match(r.reason, /has a keyUsage extension not marked critical/);
      });

      it("notary.x509: its chain checked now, whatever its signing time says (certificate-expired once the leaf's day is over)", () => {
        const bytes = sign(spec({ leaf: 'shortlived', chain: ['shortlived', 'intermediate', 'root'] }));
        const notAfter = new Date(new X509Certificate(readFileSync(made('shortlived.pem'))).validTo);
        assert.equal(check(bytes, type, trust({ now: new Date(notAfter.getTime() - 60_000) })).ok, true);
        const r = refused(check(bytes, type, trust({ now: new Date(notAfter.getTime() + 60_000) })));
        assert.equal(r.problem, 'certificate-expired');
        assert.match(r.reason, /\(now: the signing time of a notary\.x509 signature is not trusted\)$/);
      });

      it('notary.x509.signingAuthority: trusted through --notary-authority-roots only, its chain checked at its authentic signing time', () => {
        const notBefore = new Date(new X509Certificate(readFileSync(made('shortlived.pem'))).validFrom);
        const at = (d: Date) => d.toISOString().replace('.000Z', 'Z');
        const authority = (time: Date) =>
          sign(
            spec({
              leaf: 'shortlived',
              chain: ['shortlived', 'intermediate', 'root'],
              protected: {
                'io.cncf.notary.signingScheme': 'notary.x509.signingAuthority',
                'io.cncf.notary.signingTime': undefined,
                'io.cncf.notary.authenticSigningTime': at(time),
                crit: ['io.cncf.notary.signingScheme', 'io.cncf.notary.authenticSigningTime'],
              },
            }),
          );
        const inTime = authority(new Date(notBefore.getTime() + 3600_000));
        let r = refused(check(inTime, type));
        assert.equal(r.problem, 'untrusted-certificate');
        assert.match(r.reason, /no --notary-authority-roots given \(notary\.x509\.signingAuthority signatures are trusted through --notary-authority-roots only\)/);
        // Years later, the leaf long expired: still valid, signed while it was.
        const later = trust({ roots: [], authorityRoots: roots('root'), now: new Date('2100-01-01T00:00:00Z') });
        const c = check(inTime, type, later);
        assert.equal(c.ok, true, JSON.stringify(c));
        assert.equal(c.fields.certificate?.checkedAt, new Date(notBefore.getTime() + 3600_000).toISOString());
        r = refused(check(authority(new Date(notBefore.getTime() - 3600_000)), type, later));
        assert.equal(r.problem, 'certificate-expired');
        assert.match(r.reason, /is valid from .*, after .* \(its authentic signing time\)$/);
      });

      it('refuses it past the expiry its signer set (signature-expired), and an expiry not marked critical (malformed-signature)', () => {
        const expiring = (crit: string[]) => sign(spec({ protected: { 'io.cncf.notary.expiry': '2030-01-01T00:00:00Z', crit } }));
        const bytes = expiring(['io.cncf.notary.signingScheme', 'io.cncf.notary.expiry']);
        assert.equal(check(bytes, type, trust({ now: new Date('2029-12-31T00:00:00Z') })).ok, true);
        const r = refused(check(bytes, type, trust({ now: new Date('2030-01-02T00:00:00Z') })));
        assert.equal(r.problem, 'signature-expired');
        assert.match(r.reason, /its signer set it to expire at 2030-01-01T00:00:00\.000Z, at or before 2030-01-02/);
        // Expired at the expiry itself, as notation reads it ("greater than or equal to").
        assert.equal(refused(check(bytes, type, trust({ now: new Date('2030-01-01T00:00:00Z') }))).problem, 'signature-expired');
        assert.match(refused(check(expiring(['io.cncf.notary.signingScheme']), type)).reason, /crit does not name io\.cncf\.notary\.expiry/);
      });

      it('refuses an attribute marked critical that is not understood (a verification plugin): unknown-critical-header', () => {
        const bytes = sign(spec({ protected: { 'io.cncf.notary.verificationPlugin': 'com.example.plugin', crit: ['io.cncf.notary.signingScheme', 'io.cncf.notary.verificationPlugin'] } }));
        const r = refused(check(bytes, type));
        assert.equal(r.problem, 'unknown-critical-header');
        assert.match(r.reason, /it marks critical io\.cncf\.notary\.verificationPlugin/);
        // Present but not critical: read past.
        assert.equal(check(sign(spec({ protected: { 'io.cncf.notary.verificationPlugin': 'com.example.plugin' } })), type).ok, true);
      });

      it('refuses an alg that is not its key\'s, another content type, another scheme, no signing time, an expiry before it, a payload of another size (their named problems)', () => {
        let r = refused(check(sign(spec({ protected: { alg: 'ES384' } })), type));
        assert.equal(r.problem, 'bad-signature');
        assert.match(r.reason, /it says ES384, but its signing certificate's key \(ecdsa-p256\) signs ES256/);
        r = refused(check(sign(spec({ protected: { cty: 'application/json' } })), type));
        assert.equal(r.problem, 'malformed-signature');
        r = refused(check(sign(spec({ protected: { 'io.cncf.notary.signingScheme': 'notary.x509.other' } })), type));
        assert.match(r.reason, /"notary\.x509\.other" is neither notary\.x509 nor notary\.x509\.signingAuthority/);
        r = refused(check(sign(spec({ protected: { 'io.cncf.notary.signingTime': undefined } })), type));
        assert.match(r.reason, /io\.cncf\.notary\.signingTime is required under notary\.x509/);
        r = refused(check(sign(spec({ protected: { 'io.cncf.notary.expiry': '2026-01-02T03:04:05Z', crit: ['io.cncf.notary.signingScheme', 'io.cncf.notary.expiry'] } })), type));
        assert.match(r.reason, /io\.cncf\.notary\.expiry 2026-01-02T03:04:05\.000Z is not after its signing time/);
        r = refused(check(sign(spec({ target: { ...TARGET, size: 1 } })), type));
        assert.equal(r.problem, 'digest-mismatch');
        assert.match(r.reason, /signs size 1, not 1234/);
        r = refused(check(sign(spec({ payload: Buffer.from('{"targetArtifact": 1}') })), type));
        assert.equal(r.problem, 'malformed-payload');
      });
    });
  }

  it("RSA-PSS with a salt longer than the hash: valid in a JWS envelope (golang-jwt's PS256 takes any), not in a COSE one (go-cose's takes the hash's)", () => {
    const longSalt = spec({ leaf: 'rsaleaf', saltLength: 64 });
    assert.equal(check(signJws(longSalt), NOTARY_JWS_MEDIA_TYPE).ok, true);
    assert.equal(refused(check(signCose(longSalt), NOTARY_COSE_MEDIA_TYPE)).problem, 'bad-signature');
  });

  it('matches identities as notation does: each attribute named must be the subject\'s (S for ST, escapes read); C, ST and O required', () => {
    const bytes = signJws(spec());
    const withIdentity = (...texts: string[]) => check(bytes, NOTARY_JWS_MEDIA_TYPE, trust({ identities: texts.map(parseNotaryIdentity) }));
    assert.equal(withIdentity('x509.subject: C=US, ST=WA, O=example.com').ok, true);
    assert.equal(withIdentity('x509.subject:C=US,S=WA,O=example.com,CN=release signer').ok, true);
    assert.equal(withIdentity('x509.subject: C=US, ST=WA, O=example.org', 'x509.subject: C=US, ST=WA, O=example.com, OU=Release').ok, true);
    const r = refused(withIdentity('x509.subject: C=US, ST=WA, O=example.com, CN=release signer\\, not'));
    assert.equal(r.problem, 'certificate-identity-mismatch');
    assert.match(r.reason, /the certificate is for C=US, ST=WA, L=Seattle, O=example\.com, OU=Release, CN=release signer, not x509\.subject: /);
    assert.throws(() => parseNotaryIdentity('x509.subject: C=US, O=example.com'), /names no ST: an identity must name C, ST \(or S\) and O/);
    assert.throws(() => parseNotaryIdentity('C=US, ST=WA, O=example.com'), /expected "x509\.subject: C=\.\.\., ST=\.\.\., O=\.\.\."/);
    assert.throws(() => parseNotaryIdentity('x509.subject: C=US+ST=WA, O=example.com'), /multi-valued RDN/);
  });
});

describe('verify --notary-roots', () => {
  it('--recursive: each platform of an index by its own signature; a folder of roots, a DER root; JSON names what was asked', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const arm = await makeImage(store, { arch: 'arm64' });
    const index = await makeIndex(store, [amd, arm]);
    await store.tag(index, 'multi');
    for (const d of [index, amd]) await attachNotary(store, d, signJws(spec({ target: d })));
    await attachNotary(store, arm, signCose(spec({ target: arm, leaf: 'otherleaf', chain: ['otherleaf', 'otherroot'] })), NOTARY_COSE_MEDIA_TYPE);
    const folder = tempDir('manifold-notary-roots-');
    const der = join(folder, 'store');
    mkdirSync(der);
    writeFileSync(join(der, 'root.der'), new X509Certificate(readFileSync(made('root.pem'))).raw);
    const ref = `${store.location}:multi`;
    let r = await runCli('verify', '--recursive', '--notary-roots', der, '--oci-layout', ref);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    const lines = r.stdout.split('\n');
    assert.equal(lines.filter((l) => l.includes(': verified by Notary signature of ')).length, 2, r.stdout);
    assert.match(r.stdout, /linux\/arm64 .*: no valid signature\n {2}sha256:[0-9a-f]{64} layers\[0\]: untrusted-certificate: /);
    r = await runCli('verify', '--recursive', '--notary-roots', der, '--notary-roots', made('otherroot.pem'), '--notary-identity', 'x509.subject: C=US, ST=WA, O=example.com', '--format', 'json', '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.notary, { roots: [der, made('otherroot.pem')], authorityRoots: [], identities: ['x509.subject: C=US, ST=WA, O=example.com'] });
    assert.deepEqual(doc.manifests.map((m: { signatures: Array<{ certificate: { root: string } }> }) => m.signatures[0]!.certificate.root), [join(der, 'root.der'), join(der, 'root.der'), made('otherroot.pem')]);
  });

  it('usage: an identity without roots, an identity notation would refuse; without any trust the message names --notary-roots', async () => {
    const store = await newLayout();
    await store.tag(await makeImage(store), 'v1');
    const ref = `${store.location}:v1`;
    let r = await runCli('verify', '--notary-identity', 'x509.subject: C=US, ST=WA, O=example.com', '--oci-layout', ref);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--notary-identity is for Notary signatures: give --notary-roots/);
    r = await runCli('verify', '--notary-roots', made('root.pem'), '--notary-identity', 'x509.subject: O=example.com', '--oci-layout', ref);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--notary-identity "x509\.subject: O=example\.com": names no C, ST/);
    r = await runCli('verify', '--oci-layout', ref);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /\(or --notary-roots FILE\|DIR for Notary Project signatures\)/);
    r = await runCli('verify', '--notary-roots', made('leaf.key.pem'), '--oci-layout', ref);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /leaf\.key\.pem: no PEM CERTIFICATE block/);
  });

  it("notation's older manifests (no artifactType; the config's media type application/vnd.cncf.notary.signature) too; one with two layers refused", async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const layer = await pushBlob(store, signJws(spec({ target: image })), JWS);
    const config = await pushBlob(store, '{}', 'application/vnd.cncf.notary.signature');
    const subject = { mediaType: image.mediaType, digest: image.digest, size: image.size };
    await pushManifest(store, { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer], subject });
    const ref = `${store.location}:v1`;
    let r = await runCli('verify', '--notary-roots', made('root.pem'), '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    await pushManifest(store, { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.cncf.notary.signature', config, layers: [layer, layer], subject });
    r = await runCli('verify', '--notary-roots', made('root.pem'), '--format', 'json', '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const sigs = JSON.parse(r.stdout).manifests[0].signatures as Array<{ valid: boolean; problem?: string; reason?: string }>;
    assert.deepEqual(sigs.map((s) => s.problem ?? 'valid').sort(), ['malformed-signature', 'valid']);
    assert.match(sigs.find((s) => !s.valid)!.reason!, /: 2 layers, not one envelope$/);
  });

  it('with only --key: notation\'s signatures are not looked at (as before); with only --notary-roots: cosign\'s are not', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    await attachNotary(store, image, signJws(spec({ target: image })));
    const ref = `${store.location}:v1`;
    const pub = join(tempDir('manifold-notary-key-'), 'cosign.pub');
    writeFileSync(pub, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
    let r = await runCli('verify', '--key', pub, '--format', 'json', '--oci-layout', ref);
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).manifests[0].signatures, []);
    r = await runCli('verify', '--key', pub, '--notary-roots', made('root.pem'), '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });
});
