import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Descriptor } from '../../../src/oci/descriptor';
import { copy } from '../../../src/oci/copy/copy';
import { OciLayoutStore } from '../../../src/oci/layout';
import { cosignTag } from '../../../src/oci/referrers';
import { RegistryClient, RemoteRepository } from '../../../src/oci/registry';
import { signKey, signManifest } from '../../../src/oci/signatures';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { makeArtifact, makeImage } from '../../unit/builders';
import { eventually, row, rows, tooltipOf, useFixtures, type Fixtures } from './layoutFixtures';

/**
 * cosign's digest tags (`sha256-<hex>.sig`, `.sbom`) in the Layouts and Registries views: not tag rows of their own
 * (unless digest tags are shown), but what they name listed under the image it is for, marked as found through the
 * tag, once even when it is a referrer too.
 */
describe('cosign digest tags in the trees', () => {
  let f: Fixtures;
  let server: OciServer;
  let dir: string;
  let image: Descriptor;
  let sigTag: string;
  let sbomTag: string;
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const settings = () => vscode.workspace.getConfiguration('manifold');
  const layoutRows = async (parent?: unknown) => rows(f, parent ?? (await row(f, undefined, 'cosign')).node);
  const registryRows = (node?: unknown) => rows(f, node, f.services.registriesTree as never);
  const registryRow = (parent: unknown, label: string | RegExp) => row(f, parent, label, f.services.registriesTree as never);
  const repoRows = async () => registryRows((await registryRow((await registryRow(undefined, server.host)).node, 'team/signed')).node);

  before(async () => {
    f = await useFixtures();
    dir = join(f.workspace, 'layouts', 'cosign');
    mkdirSync(dir, { recursive: true });
    const store = await OciLayoutStore.open(dir, { create: true });
    image = await makeImage(store, { arch: 'amd64', seed: 'cosign tree' });
    await store.tag(image, 'app');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    sigTag = (await signManifest(store, image, signKey('cosign.key', privateKey), 'registry.example.com/app:v1')).tag;
    // An SBOM attached both ways: a referrer (its subject) that cosign's `.sbom` tag names too.
    const sbom = await makeArtifact(store, { subject: image, artifactType: 'application/spdx+json' });
    sbomTag = cosignTag(image.digest, 'sbom');
    await store.tag(sbom, sbomTag);
    server = await startOciServer();
    const remote = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'team/signed');
    await copy(store, 'app', remote, ['app']);
    await copy(store, sigTag, remote, [sigTag]);
    assert.equal(await run('manifold.addRegistry', { registry: server.host, plainHttp: true }), server.host);
    await run('manifold.refresh');
  });

  after(async () => {
    await settings().update('showFallbackTags', undefined, vscode.ConfigurationTarget.Global);
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
  });

  it('a layout lists no .sig or .sbom tag row, and the image lists its signature and SBOM once each', async () => {
    assert.deepEqual((await layoutRows()).map((r) => r.label), ['app']);
    const app = await row(f, (await row(f, undefined, 'cosign')).node, 'app');
    const children = await rows(f, app.node);
    const refs = children.filter((c) => c.contextValue.endsWith('+referrer'));
    assert.deepEqual(refs.map((r) => r.label).sort(), ['SBOM', 'signature'], children.map((c) => c.label).join(', '));
    const sig = refs.find((r) => r.label === 'signature')!;
    assert.match(sig.description, /^cosign \.sig · [0-9a-f]{12}$/);
    // The tooltip names the tag (Markdown-escaped: read without the backslashes).
    const tip = (await tooltipOf(f, sig)).replace(/\\/g, '');
    assert.match(tip, /cosign tag/);
    assert.ok(tip.includes(sigTag), tip);
    const sbom = refs.find((r) => r.label === 'SBOM')!;
    assert.match(sbom.description, /^cosign \.sbom · [0-9a-f]{12} · application\/spdx\+json$/);
    // The signature row is the manifest the tag names, and expands to its payload.
    const store = await OciLayoutStore.open(dir);
    assert.ok(sig.description.includes((await store.resolve(sigTag)).digest.slice(7, 19)));
    assert.deepEqual((await rows(f, sig.node)).map((c) => c.label).slice(0, 1), ['config']);
  });

  it('a repository lists no .sig tag row, and its image lists the signature', async () => {
    assert.deepEqual((await repoRows()).map((r) => r.label), ['app']);
    const app = (await repoRows()).find((r) => r.label === 'app')!;
    const refs = (await registryRows(app.node)).filter((c) => c.contextValue.includes('+referrer'));
    assert.deepEqual(refs.map((r) => [r.label, r.description.split(' · ')[0]]), [['signature', 'cosign .sig']]);
  });

  it('a layout cosign save wrote (entries marked by kind, none named): both listed untagged, the image lists the saved signature as its cosign .sig', async () => {
    const saved = join(f.workspace, 'layouts', 'saved');
    mkdirSync(saved, { recursive: true });
    const store = await OciLayoutStore.open(saved, { create: true });
    const img = await makeImage(store, { arch: 'arm64', seed: 'cosign save' });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const signed = await signManifest(store, img, signKey('cosign.key', privateKey), 'registry.example.com/app:v1');
    const kind = (d: Descriptor, k: string) => ({ mediaType: d.mediaType, size: d.size, digest: d.digest, annotations: { kind: `dev.cosignproject.cosign/${k}` } });
    writeFileSync(join(saved, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [kind(img, 'image'), kind(signed.manifest, 'sigs')] }));
    await run('manifold.refresh');
    let layout: Awaited<ReturnType<typeof row>> | undefined;
    await eventually(async () => void (layout = await row(f, undefined, 'saved')));
    const untagged = await row(f, layout!.node, 'Untagged');
    // Both saved entries are listed untagged, as index.json has them: the image, and its signature manifest.
    const listed = await rows(f, untagged.node);
    assert.deepEqual(listed.map((r) => [r.label, r.description.split(' · ')[1]]), [[img.digest.slice(7, 19), 'kind=dev.cosignproject.cosign/image'], [signed.manifest.digest.slice(7, 19), 'kind=dev.cosignproject.cosign/sigs']]);
    const image = listed[0]!;
    const refs = (await rows(f, image.node)).filter((c) => c.contextValue.endsWith('+referrer'));
    assert.deepEqual(refs.map((r) => [r.label, r.description.split(' · ')[0]]), [['signature · kind=dev.cosignproject.cosign/sigs', 'cosign .sig']]);
  });

  it('with digest tags shown, the .sig and .sbom tag rows are back in both views', async () => {
    await settings().update('showFallbackTags', true, vscode.ConfigurationTarget.Global);
    await eventually(async () => assert.deepEqual((await layoutRows()).map((r) => r.label), ['app', sigTag, sbomTag].sort()));
    await eventually(async () => assert.deepEqual((await repoRows()).map((r) => r.label).sort(), ['app', sigTag].sort()));
    await settings().update('showFallbackTags', undefined, vscode.ConfigurationTarget.Global);
    await eventually(async () => assert.deepEqual((await layoutRows()).map((r) => r.label), ['app']));
  });
});
