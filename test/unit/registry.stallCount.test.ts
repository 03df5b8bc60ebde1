// A request that stalls one way, then another (its answer stops midway, then its retry gets no answer at all, or the
// reverse): the error that ends it counts every try of it, not only those of the last kind.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { listenOnLoopback } from '../integration/support/loopbackServer';
import { copyGraph } from '../../src/oci/copy/copyGraph';
import { digestOf } from '../../src/oci/digest';
import { MediaType } from '../../src/oci/mediaType';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { isRetryableError } from '../../src/oci/transient';
import { cleanupTemps, newLayout } from './builders';

/** How the registry answers one GET of the layer: whole, headers and half the bytes then nothing, or nothing at all. */
type Answer = 'whole' | 'body' | 'answer';

describe('a registry request that stalls in more than one way', function () {
  this.timeout(30_000);
  const layer = Buffer.from('a layer the registry is slow to send\n'.repeat(100));
  const config = Buffer.from('{}');
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: 'application/vnd.test',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
  }));
  const root = { mediaType: MediaType.ImageManifest, digest: digestOf(manifest), size: manifest.length };
  const blobs = new Map([[digestOf(config), config], [digestOf(layer), layer]]);
  /** What each GET of the layer gets, in turn (then whole). */
  let answers: Answer[] = [];
  let layerGets = 0;
  let server: { host: string; stop(): Promise<void> };
  before(async () => {
    server = await listenOnLoopback(createServer((req, res) => {
      const digest = req.url!.split('/').pop()!;
      const isManifest = req.url!.includes('/manifests/');
      const body = isManifest ? manifest : blobs.get(digest);
      if (!body) return void res.writeHead(404).end();
      const answer = req.method === 'GET' && digest === digestOf(layer) ? (layerGets++, answers.shift() ?? 'whole') : 'whole';
      if (answer === 'answer') return; // the request taken, no answer
      res.writeHead(200, { 'content-type': isManifest ? MediaType.ImageManifest : 'application/octet-stream', 'content-length': body.length, 'docker-content-digest': digestOf(body) });
      if (req.method === 'HEAD') return void res.end();
      if (answer === 'whole') return void res.end(body);
      res.write(body.subarray(0, body.length >> 1));
    }));
  });
  beforeEach(() => {
    layerGets = 0;
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });
  // A small timeout: what is asserted is how often it was asked and what the user is told, never how long it took.
  const open = () => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true, timeoutMs: 200, sleep: async () => undefined }), 'app');
  const layerUrl = () => `http://${server.host}/v2/app/blobs/${digestOf(layer)}`;

  it('its answer stops midway, then the copy\'s retry gets no answer: tried 2 times, as it was', async () => {
    answers = ['body', 'answer'];
    await assert.rejects(copyGraph(open(), await newLayout(), root), (e: Error & { code?: string }) => {
      assert.equal(e.message, `registry ${server.host} did not answer GET ${layerUrl()} within 0.2 s (tried 2 times)`);
      assert.equal(e.code, 'UND_ERR_HEADERS_TIMEOUT');
      assert.equal(isRetryableError(e), false);
      return true;
    });
    assert.equal(layerGets, 2);
  });

  it('no answer, then (the client\'s retry) an answer that stops midway, twice: tried 3 times, as it was', async () => {
    answers = ['answer', 'body', 'body'];
    await assert.rejects(copyGraph(open(), await newLayout(), root), (e: Error & { code?: string }) => {
      assert.equal(e.message, `registry ${server.host} did not finish answering GET ${layerUrl()}: nothing came for 0.2 s (tried 3 times)`);
      assert.equal(e.code, 'UND_ERR_BODY_TIMEOUT');
      assert.equal(isRetryableError(e), false);
      return true;
    });
    assert.equal(layerGets, 3);
  });
});
