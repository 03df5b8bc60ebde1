import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isOciError } from '../../src/oci/errors';
import { certsDirName, certsDirs, certsPlatform, registryCertsDir, registryTls, userCaPath } from '../../src/oci/registry/tlsTrust';
import { EventEmitter } from 'node:events';
import { alertHearingConnector, answeredFrom, certificateError } from '../../src/oci/registry/tlsConnection';

const TLS = resolve(__dirname, '..', 'helpers', 'tls');
const file = (name: string) => join(TLS, name);
const pem = (name: string) => readFileSync(file(name), 'utf8');

describe('registry TLS trust (tlsTrust.ts)', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'manifold-tls-'));
    env = { XDG_CONFIG_HOME: join(home, 'config') };
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  /** `containers/certs.d/<host>/` under XDG_CONFIG_HOME with `files` (name there -> test file). */
  function certsD(host: string, files: Record<string, string>): string {
    const dir = join(home, 'config', 'containers', 'certs.d', host);
    mkdirSync(dir, { recursive: true });
    for (const [name, from] of Object.entries(files)) copyFileSync(file(from), join(dir, name));
    return dir;
  }

  const refused = (fn: () => unknown, message: RegExp) =>
    assert.throws(fn, (err: Error) => {
      assert.ok(isOciError(err, 'INVALID_ARGUMENT'), String(err));
      assert.match(err.message, message);
      return true;
    });

  it('looks in the user\'s certs.d first, then the system\'s and docker\'s, as podman and skopeo do', () => {
    assert.deepEqual(certsDirs(env), [join(home, 'config', 'containers', 'certs.d'), '/etc/containers/certs.d', '/etc/docker/certs.d']);
    assert.equal(userCaPath('r.example:5000', env), join(home, 'config', 'containers', 'certs.d', 'r.example:5000', 'ca.crt'));
    assert.equal(registryCertsDir('r.example:5000', env), undefined);
    const dir = certsD('r.example:5000', { 'ca.crt': 'ca.crt' });
    assert.equal(registryCertsDir('r.example:5000', env), dir);
    assert.equal(registryCertsDir('r.example', env), undefined, 'the port is part of the folder name');
  });

  describe('on Windows (the platform taken as win32, on this machine)', () => {
    const had = certsPlatform.name;
    beforeEach(() => (certsPlatform.name = 'win32'));
    afterEach(() => (certsPlatform.name = had));

    it('folders: the user\'s, then docker\'s under %ProgramData% (no /etc ones); none of docker\'s when ProgramData is unset', () => {
      const programData = join(home, 'ProgramData');
      assert.deepEqual(certsDirs({ ...env, ProgramData: programData }), [join(home, 'config', 'containers', 'certs.d'), join(programData, 'docker', 'certs.d')]);
      assert.deepEqual(certsDirs({ ...env, PROGRAMDATA: programData }), [join(home, 'config', 'containers', 'certs.d'), join(programData, 'docker', 'certs.d')]);
      assert.deepEqual(certsDirs(env), [join(home, 'config', 'containers', 'certs.d')]);
    });

    it('folder names drop every ":" as docker\'s do there: registry.example.com:5000, [::1]:5000, a host without port', () => {
      assert.equal(certsDirName('registry.example.com:5000'), 'registry.example.com5000');
      assert.equal(certsDirName('[::1]:5000'), '[1]5000');
      assert.equal(certsDirName('registry.example.com'), 'registry.example.com');
      certsPlatform.name = 'linux';
      assert.equal(certsDirName('registry.example.com:5000'), 'registry.example.com:5000');
    });

    it('the folder looked up, and read, for each: in docker\'s %ProgramData%\\docker\\certs.d and the user\'s', () => {
      const programData = join(home, 'ProgramData');
      const winEnv = { ...env, ProgramData: programData };
      const docker = (name: string) => join(programData, 'docker', 'certs.d', name);
      const user = (name: string) => join(home, 'config', 'containers', 'certs.d', name);
      // A folder with the Linux name (which Windows cannot hold) is not the one looked up.
      certsD('registry.example.com:5000', { 'ca.crt': 'ca.crt' });
      assert.equal(registryCertsDir('registry.example.com:5000', winEnv), undefined);
      for (const [host, name] of [['registry.example.com:5000', 'registry.example.com5000'], ['[::1]:5000', '[1]5000'], ['registry.example.com', 'registry.example.com']]) {
        assert.equal(userCaPath(host!, winEnv), join(user(name!), 'ca.crt'), host);
        mkdirSync(docker(name!), { recursive: true });
        copyFileSync(file('ca.crt'), join(docker(name!), 'ca.crt'));
        assert.equal(registryCertsDir(host!, winEnv), docker(name!), host);
        assert.deepEqual(registryTls(host!, {}, winEnv)?.caFrom, [join(docker(name!), 'ca.crt')], host);
        certsD(name!, { 'ca.crt': 'other-ca.crt' });
        assert.equal(registryCertsDir(host!, winEnv), user(name!), `${host}: the user's folder first`);
        assert.equal(registryTls(host!, {}, winEnv)?.ca[0], pem('other-ca.crt').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/)![0], host);
      }
    });
  });

  it('nothing given and no folder: nothing beyond the system\'s trust', () => {
    assert.equal(registryTls('r.example', {}, env), undefined);
  });

  it('--ca-file and the folder\'s *.crt are both trusted; the folder\'s client pair is shown', () => {
    certsD('r.example', { 'ca.crt': 'ca.crt', 'client.cert': 'client.crt', 'client.key': 'client.key' });
    const tls = registryTls('r.example', { caFiles: [file('other-ca.crt')] }, env)!;
    assert.deepEqual(tls.ca, [pem('other-ca.crt').trim(), pem('ca.crt').trim()]);
    assert.deepEqual(tls.caFrom, [file('other-ca.crt'), join(home, 'config', 'containers', 'certs.d', 'r.example', 'ca.crt')]);
    assert.equal(tls.cert, pem('client.crt'));
    assert.equal(tls.key, pem('client.key'));
    assert.ok(tls.certFrom!.endsWith(join('r.example', 'client.cert')));
  });

  it('a client certificate given wins over the folder\'s', () => {
    certsD('r.example', { 'client.cert': 'client.crt', 'client.key': 'client.key' });
    const tls = registryTls('r.example', { certFile: file('other-client.crt'), keyFile: file('other-client.key') }, env)!;
    assert.equal(tls.cert, pem('other-client.crt'));
    assert.equal(tls.certFrom, file('other-client.crt'));
  });

  it('refuses, naming the file: missing, a folder, no certificate in it, a key that is not the certificate\'s', () => {
    refused(() => registryTls('r', { caFiles: [join(home, 'nope.pem')] }, env), /^--ca-file .*nope\.pem: no such file$/);
    refused(() => registryTls('r', { caFiles: [home] }, env), /^--ca-file .*: a folder, not a file$/);
    refused(() => registryTls('r', { caFiles: [file('client.key')] }, env), /^--ca-file .*client\.key: holds no PEM certificate \(-----BEGIN CERTIFICATE-----\)$/);
    refused(() => registryTls('r', { certFile: file('client.crt'), keyFile: file('server.key') }, env), /^--key-file .*server\.key: not the private key of --cert-file .*client\.crt \(CN=manifold-client\)$/);
    refused(() => registryTls('r', { certFile: file('client.crt'), keyFile: file('ca.crt') }, env), /^--key-file .*ca\.crt: holds no private key Manifold can read/);
    refused(() => registryTls('r', { certFile: file('client.crt') }, env), /^--cert-file needs --key-file/);
    refused(() => registryTls('r', { keyFile: file('client.key') }, env), /^--key-file needs --cert-file/);
  });

  it('a damaged certificate is refused naming the file and which certificate', () => {
    const bad = join(home, 'bad.pem');
    writeFileSync(bad, `${pem('ca.crt')}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
    refused(() => registryTls('r', { caFiles: [bad] }, env), /^--ca-file .*bad\.pem: certificate 2 cannot be read/);
  });

  it('in the folder, a certificate without its key (or a key alone) is refused naming it', () => {
    const dir = certsD('r.example', { 'client.cert': 'client.crt' });
    refused(() => registryTls('r.example', {}, env), new RegExp(`^${join(dir, 'client.cert')}: a client certificate without its key \\(client\\.key beside it\\)$`));
    rmSync(join(dir, 'client.cert'));
    copyFileSync(file('client.key'), join(dir, 'client.key'));
    refused(() => registryTls('r.example', {}, env), /client\.key: a key without its client certificate \(client\.cert beside it\)$/);
  });

  it('a certificate no trusted CA signed is UNTRUSTED, naming the registry and the CAs given; other errors are left as they are', () => {
    const err = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    const said = certificateError(err, 'r.example', 'https://r.example/v2/', { ca: ['x'], caFrom: ['/ca.pem'] })!;
    assert.equal(said.code, 'UNTRUSTED');
    assert.equal(said.registry, 'r.example');
    assert.equal(said.message, "registry r.example: its TLS certificate is not signed by a CA this machine trusts (trusted besides the system's: /ca.pem): unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)");
    assert.equal(certificateError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'r.example', 'https://r.example/v2/', undefined), undefined);
  });

  it('a TLS alert heard on a connection names the socket error that follows, until the host answers a request', () => {
    const socket = new EventEmitter();
    const fakeBuild = (() => (_opts: unknown, cb: (err: Error | null, s: unknown) => void) => cb(null, socket)) as never;
    alertHearingConnector(fakeBuild, {})({ hostname: 'r.example', port: '5443', protocol: 'https:' } as never, () => {});
    socket.on('error', () => {});
    socket.emit('error', Object.assign(new Error('sslv3 alert bad certificate'), { code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' }));
    const closed = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const said = certificateError(closed, 'r.example:5443', 'https://r.example:5443/v2/', undefined)!;
    assert.equal(said.code, 'CLIENT_CERTIFICATE');
    assert.equal(said.message, 'registry r.example:5443 asks for a client certificate (TLS alert: bad certificate)');
    assert.equal(certificateError(closed, 'r.example', 'https://r.example/v2/', undefined), undefined, 'another port is another host');
    answeredFrom('https://r.example:5443/v2/app/tags/list');
    assert.equal(certificateError(closed, 'r.example:5443', 'https://r.example:5443/v2/', undefined), undefined);
  });
});
