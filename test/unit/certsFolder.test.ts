// Saving a registry's CA, or its client certificate and key, in the user's certs.d folder (the extension's
// registries/certsFolder.ts): checked first, never overwriting another file unasked, read back by the core.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isOciError, OciError } from '../../src/oci/errors';
import { certsPlatform, registryTls } from '../../src/oci/registry/tlsTrust';
import { differentCa, differentClientPair, saveCaCertificate, saveClientCertificate } from '../../src/extension/registries/certsFolder';
import { certificateOffer } from '../../src/extension/registries/certificateOffer';

const TLS = resolve(__dirname, '..', 'helpers', 'tls');
const file = (name: string) => join(TLS, name);
const bytes = (path: string) => readFileSync(path);

describe('saving a registry\'s certificates in certs.d (certsFolder.ts)', () => {
  const host = '127.0.0.1:5443';
  let home: string;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'manifold-certs-'));
    env = { XDG_CONFIG_HOME: join(home, 'config') };
    dir = join(home, 'config', 'containers', 'certs.d', host);
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const refused = (fn: () => unknown, code: string, message: RegExp) =>
    assert.throws(fn, (err: unknown) => {
      assert.ok(isOciError(err), String(err));
      assert.equal(err.code, code);
      assert.match(err.message, message);
      return true;
    });

  it('a CA: ca.crt made with its folders, with the file\'s bytes, and the core trusts it; no temp file left', () => {
    const saved = saveCaCertificate(host, file('ca.crt'), undefined, env);
    assert.deepEqual(saved, { paths: [join(dir, 'ca.crt')], unchanged: false, carried: [] });
    assert.deepEqual(bytes(join(dir, 'ca.crt')), bytes(file('ca.crt')));
    assert.deepEqual(readdirSync(dir), ['ca.crt']);
    assert.deepEqual(registryTls(host, {}, env)?.caFrom, [join(dir, 'ca.crt')]);
    // Again: nothing to write.
    assert.equal(saveCaCertificate(host, file('ca.crt'), undefined, env).unchanged, true);
  });

  it('a file that holds no certificate is refused naming it, and nothing is made', () => {
    refused(() => saveCaCertificate(host, file('client.key'), undefined, env), 'INVALID_ARGUMENT', new RegExp(`${file('client.key').replace(/[.]/g, '\\.')}: holds no PEM certificate`));
    refused(() => saveCaCertificate(host, join(home, 'typo.crt'), undefined, env), 'INVALID_ARGUMENT', /typo\.crt: no such file/);
    assert.equal(existsSync(join(home, 'config')), false);
  });

  it('another ca.crt there is kept unless told: refused, replaced, or the new one added beside it', () => {
    mkdirSync(dir, { recursive: true });
    copyFileSync(file('other-ca.crt'), join(dir, 'ca.crt'));
    assert.equal(differentCa(host, file('ca.crt'), env), join(dir, 'ca.crt'));
    refused(() => saveCaCertificate(host, file('ca.crt'), undefined, env), 'ALREADY_EXISTS', /ca\.crt holds another CA certificate/);
    assert.deepEqual(bytes(join(dir, 'ca.crt')), bytes(file('other-ca.crt')));

    // Beside: the chosen file's own name; a name taken by other bytes gets a number.
    writeFileSync(join(home, 'ca.pem'), bytes(file('ca.crt')));
    const beside = saveCaCertificate(host, join(home, 'ca.pem'), 'beside', env);
    assert.deepEqual(beside.paths, [join(dir, 'ca-2.crt')]);
    assert.deepEqual(bytes(join(dir, 'ca.crt')), bytes(file('other-ca.crt')));
    assert.deepEqual(bytes(join(dir, 'ca-2.crt')), bytes(file('ca.crt')));
    assert.equal(registryTls(host, {}, env)?.ca.length, 2);
    // Once there under any *.crt name, it is trusted already: nothing asked, nothing written.
    assert.equal(saveCaCertificate(host, file('ca.crt'), undefined, env).unchanged, true);

    rmSync(join(dir, 'ca-2.crt'));
    assert.deepEqual(saveCaCertificate(host, file('ca.crt'), 'replace', env).paths, [join(dir, 'ca.crt')]);
    assert.deepEqual(bytes(join(dir, 'ca.crt')), bytes(file('ca.crt')));
    assert.equal(differentCa(host, file('ca.crt'), env), undefined);
  });

  it('a client certificate: client.cert and client.key (0600), which the core shows', () => {
    const saved = saveClientCertificate(host, file('client.crt'), file('client.key'), undefined, env);
    assert.deepEqual(saved.paths, [join(dir, 'client.cert'), join(dir, 'client.key')]);
    assert.deepEqual(bytes(join(dir, 'client.cert')), bytes(file('client.crt')));
    assert.deepEqual(bytes(join(dir, 'client.key')), bytes(file('client.key')));
    assert.equal(statSync(join(dir, 'client.key')).mode & 0o777, 0o600);
    assert.equal(registryTls(host, {}, env)?.certFrom, join(dir, 'client.cert'));
    assert.equal(saveClientCertificate(host, file('client.crt'), file('client.key'), undefined, env).unchanged, true);
  });

  it('a key that is not the certificate\'s is refused naming both, and nothing is written', () => {
    refused(() => saveClientCertificate(host, file('client.crt'), file('other-client.key'), undefined, env), 'INVALID_ARGUMENT', /other-client\.key: not the private key of .*client\.crt/);
    assert.equal(existsSync(join(home, 'config')), false);
  });

  it('another client pair there is replaced only when told', () => {
    saveClientCertificate(host, file('other-client.crt'), file('other-client.key'), undefined, env);
    assert.equal(differentClientPair(host, file('client.crt'), file('client.key'), env), join(dir, 'client.cert'));
    refused(() => saveClientCertificate(host, file('client.crt'), file('client.key'), undefined, env), 'ALREADY_EXISTS', /client\.cert holds another client certificate/);
    assert.deepEqual(bytes(join(dir, 'client.cert')), bytes(file('other-client.crt')));
    saveClientCertificate(host, file('client.crt'), file('client.key'), 'replace', env);
    assert.deepEqual(bytes(join(dir, 'client.cert')), bytes(file('client.crt')));
    assert.deepEqual(bytes(join(dir, 'client.key')), bytes(file('client.key')));
  });

  it('a *.cert sorting before client.cert (the one certs.d shows) is named rather than silently outranking ours', () => {
    mkdirSync(dir, { recursive: true });
    copyFileSync(file('other-client.crt'), join(dir, 'a.cert'));
    copyFileSync(file('other-client.key'), join(dir, 'a.key'));
    refused(() => saveClientCertificate(host, file('client.crt'), file('client.key'), undefined, env), 'ALREADY_EXISTS', /a\.cert is the client certificate shown to 127\.0\.0\.1:5443/);
    assert.equal(existsSync(join(dir, 'client.cert')), false);
  });

  it('the user\'s folder made where a system certs.d folder was read: its files are copied first, so its trust stays', function () {
    // certs.d is read from the first folder that has one for the host; /etc/docker/certs.d is last of three.
    const system = join('/etc/docker/certs.d', `manifold-test-${process.pid}.example:5000`);
    try {
      mkdirSync(system, { recursive: true });
    } catch (err) {
      // The suite runs as root in CI and on the dev machine; elsewhere the path needs it.
      throw new Error(`this test writes ${system}: ${(err as Error).message}`);
    }
    try {
      const h = `manifold-test-${process.pid}.example:5000`;
      copyFileSync(file('other-ca.crt'), join(system, 'ca.crt'));
      // The system's ca.crt is what the user's would hold: a different CA is asked about as there.
      assert.equal(differentCa(h, file('ca.crt'), env), join(system, 'ca.crt'));
      const saved = saveClientCertificate(h, file('client.crt'), file('client.key'), undefined, env);
      const mine = join(home, 'config', 'containers', 'certs.d', h);
      assert.deepEqual(saved.carried, [join(system, 'ca.crt')]);
      assert.deepEqual(readdirSync(mine).sort(), ['ca.crt', 'client.cert', 'client.key']);
      const tls = registryTls(h, {}, env)!;
      assert.deepEqual([tls.caFrom, tls.certFrom], [[join(mine, 'ca.crt')], join(mine, 'client.cert')]);
      assert.deepEqual(bytes(join(system, 'ca.crt')), bytes(file('other-ca.crt')), 'the system folder is left as it was');
    } finally {
      rmSync(system, { recursive: true, force: true });
    }
  });

  it('on Windows (the platform taken as win32): saved in a folder named without ":" (as docker names it there), and read back from it', () => {
    const had = certsPlatform.name;
    certsPlatform.name = 'win32';
    try {
      const programData = join(home, 'ProgramData');
      const winEnv = { ...env, ProgramData: programData };
      const mine = join(home, 'config', 'containers', 'certs.d', '127.0.0.15443');
      const saved = saveCaCertificate(host, file('ca.crt'), undefined, winEnv);
      assert.deepEqual(saved.paths, [join(mine, 'ca.crt')]);
      assert.deepEqual(readdirSync(join(home, 'config', 'containers', 'certs.d')), ['127.0.0.15443']);
      assert.deepEqual(registryTls(host, {}, winEnv)?.caFrom, [join(mine, 'ca.crt')]);
      // Docker's folder for an IPv6 registry is carried over when the user's is made.
      const v6 = '[::1]:5000';
      const docker = join(programData, 'docker', 'certs.d', '[1]5000');
      mkdirSync(docker, { recursive: true });
      copyFileSync(file('other-ca.crt'), join(docker, 'ca.crt'));
      const pair = saveClientCertificate(v6, file('client.crt'), file('client.key'), undefined, winEnv);
      const mine6 = join(home, 'config', 'containers', 'certs.d', '[1]5000');
      assert.deepEqual([pair.paths, pair.carried], [[join(mine6, 'client.cert'), join(mine6, 'client.key')], [join(docker, 'ca.crt')]]);
      assert.deepEqual(registryTls(v6, {}, winEnv)?.certFrom, join(mine6, 'client.cert'));
    } finally {
      certsPlatform.name = had;
    }
  });

  it('offers a CA for UNTRUSTED and a client certificate for CLIENT_CERTIFICATE, for the registry the core names', () => {
    assert.deepEqual(certificateOffer(new OciError('UNTRUSTED', 'x', { registry: 'r.example:5000' }), 'other'), { command: 'manifold.trustCaCertificate', title: 'Trust CA Certificate…', registry: 'r.example:5000' });
    assert.deepEqual(certificateOffer(new OciError('CLIENT_CERTIFICATE', 'x'), 'r.example'), { command: 'manifold.chooseClientCertificate', title: 'Choose Client Certificate…', registry: 'r.example' });
    assert.equal(certificateOffer(new OciError('UNTRUSTED', 'x')), undefined, 'no registry known: nothing to write where');
    assert.equal(certificateOffer(new OciError('UNAUTHORIZED', 'x', { registry: 'r.example' })), undefined);
    assert.equal(certificateOffer(new Error('certificate')), undefined);
  });
});
