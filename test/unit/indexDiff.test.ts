import { strict as assert } from 'node:assert';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { diffIndexGraphs, type IndexGraph, type IndexGraphChild } from '../../src/oci/imageIndex/diff';
import { MediaType } from '../../src/oci/mediaType';
import type { Target } from '../../src/oci/target';
import { runCli, runCliIn } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, pushBlob, pushManifest } from './builders';
import { makeBuildxAttestation, SPDX } from './coverageLayout';

/** An image whose config has a `created` date, with the given layers. */
async function imageCreated(target: Target, arch: string, created: string, layers: string[]): Promise<Descriptor> {
  const layerDescs = [];
  for (const l of layers) layerDescs.push(await pushBlob(target, l, MediaType.ImageLayer));
  const config = await pushBlob(target, JSON.stringify({ architecture: arch, os: 'linux', created, rootfs: { type: 'layers', diff_ids: layerDescs.map((d) => d.digest) } }), MediaType.ImageConfig);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: layerDescs };
  return { ...(await pushManifest(target, manifest)), platform: { os: 'linux', architecture: arch } };
}

describe('manifest index diff', () => {
  after(cleanupTemps);
  let dir: string;
  let amd1: Descriptor;
  let amd2: Descriptor;
  let arm64: Descriptor;
  let armv7: Descriptor;
  let s390x: Descriptor;
  let v1: Descriptor;
  let v2: Descriptor;

  before(async () => {
    const store = await newLayout();
    dir = store.location;
    amd1 = await imageCreated(store, 'amd64', '2026-01-01T00:00:00Z', ['amd64 layer 1\n']);
    amd2 = await imageCreated(store, 'amd64', '2026-02-01T00:00:00Z', ['amd64 layer 1\n', 'amd64 layer 2, longer\n']);
    arm64 = await makeImage(store, { os: 'linux', arch: 'arm64' });
    armv7 = await makeImage(store, { os: 'linux', arch: 'arm', variant: 'v7' });
    s390x = await makeImage(store, { os: 'linux', arch: 's390x' });
    v1 = await makeIndex(store, [amd1, arm64, armv7], { annotations: { 'org.example.keep': 'x', 'org.opencontainers.image.version': '1' } });
    v2 = await makeIndex(store, [amd2, arm64, s390x], { annotations: { 'org.example.keep': 'x', 'org.example.new': 'y', 'org.opencontainers.image.version': '2' } });
    await store.tag(v1, 'v1');
    await store.tag(v2, 'v2');
    await store.tag(amd1, 'amd1');
    await makeArtifact(store, { subject: amd1, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' });
    await makeArtifact(store, { subject: amd2, artifactType: 'application/spdx+json' });
    await makeArtifact(store, { subject: arm64, artifactType: 'application/spdx+json' }); // the same in both: no change
    await makeArtifact(store, { subject: arm64, artifactType: 'application/vnd.in-toto+json' }); // likewise
    await makeArtifact(store, { subject: v2, artifactType: 'application/vnd.example.release-notes' });
  });

  it('lists platforms added, removed and changed, annotation changes and referrers, one line each', async () => {
    const r = await runCli('manifest', 'index', 'diff', '--oci-layout', `${dir}:v1`, `${dir}:v2`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        `--- ${dir}:v1 ${v1.digest}`,
        `+++ ${dir}:v2 ${v2.digest}`,
        `+ platform linux/s390x ${s390x.digest} (image, 1 layer, 21 bytes)`,
        `- platform linux/arm/v7 ${armv7.digest} (image, 1 layer, 22 bytes)`,
        `~ platform linux/amd64 ${amd1.digest} -> ${amd2.digest}`,
        '    created: 2026-01-01T00:00:00Z -> 2026-02-01T00:00:00Z',
        '    layers: 1 -> 2',
        '    size: 14 -> 36 bytes',
        '    + referrer application/spdx+json',
        '    - referrer application/vnd.dev.cosign.artifact.sig.v1+json',
        '+ annotation org.example.new=y',
        '~ annotation org.opencontainers.image.version: 1 -> 2',
        '+ referrer application/vnd.example.release-notes',
        '',
      ].join('\n'),
    );
  });

  it('--format json has the documented shape', async () => {
    const r = await runCli('manifest', 'index', 'diff', '--oci-layout', `${dir}:v1`, `${dir}@${v2.digest}`, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    const child = (d: Descriptor, key: string, image: IndexGraphChild['image'], referrers: string[]): IndexGraphChild => ({
      key,
      digest: d.digest,
      mediaType: MediaType.ImageManifest,
      size: d.size,
      image,
      referrers,
    });
    const a = child(amd1, 'linux/amd64', { created: '2026-01-01T00:00:00Z', layers: 1, size: 14 }, ['application/vnd.dev.cosign.artifact.sig.v1+json']);
    const b = child(amd2, 'linux/amd64', { created: '2026-02-01T00:00:00Z', layers: 2, size: 36 }, ['application/spdx+json']);
    assert.deepEqual(json, {
      a: { reference: `${dir}:v1`, digest: v1.digest },
      b: { reference: `${dir}@${v2.digest}`, digest: v2.digest },
      same: false,
      platforms: {
        added: [child(s390x, 'linux/s390x', { created: null, layers: 1, size: 21 }, [])],
        removed: [child(armv7, 'linux/arm/v7', { created: null, layers: 1, size: 22 }, [])],
        changed: [
          {
            key: 'linux/amd64',
            a,
            b,
            digest: { a: amd1.digest, b: amd2.digest },
            created: { a: '2026-01-01T00:00:00Z', b: '2026-02-01T00:00:00Z' },
            layers: { a: 1, b: 2 },
            size: { a: 14, b: 36 },
            referrersGained: ['application/spdx+json'],
            referrersLost: ['application/vnd.dev.cosign.artifact.sig.v1+json'],
          },
        ],
      },
      annotations: { added: { 'org.example.new': 'y' }, removed: {}, changed: { 'org.opencontainers.image.version': { a: '1', b: '2' } } },
      referrers: { gained: ['application/vnd.example.release-notes'], lost: [] },
    });
  });

  it('shows a buildx attestation entry as a referrer of the platform it describes, never as a platform unknown/unknown', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const arm = await makeImage(store, { arch: 'arm64' });
    await store.tag(await makeIndex(store, [amd, arm, await makeBuildxAttestation(store, amd, [SPDX])]), 'a');
    await store.tag(await makeIndex(store, [amd, arm, await makeBuildxAttestation(store, arm, [SPDX])]), 'b');
    const r = await runCli('manifest', 'index', 'diff', '--oci-layout', `${store.location}:a`, `${store.location}:b`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').slice(2), [
      `~ platform linux/amd64 ${amd.digest}`,
      '    - referrer vnd.docker.reference.type=attestation-manifest',
      `~ platform linux/arm64 ${arm.digest}`,
      '    + referrer vnd.docker.reference.type=attestation-manifest',
      '',
    ]);
  });

  it('says so when there is no difference', async () => {
    const r = await runCli('manifest', 'index', 'diff', '--oci-layout', `${dir}:v1`, `${dir}:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `--- ${dir}:v1 ${v1.digest}\n+++ ${dir}:v1 ${v1.digest}\nNo differences: the same index\n`);
  });

  it('refuses bad input with an Error naming the reference', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--oci-layout', `${dir}:v1`, `${dir}:nope`], new RegExp(`^Error: ${dir}:nope: .*not found`)],
      [['--oci-layout', `${dir}:v1`, `${dir}:amd1`], new RegExp(`^Error: ${dir}:amd1: not an index \\(${MediaType.ImageManifest.replace(/[.+]/g, '\\$&')}\\)`)],
      [['--oci-layout', `${dir}:v1`, `${dir}-missing:v1`], new RegExp(`^Error: ${dir}-missing:v1: `)],
      [['--oci-layout', `${dir}`, `${dir}:v1`], new RegExp(`^Error: ${dir}: no tag or digest given`)],
      // Both sides are read at once; when both fail, the first is the one said.
      [['--oci-layout', `${dir}:amd1`, `${dir}:nope`], new RegExp(`^Error: ${dir}:amd1: not an index`)],
      [['--oci-layout', `${dir}:nope`, `${dir}:amd1`], new RegExp(`^Error: ${dir}:nope: .*not found`)],
      [['--oci-layout', `${dir}:v1`, `${dir}:v2`, '--format', 'yaml'], /^Error: unsupported format "yaml"/],
    ];
    for (const [args, expected] of cases) {
      const r = await runCli('manifest', 'index', 'diff', ...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, expected);
      assert.equal(r.stdout, '');
    }
  });

  it('names a damaged index once: a relative layout path is not put in front of the error that names it in full', async () => {
    const store = await newLayout();
    const index = await makeIndex(store, [await makeImage(store, { os: 'linux', arch: 'arm64' })]);
    await store.tag(index, 'damaged');
    appendFileSync(join(store.location, 'blobs', 'sha256', index.digest.slice('sha256:'.length)), ' ');
    const r = await runCliIn(store.location, 'manifest', 'index', 'diff', '--oci-layout', '.:damaged', '.:damaged');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: manifest ${index.digest} in ${store.location}:damaged: size ${index.size + 1}, expected ${index.size}\n`);
  });

  it('diffIndexGraphs: repeated platforms are told apart by order; the same children in another order differ in no listed way', () => {
    const c = (key: string, digest: string): IndexGraphChild => ({ key, digest, mediaType: MediaType.ImageManifest, size: 1, image: null, referrers: [] });
    const a: IndexGraph = { reference: 'a', digest: 'sha256:a', annotations: {}, referrers: [], children: [c('unknown/unknown', 'sha256:1'), c('unknown/unknown #2', 'sha256:2')] };
    const b: IndexGraph = { ...a, reference: 'b', digest: 'sha256:b', children: [...a.children].reverse() };
    const same = diffIndexGraphs(a, b);
    assert.equal(same.same, true);
    assert.deepEqual(same.platforms, { added: [], removed: [], changed: [] });
    const changed = diffIndexGraphs(a, { ...b, children: [c('unknown/unknown', 'sha256:1'), c('unknown/unknown #2', 'sha256:3')] });
    assert.deepEqual(changed.platforms.changed.map((x) => [x.key, x.digest, x.created, x.layers]), [['unknown/unknown #2', { a: 'sha256:2', b: 'sha256:3' }, null, null]]);
  });
});
