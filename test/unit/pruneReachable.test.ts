import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { encodeIndex, encodeManifest } from '../../src/oci/encoding/goJson';
import { MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { checkLayoutEntries, GraphCheck } from '../../src/oci/check';
import { OciLayoutStore } from '../../src/oci/layout';
import { lookAtUnreachable } from '../../src/oci/layout/unreachable';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, pushBlob, tagRawDocument } from './builders';
import { makeBuildxAttestation, makeReleaseLayout, SLSA } from './coverageLayout';

const REF_NAME = 'org.opencontainers.image.ref.name';
const HOUR_AGO = new Date(Date.now() - 3_600_000);

function raw(dir: string, bytes: Buffer, mediaType: string): Descriptor {
  const digest = digestOf(bytes);
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { mediaType, digest, size: bytes.length };
}

function stored(dir: string): string[] {
  return readdirSync(join(dir, 'blobs', 'sha256')).map((h) => `sha256:${h}`).sort();
}

function doc(dir: string, digest: string): any {
  const path = join(dir, 'blobs', 'sha256', digest.slice(7));
  if (!existsSync(path)) return undefined;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8'));
    // Manifests and indexes only: an in-toto statement has a `subject` too, of another shape.
    return m?.schemaVersion === 2 ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The test's own account of what must stay: from `roots`, children, configs, layers and subjects, and every
 * manifest listed in index.json (untagged, or by a fallback tag's index) whose subject is reached, until nothing
 * changes. Independent of prune's code.
 */
function mustKeep(dir: string, roots: string[]): Set<string> {
  const entries: Array<{ digest: string; annotations?: Record<string, string> }> = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).manifests;
  const seen = new Set<string>();
  const visit = (start: string[]) => {
    const queue = [...start];
    while (queue.length) {
      const d = queue.pop()!;
      if (seen.has(d)) continue;
      seen.add(d);
      const m = doc(dir, d);
      if (!m) continue;
      for (const c of [...(m.manifests ?? []), ...(m.layers ?? []), ...(m.config ? [m.config] : []), ...(m.subject ? [m.subject] : [])]) queue.push(c.digest);
    }
  };
  visit(roots);
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of entries) {
      if (seen.has(e.digest)) continue;
      if (seen.has(doc(dir, e.digest)?.subject?.digest)) {
        visit([e.digest]);
        changed = true;
      }
    }
  }
  return seen;
}

function verifies(dir: string, digest: string): boolean {
  const path = join(dir, 'blobs', 'sha256', digest.slice(7));
  return existsSync(path) && `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}` === digest;
}

/**
 * Every kind of reference: a buildx release (attestation entries in the index, referrers by subject listed
 * untagged, cosign tags), that release nested in an outer index which is nested again, a regclient fallback-tag
 * index listing a referrer index.json does not list otherwise (and a referrer of that one), a cycle through
 * referrers (a signature of `cyc` listed untagged and by `cyc`'s fallback tag, its subject leading back), an
 * untagged index that lost its tag, with a referrer; and garbage of each kind: an abandoned image, an attestation
 * manifest no index lists, an artifact whose subject is garbage, a lone blob.
 */
async function layout() {
  const release = await makeReleaseLayout();
  const { store } = release;
  const dir = store.location;
  const middle = await makeIndex(store, [release.index]);
  const outer = await makeIndex(store, [middle]);
  await store.tag(outer, 'nested');
  const empty = { mediaType: MediaType.Empty, digest: digestOf(Buffer.from('{}')), size: 2 };
  const eolLayer = raw(dir, Buffer.from('end of life\n'), 'application/vnd.eol+json');
  const eol = raw(dir, encodeManifest({ schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: 'application/vnd.eol+json', config: empty, layers: [eolLayer], subject: release.index }), MediaType.ImageManifest);
  const eolSigLayer = raw(dir, Buffer.from('signature of the eol artifact\n'), 'application/octet-stream');
  const eolSig = raw(dir, encodeManifest({ schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: 'application/vnd.sig', config: empty, layers: [eolSigLayer], subject: eol }), MediaType.ImageManifest);
  // Only fallback tags list these two: `sha256-<index>` lists eol, `sha256-<eol>` lists its signature.
  await store.tag(raw(dir, encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [eol] }), MediaType.ImageIndex), `sha256-${release.index.digest.slice(7)}`);
  await store.tag(raw(dir, encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [eolSig] }), MediaType.ImageIndex), `sha256-${eol.digest.slice(7)}`);

  const cyc = await makeIndex(store, [await makeImage(store, { arch: 'riscv64' })]);
  await store.tag(cyc, 'cyc');
  const cycSig = await makeArtifact(store, { subject: cyc, artifactType: 'application/vnd.cyc.sig' });
  await store.tag(raw(dir, encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [cycSig] }), MediaType.ImageIndex), `sha256-${cyc.digest.slice(7)}`);

  const lost = await makeIndex(store, [await makeImage(store, { arch: 'ppc64le' })]);
  await store.tag(lost, 'lost');
  await store.untag('lost');
  const lostEntry = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  lostEntry.manifests.push({ mediaType: lost.mediaType, digest: lost.digest, size: lost.size });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(lostEntry));
  const lostSig = await makeArtifact(store, { subject: lost, artifactType: 'application/vnd.lost.sig' });

  const before = stored(dir);
  const abandoned = await makeImage(store, { arch: 'mips64le', layers: ['abandoned layer\n'] });
  const strayAttestation = await makeBuildxAttestation(store, abandoned, [SLSA]);
  const garbageArtifactLayer = raw(dir, Buffer.from('about garbage\n'), 'application/octet-stream');
  const garbageArtifact = raw(dir, encodeManifest({ schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: 'application/vnd.x', config: empty, layers: [garbageArtifactLayer], subject: abandoned }), MediaType.ImageManifest);
  const lone = raw(dir, Buffer.from('a lone blob\n'), 'application/octet-stream');
  const garbage = stored(dir).filter((d) => !before.includes(d));
  for (const d of [abandoned, strayAttestation, garbageArtifact, garbageArtifactLayer, lone]) assert.ok(garbage.includes(d.digest));
  for (const hex of readdirSync(join(dir, 'blobs', 'sha256'))) utimesSync(join(dir, 'blobs', 'sha256', hex), HOUR_AGO, HOUR_AGO);
  return { ...release, dir, outer, eol, eolSig, cyc, cycSig, lost, lostSig, garbage };
}

/** What our own tools say about the layout: tags, referrers of each tag (recursively), each tag's tree. */
async function answers(dir: string, tags: string[]) {
  const out: Record<string, string> = { tags: (await runCli('repo', 'tags', '--oci-layout', dir, '--all')).stdout };
  for (const t of tags) out[`discover ${t}`] = (await runCli('discover', '--oci-layout', `${dir}:${t}`, '--format', 'json')).stdout;
  return out;
}

describe('prune keeps everything reachable, through every kind of reference', function () {
  // Dozens of CLI runs and exports: slow on a busy machine.
  this.timeout(120_000);
  after(cleanupTemps);

  it('removes only the garbage; every digest reachable before is stored and verifies after; tags and discover answer the same', async () => {
    const l = await layout();
    const entries: Array<{ digest: string }> = JSON.parse(readFileSync(join(l.dir, 'index.json'), 'utf8')).manifests;
    const keep = mustKeep(l.dir, entries.map((e) => e.digest));
    for (const d of [l.artifacts.attAmd64!, l.artifacts.attArm64!, l.eol, l.eolSig, l.cycSig, l.lost, l.lostSig, l.outer]) assert.ok(keep.has(d.digest), `the test layout reaches ${d.digest}`);
    // The buildx attestation layers (in-toto statements) are reached through their manifests.
    for (const att of [l.artifacts.attAmd64!, l.artifacts.attArm64!]) for (const layer of doc(l.dir, att.digest).layers) assert.ok(keep.has(layer.digest));
    assert.deepEqual(stored(l.dir).filter((d) => !keep.has(d)), [...l.garbage].sort(), 'exactly the garbage is unreachable');
    const tags = ['v1', 'nested', 'cyc', ...l.cosignTags];
    const before = await answers(l.dir, tags);

    const r = await runCli('prune', '--oci-layout', l.dir, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).removed.map((f: { digest: string }) => f.digest).sort(), [...l.garbage].sort());
    for (const d of keep) assert.ok(verifies(l.dir, d), `${d} is stored and verifies after prune`);
    assert.deepEqual(stored(l.dir), [...keep].filter((d) => existsSync(join(l.dir, 'blobs', 'sha256', d.slice(7)))).sort());
    assert.deepEqual(await answers(l.dir, tags), before);
  });

  it('with --untagged, drops the index that lost its tag and its referrer, and keeps every referrer of what stays', async () => {
    const l = await layout();
    const entries: Array<{ digest: string; annotations?: Record<string, string> }> = JSON.parse(readFileSync(join(l.dir, 'index.json'), 'utf8')).manifests;
    const keep = mustKeep(l.dir, entries.filter((e) => e.annotations?.[REF_NAME] !== undefined).map((e) => e.digest));
    for (const d of [l.artifacts.notary!, l.artifacts.cyclonedx!, l.artifacts.attAmd64!, l.eol, l.eolSig, l.cycSig]) assert.ok(keep.has(d.digest), `kept: ${d.digest}`);
    assert.ok(!keep.has(l.lost.digest) && !keep.has(l.lostSig.digest));
    const tags = ['v1', 'nested', 'cyc', ...l.cosignTags];
    const before = await answers(l.dir, tags);

    const r = await runCli('prune', '--oci-layout', l.dir, '--untagged', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).untagged.map((e: { digest: string }) => e.digest).sort(), [l.lost.digest, l.lostSig.digest].sort());
    for (const d of keep) assert.ok(verifies(l.dir, d), `${d} is stored and verifies after prune --untagged`);
    assert.deepEqual(stored(l.dir), [...keep].filter((d) => existsSync(join(l.dir, 'blobs', 'sha256', d.slice(7)))).sort());
    assert.deepEqual(await answers(l.dir, tags), before);
  });

  it("a whole check counts exactly prune's garbage through the manifests it read (not read again), as a fresh walk does", async () => {
    const l = await layout();
    const store = await OciLayoutStore.open(l.dir);
    const check = new GraphCheck(store, { fast: true });
    await checkLayoutEntries(store, check, l.dir);
    const digests = (g: Awaited<ReturnType<typeof lookAtUnreachable>> | undefined) => ('blobs' in g! ? g.blobs.filter((b) => !b.young).map((b) => b.digest).sort() : g);
    // Through the store: the references of every manifest the check read are the store's facts of them.
    assert.deepEqual(digests(await store.unreachableBlobs()), [...l.garbage].sort());
    assert.deepEqual(digests(await lookAtUnreachable(l.dir)), [...l.garbage].sort());
    const summary = check.report().problems.find((p) => p.code === 'unreachable-blobs')!;
    assert.match(summary.message, new RegExp(`^${l.garbage.length} blobs, `));
  });

  it('keeps what a manifest written with leading whitespace references (JSON allows it; the store reads it as a manifest)', async () => {
    const store = await newLayout();
    const layer = await pushBlob(store, 'layer of a manifest another tool indented\n');
    const config = await pushBlob(store, '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}', MediaType.ImageConfig);
    const bytes = `\n  ${encodeManifest({ schemaVersion: 2, mediaType: MediaType.ImageManifest, config, layers: [layer] }).toString()}`;
    tagRawDocument(store.location, bytes, MediaType.ImageManifest, 'indented');
    const r = await runCli('prune', '--oci-layout', store.location, '--grace', '0', '--dry-run', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).removed, []);
  });
});
