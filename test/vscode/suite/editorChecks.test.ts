// Issue 15, items 4, 5, 7 and 10 in the extension host: duplicate entries warned with a quick fix, invalid JSON
// reported once (VS Code's JSON language or ours), the formatted read-only view of a stored index, a merge that
// asks about what the index already lists, an annotation renamed in one edit.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'manifold');
const theirs = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source !== 'manifold');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const seen = (doc: vscode.TextDocument) => ours(doc.uri).map((d) => `${codeOf(d)} ${doc.getText(d.range)}`).sort();

describe('Index editor and diagnostics (issue 15)', () => {
  let dir: string;
  let layout: string;
  let store: OciLayoutStore;
  let index: Descriptor;
  let images: Descriptor[];
  let stored: ImageIndex;
  let autoSave: string | undefined;

  before(async () => {
    const files = vscode.workspace.getConfiguration('files');
    autoSave = files.inspect<string>('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    dir = mkdtempSync(join(tmpdir(), 'manifold-editor-checks-'));
    layout = join(dir, 'layout');
    ({ index, images } = await generateDemoLayout(layout));
    store = await OciLayoutStore.open(layout);
    stored = JSON.parse((await store.fetchBytes(index)).toString('utf8')) as ImageIndex;
  });

  after(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', autoSave, vscode.ConfigurationTarget.Global);
  });

  afterEach(async () => {
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
      await vscode.window.showTextDocument(doc).then(undefined, () => undefined);
      await run('workbench.action.files.revert').then(undefined, () => undefined);
    }
    await run('workbench.action.closeAllEditors');
  });

  async function open(name: string, content: string, languageId?: string): Promise<vscode.TextDocument> {
    const path = join(layout, name);
    writeFileSync(path, content);
    let doc = await vscode.workspace.openTextDocument(path);
    if (languageId) doc = await vscode.languages.setTextDocumentLanguage(doc, languageId);
    await vscode.window.showTextDocument(doc);
    return doc;
  }

  it('warns about a digest and a platform listed twice, at the later entry; the quick fix removes that entry', async () => {
    const [amd64, arm64] = stored.manifests as [Descriptor, Descriptor];
    const doc = await open('dup.oci-index.json', JSON.stringify({ ...stored, manifests: [amd64, arm64, amd64] }, null, 2) + '\n');
    await eventually(async () => assert.deepEqual(seen(doc), [`duplicate-digest "${amd64.digest}"`]));
    const [warning] = ours(doc.uri);
    assert.equal(warning!.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(warning!.message, /manifests\[2\] lists sha256:[0-9a-f]{12} again \(as manifests\[0\] does\)/);
    const actions = await run<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, warning!.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Remove the duplicate entry manifests[2]');
    assert.ok(fix?.edit, `no fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.getText(), JSON.stringify(stored, null, 2) + '\n');
    await eventually(async () => assert.deepEqual(seen(doc), []));

    // Another image for linux/amd64: a platform listed twice.
    const other = { ...arm64, platform: amd64.platform };
    const twice = await open('dup-platform.oci-index.json', JSON.stringify({ ...stored, manifests: [amd64, other] }, null, 2) + '\n');
    await eventually(async () => assert.ok(seen(twice).includes('duplicate-platform "platform"'), JSON.stringify(seen(twice))));
  });

  it('a child listed under another flavor of its type: a warning; under the other kind: an error; the quick fix sets what the child declares', async () => {
    const [amd64, arm64] = stored.manifests as [Descriptor, Descriptor];
    const manifests = [{ ...amd64, mediaType: MediaType.DockerManifest }, { ...arm64, mediaType: MediaType.ImageIndex }];
    const doc = await open('flavor.oci-index.json', JSON.stringify({ ...stored, manifests }, null, 2) + '\n');
    await eventually(async () => assert.deepEqual(seen(doc), [`blob-media-type-flavor "${MediaType.DockerManifest}"`, `blob-media-type-mismatch "${MediaType.ImageIndex}"`]));
    const flavor = ours(doc.uri).find((d) => codeOf(d) === 'blob-media-type-flavor')!;
    const kind = ours(doc.uri).find((d) => codeOf(d) === 'blob-media-type-mismatch')!;
    assert.deepEqual([flavor.severity, kind.severity], [vscode.DiagnosticSeverity.Warning, vscode.DiagnosticSeverity.Error]);
    assert.equal(flavor.message, `mediaType ${MediaType.DockerManifest} differs from the ${MediaType.ImageManifest} that ${amd64.digest} declares: both name an image manifest and its bytes are right, but a client that trusts this descriptor may refuse the document`);
    assert.equal(kind.message, `mediaType ${MediaType.ImageIndex} names an image index, but ${arm64.digest} is an image manifest (it declares ${MediaType.ImageManifest}): a client reads it as the wrong kind of document`);
    // A fix is offered on the diagnostics of the document's current version: each one once they are renewed.
    const fixOf = (code: string) =>
      eventually(async () => {
        const d = ours(doc.uri).find((x) => codeOf(x) === code);
        assert.ok(d, JSON.stringify(seen(doc)));
        const actions = await run<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
        const fix = actions.find((a) => a.title === `Set mediaType to ${MediaType.ImageManifest}`);
        assert.ok(fix?.edit, `no fix among ${JSON.stringify(actions.map((a) => a.title))}`);
        assert.ok(await vscode.workspace.applyEdit(fix.edit));
      });
    await fixOf('blob-media-type-mismatch');
    await eventually(async () => assert.deepEqual(seen(doc), [`blob-media-type-flavor "${MediaType.DockerManifest}"`]));
    await fixOf('blob-media-type-flavor');
    assert.equal(doc.getText(), JSON.stringify(stored, null, 2) + '\n');
    await eventually(async () => assert.deepEqual(seen(doc), []));
  });

  it('invalid JSON is reported once: by VS Code in a JSON document, by Manifold where VS Code says nothing', async () => {
    const broken = '{\n  "schemaVersion": 2,\n  "manifests": [}\n';
    const doc = await open('broken-once.oci-index.json', broken);
    assert.equal(doc.languageId, 'json');
    // VS Code's JSON language reports it...
    await eventually(async () => assert.ok(theirs(doc.uri).length > 0, 'VS Code reports nothing'), 20_000);
    // ...and ours does not repeat it (the document is still checked: it is recognized as an index by its name).
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(seen(doc), []);
    // The same text as plain text: VS Code is silent, so Manifold says it.
    const plain = await vscode.languages.setTextDocumentLanguage(doc, 'plaintext');
    await eventually(async () => assert.deepEqual(seen(plain), ['invalid-json }']));
    // JSON with Comments: VS Code accepts comments, an OCI document may not have them.
    const commented = await open('commented.oci-index.json', `// made by hand\n${JSON.stringify(stored, null, 2)}\n`, 'jsonc');
    await eventually(async () => assert.deepEqual(seen(commented), ['invalid-json /']));
  });

  it('the formatted read-only view of a stored index follows the document, and is checked with real line numbers', async () => {
    const tag = 'checks-formatted';
    await store.tag(index, tag);
    const uri = vscode.Uri.parse(await run<string>('manifold.openInIndexEditor', { layout, reference: tag }));
    const doc = await vscode.workspace.openTextDocument(uri);
    const view = await vscode.workspace.openTextDocument(uri.with({ scheme: 'manifold-index-text' }));
    assert.equal(view.getText(), JSON.stringify(stored, null, 2) + '\n');

    // A manifest added a second time (unsaved): the view shows it, and the warning sits on its own line there.
    await run('manifold.addToIndex', { uri: uri.toString(), references: ['linux-amd64'] });
    assert.equal((JSON.parse(doc.getText()) as ImageIndex).manifests.length, 3);
    await eventually(async () => assert.equal((JSON.parse(view.getText()) as ImageIndex).manifests.length, 3));
    await eventually(async () => {
      const dup = ours(view.uri).find((d) => codeOf(d) === 'duplicate-digest');
      assert.ok(dup, JSON.stringify(seen(view)));
      assert.ok(dup.range.start.line > 10, `line ${dup.range.start.line}`);
      assert.equal(view.getText(dup.range), `"${images[0]!.digest}"`);
    });
  });

  it('the editor says when only the formatting differs from the stored index (the digest would change)', async () => {
    const tag = 'checks-formatting';
    await store.tag(index, tag);
    const uriText = await run<string>('manifold.openInIndexEditor', { layout, reference: tag });
    const uri = vscode.Uri.parse(uriText);
    const doc = await vscode.workspace.openTextDocument(uri);
    const services = (await vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold')!.activate()).services;
    const shown = () => services.indexEditor?.shownState(uriText);
    await eventually(async () => assert.equal(shown()?.savedDigest, index.digest));
    assert.equal(shown()?.formattingOnly, false);
    const replace = async (text: string) => {
      const e = new vscode.WorkspaceEdit();
      e.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
      assert.ok(await vscode.workspace.applyEdit(e));
    };
    await replace(JSON.stringify(stored, null, 2));
    await eventually(async () => assert.deepEqual([shown()?.dirty, shown()?.formattingOnly, shown()?.digest], [true, true, digestOf(Buffer.from(doc.getText()))]));
    // A real change is not "only formatting".
    await replace(JSON.stringify({ ...stored, annotations: { a: 'b' } }, null, 2));
    await eventually(async () => assert.deepEqual([shown()?.dirty, shown()?.formattingOnly], [true, false]));
  });

  it('an annotation renamed in the table is one edit: old key gone, new key with its value', async () => {
    const file = join(layout, `rename-${Date.now()}.oci-index.json`);
    const text = JSON.stringify({ ...stored, annotations: { description: 'Demo app' } }, null, 2) + '\n';
    writeFileSync(file, text);
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const after = await run<string>('manifold.editIndex', {
      uri: uri.toString(),
      edit: { type: 'setAnnotation', key: 'org.opencontainers.image.description', value: 'Demo app v2', replaces: 'description' },
    });
    assert.deepEqual((JSON.parse(after) as ImageIndex).annotations, { 'org.opencontainers.image.description': 'Demo app v2' });
    await run('undo');
    assert.equal(doc.getText(), text);
  });

  it('a merge of manifests the index already lists: left out when asked to, appended as oras does otherwise', async () => {
    await store.tag(index, 'merge-base');
    await store.tag(index, 'merge-keep');
    // Merging v1 into an index of the same two images.
    await run('manifold.updateIndex', { layout, index: 'merge-base', merge: ['v1'], duplicates: 'skip', referrers: 'leave' });
    const withoutThem = JSON.parse((await store.fetchBytes(await store.resolve('merge-base'))).toString('utf8')) as ImageIndex;
    assert.deepEqual(withoutThem.manifests.map((m) => m.digest), images.map((i) => i.digest));
    await run('manifold.updateIndex', { layout, index: 'merge-keep', merge: ['v1'], duplicates: 'keep', referrers: 'leave' });
    const all = JSON.parse((await store.fetchBytes(await store.resolve('merge-keep'))).toString('utf8')) as ImageIndex;
    assert.deepEqual(all.manifests.map((m) => m.digest), [...images, ...images].map((i) => i.digest));
  });
});
