// Signatures notation itself made (notation-go's testdata: test/fixtures/notary-vector/README.md), stored as
// notation stores them (a referrer of artifactType application/vnd.cncf.notary.signature, the envelope its one
// layer): verify accepts the JWS and the COSE one with the certificate that signed them as the root, and refuses
// each tampering with its named problem. This is the check that our reading of the format is notation's.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { loadNotaryRoots, NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, verifyNotaryEnvelope } from '../../src/oci/signatures';
import type { OciLayoutStore } from '../../src/oci/layout';
import { attachNotary, made, VECTOR } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout } from './builders';

after(cleanupTemps);

const vector = (name: string) => `${VECTOR}/${name}`;
const jws = () => JSON.parse(readFileSync(vector('jws_signature.sig'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ALPINE = 'C=US, ST=WA, L=Seattle, O=Notary, CN=alpine';

describe('Notary signatures notation made (notation-go testdata)', () => {
  let store: OciLayoutStore;
  let image: Descriptor;

  /** A fresh layout holding the image notation signed, tagged v2, and `envelopes` attached to it. */
  async function layoutWith(...envelopes: Array<[Buffer, string]>): Promise<string> {
    store = await newLayout();
    const bytes = readFileSync(vector('manifest.json'));
    image = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(bytes), size: bytes.length };
    await store.push(image, bytes);
    await store.tag(image, 'v2');
    for (const [e, type] of envelopes) await attachNotary(store, image, e, type);
    return store.location;
  }
  const verify = (dir: string, ...flags: string[]) => runCli('verify', '--oci-layout', `${dir}:v2`, ...flags);

  it('verifies the JWS and the COSE envelope with the certificate that signed them as the root', async () => {
    const dir = await layoutWith([readFileSync(vector('jws_signature.sig')), NOTARY_JWS_MEDIA_TYPE], [readFileSync(vector('cose_signature.sig')), NOTARY_COSE_MEDIA_TYPE]);
    assert.equal(image.digest, 'sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0');
    let r = await verify(dir, '--notary-roots', vector('alpine.crt'));
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`: verified by Notary signature of ${ALPINE} \\(root .*alpine\\.crt, notary\\.x509\\), signed as \\(no name: a Notary signature signs the descriptor only\\)\\n$`));
    r = await verify(dir, '--notary-roots', vector('alpine.crt'), '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.version, 1);
    assert.deepEqual(doc.notary, { roots: [vector('alpine.crt')], authorityRoots: [], identities: [] });
    const sigs = doc.manifests[0].signatures;
    assert.deepEqual(sigs.map((s: { notary: { envelope: string } }) => s.notary.envelope).sort(), ['cose', 'jws']);
    for (const s of sigs) {
      assert.equal(s.valid, true);
      assert.equal(s.format, 'notary');
      assert.equal(s.keyType, 'rsa-2048');
      assert.equal(s.certificate.subject, ALPINE);
      assert.equal(s.certificate.root, vector('alpine.crt'));
      assert.equal(s.notary.signingScheme, 'notary.x509');
      assert.equal(s.notary.signingAgent, 'Notation/1.0.0');
    }
    assert.equal(sigs.find((s: { notary: { envelope: string } }) => s.notary.envelope === 'jws').notary.signingTime, '2023-03-14T08:10:02.000Z');
  });

  it('with --notary-identity: valid for the subject it names (S for ST too), refused for another (exit code 3)', async () => {
    const dir = await layoutWith([readFileSync(vector('jws_signature.sig')), NOTARY_JWS_MEDIA_TYPE]);
    let r = await verify(dir, '--notary-roots', vector('alpine.crt'), '--notary-identity', 'x509.subject: C=US, S=WA, O=Notary, CN=alpine');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    r = await verify(dir, '--notary-roots', vector('alpine.crt'), '--notary-identity', 'x509.subject: C=US, ST=WA, O=Notary, CN=busybox');
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`layers\\[0\\]: certificate-identity-mismatch: layers\\[0\\]: the certificate is for ${ALPINE}, not x509\\.subject: C=US, ST=WA, O=Notary, CN=busybox\\n`));
  });

  it('refuses them under another root, as untrusted-certificate', async () => {
    const dir = await layoutWith([readFileSync(vector('jws_signature.sig')), NOTARY_JWS_MEDIA_TYPE]);
    const r = await verify(dir, '--notary-roots', made('root.pem'));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /untrusted-certificate: layers\[0\]: its chain \(C=US, ST=WA, L=Seattle, O=Notary, CN=alpine\) holds none of --notary-roots \(.*root\.pem\)\n/);
  });

  const tamperings: Array<[string, (e: Record<string, any>) => void, RegExp]> = [ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['its payload names another digest', (e) => (e.payload = Buffer.from(Buffer.from(e.payload, 'base64url').toString().replace('19dbd2e4', '19dbd2e5')).toString('base64url')), /bad-signature: .*does not verify it/],
    ['its signature changed', (e) => (e.signature = (e.signature[0] === 'A' ? 'B' : 'A') + e.signature.slice(1)), /bad-signature: .*does not verify it/],
    ['its protected header changed (its signing time rewritten)', (e) => (e.protected = Buffer.from(Buffer.from(e.protected, 'base64url').toString().replace('2023-03-14', '2023-03-15')).toString('base64url')), /bad-signature: .*does not verify it/],
    ['its certificate replaced with one of another key', (e) => (e.header.x5c = [readFileSync(made('rsaleaf.pem'), 'utf8').replace(/-----[A-Z ]+-----|\s/g, '')]), /bad-signature: .*C=US, ST=WA, L=Seattle, O=example\.com, OU=Release, CN=release signer\) does not verify it/],
    ['its x5c gone', (e) => delete e.header.x5c, /malformed-signature: layers\[0\]: JWS envelope: header\.x5c: expected a certificate chain/],
    ['its payload not base64url', (e) => (e.payload = `${e.payload}=`), /malformed-signature: .*not base64url/],
  ];
  for (const [what, change, problem] of tamperings) {
    it(`refuses the JWS envelope when ${what}`, async () => {
      const e = jws();
      change(e);
      const dir = await layoutWith([Buffer.from(JSON.stringify(e)), NOTARY_JWS_MEDIA_TYPE]);
      const r = await verify(dir, '--notary-roots', vector('alpine.crt'));
      assert.equal(r.code, 3, r.stderr + r.stdout);
      assert.match(r.stdout, problem);
    });
  }

  it('stays valid when only its unsigned attributes change (the signing agent)', async () => {
    const e = jws();
    e.header['io.cncf.notary.signingAgent'] = 'someone else';
    const dir = await layoutWith([Buffer.from(JSON.stringify(e)), NOTARY_JWS_MEDIA_TYPE]);
    const r = await verify(dir, '--notary-roots', vector('alpine.crt'), '--format', 'json');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(JSON.parse(r.stdout).manifests[0].signatures[0].notary.signingAgent, 'someone else');
  });

  it('refuses the COSE envelope with a byte of its payload changed, and either envelope attached to another image (digest-mismatch)', async () => {
    const cose = readFileSync(vector('cose_signature.sig'));
    const at = cose.indexOf('19dbd2e4');
    const changed = Buffer.from(cose);
    changed[at] = '2'.charCodeAt(0);
    let dir = await layoutWith([changed, NOTARY_COSE_MEDIA_TYPE]);
    let r = await verify(dir, '--notary-roots', vector('alpine.crt'));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /bad-signature: .*does not verify it/);

    dir = await layoutWith();
    const other = await makeImage(store, { seed: 'other' });
    await store.tag(other, 'other');
    await attachNotary(store, other, cose, NOTARY_COSE_MEDIA_TYPE);
    await attachNotary(store, other, readFileSync(vector('jws_signature.sig')), NOTARY_JWS_MEDIA_TYPE);
    r = await runCli('verify', '--oci-layout', `${dir}:other`, '--notary-roots', vector('alpine.crt'));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    const lines = r.stdout.split('\n').filter((l) => l.includes('digest-mismatch'));
    assert.equal(lines.length, 2, r.stdout);
    for (const l of lines) assert.match(l, /signs digest "sha256:19dbd2e4[0-9a-f]+", size 481, not "sha256:[0-9a-f]{64}", \d+/);
  });

  it('refuses a COSE envelope whose x5chain is one certificate as a bare byte string, as notation does (RFC 9360 allows it; notation reads only the array)', async () => {
    const cose = readFileSync(vector('cose_signature.sig'));
    // The vector's unprotected header: 33 (0x18 0x21) => an array of one (0x81) byte string; drop the array head.
    const at = cose.indexOf(Buffer.from([0x18, 0x21, 0x81, 0x59]));
    assert.ok(at > 0);
    const bare = Buffer.concat([cose.subarray(0, at + 2), cose.subarray(at + 3)]);
    const dir = await layoutWith([bare, NOTARY_COSE_MEDIA_TYPE]);
    const r = await verify(dir, '--notary-roots', vector('alpine.crt'));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /malformed-signature: .*x5chain \(33\): one certificate as a byte string, not an array of them/);
    // The same envelope with its array head verifies (the check above is the only difference).
    const whole = await verify(await layoutWith([cose, NOTARY_COSE_MEDIA_TYPE]), '--notary-roots', vector('alpine.crt'));
    assert.equal(whole.code, 0, whole.stderr + whole.stdout);
  });

  it("without TSA roots its timestamp countersignature is not read: the chain checked now, and said so (notation-go's jwsWithTimestamp.sig)", () => {
    const bytes = readFileSync(vector('jwsWithTimestamp.sig'));
    const subject = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: 'sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda', size: 528 };
    const roots = loadNotaryRoots('alpine-2023.crt', readFileSync(vector('alpine-2023.crt')));
    const trust = { roots, authorityRoots: [], identities: [] };
    const ok = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, subject, { ...trust, now: new Date('2030-01-01T00:00:00Z') });
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.equal(ok.fields.notary?.timestampNotVerified, true);
    assert.equal(ok.fields.certificate?.checkedAt, '2030-01-01T00:00:00.000Z');
    // Past its certificate's notAfter (2033-05-10): the timestamp would prove it was signed in time; it is not read here.
    const late = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, subject, { ...trust, now: new Date('2034-01-01T00:00:00Z') });
    assert.equal(late.ok, false);
    assert.equal(!late.ok && late.problem, 'certificate-expired');
    assert.match(!late.ok ? late.reason : '', /expired at 2033-05-10T04:55:12\.000Z, before 2034-01-01T00:00:00\.000Z \(now: its timestamp countersignature is not verified without --notary-tsa-roots\)/);
  });

  it("with the TSA's root (--notary-tsa-roots) its timestamp countersignature verifies: the chain checked at the time stamped, valid after its notAfter; another root: bad-timestamp", async () => {
    const bytes = readFileSync(vector('jwsWithTimestamp.sig'));
    const subject = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: 'sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda', size: 528 };
    const roots = loadNotaryRoots('alpine-2023.crt', readFileSync(vector('alpine-2023.crt')));
    const tsaRoots = loadNotaryRoots('globalsign-root-r6.crt', readFileSync(vector('globalsign-root-r6.crt')));
    const after = new Date('2034-01-01T00:00:00Z');
    const ok = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, subject, { roots, authorityRoots: [], identities: [], tsaRoots, now: after });
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.match(ok.fields.timestamp?.time ?? '', /^2024-06-18T06:29:3\d\.\d{3}Z$/);
    assert.match(ok.fields.timestamp?.authority ?? '', /GlobalSign/i);
    assert.equal(ok.fields.timestamp?.root, 'globalsign-root-r6.crt');
    assert.equal(ok.fields.certificate?.checkedAt, ok.fields.timestamp?.time);
    assert.equal(ok.fields.notary?.timestampNotVerified, undefined);
    // GlobalSign's TSTInfo states an accuracy of 1 s: the time stands for genTime ± 1 s, over which the chain is valid.
    const genTime = Date.parse(ok.fields.timestamp!.time);
    assert.deepEqual([ok.fields.timestamp?.accuracy, ok.fields.timestamp?.earliest, ok.fields.timestamp?.latest], ['1s', new Date(genTime - 1000).toISOString(), new Date(genTime + 1000).toISOString()]);
    // A TSA root that is not the token's: refused by name, whatever the time.
    const other = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, subject, { roots, authorityRoots: [], identities: [], tsaRoots: roots, now: new Date('2030-01-01T00:00:00Z') });
    assert.deepEqual([other.ok, !other.ok && other.problem], [false, 'bad-timestamp']);
    assert.match(!other.ok ? other.reason : '', /^its timestamp countersignature \(io\.cncf\.notary\.timestampSignature\): its TSA certificate /);
    // The same through the CLI: a layout holding the image it signs is not at hand, so the flag's reading is checked here.
    const r = await runCli('verify', '--notary-tsa-roots', vector('globalsign-root-r6.crt'), '--oci-layout', `${await layoutWith()}:v2`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--notary-tsa-roots is for Notary signatures: give --notary-roots/);
  });
});
