import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { generateDemoLayout } from '../../../scripts/demoLayout';
import type { Descriptor, ImageIndex } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { MediaType } from '../../../src/oci/mediaType';
import { useFixtures, type Fixtures } from './layoutFixtures';

/** Polls until `check` returns something (diagnostics are debounced and computed off the typing path). */
async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'manifold');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
/** `code "underlined text"`, sorted: what a user sees in the Problems panel and the editor. */
const seen = (doc: vscode.TextDocument) => ours(doc.uri).map((d) => `${codeOf(d)} ${doc.getText(d.range)}`).sort();

function waitForCodes(doc: vscode.TextDocument, expected: string[]): Promise<string[]> {
  const want = JSON.stringify([...expected].sort());
  return waitFor(`diagnostics ${want} on ${doc.uri.fsPath}`, () => (JSON.stringify(seen(doc)) === want ? seen(doc) : undefined)).catch((err) => {
    throw new Error(`${(err as Error).message}; have ${JSON.stringify(seen(doc))}`);
  });
}

describe('Diagnostics of OCI documents', () => {
  let f: Fixtures;
  let dir: string;
  let layout: string;
  let index: Descriptor;
  let stored: ImageIndex;

  before(async () => {
    f = await useFixtures();
    // Outside the workspace: the tree tests count the workspace's layouts.
    dir = mkdtempSync(join(tmpdir(), 'manifold-diagnostics-'));
    layout = join(dir, 'layout');
    ({ index } = await generateDemoLayout(layout));
    const store = await OciLayoutStore.open(layout);
    stored = JSON.parse((await store.fetchBytes(index)).toString('utf8'));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function open(name: string, content: string): Promise<vscode.TextDocument> {
    const path = join(dir, name);
    writeFileSync(path, content);
    const doc = await vscode.workspace.openTextDocument(path);
    await vscode.window.showTextDocument(doc);
    return doc;
  }

  it('an invalid manifest: codes, exact ranges and links into the image spec', async () => {
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      config: { mediaType: MediaType.ImageConfig, digest: 'sha256:1234', size: 7 },
      layers: [{ mediaType: MediaType.ImageLayerGzip, digest: `sha256:${'a'.repeat(64)}`, size: '9' }],
      annotations: { 'org.example': 3 },
    };
    const doc = await open('bad.oci-manifest.json', JSON.stringify(manifest, null, 2));
    await waitForCodes(doc, ['invalid-digest "sha256:1234"', 'wrong-type "9"', 'annotation-not-string 3']);
    const digest = ours(doc.uri).find((d) => codeOf(d) === 'invalid-digest')!;
    assert.equal(digest.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(digest.range.start.line, 5);
    assert.match(String((digest.code as { target: vscode.Uri }).target), /^https:\/\/github\.com\/opencontainers\/image-spec\/blob\/v1\.1\.0\/descriptor\.md#digests$/);
  });

  it('an index where a manifest is required, and invalid JSON', async () => {
    const doc = await open('not-a-manifest.oci-manifest.json', JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [] }, null, 2));
    await waitForCodes(doc, ['index-where-manifest-required "schemaVersion"']);
    const broken = await open('broken.oci-index.json', '{\n  "schemaVersion": 2,\n  "manifests": [}\n');
    // In the JSON language VS Code reports the syntax error itself (editorChecks.test.ts): as plain text, Manifold does.
    await waitForCodes(await vscode.languages.setTextDocumentLanguage(broken, 'plaintext'), ['invalid-json }']);
  });

  it('a plain JSON file that is no OCI document gets nothing', async () => {
    const doc = await open('package.json', JSON.stringify({ name: 'x', version: '1.0.0', config: { size: 'big' } }, null, 2));
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(seen(doc), []);
  });

  it('follows typing, and the layout checks find a size that differs from the blob: its quick fix sets it', async () => {
    const doc = await open('layout/edited.oci-index.json', JSON.stringify(stored, null, 2) + '\n');
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(seen(doc), []);
    const editor = await vscode.window.showTextDocument(doc);
    const size = String(stored.manifests[0]!.size);
    const at = doc.getText().indexOf(`"size": ${size}`) + '"size": '.length;
    await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + size.length)), '1234'));
    await waitForCodes(doc, ['size-mismatch 1234']);

    const diagnostic = ours(doc.uri)[0]!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === `Set size to ${size}`);
    assert.ok(fix?.edit, `no quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.getText(), JSON.stringify(stored, null, 2) + '\n');
    await waitForCodes(doc, []);
  });

  it('a missing blob and a platform that contradicts the config, with the platform fix', async () => {
    const wrong = structuredClone(stored);
    wrong.manifests[0]!.platform = { architecture: 'arm64', os: 'linux' };
    wrong.manifests[1]!.digest = `sha256:${'e'.repeat(64)}`;
    const doc = await open('layout/wrong.oci-index.json', JSON.stringify(wrong, null, 2));
    // manifests[0] now claims linux/arm64 as manifests[1] does: that is a duplicate platform too, until fixed.
    await waitForCodes(doc, ['blob-missing "sha256:' + 'e'.repeat(64) + '"', 'duplicate-platform "platform"', 'platform-mismatch "platform"']);
    const platform = ours(doc.uri).find((d) => codeOf(d) === 'platform-mismatch')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, platform.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title.startsWith('Set platform to linux/amd64'));
    assert.ok(fix?.edit, `no platform fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.deepEqual(JSON.parse(doc.getText()).manifests[0].platform, { architecture: 'amd64', os: 'linux' });
    await waitForCodes(doc, ['blob-missing "sha256:' + 'e'.repeat(64) + '"']);
  });

  it('a layout\'s index.json in the workspace is checked without being opened', async () => {
    const uri = vscode.Uri.file(join(f.broken, 'index.json'));
    const found = await waitFor('diagnostics of the broken layout', () => (ours(uri).length > 0 ? ours(uri) : undefined));
    assert.deepEqual(found.map(codeOf), ['invalid-json']);
    assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), false);
  });
});
