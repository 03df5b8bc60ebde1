// Keyless verification's certificate checks on the cases cosign's own fixtures do not reach, with certificates
// OpenSSL made (test/fixtures/cosign-keyless-made/make.sh): Fulcio's v2 OIDC issuer extension alone, the two issuer
// extensions disagreeing, a leaf not for code signing, an unknown critical extension, an issuer that is no CA, a
// pathLenConstraint exceeded, IP and Fulcio-username SANs. Each leaf's key signs a cosign payload here; the layer
// carries the certificate and chain as cosign writes them.
import { strict as assert } from 'node:assert';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import type { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';
import {
  CERTIFICATE_ANNOTATION,
  type CertificatePolicy,
  CHAIN_ANNOTATION,
  loadCertificates,
  makePayload,
  SIGNATURE_ANNOTATION,
  type SignatureResult,
  SIMPLESIGNING_MEDIA_TYPE,
  type TextMatch,
  verifySignatures,
} from '../../src/oci/signatures';
import { MAX_INTERMEDIATES } from '../../src/oci/signatures/x509/certificateChain';
import { cleanupTemps, makeImage, newLayout, pushBlob, pushManifest } from './builders';

after(cleanupTemps);

const MADE = join(__dirname, '..', 'fixtures', 'cosign-keyless-made');
const pem = (name: string) => readFileSync(join(MADE, `${name}.pem`), 'utf8');
const GHA = 'https://token.actions.githubusercontent.com';
const WORKFLOW = 'https://github.com/example/app/.github/workflows/release.yml@refs/heads/main';

describe('keyless: certificate checks on certificates OpenSSL made', () => {
  let store: OciLayoutStore;

  beforeEach(async () => {
    store = await newLayout();
  });

  /** The image signed by `leaf`'s key (or `signer`'s), its layer carrying `leaf` and `chain`; the one signature's result under `policy`. */
  async function check(leaf: string, chain: string[], policy: Partial<CertificatePolicy> = {}, signer = leaf): Promise<SignatureResult> {
    const image: Descriptor = await makeImage(store);
    const payload = makePayload(image.digest, 'r.example/app:v1');
    const signature = sign('sha256', payload, createPrivateKey(readFileSync(join(MADE, `${signer}.key.pem`)))).toString('base64');
    const layer = await pushBlob(store, payload, SIMPLESIGNING_MEDIA_TYPE);
    const annotations = { [SIGNATURE_ANNOTATION]: signature, [CERTIFICATE_ANNOTATION]: pem(leaf), ...(chain.length > 0 ? { [CHAIN_ANNOTATION]: chain.map(pem).join('') } : {}) };
    const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaType.ImageManifest, config: await pushBlob(store, '{}', MediaType.ImageConfig), layers: [{ ...layer, annotations }] };
    await store.tag(await pushManifest(store, manifest), cosignTag(image.digest, 'sig'));
    const full: CertificatePolicy = {
      roots: loadCertificates('root.pem', pem('root')),
      intermediates: [],
      identity: { matches: /@example\.com$/, pattern: '@example\\.com$' },
      oidcIssuer: { equals: GHA },
      ...policy,
    };
    const r = await verifySignatures(store, image, [], { certificates: full });
    assert.equal(r.signatures.length, 1);
    return r.signatures[0]!;
  }
  const brief = (s: SignatureResult) => [s.valid, s.problem, s.reason];
  const exact = (equals: string): TextMatch => ({ equals });

  it("Fulcio's GitHub Actions shape: a critical URI SAN and the v2 issuer extension alone (a DER UTF8String)", async () => {
    const s = await check('workflow', ['intermediate', 'root'], { identity: { matches: /^https:\/\/github\.com\/example\/app\//, pattern: '^https://github\\.com/example/app/' } });
    assert.deepEqual(brief(s), [true, undefined, undefined]);
    assert.deepEqual(s.certificate?.identities, [WORKFLOW]);
    assert.equal(s.certificate?.oidcIssuer, GHA);
    assert.equal(s.certificate?.subject, '');
    assert.equal(s.certificate?.root, 'root.pem');
    // Exact identities match the whole text only.
    assert.equal((await check('workflow', ['intermediate', 'root'], { identity: exact('https://github.com/example/app') })).problem, 'certificate-identity-mismatch');
  });

  it('IP addresses (as Go prints them) and the Fulcio username are identities', async () => {
    for (const id of ['10.0.0.1', '2001:db8::1', 'octocat']) assert.deepEqual(brief(await check('names', ['intermediate', 'root'], { identity: exact(id) })), [true, undefined, undefined], id);
    const s = await check('names', ['intermediate', 'root'], { identity: exact('dev@example.com') });
    assert.deepEqual(brief(s), [false, 'certificate-identity-mismatch', 'the certificate is for 10.0.0.1, 2001:db8::1, octocat, not dev@example.com']);
  });

  it('refuses: issuer extensions that disagree, a leaf for TLS, an unknown critical extension', async () => {
    assert.deepEqual(brief(await check('disagree', ['intermediate', 'root'])), [
      false,
      'malformed-certificate',
      'the certificate: not an X.509 certificate (its OIDC issuer extensions disagree: 1.3.6.1.4.1.57264.1.1 "https://accounts.google.com", 1.3.6.1.4.1.57264.1.8 "https://token.actions.githubusercontent.com")',
    ]);
    assert.deepEqual(brief(await check('server', ['intermediate', 'root'])), [false, 'untrusted-certificate', 'the certificate is not for code signing (extendedKeyUsage 1.3.6.1.5.5.7.3.1)']);
    assert.deepEqual(brief(await check('unknown', ['intermediate', 'root'])), [false, 'untrusted-certificate', 'the certificate has critical extensions not understood here (1.2.3.4.5)']);
  });

  it('refuses a chain through an issuer that is no CA, or past a pathLenConstraint; trusts an intermediate given as a root', async () => {
    let s = await check('undernotca', ['notca', 'root']);
    assert.equal(s.problem, 'untrusted-certificate');
    assert.match(s.reason!, /^issued by O=example, CN=not a CA, no chain to the roots given \(root\.pem: O=example, CN=made root\) through 2 intermediates \(the chain annotation\[0\] is not a CA \(basicConstraints\)\)$/);
    s = await check('toodeep', ['intermediate2', 'intermediate', 'root']);
    assert.equal(s.problem, 'untrusted-certificate');
    assert.match(s.reason!, /\(the chain annotation\[1\] allows 0 intermediates below it, not 1\)$/);
    // The intermediate itself as the root: trusted as given, as cosign and containers/image trust it.
    s = await check('workflow', [], { roots: loadCertificates('intermediate.pem', pem('intermediate')), identity: exact(WORKFLOW) });
    assert.deepEqual(brief(s), [true, undefined, undefined]);
    // Without the chain annotation, the intermediate given.
    s = await check('workflow', [], { intermediates: loadCertificates('intermediate.pem', pem('intermediate')), identity: exact(WORKFLOW) });
    assert.deepEqual(brief(s), [true, undefined, undefined]);
  });

  it('refuses a chain annotation offering more intermediates than are looked through', async () => {
    const s = await check('workflow', [...Array<string>(MAX_INTERMEDIATES).fill('intermediate2'), 'intermediate', 'root'], { identity: exact(WORKFLOW) });
    assert.deepEqual(brief(s), [false, 'untrusted-certificate', `${MAX_INTERMEDIATES + 2} intermediate certificates offered, more than the ${MAX_INTERMEDIATES} looked through`]);
  });

  it("refuses a signature the certificate's key did not make", async () => {
    const s = await check('workflow', ['intermediate', 'root'], { identity: exact(WORKFLOW) }, 'names');
    assert.equal(s.problem, 'bad-signature');
    assert.match(s.reason!, /^the certificate's key \(ecdsa-p256, https:\/\/github\.com\/.* \(https:\/\/token\.actions\.githubusercontent\.com\)\) does not verify it/);
  });
});
