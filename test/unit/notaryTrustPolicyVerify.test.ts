// Notary signatures verified under notation's trust policy, the trust stores read from a folder laid out as
// notation's (test/fixtures/notary-policy/truststore): the signatures notation made (notary-vector) and ones made
// here, under each level: what strict refuses, what permissive and audit only log (the signature valid, the result
// saying what was logged), skip verifying nothing; then through the CLI in a layout.
import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, type NotaryTrust, parseTrustPolicy, selectTrustPolicy, trustPolicyTrust, verifyNotaryEnvelope } from '../../src/oci/signatures';
import { attachNotary, signJws, VECTOR } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

const POLICY_DIR = join(__dirname, '..', 'fixtures', 'notary-policy');
const STORE = join(POLICY_DIR, 'truststore');
const ALPINE_ID = 'x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=alpine';
const MADE_ID = 'x509.subject: C=US, ST=WA, O=example.com';
const vector = (name: string) => readFileSync(join(VECTOR, name));
const IMAGE = vector('manifest.json');
const SUBJECT: Descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(IMAGE), size: IMAGE.length };
const STAMPED: Descriptor = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: 'sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda', size: 528 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
const statement = (over: Doc = {}): Doc => ({ name: 'p', registryScopes: ['*'], signatureVerification: { level: 'strict' }, trustStores: ['ca:alpine'], trustedIdentities: [ALPINE_ID], ...over });
const level = (l: string, over: Doc = {}) => ({ signatureVerification: { level: l, ...over } });

/** The trust one statement gives, its stores read from `store`. */
async function policyTrust(over: Doc = {}, store = STORE, now?: Date): Promise<NotaryTrust> {
  const doc = parseTrustPolicy(JSON.stringify({ version: '1.0', trustPolicies: [statement(over)] }), 'policy.json');
  return { ...(await trustPolicyTrust(selectTrustPolicy(doc, 'registry.example.com/app'), store)), ...(now ? { now } : {}) };
}
const jws = () => vector('jws_signature.sig');

describe('Notary signatures under a trust policy', () => {
  it('strict: the JWS and COSE envelopes notation made verify through ca:alpine, the identity trusted; the result names the statement', async () => {
    const trust = await policyTrust();
    for (const [bytes, type] of [[jws(), NOTARY_JWS_MEDIA_TYPE], [vector('cose_signature.sig'), NOTARY_COSE_MEDIA_TYPE]] as const) {
      const c = verifyNotaryEnvelope(bytes, type, SUBJECT, trust);
      assert.equal(c.ok, true, JSON.stringify(c));
      assert.equal(c.fields.certificate?.root, 'ca:alpine/alpine.crt');
      assert.deepEqual(c.fields.trustPolicy, { name: 'p', level: 'strict' });
    }
  });

  it('a wrong trusted identity: refused under strict and permissive; valid under audit, the mismatch logged', async () => {
    const other = { trustedIdentities: ['x509.subject: C=US, ST=WA, O=Notary, CN=busybox'] };
    for (const l of ['strict', 'permissive']) {
      const c = verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ ...other, ...level(l) }));
      assert.equal(c.ok, false);
      assert.equal(!c.ok && c.problem, 'certificate-identity-mismatch');
    }
    const c = verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ ...other, ...level('audit') }));
    assert.equal(c.ok, true, JSON.stringify(c));
    assert.deepEqual(c.fields.trustPolicy?.logged, [
      { check: 'authenticity', problem: 'certificate-identity-mismatch', reason: 'the certificate is for C=US, ST=WA, L=Seattle, O=Notary, CN=alpine, not x509.subject: C=US, ST=WA, O=Notary, CN=busybox' },
    ]);
    // "*" trusts any identity; a plugin's kind of identity only: none to match, as notation-go finds.
    assert.equal(verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ trustedIdentities: ['*'] })).ok, true);
    const plugin = verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ trustedIdentities: ['plugin.example: alpine'] }));
    assert.match(!plugin.ok ? plugin.reason : '', /trust policy "p" has no x509\.subject identity to match \(plugin\.example: alpine are a verification plugin's/);
  });

  it('a trust store without the root, or none of the type the scheme needs, or one missing: refused under strict; logged under audit', async () => {
    const cases: Array<[Doc, RegExp]> = [
      [{ trustStores: ['ca:made'] }, /its chain \(C=US, ST=WA, L=Seattle, O=Notary, CN=alpine\) holds none of the roots of ca:made \(ca:made\/root\.pem\)/],
      [{ trustStores: ['signingAuthority:made'] }, /trust policy "p" names no trust store of type ca \(notary\.x509 signatures are trusted through it only\)/],
      [{ trustStores: ['ca:nosuch'] }, /trust store ca:nosuch: .*truststore\/x509\/ca\/nosuch: no such folder/],
      // One store of the type unreadable fails it, though another holds the root: notation stops at that store.
      [{ trustStores: ['ca:alpine', 'ca:nosuch'] }, /trust store ca:nosuch: .*no such folder/],
    ];
    for (const [over, reason] of cases) {
      const strict = verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust(over));
      assert.equal(!strict.ok && strict.problem, 'untrusted-certificate', JSON.stringify(strict));
      assert.match(!strict.ok ? strict.reason : '', reason);
      const audit = verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ ...over, ...level('audit') }));
      assert.equal(audit.ok, true, JSON.stringify(audit));
      assert.equal(audit.fields.certificate?.root, undefined);
      assert.equal(audit.fields.trustPolicy?.logged?.[0]?.check, 'authenticity');
      assert.match(audit.fields.trustPolicy?.logged?.[0]?.reason ?? '', reason);
    }
  });

  it('integrity is enforced at every level: a changed signature, or one signing another manifest, is refused under audit', async () => {
    const e = JSON.parse(jws().toString()) as { signature: string };
    e.signature = (e.signature[0] === 'A' ? 'B' : 'A') + e.signature.slice(1);
    const audit = await policyTrust(level('audit'));
    assert.equal(((c) => !c.ok && c.problem)(verifyNotaryEnvelope(Buffer.from(JSON.stringify(e)), NOTARY_JWS_MEDIA_TYPE, SUBJECT, audit)), 'bad-signature');
    assert.equal(((c) => !c.ok && c.problem)(verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, { ...SUBJECT, size: 1 }, audit)), 'digest-mismatch');
  });

  it('an expired signature: refused under strict; valid under permissive and audit (and strict with expiry overridden to log), the expiry logged', async () => {
    const target = { mediaType: SUBJECT.mediaType, digest: SUBJECT.digest, size: SUBJECT.size };
    const bytes = signJws({ target, protected: { 'io.cncf.notary.expiry': '2030-01-01T00:00:00Z', crit: ['io.cncf.notary.signingScheme', 'io.cncf.notary.expiry'] } });
    const after = new Date('2031-01-01T00:00:00Z');
    const made = { trustStores: ['ca:made'], trustedIdentities: [MADE_ID] };
    const strict = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust(made, STORE, after));
    assert.equal(!strict.ok && strict.problem, 'signature-expired');
    for (const over of [level('permissive'), level('audit'), level('strict', { override: { expiry: 'log' } })]) {
      const c = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ ...made, ...over }, STORE, after));
      assert.equal(c.ok, true, JSON.stringify(c));
      assert.deepEqual(c.fields.trustPolicy?.logged?.map((l) => [l.check, l.problem]), [['expiry', 'signature-expired']]);
      assert.equal(c.fields.certificate?.root, 'ca:made/root.pem');
    }
    assert.equal(verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust(made, STORE, new Date('2029-01-01T00:00:00Z'))).ok, true);
  });

  it("the authentic timestamp: with tsa:globalsign the countersignature of notation-go's jwsWithTimestamp.sig is verified and required; without, the chain is checked now", async () => {
    const stamped = readFileSync(join(VECTOR, 'jwsWithTimestamp.sig'));
    const late = new Date('2034-01-01T00:00:00Z'); // past alpine-2023.crt's notAfter (2033-05-10)
    const withTsa = { trustStores: ['ca:alpine', 'tsa:globalsign'], trustedIdentities: ['*'] };
    const ok = verifyNotaryEnvelope(stamped, NOTARY_JWS_MEDIA_TYPE, STAMPED, await policyTrust(withTsa, STORE, late));
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.equal(ok.fields.timestamp?.root, 'tsa:globalsign/globalsign-root-r6.crt');
    assert.equal(ok.fields.certificate?.checkedAt, ok.fields.timestamp?.time);
    // No tsa store: checked now, past its notAfter: refused under strict, logged under permissive.
    const noTsa = { trustStores: ['ca:alpine'], trustedIdentities: ['*'] };
    const strict = verifyNotaryEnvelope(stamped, NOTARY_JWS_MEDIA_TYPE, STAMPED, await policyTrust(noTsa, STORE, late));
    assert.equal(!strict.ok && strict.problem, 'certificate-expired');
    assert.match(!strict.ok ? strict.reason : '', /names no tsa trust store, so a timestamp is not verified/);
    const permissive = verifyNotaryEnvelope(stamped, NOTARY_JWS_MEDIA_TYPE, STAMPED, await policyTrust({ ...noTsa, ...level('permissive') }, STORE, late));
    assert.equal(permissive.ok, true, JSON.stringify(permissive));
    assert.deepEqual(permissive.fields.trustPolicy?.logged?.map((l) => [l.check, l.problem]), [['authenticTimestamp', 'certificate-expired']]);
    // A tsa store named: a signature without a countersignature fails the authentic timestamp (notation 1.2), unless
    // verifyTimestamp afterCertExpiry and its chain has not expired.
    const tsaForMade = { trustStores: ['ca:alpine', 'tsa:globalsign'], trustedIdentities: ['*'] };
    const none = verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust(tsaForMade));
    assert.equal(!none.ok && none.problem, 'bad-timestamp');
    assert.match(!none.ok ? none.reason : '', /it carries no timestamp countersignature, which trust policy "p" asks/);
    assert.equal(verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ ...tsaForMade, ...level('strict', { verifyTimestamp: 'afterCertExpiry' }) })).ok, true);
    // The countersignature under a TSA store not its root's: refused by strict.
    const wrongTsa = verifyNotaryEnvelope(stamped, NOTARY_JWS_MEDIA_TYPE, STAMPED, await policyTrust({ trustStores: ['ca:alpine', 'tsa:made'] }, tsaStoreWith('made'), late));
    assert.equal(!wrongTsa.ok && wrongTsa.problem, 'bad-timestamp');
  });

  it('revocation: a chain naming OCSP and a CRL is refused under strict (its status unknown: nothing is fetched), logged under permissive, not looked at when skipped; a chain naming neither passes, as notation passes it', async () => {
    const target = { mediaType: SUBJECT.mediaType, digest: SUBJECT.digest, size: SUBJECT.size };
    const bytes = signJws({ target, leaf: '../notary-policy/revocable' });
    const made = { trustStores: ['ca:made'], trustedIdentities: [MADE_ID] };
    const strict = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust(made));
    assert.equal(!strict.ok && strict.problem, 'revocation-not-checked', JSON.stringify(strict));
    assert.match(!strict.ok ? strict.reason : '', /CN=release signer names OCSP and a CRL for revocation, which is not consulted here \(no network\): its status is unknown/);
    const permissive = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ ...made, ...level('permissive') }));
    assert.deepEqual(permissive.ok && permissive.fields.trustPolicy?.logged?.map((l) => l.check), ['revocation']);
    const skipped = verifyNotaryEnvelope(bytes, NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ ...made, ...level('strict', { override: { revocation: 'skip' } }) }));
    assert.equal(skipped.ok, true);
    assert.equal(skipped.fields.trustPolicy?.logged, undefined);
    assert.deepEqual(skipped.fields.trustPolicy?.override, { revocation: 'skip' });
    assert.equal(verifyNotaryEnvelope(signJws({ target }), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust(made)).ok, true);
  });

  it("reads the trust store folder as notation lays it out: several files, one named store per type, a symlinked file refused", async () => {
    const store = tempDir();
    const ca = join(store, 'x509', 'ca', 'mixed');
    mkdirSync(ca, { recursive: true });
    writeFileSync(join(ca, 'a-other.pem'), readFileSync(join(STORE, 'x509/ca/other/otherroot.pem')));
    writeFileSync(join(ca, 'b-alpine.crt'), readFileSync(join(STORE, 'x509/ca/alpine/alpine.crt')));
    const c = verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ trustStores: ['ca:mixed'] }, store));
    assert.equal(c.ok, true, JSON.stringify(c));
    assert.equal(c.fields.certificate?.root, 'ca:mixed/b-alpine.crt');
    symlinkSync(join(STORE, 'x509/ca/alpine/alpine.crt'), join(ca, 'c-link.crt'));
    const linked = verifyNotaryEnvelope(jws(), NOTARY_JWS_MEDIA_TYPE, SUBJECT, await policyTrust({ trustStores: ['ca:mixed'] }, store));
    assert.match(!linked.ok ? linked.reason : '', /trust store ca:mixed: .*mixed: c-link\.crt is a symlink/);
  });
});

/** A trust store folder whose `tsa:NAME` holds a root that is not the TSA's (notary-made's root), beside ca:alpine. */
function tsaStoreWith(name: string): string {
  const store = tempDir();
  for (const [dir, file, from] of [['x509/ca/alpine', 'alpine-2023.crt', 'x509/ca/alpine/alpine-2023.crt'], [`x509/tsa/${name}`, 'root.pem', 'x509/ca/made/root.pem']] as const) {
    mkdirSync(join(store, dir), { recursive: true });
    writeFileSync(join(store, dir, file), readFileSync(join(STORE, from)));
  }
  return store;
}

describe('verify --notary-trust-policy', () => {
  /** A layout holding the image notation signed (tagged v2) and its JWS signature; the folder. */
  async function signedLayout(): Promise<string> {
    const store = await newLayout();
    await store.push(SUBJECT, IMAGE);
    await store.tag(SUBJECT, 'v2');
    await attachNotary(store, SUBJECT, jws());
    return store.location;
  }
  /** A policy file written beside a `truststore` link to the fixture's (the default store folder); its path. */
  function policyFile(...statements: Doc[]): string {
    const dir = tempDir();
    symlinkSync(STORE, join(dir, 'truststore'));
    const file = join(dir, 'trustpolicy.json');
    writeFileSync(file, JSON.stringify({ version: '1.0', trustPolicies: statements }));
    return file;
  }
  const verify = (dir: string, ...flags: string[]) => runCli('verify', '--oci-layout', `${dir}:v2`, ...flags);

  it("notation's fixture layout: --notary-scope local/alpine picks the strict statement; the truststore folder beside the policy by default", async () => {
    const dir = await signedLayout();
    let r = await verify(dir, '--notary-trust-policy', join(POLICY_DIR, 'trustpolicy.json'), '--notary-scope', 'local/alpine');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: verified by Notary signature of C=US, ST=WA, L=Seattle, O=Notary, CN=alpine \(root ca:alpine\/alpine\.crt, notary\.x509, trust policy "alpine" strict\), signed as /);
    // Another scope falls to the wildcard statement, whose ca:made does not hold alpine's root.
    r = await verify(dir, '--notary-trust-policy', join(POLICY_DIR, 'trustpolicy.json'), '--notary-scope', 'local/other', '--format', 'json');
    assert.equal(r.code, 3, r.stderr + r.stdout);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.version, 1);
    assert.deepEqual(doc.notary, { trustPolicy: join(POLICY_DIR, 'trustpolicy.json'), trustStore: join(POLICY_DIR, 'truststore'), scope: 'local/other' });
    assert.equal(doc.manifests[0].signatures[0].problem, 'untrusted-certificate');
    assert.deepEqual(doc.manifests[0].signatures[0].trustPolicy, { name: 'made', level: 'strict', override: { revocation: 'log' } });
  });

  it("notation's config folder as --notary-trust-policy: its trustpolicy.oci.json first, else trustpolicy.json, the truststore beside them; a folder with neither refused", async () => {
    const dir = await signedLayout();
    const folder = join(tempDir(), 'notation');
    cpSync(POLICY_DIR, folder, { recursive: true });
    let r = await verify(dir, '--notary-trust-policy', folder, '--notary-scope', 'local/alpine', '--format', 'json');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(JSON.parse(r.stdout).notary, { trustPolicy: join(folder, 'trustpolicy.json'), trustStore: join(folder, 'truststore'), scope: 'local/alpine' });
    // notation 1.2+'s file for OCI artifacts wins: here one whose only statement trusts ca:made, not alpine's root.
    const doc = JSON.parse(readFileSync(join(folder, 'trustpolicy.json'), 'utf8'));
    writeFileSync(join(folder, 'trustpolicy.oci.json'), JSON.stringify({ ...doc, trustPolicies: doc.trustPolicies.filter((p: { name: string }) => p.name === 'made') }));
    r = await verify(dir, '--notary-trust-policy', folder, '--notary-scope', 'local/alpine', '--format', 'json');
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.equal(JSON.parse(r.stdout).notary.trustPolicy, join(folder, 'trustpolicy.oci.json'));
    const empty = tempDir();
    r = await verify(dir, '--notary-trust-policy', empty, '--notary-scope', 'local/alpine');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: --notary-trust-policy ${empty}: a folder without trustpolicy.oci.json or trustpolicy.json (notation's trust policy files)\n`);
  });

  it('audit: valid with what was logged, said in the text and the JSON', async () => {
    const dir = await signedLayout();
    const file = policyFile(statement({ ...level('audit'), trustedIdentities: ['x509.subject: C=US, ST=WA, O=Notary, CN=busybox'] }));
    let r = await verify(dir, '--notary-trust-policy', file, '--notary-scope', 'local/alpine');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /trust policy "p" audit, 1 failure logged\)/);
    assert.match(r.stdout, /\n {2}sha256:[0-9a-f]{64} layers\[0\]: logged \(trust policy "p", audit\): authenticity: certificate-identity-mismatch: the certificate is for C=US, ST=WA, L=Seattle, O=Notary, CN=alpine, not x509\.subject: C=US, ST=WA, O=Notary, CN=busybox\n$/);
    r = await verify(dir, '--notary-trust-policy', file, '--notary-scope', 'local/alpine', '--format', 'json');
    const s = JSON.parse(r.stdout).manifests[0].signatures[0];
    assert.equal(s.valid, true);
    assert.equal(s.trustPolicy.logged[0].check, 'authenticity');
  });

  it('skip: no signature verified, the manifest passes and says why', async () => {
    const dir = await signedLayout();
    const file = policyFile({ name: 'unsigned', registryScopes: ['local/alpine'], signatureVerification: { level: 'skip' } }, statement({ name: 'rest' }));
    let r = await verify(dir, '--notary-trust-policy', file, '--notary-scope', 'local/alpine');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: passed: Notary trust policy statement "unsigned" is level skip: its signatures not verified, as notation skips them\n$/);
    r = await verify(dir, '--notary-trust-policy', file, '--notary-scope', 'local/alpine', '--format', 'json');
    const m = JSON.parse(r.stdout).manifests[0];
    assert.deepEqual([m.valid, m.notarySkipped, m.signatures], [true, 'unsigned', []]);
  });

  it("coverage takes verify's trust policy: the signature cell verified under the statement for the scope, not under another", async () => {
    const dir = await signedLayout();
    const policy = join(POLICY_DIR, 'trustpolicy.json');
    const coverage = (scope: string, ...more: string[]) => runCli('coverage', '--notary-trust-policy', policy, '--notary-scope', scope, '--require', 'signature', ...more, '--oci-layout', `${dir}:v2`);
    let r = await coverage('local/alpine', '--format', 'json');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.trust.notary, { trustPolicy: policy, trustStore: join(POLICY_DIR, 'truststore'), scope: 'local/alpine' });
    assert.deepEqual(doc.manifests[0].cells.signature, { verified: { valid: true, by: ['Notary signature of C=US, ST=WA, L=Seattle, O=Notary, CN=alpine'] } });
    r = await coverage('local/other');
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stderr, /signature present but not verified by Notary trust policy .*trustpolicy\.json \(statement "made", strict\)/);
  });

  it('usage and policy errors: exclusive with the piecewise flags, a layout needs a scope, none applies, a damaged policy', async () => {
    const dir = await signedLayout();
    const file = policyFile(statement({ registryScopes: ['local/alpine'] }));
    let r = await verify(dir, '--notary-trust-policy', file, '--notary-scope', 'local/alpine', '--notary-roots', join(STORE, 'x509/ca/alpine'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--notary-trust-policy and --notary-roots: give one.*\nRun "manifold verify --help" for usage/);
    r = await verify(dir, '--notary-trust-policy', file);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--notary-trust-policy with --oci-layout needs --notary-scope SCOPE/);
    r = await verify(dir, '--notary-scope', 'local/alpine', '--key', 'x.pub');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--notary-scope goes with --notary-trust-policy FILE/);
    r = await verify(dir, '--notary-trust-policy', file, '--notary-scope', 'local/other');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--notary-trust-policy local\/other: no statement of .*trustpolicy\.json applies to it/);
    const damaged = policyFile(statement({ trustStores: ['ca'] }));
    r = await verify(dir, '--notary-trust-policy', damaged, '--notary-scope', 'local/alpine');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--notary-trust-policy .*trustpolicy\.json: \$\.trustPolicies\[0\]\.trustStores\[0\]: "ca": expected TYPE:NAME/);
  });
});
