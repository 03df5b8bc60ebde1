// The TLS alerts a registry sends about the client certificate, as Node's OpenSSL names them (tlsConnection.ts).
import { strict as assert } from 'node:assert';
import { clientCertificateAlert } from '../../src/oci/registry/tlsConnection';

describe('registry TLS alerts (tlsConnection.ts)', () => {
  it('hears the client-certificate alerts as OpenSSL 3.0 (Node 20) and 3.5 (Node 24, the extension host of code-server) name them', () => {
    assert.equal(clientCertificateAlert('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'), 'bad certificate');
    assert.equal(clientCertificateAlert('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), 'certificate required');
    assert.equal(clientCertificateAlert('ERR_SSL_SSL/TLS_ALERT_BAD_CERTIFICATE'), 'bad certificate');
    assert.equal(clientCertificateAlert('ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_REQUIRED'), 'certificate required');
    assert.equal(clientCertificateAlert('ERR_SSL_SSL/TLS_ALERT_DECODE_ERROR'), undefined);
    assert.equal(clientCertificateAlert('ECONNRESET'), undefined);
  });
});
