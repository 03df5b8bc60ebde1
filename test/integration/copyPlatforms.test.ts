import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageIndex } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { OciLayoutStore } from '../../src/oci/layout';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';
import { folderHashes } from '../helpers/folderHashes';

function skopeo(...args: string[]): Buffer {
  return execFileSync('skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Five platforms tagged v1, an SBOM on linux/arm/v7. */
async function fivePlatforms() {
  const store = await newLayout();
  const children: Descriptor[] = [];
  for (const [arch, variant] of [['amd64'], ['arm64'], ['arm', 'v7'], ['arm', 'v6'], ['s390x']] as const) {
    children.push(await makeImage(store, { arch, variant, layers: [`${arch}${variant ?? ''} layer 1`, `${arch}${variant ?? ''} layer 2`] }));
  }
  const index = await makeIndex(store, children);
  await store.tag(index, 'v1');
  const sbom = await makeArtifact(store, { subject: children[2]!, artifactType: 'application/spdx+json', content: 'armv7 sbom' });
  return { store, index, children, sbom };
}

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('cp --platform subsets and --dry-run with docker-registry', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  it('layout -> registry: --dry-run plans every manifest and blob and the registry stays as it was', async () => {
    const s = await fivePlatforms();
    const before = folderHashes(registry.storage);
    const r = await runCli('cp', '-r', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/plan/app:v1`, '--plain-http', '--dry-run', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(folderHashes(registry.storage), before);
    const plan = JSON.parse(r.stdout);
    assert.equal(plan.root.digest, s.index.digest);
    assert.equal(plan.rewrittenIndex, null);
    // index + 5 images + the SBOM; 5 configs, 10 layers, the SBOM's empty config and its layer.
    assert.equal(plan.copy.filter((i: { kind: string }) => i.kind === 'manifest').length, 7);
    assert.equal(plan.copy.filter((i: { kind: string }) => i.kind === 'blob').length, 17);
    assert.deepEqual(plan.existing, []);
    assert.deepEqual(plan.referrers.map((d: Descriptor) => d.digest), [s.sbom.digest]);
    assert.deepEqual(plan.tags, [{ tag: 'v1', digest: s.index.digest, current: null }]);

    // Copied for real, the same plan finds everything there.
    const done = await runCli('cp', '-r', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/plan/app:v1`, '--plain-http');
    assert.equal(done.code, 0, done.stderr);
    const again = JSON.parse((await runCli('cp', '-r', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/plan/app:v1`, '--plain-http', '--dry-run', '--format', 'json')).stdout);
    assert.deepEqual(again.copy, []);
    assert.equal(again.bytesToCopy, 0);
    assert.deepEqual(again.tags, [{ tag: 'v1', digest: s.index.digest, current: s.index.digest }]);
    assert.deepEqual(
      again.existing.map((i: { digest: string }) => i.digest),
      [s.index.digest, s.sbom.digest],
    );
  });

  it('registry -> layout: --dry-run of a platform subset writes no folder; the copy then does what it said', async () => {
    const s = await fivePlatforms();
    assert.equal((await runCli('cp', '-r', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/sub/app:v1`, '--plain-http')).code, 0);
    const out = join(tempDir(), 'layout');
    const before = folderHashes(registry.storage);
    const dry = await runCli('cp', '-r', `${registry.host}/sub/app:v1`, '--to-oci-layout', `${out}:arm`, '--plain-http', '--platform', 'linux/arm/*', '--dry-run', '--format', 'json');
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(existsSync(out), false);
    assert.deepEqual(folderHashes(registry.storage), before);
    const plan = JSON.parse(dry.stdout);
    assert.deepEqual(plan.rewrittenIndex, { from: s.index.digest, digest: plan.root.digest, platforms: 2, of: 5 });

    const r = await runCli('cp', '-r', `${registry.host}/sub/app:v1`, '--to-oci-layout', `${out}:arm`, '--plain-http', '--platform', 'linux/arm/*');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `rewrote index ${s.index.digest} with 2 of 5 platforms: new digest ${plan.root.digest}\n`);
    const store = await OciLayoutStore.open(out);
    const tagged = await store.resolve('arm');
    assert.equal(tagged.digest, plan.root.digest);
    const bytes = await store.fetchBytes(tagged);
    assert.deepEqual((JSON.parse(bytes.toString('utf8')) as ImageIndex).manifests.map((d) => d.digest), [s.children[2]!.digest, s.children[3]!.digest]);
    for (const item of plan.copy as Descriptor[]) assert.ok(await store.exists(item), item.digest);
    assert.equal(await store.exists(s.children[0]!), false);
    assert.equal(await store.exists(s.sbom), true);

    // skopeo reads the subset index Manifold wrote to the layout, byte for byte, and copies it whole.
    assert.equal(digestOf(skopeo('inspect', '--raw', `oci:${out}:arm`)), plan.root.digest);
    const info = JSON.parse(skopeo('inspect', '--override-os', 'linux', '--override-arch', 'arm', '--override-variant', 'v6', `oci:${out}:arm`).toString('utf8'));
    assert.equal(info.Architecture, 'arm');
    assert.deepEqual(info.Layers, (JSON.parse((await store.fetchBytes(s.children[3]!)).toString('utf8')) as { layers: Descriptor[] }).layers.map((l) => l.digest));
    const copied = join(tempDir(), 'skopeo-copy');
    skopeo('copy', '--all', `oci:${out}:arm`, `oci:${copied}:arm`);
    // (skopeo re-encodes these test images' manifests, so digests change; the platforms it found are the subset's.)
    const theirs = JSON.parse(skopeo('inspect', '--raw', `oci:${copied}:arm`).toString('utf8')) as ImageIndex;
    assert.deepEqual(theirs.manifests.map((d) => d.platform), [s.children[2]!.platform, s.children[3]!.platform]);
  });

  it('layout -> registry: a subset index is stored under the tag, and skopeo reads it from the registry', async () => {
    const s = await fivePlatforms();
    const r = await runCli('cp', '--from-oci-layout', `${s.store.location}:v1`, `${registry.host}/subset/app:v1`, '--plain-http', '--platform', 'linux/amd64,*/s390x');
    assert.equal(r.code, 0, r.stderr);
    const m = /new digest (sha256:[0-9a-f]{64})/.exec(r.stderr);
    assert.ok(m, r.stderr);
    const raw = skopeo('inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/subset/app:v1`);
    assert.equal(digestOf(raw), m[1]);
    assert.deepEqual((JSON.parse(raw.toString('utf8')) as ImageIndex).manifests.map((d) => d.digest), [s.children[0]!.digest, s.children[4]!.digest]);
  });
});
