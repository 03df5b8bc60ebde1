import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { encodeIndex, encodeManifest } from '../../src/oci/encoding/goJson';
import { OciLayoutStore, TEMP_DIR } from '../../src/oci/layout';
import { pruneLayout } from '../../src/oci/layout/prune';
import { writeLayoutTar } from '../../src/oci/layout/tarExport';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { parseDuration } from '../../src/cli/commands/prune';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout } from './builders';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** Bytes straight into blobs/ (no index.json listing, whatever they are), as another tool or a crash leaves them. */
function writeRaw(dir: string, bytes: Buffer | string, mediaType: string = MediaType.ImageLayer): Descriptor {
  const buf = Buffer.from(bytes);
  const digest = digestOf(buf);
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), buf);
  return { mediaType, digest, size: buf.length };
}

function rawArtifact(dir: string, subject: Descriptor, artifactType: string): Descriptor {
  const layer = writeRaw(dir, `${artifactType} on ${subject.digest}\n`, 'application/octet-stream');
  writeRaw(dir, EMPTY_JSON, MediaType.Empty);
  const m: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType,
    config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length },
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  return { ...writeRaw(dir, encodeManifest(m), MediaType.ImageManifest), artifactType };
}

function indexJson(dir: string): { manifests: Descriptor[] } {
  return JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
}

function storedBlobs(dir: string): string[] {
  return readdirSync(join(dir, 'blobs', 'sha256')).map((h) => `sha256:${h}`).sort();
}

/** Every digest index.json reaches through children, configs, layers and subjects: the test's own walk. */
function reachable(dir: string): Set<string> {
  const seen = new Set<string>();
  const queue = indexJson(dir).manifests.map((d) => d.digest);
  while (queue.length > 0) {
    const digest = queue.pop()!;
    if (seen.has(digest)) continue;
    seen.add(digest);
    const path = join(dir, 'blobs', 'sha256', digest.slice(7));
    if (!existsSync(path)) continue;
    let doc: any;
    try {
      doc = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      continue;
    }
    for (const d of [...(doc.manifests ?? []), ...(doc.layers ?? []), ...(doc.config ? [doc.config] : []), ...(doc.subject ? [doc.subject] : [])]) queue.push(d.digest);
  }
  return seen;
}

function verifies(dir: string, digest: string): boolean {
  const path = join(dir, 'blobs', 'sha256', digest.slice(7));
  return existsSync(path) && `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}` === digest;
}

function age(dir: string, when = HOUR_AGO): void {
  for (const hex of readdirSync(join(dir, 'blobs', 'sha256'))) utimesSync(join(dir, 'blobs', 'sha256', hex), when, when);
}

function addUntaggedEntry(dir: string, desc: Descriptor): void {
  const index = indexJson(dir) as any;
  index.manifests.push({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
}

/**
 * A layout with every kind of reference: a nested index (tag `nested`: index of an index of two images), a referrer
 * of the inner index listed untagged and a referrer of that referrer, an image (`solo`) whose referrer is listed
 * only by the fallback tag `sha256-<hex>`, a cycle (a referrer of the index `cyc` listed both untagged and by that
 * index's fallback tag, its subject leading back), an untagged index entry (lost its tag), and unreachable content.
 */
async function everyKindLayout() {
  const store = await newLayout();
  const dir = store.location;
  const amd = await makeImage(store, { arch: 'amd64' });
  const arm = await makeImage(store, { arch: 'arm64' });
  const inner = await makeIndex(store, [amd, arm]);
  const outer = await makeIndex(store, [inner]);
  await store.tag(outer, 'nested');
  const sbom = await makeArtifact(store, { subject: inner, artifactType: 'application/spdx+json' });
  const sig = await makeArtifact(store, { subject: sbom, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' });

  const solo = await makeImage(store, { arch: 's390x' });
  await store.tag(solo, 'solo');
  const eol = rawArtifact(dir, solo, 'application/vnd.eol+json');
  const fallback = writeRaw(dir, encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [eol] }), MediaType.ImageIndex);
  await store.tag(fallback, `sha256-${solo.digest.slice(7)}`);

  const cycImage = await makeImage(store, { arch: 'riscv64' });
  const cyc = await makeIndex(store, [cycImage]);
  await store.tag(cyc, 'cyc');
  const cycSig = await makeArtifact(store, { subject: cyc, artifactType: 'application/vnd.cyc.sig' });
  const cycFallback = writeRaw(dir, encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [cycSig] }), MediaType.ImageIndex);
  await store.tag(cycFallback, `sha256-${cyc.digest.slice(7)}`);

  // An index that lost its tag, listed untagged: a root, unless --untagged.
  const ppc = await makeImage(store, { arch: 'ppc64le' });
  const lost = await makeIndex(store, [ppc]);
  addUntaggedEntry(dir, lost);
  // A referrer of it, listed untagged: dropped with it by --untagged (its subject is no longer kept).
  const lostSig = await makeArtifact(store, { subject: lost, artifactType: 'application/vnd.lost.sig' });

  // Unreachable: an abandoned image (manifest, config, layer) and a lone blob.
  const abandoned = await makeImage(store, { arch: 'mips64le', layers: ['abandoned layer\n'] });
  const lone = writeRaw(dir, 'a lone blob\n');
  age(dir);
  mkdirSync(join(dir, TEMP_DIR), { recursive: true });
  writeFileSync(join(dir, TEMP_DIR, 'blob-1-0123456789ab'), 'half a blob');
  utimesSync(join(dir, TEMP_DIR, 'blob-1-0123456789ab'), HOUR_AGO, HOUR_AGO);
  writeFileSync(join(dir, 'index.json.lock.0123456789abcdef'), '{"pid":1}');
  utimesSync(join(dir, 'index.json.lock.0123456789abcdef'), HOUR_AGO, HOUR_AGO);
  return { store, dir, amd, arm, inner, outer, sbom, sig, solo, eol, fallback, cyc, cycSig, lost, lostSig, ppc, abandoned, lone };
}

function abandonedBlobs(dir: string, abandoned: Descriptor): Descriptor[] {
  const m = JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', abandoned.digest.slice(7)), 'utf8'));
  return [{ ...abandoned }, m.config, ...m.layers];
}

describe('prune', () => {
  after(cleanupTemps);

  it('removes exactly what nothing reaches, with the dry run saying so first, byte for byte', async () => {
    const l = await everyKindLayout();
    const before = reachable(l.dir);
    for (const d of [l.amd, l.arm, l.inner, l.outer, l.sbom, l.sig, l.solo, l.eol, l.fallback, l.cyc, l.cycSig, l.lost, l.lostSig, l.ppc]) {
      assert.ok(before.has(d.digest), `the test layout reaches ${d.digest}`);
    }
    const gone = [...abandonedBlobs(l.dir, l.abandoned), l.lone];
    for (const d of gone) assert.ok(!before.has(d.digest));
    const blobsBefore = storedBlobs(l.dir);
    const indexBefore = readFileSync(join(l.dir, 'index.json'));

    const sorted = [...gone].sort((a, b) => (a.digest < b.digest ? -1 : 1));
    const bytes = gone.reduce((n, d) => n + d.size, 0) + 'half a blob'.length + '{"pid":1}'.length;
    const expected = (verb: string, done: string) =>
      [
        ...sorted.map((d) => `${verb} blob ${d.digest} (${d.size} bytes)`),
        `${verb} temp file ${TEMP_DIR}/blob-1-0123456789ab (11 bytes)`,
        `${verb} lock leftover index.json.lock.0123456789abcdef (9 bytes)`,
        `${done} ${bytes} bytes: 4 blobs, 1 temp file, 1 lock leftover`,
      ].join('\n') + '\n';

    const dry = await runCli('prune', '--oci-layout', l.dir, '--dry-run');
    assert.equal(dry.stderr, '');
    assert.equal(dry.code, 0);
    assert.equal(dry.stdout, expected('Would remove', 'Would free'));
    assert.deepEqual(storedBlobs(l.dir), blobsBefore, 'a dry run removes nothing');
    assert.ok(readFileSync(join(l.dir, 'index.json')).equals(indexBefore));
    assert.ok(existsSync(join(l.dir, TEMP_DIR, 'blob-1-0123456789ab')));

    const real = await runCli('prune', '--oci-layout', l.dir);
    assert.equal(real.code, 0, real.stderr);
    assert.equal(real.stdout, expected('Removed', 'Freed'));
    for (const digest of before) assert.ok(verifies(l.dir, digest), `${digest} is still there and verifies`);
    for (const d of gone) assert.ok(!existsSync(join(l.dir, 'blobs', 'sha256', d.digest.slice(7))), `${d.digest} is gone`);
    assert.deepEqual(storedBlobs(l.dir), [...before].sort());
    assert.ok(readFileSync(join(l.dir, 'index.json')).equals(indexBefore), 'index.json is untouched');
    assert.equal(existsSync(join(l.dir, TEMP_DIR)), false);
    assert.ok(!existsSync(join(l.dir, 'index.json.lock.0123456789abcdef')));
    assert.ok(!existsSync(join(l.dir, 'index.json.lock')), 'the lock is released');

    // Everything still reads: tags, referrers in both conventions.
    const store = await OciLayoutStore.open(l.dir);
    const refs = async (d: Descriptor) => {
      const out: string[] = [];
      for await (const r of store.referrers(d)) out.push(r.digest);
      return out.sort();
    };
    assert.deepEqual(await refs(l.inner), [l.sbom.digest]);
    assert.deepEqual(await refs(l.sbom), [l.sig.digest]);
    assert.deepEqual(await refs(l.solo), [l.eol.digest]);
    assert.deepEqual(await refs(l.cyc), [l.cycSig.digest]);

    const again = await runCli('prune', '--oci-layout', l.dir, '--format', 'json');
    assert.deepEqual(JSON.parse(again.stdout), { dryRun: false, graceMs: 600_000, removed: [], untagged: [], young: [], bytes: 0, restoresLayoutFile: null });
  });

  it('keeps an unreachable blob younger than the grace period, and what a young manifest reaches', async () => {
    const l = await everyKindLayout();
    const fresh = writeRaw(l.dir, 'just written by another process\n');
    // A manifest just written (an index being created, not tagged yet) over an old, unlisted image.
    const m = JSON.parse(readFileSync(join(l.dir, 'blobs', 'sha256', l.abandoned.digest.slice(7)), 'utf8'));
    const creating = writeRaw(l.dir, encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [l.abandoned] }), MediaType.ImageIndex);
    const report = await pruneLayout(l.dir);
    assert.deepEqual(report.young.map((f) => f.digest).sort(), [fresh.digest, creating.digest].sort());
    assert.deepEqual(report.removed.map((f) => f.digest ?? f.path), [l.lone.digest, `${TEMP_DIR}/blob-1-0123456789ab`, 'index.json.lock.0123456789abcdef']);
    for (const d of [fresh, creating, l.abandoned, m.config, ...m.layers]) assert.ok(verifies(l.dir, d.digest), `${d.digest} kept`);
    const text = await runCli('prune', '--oci-layout', l.dir, '--dry-run');
    assert.match(text.stdout, new RegExp(`^Kept ${fresh.digest} \\(32 bytes\\): unreachable, but modified within the grace period$`, 'm'));
    // With no grace, they go.
    const none = await pruneLayout(l.dir, { graceMs: 0 });
    assert.equal(none.removed.length, 5);
    assert.ok(!verifies(l.dir, fresh.digest) && !verifies(l.dir, l.abandoned.digest));
  });

  it('--untagged drops untagged entries that are not referrers of something kept, listing each with its platforms', async () => {
    const l = await everyKindLayout();
    const before = reachable(l.dir);
    const dry = await runCli('prune', '--oci-layout', l.dir, '--untagged', '--dry-run', '--format', 'json');
    assert.equal(dry.code, 0, dry.stderr);
    const report = JSON.parse(dry.stdout);
    assert.deepEqual(report.untagged, [
      { digest: l.lost.digest, mediaType: MediaType.ImageIndex, size: l.lost.size, platforms: ['linux/ppc64le'] },
      { digest: l.lostSig.digest, mediaType: MediaType.ImageManifest, size: l.lostSig.size, platforms: [] },
    ]);
    const text = await runCli('prune', '--oci-layout', l.dir, '--untagged', '--dry-run');
    assert.match(text.stdout, new RegExp(`^Would drop untagged ${l.lost.digest} ${MediaType.ImageIndex.replace('+', '\\+')} \\(linux/ppc64le\\)$`, 'm'));
    assert.equal(indexJson(l.dir).manifests.length, 10, 'a dry run changes nothing');

    const real = await pruneLayout(l.dir, { untagged: true });
    assert.deepEqual(real.removed.map((f) => f.digest ?? f.path), report.removed.map((f: any) => f.digest ?? f.path));
    const dropped = new Set([l.lost.digest, l.lostSig.digest]);
    assert.deepEqual(indexJson(l.dir).manifests.filter((d) => dropped.has(d.digest)), []);
    const after = reachable(l.dir);
    for (const digest of after) assert.ok(verifies(l.dir, digest));
    // What stays: everything reachable before but the dropped entries' own content.
    for (const d of [l.sbom, l.sig, l.cycSig, l.eol, l.outer, l.solo]) assert.ok(after.has(d.digest) && verifies(l.dir, d.digest));
    for (const d of [l.lost, l.lostSig, l.ppc]) assert.ok(before.has(d.digest) && !existsSync(join(l.dir, 'blobs', 'sha256', d.digest.slice(7))));
    assert.deepEqual(storedBlobs(l.dir), [...after].sort());
  });

  it('keeps a damaged entry as written, and what its digest names, through an --untagged rewrite', async () => {
    const store = await newLayout();
    const dir = store.location;
    const img = await makeImage(store, { arch: 'amd64' });
    await store.tag(img, 'v1');
    const kept = await makeImage(store, { arch: 'arm64' });
    const lost = await makeImage(store, { arch: 'ppc64le' });
    const index = indexJson(dir) as any;
    const damaged = `{"mediaType":"${MediaType.ImageManifest}","digest":"${kept.digest}","size":"twelve","annotations":{"org.opencontainers.image.ref.name":"bad"}}`;
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index).replace(/\]\}$/, `,${damaged},{"mediaType":"${MediaType.ImageManifest}","digest":"${lost.digest}","size":${lost.size}}]}`));
    age(dir);
    const report = await pruneLayout(dir, { untagged: true });
    assert.deepEqual(report.untagged.map((u) => u.digest), [lost.digest]);
    assert.ok(readFileSync(join(dir, 'index.json'), 'utf8').includes(damaged), 'the damaged entry is kept byte for byte');
    assert.ok(verifies(dir, kept.digest) && verifies(dir, img.digest));
    assert.ok(!existsSync(join(dir, 'blobs', 'sha256', lost.digest.slice(7))));
  });

  it('puts back a blob a writer found stored after prune judged it, and removes the rest', async () => {
    const store = await newLayout();
    const relied = writeRaw(store.location, 'a layer a writer is about to rely on\n');
    const other = writeRaw(store.location, 'garbage\n');
    age(store.location);
    const report = await pruneLayout(store.location, {
      afterDecision: async () => {
        assert.ok(await store.exists(relied)); // the check a copy makes before it skips pushing a blob
      },
    });
    assert.deepEqual(report.removed.map((f) => f.digest), [other.digest]);
    assert.deepEqual(report.young.map((f) => f.digest), [relied.digest]);
    assert.ok(verifies(store.location, relied.digest));
    assert.ok(!existsSync(join(store.location, 'blobs', 'sha256', other.digest.slice(7))));
    assert.equal(existsSync(join(store.location, TEMP_DIR)), false, 'nothing left aside, nor the temp folder');
  });

  it('follows the references of a manifest altered on disk: keeping too much is safe', async () => {
    const store = await newLayout();
    const img = await makeImage(store, { arch: 'amd64' });
    await store.tag(img, 'v1');
    const path = join(store.location, 'blobs', 'sha256', img.digest.slice(7));
    const m = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, readFileSync(path, 'utf8') + '\n');
    age(store.location);
    assert.deepEqual((await pruneLayout(store.location)).removed, []);
    for (const d of [m.config, ...m.layers]) assert.ok(verifies(store.location, d.digest));
  });

  it('refuses a folder that is not a layout, a layout archive and a registry, with a clear error; parses durations', async () => {
    const missing = await runCli('prune', '--oci-layout', '/nonexistent/layout');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: .*\/nonexistent\/layout.*not an OCI image layout/m);
    // A layout archive is named as one, read-only, and left as it was.
    const store = await newLayout();
    await store.tag(await makeImage(store), 'v1');
    const tar = join(store.location, '..', 'layout.tar');
    await writeLayoutTar(store.location, tar);
    const bytes = readFileSync(tar);
    const archive = await runCli('prune', '--oci-layout', tar, '--dry-run');
    assert.equal(archive.code, 1);
    assert.match(archive.stderr, /^Error: prune: .*layout\.tar is a read-only layout archive \(prune works on a layout folder\)$/m);
    assert.ok(readFileSync(tar).equals(bytes));
    const registry = await runCli('prune', 'localhost:5000/repo');
    assert.notEqual(registry.code, 0);
    assert.match(registry.stderr, /prune works on OCI image layouts/);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('10m'), 600_000);
    assert.equal(parseDuration('0'), 0);
    assert.throws(() => parseDuration('soon'), /not a duration/);
  });

  it('a writer that finds a blob already stored refreshes its time, so a prune beside it keeps it', async () => {
    const store = await newLayout();
    const old = writeRaw(store.location, 'an old unlisted layer\n');
    age(store.location);
    assert.ok(await store.exists(old));
    assert.ok(Date.now() - statSync(join(store.location, 'blobs', 'sha256', old.digest.slice(7))).mtimeMs < 60_000);
    const report = await pruneLayout(store.location);
    assert.deepEqual(report.young.map((f) => f.digest), [old.digest]);
    age(store.location);
    await store.push(old, Buffer.from('an old unlisted layer\n'));
    assert.deepEqual((await pruneLayout(store.location)).removed, []);
  });
});
