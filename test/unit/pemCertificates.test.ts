import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificates } from '../../src/oci/signatures/x509/certificates';

const TLS = join(__dirname, '..', 'helpers', 'tls');
const pem = readFileSync(join(TLS, 'ca.crt'), 'utf8');
const two = pem + readFileSync(join(TLS, 'other-ca.crt'), 'utf8');

/** The PEM with `insert` put into the base64 of its first block, `at` characters after the BEGIN line. */
function damaged(text: string, at: number, insert: string): string {
  const start = text.indexOf('\n', text.indexOf('-----BEGIN CERTIFICATE-----')) + 1;
  return text.slice(0, start + at) + insert + text.slice(start + at);
}

describe('PEM certificates read strictly (as Go pem.Decode)', () => {
  it('reads one block and two blocks, whitespace and CRLF line ends allowed', () => {
    const [one] = parseCertificates('ca.crt', pem);
    assert.match(one!.x509.subject, /CN=/);
    assert.equal(one!.name, 'ca.crt');
    assert.deepEqual(parseCertificates('both.crt', two).map((c) => c.name), ['both.crt[0]', 'both.crt[1]']);
    const crlf = parseCertificates('crlf.crt', pem.replace(/\n/g, '\r\n').replace('MII', 'MII \t'));
    assert.equal(crlf[0]!.x509.fingerprint256, one!.x509.fingerprint256);
  });

  it('refuses a character that is no base64 inside a block, naming the block (Node alone would skip it and read the certificate)', () => {
    const base64Of = (text: string) => text.split('-----BEGIN CERTIFICATE-----\n')[1]!.split('-----END')[0]!.replace(/\s+/g, '');
    for (const bad of ['!', '.', '*', '"']) {
      const text = damaged(two, 10, bad);
      // What the lenient decoder did: the same DER, so the same certificate.
      assert.equal(Buffer.from(base64Of(text), 'base64').toString('base64'), base64Of(pem));
      assert.throws(() => parseCertificates('both.crt', text), /both\.crt\[0\]: the PEM block is not base64/, bad);
    }
    // URL-safe base64's - and _ (Node reads them as + and /; Go's standard decoder refuses them).
    for (const bad of ['-', '_']) assert.throws(() => parseCertificates('both.crt', damaged(two, 10, bad)), /both\.crt\[0\]: the PEM block is not base64/, bad);
  });

  it('refuses wrong padding: a stray = inside, a length not a multiple of four', () => {
    assert.throws(() => parseCertificates('ca.crt', damaged(pem, 8, '=')), /ca\.crt: the PEM block is not base64/);
    assert.throws(() => parseCertificates('ca.crt', damaged(pem, 8, 'A')), /ca\.crt: the PEM block is not base64/);
  });
});
