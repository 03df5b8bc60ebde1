import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { listenOnLoopback } from '../integration/support/loopbackServer';
import { digestOf } from '../../src/oci/digest';
import { MediaType } from '../../src/oci/mediaType';
import { MAX_MANIFEST_BYTES, MAX_TOKEN_ANSWER, readJsonObject, RegistryClient, RemoteRepository, type RegistryResponse } from '../../src/oci/registry';

/** JSON of exactly `size` bytes: `doc` with spaces after it (JSON allows them), so a limit is hit to the byte. */
function padded(doc: unknown, size: number): Buffer {
  const text = JSON.stringify(doc);
  assert.ok(text.length <= size);
  return Buffer.from(text + ' '.repeat(size - text.length));
}

/** A token answer of exactly `size` bytes, its token as long as fits. */
function tokenAnswer(size: number): { body: Buffer; token: string } {
  const token = 't'.repeat(size - JSON.stringify({ token: '', expires_in: 300 }).length);
  const body = Buffer.from(JSON.stringify({ token, expires_in: 300 }));
  assert.equal(body.length, size);
  return { body, token };
}

describe('registry answers read with a size cap: too large says so, never "not JSON"', function () {
  this.timeout(30_000);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(Buffer.from('{}')), size: 2 }, layers: [] }));
  const subject = digestOf(manifest);
  let token: { body: Buffer; token: string } = tokenAnswer(100);
  let answer: Buffer = Buffer.alloc(0);
  let authorized = 0;
  let server: { host: string; stop(): Promise<void> };
  before(async () => {
    // Node refuses request headers over 16 KiB by default; a registry on Go's net/http takes up to 1 MiB.
    server = await listenOnLoopback(createServer({ maxHeaderSize: 2 * MAX_TOKEN_ANSWER }, (req, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      if (path === '/token') return void res.writeHead(200, { 'content-type': 'application/json' }).end(token.body);
      if (path === '/v2/auth/manifests/v1') {
        if (req.headers.authorization !== `Bearer ${token.token}`) {
          return void res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${server.host}/token",service="loopback"` }).end();
        }
        authorized++;
        return void res.writeHead(200, { 'content-type': MediaType.ImageManifest, 'docker-content-digest': subject, 'content-length': manifest.length }).end();
      }
      // The rest answer `answer`, whatever it holds.
      const type = path.includes('/referrers/') ? MediaType.ImageIndex : MediaType.ImageManifest;
      res.writeHead(200, { 'content-type': type }).end(answer);
    }));
  });
  beforeEach(() => (authorized = 0));
  after(() => server.stop());
  const repo = (name: string) => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true, sleep: async () => undefined }), name);

  it(`takes a token answer of ${MAX_TOKEN_ANSWER} bytes (64 KiB was read as "not JSON"), and refuses one byte more as too large`, async () => {
    token = tokenAnswer(MAX_TOKEN_ANSWER);
    const desc = await repo('auth').resolve('v1');
    assert.deepEqual(desc, { mediaType: MediaType.ImageManifest, digest: subject, size: manifest.length });
    assert.equal(authorized, 1, 'the whole token went back to the registry');
    token = tokenAnswer(MAX_TOKEN_ANSWER + 1);
    await assert.rejects(repo('auth').resolve('v1'), {
      code: 'REGISTRY',
      message: `${server.host}: the token answer from http://${server.host}/token is larger than ${MAX_TOKEN_ANSWER} bytes`,
    });
    assert.equal(authorized, 1, 'no cut token was sent');
  });

  it(`reads a referrers page of ${MAX_MANIFEST_BYTES} bytes, and refuses one byte more as too large`, async () => {
    const referrer = { mediaType: MediaType.ImageManifest, digest: digestOf(Buffer.from('r')), size: 1, artifactType: 'application/x-note' };
    const page = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [referrer] };
    answer = padded(page, MAX_MANIFEST_BYTES);
    const found = [];
    for await (const d of repo('app').referrers({ mediaType: MediaType.ImageManifest, digest: subject, size: manifest.length })) found.push(d);
    assert.deepEqual(found, [referrer]);
    answer = padded(page, MAX_MANIFEST_BYTES + 1);
    const listing = async () => {
      for await (const _ of repo('app').referrers({ mediaType: MediaType.ImageManifest, digest: subject, size: manifest.length }));
    };
    await assert.rejects(listing, {
      code: 'REGISTRY',
      message: `referrers of ${subject} in ${server.host}/app: GET http://${server.host}/v2/app/referrers/${subject}: the answer is larger than ${MAX_MANIFEST_BYTES} bytes`,
    });
  });

  it(`reads a manifest by tag of ${MAX_MANIFEST_BYTES} bytes, and refuses one byte more as larger than a manifest may be`, async () => {
    answer = padded(JSON.parse(manifest.toString()), MAX_MANIFEST_BYTES);
    const { desc, bytes } = await repo('app').fetchManifest('big');
    assert.deepEqual([desc.size, desc.digest, bytes.length], [MAX_MANIFEST_BYTES, digestOf(answer), MAX_MANIFEST_BYTES]);
    answer = padded(JSON.parse(manifest.toString()), MAX_MANIFEST_BYTES + 1);
    await assert.rejects(repo('app').fetchManifest('big'), {
      code: 'INVALID_MANIFEST',
      message: `${server.host}/app:big: the registry's answer is larger than the ${MAX_MANIFEST_BYTES} bytes a manifest may have`,
    });
  });

  it('a tag list or catalog page (readJsonObject) at its limit is read, one byte over is too large, a short malformed one is not JSON', async () => {
    const response = (body: Buffer): RegistryResponse => ({
      status: 200,
      url: 'http://r.example/v2/app/tags/list?n=1000',
      headers: {},
      body: Readable.from([body]) as unknown as RegistryResponse['body'],
      header: (name) => (name === 'content-type' ? 'application/json' : undefined),
    });
    const list = { name: 'app', tags: ['v1'] };
    const limit = JSON.stringify(list).length + 4;
    assert.deepEqual(await readJsonObject(response(padded(list, limit)), limit, 'tags of r.example/app'), list);
    await assert.rejects(readJsonObject(response(padded(list, limit + 1)), limit, 'tags of r.example/app'), {
      message: `tags of r.example/app: GET http://r.example/v2/app/tags/list?...: the answer is larger than ${limit} bytes`,
    });
    await assert.rejects(readJsonObject(response(Buffer.from('{"tags":')), limit, 'tags of r.example/app'), {
      message: 'tags of r.example/app: GET http://r.example/v2/app/tags/list?...: the answer is not a JSON object (application/json, 8 bytes)',
    });
  });
});
