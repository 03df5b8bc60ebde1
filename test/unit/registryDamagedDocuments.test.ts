import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startOciServer, type OciServer } from '../integration/support';
import { startMisbehavingRegistry } from '../helpers/misbehavingRegistry';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

// Documents other tools wrote, as a registry serves them, that the registry sweep
// (test/integration/registrySweep.test.ts) found shown as "[object Object]" or thrown on as a bare TypeError.

const M = 'application/vnd.oci.image.manifest.v1+json';
const I = 'application/vnd.oci.image.index.v1+json';
const sha = (b: string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('a registry serving documents other tools damaged', function () {
  this.timeout(30_000);
  let server: OciServer;
  const cli = (...argv: string[]) => runCli(...argv, '--plain-http', '--retries', '0');

  before(async () => {
    server = await startOciServer();
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });

  /** A repository with an image (tag v1) and an SBOM referring to it, whose manifest `artifact` shapes. */
  function repoWithReferrer(name: string, artifact: (layer: Record<string, unknown>, subject: Record<string, unknown>) => Record<string, unknown>) {
    const r = server.repo(name);
    const blob = (b: string) => {
      r.blobs.set(sha(b), Buffer.from(b));
      return { digest: sha(b), size: Buffer.byteLength(b) };
    };
    const manifest = (b: string) => {
      r.manifests.set(sha(b), { mediaType: M, bytes: Buffer.from(b) });
      return { digest: sha(b), size: Buffer.byteLength(b) };
    };
    const config = blob('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    const image = manifest(JSON.stringify({ schemaVersion: 2, mediaType: M, config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: [] }));
    const empty = blob('{}');
    const sbom = blob('{"spdx":1}');
    const doc = artifact({ mediaType: 'application/spdx+json', ...sbom }, { mediaType: M, ...image });
    const referrer = manifest(JSON.stringify({ schemaVersion: 2, mediaType: M, config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty }, ...doc }));
    r.tags.set('v1', image.digest);
    return { image, referrer, sbom };
  }

  it('a referrers listing whose artifactType or annotation is no string is refused naming its JSON path, not thrown on ("name.startsWith is not a function") or shown as [object Object]', async () => {
    const { image } = repoWithReferrer('typed/app', (layer, subject) => ({ artifactType: [{ mediaType: 'x/y' }], layers: [layer], subject }));
    const where = `referrers of ${image.digest} in ${server.host}/typed/app: GET http://${server.host}/v2/typed/app/referrers/${image.digest}`;
    const message = `Error: ${where}: manifests[0].artifactType must be a string, not [{"mediaType":"x/y"}]\n`;
    const d = await cli('discover', `${server.host}/typed/app:v1`, '--recursive');
    assert.deepEqual([d.code, d.stdout, d.stderr], [1, '', message]);
    const j = await cli('discover', `${server.host}/typed/app:v1`, '--format', 'json');
    assert.deepEqual([j.code, j.stdout, j.stderr], [1, '', message]);
    const c = await cli('check', `${server.host}/typed/app:v1`);
    assert.equal(c.code, 1);
    assert.doesNotMatch(c.stdout + c.stderr, /\[object Object\]/);
    assert.match(c.stdout + c.stderr, /manifests\[0\]\.artifactType must be a string, not \[\{"mediaType":"x\/y"\}\]/);

    const { image: other } = repoWithReferrer('annotated/app', (layer, subject) => ({ artifactType: 'application/spdx+json', annotations: { 'org.example.k': { a: 1 } }, layers: [layer], subject }));
    const a = await cli('discover', `${server.host}/annotated/app:v1`);
    assert.deepEqual([a.code, a.stdout, a.stderr], [1, '', `Error: referrers of ${other.digest} in ${server.host}/annotated/app: GET http://${server.host}/v2/annotated/app/referrers/${other.digest}: manifests[0].annotations["org.example.k"] must be a string, not {"a":1}\n`]);
  });

  it('a fallback referrers index (no referrers API) whose entry has an artifactType that is no string leaves that entry out, as one that is no descriptor, instead of throwing', async () => {
    const plain = await startOciServer({ referrersApi: false });
    try {
      const r = plain.repo('fallback/app');
      const put = (b: string, mediaType: string) => {
        r.manifests.set(sha(b), { mediaType, bytes: Buffer.from(b) });
        return { digest: sha(b), size: Buffer.byteLength(b) };
      };
      const config = '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}';
      r.blobs.set(sha(config), Buffer.from(config));
      const image = put(JSON.stringify({ schemaVersion: 2, mediaType: M, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length }, layers: [] }), M);
      const good = put(JSON.stringify({ schemaVersion: 2, mediaType: M, artifactType: 'application/spdx+json', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha('{}'), size: 2 }, layers: [], subject: { mediaType: M, ...image } }), M);
      const odd = put(JSON.stringify({ schemaVersion: 2, mediaType: M, artifactType: 'application/x', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha('{}'), size: 2 }, layers: [], subject: { mediaType: M, ...image } }), M);
      const listing = { schemaVersion: 2, mediaType: I, manifests: [{ mediaType: M, ...odd, artifactType: { a: 1 } }, { mediaType: M, ...good, artifactType: 'application/spdx+json' }] };
      r.tags.set(`sha256-${image.digest.slice(7)}`, put(JSON.stringify(listing), I).digest);
      r.tags.set('v1', image.digest);
      const d = await runCli('discover', `${plain.host}/fallback/app:v1`, '--format', 'json', '--plain-http', '--retries', '0');
      assert.equal(d.code, 0, d.stderr);
      assert.deepEqual(
        JSON.parse(d.stdout).referrers.map((x: { digest: string; artifactType: string }) => [x.digest, x.artifactType]),
        [[good.digest, 'application/spdx+json']],
      );
      const t = await runCli('discover', `${plain.host}/fallback/app:v1`, '--plain-http', '--retries', '0');
      assert.equal(t.code, 0, t.stderr);
      assert.doesNotMatch(t.stdout, /\[object Object\]/);
    } finally {
      await plain.stop();
    }
  });

  it('a Content-Type of the other kind than the document\'s own mediaType (an index for an image manifest, or the reverse) is named, not read as "manifests: expected an array" or "no platforms"', async () => {
    const { image } = repoWithReferrer('kinds/app', (layer, subject) => ({ artifactType: 'application/spdx+json', layers: [layer], subject }));
    const proxy = await startMisbehavingRegistry(`http://${server.host}`);
    try {
      for (const claimed of [I, 'application/vnd.docker.distribution.manifest.list.v2+json']) {
        proxy.misbehave([
          {
            path: /\/manifests\//,
            act: async (x) => {
              const up = await x.upstream();
              x.send({ ...up, headers: { ...up.headers, 'content-type': claimed }, body: x.req.method === 'HEAD' ? Buffer.alloc(0) : up.body }, x.req.method === 'HEAD');
            },
          },
        ]);
        const said = `the registry's Content-Type is ${claimed}, but the document's mediaType is ${M}`;
        for (const argv of [['manifest', 'fetch', `${proxy.host}/kinds/app:v1`], ['discover', `${proxy.host}/kinds/app:v1`, '--recursive'], ['manifest', 'fetch', `${proxy.host}/kinds/app@${image.digest}`, '--platform', 'linux/amd64'], ['coverage', `${proxy.host}/kinds/app:v1`]]) {
          const r = await cli(...argv);
          assert.equal(r.code, 1, `${argv.join(' ')}: ${r.stdout}`);
          assert.match(r.stderr, new RegExp(`^Error: manifest ${image.digest} (from|in) ${proxy.host}/kinds/app[:@].*${said.replace(/[.+]/g, '\\$&')}\n$`), argv.join(' '));
        }
      }
      // An OCI manifest served as a Docker one of the same kind is read as before.
      proxy.misbehave([{ path: /\/manifests\//, act: async (x) => { const up = await x.upstream(); x.send({ ...up, headers: { ...up.headers, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' }, body: x.req.method === 'HEAD' ? Buffer.alloc(0) : up.body }, x.req.method === 'HEAD'); } }]);
      const ok = await cli('manifest', 'fetch', `${proxy.host}/kinds/app:v1`);
      assert.equal(ok.code, 0, ok.stderr);
    } finally {
      await proxy.stop();
    }
  });

  it('cp refuses a layer title that is no string, naming the field, before it copies anything; one with a character that cannot be seen is quoted, never [object Object]', async () => {
    const { sbom, referrer } = repoWithReferrer('titled/app', (layer, subject) => ({ artifactType: 'application/spdx+json', layers: [{ ...layer, annotations: { 'org.opencontainers.image.title': { mediaType: 'x/y' } } }], subject }));
    server.repo('titled/app').tags.set('sbom', referrer.digest);
    const out = join(tempDir(), 'out');
    const r = await cli('cp', '-r', `${server.host}/titled/app:sbom`, '--to-oci-layout', `${out}:sbom`);
    const short = sbom.digest.slice(7, 19);
    assert.equal(r.stderr, `Error: manifest ${referrer.digest}: layers[0].annotations["org.opencontainers.image.title"]: annotation "org.opencontainers.image.title" must be a string, not an object\n`);
    assert.doesNotMatch(r.stdout, /Copying|\[object Object\]/);
    assert.deepEqual(existsSync(join(out, 'blobs', 'sha256')) ? readdirSync(join(out, 'blobs', 'sha256')) : [], []);

    repoWithReferrer('titled/odd', (layer, subject) => ({ artifactType: 'application/spdx+json', layers: [{ ...layer, annotations: { 'org.opencontainers.image.title': 'sbom\u202e.json' } }], subject }));
    const o = await cli('cp', '-r', `${server.host}/titled/odd:v1`, '--to-oci-layout', `${join(tempDir(), 'out')}:v1`);
    assert.equal(o.code, 0, o.stderr);
    assert.ok(o.stdout.split('\n').includes(`Copying ${short} "sbom\\u202e.json"`), o.stdout);
  });
});
