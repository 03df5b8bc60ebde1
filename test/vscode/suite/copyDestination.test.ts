import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { copyWithProgress } from '../../../src/extension/ui/copyProgress';
import { copy } from '../../../src/oci/copy';
import { OciLayoutStore } from '../../../src/oci/layout';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { rows, useFixtures, type Fixtures } from './layoutFixtures';

/**
 * Copy to Registry as a user meets it: the destination picked among the added repositories, an unreachable
 * registry named in the error, a repository with blobs but no tag listed as "No tags"; Pull into This Layout's
 * source picked or typed (a typed one joins the view once pulled).
 */
describe('Copy to Registry destination', () => {
  let f: Fixtures;
  let server: OciServer;
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const registryRows = (node?: unknown) => rows(f, node, f.services.registriesTree as never);
  // No API says when a pick is open: each is waited for generously (the host can be slow), then its selection taken.
  const acceptAfter = async (ms: number) => {
    await new Promise((r) => setTimeout(r, ms));
    await run('workbench.action.acceptSelectedQuickOpenItem');
  };

  before(async () => {
    f = await useFixtures();
    // Distribution's answer to the tag list of a repository that has blobs but no tag: 404 NAME_UNKNOWN.
    server = await startOciServer({ untaggedNameUnknown: true });
    await run('manifold.addRegistry', { registry: server.host, plainHttp: true });
    await run('manifold.addRepository', { registry: server.host, repository: 'picked/app' });
  });

  after(async () => {
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
  });

  /** The digests of the manifests in a repository of the registry whose subject is `digest`. */
  const referrersIn = (repository: string, digest: string) =>
    [...server.repo(repository).manifests].filter(([, m]) => (JSON.parse(m.bytes.toString('utf8')) as { subject?: { digest: string } }).subject?.digest === digest).map(([d]) => d);

  it('asks whether the referrers come along, then offers the added repository; picking both copies there with the source\'s tag', async () => {
    const known = f.services.registries.list().flatMap((r) => r.repositories.map((repo) => `${r.host}/${repo}`));
    // The pick lists added repositories first, in the order of the list: this one must be the first.
    assert.equal(known[0], `${server.host}/picked/app`, `added repositories: ${known.join(', ')}`);
    const pending = run<{ to: string; digest: string }>('manifold.copyToRegistry', { layout: f.demo, reference: 'linux-amd64' });
    // linux-amd64 has an end-of-life note: first "With its referrers" (the first item), then the first added repository.
    await acceptAfter(5000);
    await acceptAfter(3000);
    const result = await pending;
    assert.ok(result, 'copyToRegistry returned nothing (see the Manifold log)');
    assert.equal(result.to, `${server.host}/picked/app:linux-amd64`);
    const amd64 = (await (await OciLayoutStore.open(f.demo)).resolve('linux-amd64')).digest;
    assert.equal(server.repo('picked/app').tags.get('linux-amd64'), amd64);
    assert.equal(referrersIn('picked/app', amd64).length, 1, 'the end-of-life note came along');
  });

  it('Copy Layout to Registry asks the repository in the same pick: picking the added one copies every tag there', async () => {
    const store = await OciLayoutStore.open(f.demo);
    const pending = run<{ to: string; tags: { tag: string; digest: string }[] }>('manifold.copyLayoutToRegistry', { layout: f.demo });
    // No question before the destination: the first item is the first added repository, taken as it is (no tag);
    // then, as the demo's tags have referrers, "With their referrers" (the first item).
    await acceptAfter(5000);
    await acceptAfter(3000);
    const result = await pending;
    assert.ok(result, 'copyLayoutToRegistry returned nothing (see the Manifold log)');
    assert.equal(result.to, `${server.host}/picked/app`);
    assert.ok(result.tags.length >= 3, result.tags.map((t) => t.tag).join(', '));
    for (const t of result.tags) assert.equal(server.repo('picked/app').tags.get(t.tag), (await store.resolve(t.tag)).digest, t.tag);
  });

  it('Pull into This Layout picks an added repository, then one of its tags listed from the registry', async () => {
    const dir = join(f.workspace, 'layouts', 'pulled-by-pick');
    const store = await OciLayoutStore.open(dir, { create: true });
    const pending = run<{ digest: string; tags: string[]; message: string }>('manifold.pullIntoLayout', { layout: dir }, { tags: ['picked'], platforms: [] });
    // The added repository first: accepting it fills in "registry/repository:" and lists its tags; then the first tag.
    await acceptAfter(5000);
    await acceptAfter(3000);
    const result = await pending;
    assert.ok(result, 'pullIntoLayout returned nothing (see the Manifold log)');
    const source = new RegExp(`^Pulled ${server.host.replace(/[.]/g, '\\.')}/picked/app:([^ ]+) into `).exec(result.message);
    assert.ok(source, result.message);
    const tag = source[1]!;
    assert.ok(server.repo('picked/app').tags.has(tag), `${tag} is a tag of picked/app`);
    assert.equal(result.digest, server.repo('picked/app').tags.get(tag));
    assert.equal((await store.resolve('picked')).digest, result.digest);
  });

  it('Pull into This Layout with a source typed in full: once pulled, its repository joins the Registries view; a failed pull adds nothing', async () => {
    // A repository the view does not list as added (the catalog shows it, unmarked): what a user types in the pick
    // is handed on as `from`.
    const typed = `${server.host}/typed/app:v1`;
    await copy(await OciLayoutStore.open(f.demo), 'linux-amd64', f.services.registries.repository(server.host, 'typed/app'), ['v1'], { referrers: false });
    const added = () => f.services.registries.entry(server.host)?.repositories ?? [];
    const repositoryRow = async (name: string) => (await registryRows((await registryRows()).find((r) => r.label === server.host)?.node)).find((r) => r.label === name);
    assert.ok(!added().includes('typed/app'));
    assert.equal((await repositoryRow('typed/app'))?.contextValue, 'manifold:repository');

    const dir = join(f.workspace, 'layouts', 'pulled-by-typing');
    const store = await OciLayoutStore.open(dir, { create: true });
    const result = await run<{ digest: string }>('manifold.pullIntoLayout', { layout: dir, from: typed }, { tags: ['typed'] });
    assert.ok(result, 'pullIntoLayout returned nothing (see the Manifold log)');
    assert.equal((await store.resolve('typed')).digest, server.repo('typed/app').tags.get('v1'));
    assert.ok(added().includes('typed/app'), `added repositories of ${server.host}: ${added().join(', ')}`);
    assert.equal((await repositoryRow('typed/app'))?.contextValue, 'manifold:repository+added');

    // A tag the registry does not have: the pull fails, the repository is not kept.
    const before = f.services.registries.list();
    assert.equal(await run('manifold.pullIntoLayout', { layout: dir, from: `${server.host}/typo/app:v1` }, { tags: ['typo'] }), undefined);
    assert.deepEqual(f.services.registries.list(), before);
    assert.notEqual((await repositoryRow('typo/app'))?.contextValue, 'manifold:repository+added');
    // A registry that cannot be reached: not added to the view either.
    const settings = vscode.workspace.getConfiguration('manifold.registry');
    await settings.update('retries', 0, vscode.ConfigurationTarget.Global);
    try {
      assert.equal(await run('manifold.pullIntoLayout', { layout: dir, from: '127.0.0.1:1/typo/app:v1' }, { tags: ['typo'] }), undefined);
    } finally {
      await settings.update('retries', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.deepEqual(f.services.registries.list(), before);
    assert.ok(!(await registryRows()).some((r) => r.label === '127.0.0.1:1'));
    await assert.rejects(store.resolve('typo'));
  });

  it('copies without the referrers when told so: the image alone reaches the registry', async () => {
    const amd64 = (await (await OciLayoutStore.open(f.demo)).resolve('linux-amd64')).digest;
    const result = await run<{ digest: string }>('manifold.copyToRegistry', { layout: f.demo, reference: 'linux-amd64', to: `${server.host}/bare/app:v1`, referrers: false });
    assert.equal(result?.digest, amd64);
    assert.equal(server.repo('bare/app').tags.get('v1'), amd64);
    assert.deepEqual(referrersIn('bare/app', amd64), []);
    assert.equal(server.repo('bare/app').manifests.size, 1, 'only the image manifest');
  });

  it('a repository with blobs but no tag shows "No tags", not "not found"', async () => {
    const half = server.repo('demo/big');
    half.blobs.set(`sha256:${'1'.repeat(64)}`, Buffer.from('a layer whose push was cut short'));
    await run('manifold.addRepository', { registry: server.host, repository: 'demo/big' });
    const registry = (await registryRows()).find((r) => r.label === server.host);
    assert.ok(registry);
    const repo = (await registryRows(registry.node)).find((r) => r.label === 'demo/big');
    assert.ok(repo, 'demo/big is listed');
    assert.deepEqual((await registryRows(repo.node)).map((r) => [r.label, r.contextValue]), [['No tags', 'manifold:info']]);
  });

  it('a registry that cannot be reached is named in the error', async () => {
    const settings = vscode.workspace.getConfiguration('manifold.registry');
    await settings.update('retries', 0, vscode.ConfigurationTarget.Global);
    try {
      const store = await OciLayoutStore.open(f.demo);
      // Port 1 on loopback: nothing listens there, so the connection is refused at once.
      const dst = f.services.registries.repository('127.0.0.1:1', 'typo/app');
      await assert.rejects(
        Promise.resolve(copyWithProgress('Copy to Registry', store, 'linux-amd64', dst, ['v1'])),
        (err: Error) => err.message === 'Cannot reach the registry 127.0.0.1:1: nothing answers there (connection refused). Check the address and that the registry is running.',
      );
    } finally {
      await settings.update('retries', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
