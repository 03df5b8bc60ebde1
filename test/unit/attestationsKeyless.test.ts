// Keyless attestations (test/helpers/keylessAttestations.ts makes them as `cosign attest` keyless does: a made leaf
// with Fulcio's extensions, its chain, a Rekor key made here signing an intoto entry of the envelope): verified, and
// refused with another identity, issuer, root, a tampered envelope, another envelope's bundle.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyAttestations } from '../../src/oci/attestations';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { BUNDLE_ANNOTATION, type CertificatePolicy, loadCertificates } from '../../src/oci/signatures';
import { KEYLESS_FIXTURES } from '../helpers/cosignVectors';
import { bundle, CUSTOM, GHA, keylessAttestation, MADE_FIXTURES, type MadeAttestation, rekorLog, type RekorLog, storeAttestations, WORKFLOW } from '../helpers/keylessAttestations';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, tempDir } from './builders';

after(cleanupTemps);

const made = (name: string) => join(MADE_FIXTURES, name);
const pem = (name: string) => readFileSync(made(`${name}.pem`), 'utf8');

describe('verify-attestation: keyless attestations (certificate, chain, Rekor intoto bundle)', () => {
  let log: RekorLog;
  let other: RekorLog;
  // Made in a hook, not as the file loads: another file's cleanup would remove the key files before this runs.
  before(() => {
    const keys = tempDir();
    log = rekorLog(keys, 'rekor');
    other = rekorLog(keys, 'other-rekor');
  });
  const loggedAt = Math.floor(Date.now() / 1000) - 60;
  const policy = (p: Partial<CertificatePolicy> = {}): CertificatePolicy => ({
    roots: loadCertificates('root.pem', pem('root')),
    intermediates: [],
    identity: { equals: WORKFLOW },
    oidcIssuer: { equals: GHA },
    ...p,
  });

  /** A layout whose image `v1` has the attestations `layers` made for it, in one `.att` manifest. */
  async function layoutWith(layers: (image: Descriptor) => MadeAttestation[]) {
    const dir = join(tempDir(), 'layout');
    const store = await OciLayoutStore.open(dir, { create: true });
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    await storeAttestations(store, image, layers(image));
    return { dir, store, image };
  }

  const attestation = (image: Descriptor, text = 'hello', o: { version?: '0.0.1' | '0.0.1-old' | '0.0.2' } = {}) => keylessAttestation(image, log, loggedAt, { text, ...o });

  const keyless = (identity = WORKFLOW, issuer = GHA, roots = made('root.pem')) => ['--certificate-identity', identity, '--certificate-oidc-issuer', issuer, '--ca-roots', roots];
  const verifyIn = (dir: string, ...flags: string[]) => runCli('verify-attestation', ...flags, '--oci-layout', `${dir}:v1`);
  const problemLine = (stdout: string) => /\n {2}sha256:[0-9a-f]{64} layers\[\d\]: ([a-z-]+): (.*)\n/.exec(stdout)?.slice(1) ?? [];

  it('verifies with the identity, issuer, root and Rekor key it was made under, checked at the time Rekor logged it (text and JSON)', async () => {
    const { dir, image } = await layoutWith((i) => [attestation(i)]);
    const r = await verifyIn(dir, ...keyless(), '--rekor-key', log.file, '--type', 'custom');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const at = new Date(loggedAt * 1000).toISOString().replace('.000Z', 'Z');
    assert.equal(r.stdout, `linux/amd64 ${dir}@${image.digest}: verified by certificate for ${WORKFLOW} (${GHA}), logged by Rekor at ${at}, predicate type ${CUSTOM}\n`);
    const json = await verifyIn(dir, ...keyless(), '--rekor-key', log.file, '--format', 'json');
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { certificates: unknown; rekorKeys: unknown; manifests: Array<{ valid: boolean; attestations: Array<Record<string, unknown>> }> };
    assert.deepEqual(doc.certificates, { identity: WORKFLOW, oidcIssuer: GHA, roots: made('root.pem') });
    assert.deepEqual(doc.rekorKeys, [{ name: log.file, logID: log.pub.logId }]);
    const a = doc.manifests[0]!.attestations[0]!;
    assert.equal(a.valid, true);
    assert.equal(a.integratedTime, loggedAt);
    assert.equal(a.rekorKey, log.file);
    assert.equal(a.keyType, 'ecdsa-p256');
    const c = a.certificate as Record<string, unknown>;
    assert.deepEqual(c.identities, [WORKFLOW]);
    assert.equal(c.oidcIssuer, GHA);
    assert.equal(c.checkedAt, new Date(loggedAt * 1000).toISOString());
    assert.equal(c.root, made('root.pem'));
  });

  it("reads a bundle of an intoto 0.0.1 entry (public key, envelope and payload hashes) too, and one older rekors logged without the payload's hash", async () => {
    const { store, image } = await layoutWith((i) => [attestation(i, 'old', { version: '0.0.1' }), attestation(i, 'older', { version: '0.0.1-old' })]);
    const r = await verifyAttestations(store, image, [], { certificates: policy(), rekorKeys: [log.pub] });
    assert.deepEqual(r.attestations.map((a) => [a.valid, a.integratedTime]), [[true, loggedAt], [true, loggedAt]], JSON.stringify(r.attestations));
  });

  it('without --rekor-key, checks the certificate now (the made leaf is valid for 100 years)', async () => {
    const { store, image } = await layoutWith((i) => [attestation(i)]);
    const now = new Date();
    const r = await verifyAttestations(store, image, [], { certificates: policy(), now });
    assert.equal(r.valid, true, JSON.stringify(r.attestations));
    assert.equal(r.attestations[0]!.certificate?.checkedAt, now.toISOString());
    assert.equal(r.attestations[0]!.integratedTime, undefined);
    // Checked at a time the leaf was not yet valid: refused, saying so.
    const early = await verifyAttestations(store, image, [], { certificates: policy(), now: new Date('2020-01-01T00:00:00Z') });
    assert.equal(early.attestations[0]!.problem, 'certificate-expired');
    assert.match(early.attestations[0]!.reason!, /is valid from .*, after 2020-01-01T00:00:00\.000Z/);
  });

  it('refuses another identity, another issuer, another root: named, exit code 3', async () => {
    const { dir } = await layoutWith((i) => [attestation(i)]);
    let r = await verifyIn(dir, ...keyless('https://github.com/example/other/.github/workflows/x.yml@refs/heads/main'), '--rekor-key', log.file);
    assert.equal(r.code, 3);
    assert.deepEqual(problemLine(r.stdout), ['certificate-identity-mismatch', `the certificate is for ${WORKFLOW}, not https://github.com/example/other/.github/workflows/x.yml@refs/heads/main`]);
    r = await verifyIn(dir, ...keyless(WORKFLOW, 'https://accounts.google.com'), '--rekor-key', log.file);
    assert.equal(r.code, 3);
    assert.deepEqual(problemLine(r.stdout), ['issuer-mismatch', `the certificate was issued through OIDC issuer ${GHA}, not https://accounts.google.com`]);
    r = await verifyIn(dir, ...keyless(WORKFLOW, GHA, join(KEYLESS_FIXTURES, 'fulcio_v1.crt.pem')), '--rekor-key', log.file);
    assert.equal(r.code, 3);
    assert.equal(problemLine(r.stdout)[0], 'untrusted-certificate');
    // A regexp for the identity, as verify takes it.
    r = await verifyIn(dir, '--certificate-identity-regexp', '^https://github\\.com/example/app/', '--certificate-oidc-issuer', GHA, '--ca-roots', made('root.pem'), '--rekor-key', log.file);
    assert.equal(r.code, 0, r.stdout);
  });

  it('refuses a tampered envelope: the payload changed under the same signature', async () => {
    const { store, image } = await layoutWith((i) => {
      const a = attestation(i);
      const doc = JSON.parse(a.bytes.toString()) as { payload: string };
      const statement = Buffer.from(doc.payload, 'base64').toString().replace('hello', 'hullo');
      return [{ ...a, bytes: Buffer.from(JSON.stringify({ ...doc, payload: Buffer.from(statement).toString('base64') })) }];
    });
    const r = await verifyAttestations(store, image, [], { certificates: policy(), rekorKeys: [log.pub] });
    assert.equal(r.valid, false);
    assert.equal(r.attestations[0]!.problem, 'bad-signature');
    assert.match(r.attestations[0]!.reason!, /^the certificate's key \(ecdsa-p256, .*\) does not verify it/);
    assert.equal(r.attestations[0]!.predicateType, undefined, 'a payload no signature verifies is not read');
  });

  it("refuses another envelope's bundle, a hashedrekord entry, and a bundle another Rekor key signed", async () => {
    let hashed = '';
    const { store, image } = await layoutWith((i) => {
      const a = attestation(i, 'first');
      const b = attestation(i, 'second');
      hashed = Buffer.from(JSON.stringify({ apiVersion: '0.0.1', kind: 'hashedrekord', spec: {} })).toString('base64');
      return [
        { ...a, annotations: { ...a.annotations, [BUNDLE_ANNOTATION]: b.annotations[BUNDLE_ANNOTATION]! } },
        { ...a, annotations: { ...a.annotations, [BUNDLE_ANNOTATION]: bundle(log, hashed, loggedAt) } },
        { ...a, annotations: { ...a.annotations, [BUNDLE_ANNOTATION]: bundle(other, a.body, loggedAt) } },
        b,
      ];
    });
    const r = await verifyAttestations(store, image, [], { certificates: policy(), rekorKeys: [log.pub] });
    assert.deepEqual(
      r.attestations.map((a) => [a.valid, a.problem]),
      [
        [false, 'bad-bundle'],
        [false, 'bad-bundle'],
        [false, 'bad-bundle'],
        [true, undefined],
      ],
    );
    assert.match(r.attestations[0]!.reason!, /the Rekor entry is not of this signature: it logs an envelope of digest sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64}$/);
    assert.match(r.attestations[1]!.reason!, /body: a hashedrekord 0\.0\.1 entry, not intoto 0\.0\.1 or 0\.0\.2/);
    assert.match(r.attestations[2]!.reason!, /its log ID [0-9a-f]{64} is none of the Rekor keys given/);
  });

  it('takes the keyless flags with the usage errors verify gives', async () => {
    const { dir } = await layoutWith((i) => [attestation(i)]);
    let r = await verifyIn(dir, '--ca-roots', made('root.pem'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /--ca-roots is for keyless signatures: give --certificate-identity \(or --certificate-identity-regexp\) too/);
    r = await verifyIn(dir, '--certificate-identity', WORKFLOW, '--ca-roots', made('root.pem'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--certificate-identity needs --certificate-oidc-issuer/);
    r = await verifyIn(dir);
    assert.match(r.stderr, /--key FILE is required, or --certificate-identity ID for keyless attestations/);
  });
});
