// `--ctlog-key` through the CLI, in layouts: real keyless signatures (containers/image's cosign signature, cosign 3's
// Sigstore bundle) verify under Sigstore's CT log key and are refused under another log's, a private PKI's real
// certificate (no SCT) is refused; made leaves (test/helpers/madeScts.ts) signed with their keys: an RSA log's SCT
// verifies, a flipped SCT signature, an SCT over another certificate, a leaf without SCTs are refused, named, in verify,
// verify-attestation (keyless attestations) and coverage; the JSON lists the CT log keys; stray flags are usage errors.
import { strict as assert } from 'node:assert';
import { createPrivateKey, sign } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageManifest } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { cosignVector, DOCKER_MANIFEST, KEYLESS_FIXTURES, storeCosignVector } from '../helpers/cosignVectors';
import { GHA, keylessAttestation, MADE_FIXTURES, rekorLog, storeAttestations, WORKFLOW } from '../helpers/keylessAttestations';
import { ctLog, type MadeCtLog, signedByMadeLeaf, tbsOf, withScts } from '../helpers/madeScts';
import { runCli } from '../helpers/runCli';
import { attachBundle, attestation, FULCIO_V1, IDENTITY, ISSUER, REKOR_PUB, sigstoreFixture, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, makeImage, newLayout, tempDir } from './builders';

after(cleanupTemps);

const CT = join(__dirname, '..', 'fixtures', 'ct-logs');
const PUBLIC_GOOD = join(CT, 'ctfe-2022.pub');
const STAGING = join(CT, 'ctfe-staging-2022-2.pub');
const keylessFixture = (name: string) => join(KEYLESS_FIXTURES, name);
const problemLine = (stdout: string) => /\n {2}sha256:[0-9a-f]{64} layers\[\d\]: ([a-z-]+): (.*)\n/.exec(stdout)?.slice(1) ?? [];

describe('--ctlog-key: real keyless signatures', () => {
  const redhat = ['--certificate-identity', 'mitr@redhat.com', '--certificate-oidc-issuer', 'https://github.com/login/oauth', '--ca-roots', keylessFixture('fulcio_v1.crt.pem'), '--rekor-key', keylessFixture('rekor.pub')];
  let cosignDir: string;
  before(async () => {
    const store = await newLayout();
    await storeCosignVector(store, 'manifest.json', DOCKER_MANIFEST, cosignVector('fulcio-rekor'));
    cosignDir = store.location;
  });
  const verifyIn = (dir: string, ...flags: string[]) => runCli('verify', ...flags, '--oci-layout', `${dir}:v1`);

  it("containers/image's cosign signature: verified with public-good's CT log key (text, JSON), refused with staging's", async () => {
    const r = await verifyIn(cosignDir, ...redhat, '--ctlog-key', PUBLIC_GOOD);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /: verified by certificate for mitr@redhat\.com \(https:\/\/github\.com\/login\/oauth\), with an SCT of CT log .*ctfe-2022\.pub, logged by Rekor at 2023-01-20T20:51:33Z, signed as /);
    const json = await verifyIn(cosignDir, ...redhat, '--ctlog-key', STAGING, '--ctlog-key', PUBLIC_GOOD, '--format', 'json');
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as { ctLogKeys: unknown; manifests: Array<{ signatures: Array<Record<string, unknown>> }> };
    assert.deepEqual(doc.ctLogKeys, [
      { name: STAGING, logID: '2b30bcdc6888c9e2e1d826295e741f4839319602f29c33cb5e4340feb2ac867a' },
      { name: PUBLIC_GOOD, logID: 'dd3d306ac6c7113263191e1c99673702a24a5eb8de3cadff878a72802f29ee8e' },
    ]);
    assert.deepEqual([doc.manifests[0]!.signatures[0]!.valid, doc.manifests[0]!.signatures[0]!.ctLogKey], [true, PUBLIC_GOOD]);
    const bad = await verifyIn(cosignDir, ...redhat, '--ctlog-key', STAGING);
    assert.equal(bad.code, 3, bad.stderr + bad.stdout);
    const [problem, reason] = problemLine(bad.stdout);
    assert.equal(problem, 'certificate-sct');
    assert.match(reason!, /^no SCT of the certificate verifies under the CT log keys given \(.*ctfe-staging-2022-2\.pub: 2b30bcdc[0-9a-f]+\): SCT\[0\] \(log dd3d306a[0-9a-f]+, 2023-01-20T20:51:31\.374Z\): its log is none of the CT log keys given$/);
  });

  it("a private PKI's real certificate carries no SCT: refused with a CT log key, verified without", async () => {
    const store = await newLayout();
    await storeCosignVector(store, 'pki-manifest.json', MediaType.ImageManifest, cosignVector('pki'));
    const pki = ['--certificate-identity', 'qiwan@redhat.com', '--certificate-oidc-issuer-regexp', '.*', '--ca-roots', keylessFixture('pki_root_crts.pem'), '--ca-intermediates', keylessFixture('pki_intermediate_crts.pem')];
    assert.equal((await verifyIn(store.location, ...pki)).code, 0);
    const r = await verifyIn(store.location, ...pki, '--ctlog-key', PUBLIC_GOOD);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.deepEqual(problemLine(r.stdout), ['certificate-sct', 'the certificate carries no SCT (extension 1.3.6.1.4.1.11129.2.4.2): no CT log promised to publish it']);
  });

  it("cosign 3's keyless Sigstore bundle: verified with public-good's CT log key, refused with staging's", async () => {
    const store = await newLayout();
    await attachBundle(store, await storeImage(store), attestation());
    const flags = ['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--ca-roots', FULCIO_V1, '--ca-intermediates', sigstoreFixture('fulcio_intermediate.pem'), '--rekor-key', REKOR_PUB];
    const r = await verifyIn(store.location, ...flags, '--ctlog-key', PUBLIC_GOOD);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /verified by certificate for cody@soyland\.com \(https:\/\/github\.com\/login\/oauth\), with an SCT of CT log .*ctfe-2022\.pub, logged by Rekor at 2025-02-28T19:18:11Z/);
    const bad = await verifyIn(store.location, ...flags, '--ctlog-key', STAGING);
    assert.equal(bad.code, 3, bad.stderr + bad.stdout);
    assert.equal(problemLine(bad.stdout)[0], 'certificate-sct');
  });

  it('refuses --ctlog-key without an identity, and a file that is no CT log key', async () => {
    const stray = await runCli('verify', '--key', join(__dirname, '..', 'fixtures', 'cosign-vector', 'cosign2.pub'), '--ctlog-key', PUBLIC_GOOD, '--oci-layout', `${cosignDir}:v1`);
    assert.equal(stray.code, 1, stray.stderr);
    assert.match(stray.stderr, /--ctlog-key is for keyless signatures: give --certificate-identity \(or --certificate-identity-regexp\) too/);
    for (const command of ['verify-attestation', 'coverage']) {
      const r = await runCli(command, '--ctlog-key', PUBLIC_GOOD, '--oci-layout', `${cosignDir}:v1`);
      assert.equal(r.code, 1, `${command}: ${r.stderr}`);
      assert.match(r.stderr, /--ctlog-key is for keyless signatures/, command);
    }
    const ed = join(__dirname, '..', 'fixtures', 'rekor-v2', 'log2025-alpha1.pub');
    const r = await verifyIn(cosignDir, ...redhat, '--ctlog-key', ed);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /log2025-alpha1\.pub: a key of type ed25519: CT logs sign SCTs with ECDSA P-256 or RSA keys/);
  });
});

describe('--ctlog-key: made leaves with SCTs of made logs (ECDSA, RSA)', () => {
  const pem = (name: string) => readFileSync(join(MADE_FIXTURES, `${name}.pem`), 'utf8');
  const intermediateKey = () => createPrivateKey(readFileSync(join(MADE_FIXTURES, 'intermediate.key.pem')));
  const flags = ['--certificate-identity', WORKFLOW, '--certificate-oidc-issuer', GHA, '--ca-roots', join(MADE_FIXTURES, 'root.pem')];
  let ec: MadeCtLog;
  let rsa: MadeCtLog;
  before(() => {
    const dir = tempDir();
    ec = ctLog(dir, 'ec-log');
    rsa = ctLog(dir, 'rsa-log', 'rsa');
  });

  const signedLayout = signedByMadeLeaf;
  const leafWith = (...scts: Parameters<typeof withScts>[3]) => withScts(pem('workflow'), pem('intermediate'), intermediateKey(), scts);

  it("an RSA log's SCT verifies under its key; flipped, over another certificate, or none at all: certificate-sct", async () => {
    const good = await signedLayout(leafWith({ log: rsa }));
    const r = await runCli('verify', ...flags, '--ctlog-key', rsa.file, '--oci-layout', `${good}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /with an SCT of CT log .*rsa-log\.pub/);
    // The same chain, identity and issuer: only the SCT is wrong.
    const cases: Array<[string, string, RegExp]> = [
      ['a flipped SCT signature', leafWith({ log: rsa, flip: true }), /: SCT\[0\] \(log [0-9a-f]{64}, 2026-01-01T00:00:00\.000Z\): its signature does not verify with .*rsa-log\.pub: the certificate, its issuer or the SCT was changed$/],
      ["an SCT over another certificate's TBS", leafWith({ log: rsa, tbs: tbsOf(pem('names')) }), /its signature does not verify with .*rsa-log\.pub/],
      ['another log', leafWith({ log: ec }), /: SCT\[0\] \(log [0-9a-f]{64}, .*\): its log is none of the CT log keys given$/],
      ['no SCT', pem('workflow'), /^the certificate carries no SCT \(extension 1\.3\.6\.1\.4\.1\.11129\.2\.4\.2\)/],
    ];
    for (const [what, leaf, reason] of cases) {
      const dir = await signedLayout(leaf);
      const bad = await runCli('verify', ...flags, '--ctlog-key', rsa.file, '--oci-layout', `${dir}:v1`);
      assert.equal(bad.code, 3, `${what}: ${bad.stderr}${bad.stdout}`);
      const [problem, why] = problemLine(bad.stdout);
      assert.equal(problem, 'certificate-sct', what);
      assert.match(why!, reason, what);
      // Without --ctlog-key, SCTs are not read: each verifies (as cosign --insecure-ignore-sct).
      assert.equal((await runCli('verify', ...flags, '--oci-layout', `${dir}:v1`)).code, 0, what);
    }
  });

  it('keyless attestations (verify-attestation) and coverage check the SCT too', async () => {
    const fixtures = tempDir();
    for (const f of ['root.pem', 'intermediate.pem', 'workflow.key.pem']) copyFileSync(join(MADE_FIXTURES, f), join(fixtures, f));
    const log = rekorLog(tempDir(), 'rekor');
    const loggedAt = Math.floor(Date.now() / 1000) - 60;
    const layoutOf = async (leaf: string) => {
      writeFileSync(join(fixtures, 'workflow.pem'), leaf);
      const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
      const image = await makeImage(store);
      await store.tag(image, 'v1');
      await storeAttestations(store, image, [keylessAttestation(image, log, loggedAt, { fixtures })]);
      return store.location;
    };
    const good = await layoutOf(leafWith({ log: ec }));
    const r = await runCli('verify-attestation', ...flags, '--rekor-key', log.file, '--ctlog-key', ec.file, '--oci-layout', `${good}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /verified by certificate for .* with an SCT of CT log .*ec-log\.pub, logged by Rekor at /);
    const none = await layoutOf(pem('workflow'));
    const bad = await runCli('verify-attestation', ...flags, '--rekor-key', log.file, '--ctlog-key', ec.file, '--oci-layout', `${none}:v1`);
    assert.equal(bad.code, 3, bad.stderr + bad.stdout);
    assert.deepEqual(problemLine(bad.stdout)[0], 'certificate-sct');
    // coverage: the attestation cell verified with the log's key, not without an SCT; its JSON says what was asked.
    const cov = await runCli('coverage', ...flags, '--rekor-key', log.file, '--ctlog-key', ec.file, '--format', 'json', '--oci-layout', `${good}:v1`);
    assert.equal(cov.code, 0, cov.stderr);
    assert.deepEqual((JSON.parse(cov.stdout) as { trust: { ctLogKeys: unknown } }).trust.ctLogKeys, [{ name: ec.file, logID: ec.key.logId }]);
    assert.match(cov.stdout, /"verified": \{\s*"valid": true,/);
    const covBad = await runCli('coverage', ...flags, '--rekor-key', log.file, '--ctlog-key', ec.file, '--format', 'json', '--oci-layout', `${none}:v1`);
    assert.match(covBad.stdout, /"verified": \{\s*"valid": false,/, covBad.stdout);
  });
});
