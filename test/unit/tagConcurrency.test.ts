// `tag --concurrency N` (oras's flag, default 5): a registry's tags are set N at a time, never more, and the Tagged
// lines keep the order given.
import assert from 'node:assert/strict';
import { RemoteRepository } from '../../src/oci/registry/remoteRepository';
import { startOciServer, useEmptyDockerConfig, type OciServer } from '../integration/support';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeMultiArchLayout } from './builders';

describe('tag --concurrency', () => {
  useEmptyDockerConfig();
  let server: OciServer;
  let digest: string;
  /** Tag PUTs held until `batch` of them are waiting; the most seen waiting at once. */
  let batch = 0;
  let held: (() => void)[] = [];
  let peak = 0;
  before(async () => {
    server = await startOciServer({
      hold: ({ method, path }) => {
        if (!batch || method !== 'PUT' || !/\/manifests\/t\d+$/.test(path)) return undefined;
        return new Promise<void>((release) => {
          held.push(release);
          peak = Math.max(peak, held.length);
          if (held.length === batch) {
            // Let any request sent beyond the limit arrive before the batch goes (it would raise the peak).
            setTimeout(() => {
              const go = held;
              held = [];
              for (const r of go) r();
            }, 150);
          }
        });
      },
    });
    const repo = RemoteRepository.open(`${server.host}/tags/app`, { plainHttp: true });
    const desc = await makeImage(repo);
    await repo.tag(desc, 'v1');
    digest = desc.digest;
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });
  afterEach(() => {
    batch = 0;
    peak = 0;
  });

  const names = (n: number, from: number) => Array.from({ length: n }, (_, i) => `t${from + i}`);
  const tagPuts = (from: number) => server.requests.slice(from).filter((q) => q.method === 'PUT' && /\/manifests\/t\d+$/.test(q.path)).map((q) => q.path.replace(/^.*\//, ''));

  it('sets N tags at once and no more; the lines in the order given', async () => {
    batch = 3;
    const tags = names(6, 0);
    const r = await runCli('tag', '--plain-http', '--concurrency', '3', `${server.host}/tags/app:v1`, ...tags);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(peak, 3);
    assert.equal(r.stdout, `Tagging [registry] ${server.host}/tags/app@${digest}\n${tags.map((t) => `Tagged ${t}\n`).join('')}`);
    for (const t of tags) assert.equal(server.repo('tags/app').tags.get(t), digest);
  });

  it('the default is 5, as oras', async () => {
    batch = 5;
    const r = await runCli('tag', '--plain-http', `${server.host}/tags/app:v1`, ...names(10, 10));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(peak, 5);
  });

  it('--concurrency 1 tags one after another, in the order given', async () => {
    batch = 1;
    const from = server.requests.length;
    const tags = ['t29', 't21', 't25'];
    const r = await runCli('tag', '--plain-http', '--concurrency', '1', `${server.host}/tags/app:v1`, ...tags);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(peak, 1);
    assert.deepEqual(tagPuts(from), tags);
  });

  it('a value that is no positive whole number is refused before any request; a layout takes it too', async () => {
    const from = server.requests.length;
    const r = await runCli('tag', '--plain-http', '--concurrency', '0', `${server.host}/tags/app:v1`, 'x');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--concurrency must be a positive integer, got 0/);
    assert.equal(server.requests.length, from);
    const { store, index } = await makeMultiArchLayout();
    const l = await runCli('tag', '--oci-layout', '--concurrency', '2', `${store.location}:multi`, 'a', 'b', 'c');
    assert.equal(l.code, 0, l.stderr);
    for (const t of ['a', 'b', 'c']) assert.equal((await store.resolve(t)).digest, index.digest);
  });
});
