// `manifest index update --remove-platform`: a platform is removed by name (oras's --remove wants each digest),
// every child of it, with the attestation entries buildx lists for them.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageIndex } from '../../src/oci/descriptor';
import type { OciLayoutStore } from '../../src/oci/layout';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, folderSnapshot, makeArtifact, makeImage, makeIndex, newLayout } from './builders';

interface Fixture {
  store: OciLayoutStore;
  amd: Descriptor;
  arm: Descriptor;
  v7: Descriptor;
  win: Descriptor;
  /** buildx's attestation entry for the arm64 image. */
  armAttestation: Descriptor;
}

/** `v1`: linux/amd64, linux/arm64 (with a buildx attestation entry), linux/arm/v7, windows/amd64. */
async function fixture(): Promise<Fixture> {
  const store = await newLayout();
  const amd = await makeImage(store, { arch: 'amd64' });
  const arm = await makeImage(store, { arch: 'arm64', variant: 'v8' });
  const v7 = await makeImage(store, { arch: 'arm', variant: 'v7' });
  const win = await makeImage(store, { os: 'windows', arch: 'amd64' });
  const statement = await makeArtifact(store, { artifactType: 'application/vnd.in-toto+json' });
  const armAttestation: Descriptor = {
    ...statement,
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': arm.digest },
  };
  await store.tag(await makeIndex(store, [amd, arm, armAttestation, v7, win]), 'v1');
  return { store, amd, arm, v7, win, armAttestation };
}

function children(store: OciLayoutStore, digest: string): string[] {
  const index = JSON.parse(readFileSync(join(store.location, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as ImageIndex;
  return index.manifests.map((m) => m.digest);
}

describe('manifest index update --remove-platform', () => {
  after(cleanupTemps);

  it('removes a platform and its attestation entry, says which, and moves the tag', async () => {
    const { store, amd, arm, v7, win, armAttestation } = await fixture();
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${store.location}:v1`, '--remove-platform', 'linux/arm64');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`Removed   ${arm.digest} linux/arm64/v8\n`), r.stdout);
    assert.ok(r.stdout.includes(`Removed   ${armAttestation.digest} attestation of linux/arm64/v8\n`), r.stdout);
    const digest = /Digest: (sha256:[0-9a-f]{64})\n$/.exec(r.stdout)![1]!;
    assert.equal((await store.resolve('v1')).digest, digest);
    assert.deepEqual(children(store, digest), [amd.digest, v7.digest, win.digest]);
  });

  it('removes every match of a wildcard and of a comma list, keeping the order of the rest', async () => {
    const { store, amd, v7 } = await fixture();
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${store.location}:v1`, '--remove-platform', 'windows/*,linux/arm64', '--tag', 'slim');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(children(store, (await store.resolve('slim')).digest), [amd.digest, v7.digest]);
  });

  it('removes a platform listed twice (both entries), as a user asking for it expects', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const amd2 = await makeImage(store, { arch: 'amd64', seed: 'rebuilt' });
    const arm = await makeImage(store, { arch: 'arm64' });
    await store.tag(await makeIndex(store, [amd, arm, amd2]), 'v1');
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${store.location}:v1`, '--remove-platform', 'linux/amd64');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(children(store, (await store.resolve('v1')).digest), [arm.digest]);
  });

  it('refuses a platform the index does not have, naming the platforms it has, and changes nothing', async () => {
    const { store } = await fixture();
    const before = folderSnapshot(store.location);
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${store.location}:v1`, '--remove-platform', 'linux/s390x', '--remove-platform', 'linux/amd64');
    assert.equal(r.code, 1);
    assert.ok(r.stderr.endsWith('Error: no manifest for platform linux/s390x in the index v1; it has linux/amd64, linux/arm64/v8, linux/arm/v7, windows/amd64\n'), r.stderr);
    assert.deepEqual(folderSnapshot(store.location), before);
  });

  it('--remove given a platform points at --remove-platform; a malformed platform is named', async () => {
    const { store } = await fixture();
    let r = await runCli('manifest', 'index', 'update', '--oci-layout', `${store.location}:v1`, '--remove', 'linux/arm64');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: remove: linux\/arm64 is not a digest; to remove a platform, use --remove-platform linux\/arm64\n/);
    r = await runCli('manifest', 'index', 'update', '--oci-layout', `${store.location}:v1`, '--remove-platform', 'linux');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: failed to parse platform "linux": no "\/"/);
  });

  it('--remove DIGEST removes exactly the digests given, as oras does (the attestation entry stays)', async () => {
    const { store, amd, arm, armAttestation, v7, win } = await fixture();
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${store.location}:v1`, '--remove', arm.digest);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(children(store, (await store.resolve('v1')).digest), [amd.digest, armAttestation.digest, v7.digest, win.digest]);
  });

  it('--output writes the document without the platform and stores nothing', async () => {
    const { store, amd, arm, armAttestation, v7 } = await fixture();
    const before = folderSnapshot(store.location);
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${store.location}:v1`, '--remove-platform', 'windows/amd64', '--output', '-');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as ImageIndex).manifests.map((m) => m.digest), [amd.digest, arm.digest, armAttestation.digest, v7.digest]);
    assert.deepEqual(folderSnapshot(store.location), before);
  });
});
