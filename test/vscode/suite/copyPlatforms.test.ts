import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Descriptor, ImageIndex } from '../../../src/oci/descriptor';
import { digestOf } from '../../../src/oci/digest';
import { OciLayoutStore } from '../../../src/oci/layout';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { makeImage, makeIndex } from '../../unit/builders';
import { useFixtures } from './layoutFixtures';

/** The copy commands on a multi-platform index: all platforms, or the ones chosen under a new index. */
describe('Copy commands with a platform subset', () => {
  let server: OciServer;
  let src: string;
  let children: Descriptor[];
  let index: Descriptor;
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

  before(async () => {
    await useFixtures();
    server = await startOciServer();
    src = mkdtempSync(join(tmpdir(), 'manifold-platforms-'));
    const store = await OciLayoutStore.open(src, { create: true });
    children = [];
    for (const [arch, variant] of [['amd64'], ['arm64', 'v8'], ['arm', 'v7']] as const) children.push(await makeImage(store, { arch, variant }));
    index = await makeIndex(store, children);
    await store.tag(index, 'tri');
    assert.equal(await run('manifold.addRegistry', { registry: server.host, plainHttp: true }), server.host);
  });

  after(async () => {
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
  });

  it('copyToRegistry with two of three platforms pushes a new index of just those, and says so', async () => {
    const result = await run<{ digest: string; message: string }>('manifold.copyToRegistry', {
      layout: src,
      reference: 'tri',
      to: `${server.host}/sub/app:v1`,
      platforms: ['linux/amd64', 'linux/arm/v7'],
    });
    assert.ok(result, 'copyToRegistry returned nothing (see the Manifold log)');
    assert.notEqual(result.digest, index.digest);
    const repo = server.repo('sub/app');
    assert.equal(repo.tags.get('v1'), result.digest);
    const stored = repo.manifests.get(result.digest)!;
    assert.equal(digestOf(stored.bytes), result.digest);
    assert.deepEqual((JSON.parse(stored.bytes.toString('utf8')) as ImageIndex).manifests.map((d) => d.digest), [children[0]!.digest, children[2]!.digest]);
    assert.equal(repo.manifests.has(children[1]!.digest), false);
    assert.match(result.message, new RegExp(`A new index ${result.digest} was written with 2 of the 3 platforms\\.$`));
  });

  it('pullToLayout with one platform copies that manifest itself; with all of them, the index as it is', async () => {
    const dst = mkdtempSync(join(tmpdir(), 'manifold-platforms-dst-'));
    await OciLayoutStore.open(dst, { create: true });
    const one = await run<{ digest: string; message: string }>('manifold.pullToLayout', {
      registry: server.host,
      repository: 'sub/app',
      reference: 'v1',
      layout: dst,
      tags: ['arm'],
      platforms: ['linux/arm/v7'],
    });
    assert.ok(one, 'pullToLayout returned nothing (see the Manifold log)');
    assert.equal(one.digest, children[2]!.digest);
    assert.match(one.message, /Only the linux\/arm\/v7 manifest was copied/);
    const store = await OciLayoutStore.open(dst);
    assert.equal((await store.resolve('arm')).digest, children[2]!.digest);

    const all = await run<{ digest: string; message: string }>('manifold.copyToRegistry', { layout: src, reference: 'tri', to: `${server.host}/all/app:v1`, platforms: [] });
    assert.equal(all.digest, index.digest);
    assert.doesNotMatch(all.message, /new index/);
  });

  it('asks with every platform checked: accepting as it opens copies the index as it is', async () => {
    const pending = run<{ digest: string; message: string }>('manifold.copyToRegistry', { layout: src, reference: 'tri', to: `${server.host}/asked/app:v1` });
    // (No API says when the pick is open: waited for generously, as the host can be slow.) Were the platforms not
    // all checked, accepting would keep none, which cancels the copy and returns nothing.
    await new Promise((r) => setTimeout(r, 5000));
    await run('workbench.action.acceptSelectedQuickOpenItem');
    const result = await pending;
    assert.ok(result, 'copyToRegistry returned nothing (see the Manifold log)');
    assert.equal(result.digest, index.digest);
    assert.equal(server.repo('asked/app').tags.get('v1'), index.digest);
    assert.doesNotMatch(result.message, /new index/);
  });
});
