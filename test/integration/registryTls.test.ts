// A private registry over TLS (distribution 2.8 with a certificate signed by a test CA, and one that also requires
// a client certificate): refused with what to do, trusted with --ca-file or the certs.d folder docker and podman
// read, and a client certificate shown with --cert-file/--key-file or from that folder.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { join, resolve } from 'node:path';
import { digestOf } from '../../src/oci/digest';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, newLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, startOciServer, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const TLS = resolve(__dirname, '..', 'helpers', 'tls');
const file = (name: string) => join(TLS, name);
const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

/** XDG_CONFIG_HOME set to a new folder holding `containers/certs.d/<host>/` with `files` (name there -> test file). */
function useCertsD(host: string, files: Record<string, string>): () => void {
  const before = process.env.XDG_CONFIG_HOME;
  const config = tempDir();
  const dir = join(config, 'containers', 'certs.d', host);
  mkdirSync(dir, { recursive: true });
  for (const [name, from] of Object.entries(files)) copyFileSync(file(from), join(dir, name));
  process.env.XDG_CONFIG_HOME = config;
  return () => {
    if (before === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = before;
  };
}

/** A two-platform index tagged v1 in a new layout, and its digest. */
async function sample(): Promise<{ dir: string; digest: string }> {
  const store = await newLayout();
  const index = await makeIndex(store, [await makeImage(store, { arch: 'amd64' }), await makeImage(store, { arch: 'arm64' })]);
  await store.tag(index, 'v1');
  return { dir: store.location, digest: index.digest };
}

describeRegistry('a registry with a private CA (TLS)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry(undefined, { certificate: file('server.crt'), key: file('server.key') });
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());
  after(cleanupTemps);

  it('refused at once, naming the registry and how to trust its CA; not retried', async () => {
    const r = await runCli('repo', 'tags', `${registry.host}/app`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error: registry ${registry.host.replace(/\./g, '\\.')}: its TLS certificate is not signed by a CA this machine trusts: .*\\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\)$`, 'm'));
    assert.match(r.stderr, /--ca-file CA\.pem/);
    assert.ok(r.stderr.includes(join('containers', 'certs.d', registry.host, 'ca.crt')), r.stderr);
    assert.doesNotMatch(r.stderr, /retrying/);
  });

  it('--ca-file: a copy there and back gives the same digest and bytes', async () => {
    const s = await sample();
    const up = await runCli('cp', '--from-oci-layout', `${s.dir}:v1`, `${registry.host}/app:v1`, '--ca-file', file('ca.crt'));
    assert.equal(up.code, 0, up.stderr);
    const back = join(tempDir(), 'back');
    const down = await runCli('cp', `${registry.host}/app:v1`, '--to-oci-layout', `${back}:v1`, '--ca-file', file('ca.crt'));
    assert.equal(down.code, 0, down.stderr);
    const blob = (dir: string) => readFileSync(join(dir, 'blobs', 'sha256', s.digest.slice(7)));
    assert.deepEqual(blob(back), blob(s.dir));
    const tags = await runCli('resolve', `${registry.host}/app:v1`, '--ca-file', file('ca.crt'));
    assert.equal(tags.stdout.trim(), s.digest);
  });

  it('the CA in certs.d/<host>/ca.crt, as docker and podman keep it: trusted without a flag', async () => {
    const s = await sample();
    assert.equal((await runCli('cp', '--from-oci-layout', `${s.dir}:v1`, `${registry.host}/certsd:v1`, '--ca-file', file('ca.crt'))).code, 0);
    restore = useCertsD(registry.host, { 'ca.crt': 'ca.crt' });
    const r = await runCli('resolve', `${registry.host}/certsd:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), s.digest);
  });

  it("the CA in the machine's trust store (SSL_CERT_FILE, read as Go reads it): trusted without a flag; skopeo reads the same", async () => {
    const s = await sample();
    const bundle = join(tempDir(), 'ca-certificates.crt');
    writeFileSync(bundle, [rootCertificates[0], readFileSync(file('ca.crt'), 'utf8')].join('\n'));
    const before = process.env.SSL_CERT_FILE;
    process.env.SSL_CERT_FILE = bundle;
    restore = () => (before === undefined ? delete process.env.SSL_CERT_FILE : (process.env.SSL_CERT_FILE = before));
    // A copy: its first connections, begun at once, are each refused with Node's CAs and made again with the store's.
    const up = await runCli('cp', '--from-oci-layout', `${s.dir}:v1`, `${registry.host}/system:v1`);
    assert.equal(up.code, 0, up.stderr);
    const r = await runCli('resolve', `${registry.host}/system:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), s.digest);
    const raw = execFileSync('skopeo', ['inspect', '--raw', `docker://${registry.host}/system:v1`], { env: { ...process.env, SSL_CERT_FILE: bundle } });
    assert.equal(digestOf(raw), s.digest);
  });

  it('another CA given: still refused, naming the file it trusted besides the system', async () => {
    const r = await runCli('repo', 'tags', `${registry.host}/app`, '--ca-file', file('other-ca.crt'));
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`(trusted besides the system's: ${file('other-ca.crt')})`), r.stderr);
  });

  it('login: refused with the hint without the CA, signed in with --ca-file', async () => {
    const refused = await runCli('login', registry.host, '-u', 'alice', '-p', 'secret');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: login to .* failed: registry .*: its TLS certificate is not signed by a CA this machine trusts/m);
    assert.match(refused.stderr, /^Trust the CA that signed it: --ca-file CA\.pem/m);
    const r = await runCli('login', registry.host, '-u', 'alice', '-p', 'secret', '--ca-file', file('ca.crt'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Login Succeeded\n');
  });

  it('cp from a plain-HTTP registry to this one: --from-plain-http and --to-ca-file, as oras names them', async () => {
    const local = await startOciServer();
    try {
      const s = await sample();
      assert.equal((await runCli('cp', '--from-oci-layout', `${s.dir}:v1`, `${local.host}/app:v1`, '--plain-http')).code, 0);
      // The shared flag would take both sides to plain HTTP.
      const both = await runCli('cp', `${local.host}/app:v1`, `${registry.host}/sides:v1`, '--plain-http', '--ca-file', file('ca.crt'));
      assert.equal(both.code, 1);
      const plan = await runCli('cp', `${local.host}/app:v1`, `${registry.host}/sides:v1`, '--from-plain-http', '--to-ca-file', file('ca.crt'), '--dry-run', '--format', 'json');
      assert.equal(plan.code, 0, plan.stderr);
      const r = await runCli('cp', `${local.host}/app:v1`, `${registry.host}/sides:v1`, '--from-plain-http', '--to-ca-file', file('ca.crt'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Digest: ${s.digest}$`, 'm'));
      assert.equal((await runCli('resolve', `${registry.host}/sides:v1`, '--ca-file', file('ca.crt'))).stdout.trim(), s.digest);
    } finally {
      await local.stop();
    }
  });

  it('--insecure still accepts any certificate', async () => {
    const r = await runCli('repo', 'ls', registry.host, '--insecure');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^app$/m);
  });
});

describeRegistry('a registry that requires a client certificate (mutual TLS)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry(undefined, { certificate: file('server.crt'), key: file('server.key'), clientCas: [file('ca.crt')] });
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());
  after(cleanupTemps);

  it('without one: said as such at once (it was "other side closed", retried four times)', async () => {
    const r = await runCli('repo', 'ls', registry.host, '--ca-file', file('ca.crt'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error: registry ${registry.host.replace(/\./g, '\\.')} asks for a client certificate \\(TLS alert: .+\\)$`, 'm'));
    assert.match(r.stderr, /--cert-file and --key-file/);
    assert.doesNotMatch(r.stderr, /retrying|other side closed/);
  });

  it('--cert-file and --key-file: a copy there and back gives the same digest', async () => {
    const s = await sample();
    const tlsFlags = ['--ca-file', file('ca.crt'), '--cert-file', file('client.crt'), '--key-file', file('client.key')];
    const up = await runCli('cp', '--from-oci-layout', `${s.dir}:v1`, `${registry.host}/mtls:v1`, ...tlsFlags);
    assert.equal(up.code, 0, up.stderr);
    const r = await runCli('resolve', `${registry.host}/mtls:v1`, ...tlsFlags);
    assert.equal(r.stdout.trim(), s.digest);
  });

  it('client.cert and client.key in certs.d/<host>/, with ca.crt: nothing to give; skopeo reads the same folder', async () => {
    const s = await sample();
    restore = useCertsD(registry.host, { 'ca.crt': 'ca.crt', 'client.cert': 'client.crt', 'client.key': 'client.key' });
    const up = await runCli('cp', '--from-oci-layout', `${s.dir}:v1`, `${registry.host}/certsd:v1`);
    assert.equal(up.code, 0, up.stderr);
    assert.equal((await runCli('resolve', `${registry.host}/certsd:v1`)).stdout.trim(), s.digest);
    // The same files, as skopeo takes a registry's folder (--cert-dir; as root it reads /etc/... on its own).
    const folder = join(process.env.XDG_CONFIG_HOME!, 'containers', 'certs.d', registry.host);
    const raw = execFileSync('skopeo', ['inspect', '--raw', '--cert-dir', folder, `docker://${registry.host}/certsd:v1`]);
    assert.deepEqual(raw, readFileSync(join(s.dir, 'blobs', 'sha256', s.digest.slice(7))));
  });

  it('a client certificate the registry does not trust: refused, naming it', async () => {
    const r = await runCli('repo', 'ls', registry.host, '--ca-file', file('ca.crt'), '--cert-file', file('other-client.crt'), '--key-file', file('other-client.key'));
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`refused the client certificate ${file('other-client.crt')} (TLS alert: `), r.stderr);
  });
});
