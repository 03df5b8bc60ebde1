import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CheckOutcome } from '../../../src/extension/commands/checkRun';
import { startMisbehavingRegistry, type MisbehavingRegistry } from '../../helpers/misbehavingRegistry';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { makeImage, newLayout } from '../../unit/builders';

const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand<CheckOutcome | undefined>(id, ...args);

/**
 * Check Repository on a registry that cuts a tag's manifest off part way, every time: the problem opens on what
 * did arrive, with a note saying where the read stopped and why, so a user sees it is not the whole document.
 */
describe('Check Repository: a manifest cut off part way', () => {
  let server: OciServer;
  let proxy: MisbehavingRegistry;
  const repository = 'team/cut';
  let sent: Buffer;

  before(async () => {
    const ext = vscode.extensions.getExtension('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    server = await startOciServer();
    proxy = await startMisbehavingRegistry(server.url);
    const store = await newLayout();
    const image = await makeImage(store, { arch: 's390x' });
    await store.tag(image, 'v1');
    // Only the manifest is served: the check stops at it.
    sent = readFileSync(join(store.location, 'blobs', 'sha256', image.digest.slice(7)));
    server.repo(repository).manifests.set(image.digest, { mediaType: image.mediaType, bytes: sent });
    server.repo(repository).tags.set('v1', image.digest);
    assert.ok(sent.length > 200, 'the manifest is too small to cut');
    // Every GET of the manifest: its whole length announced, its first 100 bytes sent, then the connection closed.
    proxy.misbehave([
      {
        method: 'GET',
        path: new RegExp(`^/v2/${repository}/manifests/`),
        act: async ({ res, upstream }) => {
          const answer = await upstream();
          res.writeHead(answer.status, { 'content-type': String(answer.headers['content-type']), 'docker-content-digest': String(answer.headers['docker-content-digest']), 'content-length': String(answer.body.length) });
          res.write(answer.body.subarray(0, 100), () => setTimeout(() => res.socket?.destroy(), 50));
        },
      },
    ]);
    await run('manifold.addRegistry', { registry: proxy.host, plainHttp: true });
  });

  after(async () => {
    await run('manifold.removeRegistry', { registry: proxy.host });
    await proxy.stop();
    await server.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens the bytes that arrived, and says where the read stopped', async () => {
    const outcome = await run('manifold.checkRepository', { registry: proxy.host, repository });
    assert.ok(outcome, 'the check gave no outcome');
    assert.equal(outcome.uris.length, 1, JSON.stringify(outcome));
    const uri = vscode.Uri.parse(outcome.uris[0]!);
    assert.equal(uri.path, '/cut/v1.raw.txt');
    const problems = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'manifold check');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /^v1: /);
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    // The first 100 bytes as they are, then the note: after 100 bytes, and the reason the read gave.
    assert.ok(text.startsWith(sent.subarray(0, 100).toString('utf8')), text);
    assert.match(text.slice(100), /^\n\[the read stopped after 100 bytes: .+\]\n$/);
  });
});
