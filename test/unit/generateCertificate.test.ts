// generate-certificate: a Notary signing key and its self-signed certificate, as notation cert generate-test makes
// them, without notation or openssl. What it writes is read by openssl (the extensions notation's have, verify OK),
// signs as notation signs (sign --notary-key, JWS and COSE) and verifies as notation verifies (--notary-roots, and a
// trust policy whose ca/NAME store holds it, as generate-test adds it); the lines it prints run as printed.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CERTIFICATE_KEY_TYPES } from '../../src/oci/signatures';
import { oidText, readOnly, TAG, timeOf } from '../../src/oci/signatures/x509/der';
import { namedBits, oid, time, unsignedInteger } from '../../src/oci/signatures/x509/derWrite';
import { splitManifoldLine } from '../helpers/exampleLines';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout, tempDir } from './builders';

const mode = (file: string) => statSync(file).mode & 0o777;
const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const NOTATION_SUBJECT = 'C=US, ST=WA, L=Seattle, O=Notary, CN=signer';
/** Go's x509.CreateCertificate's choice for each key, as notation signs its certificate: PKCS#1 v1.5 SHA-256 for every RSA size. */
const SIGNED_WITH: Record<string, string> = { 'rsa-2048': 'sha256WithRSAEncryption', 'rsa-3072': 'sha256WithRSAEncryption', 'rsa-4096': 'sha256WithRSAEncryption', 'ecdsa-p256': 'ecdsa-with-SHA256', 'ecdsa-p384': 'ecdsa-with-SHA384', 'ecdsa-p521': 'ecdsa-with-SHA512' };
const KEY_TEXT: Record<string, RegExp> = { 'rsa-2048': /Public-Key: \(2048 bit\)/, 'rsa-3072': /Public-Key: \(3072 bit\)/, 'rsa-4096': /Public-Key: \(4096 bit\)/, 'ecdsa-p256': /NIST CURVE: P-256/, 'ecdsa-p384': /NIST CURVE: P-384/, 'ecdsa-p521': /NIST CURVE: P-521/ };

/** The Notary Project's algorithm for each key (signature-specification.md "Algorithm Selection"). */
const NOTARY_ALG: Record<string, string> = { 'rsa-2048': 'PS256', 'rsa-3072': 'PS384', 'rsa-4096': 'PS512', 'ecdsa-p256': 'ES256', 'ecdsa-p384': 'ES384', 'ecdsa-p521': 'ES512' };

/** A layout with two images, v1 and v2: one to sign with each envelope. */
async function twoImages(): Promise<string> {
  const store = await newLayout();
  await store.tag(await makeImage(store), 'v1');
  await store.tag(await makeImage(store, { seed: 'second' }), 'v2');
  return store.location;
}

describe('generate-certificate', function () {
  this.timeout(120_000);
  after(cleanupTemps);

  for (const type of CERTIFICATE_KEY_TYPES) {
    it(`--key-type ${type}: the files; openssl reads notation's extensions and verifies it; it signs JWS and COSE, verify --notary-roots verifies; inspect's fingerprint is openssl's`, async () => {
      const dir = tempDir();
      const r = await runCliIn(dir, 'generate-certificate', 'signer', '--key-type', type);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Private key written to signer.key\nCertificate written to signer.crt\n');
      assert.deepEqual(readdirSync(dir).sort(), ['signer.crt', 'signer.key']);
      assert.equal(mode(join(dir, 'signer.key')), 0o600);
      assert.equal(mode(join(dir, 'signer.crt')), 0o644);
      assert.match(readFileSync(join(dir, 'signer.key'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/); // PKCS#8, unencrypted
      // openssl agrees the key is the certificate's.
      assert.equal(openssl(dir, 'pkey', '-in', 'signer.key', '-pubout'), openssl(dir, 'x509', '-in', 'signer.crt', '-noout', '-pubkey'));

      const text = openssl(dir, 'x509', '-in', 'signer.crt', '-noout', '-text');
      assert.match(text, /Version: 3 \(0x2\)/);
      assert.match(text, /Subject: C = US, ST = WA, L = Seattle, O = Notary, CN = signer\n/);
      assert.match(text, /Issuer: C = US, ST = WA, L = Seattle, O = Notary, CN = signer\n/);
      assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature\n/);
      assert.match(text, /X509v3 Extended Key Usage: \n\s+Code Signing\n/);
      assert.doesNotMatch(text, /Basic Constraints/); // notation's has none: a self-signed leaf, not a CA
      assert.equal([...text.matchAll(/X509v3 [A-Z]/g)].length, 2, text); // those two extensions only
      assert.equal([...text.matchAll(new RegExp(`Signature Algorithm: ${SIGNED_WITH[type]}\n`, 'g'))].length, 2, text);
      assert.match(text, KEY_TEXT[type]!);
      const serial = /Serial Number:\n\s+([0-9a-f:]+)\n/.exec(text)![1]!.split(':');
      assert.equal(serial.length, 20);
      assert.ok(parseInt(serial[0]!, 16) < 0x80, 'positive');
      const notBefore = Date.parse(/Not Before: (.+)\n/.exec(text)![1]!);
      const notAfter = Date.parse(/Not After : (.+)\n/.exec(text)![1]!);
      assert.equal(notAfter - notBefore, 365 * 86_400_000);
      assert.ok(Math.abs(notBefore - Date.now()) < 300_000, 'notBefore is now');
      assert.equal(openssl(dir, 'verify', '-x509_strict', '-CAfile', 'signer.crt', 'signer.crt'), 'signer.crt: OK\n');

      const layout = await twoImages();
      for (const [format, tag] of [['jws', 'v1'], ['cose', 'v2']] as const) {
        const signed = await runCliIn(dir, 'sign', '--notary-key', 'signer.key', '--notary-certificate', 'signer.crt', '--signature-format', format, '--oci-layout', `${layout}:${tag}`);
        assert.equal(signed.code, 0, signed.stderr);
        assert.match(signed.stdout, new RegExp(`with signer\\.key \\(${NOTARY_ALG[type]}, ${NOTATION_SUBJECT}\\): .*, ${format.toUpperCase()}\\)\\n$`));
        const verified = await runCliIn(dir, 'verify', '--notary-roots', 'signer.crt', '--oci-layout', `${layout}:${tag}`);
        assert.equal(verified.code, 0, verified.stdout + verified.stderr);
        assert.match(verified.stdout, new RegExp(`: verified by Notary signature of ${NOTATION_SUBJECT} \\(root signer\\.crt, notary\\.x509\\)`));
      }
      const inspected = await runCliIn(dir, 'inspect', '--oci-layout', `${layout}:v1`);
      assert.equal(inspected.code, 0, inspected.stderr);
      const fingerprint = /SHA-256 fingerprint: ([0-9a-f]{64})/.exec(inspected.stdout)![1]!;
      const opensslFingerprint = /^sha256 Fingerprint=([0-9A-F:]+)\n$/i.exec(openssl(dir, 'x509', '-in', 'signer.crt', '-noout', '-fingerprint', '-sha256'))![1]!;
      assert.equal(fingerprint, opensslFingerprint.replace(/:/g, '').toLowerCase());
      assert.ok(r.stderr.includes(`SHA-256 ${opensslFingerprint}\n`), r.stderr);
    });
  }

  it('the sign and verify lines it prints run as printed; a trust policy with the certificate in x509/ca/NAME verifies, another identity does not', async () => {
    const dir = tempDir();
    const r = await runCliIn(dir, 'generate-certificate', 'wabbit-networks.io', '--key-type', 'ecdsa-p256');
    assert.equal(r.code, 0, r.stderr);
    const subject = 'C=US, ST=WA, L=Seattle, O=Notary, CN=wabbit-networks.io';
    const layout = await twoImages();
    for (const which of ['sign', 'verify']) {
      const line = new RegExp(`^${which}: +(manifold .*)$`, 'm').exec(r.stderr)![1]!;
      const argv = splitManifoldLine(line.replace('DIR:TAG', `${layout}:v1`))!.argv;
      if (which === 'verify') assert.deepEqual(argv.slice(3, 5), ['--notary-identity', `x509.subject: ${subject}`]);
      const ran = await runCliIn(dir, ...argv);
      assert.equal(ran.code, 0, `${line}\n${ran.stdout}${ran.stderr}`);
    }

    // As notation cert generate-test leaves it: the certificate in the trust store ca/NAME, named by a policy.
    mkdirSync(join(dir, 'truststore', 'x509', 'ca', 'wabbit-networks.io'), { recursive: true });
    writeFileSync(join(dir, 'truststore', 'x509', 'ca', 'wabbit-networks.io', 'wabbit-networks.io.crt'), readFileSync(join(dir, 'wabbit-networks.io.crt')));
    const policy = (identity: string) => {
      const statement = { name: 'wabbit', registryScopes: ['*'], signatureVerification: { level: 'strict' }, trustStores: ['ca:wabbit-networks.io'], trustedIdentities: [identity] };
      writeFileSync(join(dir, 'trustpolicy.json'), JSON.stringify({ version: '1.0', trustPolicies: [statement] }));
    };
    policy(`x509.subject: ${subject}`);
    let v = await runCliIn(dir, 'verify', '--notary-trust-policy', 'trustpolicy.json', '--notary-scope', 'local/app', '--oci-layout', `${layout}:v1`);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, new RegExp(`verified by Notary signature of ${subject}`));
    policy('x509.subject: C=US, ST=WA, O=Notary, CN=someone-else');
    v = await runCliIn(dir, 'verify', '--notary-trust-policy', 'trustpolicy.json', '--notary-scope', 'local/app', '--oci-layout', `${layout}:v1`);
    assert.notEqual(v.code, 0, v.stdout + v.stderr);
    assert.doesNotMatch(v.stdout, /verified by/);
  });

  it('--subject (in Go pkix.Name order, as notation writes it), --days, --output-prefix', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'out'));
    const r = await runCliIn(dir, 'generate-certificate', 'release', '--key-type', 'ecdsa-p384', '--subject', 'CN=release, O=Example\\, Inc., OU=Build, ST=WA, C=US', '--days', '730', '--output-prefix', 'out/rel');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Private key written to out/rel.key\nCertificate written to out/rel.crt\n');
    assert.deepEqual(readdirSync(dir), ['out']);
    const text = openssl(dir, 'x509', '-in', 'out/rel.crt', '-noout', '-text');
    assert.match(text, /Subject: C = US, ST = WA, O = "Example, Inc.", OU = Build, CN = release\n/);
    assert.equal(Date.parse(/Not After : (.+)\n/.exec(text)![1]!) - Date.parse(/Not Before: (.+)\n/.exec(text)![1]!), 730 * 86_400_000);
    assert.match(r.stderr, /--notary-identity 'x509\.subject: C=US, ST=WA, O=Example\\, Inc\., OU=Build, CN=release'/);
    // A subject without C, ST and O: no --notary-identity offered (notation's identities must name them).
    const bare = await runCliIn(dir, 'generate-certificate', 'bare', '--subject', 'CN=bare');
    assert.equal(bare.code, 0, bare.stderr);
    assert.match(bare.stderr, /^verify: manifold verify --notary-roots bare\.crt --oci-layout DIR:TAG$/m);
  });

  it('refusals, by name, before anything is written; existing files kept byte for byte unless --force', async () => {
    const dir = tempDir();
    for (const [args, message] of [
      [['signer', '--key-type', 'ed25519'], /--key-type ed25519: one of rsa-2048, rsa-3072, rsa-4096, ecdsa-p256, ecdsa-p384, ecdsa-p521/],
      [['signer', '--key-type', 'rsa-1024'], /--key-type rsa-1024: one of/],
      [['signer', '--days', '0'], /--days 0: a whole number of days, at least 1/],
      [['signer', '--days', '1.5'], /--days 1\.5: a whole number of days/],
      [['signer', '--days', '3000000'], /--days 3000000: past the year 9999/],
      [['signer', '--subject', 'O=Notary, C=US'], /--subject "O=Notary, C=US": no CN/],
      [['signer', '--subject', 'CN=x, E=me@example.com'], /--subject "CN=x, E=me@example\.com": E not written here/],
      [['signer', '--subject', 'CN=x, C=USA'], /C=USA: a country is two letters/],
      [['signer', '--subject', 'CN=x+O=y'], /a multi-valued RDN/],
      [['a/b'], /"a\/b": a name of letters, digits, '_', '\.' and '-' only/],
      [['signer', '--output-prefix', 'out/'], /--output-prefix "out\/": a file name prefix, not a folder/],
      [[], /NAME|argument/i],
    ] as const) {
      const r = await runCliIn(dir, 'generate-certificate', ...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    assert.deepEqual(readdirSync(dir), []);

    writeFileSync(join(dir, 'signer.crt'), 'mine\n');
    let r = await runCliIn(dir, 'generate-certificate', 'signer');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /signer\.crt already exists: replace with --force, or choose --output-prefix/);
    assert.deepEqual(readdirSync(dir), ['signer.crt']);
    assert.equal(readFileSync(join(dir, 'signer.crt'), 'utf8'), 'mine\n');
    r = await runCliIn(dir, 'generate-certificate', 'signer', '--force');
    assert.equal(r.code, 0, r.stderr);
    const first = readFileSync(join(dir, 'signer.crt'), 'utf8');
    assert.match(first, /^-----BEGIN CERTIFICATE-----\n/);
    r = await runCliIn(dir, 'generate-certificate', 'signer', '--force', '--key-type', 'ecdsa-p256');
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(readFileSync(join(dir, 'signer.crt'), 'utf8'), first);
    assert.deepEqual(readdirSync(dir).sort(), ['signer.crt', 'signer.key']); // no temp file left
    assert.equal(mode(join(dir, 'signer.key')), 0o600);
  });
});

describe('derWrite: the DER generate-certificate signs', () => {
  it('integers minimal and positive, OIDs and times read back by der.ts, named bits without trailing zeros', () => {
    const hex = (b: Buffer) => b.toString('hex');
    assert.equal(hex(unsignedInteger(Buffer.from([0]))), '020100');
    assert.equal(hex(unsignedInteger(Buffer.from([0, 0, 0x7f]))), '02017f');
    assert.equal(hex(unsignedInteger(Buffer.from([0x80]))), '02020080'); // else it reads negative
    for (const id of ['1.2.840.113549.1.1.11', '2.5.29.37', '1.3.6.1.5.5.7.3.3', '2.999.1', '1.3.6.1.4.1.57264.1.8']) {
      assert.equal(oidText(readOnly(oid(id), id).content), id);
    }
    assert.equal(hex(namedBits([0])), '03020780'); // keyUsage digitalSignature, as Go writes it
    assert.equal(hex(namedBits([0, 5])), '03020284');
    assert.equal(hex(namedBits([0, 8])), '0303078080');
    for (const [iso, tag] of [['2049-12-31T23:59:59Z', TAG.UTC_TIME], ['2050-01-01T00:00:00Z', TAG.GENERALIZED_TIME], ['1999-06-01T12:00:00Z', TAG.UTC_TIME]] as const) {
      const node = readOnly(time(new Date(iso)), iso);
      assert.equal(node.tag, tag, iso);
      assert.equal(timeOf(node).toISOString(), iso.replace('Z', '.000Z'));
    }
  });

  it('a certificate valid past 2049 (GeneralizedTime) reads in openssl and verifies', async () => {
    const dir = tempDir();
    const r = await runCliIn(dir, 'generate-certificate', 'long', '--key-type', 'ecdsa-p256', '--days', '15000');
    assert.equal(r.code, 0, r.stderr);
    const year = new Date(Date.now() + 15000 * 86_400_000).getUTCFullYear();
    assert.match(openssl(dir, 'x509', '-in', 'long.crt', '-noout', '-enddate'), new RegExp(` ${year} GMT\n$`));
    assert.equal(openssl(dir, 'verify', '-x509_strict', '-CAfile', 'long.crt', 'long.crt'), 'long.crt: OK\n');
  });
});
