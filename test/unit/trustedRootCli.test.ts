// `--trusted-root FILE` through the CLI, in layouts: the signatures of test/fixtures/cosign-keyless (cosign's classic
// keyless and key signatures with Rekor bundles) and sigstore-bundle (cosign 3's keyless DSSE bundle) verify under
// the public-good trusted_root.json alone with the same results as under the PEM pieces cut from it (verify,
// verify-attestation, coverage); a window that excludes the time refused by name; a damaged file refused naming its
// JSON path; the pieces beside it refused as usage errors.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignVector, DOCKER_MANIFEST, KEYLESS_FIXTURES, storeCosignVector } from '../helpers/cosignVectors';
import { runCli } from '../helpers/runCli';
import { attachBundle, attestation, FULCIO_V1, IDENTITY as CODY, ISSUER as GITHUB, REKOR_PUB, sigstoreFixture, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, newLayout, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PUBLIC_GOOD = join(__dirname, '..', 'fixtures', 'trusted-root', 'public-good.json');
const keylessFixture = (name: string) => join(KEYLESS_FIXTURES, name);
const COSIGN2_PUB = join(__dirname, '..', 'fixtures', 'cosign-vector', 'cosign2.pub');
const MITR = ['--certificate-identity', 'mitr@redhat.com', '--certificate-oidc-issuer', GITHUB];
/** Public-good's CT log key (ctlogs[1] of public-good.json, as PEM): the pieces' --ctlog-key. */
const CTFE_2022 = join(__dirname, '..', 'fixtures', 'ct-logs', 'ctfe-2022.pub');

/** public-good.json changed by `change`, written to a file of its own. */
function changedRoot(change: (d: Json) => void): string {
  const doc = JSON.parse(readFileSync(PUBLIC_GOOD, 'utf8')) as Json;
  change(doc);
  const file = join(tempDir(), 'trusted_root.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** A JSON run's results with the names of the files trusted taken out (a root, a Rekor key, a CT log key, a TSA root): what must be the same either way. */
function results(stdout: string, list: 'signatures' | 'attestations' = 'signatures'): Json[] {
  const doc = JSON.parse(stdout) as Json;
  return (doc.manifests as Json[]).map((m) => ({
    ...m,
    [list]: (m[list] as Json[]).map(({ rekorKey: _k, ctLogKey: _c, ...s }) => ({ ...s, ...(s.certificate ? { certificate: { ...s.certificate, root: undefined } } : {}) })),
  }));
}

describe('--trusted-root: the real signatures verify under the trusted root alone as under its pieces', () => {
  let keyless: string;
  let bundled: string;
  before(async () => {
    const store = await newLayout();
    await storeCosignVector(store, 'manifest.json', DOCKER_MANIFEST, cosignVector('fulcio-rekor'));
    keyless = `${store.location}:v1`;
    const other = await newLayout();
    await attachBundle(other, await storeImage(other), attestation());
    bundled = `${other.location}:v1`;
  });

  it("cosign's classic keyless signature (containers/image's): the same result, the trusted root named in the JSON", async () => {
    const pieces = ['--ca-roots', keylessFixture('fulcio_v1.crt.pem'), '--rekor-key', keylessFixture('rekor.pub'), '--ctlog-key', CTFE_2022];
    const text = await runCli('verify', ...MITR, '--trusted-root', PUBLIC_GOOD, '--oci-layout', keyless);
    assert.equal(text.code, 0, text.stderr + text.stdout);
    assert.match(text.stdout, /: verified by certificate for mitr@redhat\.com \(https:\/\/github\.com\/login\/oauth\), with an SCT of CT log \S+public-good\.json ctlogs\[1\], logged by Rekor at 2023-01-20T20:51:33Z, signed as 192\.168\.64\.2:5000\/cosign-signed\/fulcio-rekor-1\n$/);
    const whole = await runCli('verify', ...MITR, '--trusted-root', PUBLIC_GOOD, '--format', 'json', '--oci-layout', keyless);
    const cut = await runCli('verify', ...MITR, ...pieces, '--format', 'json', '--oci-layout', keyless);
    assert.deepEqual([whole.code, cut.code], [0, 0]);
    assert.deepEqual(results(whole.stdout), results(cut.stdout));
    const doc = JSON.parse(whole.stdout) as Json;
    assert.deepEqual([doc.trustedRoot, doc.certificates, doc.rekorKeys.map((k: Json) => k.name)], [PUBLIC_GOOD, { identity: 'mitr@redhat.com', oidcIssuer: GITHUB }, [`${PUBLIC_GOOD} tlogs[0]`, `${PUBLIC_GOOD} tlogs[1]`]]);
    const s = doc.manifests[0].signatures[0] as Json;
    assert.deepEqual([s.valid, s.certificate.root, s.rekorKey, s.ctLogKey, s.integratedTime], [true, `${PUBLIC_GOOD} certificateAuthorities[1].certChain.certificates[1]`, `${PUBLIC_GOOD} tlogs[0]`, `${PUBLIC_GOOD} ctlogs[1]`, 1674247893]);
  });

  it('a key signature with a Rekor bundle (--key beside --trusted-root): its bundle verifies with the trusted Rekor key, as with --rekor-key', async () => {
    const store = await newLayout();
    await storeCosignVector(store, 'manifest.json', DOCKER_MANIFEST, cosignVector('key-rekor'));
    const ref = `${store.location}:v1`;
    const whole = await runCli('verify', '--key', COSIGN2_PUB, '--trusted-root', PUBLIC_GOOD, '--format', 'json', '--oci-layout', ref);
    const cut = await runCli('verify', '--key', COSIGN2_PUB, '--rekor-key', keylessFixture('rekor.pub'), '--format', 'json', '--oci-layout', ref);
    assert.deepEqual([whole.code, cut.code], [0, 0], whole.stderr + whole.stdout);
    assert.deepEqual(results(whole.stdout), results(cut.stdout));
    assert.equal((JSON.parse(whole.stdout) as Json).manifests[0].signatures[0].rekorKey, `${PUBLIC_GOOD} tlogs[0]`);
  });

  it("cosign 3's keyless DSSE bundle: verify and verify-attestation give the same results (the intermediate comes from the trusted root)", async () => {
    const pieces = ['--ca-roots', FULCIO_V1, '--ca-intermediates', sigstoreFixture('fulcio_intermediate.pem'), '--rekor-key', REKOR_PUB, '--ctlog-key', CTFE_2022];
    const cody = ['--certificate-identity', CODY, '--certificate-oidc-issuer', GITHUB];
    const text = await runCli('verify', ...cody, '--trusted-root', PUBLIC_GOOD, '--oci-layout', bundled);
    assert.equal(text.code, 0, text.stderr + text.stdout);
    assert.match(text.stdout, /: verified by certificate for cody@soyland\.com \(https:\/\/github\.com\/login\/oauth\), with an SCT of CT log \S+public-good\.json ctlogs\[1\], logged by Rekor at 2025-02-28T19:18:11Z \(inclusion proof verified\), signed as 127\.0\.0\.1:60943\/repo\n$/);
    for (const [command, list] of [['verify', 'signatures'], ['verify-attestation', 'attestations']] as const) {
      const whole = await runCli(command, ...cody, '--trusted-root', PUBLIC_GOOD, '--format', 'json', '--oci-layout', bundled);
      const cut = await runCli(command, ...cody, ...pieces, '--format', 'json', '--oci-layout', bundled);
      assert.deepEqual([whole.code, cut.code], [0, 0], `${command}: ${whole.stderr}${whole.stdout}`);
      assert.deepEqual(results(whole.stdout, list), results(cut.stdout, list), command);
      assert.equal((JSON.parse(whole.stdout) as Json).trustedRoot, PUBLIC_GOOD);
    }
  });

  it('coverage: the cell verified under the trusted root, which its JSON names as asked', async () => {
    const r = await runCli('coverage', ...MITR, '--trusted-root', PUBLIC_GOOD, '--format', 'json', '--oci-layout', keyless);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const doc = JSON.parse(r.stdout) as Json;
    assert.equal(doc.trust.trustedRoot, PUBLIC_GOOD);
    assert.deepEqual(doc.trust.certificates, { identity: 'mitr@redhat.com', oidcIssuer: GITHUB });
    assert.deepEqual(doc.manifests[0].cells.signature.verified, { valid: true, by: ['certificate for mitr@redhat.com (https://github.com/login/oauth)'] });
  });

  it("refuses by name what a window excludes: the CA's at the certificate's notBefore, the Rekor key's at the entry's integratedTime", async () => {
    // Fulcio's current CA from 2024 on: the 2023 certificate chains to its root, but it did not issue certificates then.
    let r = await runCli('verify', ...MITR, '--trusted-root', changedRoot((d) => (d.certificateAuthorities[1].validFor.start = '2024-01-01T00:00:00Z')), '--oci-layout', keyless);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /layers\[0\]: untrusted-certificate: it was issued at 2023-01-20T20:51:31\.000Z \(its notBefore\), when \S+trusted_root\.json certificateAuthorities\[1\], whose root it chains to, was not valid \(validFor 2024-01-01T00:00:00\.000Z to \(open\)\)\n/);
    // Rekor's key retired before the entry.
    r = await runCli('verify', ...MITR, '--trusted-root', changedRoot((d) => (d.tlogs[0].publicKey.validFor.end = '2022-12-31T23:59:59Z')), '--oci-layout', keyless);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stdout, /layers\[0\]: bad-bundle: dev\.sigstore\.cosign\/bundle: its integratedTime 2023-01-20T20:51:33\.000Z is outside the window of \S+trusted_root\.json tlogs\[0\] \(validFor 2021-01-12T11:53:27\.000Z to 2022-12-31T23:59:59\.000Z\): the log key was not in use then\n/);
  });

  it('refuses a damaged file naming its JSON path, before any layout is read', async () => {
    const damaged = changedRoot((d) => (d.certificateAuthorities[1].certChain.certificates[0].rawBytes = Buffer.from('not a certificate').toString('base64')));
    const r = await runCli('verify', ...MITR, '--trusted-root', damaged, '--oci-layout', 'nowhere:v1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /trusted_root\.json: certificateAuthorities\[1\]\.certChain\.certificates\[0\]\.rawBytes: not a DER certificate \(/);
    const missing = await runCli('verify', ...MITR, '--trusted-root', join(tempDir(), 'none.json'), '--oci-layout', 'nowhere:v1');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--trusted-root \S+none\.json: ENOENT/);
  });

  it('the trusted root or the pieces: one of them beside it is a usage error; an identity needs one of --ca-roots and --trusted-root; alone it trusts no signer', async () => {
    const layout = ['--oci-layout', 'nowhere:v1'];
    for (const [flag, value] of [['--ca-roots', FULCIO_V1], ['--ca-intermediates', FULCIO_V1], ['--rekor-key', REKOR_PUB], ['--timestamp-certificate-chain', FULCIO_V1], ['--ctlog-key', CTFE_2022]] as const) {
      for (const command of ['verify', 'verify-attestation', 'coverage']) {
        const r = await runCli(command, ...MITR, '--trusted-root', PUBLIC_GOOD, flag, value, ...layout);
        assert.equal(r.code, 1, `${command} ${flag}`);
        assert.match(r.stderr, new RegExp(`--trusted-root and ${flag}: give one \\(the trusted root holds the certificate authorities, Rekor keys, timestamp authorities and CT logs; or give them as`), `${command} ${flag}: ${r.stderr}`);
      }
    }
    let r = await runCli('verify', ...MITR, ...layout);
    assert.match(r.stderr, /--certificate-identity needs --ca-roots FILE or --trusted-root FILE/);
    r = await runCli('verify', '--trusted-root', PUBLIC_GOOD, ...layout);
    assert.match(r.stderr, /--key FILE is required, or --certificate-identity ID for keyless signatures/);
    r = await runCli('verify', ...MITR, '--trusted-root', changedRoot((d) => delete d.certificateAuthorities), ...layout);
    assert.match(r.stderr, /--trusted-root \S+trusted_root\.json: no certificateAuthorities in it, for --certificate-identity to chain to/);
    r = await runCli('coverage', '--trusted-root', PUBLIC_GOOD, ...layout);
    assert.match(r.stderr, /--trusted-root verifies what a key or an identity signed: give --key FILE, --certificate-identity ID or --notary-roots FILE\|DIR too/);
  });
});
