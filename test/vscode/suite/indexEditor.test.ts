import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { generateDemoLayout } from '../../../scripts/demoLayout';
import type { Descriptor, ImageIndex } from '../../../src/oci/descriptor';
import { digestOf } from '../../../src/oci/digest';
import { OciLayoutStore } from '../../../src/oci/layout';
import { MediaType } from '../../../src/oci/mediaType';
import type { Services } from '../../../src/extension/services';
import { eventually } from './layoutFixtures';

const VIEW_TYPE = 'manifold.indexEditor';
const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

/** The custom editor tab showing `uri`, if any. */
function indexEditorTab(uri: vscode.Uri): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === VIEW_TYPE && t.input.uri.toString() === uri.toString());
}

async function documentOf(uri: vscode.Uri): Promise<vscode.TextDocument> {
  return vscode.workspace.openTextDocument(uri);
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** What the index editor last showed for `uri`: its digest, whether unsaved, and the saved digest. */
async function shownState(uri: vscode.Uri, expected: { digest: string; dirty: boolean; savedDigest: string }, what: string): Promise<void> {
  const services = (await vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold')!.activate()).services;
  await eventually(async () => {
    const state = services.indexEditor?.shownState(uri.toString());
    assert.deepEqual(state && { digest: state.digest, dirty: state.dirty, savedDigest: state.savedDigest }, expected, what);
  });
}

// (The suite bundle cannot take jsonc-parser, so the core model is not imported here: the JSON is read back instead.)
const entries = (text: string) => (JSON.parse(text) as ImageIndex).manifests;
const pretty = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

describe('Index editor', () => {
  let dir: string;
  let layout: string;
  let store: OciLayoutStore;
  let index: Descriptor;
  let images: Descriptor[];
  let stored: string;

  let autoSave: string | undefined;

  before(async () => {
    // VS Code for the web saves after a delay by default: these tests say when to save.
    const files = vscode.workspace.getConfiguration('files');
    autoSave = files.inspect<string>('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    // Outside the workspace folder: the tree tests count the workspace's layouts.
    dir = mkdtempSync(join(tmpdir(), 'manifold-index-editor-'));
    layout = join(dir, 'layout');
    ({ index, images } = await generateDemoLayout(layout));
    store = await OciLayoutStore.open(layout);
    stored = (await store.fetchBytes(index)).toString('utf8');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', autoSave, vscode.ConfigurationTarget.Global);
  });

  afterEach(async () => {
    // Closing a dirty editor would ask whether to save: revert what the test changed first.
    await run('workbench.action.files.revert').then(undefined, () => undefined);
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
      await vscode.window.showTextDocument(doc);
      await run('workbench.action.files.revert');
    }
    await run('workbench.action.closeAllEditors');
  });

  describe('a JSON file', () => {
    let uri: vscode.Uri;
    let text: string;

    beforeEach(async () => {
      text = JSON.stringify(JSON.parse(stored), null, 2) + '\n';
      const file = join(layout, `edited-${Date.now()}.json`);
      writeFileSync(file, text);
      uri = vscode.Uri.file(file);
      await run('vscode.openWith', uri, VIEW_TYPE);
    });

    it('opens with vscode.openWith as a custom editor over the text document', async () => {
      assert.ok(indexEditorTab(uri), 'no index editor tab');
      const doc = await documentOf(uri);
      assert.equal(doc.getText(), text);
      assert.equal(entries(doc.getText()).length, 2);
    });

    it('each table edit is a text edit in the document\'s style: the text stays as JSON.stringify would indent it', async () => {
      const doc = await documentOf(uri);
      const value = JSON.parse(text) as ImageIndex;
      const [a, b] = value.manifests as [Descriptor, Descriptor];
      const steps: Array<[object, () => void]> = [
        [{ type: 'setAnnotation', key: 'org.opencontainers.image.version', value: '1.0' }, () => (value.annotations = { 'org.opencontainers.image.version': '1.0' })],
        [{ type: 'setPlatform', row: 1, text: 'linux/arm64/v8' }, () => (b.platform = { architecture: 'arm64', os: 'linux', variant: 'v8' })],
        // A new field goes where the spec's field order puts it: annotations before platform.
        [{ type: 'setAnnotation', row: 0, key: 'stage', value: 'beta & more' }, () => (value.manifests[0] = { mediaType: a.mediaType, digest: a.digest, size: a.size, annotations: { stage: 'beta & more' }, platform: a.platform })],
        [{ type: 'moveRow', from: 0, to: 1 }, () => value.manifests.reverse()],
        [{ type: 'removeAnnotation', row: 1, key: 'stage' }, () => delete value.manifests[1]!.annotations],
        [{ type: 'removeRow', row: 0 }, () => value.manifests.shift()],
      ];
      for (const [edit, change] of steps) {
        const after = await run<string>('manifold.editIndex', { uri: uri.toString(), edit });
        change();
        assert.equal(after, pretty(value), `after ${JSON.stringify(edit)}`);
        assert.equal(doc.getText(), after);
      }
      assert.equal(doc.isDirty, true);
      assert.deepEqual(entries(doc.getText()).map((m) => m.digest), [images[0]!.digest]);
    });

    it('an edit is one undo step, and the table\'s source of truth is the text', async () => {
      const doc = await documentOf(uri);
      await run('manifold.editIndex', { uri: uri.toString(), edit: { type: 'removeRow', row: 1 } });
      assert.equal(entries(doc.getText()).length, 1);
      await run('undo');
      assert.equal(doc.getText(), text);
      assert.equal(entries(doc.getText()).length, 2);
    });

    it('adds a manifest from the layout\'s tags with the platform from its config', async () => {
      const doc = await documentOf(uri);
      const added = await run<Descriptor[]>('manifold.addToIndex', { uri: uri.toString(), references: ['linux-amd64'] });
      assert.equal(added.length, 1);
      const rows = entries(doc.getText());
      assert.equal(rows.length, 3);
      assert.deepEqual([rows[2]!.digest, rows[2]!.platform], [images[0]!.digest, { architecture: 'amd64', os: 'linux' }]);
      // Added in the document's own style: indented like its neighbours.
      assert.match(doc.getText(), /\n {4}\{\n {6}"mediaType": "application\/vnd\.oci\.image\.manifest\.v1\+json",\n/);
    });

    it('a file: the saved digest is the digest of its bytes on disk, whatever was typed since', async () => {
      const doc = await documentOf(uri);
      const services = (await vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold')!.activate()).services;
      const onDisk = digestOf(Buffer.from(text));
      const shown = async (expected: { digest: string; dirty: boolean; savedDigest: string }, what: string) =>
        eventually(async () => {
          const state = services.indexEditor?.shownState(uri.toString());
          assert.deepEqual(state && { digest: state.digest, dirty: state.dirty, savedDigest: state.savedDigest }, expected, what);
        });
      await shown({ digest: onDisk, dirty: false, savedDigest: onDisk }, 'as opened');
      await run('manifold.editIndex', { uri: uri.toString(), edit: { type: 'removeRow', row: 0 } });
      await shown({ digest: digestOf(Buffer.from(doc.getText())), dirty: true, savedDigest: onDisk }, 'after removing a row');
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await shown({ digest: onDisk, dirty: false, savedDigest: onDisk }, 'after putting it back');
    });

    it('a file saved with a byte order mark: not unsaved as opened, its digest that of its bytes, mark and all', async () => {
      const bytes = Buffer.concat([BOM, Buffer.from(text)]);
      const file = join(layout, `bom-${Date.now()}.json`);
      writeFileSync(file, bytes);
      const bomUri = vscode.Uri.file(file);
      await run('vscode.openWith', bomUri, VIEW_TYPE);
      const doc = await documentOf(bomUri);
      assert.equal(doc.encoding, 'utf8bom');
      const onDisk = digestOf(bytes);
      await shownState(bomUri, { digest: onDisk, dirty: false, savedDigest: onDisk }, 'as opened');
      await run('manifold.editIndex', { uri: bomUri.toString(), edit: { type: 'removeRow', row: 0 } });
      const edited = Buffer.concat([BOM, Buffer.from(doc.getText())]);
      await shownState(bomUri, { digest: digestOf(edited), dirty: true, savedDigest: onDisk }, 'after removing a row');
      assert.ok(await doc.save());
      assert.deepEqual(readFileSync(file), edited);
      await shownState(bomUri, { digest: digestOf(edited), dirty: false, savedDigest: digestOf(edited) }, 'after saving');
    });

    it('saving a plain file just saves the file', async () => {
      const doc = await documentOf(uri);
      await run('manifold.editIndex', { uri: uri.toString(), edit: { type: 'setAnnotation', key: 'a', value: 'b' } });
      assert.ok(await doc.save());
      assert.equal(doc.isDirty, false);
      assert.equal((await vscode.workspace.fs.readFile(uri)).toString(), doc.getText());
      assert.equal((await store.resolve('v1')).digest, index.digest);
    });
  });

  describe('a stored index', () => {
    it('openInIndexEditor opens the tagged index with its stored bytes; save stores a new index and moves the tag', async () => {
      const tag = 'editor-save';
      await store.tag(index, tag);
      const uriText = await run<string>('manifold.openInIndexEditor', { layout, reference: tag });
      const uri = vscode.Uri.parse(uriText);
      assert.equal(uri.scheme, 'manifold-index');
      assert.ok(indexEditorTab(uri));
      const doc = await documentOf(uri);
      assert.equal(doc.getText(), stored);
      assert.equal(digestOf(Buffer.from(doc.getText())), index.digest);

      await run('manifold.editIndex', { uri: uriText, edit: { type: 'setAnnotation', key: 'stage', value: 'beta' } });
      const text = doc.getText();
      // The stored index is compact (as oras writes it): so is the edit.
      assert.equal(text, stored.replace(/\}$/, ',"annotations":{"stage":"beta"}}'));
      assert.ok(await doc.save(), 'save failed (see the Manifold log)');
      const moved = await store.resolve(tag);
      assert.equal(moved.digest, digestOf(Buffer.from(text)));
      assert.equal(moved.mediaType, MediaType.ImageIndex);
      // The old index stays, by digest; the other tag did not move.
      assert.equal((await store.fetchBytes(index)).toString(), stored);
      assert.equal((await store.resolve('v1')).digest, index.digest);
      assert.equal(doc.isDirty, false);
    });

    it('an index whose child is not in the layout is not stored', async () => {
      const tag = 'editor-missing';
      await store.tag(index, tag);
      const uri = vscode.Uri.parse(await run<string>('manifold.openInIndexEditor', { layout, reference: tag }));
      const doc = await documentOf(uri);
      const missing = `sha256:${'e'.repeat(64)}`;
      await run('manifold.addToIndex', { uri: uri.toString(), references: ['linux-arm64'] });
      const edit = new vscode.WorkspaceEdit();
      const at = doc.getText().lastIndexOf(images[1]!.digest);
      edit.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + images[1]!.digest.length)), missing);
      assert.ok(await vscode.workspace.applyEdit(edit));
      // The diagnostics say so before any save is tried: the stored index's layout is known.
      const end = Date.now() + 10_000;
      const missingBlob = () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'manifold' && (d.code as { value: string }).value === 'blob-missing');
      while (!missingBlob() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      assert.equal(doc.getText(missingBlob()?.range), `"${missing}"`);
      assert.equal(await doc.save(), false);
      assert.equal((await store.resolve(tag)).digest, index.digest);
      // What a failed save says is in the editor's words: no error class, no "(unsaved)", the tag and its digest.
      // (Through the provider itself: vscode.workspace.fs hands an extension only the error's code and the URI.)
      const services = (await vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold')!.activate()).services;
      const save = (text: string) =>
        Promise.resolve(services.storedIndexes!.writeFile(uri, Buffer.from(text), { create: false, overwrite: true })).then(
          () => '',
          (err: Error) => String(err), // what VS Code puts in "Unable to write file '...' (...)"
        );
      const still = `${tag} still names ${index.digest.slice(7, 19)}\\.$`;
      const said = await save('{"schemaVersion":2}');
      assert.match(said, new RegExp(`^The index cannot be saved: document has neither manifests .*\\. ${still}`), said);
      assert.doesNotMatch(said, /OciError|unsaved|is not a manifest or an index/, said);
      // An entry without a digest is named by its place in the document.
      const entries = JSON.parse(doc.getText()) as { manifests: Record<string, unknown>[] };
      delete entries.manifests[2]!.digest;
      const noDigest = await save(JSON.stringify(entries));
      assert.match(noDigest, new RegExp(`^The index cannot be saved: manifests\\[2\\]\\.digest: digest is required\\. ${still}`), noDigest);
      const missingSaid = await save(doc.getText());
      assert.match(missingSaid, new RegExp(`^The index cannot be saved: the layout does not hold manifests\\[2\\] \\(eeeeeeeeeeee\\)\\. ${still}`), missingSaid);
      assert.equal((await store.resolve(tag)).digest, index.digest);
    });

    it('shows the digest of what is stored: unsaved only while the text differs, after remove, re-add and formatting', async () => {
      const tag = 'editor-digest';
      await store.tag(index, tag);
      const uriText = await run<string>('manifold.openInIndexEditor', { layout, reference: tag });
      const uri = vscode.Uri.parse(uriText);
      const doc = await documentOf(uri);
      const services = (await vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold')!.activate()).services;
      const shown = async (expected: { digest: string; dirty: boolean; savedDigest: string }, what: string) =>
        eventually(async () => {
          const state = services.indexEditor?.shownState(uriText);
          assert.deepEqual(state && { digest: state.digest, dirty: state.dirty, savedDigest: state.savedDigest }, expected, what);
        });
      const replaceText = async (text: string) => {
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
        assert.ok(await vscode.workspace.applyEdit(edit));
      };
      const digestOfText = () => digestOf(Buffer.from(doc.getText()));
      await shown({ digest: index.digest, dirty: false, savedDigest: index.digest }, 'as opened');

      // Remove an entry: the saved digest is still the tag's, not the edited text's.
      await run('manifold.editIndex', { uri: uriText, edit: { type: 'removeRow', row: 1 } });
      await shown({ digest: digestOfText(), dirty: true, savedDigest: index.digest }, 'after removing a row');
      // Put it back (a new edit, not an undo: VS Code still calls the document dirty): the text is what is stored again.
      await replaceText(stored);
      assert.equal(doc.isDirty, true);
      await shown({ digest: index.digest, dirty: false, savedDigest: index.digest }, 'after adding it back');

      // Formatting changes the bytes, so the digest: unsaved until saved, then the tag names the formatted index.
      await replaceText(JSON.stringify(JSON.parse(stored), null, 3));
      const formatted = digestOfText();
      await shown({ digest: formatted, dirty: true, savedDigest: index.digest }, 'after formatting');
      assert.ok(await doc.save(), 'save failed (see the Manifold log)');
      assert.equal((await store.resolve(tag)).digest, formatted);
      await shown({ digest: formatted, dirty: false, savedDigest: formatted }, 'after saving');
      await store.tag(index, tag);
    });

    it('a stored index whose bytes start with a byte order mark opens as saved, not unsaved', async () => {
      const bytes = Buffer.concat([BOM, Buffer.from(stored)]);
      const desc = { mediaType: MediaType.ImageIndex, digest: digestOf(bytes), size: bytes.length };
      // Another tool's bytes: written into the layout directly (Manifold stores no such index).
      writeFileSync(join(layout, 'blobs', 'sha256', desc.digest.slice(7)), bytes);
      const indexFile = join(layout, 'index.json');
      const listing = JSON.parse(readFileSync(indexFile, 'utf8')) as ImageIndex;
      listing.manifests.push({ ...desc, annotations: { 'org.opencontainers.image.ref.name': 'with-bom' } });
      writeFileSync(indexFile, JSON.stringify(listing));
      const uri = vscode.Uri.parse(await run<string>('manifold.openInIndexEditor', { layout, reference: 'with-bom' }));
      const doc = await documentOf(uri);
      assert.equal(doc.encoding, 'utf8bom');
      await shownState(uri, { digest: desc.digest, dirty: false, savedDigest: desc.digest }, 'as opened');
    });

    it('an index opened by digest is read-only', async () => {
      const uri = vscode.Uri.parse(await run<string>('manifold.openInIndexEditor', { layout, reference: index.digest }));
      const stat = await vscode.workspace.fs.stat(uri);
      assert.equal(stat.permissions, vscode.FilePermission.Readonly);
      const doc = await documentOf(uri);
      assert.equal(doc.getText(), stored);
    });
  });
});
