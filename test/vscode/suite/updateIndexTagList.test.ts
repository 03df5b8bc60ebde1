import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { updateIndex } from '../../../src/extension/commands/updateIndex';
import { Cancelled } from '../../../src/extension/ui/prompts';
import type { Descriptor, ImageIndex } from '../../../src/oci/descriptor';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { makeImage, makeIndex, newLayout } from '../../unit/builders';
import { useFixtures, type Fixtures } from './layoutFixtures';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
const ODD = 'v1\u202e3.0.1';

type Item = vscode.QuickPickItem & { id?: string; tag?: string };

/**
 * Update Index's "add" and "merge" picks on a registry whose tag list holds a name that is no valid tag (here a
 * right-to-left override): the pick lists the valid tags and its title says one name was skipped, where the one
 * name used to fail the whole pick. The workbench's QuickPick is swapped for one that records what it was asked and
 * answers as a user would; the suite's `vscode` is not the extension's, so the command runs from this bundle's copy
 * of its module, over the extension's services.
 */
describe('Update Index: a registry tag list holding a name that is no tag', () => {
  let f: Fixtures;
  let server: OciServer;
  let arm64: Descriptor;
  const window = vscode.window as { showQuickPick: (items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions) => Thenable<unknown> };
  const real = window.showQuickPick;
  /** What each pick was asked: its title and its items' labels. */
  const asked: Array<{ title?: string; labels: string[] }> = [];
  /** The answer to each pick in turn, from its items. */
  let answers: Array<(items: readonly Item[]) => unknown> = [];
  const arg = () => ({ registry: server.host, repository: 'team/upd', index: 'multi' });

  before(async () => {
    f = await useFixtures();
    const store = await newLayout();
    const amd64 = await makeImage(store, { arch: 'amd64' });
    arm64 = await makeImage(store, { arch: 'arm64' });
    await store.tag(await makeIndex(store, [amd64]), 'multi');
    await store.tag(arm64, 'arm64');
    await store.tag(await makeIndex(store, [arm64]), 'other');
    server = await startOciServer();
    assert.equal(await run('manifold.addRegistry', { registry: server.host, plainHttp: true }), server.host);
    for (const tag of ['multi', 'arm64', 'other']) {
      await run('manifold.copyToRegistry', { layout: store.location, reference: tag, to: `${server.host}/team/upd:${tag}`, referrers: false, platforms: [] });
    }
    const repo = server.repo('team/upd');
    assert.deepEqual([...repo.tags.keys()].sort(), ['arm64', 'multi', 'other'], 'the images were not copied to the registry');
    // Another tool's name in the tag list: the server lists it, as a registry that checks nothing would.
    repo.tags.set(ODD, arm64.digest);
    window.showQuickPick = async (items, options) => {
      const list = await items;
      asked.push({ title: options?.title, labels: list.map((i) => i.label) });
      const answer = answers.shift();
      assert.ok(answer, `an unexpected pick: ${options?.title}`);
      return answer(list);
    };
  });

  beforeEach(() => {
    asked.length = 0;
    answers = [];
  });

  after(async () => {
    window.showQuickPick = real;
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
  });

  it('"add" lists the valid tags, its title says one name was skipped, and the picked manifest is added', async () => {
    answers = [(items) => items.find((i) => i.id === 'add'), (items) => items.filter((i) => i.tag === 'arm64')];
    const result = await updateIndex(f.services, arg());
    assert.equal(asked.length, 2, JSON.stringify(asked));
    assert.deepEqual(asked[1]!.labels.sort(), ['arm64', 'other']);
    assert.equal(asked[1]!.title, 'Update Index (1 name in the tag list skipped: not a valid tag)');
    assert.equal(result.changed, true);
    const repo = server.repo('team/upd');
    assert.equal(repo.tags.get('multi'), result.digest);
    const index = JSON.parse(repo.manifests.get(result.digest)!.bytes.toString('utf8')) as ImageIndex;
    assert.deepEqual(index.manifests.map((m) => m.digest).slice(-1), [arm64.digest]);
    assert.equal(repo.tags.get(ODD), arm64.digest, 'the odd name is left as it was');
  });

  it('"merge" lists the valid index tags, its title says one name was skipped', async () => {
    answers = [(items) => items.find((i) => i.id === 'merge'), () => undefined];
    const before = server.repo('team/upd').tags.get('multi');
    await assert.rejects(updateIndex(f.services, arg()), Cancelled);
    assert.equal(asked.length, 2, JSON.stringify(asked));
    assert.deepEqual(asked[1]!.labels, ['other']);
    assert.equal(asked[1]!.title, 'Update Index (1 name in the tag list skipped: not a valid tag)');
    assert.equal(server.repo('team/upd').tags.get('multi'), before, 'a cancelled merge changes nothing');
  });
});
