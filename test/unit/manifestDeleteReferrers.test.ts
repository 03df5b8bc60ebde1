import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { encodeIndex, encodeManifest } from '../../src/oci/encoding/goJson';
import { planDeleteWithReferrers, runDeletePlan } from '../../src/oci/graph';
import { OciLayoutStore } from '../../src/oci/layout';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { startOciServer } from '../integration/support';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeDeleteGraph, makeImage, makeIndex, newLayout, tempDir } from './builders';

function writeRaw(dir: string, bytes: Buffer | string, mediaType: string): Descriptor {
  const buf = Buffer.from(bytes);
  const digest = digestOf(buf);
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), buf);
  return { mediaType, digest, size: buf.length };
}

const stored = (dir: string, d: Descriptor) => existsSync(join(dir, 'blobs', 'sha256', d.digest.slice(7)));

async function layout() {
  const store = await newLayout();
  const dir = store.location;
  const { amd, arm, multi, sbom, sig, armSig, amdSig } = await makeDeleteGraph(store);
  // A regclient-style referrer of multi, listed only by the fallback tag.
  const layer = writeRaw(dir, 'eol\n', 'application/octet-stream');
  const eolManifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: 'application/vnd.eol',
    config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length },
    layers: [layer],
    subject: { mediaType: multi.mediaType, digest: multi.digest, size: multi.size },
  };
  const eol = { ...writeRaw(dir, encodeManifest(eolManifest), MediaType.ImageManifest), artifactType: 'application/vnd.eol' };
  const fallback = writeRaw(dir, encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [eol] }), MediaType.ImageIndex);
  await store.tag(fallback, `sha256-${multi.digest.slice(7)}`);
  const other = await makeImage(store, { arch: 's390x' });
  await store.tag(other, 'other');
  return { store, dir, amd, arm, multi, sbom, sig, armSig, amdSig, eol, fallback, other };
}

describe('manifest delete --include-referrers', () => {
  after(cleanupTemps);
  const tty = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
  before(() => Object.defineProperty(process.stdin, 'isTTY', { value: false, configurable: true }));
  after(() => (tty ? Object.defineProperty(process.stdin, 'isTTY', tty) : delete (process.stdin as { isTTY?: boolean }).isTTY));

  it('prints the plan and, with standard input not a terminal and no --force, refuses and changes nothing', async () => {
    const l = await layout();
    const indexBefore = readFileSync(join(l.dir, 'index.json'));
    const r = await runCli('manifest', 'delete', '--oci-layout', `${l.dir}:multi`, '--include-referrers');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /confirm the deletion with --force/);
    const d = (x: Descriptor) => `${l.dir}@${x.digest}`;
    assert.equal(
      r.stdout,
      [
        'Deleting 7 manifests:',
        `  ${d(l.sig)} (application/vnd.sig, referrer of ${l.sbom.digest})`,
        `  ${d(l.fallback)} (${MediaType.ImageIndex}, fallback tag listing the referrers of ${l.multi.digest})`,
        `  ${d(l.armSig)} (application/vnd.sig, referrer of ${l.arm.digest})`,
        `  ${d(l.sbom)} (application/spdx+json, referrer of ${l.multi.digest})`,
        `  ${d(l.eol)} (application/vnd.eol, referrer of ${l.multi.digest})`,
        `  ${d(l.multi)} (${MediaType.ImageIndex})`,
        `  ${d(l.arm)} (${MediaType.ImageManifest} linux/arm64, child of ${l.multi.digest})`,
        `Keeping ${d(l.amd)} (${MediaType.ImageManifest} linux/amd64): reached from elsewhere`,
        'Configs and layers stay until unreachable content is collected (manifold prune, on a layout)',
      ].join('\n') + '\n',
    );
    assert.ok(readFileSync(join(l.dir, 'index.json')).equals(indexBefore));
  });

  it('with --force deletes the plan, referrers before subjects, and leaves what else reaches intact', async () => {
    const l = await layout();
    const r = await runCli('manifest', 'delete', '--oci-layout', `${l.dir}:multi`, '--include-referrers', '--force');
    assert.equal(r.code, 0, r.stderr);
    for (const x of [l.multi, l.sbom, l.sig, l.eol, l.fallback, l.arm, l.armSig]) {
      assert.ok(!stored(l.dir, x), `${x.digest} deleted`);
      assert.match(r.stdout, new RegExp(`^Deleted \\[oci-layout\\] .*@${x.digest}$`, 'm'));
    }
    const at = (x: Descriptor) => r.stdout.lastIndexOf(`@${x.digest}`); // its Deleted line, after the plan
    // Referrers before their subjects, the fallback index before what it lists, the index before its child.
    for (const [first, then] of [[l.sig, l.sbom], [l.sbom, l.multi], [l.eol, l.multi], [l.fallback, l.eol], [l.armSig, l.arm], [l.multi, l.arm]] as const) {
      assert.ok(at(first) < at(then), `${first.digest} deleted before ${then.digest}`);
    }
    for (const x of [l.amd, l.amdSig, l.other]) assert.ok(stored(l.dir, x), `${x.digest} kept`);
    const store = await OciLayoutStore.open(l.dir);
    const entries = await store.entries();
    assert.deepEqual(entries.map((e) => e.annotations?.['org.opencontainers.image.ref.name'] ?? e.digest).sort(), ['amd', 'other', l.amdSig.digest].sort());
    const refs: string[] = [];
    for await (const x of store.referrers(l.amd)) refs.push(x.digest);
    assert.deepEqual(refs, [l.amdSig.digest]);
    // What is left unreachable is for prune: configs and layers of the deleted manifests.
    const pruned = await runCli('prune', '--oci-layout', l.dir, '--grace', '0', '--format', 'json');
    assert.ok(JSON.parse(pruned.stdout).removed.length > 0);
    assert.equal((await runCli('manifest', 'fetch', '--oci-layout', `${l.dir}:amd`)).code, 0);
  });

  it('runDeletePlan deletes in the plan\'s order and reports a planned manifest that is not stored as missing', async () => {
    const l = await layout();
    const plan = await planDeleteWithReferrers(l.store, l.multi);
    rmSync(join(l.dir, 'blobs', 'sha256', l.eol.digest.slice(7))); // listed by the fallback tag, gone from blobs/
    const seen: string[] = [];
    const outcome = await runDeletePlan(l.store, plan, { onDeleted: (d, missing) => seen.push(`${missing ? 'missing' : 'deleted'} ${d.digest}`) });
    assert.deepEqual(outcome.missing.map((d) => d.digest), [l.eol.digest]);
    assert.deepEqual(outcome.deleted.map((d) => d.digest), plan.deletions.map((p) => p.desc.digest).filter((d) => d !== l.eol.digest));
    assert.deepEqual(seen, plan.deletions.map((p) => `${p.desc.digest === l.eol.digest ? 'missing' : 'deleted'} ${p.desc.digest}`));
    for (const x of [l.multi, l.sbom, l.sig, l.fallback, l.arm, l.armSig]) assert.ok(!stored(l.dir, x), `${x.digest} deleted`);
    for (const x of [l.amd, l.amdSig, l.other]) assert.ok(stored(l.dir, x), `${x.digest} kept`);
  });

  it('an image with no referrers: the plan is the image alone', async () => {
    const l = await layout();
    const r = await runCli('manifest', 'delete', '--oci-layout', `${l.dir}:other`, '--include-referrers', '--force');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], 'Deleting 1 manifest:');
    assert.ok(!stored(l.dir, l.other) && stored(l.dir, l.multi));
  });

  it('on a registry: deletes the index and its referrers (referrers API), keeps the children', async () => {
    const server = await startOciServer();
    const savedDockerConfig = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = tempDir('manifold-docker-');
    try {
      const store = await newLayout();
      const amd = await makeImage(store, { arch: 'amd64' });
      const arm = await makeImage(store, { arch: 'arm64' });
      const multi = await makeIndex(store, [amd, arm]);
      await store.tag(multi, 'v1');
      const sbom = await makeArtifact(store, { subject: multi, artifactType: 'application/spdx+json' });
      const sig = await makeArtifact(store, { subject: sbom, artifactType: 'application/vnd.sig' });
      const repo = `${server.host}/team/app`;
      const up = await runCli('cp', '-r', '--from-oci-layout', `${store.location}:v1`, `${repo}:v1`, '--plain-http');
      assert.equal(up.code, 0, up.stderr);
      const r = await runCli('manifest', 'delete', `${repo}:v1`, '--include-referrers', '--force', '--plain-http');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Deleting 3 manifests:$/m);
      assert.match(r.stdout, /a registry does not say what else reaches them/);
      const fetch = (d: Descriptor) => runCli('manifest', 'fetch', `${repo}@${d.digest}`, '--plain-http');
      for (const d of [multi, sbom, sig]) assert.notEqual((await fetch(d)).code, 0, `${d.digest} deleted`);
      for (const d of [amd, arm]) assert.equal((await fetch(d)).code, 0, `${d.digest} kept`);
    } finally {
      await server.stop();
      if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = savedDockerConfig;
    }
  });
});
