import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import type { CheckOutcome } from '../../../src/extension/commands/checkRun';
import { digestOf } from '../../../src/oci/digest';
import { MediaType } from '../../../src/oci/mediaType';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { makeArtifact, makeImage, newLayout } from '../../unit/builders';

const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand<CheckOutcome | undefined>(id, ...args);

/**
 * Check Repository on a repository whose damaged documents nothing stored lists: a tag's manifest that is not its
 * digest, one that is not text, one after a byte order mark, a referrer that is not its digest, a tag listed that
 * resolves to nothing. Each problem must open on something the user can read: what the registry sent, escaped where
 * it is not text, or what it answered.
 */
describe('Check Repository: damaged roots and referrers', () => {
  let server: OciServer;
  const repository = 'team/received';
  let flipped: Buffer;
  let referrer: string;

  before(async () => {
    const ext = vscode.extensions.getExtension('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    server = await startOciServer();
    await run('manifold.addRegistry', { registry: server.host, plainHttp: true });
    const store = await newLayout();
    const image = await makeImage(store, { arch: 'riscv64' });
    await store.tag(image, 'clean');
    await makeArtifact(store, { subject: image, artifactType: 'application/vnd.example.note', annotations: { note: 'hello' } });
    assert.ok((await vscode.commands.executeCommand<{ digest: string } | undefined>('manifold.copyToRegistry', { layout: store.location, reference: 'clean', to: `${server.host}/${repository}:clean`, referrers: true }))?.digest, 'copyToRegistry copied nothing (see the Manifold log)');
    const repo = server.repo(repository);
    assert.equal(repo.manifests.size, 2, 'the image and its referrer were not copied');
    // A referrer with one byte of its annotation changed: still JSON, still listed, its digest no longer its bytes'.
    for (const [digest, m] of repo.manifests) {
      const text = m.bytes.toString('utf8');
      if (!text.includes('"hello"')) continue;
      referrer = digest;
      repo.manifests.set(digest, { ...m, bytes: Buffer.from(text.replace('"hello"', '"hellp"')) });
    }
    // A tag whose manifest has one byte changed: listed under a digest that is not its bytes'.
    flipped = Buffer.from(repo.manifests.get(image.digest)!.bytes.toString('utf8').replace('"schemaVersion":2', '"schemaVersion":3'));
    repo.manifests.set(digestOf(Buffer.from('claimed')), { mediaType: MediaType.ImageManifest, bytes: flipped });
    repo.tags.set('flipped', digestOf(Buffer.from('claimed')));
    // Tags whose manifests are what they claim, yet not text, or JSON after a byte order mark.
    const binary = gzipSync('not a manifest\n');
    repo.manifests.set(digestOf(binary), { mediaType: MediaType.ImageManifest, bytes: binary });
    repo.tags.set('binary', digestOf(binary));
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), repo.manifests.get(image.digest)!.bytes]);
    repo.manifests.set(digestOf(bom), { mediaType: MediaType.ImageManifest, bytes: bom });
    repo.tags.set('bom', digestOf(bom));
    // A tag the registry lists but whose manifest it does not have.
    repo.tags.set('gone', digestOf(Buffer.from('gone')));
  });

  after(async () => {
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('each problem opens what the registry sent, escaped where it is not text, at its start', async () => {
    const outcome = await run('manifold.checkRepository', { registry: server.host, repository });
    assert.equal(outcome?.summary.split(':')[0], '5 errors in team/received');
    const byTab = new Map(outcome.uris.map((u) => [vscode.Uri.parse(u).path, vscode.Uri.parse(u)]));
    assert.deepEqual([...byTab.keys()].sort(), [`/received/${referrer.slice(7, 19)}.raw.txt`, '/received/binary.raw.txt', '/received/bom.raw.txt', '/received/flipped.raw.txt', '/received/gone.raw.txt'].sort());
    const shown = async (path: string) => {
      const uri = byTab.get(path)!;
      const problems = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'manifold check');
      assert.equal(problems.length, 1, path);
      // What a click in the Problems panel does: the document shown, the problem's range selected.
      const editor = await vscode.window.showTextDocument(uri, { selection: problems[0]!.range });
      return { message: problems[0]!.message, text: editor.document.getText(), selected: editor.document.getText(editor.selection), };
    };

    const binary = await shown('/received/binary.raw.txt');
    assert.match(binary.message, /^binary: invalid JSON at line 1, column 1/);
    assert.ok(binary.text.startsWith('\\x1f\\x8b\\x08'), binary.text);
    assert.equal(binary.selected, '\\');

    const bom = await shown('/received/bom.raw.txt');
    assert.match(bom.message, /^bom: invalid JSON .*byte order mark/);
    // The mark an editor would hide, shown as its bytes.
    assert.ok(bom.text.startsWith('\\xef\\xbb\\xbf{"schemaVersion":2,'), bom.text);

    const changed = await shown('/received/flipped.raw.txt');
    assert.match(changed.message, /^manifest sha256:[0-9a-f]{12}… from [^ ]*\/team\/received:flipped: content has digest sha256:[0-9a-f]{12}…$/);
    assert.equal(changed.text, flipped.toString('utf8'));
    assert.equal(changed.selected, '{');

    const note = await shown(`/received/${referrer.slice(7, 19)}.raw.txt`);
    assert.match(note.message, /^clean > application\/vnd\.example\.note [0-9a-f]{12}: manifest sha256:[0-9a-f]{12}… from [^ ]*\/team\/received@sha256:[0-9a-f]{12}…: content has digest/);
    assert.match(note.text, /"note":"hellp"/);

    // A tag listed that cannot be resolved was in no document at all: now in one that says what the registry answered.
    const gone = await shown('/received/gone.raw.txt');
    assert.match(gone.message, /^the tag is listed but cannot be resolved: [^ ]*\/team\/received:gone: not found$/);
    assert.equal(gone.text, `Nothing was read: ${server.host}/${repository}:gone: not found\n`);
  });
});
