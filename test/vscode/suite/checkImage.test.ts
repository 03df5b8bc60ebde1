import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import type { CheckOutcome } from '../../../src/extension/commands/checkRun';
import type { Services } from '../../../src/extension/services';
import type { Descriptor } from '../../../src/oci/descriptor';
import { digestOf } from '../../../src/oci/digest';
import type { OciLayoutStore } from '../../../src/oci/layout';
import { MediaType } from '../../../src/oci/mediaType';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { makeArtifact, makeImage, makeIndex, newLayout, pushBlob, pushManifest } from '../../unit/builders';

const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand<CheckOutcome | undefined>(id, ...args);
const short = (digest: string) => digest.slice(7, 19);

/** The diagnostics VS Code holds for `uri` from the check (not the live checks of open documents), as a user reads them. */
async function held(uri: vscode.Uri): Promise<Array<{ severity: string; message: string; text: string; code: string }>> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'manifold check')
    .map((d) => ({
      severity: vscode.DiagnosticSeverity[d.severity],
      message: d.message,
      text: doc.getText(d.range),
      code: typeof d.code === 'object' ? String(d.code.value) : String(d.code),
    }));
}

/**
 * "Check Image" and "Check Layout" on a layout with damage a release check must catch: a byte of linux/arm64/v8's
 * layer flipped, an image whose config lacks `os`, an index.json entry with a broken digest. Each problem is
 * asserted where VS Code holds it: the read-only document of its manifest or config, the range of its JSON path.
 */
describe('Check Image and Check Layout', () => {
  let services: Services;
  let store: OciLayoutStore;
  let layout: string;
  let arm64: Descriptor;
  let layerFile: string;
  let layerBytes: Buffer;
  let noOsConfig: Descriptor;
  let damaged: Descriptor;
  const ref = () => ({ kind: 'layout' as const, path: layout });

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    ({ services } = await ext.activate());
    // Outside the workspace folder: the tree tests count the workspace's layouts.
    store = await newLayout();
    layout = store.location;
    const amd64 = await makeImage(store, { arch: 'amd64' });
    arm64 = await makeImage(store, { arch: 'arm64', variant: 'v8' });
    await store.tag(await makeIndex(store, [amd64, arm64]), 'v1');
    await store.tag(await makeImage(store, { arch: 'riscv64' }), 'clean');
    const layer = await pushBlob(store, 'layer of no-os\n', MediaType.ImageLayer);
    noOsConfig = await pushBlob(store, JSON.stringify({ architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [layer.digest] } }), MediaType.ImageConfig);
    await store.tag(await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.ImageManifest, config: noOsConfig, layers: [layer] }), 'no-os');
    damaged = await makeImage(store, { arch: 'ppc64le' });
    await store.tag(damaged, 'damaged');
    const manifestFile = join(layout, 'blobs', 'sha256', damaged.digest.slice(7));
    const manifestBytes = readFileSync(manifestFile);
    manifestBytes[manifestBytes.length - 2]! ^= 1;
    writeFileSync(manifestFile, manifestBytes);
    const manifest = JSON.parse((await store.fetchBytes(arm64)).toString('utf8')) as { layers: Descriptor[] };
    layerFile = join(layout, 'blobs', 'sha256', manifest.layers[0]!.digest.slice(7));
    layerBytes = readFileSync(layerFile);
    const flipped = Buffer.from(layerBytes);
    flipped[0]! ^= 1;
    writeFileSync(layerFile, flipped);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("puts a layer whose bytes do not match on its platform's manifest, at that layer's digest", async () => {
    const outcome = await run('manifold.checkImage', { layout, reference: 'v1' });
    assert.ok(outcome, 'the command returned nothing (see the Manifold log)');
    assert.equal(outcome.summary, '1 error in v1');
    const uri = services.documents.uri('manifest', ref(), arm64, short(arm64.digest));
    assert.deepEqual(outcome.uris, [uri.toString()]);
    const layerDigest = `sha256:${basename(layerFile)}`;
    const [d, ...more] = await held(uri);
    assert.deepEqual(more, []);
    assert.ok(d, 'no diagnostic on the linux/arm64/v8 manifest');
    assert.equal(d.severity, 'Error');
    assert.equal(d.code, 'blob-unreadable');
    assert.equal(d.text, JSON.stringify(layerDigest)); // layers[0], marked by its digest
    assert.ok(d.message.startsWith('v1 > linux/arm64/v8: '), d.message);
    assert.match(d.message, /digest/);
  });

  it("puts a config's missing os on the config's document; the results of v1 stay", async () => {
    const outcome = await run('manifold.checkImage', { layout, reference: 'no-os' });
    assert.equal(outcome?.summary, '1 error in no-os');
    const uri = services.documents.uri('blob', ref(), noOsConfig, 'no-os-config');
    assert.deepEqual(outcome.uris, [uri.toString()]);
    const found = await held(uri);
    // A field that is missing is marked at the object that lacks it: its first key.
    assert.deepEqual(found, [{ severity: 'Error', code: 'missing-field', text: '"architecture"', message: 'no-os > config: os is required: a runtime cannot tell which machines can run this image' }]);
    assert.equal((await held(services.documents.uri('manifest', ref(), arm64, short(arm64.digest)))).length, 1, "v1's result is gone");
  });

  it('a click on the problem opens its document at that place', async () => {
    const uri = services.documents.uri('blob', ref(), noOsConfig, 'no-os-config');
    const [d] = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'manifold check');
    // What the Problems panel does on a click: the document shown, the range selected.
    const editor = await vscode.window.showTextDocument(uri, { selection: d!.range });
    assert.equal(editor.document.uri.toString(), uri.toString());
    assert.equal(editor.document.getText(editor.selection), '"architecture"');
    assert.match(editor.document.getText(), /"rootfs"/);
  });

  it('a clean image: no problems, and the summary says what was read', async () => {
    const outcome = await run('manifold.checkImage', { layout, reference: 'clean' });
    assert.deepEqual(outcome?.report.problems, []);
    assert.deepEqual(outcome.uris, []);
    assert.match(outcome.summary, /^No problems in clean: 0 indexes, 1 manifest, 1 config, 1 layer; \d+ B of layers read$/);
  });

  it('an image named by a name another tool wrote, holding a right-to-left override: the summary names it quoted, escaped', async () => {
    const file = join(layout, 'index.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Descriptor[] };
    const clean = doc.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'clean')!;
    const before = readFileSync(file, 'utf8');
    doc.manifests.push({ ...clean, annotations: { 'org.opencontainers.image.ref.name': 'clean\u202eodd' } });
    writeFileSync(file, JSON.stringify(doc));
    try {
      const outcome = await run('manifold.checkImage', { layout, reference: 'clean\u202eodd' });
      assert.deepEqual(outcome?.report.problems, []);
      assert.match(outcome.summary, /^No problems in "clean\\u202eodd": 0 indexes, 1 manifest/);
    } finally {
      writeFileSync(file, before);
    }
  });

  it('checked again once repaired (from the index editor\'s title bar: the stored index it shows), the image loses its problems', async () => {
    writeFileSync(layerFile, layerBytes);
    const outcome = await run('manifold.checkImage', vscode.Uri.from({ scheme: 'manifold-index', path: `${layout}/v1.oci-index.json` }));
    assert.match(outcome?.summary ?? '', /^No problems in v1: 1 index, 2 manifests, 2 configs, 2 layers/);
    assert.deepEqual(await held(services.documents.uri('manifest', ref(), arm64, short(arm64.digest))), []);
    assert.equal((await held(services.documents.uri('blob', ref(), noOsConfig, 'no-os-config'))).length, 1, "no-os's result stays");
  });

  it("a tag whose manifest's own bytes are damaged: the problem is on its entry in the layout's index.json", async () => {
    const outcome = await run('manifold.checkImage', { layout, reference: 'damaged' });
    assert.equal(outcome?.summary, '1 error in damaged');
    const indexUri = vscode.Uri.file(join(layout, 'index.json'));
    assert.deepEqual(outcome.uris, [indexUri.toString()]);
    const [d, ...more] = await held(indexUri);
    assert.deepEqual(more, []);
    assert.ok(d?.text.includes(JSON.stringify(damaged.digest)), d?.text);
    assert.match(d.message, new RegExp(`^manifest sha256:${damaged.digest.slice(7, 19)}… in ${basename(layout)}:damaged: content has digest sha256:[a-f0-9]{12}…$`));
  });

  it('Check Layout: every entry of index.json, and an entry it cannot use marked in index.json', async () => {
    const other = await newLayout();
    await other.tag(await makeImage(other, { arch: 's390x' }), 'ok');
    const indexFile = join(other.location, 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { manifests: unknown[] };
    index.manifests.push({ mediaType: MediaType.ImageManifest, digest: 'sha256:nothex', size: 1, annotations: { 'org.opencontainers.image.ref.name': 'broken' } });
    writeFileSync(indexFile, JSON.stringify(index));
    const outcome = await run('manifold.checkLayout', { layout: other.location });
    assert.equal(outcome?.summary, `1 error in ${basename(other.location)}`);
    assert.equal(outcome.report.counts.manifests, 1);
    // The entry's error, and a note (marked at the document's start) that the garbage is not counted: prune cannot
    // tell it past such an entry.
    const [info, d, ...more] = await held(vscode.Uri.file(indexFile));
    assert.deepEqual(more, []);
    assert.equal(d?.text, '"sha256:nothex"');
    assert.ok(d.message.startsWith('index.json: '), d.message);
    assert.equal(info?.severity, 'Information');
    assert.match(info.message, /^index\.json: the blobs nothing index\.json lists reaches are not counted, as manifold prune cannot tell them here: .*invalid digest sha256:nothex/);
  });

  it("Check Layout and Check Image: an entry whose mediaType disagrees with its document, marked at that mediaType in index.json", async () => {
    const other = await newLayout();
    const docker = await makeImage(other, { arch: 'amd64' });
    const image = await makeImage(other, { arch: 's390x' });
    const indexFile = join(other.location, 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { manifests: unknown[] };
    const entry = (d: Descriptor, mediaType: string, tag: string) => ({ mediaType, digest: d.digest, size: d.size, annotations: { 'org.opencontainers.image.ref.name': tag } });
    index.manifests.push(entry(docker, MediaType.DockerManifest, 'flavor'), entry(image, MediaType.ImageIndex, 'kind'));
    writeFileSync(indexFile, JSON.stringify(index));
    const outcome = await run('manifold.checkLayout', { layout: other.location });
    assert.equal(outcome?.summary, `1 error, 1 warning in ${basename(other.location)}`);
    assert.deepEqual(await held(vscode.Uri.file(indexFile)), [
      {
        severity: 'Warning',
        code: 'blob-media-type-flavor',
        text: JSON.stringify(MediaType.DockerManifest),
        message: `index.json: mediaType ${MediaType.DockerManifest} differs from the ${MediaType.ImageManifest} that ${docker.digest.slice(0, 19)}… declares: both name an image manifest and its bytes are right, but a client that trusts this descriptor may refuse the document`,
      },
      {
        severity: 'Error',
        code: 'blob-media-type-mismatch',
        text: JSON.stringify(MediaType.ImageIndex),
        message: `index.json: mediaType ${MediaType.ImageIndex} names an image index, but ${image.digest.slice(0, 19)}… is an image manifest (it declares ${MediaType.ImageManifest}): a client reads it as the wrong kind of document`,
      },
    ]);
    // Check Image of one of them: its entry, marked there too.
    const one = await run('manifold.checkImage', { layout: other.location, reference: 'kind' });
    assert.equal(one?.summary, '1 error in kind');
    assert.deepEqual(one.uris, [vscode.Uri.file(indexFile).toString()]);
    assert.deepEqual(one.report.problems.map((p) => [p.code, p.where, p.path]), [['blob-media-type-mismatch', 'index.json', 'manifests[1].mediaType']]);
  });

  it('Check Layout: a referrer index.json does not list, a warning on its manifest at its subject; the garbage summed up in index.json', async () => {
    const other = await newLayout();
    const image = await makeImage(other, { arch: 'arm64' });
    await other.tag(image, 'v1');
    const sbom = await makeArtifact(other, { subject: image, artifactType: 'application/spdx+json' });
    // index.json restored from before the SBOM was attached: it lists only v1.
    const indexFile = join(other.location, 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { manifests: Descriptor[] };
    index.manifests = index.manifests.filter((d) => d.digest !== sbom.digest);
    writeFileSync(indexFile, JSON.stringify(index));
    // Written an hour ago: garbage, not blobs a command may still be writing (those the check only counts).
    const blobs = join(other.location, 'blobs', 'sha256');
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    for (const name of readdirSync(blobs)) utimesSync(join(blobs, name), hourAgo, hourAgo);
    const outcome = await run('manifold.checkLayout', { layout: other.location });
    assert.equal(outcome?.summary, `1 warning in ${basename(other.location)}`);
    const manifestUri = outcome.uris.map((u) => vscode.Uri.parse(u)).find((u) => u.scheme !== 'file');
    assert.ok(manifestUri, outcome.uris.join(' '));
    const [w, ...more] = await held(manifestUri);
    assert.deepEqual(more, []);
    assert.equal(w?.severity, 'Warning');
    assert.equal(w.code, 'unlisted-referrer');
    assert.equal(w.text, '"subject"');
    assert.equal(
      w.message,
      `@${short(sbom.digest)}: this referrer of sha256:${short(image.digest)}…, artifactType application/spdx+json, is stored but index.json does not list it: discover does not see it and manifold prune removes it; to keep it, tag it (manifold tag --oci-layout ${basename(other.location)}@sha256:${short(sbom.digest)}… NAME)`,
    );
    const [info, ...others] = await held(vscode.Uri.file(indexFile));
    assert.deepEqual(others, []);
    assert.equal(info?.severity, 'Information');
    assert.match(info.message, /^index\.json: 3 blobs, [0-9,]+ bytes, are stored that nothing index\.json lists reaches: manifold prune removes them$/);
  });

  describe('on a registry', () => {
    let server: OciServer;
    before(async () => {
      server = await startOciServer();
      await run('manifold.addRegistry', { registry: server.host, plainHttp: true });
      assert.ok((await vscode.commands.executeCommand<{ digest: string } | undefined>('manifold.copyToRegistry', { layout, reference: 'no-os', to: `${server.host}/team/check:no-os` }))?.digest, 'copyToRegistry copied nothing (see the Manifold log)');
    });
    after(async () => {
      await run('manifold.removeRegistry', { registry: server.host });
      await server.stop();
    });

    it("a registry's image: the config's problem on the registry's read-only document of it", async () => {
      assert.ok(server.repo('team/check').tags.get('no-os'), 'the image was not copied to the registry');
      const outcome = await run('manifold.checkImage', { registry: server.host, repository: 'team/check', reference: 'no-os' });
      assert.equal(outcome?.summary, '1 error in no-os');
      const uri = services.documents.uri('blob', { kind: 'registry', registry: server.host, repository: 'team/check' }, noOsConfig, 'no-os-config');
      assert.deepEqual(outcome.uris, [uri.toString()]);
      assert.deepEqual(await held(uri), [{ severity: 'Error', code: 'missing-field', text: '"architecture"', message: 'no-os > config: os is required: a runtime cannot tell which machines can run this image' }]);
    });

    it('Check Repository: every tag of the repository, the same problem found through its tag', async () => {
      assert.ok((await vscode.commands.executeCommand<{ digest: string } | undefined>('manifold.copyToRegistry', { layout, reference: 'clean', to: `${server.host}/team/check:clean` }))?.digest, 'copyToRegistry copied nothing (see the Manifold log)');
      assert.ok(server.repo('team/check').tags.get('clean'), 'the image was not copied to the registry');
      const outcome = await run('manifold.checkRepository', { registry: server.host, repository: 'team/check' });
      assert.equal(outcome?.summary.split(':')[0], '1 error in team/check');
      assert.deepEqual(outcome.report.problems.map((p) => [p.where, p.path, p.code]), [['no-os > config', 'os', 'missing-field']]);
      assert.equal(outcome.report.counts.manifests, 2);
      const uri = services.documents.uri('blob', { kind: 'registry', registry: server.host, repository: 'team/check' }, noOsConfig, 'no-os-config');
      assert.deepEqual((await held(uri)).map((d) => d.message), ['no-os > config: os is required: a runtime cannot tell which machines can run this image']);
    });

    it("an index's children whose own bytes cannot be shown (digest, not text): each problem on the index's entry for it", async () => {
      // Made in the registry's store directly: a registry that pushes accept neither.
      const repo = server.repo('team/damaged');
      const cleanDigest = server.repo('team/check').tags.get('clean')!;
      const clean = server.repo('team/check').manifests.get(cleanDigest)!;
      const flipped = Buffer.from(clean.bytes);
      flipped[flipped.length - 2]! ^= 1;
      repo.manifests.set(cleanDigest, { mediaType: clean.mediaType, bytes: flipped });
      const binary = gzipSync('not a manifest\n');
      const binaryDigest = digestOf(binary);
      repo.manifests.set(binaryDigest, { mediaType: MediaType.ImageManifest, bytes: binary });
      const index = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ImageIndex,
        manifests: [
          { mediaType: MediaType.ImageManifest, digest: cleanDigest, size: flipped.length, platform: { os: 'linux', architecture: 'riscv64' } },
          { mediaType: MediaType.ImageManifest, digest: binaryDigest, size: binary.length, platform: { os: 'linux', architecture: 'arm64' } },
        ],
      }));
      const indexDesc = { mediaType: MediaType.ImageIndex, digest: digestOf(index), size: index.length };
      repo.manifests.set(indexDesc.digest, { mediaType: MediaType.ImageIndex, bytes: index });
      repo.tags.set('odd', indexDesc.digest);
      const outcome = await run('manifold.checkImage', { registry: server.host, repository: 'team/damaged', reference: 'odd' });
      assert.equal(outcome?.summary, '2 errors in odd');
      const indexUri = services.documents.uri('manifest', { kind: 'registry', registry: server.host, repository: 'team/damaged' }, indexDesc, 'odd');
      assert.deepEqual(outcome.uris, [indexUri.toString()]);
      const found = await held(indexUri);
      assert.deepEqual(found.map((d) => [d.code, d.message.split(':')[0]]), [['blob-unreadable', 'odd'], ['invalid-json', 'odd > linux/arm64']]);
      assert.equal(found[0]!.text, JSON.stringify(cleanDigest)); // manifests[0].digest
      assert.equal(found[1]!.text, JSON.stringify(binaryDigest)); // manifests[1], marked by its digest
      // What a click does: the index opens, at that entry.
      const range = vscode.languages.getDiagnostics(indexUri).find((d) => d.source === 'manifold check' && d.message.startsWith('odd > linux/arm64:'))!.range;
      const editor = await vscode.window.showTextDocument(indexUri, { selection: range });
      assert.equal(editor.document.getText(editor.selection), JSON.stringify(binaryDigest));
      assert.match(editor.document.getText(), /"architecture": "arm64"/);
    });
  });

  /**
   * Cancel on the check's notification (VS Code's own command runs the notification's primary action: Cancel) while
   * the registry holds the check's requests, so the cancel lands mid-way every time. The user must see no summary
   * (the command returns nothing), no error, and the results of the last whole check stay.
   */
  describe('cancelled mid-way', () => {
    let server: OciServer;
    const releases: Array<() => void> = [];
    let holding: (r: { method: string; path: string }) => boolean = () => false;
    const heldRequests: string[] = [];
    const errors: string[] = [];
    let logError: Services['log']['error'];
    const repository = 'team/cancel';
    const configUri = () => services.documents.uri('blob', { kind: 'registry', registry: server.host, repository }, noOsConfig, 'no-os-config');

    before(async () => {
      server = await startOciServer({
        hold: (r) => {
          if (!holding(r)) return undefined;
          heldRequests.push(`${r.method} ${r.path}`);
          return new Promise<void>((resolve) => releases.push(resolve));
        },
      });
      await run('manifold.addRegistry', { registry: server.host, plainHttp: true });
      for (const [tag, to] of [['clean', 'clean'], ['no-os', 'no-os'], ['clean', 'other']]) assert.ok((await vscode.commands.executeCommand<{ digest: string } | undefined>('manifold.copyToRegistry', { layout, reference: tag, to: `${server.host}/${repository}:${to}` }))?.digest, 'copyToRegistry copied nothing (see the Manifold log)');
      assert.deepEqual([...server.repo(repository).tags.keys()].sort(), ['clean', 'no-os', 'other']);
      logError = services.log.error;
      services.log.error = (message: string | Error) => void errors.push(String(message));
    });
    after(async () => {
      services.log.error = logError;
      holding = () => false;
      for (const release of releases) release();
      await run('manifold.removeRegistry', { registry: server.host });
      await server.stop();
    });

    /** Runs Check Repository until the registry holds a request, then cancels it from its notification. */
    async function cancelWhenHeld(hold: (r: { method: string; path: string }) => boolean): Promise<CheckOutcome | undefined> {
      await vscode.commands.executeCommand('notifications.clearAll');
      heldRequests.length = 0;
      holding = hold;
      const running = run('manifold.checkRepository', { registry: server.host, repository });
      for (let i = 0; heldRequests.length === 0; i++) {
        assert.ok(i < 600, 'the check never reached the held request');
        await new Promise((r) => setTimeout(r, 50));
      }
      await vscode.commands.executeCommand('notification.acceptPrimaryAction');
      return running;
    }

    it('a first check, whole: the error of no-os in the Problems panel', async () => {
      const outcome = await run('manifold.checkRepository', { registry: server.host, repository });
      assert.equal(outcome?.summary.split(':')[0], '1 error in team/cancel');
      assert.equal((await held(configUri())).length, 1);
    });

    it('cancelled while layers are read: no summary, no error, the last results stay', async () => {
      const outcome = await cancelWhenHeld((r) => r.method === 'GET' && r.path.includes('/blobs/'));
      assert.equal(outcome, undefined, 'a summary was shown');
      assert.deepEqual(errors, []);
      assert.deepEqual((await held(configUri())).map((d) => d.code), ['missing-field']);
    });

    it('cancelled while a tag is looked up (two tags checked already): it stops there', async () => {
      const outcome = await cancelWhenHeld((r) => r.path.endsWith('/manifests/other'));
      assert.equal(outcome, undefined, 'a summary was shown');
      assert.deepEqual(errors, []);
      assert.deepEqual((await held(configUri())).map((d) => d.code), ['missing-field']);
    });
  });
});
