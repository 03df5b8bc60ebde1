// Certificates damaged where OpenSSL cannot read them (found by the Notary and timestamp sweeps,
// damagedNotaryRandom and damagedTimestampsRandom): the problem is named by its field and byte, as der.ts reads
// them, never OpenSSL's "PEM routines::no start line" (its fallback once DER fails), which names neither.
import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { NOTARY_JWS_MEDIA_TYPE, verifyNotaryEnvelope } from '../../src/oci/signatures';
import { readCertificate } from '../../src/oci/signatures/x509/certificates';
import { loadNotaryRoots } from '../../src/oci/signatures/notary/notaryChain';
import { made, signJws } from '../helpers/notaryEnvelopes';

const leaf = () => Buffer.from(new X509Certificate(readFileSync(made('leaf.pem'))).raw);
/** Where the leaf's subjectPublicKeyInfo starts (its SEQUENCE head), and its algorithm SEQUENCE after that head. */
const spkiAt = (der: Buffer) => der.indexOf(new X509Certificate(readFileSync(made('leaf.pem'))).publicKey.export({ type: 'spki', format: 'der' }));
const TARGET = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 10 };

describe('certificates OpenSSL cannot read: the problem named', () => {
  it("the key's algorithm a SET, not a SEQUENCE (a part der.ts does not read): OpenSSL's failure said plainly, not 'PEM routines::no start line'", () => {
    const der = leaf();
    der[spkiAt(der) + 2] = 0x31;
    const r = readCertificate(der, 'x5c[0]');
    assert.deepEqual(r, { malformed: 'x5c[0]: not an X.509 certificate (OpenSSL cannot read it as DER X.509: a part not read here, its names, its key or its signature, is malformed)' });
  });

  it('its notBefore an OCTET STRING, not a UTCTime: the time named as not RFC 5280 (read before OpenSSL)', () => {
    const der = leaf();
    der[der.indexOf(Buffer.from([0x17, 0x0d]))] = 0x04; // the first UTCTime of 13 characters: notBefore
    const r = readCertificate(der, 'x5c[0]');
    assert.match('malformed' in r ? r.malformed : 'read', /^x5c\[0\]: not an X\.509 certificate \(not an RFC 5280 time: "\d{12}Z"\)$/);
  });

  it('a length field of 5 bytes, or an indefinite length: named by its byte, as DER takes neither', () => {
    const der = leaf();
    const five = Buffer.concat([Buffer.from([0x30, 0x85, 0, 0, 0, 0]), der.subarray(4)]);
    assert.deepEqual(readCertificate(five, 'c'), { malformed: 'c: not an X.509 certificate (a length field of 5 bytes at byte 0, more than the 4 read)' });
    const ber = Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(4)]);
    assert.deepEqual(readCertificate(ber, 'c'), { malformed: "c: not an X.509 certificate (an indefinite length (BER's, not DER) at byte 0)" });
  });

  it("a Notary JWS whose x5c[0] is so damaged: malformed-certificate naming the chain's certificate and the problem", () => {
    const e = JSON.parse(signJws({ target: TARGET }).toString()) as { header: { x5c: string[] } };
    const der = leaf();
    der[spkiAt(der) + 2] = 0x31;
    e.header.x5c[0] = der.toString('base64');
    const roots = loadNotaryRoots('root.pem', readFileSync(made('root.pem')));
    const r = verifyNotaryEnvelope(Buffer.from(JSON.stringify(e)), NOTARY_JWS_MEDIA_TYPE, TARGET, { roots, authorityRoots: [], identities: [] });
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && [r.problem, r.reason], ['malformed-certificate', 'the certificate chain[0]: not an X.509 certificate (OpenSSL cannot read it as DER X.509: a part not read here, its names, its key or its signature, is malformed)']);
  });
});
