// Files signed and verified as notation 1.2+ does (`notation blob sign`, `notation blob verify`): sign-blob
// --notary-key writes FILE.jws.sig / FILE.cose.sig with keys generate-certificate's core makes; verify-blob checks
// them under --notary-roots and under a blob trust policy (trustpolicy.blob.json), and checks the signatures notation
// itself made of its LICENSE (test/fixtures/notary-blob-vector), timestamps and all.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  certificateSubject,
  type CertificateKeyType,
  loadNotarySigner,
  makeSigningCertificate,
  mediaTypeProblem,
  notaryBlobFormatOf,
  parseBlobTrustPolicy,
  selectBlobTrustPolicy,
  signNotaryBlob,
} from '../../src/oci/signatures';
import type { SigningCertificate } from '../../src/oci/signatures/notary/notaryCertificate';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const VECTOR = join(__dirname, '..', 'fixtures', 'notary-blob-vector');
const SUBJECT = 'CN=release signer, O=Example, ST=WA, C=US';

/** A folder with release.tar.gz, a key of `keyType` and its self-signed certificate (signer.key, signer.crt) as generate-certificate writes them. */
function workspace(keyType: CertificateKeyType): { dir: string; made: SigningCertificate } {
  const dir = tempDir('manifold-notary-blob-');
  const made = makeSigningCertificate({ keyType, subject: certificateSubject(SUBJECT), days: 30 });
  writeFileSync(join(dir, 'signer.key'), made.keyPem);
  writeFileSync(join(dir, 'signer.crt'), made.certificatePem);
  writeFileSync(join(dir, 'release.tar.gz'), 'release 1.0\n');
  return { dir, made };
}

const sign = (dir: string, ...args: string[]) => runCliIn(dir, 'sign-blob', '--notary-key', 'signer.key', '--notary-certificate', 'signer.crt', ...args);
const verifyJson = async (dir: string, ...args: string[]) => {
  const r = await runCliIn(dir, 'verify-blob', '--format', 'json', ...args);
  return { code: r.code, stderr: r.stderr, json: JSON.parse(r.stdout) as Json };
};
const part = (text: string): Json => JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Json;

describe('sign-blob --notary-key, verify-blob of a Notary signature (notation blob sign / blob verify)', () => {
  for (const [keyType, alg, hash] of [
    ['rsa-2048', 'PS256', 'sha256'],
    ['ecdsa-p384', 'ES384', 'sha384'],
  ] as const) {
    for (const format of ['jws', 'cose'] as const) {
      it(`${keyType}, ${format.toUpperCase()}: FILE.${format}.sig beside the file, its descriptor in the key's hash (${hash}), verified under --notary-roots`, async () => {
        const { dir, made } = workspace(keyType);
        const s = await sign(dir, '--signature-format', format, 'release.tar.gz');
        assert.equal(s.code, 0, s.stderr);
        const digest = `${hash}:${createHash(hash).update('release 1.0\n').digest('hex')}`;
        assert.equal(s.stdout, `Signed release.tar.gz (${digest}, application/octet-stream) with signer.key (${alg}, ${made.subject}): Notary signature release.tar.gz.${format}.sig (${format.toUpperCase()})\n`);
        const sig = readFileSync(join(dir, `release.tar.gz.${format}.sig`));
        if (format === 'jws') {
          const doc = JSON.parse(sig.toString('utf8')) as Json;
          assert.deepEqual(part(doc.payload as string), { targetArtifact: { mediaType: 'application/octet-stream', digest, size: 12 } });
          assert.equal(part(doc.protected as string).alg, alg);
        } else {
          // The payload inside the COSE_Sign1, as its bytes.
          assert.ok(sig.includes(Buffer.from(JSON.stringify({ targetArtifact: { mediaType: 'application/octet-stream', digest, size: 12 } }))));
        }
        const v = await verifyJson(dir, '--notary-roots', 'signer.crt', '--signature', `release.tar.gz.${format}.sig`, 'release.tar.gz');
        assert.equal(v.code, 0, JSON.stringify(v.json));
        assert.equal(v.json.valid, true);
        assert.equal(v.json.digest, digest);
        assert.equal(v.json.format, 'notary');
        assert.equal(v.json.notary.envelope, format);
        assert.equal(v.json.certificate.subject, made.subject);
        assert.equal(v.json.certificate.root, 'signer.crt');
        assert.deepEqual(v.json.notaryTrust, { roots: ['signer.crt'], authorityRoots: [], identities: [] });
      });
    }
  }

  it('openssl reads the certificate the envelope carries, and verifies the RSA-PSS signature over protected.payload', async () => {
    const { dir, made } = workspace('rsa-2048');
    assert.equal((await sign(dir, 'release.tar.gz')).code, 0);
    const doc = JSON.parse(readFileSync(join(dir, 'release.tar.gz.jws.sig'), 'utf8')) as Json;
    const leaf = `-----BEGIN CERTIFICATE-----\n${(doc.header.x5c[0] as string).match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
    writeFileSync(join(dir, 'leaf.pem'), leaf);
    const subject = execFileSync('openssl', ['x509', '-in', join(dir, 'leaf.pem'), '-noout', '-subject', '-nameopt', 'RFC2253']).toString().trim();
    assert.equal(subject, 'subject=CN=release signer,O=Example,ST=WA,C=US');
    assert.equal(leaf.replace(/\s/g, ''), made.certificatePem.replace(/\s/g, ''));
    writeFileSync(join(dir, 'leaf.pub'), execFileSync('openssl', ['x509', '-in', join(dir, 'leaf.pem'), '-noout', '-pubkey']));
    writeFileSync(join(dir, 'input'), `${doc.protected as string}.${doc.payload as string}`);
    writeFileSync(join(dir, 'signature'), Buffer.from(doc.signature as string, 'base64url'));
    const out = execFileSync('openssl', ['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest', '-verify', join(dir, 'leaf.pub'), '-signature', join(dir, 'signature'), join(dir, 'input')]).toString();
    assert.equal(out.trim(), 'Verified OK');
  });

  it('--media-type, -a and --expiry are signed; --signature-directory; an existing signature is replaced only with --force', async () => {
    const { dir } = workspace('ecdsa-p384');
    const s = await sign(dir, '--media-type', 'application/vnd.example+tar; version=1', '-a', 'build=42', '--expiry', '720h', '--signature-directory', 'sigs', 'release.tar.gz');
    assert.equal(s.code, 0, s.stderr);
    const doc = JSON.parse(readFileSync(join(dir, 'sigs', 'release.tar.gz.jws.sig'), 'utf8')) as Json;
    const payload = part(doc.payload as string);
    assert.equal(payload.targetArtifact.mediaType, 'application/vnd.example+tar; version=1');
    assert.deepEqual(payload.targetArtifact.annotations, { build: '42' });
    const header = part(doc.protected as string);
    assert.deepEqual(header.crit, ['io.cncf.notary.signingScheme', 'io.cncf.notary.expiry']);
    assert.equal(Date.parse(header['io.cncf.notary.expiry'] as string) - Date.parse(header['io.cncf.notary.signingTime'] as string), 720 * 3_600_000);

    const again = await sign(dir, '--signature-directory', 'sigs', 'release.tar.gz');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /sigs\/release\.tar\.gz\.jws\.sig: exists: give --force to replace it/);
    assert.equal(readFileSync(join(dir, 'sigs', 'release.tar.gz.jws.sig'), 'utf8'), JSON.stringify(doc));
    assert.equal((await sign(dir, '--signature-directory', 'sigs', '--force', 'release.tar.gz')).code, 0);
    assert.notEqual(readFileSync(join(dir, 'sigs', 'release.tar.gz.jws.sig'), 'utf8'), JSON.stringify(doc));

    const ok = await verifyJson(dir, '--notary-roots', 'signer.crt', '--media-type', 'application/vnd.example+tar; version=1', '-a', 'build=42', '--signature', 'sigs/release.tar.gz.jws.sig', 'release.tar.gz');
    assert.equal(ok.code, 3, 'the --force signature carries no metadata');
    assert.equal(ok.json.problem, 'digest-mismatch');
  });

  it('sign-blob refuses what notation refuses: a bad media type, a fraction of a second, reserved metadata, a cosign flag beside', async () => {
    const { dir } = workspace('ecdsa-p256');
    for (const [args, message] of [
      [['--media-type', 'not a type'], /--media-type: "not a type" is not a media type/],
      [['--expiry', '1500ms'], /--expiry "1500ms": a whole number of seconds/],
      [['-a', 'io.cncf.notary.x=1'], /user metadata io\.cncf\.notary\.x: the prefix io\.cncf\.notary is the Notary Project's own/],
      [['--bundle', 'x.json'], /--bundle and --notary-key: give one/],
      [['--signature-format', 'pem'], /--signature-format "pem": jws or cose/],
    ] as const) {
      const r = await sign(dir, ...args, 'release.tar.gz');
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, message);
    }
    const alone = await runCliIn(dir, 'sign-blob', '--media-type', 'text/plain', 'release.tar.gz');
    assert.equal(alone.code, 1);
    assert.match(alone.stderr, /--media-type is for a Notary signature: --notary-key FILE and --notary-certificate FILE go together/);
    assert.equal(existsSync(join(dir, 'release.tar.gz.jws.sig')), false);
  });

  describe('fails as named', () => {
    let dir: string;
    before(async () => {
      dir = workspace('ecdsa-p256').dir;
      assert.equal((await sign(dir, '-a', 'build=42', 'release.tar.gz')).code, 0);
    });
    const check = async (problem: string, reason: RegExp, ...args: string[]) => {
      const r = await runCliIn(dir, 'verify-blob', '--signature', 'release.tar.gz.jws.sig', ...args);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`^release\\.tar\\.gz \\(sha256:[0-9a-f]{64}\\): ${problem}: `));
      assert.match(r.stdout, reason);
      assert.equal(r.stderr, 'Error: release.tar.gz: no valid signature\n');
    };

    it('a changed file: digest-mismatch, the signature is not over this file', async () => {
      const changed = join(dir, 'changed');
      mkdirSync(changed);
      cpSync(join(dir, 'release.tar.gz.jws.sig'), join(changed, 'release.tar.gz.jws.sig'));
      cpSync(join(dir, 'signer.crt'), join(changed, 'signer.crt'));
      writeFileSync(join(changed, 'release.tar.gz'), 'release 1.1\n');
      const r = await runCliIn(changed, 'verify-blob', '--notary-roots', 'signer.crt', '--signature', 'release.tar.gz.jws.sig', 'release.tar.gz');
      assert.equal(r.code, 3);
      const was = createHash('sha256').update('release 1.0\n').digest('hex');
      const now = createHash('sha256').update('release 1.1\n').digest('hex');
      assert.equal(r.stdout, `release.tar.gz (sha256:${now}): digest-mismatch: the signature is not over this file: it signs sha256:${was} (12 bytes), not sha256:${now} (12 bytes)\n`);
    });

    it('another media type asked: digest-mismatch, signed as application/octet-stream', () =>
      check('digest-mismatch', /the file is signed as "application\/octet-stream", not "image\/jpeg" \(the media type asked\)/, '--notary-roots', 'signer.crt', '--media-type', 'image/jpeg', 'release.tar.gz'));

    it('user metadata it was not signed with: annotation-mismatch', () => check('annotation-mismatch', /stage/, '--notary-roots', 'signer.crt', '-a', 'stage=prod', 'release.tar.gz'));

    it('a root not of its chain: untrusted-certificate', async () => {
      writeFileSync(join(dir, 'other.crt'), makeSigningCertificate({ keyType: 'ecdsa-p256', subject: certificateSubject('CN=other'), days: 1 }).certificatePem);
      await check('untrusted-certificate', /holds none of --notary-roots \(other\.crt\)/, '--notary-roots', 'other.crt', 'release.tar.gz');
    });

    it('an identity it is not: certificate-identity-mismatch', () =>
      check('certificate-identity-mismatch', /not x509\.subject: C=US, ST=WA, O=Other/, '--notary-roots', 'signer.crt', '--notary-identity', 'x509.subject: C=US, ST=WA, O=Other', 'release.tar.gz'));

    it('an expired signature: signature-expired', async () => {
      const expired = join(dir, 'expired');
      mkdirSync(expired);
      writeFileSync(join(expired, 'release.tar.gz'), 'release 1.0\n');
      const signer = loadNotarySigner('signer.key', readFileSync(join(dir, 'signer.key')), 'signer.crt', readFileSync(join(dir, 'signer.crt')));
      const { envelope } = signNotaryBlob(Buffer.from('release 1.0\n'), signer, { now: new Date(Date.now() - 3_600_000), expiresIn: 60_000 });
      writeFileSync(join(expired, 'release.tar.gz.jws.sig'), envelope);
      const r = await runCliIn(expired, 'verify-blob', '--notary-roots', join(dir, 'signer.crt'), '--signature', 'release.tar.gz.jws.sig', 'release.tar.gz');
      assert.equal(r.code, 3);
      assert.match(r.stdout, /: signature-expired: its signer set it to expire at /);
    });

    it('a damaged envelope: bad-signature; a name not notation\'s, or no trust given: usage errors', async () => {
      const damaged = JSON.parse(readFileSync(join(dir, 'release.tar.gz.jws.sig'), 'utf8')) as Json;
      damaged.signature = Buffer.alloc(64, 1).toString('base64url');
      writeFileSync(join(dir, 'damaged.jws.sig'), JSON.stringify(damaged));
      const bad = await runCliIn(dir, 'verify-blob', '--notary-roots', 'signer.crt', '--signature', 'damaged.jws.sig', 'release.tar.gz');
      assert.equal(bad.code, 3);
      assert.match(bad.stdout, /: bad-signature: /);
      for (const [args, message] of [
        [['--notary-roots', 'signer.crt', '--signature', 'release.sig'], /--signature release\.sig: the part before \.sig must be the envelope's format, jws or cose/],
        [['--notary-roots', 'signer.crt', '--signature', 'release.jws'], /not a Notary blob signature's name: it must end \.jws\.sig or \.cose\.sig/],
        [['--signature', 'release.tar.gz.jws.sig'], /release\.tar\.gz\.jws\.sig is a Notary signature: give --notary-roots FILE\|DIR .* or --notary-trust-policy/],
        [['--notary-roots', 'signer.crt', '--key', 'cosign.pub', '--signature', 'release.tar.gz.jws.sig'], /--key is for cosign's signatures/],
        [['--notary-roots', 'signer.crt', '--notary-policy-name', 'x', '--signature', 'release.tar.gz.jws.sig'], /--notary-policy-name goes with --notary-trust-policy/],
      ] as const) {
        const r = await runCliIn(dir, 'verify-blob', ...args, 'release.tar.gz');
        assert.equal(r.code, 1, args.join(' '));
        assert.match(r.stderr, message);
      }
    });
  });

  describe('under a blob trust policy (trustpolicy.blob.json and the truststore folder beside it)', () => {
    let dir: string;
    const statement = (name: string, extra: Json = {}) => ({ name, signatureVerification: { level: 'strict' }, trustStores: ['ca:release'], trustedIdentities: ['*'], ...extra });
    const policy = (...statements: Json[]) => writeFileSync(join(dir, 'trustpolicy.blob.json'), JSON.stringify({ version: '1.0', trustPolicies: statements }));
    before(async () => {
      dir = workspace('ecdsa-p384').dir;
      assert.equal((await sign(dir, '--signature-format', 'cose', 'release.tar.gz')).code, 0);
      mkdirSync(join(dir, 'truststore', 'x509', 'ca', 'release'), { recursive: true });
      cpSync(join(dir, 'signer.crt'), join(dir, 'truststore', 'x509', 'ca', 'release', 'signer.crt'));
    });
    const verify = (...args: string[]) => verifyJson(dir, '--notary-trust-policy', '.', '--signature', 'release.tar.gz.cose.sig', ...args, 'release.tar.gz');

    it('the globalPolicy statement, else the one --notary-policy-name names; its level and identities apply', async () => {
      policy(
        statement('others', { trustedIdentities: ['x509.subject: C=US, ST=WA, O=Other'] }),
        statement('release', { globalPolicy: true }),
        { name: 'unchecked', signatureVerification: { level: 'skip' } },
      );
      const global = await verify();
      assert.equal(global.code, 0, JSON.stringify(global.json));
      assert.deepEqual(global.json.trustPolicy, { name: 'release', level: 'strict' });
      assert.equal(global.json.certificate.root, 'ca:release/signer.crt');
      assert.deepEqual(global.json.notaryTrust, { trustPolicy: 'trustpolicy.blob.json', trustStore: 'truststore' });

      const named = await verify('--notary-policy-name', 'others');
      assert.equal(named.code, 3);
      assert.equal(named.json.problem, 'certificate-identity-mismatch');
      assert.equal(named.json.notaryTrust.policyName, 'others');

      const skipped = await runCliIn(dir, 'verify-blob', '--notary-trust-policy', 'trustpolicy.blob.json', '--notary-policy-name', 'unchecked', '--signature', 'release.tar.gz.cose.sig', 'release.tar.gz');
      assert.equal(skipped.code, 0);
      assert.match(skipped.stdout, /: passed: Notary trust policy statement "unchecked" is level skip: the signature not verified, as notation skips it\n$/);

      // Under audit an identity it is not is logged, not refused: said on a line of its own, as verify says it.
      policy(statement('watched', { globalPolicy: true, signatureVerification: { level: 'audit' }, trustedIdentities: ['x509.subject: C=US, ST=WA, O=Other'] }));
      const audited = await runCliIn(dir, 'verify-blob', '--notary-trust-policy', 'trustpolicy.blob.json', '--signature', 'release.tar.gz.cose.sig', 'release.tar.gz');
      assert.equal(audited.code, 0, audited.stderr);
      assert.match(audited.stdout, /verified by Notary signature of .+ trust policy "watched" audit, 1 failure logged\)\n  logged \(trust policy "watched", audit\): authenticity: certificate-identity-mismatch: .+\n$/);
    });

    it('a policy whose statement cannot pick or breaks a rule: an error naming the file and the problem', async () => {
      const cases: Array<[Json[], RegExp]> = [
        [[statement('a'), statement('b')], /trustpolicy\.blob\.json: no statement is the global policy \("globalPolicy": true\), and no policy name was given: name one of "a", "b"/],
        [[statement('a', { globalPolicy: true }), statement('b', { globalPolicy: true })], /\$\.trustPolicies\[1\]\.globalPolicy: "b" is marked global too, after "a": one statement at most is the global policy/],
        [[{ name: 'a', signatureVerification: { level: 'skip' }, globalPolicy: true }], /\$\.trustPolicies\[0\]\.globalPolicy: "a" is level skip: the global policy must verify/],
        [[statement('a', { globalPolicy: 'yes' })], /\$\.trustPolicies\[0\]\.globalPolicy: "yes": expected true or false/],
        [[statement('a', { trustStores: [] })], /\$\.trustPolicies\[0\]\.trustStores: missing or empty/],
      ];
      for (const [statements, message] of cases) {
        policy(...statements);
        const r = await runCliIn(dir, 'verify-blob', '--notary-trust-policy', '.', '--signature', 'release.tar.gz.cose.sig', 'release.tar.gz');
        assert.equal(r.code, 1, JSON.stringify(statements));
        assert.match(r.stderr, message);
      }
      policy(statement('a', { globalPolicy: true }));
      const missing = await runCliIn(dir, 'verify-blob', '--notary-trust-policy', '.', '--notary-policy-name', 'b', '--signature', 'release.tar.gz.cose.sig', 'release.tar.gz');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no statement is named "b" \(its statements: "a"\)/);
      const folder = await runCliIn(dir, 'verify-blob', '--notary-trust-policy', 'truststore', '--signature', 'release.tar.gz.cose.sig', 'release.tar.gz');
      assert.equal(folder.code, 1);
      assert.match(folder.stderr, /--notary-trust-policy truststore: a folder without trustpolicy\.blob\.json/);
    });

    it('a registryScopes field is ignored, as notation-go decodes a blob policy; the core picks as the CLI does', () => {
      const doc = parseBlobTrustPolicy(JSON.stringify({ version: '1.0', trustPolicies: [statement('a', { registryScopes: 'not even a list', globalPolicy: true })] }), 'p.json');
      assert.equal(doc.global, 'a');
      assert.equal(selectBlobTrustPolicy(doc, undefined, 'p.json').name, 'a');
      assert.throws(() => selectBlobTrustPolicy(doc, ' ', 'p.json'), /the policy name is empty/);
    });
  });

  describe("notation's own blob signatures of its LICENSE (notation e2e testdata, timestamped by Microsoft's TSA)", () => {
    let dir: string;
    before(() => {
      dir = tempDir('manifold-notation-blob-');
      cpSync(VECTOR, dir, { recursive: true });
    });

    for (const format of ['jws', 'cose'] as const) {
      it(`blob.${format}.sig: verified with its certificate and the TSA root (the timestamp vouches for the day the certificate was valid); certificate-expired without the TSA root`, async () => {
        const cn = format === 'jws' ? 'testcert2' : 'testcert3';
        const ok = await verifyJson(dir, '--notary-roots', `${format}-signer.crt`, '--notary-tsa-roots', 'microsoft-identity-verification-root-2020.crt', '--signature', `blob.${format}.sig`, 'LICENSE');
        assert.equal(ok.code, 0, JSON.stringify(ok.json));
        assert.equal(ok.json.digest, 'sha256:c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4');
        assert.equal(ok.json.certificate.subject, `C=US, ST=WA, L=Seattle, O=Notary, CN=${cn}`);
        assert.equal(ok.json.notary.signingAgent, 'notation-go/1.3.0+unreleased');
        assert.match(ok.json.timestamp.authority as string, /CN=Microsoft Public RSA Time Stamping Authority$/);
        assert.equal(ok.json.certificate.checkedAt, ok.json.timestamp.time);

        const expired = await verifyJson(dir, '--notary-roots', `${format}-signer.crt`, '--signature', `blob.${format}.sig`, 'LICENSE');
        assert.equal(expired.code, 3);
        assert.equal(expired.json.problem, 'certificate-expired');
      });
    }

    it('under a blob trust policy naming a ca and a tsa store, as notation e2e configures one', async () => {
      for (const [type, name, file] of [['ca', 'notation', 'jws-signer.crt'], ['tsa', 'microsoft', 'microsoft-identity-verification-root-2020.crt']] as const) {
        mkdirSync(join(dir, 'truststore', 'x509', type, name), { recursive: true });
        cpSync(join(dir, file), join(dir, 'truststore', 'x509', type, name, file));
      }
      const statement = { name: 'test-blob-with-timestamping', signatureVerification: { level: 'strict', verifyTimestamp: 'always', override: { revocation: 'skip' } }, trustStores: ['ca:notation', 'tsa:microsoft'], trustedIdentities: ['x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=testcert2'], globalPolicy: true };
      writeFileSync(join(dir, 'trustpolicy.blob.json'), JSON.stringify({ version: '1.0', trustPolicies: [statement] }));
      const r = await runCliIn(dir, 'verify-blob', '--notary-trust-policy', '.', '--signature', 'blob.jws.sig', 'LICENSE');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^LICENSE \(sha256:c71d239d[0-9a-f]+\): verified by Notary signature of C=US, ST=WA, L=Seattle, O=Notary, CN=testcert2 \(root ca:notation\/jws-signer\.crt, notary\.x509, trust policy "test-blob-with-timestamping" strict\), timestamped by .*Microsoft Public RSA Time Stamping Authority at 2024-12-31T08:05:30\.009Z ± 0\.5s\n$/);
      const changed = Buffer.concat([readFileSync(join(dir, 'LICENSE')), Buffer.from('\n')]);
      writeFileSync(join(dir, 'LICENSE'), changed);
      const after = await runCliIn(dir, 'verify-blob', '--notary-trust-policy', '.', '--signature', 'blob.jws.sig', 'LICENSE');
      assert.equal(after.code, 3);
      assert.match(after.stdout, /digest-mismatch: the signature is not over this file: it signs sha256:c71d239d[0-9a-f]+ \(11357 bytes\), not sha256:[0-9a-f]+ \(11358 bytes\)/);
    });
  });

  it('file names and media types read as notation reads them', () => {
    assert.equal(notaryBlobFormatOf('dir/a.tar.gz.JWS.sig'), 'jws');
    assert.equal(notaryBlobFormatOf('a.cose.SIG'), 'cose');
    assert.ok(typeof notaryBlobFormatOf('a.sig') !== 'string');
    assert.ok(typeof notaryBlobFormatOf('a.pem.sig') !== 'string');
    for (const ok of ['application/octet-stream', 'text/plain; charset=utf-8', 'application/vnd.a+json;x="q r";', 'foo']) assert.equal(mediaTypeProblem(ok), undefined, ok);
    for (const bad of ['', 'a/b/c', 'text/plain; charset', 'a b', 'text/']) assert.ok(mediaTypeProblem(bad), bad);
  });
});
