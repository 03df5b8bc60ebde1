import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isOciError } from '../../src/oci/errors';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import type { OciServer } from '../integration/support';
import type { Exchange, MisbehavingRegistry } from '../helpers/misbehavingRegistry';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';
import { CONFIG_TYPE, startAppBehindProxy, type AppBehindProxy } from './support/appBehindProxy';

// A registry serving a manifest that disagrees with what was asked for: other bytes under its digest, a tag's HEAD
// answer naming another manifest, or a HEAD answer's Content-Type of the other kind. Each is named as what it is.

const M = 'application/vnd.oci.image.manifest.v1+json';
const I = 'application/vnd.oci.image.index.v1+json';
const DOCKER_M = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const sha = (b: string | Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('a registry serving a manifest that disagrees with what was asked', function () {
  this.timeout(30_000);
  let server: OciServer;
  let proxy: MisbehavingRegistry;
  let host: string;
  // v1: an image; other: another image (a longer one) in the same repository; multi: an index of the image.
  let image: { digest: string; size: number };
  let other: { digest: string; size: number };
  let config: { digest: string; size: number };
  let multi: { digest: string; size: number };
  const cli = (...argv: string[]) => runCli(...argv, '--plain-http', '--retries', '0');

  let app: AppBehindProxy;
  before(async () => {
    ({ server, proxy, image, multi, config } = app = await startAppBehindProxy());
    other = app.put({ schemaVersion: 2, mediaType: M, config: { mediaType: CONFIG_TYPE, ...config }, layers: [], annotations: { 'org.example.other': 'yes' } }, M);
    host = proxy.host;
  });
  afterEach(() => proxy.misbehave([]));
  after(async () => {
    await app.stop();
    cleanupTemps();
  });

  /** Passes the registry's answer on with `change` made to its headers and body. */
  const alter = (change: (answer: { headers: Record<string, unknown>; body: Buffer }) => void) => async (x: Exchange): Promise<void> => {
    const up = await x.upstream();
    const answer = { headers: { ...up.headers } as Record<string, unknown>, body: up.body };
    change(answer);
    x.send({ status: up.status, headers: answer.headers as Exchange['req']['headers'], body: x.req.method === 'HEAD' ? Buffer.alloc(0) : answer.body }, x.req.method === 'HEAD');
  };
  /** The same length, one byte changed: a digest mismatch. */
  const flipped = (b: Buffer): Buffer => {
    const out = Buffer.from(b);
    out[out.length - 2] = 0x20;
    return out;
  };

  it('a manifest served with other bytes than its digest is named as a manifest with the reference it was read by (tag or digest); a blob keeps the blob wording', async () => {
    proxy.misbehave([{ method: 'GET', path: /\/manifests\/sha256:/, act: alter((a) => (a.body = flipped(a.body))) }]);
    const actual = sha(flipped(server.repo('app').manifests.get(image.digest)!.bytes));
    for (const [ref, argv] of [
      [`${host}/app:v1`, ['manifest', 'fetch', `${host}/app:v1`]],
      [`${host}/app@${image.digest}`, ['manifest', 'fetch', `${host}/app@${image.digest}`]],
      [`${host}/app:v1`, ['cp', `${host}/app:v1`, '--to-oci-layout', `${join(tempDir(), 'out')}:v1`]],
    ] as const) {
      const r = await cli(...argv);
      assert.deepEqual([r.code, r.stderr], [1, `Error: manifest ${image.digest} from ${ref}: content has digest ${actual}\n`], argv.join(' '));
    }

    // One byte more: the size, told in full.
    proxy.misbehave([{ method: 'GET', path: new RegExp(`/manifests/${image.digest}$`), act: alter((a) => (a.body = Buffer.concat([a.body, Buffer.from(' ')]))) }]);
    let r = await cli('manifest', 'fetch', `${host}/app:v1`);
    assert.deepEqual([r.code, r.stderr], [1, `Error: manifest ${image.digest} from ${host}/app:v1: size ${image.size + 1}, expected ${image.size}\n`]);
    // A child read by the digest its index gives.
    r = await cli('manifest', 'fetch', `${host}/app:multi`, '--platform', 'linux/amd64');
    assert.deepEqual([r.code, r.stderr], [1, `Error: manifest ${image.digest} from ${host}/app@${image.digest}: size ${image.size + 1}, expected ${image.size}\n`]);

    // The same through the API, streamed or whole.
    const repo = new RemoteRepository(new RegistryClient(host, { plainHttp: true, retry: { attempts: 1 } }), 'app');
    const desc = { mediaType: M, ...image };
    await assert.rejects(repo.fetchBytes(desc), (e: Error) => isOciError(e, 'SIZE_MISMATCH') && e.message === `manifest ${image.digest} from ${host}/app@${image.digest}: size ${image.size + 1}, expected ${image.size}`);
    await assert.rejects(repo.fetch(desc), (e: Error) => isOciError(e, 'SIZE_MISMATCH') && e.message === `manifest ${image.digest} from ${host}/app@${image.digest}: the registry sends ${image.size + 1} bytes, expected ${image.size}`);
    // Streamed (a reader shows what was sent), the end fails, naming the manifest.
    proxy.misbehave([{ method: 'GET', path: new RegExp(`/manifests/${image.digest}$`), act: alter((a) => (a.body = flipped(a.body))) }]);
    await assert.rejects(
      (async () => {
        for await (const _ of await repo.fetch(desc));
      })(),
      (e: Error) => isOciError(e, 'DIGEST_MISMATCH') && e.message === `manifest ${image.digest} from ${host}/app@${image.digest}: content has digest ${actual}`,
    );

    // A blob is still a blob.
    proxy.misbehave([{ method: 'GET', path: /\/blobs\/sha256:/, act: alter((a) => (a.body = flipped(a.body))) }]);
    const configBytes = server.repo('app').blobs.get(config.digest)!;
    await assert.rejects(repo.fetchBytes({ mediaType: 'application/vnd.oci.image.config.v1+json', ...config }), (e: Error) => e.message === `blob ${config.digest} in ${host}/app: content has digest ${sha(flipped(configBytes))}`);
  });

  it('a manifest pushed with bytes that do not match its descriptor is named as a manifest', async () => {
    const repo = new RemoteRepository(new RegistryClient(host, { plainHttp: true, retry: { attempts: 1 } }), 'pushed');
    const bytes = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}');
    const claimed = sha('something else');
    await assert.rejects(repo.pushManifest({ mediaType: I, digest: claimed, size: bytes.length }, bytes, 'v1'), (e: Error) => e.message === `manifest ${claimed} (push to ${host}/pushed): content has digest ${sha(bytes)}`);
  });

  it('a tag whose HEAD answer names another manifest (with the tag\'s size) is refused saying the HEAD answer disagrees with what the registry serves under that digest, not as a bare size mismatch', async () => {
    proxy.misbehave([{ method: 'HEAD', path: /\/manifests\/v1$/, act: alter((a) => (a.headers['docker-content-digest'] = other.digest)) }]);
    const said = `${host}/app:v1: the registry's HEAD answer named manifest ${other.digest} of ${image.size} bytes, but what it serves as ${other.digest} is ${other.size} bytes (with that digest): the HEAD answer disagrees with the manifest it names`;
    const pulled = join(tempDir(), 'pulled');
    for (const argv of [
      ['manifest', 'fetch', `${host}/app:v1`],
      ['cp', '-r', `${host}/app:v1`, '--to-oci-layout', `${join(tempDir(), 'out')}:v1`],
      ['pull', `${host}/app:v1`, '-o', pulled],
      ['coverage', `${host}/app:v1`],
    ]) {
      const r = await cli(...argv);
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `Error: ${said}\n`], argv.join(' '));
    }
    assert.deepEqual(existsSync(pulled) ? readdirSync(pulled) : [], []);
    // Asked by digest, the manifest is read as usual.
    const r = await cli('manifest', 'fetch', `${host}/app@${image.digest}`);
    assert.equal(r.code, 0, r.stderr);
  });

  it('a HEAD answer whose Content-Type is of the other kind than the manifest (verified by digest) is refused naming both types and the HEAD answer, not read as "manifests: expected an array", "no platforms" or an empty index', async () => {
    const cases = [
      // An image tagged v1 whose HEAD says index (OCI and Docker), and an index whose HEAD says image manifest.
      { tag: 'v1', desc: image, claimed: I, own: M },
      { tag: 'v1', desc: image, claimed: DOCKER_LIST, own: M },
      { tag: 'multi', desc: multi, claimed: DOCKER_M, own: I },
    ];
    for (const { tag, desc, claimed, own } of cases) {
      // Only the HEAD lies: the GET by digest carries the right Content-Type.
      proxy.misbehave([{ method: 'HEAD', path: /\/manifests\//, act: alter((a) => (a.headers['content-type'] = claimed)) }]);
      const said = (ref: string) => `Error: ${ref}: the registry's HEAD answer gave Content-Type ${claimed}, but manifest ${desc.digest} is ${own} (its own mediaType, verified by digest): the HEAD answer disagrees with the document\n`;
      for (const argv of [
        ['manifest', 'fetch', `${host}/app:${tag}`],
        ['manifest', 'fetch', `${host}/app:${tag}`, '--platform', 'linux/amd64'],
        ['coverage', `${host}/app:${tag}`],
        ['cp', '-r', `${host}/app:${tag}`, '--to-oci-layout', `${join(tempDir(), 'out')}:${tag}`],
        ['repo', 'tags', `${host}/app`],
      ]) {
        const r = await cli(...argv);
        assert.equal(r.code, 1, `${argv.join(' ')}: ${r.stdout}`);
        // Among the rows' problems, the tag named once (in the reference), not led by it again.
        if (argv[0] === 'repo') assert.ok(r.stderr.split('\n').includes(said(`${host}/app:${tag}`).trimEnd()), r.stderr);
        else assert.equal(r.stderr, said(`${host}/app:${tag}`), argv.join(' '));
      }
      const c = await cli('check', `${host}/app:${tag}`);
      assert.equal(c.code, 1);
      assert.ok(c.stdout.includes(said(`${host}/app:${tag}`).slice('Error: '.length, -1)), c.stdout);
      // Asked by digest, the HEAD answer by digest is named.
      const d = await cli('manifest', 'fetch', `${host}/app@${desc.digest}`);
      assert.deepEqual([d.code, d.stderr], [1, said(`${host}/app@${desc.digest}`)]);
    }
  });

  it('a tag\'s HEAD answer with the Docker type of the same kind as the manifest\'s OCI type is read as before', async () => {
    for (const [tag, claimed] of [['v1', DOCKER_M], ['multi', DOCKER_LIST]] as const) {
      proxy.misbehave([{ method: 'HEAD', path: new RegExp(`/manifests/${tag}$`), act: alter((a) => (a.headers['content-type'] = claimed)) }]);
      const r = await cli('manifest', 'fetch', `${host}/app:${tag}`, '--platform', 'linux/amd64', '--descriptor');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).digest, image.digest);
      for (const argv of [['coverage', `${host}/app:${tag}`], ['pull', `${host}/app:${tag}`, '-o', tempDir()], ['check', `${host}/app:${tag}`], ['repo', 'tags', `${host}/app`]]) {
        const c = await cli(...argv);
        assert.equal(c.code, 0, `${argv.join(' ')}: ${c.stderr}${c.stdout}`);
      }
    }
  });
});
