// A whole layout folder's check names what index.json does not reach: unlisted referrers (damaged or not), other
// unlisted manifests, and one summary of the garbage prune would remove. Real layouts, real files.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLayoutEntries, GraphCheck, type CheckReport } from '../../src/oci/check';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { pruneLayout } from '../../src/oci/layout/prune';
import { cleanupTemps, folderSnapshot, makeArtifact, makeImage, newLayout, pushBlob, tempDir } from './builders';
import { runCli } from '../helpers/runCli';

const SBOM = 'application/spdx+json';

/** Drops `digest`'s entries from index.json, as an index.json edited by hand or restored from an old copy would. */
function unlist(store: OciLayoutStore, digest: string): void {
  const file = join(store.location, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as { manifests: Descriptor[] };
  index.manifests = index.manifests.filter((d) => d.digest !== digest);
  writeFileSync(file, JSON.stringify(index));
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
    const dry = await pruneLayout(store.location, { dryRun: true, graceMs: 0 });
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
    const warning = (await wholeCheck(store)).problems.find((p) => p.code === 'unlisted-referrer')!;
    assert.match(warning.message, new RegExp(`^this referrer of ${absent.digest}, which is not stored here either, artifactType `));
  });

  it('calls an unlisted referrer whose bytes are damaged an error (not a warning)', async () => {
    const { store, image, sbom } = await attached();
    unlist(store, sbom.digest);
    const file = join(store.location, 'blobs', 'sha256', sbom.digest.slice(7));
    // A space more before the closing brace: still JSON, still a referrer, not the bytes the digest names.
    writeFileSync(file, readFileSync(file, 'utf8').replace(/}$/, ' }'));
    const r = await wholeCheck(store);
    assert.deepEqual(brief(r), [`error blob-unreadable @${sbom.digest.slice(7, 19)} manifest `, 'info unreachable-blobs index.json index.json ']);
    assert.match(r.problems[0]!.message, new RegExp(`^manifest ${sbom.digest} in the layout .*, a referrer of ${image.digest}, does not match its digest: content has digest sha256:[0-9a-f]{64} \\(nothing index.json lists reaches it\\)$`));
  });

  it('sums up an unreferenced layer blob alone, as info: the exit code stays 0, --strict too', async () => {
    const { store } = await attached();
    const layer = await pushBlob(store, 'a layer nothing lists\n');
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
