import { strict as assert } from 'node:assert';
import { createIndex, fetchIndexGraph, updateIndex, type IndexEvent } from '../../src/oci/imageIndex';
import { SOURCES_AT_ONCE } from '../../src/oci/imageIndex/fetchChildren';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { startOciServer, type OciServer } from '../integration/support';
import { makeArtifact, makeImage } from './builders';

/**
 * Index create and update --add fetch their sources from a registry a few at a time: their round trips overlap
 * (oras makes them one after another), while what is printed, what is stored and which error is said stay as
 * when fetched one by one.
 */
describe('index sources fetched at once from a registry', () => {
  let server: OciServer;
  let inFlight = 0;
  let peak = 0;
  const archs = ['amd64', 'arm64', '386', 'ppc64le', 's390x', 'riscv64', 'mips64le', 'loong64', 'arm', 'wasm', 'sparc64', 'alpha'];

  beforeEach(async () => {
    inFlight = 0;
    peak = 0;
    // Each manifest or config read is held for a moment: time enough for the next ones to arrive if they are sent.
    server = await startOciServer({
      hold: ({ method, path }) => {
        if (method !== 'GET' || !/\/(manifests|blobs)\/sha256:/.test(path)) return undefined;
        peak = Math.max(peak, ++inFlight);
        return new Promise<void>((resolve) => setTimeout(resolve, 30)).then(() => void inFlight--);
      },
    });
  });
  afterEach(() => server.stop());

  const repository = () => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app');

  it('index create overlaps the fetches of 12 sources, at most SOURCES_AT_ONCE, and prints them in order', async () => {
    const repo = repository();
    const images = [];
    for (const arch of archs) images.push(await makeImage(repo, { arch }));
    const events: IndexEvent[] = [];
    const made = await createIndex(repository(), { sources: images.map((i) => i.digest), tags: ['multi'], onEvent: (e) => events.push(e) });
    assert.ok(peak > 1 && peak <= SOURCES_AT_ONCE, `at most ${SOURCES_AT_ONCE} reads at once, more than one: ${peak}`);
    assert.deepEqual(made.index.manifests.map((m) => `${m.digest} ${m.platform?.architecture}`), images.map((i, n) => `${i.digest} ${archs[n]}`));
    const fetches = events.filter((e) => e.type === 'fetching' || e.type === 'fetched').map((e) => `${e.type} ${(e as { ref: string }).ref}`);
    assert.deepEqual(fetches, images.flatMap((i) => [`fetching ${i.digest}`, `fetched ${i.digest}`]));
    // What the registry holds under the tag is the index made, in the sources' order.
    const stored = JSON.parse((await repository().fetchBytes(await repository().resolve('multi'))).toString('utf8'));
    assert.deepEqual(stored.manifests.map((m: { digest: string }) => m.digest), images.map((i) => i.digest));
  });

  it('the error is the first failing source in order, though later ones fail first', async () => {
    const repo = repository();
    const images = [];
    for (const arch of archs.slice(0, 6)) images.push(await makeImage(repo, { arch }));
    const sources = images.map((i) => i.digest);
    sources.splice(2, 0, 'gone-first');
    sources.splice(5, 0, 'gone-second');
    const events: IndexEvent[] = [];
    await assert.rejects(createIndex(repository(), { sources, tags: ['multi'], onEvent: (e) => events.push(e) }), /could not find the manifest gone-first: not found/);
    assert.deepEqual(events.map((e) => e.type), ['fetching', 'fetched', 'fetching', 'fetched', 'fetching']);
    await assert.rejects(repository().resolve('multi'), /not found/);
  });

  it('index diff reads the children of an index at once, and lists them in index order', async () => {
    const repo = repository();
    const images = [];
    for (const arch of archs.slice(0, 10)) images.push(await makeImage(repo, { arch }));
    await makeArtifact(repo, { subject: images[3]!, artifactType: 'application/spdx+json' });
    const index = await createIndex(repo, { sources: images.map((i) => i.digest), tags: ['multi'] });
    peak = 0;
    const graph = await fetchIndexGraph(repository(), index.desc, 'multi');
    assert.ok(peak > 1 && peak <= SOURCES_AT_ONCE, `reads at once: ${peak}`);
    assert.deepEqual(graph.children.map((c) => c.key), archs.slice(0, 10).map((a) => `linux/${a}`));
    assert.deepEqual(graph.children.map((c) => c.referrers.join()), archs.slice(0, 10).map((_, n) => (n === 3 ? 'application/spdx+json' : '')));
    assert.ok(graph.children.every((c) => c.image?.layers === 1), 'each child read as an image of one layer');
  });

  it('update --add adds the sources in order, each said as added', async () => {
    const repo = repository();
    const images = [];
    for (const arch of archs.slice(0, 10)) images.push(await makeImage(repo, { arch }));
    await createIndex(repo, { sources: [images[0]!.digest], tags: ['multi'] });
    peak = 0;
    const events: IndexEvent[] = [];
    const updated = await updateIndex(repository(), { index: 'multi', add: images.slice(1).map((i) => i.digest), tags: ['multi'], onEvent: (e) => events.push(e) });
    assert.ok(peak > 1 && peak <= SOURCES_AT_ONCE, `reads at once: ${peak}`);
    assert.ok('index' in updated, 'the index did not change');
    assert.deepEqual(updated.index.manifests.map((m) => m.platform?.architecture), archs.slice(0, 10));
    assert.deepEqual(events.filter((e) => e.type === 'added').map((e) => (e as { ref: string }).ref), images.slice(1).map((i) => i.digest));
  });
});
