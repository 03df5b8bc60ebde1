// inspect: every signature of an image, read and shown without trusting anything, on signatures real tools made
// (cosign's keyless classic signature with its Rekor bundle, cosign 3's Sigstore bundle attestation, listed apart
// among the attestations, notation's JWS and COSE): the facts each holds, fingerprints computed here from the
// certificates' DER; a layout signed in all three formats by sign and attest lists each under its manifest; damaged
// ones are listed with their problem; none is said (inspectAttestations.test.ts: attestations through).
import { strict as assert } from 'node:assert';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import type { OciLayoutStore } from '../../src/oci/layout';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, type InspectedAttestation, type InspectedSignature, inspectImage } from '../../src/oci/signatures';
import { cosignKeyFiles } from '../helpers/cosignKeys';
import { cosignVector, DOCKER_MANIFEST, storeCosignVector } from '../helpers/cosignVectors';
import { attachNotary, made, NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, VECTOR } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { attachBundle, attestation, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, makeImage, makeMultiArchLayout, newLayout, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** SHA-256 of each certificate's DER in a PEM text, lowercase hex, leaf first. */
const pemFingerprints = (pem: string) => [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => sha256(new X509Certificate(m[0]).raw));
const sha256 = (der: Buffer) => createHash('sha256').update(der).digest('hex');
const inspectJson = async (ref: string, ...flags: string[]) => {
  const r = await runCli('inspect', '--format', 'json', ...flags, '--oci-layout', ref);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return JSON.parse(r.stdout) as Json;
};

describe('inspect: signatures real tools made, read without trust', () => {
  it("cosign's keyless classic signature: payload claims, Fulcio certificate (fingerprint, SAN, OIDC issuer), chain, Rekor bundle as claimed", async () => {
    const store = await newLayout();
    const v = cosignVector('fulcio-rekor');
    const image = await storeCosignVector(store, 'manifest.json', DOCKER_MANIFEST, v);
    const doc = await inspectJson(`${store.location}:v1`);
    assert.equal(doc.version, 1);
    assert.equal(doc.verified, false);
    assert.equal(doc.manifests.length, 1);
    const [s] = doc.manifests[0].signatures as InspectedSignature[];
    assert.equal(s!.format, 'cosign');
    assert.deepEqual(s!.via, ['cosign-tag']);
    assert.equal(s!.tag, `sha256-${image.digest.slice(7)}.sig`);
    assert.equal(s!.problem, undefined);
    const c = s!.cosign!;
    const payload = JSON.parse(v.payload.toString());
    assert.deepEqual(c.claim, { type: 'cosign container image signature', dockerReference: payload.critical.identity['docker-reference'], digest: image.digest });
    const cert = c.certificate as Json;
    assert.equal(cert.sha256, pemFingerprints(v.annotations[CERTIFICATE_ANNOTATION]!)[0]);
    assert.deepEqual(cert.identities, ['mitr@redhat.com']);
    assert.equal(cert.oidcIssuer, 'https://github.com/login/oauth');
    assert.equal(cert.issuer, new X509Certificate(v.annotations[CERTIFICATE_ANNOTATION]!).issuer.split('\n').join(', '));
    assert.equal(cert.notBefore, new Date(new X509Certificate(v.annotations[CERTIFICATE_ANNOTATION]!).validFrom).toISOString());
    assert.equal(c.chainLength, pemFingerprints(v.annotations[CHAIN_ANNOTATION]!).length);
    const bundle = JSON.parse(v.annotations[BUNDLE_ANNOTATION]!).Payload;
    assert.deepEqual(c.rekorBundle, { logIndex: bundle.logIndex, integratedTime: 1674247893, logID: bundle.logID, inclusionPromise: true });
    assert.equal(c.rfc3161Timestamp, false);

    const r = await runCli('inspect', '--oci-layout', `${store.location}:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: 1 signature \(claims as they read: nothing verified\)\n├── cosign signature \(simplesigning\) sha256:[0-9a-f]{64} layers\[0\]\n/);
    // Signatures but no attestations: said, as the tree's last branch and as an empty array.
    assert.ok(r.stdout.endsWith('\n└── no attestations\n'), r.stdout);
    assert.deepEqual(doc.manifests[0].attestations, []);
    assert.ok(r.stdout.includes(`SHA-256 fingerprint: ${cert.sha256}`), r.stdout);
    assert.ok(r.stdout.includes('integrated time: 2023-01-20T20:51:33.000Z (1674247893)'), r.stdout);
    assert.ok(r.stdout.includes('SANs: mitr@redhat.com'), r.stdout);
  });

  it("cosign 3's Sigstore bundle attestation: among the attestations, not the signatures; its statement (predicate type, subject), certificate, tlog entry, timestamps", async () => {
    const store = await newLayout();
    const image = await storeImage(store);
    const bundle = attestation();
    await attachBundle(store, image, bundle);
    const doc = await inspectJson(`${store.location}:v1`);
    assert.deepEqual(doc.manifests[0].signatures, []);
    const [a] = doc.manifests[0].attestations as InspectedAttestation[];
    assert.equal(a!.format, 'bundle');
    assert.deepEqual(a!.via, ['referrers']);
    assert.equal(a!.problem, undefined);
    const env = a!.envelope!;
    assert.equal(env.payloadType, 'application/vnd.in-toto+json');
    const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
    const statement = JSON.parse(payload.toString());
    assert.equal(env.payloadSize, payload.length);
    assert.deepEqual(env.signatures, [{}]); // one signature, no key ID
    assert.equal(env.statement!.type, statement._type);
    assert.equal(env.statement!.predicateType, statement.predicateType);
    assert.deepEqual(env.statement!.subjects, [{ name: statement.subject[0].name, digest: { sha256: image.digest.slice(7) }, thisManifest: true }]);
    assert.equal(env.statement!.namesThisManifest, true);
    assert.equal(env.statement!.predicateSize, Buffer.byteLength(JSON.stringify(statement.predicate)));
    const b = a!.bundle!;
    const der = Buffer.from(bundle.verificationMaterial.certificate?.rawBytes ?? bundle.verificationMaterial.x509CertificateChain.certificates[0].rawBytes, 'base64');
    assert.equal((b.certificates![0] as Json).sha256, sha256(der));
    assert.deepEqual((b.certificates![0] as Json).identities, ['cody@soyland.com']);
    const e = bundle.verificationMaterial.tlogEntries[0];
    assert.deepEqual(
      b.tlogEntries.map((t) => [t.kind, t.logIndex, t.integratedTime, t.inclusionProof]),
      [[e.kindVersion.kind, Number(e.logIndex), Number(e.integratedTime), e.inclusionProof !== undefined]],
    );
    assert.equal(b.timestamps, (bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []).length);
    const r = await runCli('inspect', '--oci-layout', `${store.location}:v1`);
    assert.match(r.stdout, /: no signatures found, 1 attestation \(claims as they read: nothing verified\)\n└── attestations\n    └── Sigstore bundle attestation sha256:[0-9a-f]{64} layers\[0\]\n/);
    assert.ok(r.stdout.includes(`subject: ${statement.subject[0].name} sha256:${image.digest.slice(7)} (this manifest)`), r.stdout);
    assert.ok(r.stdout.includes('log index: 175508996'), r.stdout);
  });

  it("notation's JWS and COSE envelopes: algorithm, scheme, signing time, agent, the x5c chain with fingerprints", async () => {
    const store = await newLayout();
    const bytes = readFileSync(join(VECTOR, 'manifest.json'));
    const image: Descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(bytes), size: bytes.length };
    await store.push(image, bytes);
    await store.tag(image, 'v2');
    await attachNotary(store, image, readFileSync(join(VECTOR, 'jws_signature.sig')), NOTARY_JWS_MEDIA_TYPE);
    await attachNotary(store, image, readFileSync(join(VECTOR, 'cose_signature.sig')), NOTARY_COSE_MEDIA_TYPE);
    const doc = await inspectJson(`${store.location}:v2`);
    const sigs = doc.manifests[0].signatures as InspectedSignature[];
    assert.deepEqual(sigs.map((s) => [s.format, s.notary?.envelope]).sort(), [['notary', 'cose'], ['notary', 'jws']]);
    const jws = JSON.parse(readFileSync(join(VECTOR, 'jws_signature.sig'), 'utf8'));
    const header = JSON.parse(Buffer.from(jws.protected, 'base64url').toString());
    const alpine = sha256(new X509Certificate(readFileSync(join(VECTOR, 'alpine.crt'))).raw);
    for (const s of sigs) {
      const n = s.notary!;
      assert.equal(n.signingScheme, 'notary.x509');
      assert.equal(n.targetArtifact!.digest, image.digest);
      assert.equal((n.certificates[0] as Json).sha256, alpine);
      assert.equal((n.certificates[0] as Json).subject, 'C=US, ST=WA, L=Seattle, O=Notary, CN=alpine');
      assert.equal(n.timestamp, false);
    }
    const j = sigs.find((s) => s.notary?.envelope === 'jws')!.notary!;
    assert.equal(j.alg, header.alg);
    assert.equal(j.signingTime, new Date(header['io.cncf.notary.signingTime']).toISOString());
    assert.equal(j.signingAgent, jws.header['io.cncf.notary.signingAgent']);
    assert.deepEqual(j.certificates.map((c) => (c as Json).sha256), jws.header.x5c.map((c: string) => sha256(Buffer.from(c, 'base64'))));
    const r = await runCli('inspect', '--oci-layout', `${store.location}:v2`);
    assert.match(r.stdout, /: 2 signatures/);
    assert.ok(!r.stdout.includes('(not this manifest)'), r.stdout);
    // The same envelope found for another image: its claim shown, and that it names another manifest.
    const other = await makeImage(store);
    await store.tag(other, 'other');
    await attachNotary(store, other, readFileSync(join(VECTOR, 'jws_signature.sig')), NOTARY_JWS_MEDIA_TYPE);
    const o = await runCli('inspect', '--oci-layout', `${store.location}:other`);
    assert.ok(o.stdout.includes(`digest: ${image.digest} (not this manifest)`), o.stdout);
    assert.ok(r.stdout.includes(`SHA-256 fingerprint: ${alpine}`), r.stdout);
    assert.ok(r.stdout.includes('envelope: COSE') && r.stdout.includes('envelope: JWS'), r.stdout);
  });
});

describe('inspect: a layout signed in every format by sign and attest', () => {
  it('lists each under its manifest with --recursive, one with --platform; an image with none says so', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const k = cosignKeyFiles();
    const at = `${store.location}:multi`;
    const chain = join(tempDir(), 'chain.pem');
    writeFileSync(chain, ['leaf', 'intermediate', 'root'].map((n) => readFileSync(made(`${n}.pem`), 'utf8')).join(''));
    const sbom = join(k.dir, 'sbom.json');
    writeFileSync(sbom, JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'app' }));
    const ok = async (...argv: string[]) => {
      const r = await runCli(...argv);
      assert.equal(r.code, 0, r.stderr);
    };
    await ok('sign', '--key', k.key, '--passphrase-file', k.pass, '--identity', 'r.example/app:v1', '-a', 'team=release', '--oci-layout', at);
    await ok('sign', '--key', k.key, '--passphrase-file', k.pass, '--new-bundle-format', '--platform', 'linux/amd64', '--oci-layout', at);
    await ok('sign', '--notary-key', made('leaf.key.pem'), '--notary-certificate', chain, '--platform', 'linux/amd64', '--oci-layout', at);
    await ok('attest', '--key', k.key, '--passphrase-file', k.pass, '--new-bundle-format', '--predicate', sbom, '--type', 'spdxjson', '--subject-name', 'r.example/app', '--platform', 'linux/amd64', '--oci-layout', at);

    const doc = await inspectJson(at, '--recursive');
    const amd64 = children.find((c) => c.platform?.architecture === 'amd64')!;
    const byDigest = new Map((doc.manifests as Json[]).map((m) => [m.digest, m.signatures as InspectedSignature[]]));
    assert.deepEqual(doc.manifests.map((m: Json) => m.digest), [index.digest, ...children.map((c) => c.digest)]);
    const top = byDigest.get(index.digest)!;
    assert.deepEqual(top.map((s) => s.format), ['cosign']);
    assert.deepEqual(top[0]!.cosign!.claim, { type: 'cosign container image signature', dockerReference: 'r.example/app:v1', digest: index.digest, annotations: { team: 'release' } });
    assert.equal(top[0]!.cosign!.certificate, undefined); // key-signed
    const formats = byDigest.get(amd64.digest)!.map((s) => s.format).sort();
    assert.deepEqual(formats, ['bundle', 'notary']);
    assert.equal(byDigest.get(amd64.digest)!.find((s) => s.format === 'bundle')!.bundle!.predicateType, 'https://sigstore.dev/cosign/sign/v1');
    // The attestation bundle is listed apart (test/unit/inspectAttestations.test.ts reads it through).
    const amd64Attestations = (doc.manifests as Json[]).find((m) => m.digest === amd64.digest)!.attestations as InspectedAttestation[];
    assert.deepEqual(amd64Attestations.map((a) => [a.format, a.envelope?.statement?.predicateType]), [['bundle', 'https://spdx.dev/Document']]);
    const notary = byDigest.get(amd64.digest)!.find((s) => s.format === 'notary')!.notary!;
    assert.deepEqual(notary.certificates.map((c) => (c as Json).sha256), pemFingerprints(readFileSync(chain, 'utf8')));
    for (const c of children.filter((c) => c !== amd64)) assert.deepEqual(byDigest.get(c.digest), []);

    const one = await inspectJson(at, '--platform', 'linux/amd64');
    assert.deepEqual(one.manifests.map((m: Json) => m.digest), [amd64.digest]);
    const r = await runCli('inspect', '--recursive', '--oci-layout', at);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/: no signatures found\n/g) ?? []).length, children.length - 1, r.stdout);
    assert.ok(r.stdout.includes('no certificate (key-signed)'), r.stdout);
    assert.ok(r.stdout.includes('team: release'), r.stdout);
  });

  it('an image with no signature: none found, exit code 0', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const r = await runCli('inspect', '--oci-layout', `${store.location}:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\S+ .*@sha256:[0-9a-f]{64}: no signatures found\n└── no attestations\n$/);
    const doc = await inspectJson(`${store.location}:v1`);
    assert.deepEqual(doc.manifests[0].signatures, []);
    assert.deepEqual(doc.manifests[0].attestations, []);
  });
});

describe('inspect: damaged signatures are listed with their problem', () => {
  it('a payload that is not JSON, a bundle that is not JSON, a truncated envelope: each listed, with what reads beside it', async () => {
    // The bundle is labelled an attestation (cosign 3's predicate type annotation on its referrer): listed there.
    const store = await newLayout();
    const v = cosignVector('fulcio-rekor');
    const image = await storeCosignVector(store, 'manifest.json', DOCKER_MANIFEST, { ...v, payload: Buffer.from('{not json') });
    await attachBundle(store, image, Buffer.from('not a bundle'));
    const jws = readFileSync(join(VECTOR, 'jws_signature.sig'));
    await attachNotary(store, image, jws.subarray(0, jws.length / 2), NOTARY_JWS_MEDIA_TYPE);
    const doc = await inspectJson(`${store.location}:v1`);
    const sigs = doc.manifests[0].signatures as InspectedSignature[];
    const of = (f: string) => sigs.find((s) => s.format === f)!;
    assert.equal(sigs.length, 2);
    assert.match(of('cosign').problem!, /^layers\[0\]: payload not JSON/);
    // The certificate still reads: who claims to have signed is shown.
    assert.deepEqual((of('cosign').cosign!.certificate as Json).identities, ['mitr@redhat.com']);
    const [bad, ...more] = doc.manifests[0].attestations as InspectedAttestation[];
    assert.deepEqual([bad!.format, more], ['bundle', []]);
    assert.match(bad!.problem!, /^layers\[0\]: bundle not JSON/);
    assert.match(of('notary').problem!, /^layers\[0\]: JWS envelope: not JSON/);
    const r = await runCli('inspect', '--oci-layout', `${store.location}:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/problem: /g) ?? []).length, 3, r.stdout);
  });

  it('a certificate annotation that is no certificate, a Rekor bundle that is not JSON: named, the payload still read', async () => {
    const store = await newLayout();
    const v = cosignVector('fulcio-rekor');
    const annotations = { ...v.annotations, [CERTIFICATE_ANNOTATION]: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', [BUNDLE_ANNOTATION]: '{' };
    await storeCosignVector(store, 'manifest.json', DOCKER_MANIFEST, { ...v, annotations });
    const doc = await inspectJson(`${store.location}:v1`);
    const c = doc.manifests[0].signatures[0].cosign as Json;
    assert.match(c.certificate.malformed, /^the certificate annotation: not an X\.509 certificate/);
    assert.match(c.rekorBundle.malformed, /not JSON/);
    assert.equal(c.claim.type, 'cosign container image signature');
  });
});

