// The machine's trust store as Go reads it (SSL_CERT_FILE, else the distributions' bundles; SSL_CERT_DIR's files),
// less what Node already trusts.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { join, resolve } from 'node:path';
import { notNodes, storeFileCertificates } from '../../src/oci/registry/systemTrust';
import { cleanupTemps, tempDir } from './builders';

const TLS = resolve(__dirname, '..', 'helpers', 'tls');
const pem = (name: string) => readFileSync(join(TLS, name), 'utf8').trim();
const one = (text: string) => text.replace(/\r?\n/g, '\n').trim();

describe('system trust store', () => {
  after(cleanupTemps);

  it('SSL_CERT_FILE: every certificate of the bundle, whatever else is around them; Node\'s own and repeats left out', () => {
    const dir = tempDir();
    const bundle = join(dir, 'bundle.pem');
    // A bundle as update-ca-certificates writes it: Node's roots, a company CA, the same CA again with CRLF lines.
    writeFileSync(bundle, [rootCertificates[0], '# company', pem('ca.crt'), rootCertificates[1], pem('ca.crt').replace(/\n/g, '\r\n'), ''].join('\n'));
    const found = storeFileCertificates({ SSL_CERT_FILE: bundle });
    assert.equal(found.length, 4);
    assert.deepEqual(notNodes(found).map(one), [pem('ca.crt')]);
  });

  it('SSL_CERT_FILE missing: nothing from the bundles (as Go); SSL_CERT_DIR: each file of each folder', () => {
    const dir = tempDir();
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'company.crt'), pem('ca.crt'));
    writeFileSync(join(b, 'other.pem'), `${pem('other-ca.crt')}\n`);
    writeFileSync(join(b, 'notes.txt'), 'no certificate here\n');
    mkdirSync(join(b, 'sub'));
    assert.deepEqual(storeFileCertificates({ SSL_CERT_FILE: join(dir, 'missing.pem') }), []);
    const found = storeFileCertificates({ SSL_CERT_FILE: join(dir, 'missing.pem'), SSL_CERT_DIR: `${a}:${b}` });
    assert.deepEqual(found.map(one), [pem('ca.crt'), pem('other-ca.crt')]);
  });
});
