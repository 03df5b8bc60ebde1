import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PullFilesResult } from '../../../src/extension/commands/pullFiles';
import type { Services } from '../../../src/extension/services';
import { pushArtifact } from '../../../src/oci/artifacts/push';
import { OciLayoutStore } from '../../../src/oci/layout';
import { RegistryClient, RemoteRepository } from '../../../src/oci/registry';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { makeImage, newLayout } from '../../unit/builders';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

/** Files as a release keeps them beside its image: a note and a folder of documents. */
function releaseFiles(): string {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-pull-files-src-'));
  writeFileSync(join(dir, 'notes.txt'), 'release notes\n');
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs', 'readme.md'), '# read me\n');
  return dir;
}

/**
 * Pull Files to Folder: an artifact's titled files written into a folder (a folder layer unpacked), from a layout, a
 * registry and a tree row; files there are replaced only when confirmed; an image, whose layers have no title, is
 * refused before a folder is asked for.
 */
describe('Pull Files to Folder', () => {
  let services: Services;
  let server: OciServer;
  let store: OciLayoutStore;
  let layout: string;
  let src: string;
  const errors: string[] = [];
  let logError: Services['log']['error'];
  const out = () => mkdtempSync(join(tmpdir(), 'manifold-pull-files-'));

  before(async () => {
    ({ services } = await vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold')!.activate());
    store = await newLayout();
    layout = store.location;
    src = releaseFiles();
    // Pushed from the folder that holds them, so the titles are `notes.txt` and `docs`, as oras push names them.
    const cwd = process.cwd();
    process.chdir(src);
    try {
      await pushArtifact(store, { tags: ['notes'], files: [{ path: 'notes.txt' }, { path: 'docs' }], artifactType: 'application/vnd.example.release' });
    } finally {
      process.chdir(cwd);
    }
    await store.tag(await makeImage(store, { arch: 'amd64' }), 'amd64');
    // A title another tool wrote that climbs out of any folder it is pulled into.
    await pushArtifact(store, { tags: ['escape'], files: [{ path: join(src, 'notes.txt'), title: '../escape.txt' }], disablePathValidation: true });
    server = await startOciServer();
    await run('manifold.addRegistry', { registry: server.host, plainHttp: true });
    await run('manifold.copyToRegistry', { layout, reference: 'notes', to: `${server.host}/team/release:notes`, referrers: false });
    logError = services.log.error;
    services.log.error = (message: string | Error) => void errors.push(String(message));
  });

  after(async () => {
    services.log.error = logError;
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
  });

  it('from a layout: each file written as pushed, the folder unpacked', async () => {
    const folder = out();
    const result = await run<PullFilesResult>('manifold.pullFiles', { layout, reference: 'notes', folder });
    assert.ok(result, errors.join('\n'));
    assert.deepEqual(result.files, ['notes.txt', 'docs']);
    assert.deepEqual(result.replaced, []);
    assert.deepEqual(readdirSync(folder).sort(), ['docs', 'notes.txt']);
    assert.equal(readFileSync(join(folder, 'notes.txt'), 'utf8'), 'release notes\n');
    assert.equal(readFileSync(join(folder, 'docs', 'readme.md'), 'utf8'), '# read me\n');
  });

  it('a file that exists is replaced once confirmed, and said so', async () => {
    const folder = out();
    writeFileSync(join(folder, 'notes.txt'), 'my own edits\n');
    const result = await run<PullFilesResult>('manifold.pullFiles', { layout, reference: 'notes', folder, confirmed: true });
    assert.ok(result, errors.join('\n'));
    assert.deepEqual(result.replaced, ['notes.txt']);
    assert.equal(readFileSync(join(folder, 'notes.txt'), 'utf8'), 'release notes\n');
  });

  it('from a registry repository: the same files', async () => {
    const folder = out();
    const result = await run<PullFilesResult>('manifold.pullFiles', { registry: server.host, repository: 'team/release', reference: 'notes', folder });
    assert.ok(result, errors.join('\n'));
    assert.equal(readFileSync(join(folder, 'notes.txt'), 'utf8'), 'release notes\n');
    assert.equal(readFileSync(join(folder, 'docs', 'readme.md'), 'utf8'), '# read me\n');
    // The registry still holds what was pushed: a pull reads only.
    const repo = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'team/release');
    assert.equal((await repo.resolve('notes')).digest, (await store.resolve('notes')).digest);
  });

  it('reads the manifest once: one GET, after the one HEAD that resolves the tag', async () => {
    const folder = out();
    const from = server.requests.length;
    const result = await run<PullFilesResult>('manifold.pullFiles', { registry: server.host, repository: 'team/release', reference: 'notes', folder });
    assert.ok(result, errors.join('\n'));
    assert.deepEqual(result.files, ['notes.txt', 'docs']);
    const digest = (await store.resolve('notes')).digest;
    // The probe before the folder, the plan with it and the pull itself each read it (and resolved it by digest) before.
    const manifests = server.requests.slice(from).filter((r) => r.path.startsWith('/v2/team/release/manifests/'));
    assert.deepEqual(
      manifests.map((r) => `${r.method} ${r.path}`),
      ['HEAD /v2/team/release/manifests/notes', `GET /v2/team/release/manifests/${digest}`],
    );
  });

  it('from the tag\'s row in the Layouts view, with the folder as its answer', async () => {
    const tree = services.tree as unknown as { getChildren(n?: unknown): Promise<unknown[]>; getTreeItem(n: unknown): vscode.TreeItem };
    await run('manifold.addLayoutFolder', { path: layout });
    const layoutRow = (await tree.getChildren()).find((n) => String(tree.getTreeItem(n).label) === layout.split('/').pop());
    assert.ok(layoutRow, 'the layout row');
    const tagRow = (await tree.getChildren(layoutRow)).find((n) => tree.getTreeItem(n).label === 'notes');
    assert.ok(tagRow, 'the notes row');
    assert.match(tree.getTreeItem(tagRow).contextValue ?? '', /^manifold:tag\+artifact/);
    const folder = out();
    const result = await run<PullFilesResult>('manifold.pullFiles', tagRow, { folder });
    assert.ok(result, errors.join('\n'));
    assert.equal(readFileSync(join(folder, 'notes.txt'), 'utf8'), 'release notes\n');
    await run('manifold.removeLayoutFolder', { layout });
  });

  it('an image is refused before a folder is asked for, naming why; nothing is written', async () => {
    const folder = join(out(), 'never');
    errors.length = 0;
    assert.equal(await run('manifold.pullFiles', { layout, reference: 'amd64', folder }), undefined);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /amd64 has no files to pull: none of its 1 layers has a title/);
    assert.equal(existsSync(folder), false);
  });

  it('a title that climbs out of the folder is refused naming that folder; nothing is written', async () => {
    const parent = out();
    const folder = join(parent, 'into');
    errors.length = 0;
    assert.equal(await run('manifold.pullFiles', { layout, reference: 'escape', folder }), undefined);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.ok(errors[0]!.includes(`"../escape.txt": path traversal disallowed; refusing to write outside ${folder}`), errors[0]);
    assert.deepEqual(readdirSync(parent), []);
  });
});
