import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ImageManifest } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { row, rows, useFixtures, type Fixtures } from './layoutFixtures';

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Files as a user picks them: two SBOMs, a JSON file, and a binary, each to get its own media type. */
function pickedFiles(): { paths: string[]; types: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-push-files-'));
  const put = (name: string, content: string | Buffer) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  return {
    paths: [
      put('sbom.json', '{"spdxVersion":"SPDX-2.3","name":"app"}\n'),
      put('bom.json', '{"bomFormat":"CycloneDX","specVersion":"1.5"}\n'),
      put('settings.json', '{"k":1}\n'),
      put('model.bin', Buffer.from([0, 1, 2, 3, 255])),
    ],
    types: ['application/spdx+json', 'application/vnd.cyclonedx+json', 'application/json', 'application/vnd.oci.image.layer.v1.tar'],
  };
}

/** Push Files as Artifact, on a layout and on a registry repository, read back from what was stored. */
describe('Push Files as Artifact', () => {
  let f: Fixtures;
  let server: OciServer;
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

  before(async () => {
    f = await useFixtures();
    server = await startOciServer();
  });

  after(async () => {
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
  });

  it('into a layout: the manifest on disk lists each file with its inferred media type, title and digest; the tree shows the tag', async () => {
    const { paths, types } = pickedFiles();
    const result = await run<{ to: string; digest: string }>('manifold.pushFiles', {
      layout: f.work,
      files: paths,
      artifactType: 'application/spdx+json',
      tag: 'sbom-files',
      annotations: ['org.opencontainers.image.version=1.0'],
    });
    assert.ok(result, 'pushFiles returned nothing (see the Manifold log)');
    const store = await OciLayoutStore.open(f.work);
    assert.equal((await store.resolve('sbom-files')).digest, result.digest);
    const raw = readFileSync(join(f.work, 'blobs', 'sha256', result.digest.slice('sha256:'.length)));
    assert.equal(sha256(raw), result.digest);
    const manifest = JSON.parse(raw.toString('utf8')) as ImageManifest;
    assert.equal(manifest.artifactType, 'application/spdx+json');
    assert.equal(manifest.annotations?.['org.opencontainers.image.version'], '1.0');
    assert.deepEqual(
      manifest.layers.map((l) => [l.mediaType, l.annotations?.['org.opencontainers.image.title'], l.digest, l.size]),
      paths.map((p, i) => [types[i], p.slice(p.lastIndexOf('/') + 1), sha256(readFileSync(p)), readFileSync(p).length]),
    );
    for (const [i, l] of manifest.layers.entries()) assert.deepEqual(readFileSync(join(f.work, 'blobs', 'sha256', l.digest.slice(7))), readFileSync(paths[i]!));
    const work = await row(f, undefined, 'work');
    assert.ok((await rows(f, work.node)).some((r) => r.label === 'sbom-files'));
  });

  it('to a registry repository: the server holds the tag, the manifest bytes and each layer\'s bytes', async () => {
    assert.equal(await run('manifold.addRegistry', { registry: server.host, plainHttp: true }), server.host);
    const { paths, types } = pickedFiles();
    const result = await run<{ to: string; digest: string }>('manifold.pushFiles', { registry: server.host, repository: 'team/files', files: paths, artifactType: 'application/vnd.example.bundle', tag: 'v1' });
    assert.ok(result, 'pushFiles returned nothing (see the Manifold log)');
    assert.equal(result.to, `${server.host}/team/files:v1`);
    const repo = server.repo('team/files');
    assert.equal(repo.tags.get('v1'), result.digest);
    const raw = repo.manifests.get(result.digest)!.bytes;
    assert.equal(sha256(raw), result.digest);
    const manifest = JSON.parse(raw.toString('utf8')) as ImageManifest;
    assert.equal(manifest.artifactType, 'application/vnd.example.bundle');
    assert.deepEqual(manifest.layers.map((l) => l.mediaType), types);
    for (const [i, l] of manifest.layers.entries()) assert.deepEqual(repo.blobs.get(l.digest), readFileSync(paths[i]!));
  });

  it('Attach Artifact stores an SPDX file as application/spdx+json (inferred), not as a tar layer', async () => {
    const { paths } = pickedFiles();
    const result = await run<{ artifacts: { digest: string }[] }>('manifold.attach', { layout: f.work, reference: 'linux-amd64', artifactType: 'application/spdx+json', files: [paths[0]] });
    assert.equal(result?.artifacts.length, 1);
    const raw = readFileSync(join(f.work, 'blobs', 'sha256', result.artifacts[0]!.digest.slice(7)));
    const manifest = JSON.parse(raw.toString('utf8')) as ImageManifest;
    assert.deepEqual(manifest.layers.map((l) => [l.mediaType, l.annotations?.['org.opencontainers.image.title']]), [['application/spdx+json', 'sbom.json']]);
  });
});
