import { strict as assert } from 'node:assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageIndex } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { OciLayoutStore } from '../../src/oci/layout';
import { collect } from '../helpers/assertions';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeMultiArchLayout, tempDir } from './builders';
import { folderHashes } from '../helpers/folderHashes';

describe('--platform lists and wildcards on the command line', () => {
  after(cleanupTemps);
  let src: Awaited<ReturnType<typeof makeMultiArchLayout>>;
  beforeEach(async () => (src = await makeMultiArchLayout()));
  const [amd64, arm64, armv7] = [0, 1, 2].map((i) => () => src.children[i]!);

  it('manifest fetch: a wildcard that picks one is that manifest; one that picks several is refused, naming them', async () => {
    const one = await runCli('manifest', 'fetch', '--oci-layout', `${src.store.location}:multi`, '--platform', '*/arm64', '--descriptor');
    assert.equal(one.code, 0, one.stderr);
    assert.equal(JSON.parse(one.stdout).digest, arm64().digest);
    const several = await runCli('manifest', 'fetch', '--oci-layout', `${src.store.location}:multi`, '--platform', 'linux/arm*');
    assert.equal(several.code, 1);
    assert.match(several.stderr, new RegExp(`platform linux/arm\\* matches 2 manifests in the index ${src.index.digest} \\(linux/arm64, linux/arm/v7\\); name one of them`));
    const bad = await runCli('manifest', 'fetch', '--oci-layout', `${src.store.location}:multi`, '--platform', 'linux/amd64,linux/[x]');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /failed to parse platform "linux\/\[x\]"/);
  });

  it('cp: several platforms make a new index, said on stderr, which the tag names', async () => {
    const dst = tempDir();
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${src.store.location}:multi`, `${dst}:v1`, '--platform', 'linux/arm64', '--platform', 'linux/arm/*');
    assert.equal(r.code, 0, r.stderr);
    const m = new RegExp(`^rewrote index ${src.index.digest} with 2 of 3 platforms: new digest (sha256:[0-9a-f]{64})\\n$`).exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.match(r.stdout, new RegExp(`Digest: ${m[1]}\\n`));
    const store = await OciLayoutStore.open(dst);
    const tagged = await store.resolve('v1');
    assert.equal(tagged.digest, m[1]);
    const bytes = await store.fetchBytes(tagged);
    assert.equal(digestOf(bytes), m[1]);
    assert.deepEqual((JSON.parse(bytes.toString('utf8')) as ImageIndex).manifests.map((d) => d.digest), [arm64().digest, armv7().digest]);
    assert.equal(await store.exists(amd64()), false);
  });

  it('cp: platforms that pick every one copy the index as it is, with its referrers, and say nothing of a rewrite', async () => {
    const sbom = await makeArtifact(src.store, { subject: src.index, artifactType: 'application/spdx+json', content: 'index sbom' });
    const dst = tempDir();
    const dry = await runCli('cp', '-r', '--from-oci-layout', '--to-oci-layout', `${src.store.location}:multi`, `${dst}:v1`, '--platform', 'linux/*', '--dry-run', '--format', 'json');
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stderr, '');
    const plan = JSON.parse(dry.stdout);
    assert.equal(plan.rewrittenIndex, null);
    assert.equal(plan.root.digest, src.index.digest);
    assert.deepEqual(plan.referrers.map((d: { digest: string }) => d.digest), [sbom.digest]);

    const r = await runCli('cp', '-r', '--from-oci-layout', '--to-oci-layout', `${src.store.location}:multi`, `${dst}:v1`, '--platform', 'linux/*');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, new RegExp(`Digest: ${src.index.digest}\\n`));
    const store = await OciLayoutStore.open(dst);
    assert.equal((await store.resolve('v1')).digest, src.index.digest);
    assert.deepEqual((await collect(store.referrers(src.index))).map((d) => d.digest), [sbom.digest]);
  });

  it('cp --split-platforms: each platform alone under TAG-os-arch[-variant]', async () => {
    const dst = tempDir();
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${src.store.location}:multi`, `${dst}:v1`, '--platform', 'linux/amd64,linux/arm/v7', '--split-platforms');
    assert.equal(r.code, 0, r.stderr);
    const store = await OciLayoutStore.open(dst);
    assert.equal((await store.resolve('v1-linux-amd64')).digest, amd64().digest);
    assert.equal((await store.resolve('v1-linux-arm-v7')).digest, armv7().digest);
    assert.deepEqual((await collect(store.tags())).sort(), ['v1-linux-amd64', 'v1-linux-arm-v7']);
    assert.match(r.stdout, new RegExp(`Digest: ${amd64().digest}\\n[^]*Digest: ${armv7().digest}\\n`));
  });

  it('cp --dry-run --format json: the plan, and the destination unchanged (a folder not there is not made)', async () => {
    const dst = tempDir();
    await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${src.store.location}:multi`, `${dst}:arm`, '--platform', 'linux/arm64');
    const before = folderHashes(dst);
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${src.store.location}:multi`, `${dst}:v1`, '--platform', 'linux/arm*', '--dry-run', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(folderHashes(dst), before);
    assert.match(r.stderr, /^would rewrite index .* with 2 of 3 platforms: new digest sha256:/);
    const plan = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(plan), ['dryRun', 'source', 'destination', 'root', 'rewrittenIndex', 'split', 'copy', 'existing', 'referrers', 'referrersLeft', 'tags', 'cosignTags', 'bytesToCopy', 'bytesExisting', 'restoresLayoutFile']);
    assert.deepEqual(plan.cosignTags, [], 'without -r, none');
    assert.equal(plan.restoresLayoutFile, null);
    assert.equal(plan.rewrittenIndex.from, src.index.digest);
    assert.equal(plan.rewrittenIndex.platforms, 2);
    assert.equal(plan.rewrittenIndex.of, 3);
    assert.deepEqual(plan.existing, [{ kind: 'manifest', mediaType: arm64().mediaType, digest: arm64().digest, size: arm64().size, platform: 'linux/arm64' }]);
    // The new index, linux/arm/v7's manifest, its config and its layer.
    assert.deepEqual(plan.copy.map((i: { kind: string }) => i.kind), ['manifest', 'manifest', 'blob', 'blob']);
    assert.equal(plan.copy[0].digest, plan.root.digest);
    assert.equal(plan.bytesToCopy, plan.copy.reduce((n: number, i: { size: number }) => n + i.size, 0));
    assert.deepEqual(plan.tags, [{ tag: 'v1', digest: plan.root.digest, current: null }]);

    const fresh = join(tempDir(), 'not-yet');
    const text = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${src.store.location}:multi`, `${fresh}:v1`, '--dry-run');
    assert.equal(text.code, 0, text.stderr);
    assert.equal(existsSync(fresh), false);
    assert.match(text.stdout, /^Dry run: nothing copied from .*:multi to .*not-yet:v1\n/);
    assert.match(text.stdout, /\nTo copy: 4 manifests, 6 blobs, \d+ bytes\n/);
    assert.match(text.stdout, /\nAlready at the destination: 0 manifests, 0 blobs, 0 bytes\n/);
    assert.match(text.stdout, new RegExp(`\\nTag v1 -> ${src.index.digest} \\(new\\)\\n`));
  });

  it('cp refuses --split-platforms without --platform, and --format json without --dry-run, writing nothing', async () => {
    const dst = join(tempDir(), 'never');
    const split = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${src.store.location}:multi`, `${dst}:v1`, '--split-platforms');
    assert.equal(split.code, 1);
    assert.match(split.stderr, /--split-platforms needs --platform/);
    const json = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${src.store.location}:multi`, `${dst}:v1`, '--format', 'json');
    assert.equal(json.code, 1);
    assert.match(json.stderr, /--format json is for --dry-run/);
    assert.equal(existsSync(dst), false);
  });

  it('pull: a list that picks one platform pulls it; several are refused', async () => {
    const out = tempDir();
    const one = await runCli('pull', '--oci-layout', `${src.store.location}:multi`, '--platform', 'windows/*,*/amd64', '-o', out, '--format', 'json');
    assert.equal(one.code, 1);
    assert.match(one.stderr, /no manifest for platform windows\/\* in the index/);
    const ok = await runCli('pull', '--oci-layout', `${src.store.location}:multi`, '--platform', '*/amd64', '-o', out, '--format', 'json');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).reference, `${src.store.location}@${amd64().digest}`);
    const several = await runCli('pull', '--oci-layout', `${src.store.location}:multi`, '--platform', 'linux/*', '-o', out);
    assert.equal(several.code, 1);
    assert.match(several.stderr, /matches 3 manifests/);
  });

  it('attach: a wildcard attaches to each platform it picks', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sbom.json'), '{}');
    const r = await runCli('attach', '--oci-layout', `${src.store.location}:multi`, '--artifact-type', 'application/spdx+json', '--platform', `linux/arm*=${join(dir, 'sbom.json')}`, '--disable-path-validation', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const subjects = (JSON.parse(r.stdout).artifacts as Array<{ subject: { digest: string } }>).map((a) => a.subject.digest).sort();
    assert.deepEqual(subjects, [arm64().digest, armv7().digest].sort());
    const store = await OciLayoutStore.open(src.store.location);
    assert.equal((await collect(store.referrers(arm64()))).length, 1);
    assert.equal((await collect(store.referrers(armv7()))).length, 1);
    assert.equal((await collect(store.referrers(amd64()))).length, 0);
  });
});
