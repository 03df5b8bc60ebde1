// A whole layout folder's check names what index.json does not reach: unlisted referrers (damaged or not), other
// unlisted manifests, and one summary of the garbage prune would remove; blobs prune keeps for being young are counted
// apart, and where prune cannot tell garbage a note says why. Real layouts, real files, ages set with utimes.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeIndex } from '../../src/oci/encoding/goJson';
import { MediaType } from '../../src/oci/mediaType';
import { checkLayoutEntries, GraphCheck, type CheckReport } from '../../src/oci/check';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { DEFAULT_GRACE_MS, pruneLayout } from '../../src/oci/layout/prune';
import { cleanupTemps, folderSnapshot, makeArtifact, makeImage, newLayout, pushBlob, tempDir, writeRawBlob } from './builders';
import { runCli } from '../helpers/runCli';

const SBOM = 'application/spdx+json';

/** Drops `digest`'s entries from index.json, as an index.json edited by hand or restored from an old copy would. */
function unlist(store: OciLayoutStore, digest: string): void {
  const file = join(store.location, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Descriptor[] };
  index.manifests = index.manifests.filter((d) => d.digest !== digest);
  writeFileSync(file, JSON.stringify(index));
}

const HOUR = 60 * 60_000;

/** Sets the blobs' (`digests`', else every one's) modification time `ms` ago (an hour: older than prune's grace period). */
function age(store: OciLayoutStore, ms = HOUR, digests?: string[]): void {
  const when = new Date(Date.now() - ms);
  const dir = join(store.location, 'blobs', 'sha256');
  for (const name of digests?.map((d) => d.slice(7)) ?? readdirSync(dir)) utimesSync(join(dir, name), when, when);
}

/** The blobs a manifest stored in `store` names: its own, its config's, its layers'. */
function blobsOf(store: OciLayoutStore, manifest: Descriptor): string[] {
  const doc = JSON.parse(readFileSync(join(store.location, 'blobs', 'sha256', manifest.digest.slice(7)), 'utf8')) as { config: Descriptor; layers: Descriptor[] };
  return [manifest.digest, doc.config.digest, ...doc.layers.map((l) => l.digest)];
}

/** `folder` null: checked as a layout that is no folder (a tar) is. */
async function wholeCheck(store: OciLayoutStore, folder: string | null = store.location): Promise<CheckReport> {
  const check = new GraphCheck(store, { where: `in the layout ${store.location}` });
  await checkLayoutEntries(store, check, folder ?? undefined);
  return check.report();
}

const brief = (r: CheckReport) => r.problems.map((p) => `${p.severity} ${p.code} ${p.where} ${p.document} ${p.path}`);

/** A tagged image `v1` with an SBOM attached (listed untagged in index.json, as the store and oras list it). */
async function attached(): Promise<{ store: OciLayoutStore; image: Descriptor; sbom: Descriptor }> {
  const store = await newLayout();
  const image = await makeImage(store);
  await store.tag(image, 'v1');
  const sbom = await makeArtifact(store, { subject: image, artifactType: SBOM, content: 'sbom of v1\n' });
  age(store); // written an hour ago: what nothing reaches is garbage, not a write in progress
  return { store, image, sbom };
}

describe('check: what index.json does not reach (whole layout folder)', () => {
  after(cleanupTemps);

  it('says nothing new of a clean layout', async () => {
    const { store } = await attached();
    const r = await wholeCheck(store);
    assert.deepEqual(r.problems, []);
    assert.equal(r.counts.referrers, 1);
  });

  it('warns of a referrer index.json does not list, naming its subject, its artifactType and how to keep it; then sums up', async () => {
    const { store, image, sbom } = await attached();
    unlist(store, sbom.digest);
    const before = folderSnapshot(store.location);
    const r = await wholeCheck(store);
    const short = sbom.digest.slice(7, 19);
    // The referrer, its layer and the empty config: three blobs nothing reaches, as prune's dry run lists them.
    assert.deepEqual(brief(r), [`warning unlisted-referrer @${short} manifest subject`, 'info unreachable-blobs index.json index.json ']);
    const [warning, summary] = r.problems;
    assert.equal(warning!.digest, sbom.digest);
    assert.equal(
      warning!.message,
      `this referrer of ${image.digest}, artifactType ${SBOM}, is stored but index.json does not list it: discover does not see it and manifold prune removes it; to keep it, tag it (manifold tag --oci-layout ${store.location}@${sbom.digest} NAME)`,
    );
    const dry = await pruneLayout(store.location, { dryRun: true });
    assert.equal(dry.removed.length, 3);
    assert.equal(summary!.message, `3 blobs, ${dry.bytes.toLocaleString('en-US')} bytes, are stored that nothing index.json lists reaches: manifold prune removes them`);
    // Only read: not a byte of the layout changed.
    assert.deepEqual(folderSnapshot(store.location), before);

    // The remedy works: tagged, it is listed, discover sees it, and the check is clean again.
    const tagged = await runCli('tag', '--oci-layout', `${store.location}@${sbom.digest}`, 'sbom');
    assert.equal(tagged.code, 0, tagged.stderr);
    const reopened = await OciLayoutStore.open(store.location);
    const found: string[] = [];
    for await (const d of reopened.referrers(image)) found.push(d.digest);
    assert.deepEqual(found, [sbom.digest]);
    assert.deepEqual((await wholeCheck(reopened)).problems, []);
  });

  it('names the subject as not stored when it is missing too', async () => {
    const store = await newLayout();
    await store.tag(await makeImage(store, { arch: 'arm64' }), 'v1');
    const absent: Descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'ab'.repeat(32)}`, size: 100 };
    const sig = await makeArtifact(store, { subject: absent, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' });
    unlist(store, sig.digest);
    age(store);
    const warning = (await wholeCheck(store)).problems.find((p) => p.code === 'unlisted-referrer')!;
    assert.match(warning.message, new RegExp(`^this referrer of ${absent.digest}, which is not stored here either, artifactType `));
  });

  it('calls an unlisted referrer whose bytes are damaged an error (not a warning)', async () => {
    const { store, image, sbom } = await attached();
    unlist(store, sbom.digest);
    const file = join(store.location, 'blobs', 'sha256', sbom.digest.slice(7));
    // A space more before the closing brace: still JSON, still a referrer, not the bytes the digest names.
    writeFileSync(file, readFileSync(file, 'utf8').replace(/}$/, ' }'));
    age(store);
    const r = await wholeCheck(store);
    assert.deepEqual(brief(r), [`error blob-unreadable @${sbom.digest.slice(7, 19)} manifest `, 'info unreachable-blobs index.json index.json ']);
    assert.match(r.problems[0]!.message, new RegExp(`^manifest ${sbom.digest} in the layout .*, a referrer of ${image.digest}, does not match its digest: content has digest sha256:[0-9a-f]{64} \\(nothing index.json lists reaches it\\)$`));
  });

  it('sums up an unreferenced layer blob alone, as info: the exit code stays 0, --strict too', async () => {
    const { store } = await attached();
    const layer = await pushBlob(store, 'a layer nothing lists\n');
    age(store);
    const r = await wholeCheck(store);
    assert.deepEqual(brief(r), ['info unreachable-blobs index.json index.json ']);
    assert.equal(r.problems[0]!.message, `1 blob, ${layer.size} bytes, is stored that nothing index.json lists reaches: manifold prune removes it`);

    const text = await runCli('check', '--oci-layout', store.location, '--strict');
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /^index\.json\n {2}note {4}1 blob, 22 bytes, is stored that nothing index\.json lists reaches: manifold prune removes it\nNo problems \(1 note\) in /);
    const json = await runCli('check', '--oci-layout', store.location, '--format', 'json');
    const out = JSON.parse(json.stdout) as { version: number; errors: number; warnings: number; problems: Array<Record<string, unknown>> };
    assert.deepEqual([out.version, out.errors, out.warnings], [1, 0, 0]);
    assert.deepEqual(out.problems, [{ severity: 'info', code: 'unreachable-blobs', where: 'index.json', document: 'index.json', path: '', message: r.problems[0]!.message }]);
  });

  it('fails --strict for an unlisted referrer (a warning), not without it', async () => {
    const { store, sbom } = await attached();
    unlist(store, sbom.digest);
    assert.equal((await runCli('check', '--oci-layout', store.location)).code, 0);
    assert.equal((await runCli('check', '--oci-layout', store.location, '--strict')).code, 1);
  });

  it('leaves a check by tag, and a layout tar, as they were', async () => {
    const { store, sbom } = await attached();
    unlist(store, sbom.digest);
    await pushBlob(store, 'garbage\n');
    const byTag = await runCli('check', '--oci-layout', `${store.location}:v1`, '--format', 'json');
    assert.equal(byTag.code, 0, byTag.stderr);
    assert.deepEqual((JSON.parse(byTag.stdout) as { problems: unknown[] }).problems, []);
    // A tar of the same folder (unreachable blobs and all): checked whole, it names none of them.
    const tar = join(tempDir(), 'layout.tar');
    execFileSync('tar', ['-cf', tar, '-C', store.location, 'oci-layout', 'index.json', 'blobs']);
    const whole = await runCli('check', '--oci-layout', tar, '--format', 'json');
    assert.equal(whole.code, 0, whole.stderr);
    assert.deepEqual((JSON.parse(whole.stdout) as { problems: unknown[] }).problems, []);
    // And the core without a folder says nothing of them either.
    assert.deepEqual((await wholeCheck(store, null)).problems, []);
  });
});

describe('check: what index.json does not reach, written a moment ago or not to be told', () => {
  after(cleanupTemps);
  const SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json';
  const MINUTE = 60_000;

  it('counts apart the blobs written within prune\'s grace period (a command may still be writing them), as prune keeps them', async () => {
    const { store, image, sbom } = await attached();
    unlist(store, sbom.digest);
    // An attach in progress: the signature, its layer and config stored, index.json not written yet.
    const sig = await makeArtifact(store, { subject: image, artifactType: SIG, content: 'signature of v1\n' });
    unlist(store, sig.digest);
    const sigBlobs = blobsOf(store, sig);
    age(store, HOUR);
    age(store, DEFAULT_GRACE_MS - MINUTE, sigBlobs); // 9 minutes ago: young (the empty config the SBOM shares too)
    const r = await wholeCheck(store);
    // The SBOM's manifest and layer are garbage, its referrer warned of; the signature's three blobs only counted.
    const dry = await pruneLayout(store.location, { dryRun: true });
    assert.deepEqual([dry.removed.length, dry.young.length], [2, 3]);
    assert.deepEqual(brief(r), [`warning unlisted-referrer @${sbom.digest.slice(7, 19)} manifest subject`, 'info unreachable-blobs index.json index.json ']);
    assert.equal(
      r.problems[1]!.message,
      `2 blobs, ${dry.bytes.toLocaleString('en-US')} bytes, are stored that nothing index.json lists reaches: manifold prune removes them; 3 more blobs, written in the last 10 minutes, are not counted: a command may still be writing them`,
    );

    // 11 minutes on, nothing listed them: garbage, the signature warned of as the SBOM is.
    age(store, DEFAULT_GRACE_MS + MINUTE, sigBlobs);
    const later = await wholeCheck(store);
    assert.deepEqual(brief(later).sort(), [
      'info unreachable-blobs index.json index.json ',
      `warning unlisted-referrer @${sbom.digest.slice(7, 19)} manifest subject`,
      `warning unlisted-referrer @${sig.digest.slice(7, 19)} manifest subject`,
    ]);
    const dryLater = await pruneLayout(store.location, { dryRun: true });
    assert.equal(later.problems.find((p) => p.code === 'unreachable-blobs')!.message, `5 blobs, ${dryLater.bytes.toLocaleString('en-US')} bytes, are stored that nothing index.json lists reaches: manifold prune removes them`);
  });

  it('counts apart the older manifests a young index reaches (index create, a moment before it is tagged), as prune keeps them', async () => {
    const store = await newLayout();
    await store.tag(await makeImage(store, { arch: 'amd64' }), 'v1');
    const arm = await makeImage(store, { arch: 'arm64' });
    unlist(store, arm.digest);
    age(store);
    const alone = await wholeCheck(store);
    assert.deepEqual(brief(alone), [`info unlisted-manifest @${arm.digest.slice(7, 19)} manifest `, 'info unreachable-blobs index.json index.json ']);
    const armBlobs = blobsOf(store, arm).length;

    writeRawBlob(store.location, encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [arm] }));
    const r = await wholeCheck(store);
    assert.deepEqual(brief(r), ['info unreachable-blobs index.json index.json ']);
    assert.equal(r.problems[0]!.message, `1 blob that nothing index.json lists reaches, written in the last 10 minutes, and ${armBlobs} older ones it reaches, are not counted: a command may still be writing them`);
    const dry = await pruneLayout(store.location, { dryRun: true });
    assert.deepEqual([dry.removed.length, dry.young.length], [0, 1]);
  });

  it('still calls a young blob whose bytes do not match its digest an error: no writer leaves part of one under its name', async () => {
    const { store, image } = await attached();
    const sig = await makeArtifact(store, { subject: image, artifactType: SIG });
    unlist(store, sig.digest);
    const file = join(store.location, 'blobs', 'sha256', sig.digest.slice(7));
    writeFileSync(file, readFileSync(file, 'utf8').replace(/}$/, ' }')); // written just now
    const r = await wholeCheck(store);
    assert.deepEqual(brief(r), [`error blob-unreadable @${sig.digest.slice(7, 19)} manifest `, 'info unreachable-blobs index.json index.json ']);
    assert.match(r.problems[0]!.message, /does not match its digest: content has digest sha256:[0-9a-f]{64} \(nothing index\.json lists reaches it\)$/);
    // The signature and its layer (its empty config is the listed SBOM's too).
    assert.match(r.problems[1]!.message, /^2 blobs that nothing index\.json lists reaches, written in the last 10 minutes, are not counted: a command may still be writing them$/);
  });

  it('says why the garbage is not counted where prune refuses: a linked blobs folder', async () => {
    const { store, sbom } = await attached();
    unlist(store, sbom.digest);
    const shared = join(mkdtempSync(join(tmpdir(), 'manifold-test-shared-')), 'blobs');
    renameSync(join(store.location, 'blobs'), shared);
    symlinkSync(shared, join(store.location, 'blobs'));
    const r = await wholeCheck(store);
    assert.deepEqual(brief(r), ['info unreachable-uncounted index.json index.json ']);
    assert.equal(
      r.problems[0]!.message,
      `the blobs nothing index.json lists reaches are not counted, as manifold prune cannot tell them here: ${join(store.location, 'blobs')} is a symbolic link (to ${shared}); the files there may belong to other layouts too, so nothing is removed (prune removes files only from the layout's own folders)`,
    );
    const cli = await runCli('check', '--oci-layout', store.location, '--strict');
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
  });

  it('says why the garbage is not counted where prune refuses: an entry with a digest it cannot use', async () => {
    const { store } = await attached();
    const other = await makeImage(store, { arch: 'arm64' });
    await store.tag(other, 'v2');
    await pushBlob(store, 'garbage\n');
    age(store);
    const file = join(store.location, 'index.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(other.digest, other.digest.toUpperCase().replace('SHA256', 'sha256')));
    const r = await wholeCheck(store);
    assert.ok(r.problems.some((p) => p.code === 'damaged-entry'), brief(r).join('\n'));
    const note = r.problems.find((p) => p.code === 'unreachable-uncounted')!;
    assert.match(note.message, /^the blobs nothing index\.json lists reaches are not counted, as manifold prune cannot tell them here: .*index\.json: manifests\[\d\]\.digest \(tag "v2"\): invalid digest sha256:[0-9A-F]{64}: sha256 needs 64 lowercase hex characters; what that entry keeps cannot be told, so nothing is removed: fix the entry or remove it \(manifold untag\), then prune$/);
    assert.ok(!r.problems.some((p) => p.code === 'unreachable-blobs'));
  });
});
