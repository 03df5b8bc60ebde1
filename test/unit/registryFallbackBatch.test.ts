import { strict as assert } from 'node:assert';
import type { Descriptor } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { type FaultProxy, type OciServer, startFaultProxy, startOciServer } from '../integration/support';
import { collect } from '../helpers/assertions';
import { makeArtifact, makeImage } from './builders';

/**
 * Without the referrers API, the changes to one subject's fallback index queued while a rewrite runs are applied by
 * one rewrite: what fails for one caller is that caller's alone, what fails for the rewrite is told to each caller in
 * it, and the index never lists what is not stored nor drops what is.
 */
describe('registry without the referrers API: fallback index changes made together', () => {
  let server: OciServer;
  let proxy: FaultProxy | undefined;
  beforeEach(async () => {
    server = await startOciServer({ referrersApi: false });
  });
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
    await server.stop();
  });

  const direct = () => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'app', { referrersApi: false });
  const through = async (rules: Parameters<typeof startFaultProxy>[1]) => {
    proxy = await startFaultProxy(server.url, rules);
    return new RemoteRepository(new RegistryClient(proxy.host, { plainHttp: true, retry: { attempts: 1 } }), 'app', { referrersApi: false });
  };
  const listed = async (repo: RemoteRepository, subject: Descriptor) => (await collect(repo.referrers(subject))).map((d) => d.digest);
  const indexes = () => [...server.repo('app').manifests.values()].filter((m) => m.mediaType === MediaType.ImageIndex).length;
  const indexPuts = () => proxy!.log.filter((l) => l.method === 'PUT' && /\/manifests\/sha256-/.test(l.path)).length;

  it('deleting at once: a DELETE refused fails its caller alone and stays listed; the others are deleted by one rewrite', async () => {
    const repo0 = direct();
    const image = await makeImage(repo0);
    const refs = [];
    for (let n = 0; n < 5; n++) refs.push(await makeArtifact(repo0, { subject: image, artifactType: 'application/vnd.sig', content: `sig ${n}` }));
    const refused = refs[2]!;
    const repo = await through([{ method: 'DELETE', path: new RegExp(refused.digest), fault: 500 }]);
    const settled = await Promise.allSettled(refs.map((r) => repo.delete(r)));
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.match(String((settled[2] as PromiseRejectedResult).reason), /500|injected/);
    assert.deepEqual(await listed(repo, image), [refused.digest]);
    for (const r of refs) assert.equal(server.repo('app').manifests.has(r.digest), r === refused, r.digest);
    assert.ok(indexPuts() <= 2, `${indexPuts()} index PUTs for 4 deletions`);
    assert.equal(indexes(), 1, 'the replaced indexes deleted');
  });

  it('a rewrite refused is told to each caller in it; what a caller was told is listed, is', async () => {
    const repo0 = direct();
    const image = await makeImage(repo0);
    const repo = await through([{ method: 'PUT', path: /\/manifests\/sha256-/, fault: 500, times: 1 }]);
    const settled = await Promise.allSettled(Array.from({ length: 6 }, (_, n) => makeArtifact(repo, { subject: image, artifactType: 'application/vnd.sig', content: `sig ${n}` })));
    const told = settled.filter((s) => s.status === 'rejected');
    assert.ok(told.length >= 1, 'the refused rewrite was told');
    for (const s of told) assert.match(String(s.reason), /500|injected/);
    const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.digest] : []));
    // Those told done are listed, and nothing that is not stored is: the others are stored, unlisted, as their callers were told.
    const now = await listed(direct(), image);
    assert.deepEqual([...now].sort(), [...done].sort());
    for (const d of now) assert.ok(server.repo('app').manifests.has(d));
  });

  it('pushes and deletes of one subject at once: the list ends exact, a referrer pushed then deleted in one batch not listed', async () => {
    const repo = direct();
    const image = await makeImage(repo);
    const old = [];
    for (let n = 0; n < 4; n++) old.push(await makeArtifact(repo, { subject: image, artifactType: 'application/vnd.sig', content: `old ${n}` }));
    const [fresh] = await Promise.all([
      Promise.all(Array.from({ length: 4 }, (_, n) => makeArtifact(repo, { subject: image, artifactType: 'application/spdx+json', content: `new ${n}` }))),
      ...old.slice(0, 3).map((d) => repo.delete(d)),
    ]);
    const brief = await makeArtifact(repo, { subject: image, artifactType: 'application/vnd.sig', content: 'brief' });
    await Promise.all([repo.delete(brief), makeArtifact(repo, { subject: image, artifactType: 'application/vnd.sig', content: 'last' }).then((d) => fresh.push(d))]);
    assert.deepEqual((await listed(repo, image)).sort(), [old[3]!.digest, ...fresh.map((d) => d.digest)].sort());
    assert.equal(indexes(), 1);
  });

  it('an index listing a referrer gone (refused: MANIFEST_BLOB_UNKNOWN) is pushed without it, the next change done', async () => {
    const repo = direct();
    const image = await makeImage(repo);
    const refs = [];
    for (let n = 0; n < 3; n++) refs.push(await makeArtifact(repo, { subject: image, artifactType: 'application/vnd.sig', content: `sig ${n}` }));
    server.repo('app').manifests.delete(refs[1]!.digest); // as a tool without the fallback bookkeeping deletes it
    const added = await makeArtifact(repo, { subject: image, artifactType: 'application/vnd.sig', content: 'after' });
    assert.deepEqual(await listed(repo, image), [refs[0]!.digest, refs[2]!.digest, added.digest]);
    assert.equal(indexes(), 1);
  });
});
