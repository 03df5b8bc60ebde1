import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../../src/extension/services';
import type { OciLayoutStore } from '../../../src/oci/layout';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { makeImage, newLayout } from '../../unit/builders';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

/**
 * Pull into Layout, Push Files as Artifact, Create Multi-Arch Index (and Tag) run from code: `tags: []` is refused
 * naming the argument, before anything is stored (asked interactively, each takes at least one tag: an empty list
 * is a caller's list that came out empty, not a wish for an untagged copy); tags given name what is stored.
 */
describe('Commands run from code with tags: [] or tags given', () => {
  let services: Services;
  let server: OciServer;
  let store: OciLayoutStore;
  let layout: string;
  const errors: string[] = [];
  let logError: Services['log']['error'];
  const indexJson = () => readFileSync(join(layout, 'index.json'), 'utf8');

  /** Runs the command expecting a refusal: it returns nothing, says `message`, and index.json is as it was. */
  async function refused(id: string, args: Record<string, unknown>, message: string): Promise<void> {
    const before = indexJson();
    errors.length = 0;
    assert.equal(await run(id, args), undefined, `${id} ran with ${JSON.stringify(args)}`);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.ok(errors[0]!.includes(message), errors[0]);
    assert.equal(indexJson(), before, `${id} changed index.json`);
  }

  before(async () => {
    ({ services } = await vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold')!.activate());
    store = await newLayout();
    layout = store.location;
    await store.tag(await makeImage(store, { arch: 'amd64' }), 'amd64');
    await store.tag(await makeImage(store, { arch: 'arm64' }), 'arm64');
    server = await startOciServer();
    await run('manifold.addRegistry', { registry: server.host, plainHttp: true });
    await run('manifold.copyToRegistry', { layout, reference: 'amd64', to: `${server.host}/team/tags:v1`, referrers: false });
    assert.ok(server.repo('team/tags').tags.get('v1'), 'the image was not copied to the registry');
    logError = services.log.error;
    services.log.error = (message: string | Error) => void errors.push(String(message));
  });

  after(async () => {
    services.log.error = logError;
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
  });

  const pull = (tags: unknown) => ({ registry: server.host, repository: 'team/tags', reference: 'v1', layout, tags, referrers: false });
  const push = (tags: Record<string, unknown>) => {
    const file = join(layout, '..', `note-${Date.now()}.txt`);
    writeFileSync(file, 'a note\n');
    return { layout, files: [file], artifactType: 'application/vnd.example.note', ...tags };
  };
  const create = (tags: unknown) => ({ layout, sources: ['amd64', 'arm64'], tags });

  it('Pull into Layout: tags: [] is refused naming it (it pulled untagged); tags given name the pulled image', async () => {
    await refused('manifold.pullToLayout', pull([]), 'tags is empty: give at least one tag');
    await refused('manifold.pullToLayout', pull('  '), 'tags is empty: give at least one tag');
    await refused('manifold.pullToLayout', pull(['ok', 'no/tag']), 'tags[1]: invalid tag "no/tag"');
    const result = await run<{ tags: string[]; digest: string }>('manifold.pullToLayout', pull(['p1', 'p2']));
    assert.deepEqual(result?.tags, ['p1', 'p2']);
    for (const tag of ['p1', 'p2']) assert.equal((await store.resolve(tag)).digest, server.repo('team/tags').tags.get('v1'));
  });

  it('Push Files as Artifact: tags: [] and tag: "" are refused naming the argument; tags given name the artifact', async () => {
    await refused('manifold.pushFiles', push({ tags: [] }), 'tags is empty: give at least one tag');
    await refused('manifold.pushFiles', push({ tag: '' }), 'tag is empty: give at least one tag');
    const result = await run<{ digest: string }>('manifold.pushFiles', push({ tags: ['n1', 'n2'] }));
    assert.ok(result, errors.join('\n'));
    for (const tag of ['n1', 'n2']) assert.equal((await store.resolve(tag)).digest, result.digest);
  });

  it('Create Multi-Arch Index: tags: [] is refused naming it; tags given name the index', async () => {
    await refused('manifold.createIndex', create([]), 'tags is empty: give at least one tag');
    const result = await run<{ digest: string; tags: string[] }>('manifold.createIndex', create(['multi']));
    assert.deepEqual(result?.tags, ['multi']);
    assert.equal((await store.resolve('multi')).digest, result.digest);
  });

  it('Tag: tags: [] is refused in the same words', async () => {
    await refused('manifold.tag', { layout, reference: 'amd64', tags: [] }, 'tags is empty: give at least one tag');
  });
});
