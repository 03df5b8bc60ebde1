// Keyless (certificate) and Rekor-bundle verification on signatures cosign itself made (containers/image's fixtures:
// test/fixtures/cosign-keyless/README.md), stored as cosign stores them (a sha256-<hex>.sig manifest whose layer is
// the payload, the signature, certificate, chain and bundle in its annotations): valid with the identity, OIDC
// issuer, roots and Rekor key they were made under; refused, each with its problem named, under another identity,
// issuer, roots, Rekor key, with a payload or bundle changed, without the bundle a Rekor key asks for.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, type CertificatePolicy, CHAIN_ANNOTATION, loadCertificates, loadRekorKey, verifySignatures } from '../../src/oci/signatures';
import { cosignVector as vector, type CosignVector as Vector, DOCKER_MANIFEST, KEYLESS_FIXTURES, storeCosignVector } from '../helpers/cosignVectors';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

const fixture = (name: string) => join(KEYLESS_FIXTURES, name);
const COSIGN2_PUB = join(__dirname, '..', 'fixtures', 'cosign-vector', 'cosign2.pub');

/** A layout holding the image `manifestFile` (tagged v1) and `sig` as cosign stores it; its directory and the image. */
async function layoutWith(manifestFile: string, mediaType: string, sig: Vector): Promise<{ dir: string; image: Descriptor }> {
  const store = await newLayout();
  return { dir: store.location, image: await storeCosignVector(store, manifestFile, mediaType, sig) };
}
const without = (v: Vector, key: string): Vector => ({ ...v, annotations: Object.fromEntries(Object.entries(v.annotations).filter(([k]) => k !== key)) });
/** The PEM certificate `pem` with its DER cut to 200 bytes. */
const truncatedPem = (pem: string) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64').subarray(0, 200).toString('base64')}\n-----END CERTIFICATE-----\n`;
const withAnnotation = (v: Vector, key: string, value: string): Vector => ({ ...v, annotations: { ...v.annotations, [key]: value } });

describe('keyless: a Fulcio certificate and Rekor bundle cosign made (containers/image fixture)', () => {
  // Signed by cosign with mitr@redhat.com's GitHub login (policy_eval_sigstore_test.go), logged by Rekor at 1674247893.
  const IDENTITY = 'mitr@redhat.com';
  const ISSUER = 'https://github.com/login/oauth';
  const fulcio = vector('fulcio-rekor');
  let dir: string;
  const keyless = (identity = IDENTITY, issuer = ISSUER, roots = fixture('fulcio_v1.crt.pem')) => ['--certificate-identity', identity, '--certificate-oidc-issuer', issuer, '--ca-roots', roots];
  const verifyIn = (layout: string, ...flags: string[]) => runCli('verify', ...flags, '--oci-layout', `${layout}:v1`);
  const problemLine = (stdout: string) => /\n {2}sha256:[0-9a-f]{64} layers\[0\]: ([a-z-]+): (.*)\n/.exec(stdout)?.slice(1) ?? [];

  before(async () => {
    const made = await layoutWith('manifest.json', DOCKER_MANIFEST, fulcio);
    assert.equal(made.image.digest, 'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a');
    dir = made.dir;
  });

  it('verifies with the identity, issuer, Fulcio root and Rekor key it was made under: checked at the time Rekor logged it', async () => {
    const r = await verifyIn(dir, ...keyless(), '--rekor-key', fixture('rekor.pub'));
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: verified by certificate for mitr@redhat\.com \(https:\/\/github\.com\/login\/oauth\), logged by Rekor at 2023-01-20T20:51:33Z, signed as 192\.168\.64\.2:5000\/cosign-signed\/fulcio-rekor-1\n$/);
    const json = await verifyIn(dir, ...keyless(), '--rekor-key', fixture('rekor.pub'), '--format', 'json');
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { version: number; keys: unknown[]; certificates: unknown; rekorKeys: unknown; manifests: Array<{ valid: boolean; signatures: Array<Record<string, unknown>> }> };
    assert.equal(doc.version, 1);
    assert.deepEqual(doc.keys, []);
    assert.deepEqual(doc.certificates, { identity: IDENTITY, oidcIssuer: ISSUER, roots: fixture('fulcio_v1.crt.pem') });
    assert.deepEqual(doc.rekorKeys, [{ name: fixture('rekor.pub'), logID: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d' }]);
    const s = doc.manifests[0]!.signatures[0]!;
    assert.equal(s.valid, true);
    assert.equal(s.key, undefined);
    assert.equal(s.keyType, 'ecdsa-p256');
    assert.equal(s.integratedTime, 1674247893);
    assert.equal(s.rekorKey, fixture('rekor.pub'));
    assert.deepEqual(s.certificate, {
      subject: '',
      issuer: 'O=sigstore.dev, CN=sigstore-intermediate',
      identities: [IDENTITY],
      oidcIssuer: ISSUER,
      notBefore: '2023-01-20T20:51:31.000Z',
      notAfter: '2023-01-20T21:01:31.000Z',
      checkedAt: '2023-01-20T20:51:33.000Z',
      root: fixture('fulcio_v1.crt.pem'),
    });
    assert.equal(s.identity, '192.168.64.2:5000/cosign-signed/fulcio-rekor-1');
  });

  it('takes Go regexps for the identity and the issuer, matched anywhere as cosign matches them', async () => {
    let r = await verifyIn(dir, '--certificate-identity-regexp', '@redhat\\.com$', '--certificate-oidc-issuer-regexp', 'github\\.com', '--ca-roots', fixture('fulcio_v1.crt.pem'), '--rekor-key', fixture('rekor.pub'));
    assert.equal(r.code, 0, r.stderr + r.stdout);
    r = await verifyIn(dir, '--certificate-identity-regexp', '^mitr@example\\.com$', '--certificate-oidc-issuer', ISSUER, '--ca-roots', fixture('fulcio_v1.crt.pem'), '--rekor-key', fixture('rekor.pub'));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.deepEqual(problemLine(r.stdout), ['certificate-identity-mismatch', 'the certificate is for mitr@redhat.com, not one matching ^mitr@example\\.com$']);
  });

  it('refuses it for another identity, another issuer, other roots: each named, with what was expected and found', async () => {
    let r = await verifyIn(dir, ...keyless('someone@example.com'), '--rekor-key', fixture('rekor.pub'));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.deepEqual(problemLine(r.stdout), ['certificate-identity-mismatch', 'the certificate is for mitr@redhat.com, not someone@example.com']);
    r = await verifyIn(dir, ...keyless(IDENTITY, 'https://accounts.google.com'), '--rekor-key', fixture('rekor.pub'));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.deepEqual(problemLine(r.stdout), ['issuer-mismatch', 'the certificate was issued through OIDC issuer https://github.com/login/oauth, not https://accounts.google.com']);
    r = await verifyIn(dir, ...keyless(IDENTITY, ISSUER, fixture('pki_root_crts.pem')), '--rekor-key', fixture('rekor.pub'));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    const [problem, reason] = problemLine(r.stdout);
    assert.equal(problem, 'untrusted-certificate');
    assert.match(reason!, /^issued by O=sigstore\.dev, CN=sigstore-intermediate, no chain to the roots given \(.*pki_root_crts\.pem: C=ES, L=Valencia, O=IT, OU=Security, CN=Linuxera Root Certificate Authority\) through 2 intermediates/);
  });

  it('refuses a changed payload, a changed bundle, a bundle of another signature, no bundle, another Rekor key', async () => {
    const cases: Array<[string, Vector, string[], string, RegExp]> = [
      ['a payload changed', { ...fulcio, payload: Buffer.from(fulcio.payload.toString().replace('fulcio-rekor-1', 'fulcio-rekor-2')) }, [], 'bad-signature', /^the certificate's key \(ecdsa-p256, mitr@redhat\.com \(https:\/\/github\.com\/login\/oauth\)\) does not verify it/],
      ['the bundle time changed', withAnnotation(fulcio, BUNDLE_ANNOTATION, fulcio.annotations[BUNDLE_ANNOTATION]!.replace('"integratedTime":1674247893', '"integratedTime":1674247894')), [], 'bad-bundle', /its SignedEntryTimestamp does not verify with .*rekor\.pub: the entry or the SET was changed$/],
      ['the bundle of the key-signed vector', withAnnotation(fulcio, BUNDLE_ANNOTATION, vector('key-rekor').annotations[BUNDLE_ANNOTATION]!), [], 'bad-bundle', /the Rekor entry is not of this signature: it logs another signature$/],
      ['no bundle', without(fulcio, BUNDLE_ANNOTATION), [], 'bad-bundle', /^no Rekor bundle \(annotation dev\.sigstore\.cosign\/bundle\), and a --rekor-key asks for one$/],
      ['a certificate that is none', withAnnotation(fulcio, CERTIFICATE_ANNOTATION, 'this is not a valid certificate'), [], 'malformed-certificate', /^the certificate: no PEM CERTIFICATE block$/],
      ['a certificate cut short', withAnnotation(fulcio, CERTIFICATE_ANNOTATION, truncatedPem(fulcio.annotations[CERTIFICATE_ANNOTATION]!)), [], 'malformed-certificate', /^the certificate: not an X\.509 certificate \(/],
    ];
    for (const [what, sig, extra, problem, reason] of cases) {
      const made = await layoutWith('manifest.json', DOCKER_MANIFEST, sig);
      const r = await verifyIn(made.dir, ...keyless(), '--rekor-key', fixture('rekor.pub'), ...extra);
      assert.equal(r.code, 3, `${what}: ${r.stderr}${r.stdout}`);
      const [p, why] = problemLine(r.stdout);
      assert.equal(p, problem, what);
      assert.match(why!, reason, what);
    }
    // Another Rekor key: the bundle names a log it is not.
    const r = await verifyIn(dir, ...keyless(), '--rekor-key', COSIGN2_PUB);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(problemLine(r.stdout)[1]!, /^dev\.sigstore\.cosign\/bundle: its log ID c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d is none of the Rekor keys given \(.*cosign2\.pub: [0-9a-f]{64}\)$/);
  });

  it('with no --rekor-key, checks the certificate now: a Fulcio certificate, long expired, is refused saying so', async () => {
    const r = await verifyIn(dir, ...keyless());
    assert.equal(r.code, 3, r.stderr + r.stdout);
    const [problem, reason] = problemLine(r.stdout);
    assert.equal(problem, 'certificate-expired');
    assert.match(reason!, /^the certificate expired at 2023-01-20T21:01:31\.000Z, before 20\d\d-.*Z \(now: with no --rekor-key, no logged time is trusted; give the Rekor public key to check it at the time Rekor logged it\)$/);
  });

  it('the chain: without the annotated chain, the intermediate given with --ca-intermediates; a bundle not trusted without a Rekor key', async () => {
    const noChain = await layoutWith('manifest.json', DOCKER_MANIFEST, without(fulcio, CHAIN_ANNOTATION));
    let r = await verifyIn(noChain.dir, ...keyless(), '--rekor-key', fixture('rekor.pub'));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.equal(problemLine(r.stdout)[0], 'untrusted-certificate');
    const intermediate = join(tempDir(), 'intermediate.pem');
    writeFileSync(intermediate, /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/.exec(fulcio.annotations[CHAIN_ANNOTATION]!)![0]);
    r = await verifyIn(noChain.dir, ...keyless(), '--ca-intermediates', intermediate, '--rekor-key', fixture('rekor.pub'));
    assert.equal(r.code, 0, r.stderr + r.stdout);

    // In the core: at a time inside the certificate's ten minutes it is valid with no Rekor key (what `now` is for).
    const policy: CertificatePolicy = { roots: loadCertificates('fulcio_v1.crt.pem', readFileSync(fixture('fulcio_v1.crt.pem'))), intermediates: [], identity: { equals: IDENTITY }, oidcIssuer: { equals: ISSUER } };
    const store = await OciLayoutStore.open(dir);
    const image = await store.resolve('v1');
    const during = await verifySignatures(store, image, [], { certificates: policy, now: new Date('2023-01-20T20:55:00Z') });
    assert.equal(during.valid, true);
    assert.equal(during.signatures[0]!.certificate!.checkedAt, '2023-01-20T20:55:00.000Z');
    assert.equal(during.signatures[0]!.integratedTime, undefined);
    const after = await verifySignatures(store, image, [], { certificates: policy, now: new Date('2023-01-20T21:01:32Z') });
    assert.equal(after.signatures[0]!.problem, 'certificate-expired');
    // With the Rekor key, the same signature is checked at Rekor's time whatever `now` is.
    const rekor = loadRekorKey('rekor.pub', readFileSync(fixture('rekor.pub')));
    const logged = await verifySignatures(store, image, [], { certificates: policy, rekorKeys: [rekor], now: new Date('2023-01-20T21:01:32Z') });
    assert.equal(logged.valid, true);
  });

  it('a --key given beside the identity: a key signature and a certificate one are each valid by what made it', async () => {
    const keyRekor = await layoutWith('manifest.json', DOCKER_MANIFEST, vector('key-rekor'));
    for (const layout of [dir, keyRekor.dir]) {
      const r = await verifyIn(layout, '--key', COSIGN2_PUB, ...keyless(), '--rekor-key', fixture('rekor.pub'));
      assert.equal(r.code, 0, r.stderr + r.stdout);
    }
    // Only keyless asked: the key-signed one has no certificate.
    const r = await verifyIn(keyRekor.dir, ...keyless(), '--rekor-key', fixture('rekor.pub'));
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.deepEqual(problemLine(r.stdout), ['no-certificate', 'no certificate (annotation dev.sigstore.cosign/certificate) to verify it with']);
  });
});

describe('a key signature with a Rekor bundle cosign made (containers/image fixture)', () => {
  const keyRekor = vector('key-rekor');

  it('--key with --rekor-key: valid, logged at the bundle time; the bundle required once a Rekor key is given', async () => {
    const { dir } = await layoutWith('manifest.json', DOCKER_MANIFEST, keyRekor);
    let r = await runCli('verify', '--key', COSIGN2_PUB, '--rekor-key', fixture('rekor.pub'), '--oci-layout', `${dir}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: verified by .*cosign2\.pub \(ecdsa-p256\), logged by Rekor at 2023-01-20T21:57:39Z, signed as 192\.168\.64\.2:5000\/cosign-signed\/key-1\n$/);
    // No --rekor-key: as before keyless, the key alone.
    r = await runCli('verify', '--key', COSIGN2_PUB, '--oci-layout', `${dir}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: verified by .*cosign2\.pub \(ecdsa-p256\), signed as /);
    const bare = await layoutWith('manifest.json', DOCKER_MANIFEST, without(keyRekor, BUNDLE_ANNOTATION));
    r = await runCli('verify', '--key', COSIGN2_PUB, '--rekor-key', fixture('rekor.pub'), '--oci-layout', `${bare.dir}:v1`);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /layers\[0\]: bad-bundle: no Rekor bundle/);
  });
});

describe('keyless: a certificate of a private PKI cosign signed with (containers/image fixture)', () => {
  // Signed with qiwan@redhat.com's certificate (SAN also myhost.example.com) under the Linuxera root and intermediate; no Rekor bundle, no OIDC issuer.
  const pki = vector('pki');
  let dir: string;
  const roots = ['--ca-roots', fixture('pki_root_crts.pem'), '--ca-intermediates', fixture('pki_intermediate_crts.pem')];

  before(async () => {
    const made = await layoutWith('pki-manifest.json', MediaType.ImageManifest, pki);
    assert.equal(made.image.digest, 'sha256:253c890b744fe3efa923b68e3a1be07bd007eb44ba29da1e7deb1d4c53b3e212');
    dir = made.dir;
  });

  it('verifies (an RSA-4096 leaf, valid now) for its email or DNS name; an issuer regexp matches its absent issuer as "", as cosign', async () => {
    for (const identity of ['qiwan@redhat.com', 'myhost.example.com']) {
      const r = await runCli('verify', '--certificate-identity', identity, '--certificate-oidc-issuer-regexp', '.*', ...roots, '--oci-layout', `${dir}:v1`);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /: verified by certificate for qiwan@redhat\.com, myhost\.example\.com, signed as localhost:5000\/test\n$/);
    }
    // Without --ca-intermediates the chain annotation carries the intermediate.
    const r = await runCli('verify', '--certificate-identity', 'qiwan@redhat.com', '--certificate-oidc-issuer-regexp', '.*', '--ca-roots', fixture('pki_root_crts.pem'), '--oci-layout', `${dir}:v1`, '--format', 'json');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const s = (JSON.parse(r.stdout) as { manifests: Array<{ signatures: Array<Record<string, unknown>> }> }).manifests[0]!.signatures[0]!;
    assert.equal(s.keyType, 'rsa-4096');
    assert.equal((s.certificate as { subject: string }).subject, 'C=ES, L=Valencia, O=IT, OU=Security, CN=Team A Cosign Certificate');
  });

  it('refuses an exact issuer it does not name, the Fulcio root, a Rekor key (it has no bundle)', async () => {
    let r = await runCli('verify', '--certificate-identity', 'qiwan@redhat.com', '--certificate-oidc-issuer', 'https://github.com/login/oauth', ...roots, '--oci-layout', `${dir}:v1`);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /layers\[0\]: issuer-mismatch: the certificate names no OIDC issuer \(extension 1\.3\.6\.1\.4\.1\.57264\.1\.8 or \.1\.1\), not https:\/\/github\.com\/login\/oauth\n/);
    r = await runCli('verify', '--certificate-identity', 'qiwan@redhat.com', '--certificate-oidc-issuer-regexp', '.*', '--ca-roots', fixture('fulcio_v1.crt.pem'), '--oci-layout', `${dir}:v1`);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /layers\[0\]: untrusted-certificate: issued by C=ES, L=Valencia, O=IT, OU=Security, CN=Linuxera Intermediate Certificate Authority, no chain to the roots given/);
    r = await runCli('verify', '--certificate-identity', 'qiwan@redhat.com', '--certificate-oidc-issuer-regexp', '.*', ...roots, '--rekor-key', fixture('rekor.pub'), '--oci-layout', `${dir}:v1`);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /layers\[0\]: bad-bundle: no Rekor bundle/);
  });
});

describe('verify: keyless flags refused as cosign refuses them', () => {
  it('an identity needs an OIDC issuer and roots; roots or an issuer need an identity; one of exact or regexp', async () => {
    const layout = ['--oci-layout', 'nowhere:v1'];
    const cases: Array<[string[], RegExp]> = [
      [[], /--key FILE is required, or --certificate-identity ID for keyless signatures/],
      [['--certificate-identity', 'a@b.c', '--certificate-oidc-issuer', 'https://i'], /--certificate-identity needs --ca-roots FILE/],
      [['--certificate-identity', 'a@b.c', '--ca-roots', fixture('fulcio_v1.crt.pem')], /--certificate-identity needs --certificate-oidc-issuer/],
      [['--key', COSIGN2_PUB, '--ca-roots', fixture('fulcio_v1.crt.pem')], /--ca-roots is for keyless signatures: give --certificate-identity/],
      [['--certificate-identity', 'a', '--certificate-identity-regexp', 'b', '--certificate-oidc-issuer', 'i', '--ca-roots', 'r'], /--certificate-identity and --certificate-identity-regexp: give one/],
      [['--certificate-identity-regexp', '(?<=x)', '--certificate-oidc-issuer', 'i', '--ca-roots', 'r'], /--certificate-identity-regexp: regexp: Compile/],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli('verify', ...flags, ...layout);
      assert.equal(r.code, 1, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, `${flags.join(' ')}: ${r.stderr}`);
    }
    // Files that are not what they should be: named with the flag.
    const r = await runCli('verify', '--certificate-identity', 'a@b.c', '--certificate-oidc-issuer', 'i', '--ca-roots', fixture('rekor.pub'), ...layout);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /rekor\.pub: no PEM CERTIFICATE block/);
  });
});
