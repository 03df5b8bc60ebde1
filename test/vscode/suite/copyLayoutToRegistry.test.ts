import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Descriptor } from '../../../src/oci/descriptor';
import { digestOf } from '../../../src/oci/digest';
import { OciLayoutStore } from '../../../src/oci/layout';
import { RegistryClient, RemoteRepository } from '../../../src/oci/registry';
import { hasDockerRegistry, launchRegistry, type LaunchedRegistry } from '../../integration/support/registryLauncher';
import { makeArtifact, makeImage, makeIndex } from '../../unit/builders';
import { useFixtures } from './layoutFixtures';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

interface CopyLayoutResult {
  to: string;
  tags: { tag: string; digest: string }[];
  referrers: number;
  message: string;
}

/**
 * Copy Layout to Registry of a layout of several tags (an index among them, two tags naming one image, a referrer on
 * an image and one on an index's child) to a real registry (distribution 2.8: no referrers API, so each referrer is
 * found through its sha256-<hex> fallback tag), read back from the registry by a client of its own.
 */
(hasDockerRegistry() ? describe : describe.skip)('Copy Layout to Registry', function () {
  this.timeout(120_000);
  let registry: LaunchedRegistry;

  before(async () => {
    await useFixtures();
    registry = await launchRegistry();
    assert.equal(await run('manifold.addRegistry', { registry: registry.host, plainHttp: true }), registry.host);
  });

  after(async () => {
    await run('manifold.removeRegistry', { registry: registry.host });
    await registry.stop();
  });

  it('copies every tag to the registry under its name, with the referrers; copied again, it pushes nothing', async () => {
    const src = join(mkdtempSync(join(tmpdir(), 'manifold-copy-layout-')), 'layout');
    const store = await OciLayoutStore.open(src, { create: true });
    const v1 = await makeImage(store, { arch: 'amd64', seed: 'copy v1' });
    const v2 = await makeImage(store, { arch: 'arm64', seed: 'copy v2' });
    const children = [await makeImage(store, { arch: 'amd64', seed: 'multi' }), await makeImage(store, { arch: 'arm64', seed: 'multi' })];
    const multi = await makeIndex(store, children);
    const sbom = await makeArtifact(store, { subject: v1, artifactType: 'application/spdx+json' });
    const signature = await makeArtifact(store, { subject: children[1]!, artifactType: 'application/vnd.example.signature' });
    const tags: Record<string, Descriptor> = { latest: v1, multi, v1, v2 };
    for (const [tag, desc] of Object.entries(tags)) await store.tag(desc, tag);
    // Every blob of the layout is below a tag or a referrer: a copy to an empty repository pushes each once.
    const blobs = readdirSync(join(src, 'blobs', 'sha256')).length;

    const to = `${registry.host}/copy/app`;
    const result = await run<CopyLayoutResult>('manifold.copyLayoutToRegistry', { layout: src, to });
    assert.ok(result, 'copyLayoutToRegistry returned nothing (see the Manifold log)');
    assert.deepEqual(result.tags.map((t) => [t.tag, t.digest]).sort(), Object.entries(tags).map(([tag, d]) => [tag, d.digest]).sort());
    assert.equal(result.referrers, 2);
    assert.equal(result.message, `Copied latest, multi, v1, v2 and 2 referrers to ${to} (${blobs} pushed, 0 already there)`);

    const remote = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true }), 'copy/app');
    for (const [tag, desc] of Object.entries(tags)) assert.equal((await remote.resolve(tag)).digest, desc.digest, tag);
    for (const child of children) assert.ok(await remote.exists(child), `the index's child ${child.digest} is there`);
    const referrersOf = async (desc: Descriptor) => {
      const out: string[] = [];
      for await (const r of remote.referrers(desc)) out.push(r.digest);
      return out;
    };
    assert.deepEqual(await referrersOf(v1), [sbom.digest]);
    assert.deepEqual(await referrersOf(children[1]!), [signature.digest]);
    for (const r of [sbom, signature]) assert.equal(digestOf(await remote.fetchBytes(r)), r.digest);

    const again = await run<CopyLayoutResult>('manifold.copyLayoutToRegistry', { layout: src, to });
    assert.ok(again, 'copyLayoutToRegistry returned nothing the second time');
    assert.match(again.message, /\(0 pushed, \d+ already there\)$/);
    for (const [tag, desc] of Object.entries(tags)) assert.equal((await remote.resolve(tag)).digest, desc.digest, tag);
  });

  it("given `only: ['sbom']`, as restore --only: the SBOM comes, v1's Notary signature does not", async () => {
    const src = join(mkdtempSync(join(tmpdir(), 'manifold-copy-layout-')), 'layout');
    const store = await OciLayoutStore.open(src, { create: true });
    const v1 = await makeImage(store, { arch: 'amd64', seed: 'only v1' });
    const sbom = await makeArtifact(store, { subject: v1, artifactType: 'application/spdx+json' });
    const signature = await makeArtifact(store, { subject: v1, artifactType: 'application/vnd.cncf.notary.signature' });
    await store.tag(v1, 'v1');
    const to = `${registry.host}/copy/only`;
    const result = await run<CopyLayoutResult>('manifold.copyLayoutToRegistry', { layout: src, to, only: ['sbom'] });
    assert.ok(result, 'copyLayoutToRegistry returned nothing (see the Manifold log)');
    assert.equal(result.referrers, 1);
    const remote = new RemoteRepository(new RegistryClient(registry.host, { plainHttp: true }), 'copy/only');
    const listed: string[] = [];
    for await (const r of remote.referrers(v1)) listed.push(r.digest);
    assert.deepEqual(listed, [sbom.digest]);
    assert.equal(await remote.exists(signature), false, 'the signature is not at the registry');
  });
});
