// Layouts other tools wrote that Manifold's own commands would not: index.json names that are full references
// (`example.com/team/app:1.0`, as the image-spec's ref.name grammar allows and containerd and buildkit write), an
// index that lists one manifest twice. The views and the index editor must show them, not fail on them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ANNOTATION_REF_NAME, type Descriptor } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import type { Node } from '../../../src/extension/tree/nodes';
import { makeImage, makeIndex } from '../../unit/builders';
import { eventually, row, rows, useFixtures, type Fixtures } from './layoutFixtures';
import { startOciServer } from '../../integration/support/ociServer';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
const FULL_NAME = 'example.com/team/app:1.0';

describe('Odd layouts', () => {
  let f: Fixtures;
  let dir: string;
  let store: OciLayoutStore;
  let index: Descriptor;
  let twice: Descriptor;
  let amd: Descriptor;

  before(async () => {
    f = await useFixtures();
    dir = join(f.workspace, 'layouts', 'odd');
    store = await OciLayoutStore.open(dir, { create: true });
    amd = await makeImage(store, { os: 'linux', arch: 'amd64' });
    const arm = await makeImage(store, { os: 'linux', arch: 'arm64' });
    index = await makeIndex(store, [amd, arm]);
    await store.tag(index, 'plain');
    // The same manifest for two platforms (arm v6 and v7 served by one image): two entries, one digest.
    twice = await makeIndex(store, [
      { ...arm, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
      { ...arm, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      amd,
    ]);
    await store.tag(twice, 'twice');
    // A name that is a full reference, written as another tool writes it (Manifold's tag refuses it).
    const file = join(dir, 'index.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Descriptor[] };
    doc.manifests.push({ mediaType: index.mediaType, digest: index.digest, size: index.size, annotations: { [ANNOTATION_REF_NAME]: FULL_NAME } });
    writeFileSync(file, JSON.stringify(doc));
    await run('manifold.refresh');
  });

  after(async () => {
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
      await vscode.window.showTextDocument(doc);
      await run('workbench.action.files.revert');
    }
    await run('workbench.action.closeAllEditors');
  });

  it('an index listing one manifest twice expands in the view (each row an id of its own, as VS Code requires)', async () => {
    const layout = await row(f, undefined, 'odd');
    const tag = await row(f, layout.node, 'twice');
    const children = await rows(f, tag.node);
    assert.deepEqual(children.slice(0, 3).map((c) => c.label), ['linux/arm/v6', 'linux/arm/v7', 'linux/amd64']);
    const ids = children.map((c) => f.services.tree.getTreeItem(c.node as Node).id);
    assert.equal(new Set(ids).size, ids.length, `ids: ${ids.join(', ')}`);
    // Each row is its own: the second arm entry expands to the same image's config and layer.
    assert.deepEqual((await rows(f, children[1]!.node)).map((c) => c.label), ['config', 'layer 1']);
  });

  it('an index named by a full reference opens in the index editor from its row, read-only and saying why', async () => {
    const layout = await row(f, undefined, 'odd');
    const named = await row(f, layout.node, FULL_NAME);
    const uriText = await run<string>('manifold.openInIndexEditor', named.node);
    const uri = vscode.Uri.parse(uriText);
    assert.match(uri.path, /\/example\.com%2Fteam%2Fapp:1\.0\.oci-index\.json$/);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.getText(), (await store.fetchBytes(index)).toString('utf8'));
    // Manifold's tag refuses such a name, so a save could not move it: read-only from the start, not a failed save.
    const stat = await vscode.workspace.fs.stat(uri);
    assert.equal(stat.permissions, vscode.FilePermission.Readonly);
    await eventually(async () => {
      const state = f.services.indexEditor?.shownState(uriText);
      assert.equal(state?.readOnly, `Named "${FULL_NAME}", which is not a tag Manifold can move: tag the index to edit it.`);
      assert.deepEqual(state.rows.map((r) => r.platform), ['linux/amd64', 'linux/arm64']);
    });
    // The same name given as arguments (the palette, another extension) is a name too, not a digest.
    const again = vscode.Uri.parse(await run<string>('manifold.openInIndexEditor', { layout: dir, reference: FULL_NAME }));
    assert.equal(again.toString(), uri.toString());
    assert.equal((await store.resolve(FULL_NAME)).digest, index.digest);
  });

  it('Copy Reference on a name that is a full reference gives the digest, which the CLI reads back', async () => {
    const layout = await row(f, undefined, 'odd');
    const named = await row(f, layout.node, FULL_NAME);
    assert.equal(await run<string>('manifold.copyReference', named.node), `${dir}@${index.digest}`);
    const plain = await row(f, layout.node, 'plain');
    assert.equal(await run<string>('manifold.copyReference', plain.node), `${dir}:plain`);
  });
});

describe('Index editor: the tag column of a layout index.json', () => {
  it('refuses a tag the Tag command would refuse, or one another entry has; the text is unchanged', async () => {
    const f = await useFixtures();
    const dir = join(f.workspace, 'layouts', 'retag');
    const store = await OciLayoutStore.open(dir, { create: true });
    await store.tag(await makeImage(store, { os: 'linux', arch: 'amd64' }), 'a');
    await store.tag(await makeImage(store, { os: 'linux', arch: 'arm64' }), 'b');
    const uri = vscode.Uri.file(join(dir, 'index.json'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const before = doc.getText();
    const rowOf = (tag: string) => (JSON.parse(before) as { manifests: Descriptor[] }).manifests.findIndex((m) => m.annotations?.[ANNOTATION_REF_NAME] === tag);
    // A refused command returns undefined (its message is shown, and unit-tested in indexEditorTagEdit); a done one the text.
    const retag = (value: string) => run<string | undefined>('manifold.editIndex', { uri: uri.toString(), edit: { type: 'setAnnotation', row: rowOf('b'), key: ANNOTATION_REF_NAME, value } });
    assert.equal(await retag('x'.repeat(129)), undefined);
    assert.equal(await retag('my tag'), undefined);
    assert.equal(await retag('a'), undefined);
    assert.equal(doc.getText(), before);
    const done = await retag('c');
    assert.equal(done, doc.getText());
    assert.deepEqual((JSON.parse(doc.getText()) as { manifests: Descriptor[] }).manifests.map((m) => m.annotations?.[ANNOTATION_REF_NAME]).sort(), ['a', 'c']);
    await run('workbench.action.files.revert');
    await run('workbench.action.closeAllEditors');
  });
});

describe('Tag and Untag given an empty list of tags (another extension, a script)', () => {
  it('refuse it, changing nothing, rather than reporting a change', async () => {
    const f = await useFixtures();
    const dir = join(f.workspace, 'layouts', 'emptytags');
    const store = await OciLayoutStore.open(dir, { create: true });
    await store.tag(await makeImage(store, { os: 'linux', arch: 'amd64' }), 'a');
    const before = readFileSync(join(dir, 'index.json'), 'utf8');
    for (const tags of [[], '  ', ' , ']) {
      assert.equal(await run('manifold.tag', { layout: dir, reference: 'a', tags, confirmed: true }), undefined, `tag ${JSON.stringify(tags)}`);
      assert.equal(await run('manifold.untag', { layout: dir, tags, confirmed: true }), undefined, `untag ${JSON.stringify(tags)}`);
    }
    assert.equal(readFileSync(join(dir, 'index.json'), 'utf8'), before);
  });
});

describe('Problems panel: a layout whose index.json is a named pipe', () => {
  let dir: string;
  let pipe: string;

  /** Writes to the pipe if someone waits on it: a read stuck on it ends (on this test's bytes) rather than never. */
  const fuse = () => {
    try {
      const fd = openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK);
      writeSync(fd, '{"schemaVersion":3,"manifests":[]}');
      closeSync(fd);
    } catch {
      // nobody reading (ENXIO): nothing stuck
    }
  };

  before(async () => {
    const f = await useFixtures();
    dir = join(f.workspace, 'layouts', 'piped');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    pipe = join(dir, 'index.json');
    execFileSync('mkfifo', [pipe]);
    await run('manifold.refresh');
    await rows(f);
  });

  after(async () => {
    fuse();
    rmSync(dir, { recursive: true, force: true });
    await run('manifold.refresh');
  });

  it('says so at once, naming the file, instead of waiting for a writer forever', async () => {
    const uri = vscode.Uri.file(pipe);
    await eventually(async () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'manifold');
      assert.deepEqual(found.map((d) => d.message), [`${pipe} is a named pipe, not a file: the layout is damaged`]);
    });
  });
});

describe('Problems panel: an index saved with a byte order mark', () => {
  after(async () => {
    await run('workbench.action.closeAllEditors');
  });

  it('says the bytes are not what OCI readers take, though the text reads as JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifold-bom-'));
    const text = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }, null, 2) + '\n';
    const bom = join(dir, 'bom.oci-index.json');
    const plain = join(dir, 'plain.oci-index.json');
    writeFileSync(bom, '\ufeff' + text);
    writeFileSync(plain, text);
    for (const path of [bom, plain]) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path), { preview: false });
    const messages = (path: string) => vscode.languages.getDiagnostics(vscode.Uri.file(path)).filter((d) => d.source === 'manifold').map((d) => d.message);
    await eventually(async () => {
      assert.deepEqual(messages(bom), [
        "this file is saved as UTF-8 with a byte order mark: OCI readers (Go's encoding/json in oras, containerd, registries) take UTF-8 without a byte order mark; change the file's encoding to UTF-8",
      ]);
    });
    assert.deepEqual(messages(plain), []);
  });
});

describe('Sign In given an empty user name or password', () => {
  it('refuses it, storing nothing, even where the registry asks for no credentials', async () => {
    const f = await useFixtures();
    const server = await startOciServer();
    try {
      assert.equal(await run('manifold.addRegistry', { registry: server.host, plainHttp: true }), server.host);
      for (const [username, password] of [['', 'secret'], ['   ', 'secret'], ['alice', '']]) {
        assert.equal(await run('manifold.signIn', { registry: server.host, username, password }), undefined, JSON.stringify([username, password]));
        assert.equal(await f.services.registries.user(server.host), undefined);
      }
      // A name pasted with spaces is the name.
      assert.equal(await run('manifold.signIn', { registry: server.host, username: ' alice ', password: 'secret' }), server.host);
      assert.equal(await f.services.registries.user(server.host), 'alice');
    } finally {
      await run('manifold.signOut', { registry: server.host });
      await run('manifold.removeRegistry', { registry: server.host });
      await server.stop();
    }
  });
});

describe('Export Layout as .tar to a place inside the layout', () => {
  it('is refused for a name that starts with .. and through a link to the layout, writing nothing', async () => {
    await useFixtures(); // the extension, activated
    const dir = mkdtempSync(join(tmpdir(), 'manifold-export-'));
    const layout = join(dir, 'layout');
    const store = await OciLayoutStore.open(layout, { create: true });
    await store.tag(await makeImage(store, { os: 'linux', arch: 'amd64' }), 'a');
    symlinkSync(layout, join(dir, 'alias'));
    for (const file of [join(layout, '..backup.tar'), join(dir, 'alias', 'x.tar')]) {
      assert.equal(await run('manifold.exportLayoutTar', { layout, file }), undefined, file);
    }
    assert.deepEqual(readdirSync(layout).sort(), ['blobs', 'index.json', 'oci-layout']);
    // Beside it is fine, even named with dots.
    const beside = join(dir, '..layout.tar');
    assert.equal((await run<{ file: string }>('manifold.exportLayoutTar', { layout, file: beside }))?.file, beside);
  });
});
