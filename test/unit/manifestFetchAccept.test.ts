// `manifest fetch --media-type` (oras's flag): the Accept header of the manifest requests is the list given; a
// layout has none to send, so the flag is refused there, as oras refuses it.
import assert from 'node:assert/strict';
import { MediaType } from '../../src/oci/mediaType';
import { RemoteRepository } from '../../src/oci/registry/remoteRepository';
import { startOciServer, useEmptyDockerConfig, type OciServer } from '../integration/support';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeMultiArchLayout } from './builders';

describe('manifest fetch --media-type', () => {
  useEmptyDockerConfig();
  let server: OciServer;
  let digest: string;
  before(async () => {
    server = await startOciServer();
    const repo = RemoteRepository.open(`${server.host}/accept/app`, { plainHttp: true });
    const desc = await makeImage(repo);
    await repo.tag(desc, 'v1');
    digest = desc.digest;
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });

  /** The Accept headers the manifest requests of `run` sent. */
  async function acceptsOf(...args: string[]): Promise<{ stdout: string; accepts: string[] }> {
    const from = server.requests.length;
    const r = await runCli('manifest', 'fetch', `${server.host}/accept/app:v1`, '--plain-http', ...args);
    assert.equal(r.code, 0, r.stderr);
    const sent = server.requests.slice(from).filter((q) => q.path.startsWith('/v2/accept/app/manifests/'));
    assert.ok(sent.length > 0);
    return { stdout: r.stdout, accepts: sent.map((q) => String(q.headers.accept)) };
  }

  it('sends the types given, comma-separated or repeated, in their order', async () => {
    const one = await acceptsOf('--media-type', MediaType.ImageManifest);
    assert.deepEqual([...new Set(one.accepts)], [MediaType.ImageManifest]);
    assert.equal(JSON.parse(one.stdout).mediaType, MediaType.ImageManifest);
    const two = await acceptsOf('--media-type', `${MediaType.DockerManifest},${MediaType.ImageManifest}`, '--descriptor');
    assert.deepEqual([...new Set(two.accepts)], [`${MediaType.DockerManifest}, ${MediaType.ImageManifest}`]);
    assert.equal(JSON.parse(two.stdout).digest, digest);
    const repeated = await acceptsOf('--media-type', MediaType.ImageIndex, '--media-type', MediaType.ImageManifest);
    assert.deepEqual([...new Set(repeated.accepts)], [`${MediaType.ImageIndex}, ${MediaType.ImageManifest}`]);
  });

  it('without it, every manifest type is accepted, as before', async () => {
    const { accepts } = await acceptsOf();
    assert.deepEqual([...new Set(accepts)], [[MediaType.ImageManifest, MediaType.ImageIndex, MediaType.DockerManifest, MediaType.DockerManifestList, 'application/vnd.oci.artifact.manifest.v1+json'].join(', ')]);
  });

  it('is refused with --oci-layout, and a value that is no media type is named', async () => {
    const { store } = await makeMultiArchLayout();
    const layout = await runCli('manifest', 'fetch', '--oci-layout', `${store.location}:multi`, '--media-type', MediaType.ImageIndex);
    assert.equal(layout.code, 1);
    assert.equal(layout.stdout, '');
    assert.match(layout.stderr, /^Error: --media-type cannot be used with --oci-layout: it is the Accept header sent to a registry/);
    const from = server.requests.length;
    const bad = await runCli('manifest', 'fetch', `${server.host}/accept/app:v1`, '--plain-http', '--media-type', `${MediaType.ImageManifest},nonsense`);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Error: --media-type "nonsense": not a media type/);
    assert.equal(server.requests.length, from, 'nothing asked of the registry');
  });
});
