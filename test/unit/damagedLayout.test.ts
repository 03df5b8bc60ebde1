import { strict as assert } from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { diagnose } from '../../src/oci/indexDocument';
import { OciLayoutStore } from '../../src/oci/layout';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, newLayout, tempDir, writeTar } from './builders';

const BAD = 'sha256:NOTHEX';
const BAD_DIGEST = `invalid digest ${BAD}: sha256 needs 64 lowercase hex characters`;

/** Tags a, b, bad, c in that order (bad is manifests[2]), a with a referrer; then bad's digest broken by hand. */
async function damagedLayout(): Promise<{ dir: string; index: string; a: Descriptor; b: Descriptor; c: Descriptor; referrer: Descriptor }> {
  const store = await newLayout();
  const a = await makeImage(store, { arch: 'amd64' });
  await store.tag(a, 'a');
  const b = await makeImage(store, { arch: 'arm64' });
  await store.tag(b, 'b');
  const bad = await makeImage(store, { arch: 'arm', variant: 'v7' });
  await store.tag(bad, 'bad');
  const c = await makeImage(store, { arch: 's390x' });
  await store.tag(c, 'c');
  const referrer = await makeArtifact(store, { subject: a, artifactType: 'application/vnd.test.sbom' });
  const index = join(store.location, 'index.json');
  writeFileSync(index, readFileSync(index, 'utf8').replace(bad.digest, BAD));
  return { dir: store.location, index, a, b, c, referrer };
}

const entries = (index: string): Array<Record<string, unknown>> => JSON.parse(readFileSync(index, 'utf8')).manifests;
const badEntry = (index: string) => entries(index).find((e) => e.digest === BAD);
const rows = (stdout: string) => stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));

after(cleanupTemps);

describe('a layout with one damaged index.json entry', () => {
  let l: Awaited<ReturnType<typeof damagedLayout>>;
  let problem: string;
  beforeEach(async () => {
    l = await damagedLayout();
    problem = `${l.index}: manifests[2].digest (tag "bad"): ${BAD_DIGEST}`;
  });

  it('repo tags lists the good rows and reports the damaged entry on stderr, exit 1', async () => {
    const r = await runCli('repo', 'tags', '--oci-layout', l.dir);
    assert.deepEqual(rows(r.stdout), [
      ['TAG', 'DIGEST', 'TYPE', 'PLATFORM'],
      ['a', l.a.digest, 'image', 'linux/amd64'],
      ['b', l.b.digest, 'image', 'linux/arm64'],
      ['c', l.c.digest, 'image', 'linux/s390x'],
    ]);
    assert.equal(r.stderr, `Error: ${problem}\n`);
    assert.equal(r.code, 1);
    const text = await runCli('repo', 'tags', '--oci-layout', l.dir, '--format', 'text');
    assert.deepEqual([text.stdout, text.stderr, text.code], ['a\nb\nc\n', `Error: ${problem}\n`, 1]);
    const json = await runCli('repo', 'tags', '--oci-layout', l.dir, '--format', 'json');
    assert.deepEqual(JSON.parse(json.stdout).tags.map((t: { name: string }) => t.name), ['a', 'b', 'c']);
    assert.deepEqual([json.stderr, json.code], [`Error: ${problem}\n`, 1]);
  });

  it('reads every other tag: resolve, manifest fetch', async () => {
    for (const [tag, desc] of [['a', l.a], ['b', l.b], ['c', l.c]] as const) {
      const r = await runCli('resolve', '--oci-layout', `${l.dir}:${tag}`);
      assert.deepEqual([r.stdout, r.stderr, r.code], [`${desc.digest}\n`, '', 0]);
    }
    const fetched = await runCli('manifest', 'fetch', '--oci-layout', `${l.dir}:b`, '--descriptor');
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.equal(JSON.parse(fetched.stdout).digest, l.b.digest);
  });

  it('discover lists the referrers it can read and names the damaged entry on stderr, exit 1', async () => {
    const d = await runCli('discover', '--oci-layout', `${l.dir}:a`, '--format', 'json');
    assert.deepEqual(JSON.parse(d.stdout).referrers.map((m: { digest: string }) => m.digest), [l.referrer.digest]);
    assert.deepEqual([d.stderr, d.code], [`Error: ${problem}\n`, 1]);
    const table = await runCli('discover', '--oci-layout', `${l.dir}:a`, '--format', 'table');
    assert.deepEqual(rows(table.stdout).slice(-1), [['application/vnd.test.sbom', l.referrer.digest]]);
    assert.deepEqual([table.stderr, table.code], [`Error: ${problem}\n`, 1]);
  });

  it('resolving the damaged tag names the file, the entry and the problem', async () => {
    for (const argv of [['resolve'], ['manifest', 'fetch'], ['discover']]) {
      const r = await runCli(...argv, '--oci-layout', `${l.dir}:bad`);
      assert.deepEqual([r.stdout, r.stderr, r.code], ['', `Error: ${problem}\n`, 1], argv.join(' '));
    }
  });

  it('names a damaged entry whose tag holds an invisible character with that character escaped', async () => {
    // A bidi override would reorder the rest of the error line on a terminal.
    writeFileSync(l.index, readFileSync(l.index, 'utf8').replace('"bad"', '"bad\\u202e1.0"'));
    const r = await runCli('repo', 'tags', '--oci-layout', l.dir, '--format', 'text');
    assert.deepEqual([r.stderr, r.code], [`Error: ${l.index}: manifests[2].digest (tag "bad\\u202e1.0"): ${BAD_DIGEST}\n`, 1]);
    assert.ok(!r.stderr.includes('\u202e'), 'no raw override in the message');
  });

  it('writes keep the damaged entry as it was written', async () => {
    const before = badEntry(l.index);
    assert.equal((await runCli('tag', '--oci-layout', `${l.dir}:a`, 'v2')).code, 0);
    assert.equal((await runCli('untag', '--oci-layout', `${l.dir}:b`)).code, 0);
    const del = await runCli('manifest', 'delete', '--oci-layout', `${l.dir}:c`, '--force');
    assert.deepEqual([del.stdout, del.code], [`Deleted [oci-layout] ${l.dir}@${l.c.digest}\n`, 0]);
    assert.deepEqual(badEntry(l.index), before);
    const names = entries(l.index).map((e) => (e.annotations as Record<string, string> | undefined)?.['org.opencontainers.image.ref.name'] ?? '(untagged)');
    assert.deepEqual(names, ['a', 'bad', '(untagged)', 'v2']);
    const r = await runCli('repo', 'tags', '--oci-layout', l.dir, '--format', 'text');
    assert.deepEqual([r.stdout, r.stderr, r.code], ['a\nv2\n', `Error: ${l.index}: manifests[1].digest (tag "bad"): ${BAD_DIGEST}\n`, 1]);
  });

  it('untag removes the damaged entry by its tag, and nothing else', async () => {
    const r = await runCli('untag', '--oci-layout', `${l.dir}:bad`);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['Untagged bad\n', '', 0]);
    assert.equal(badEntry(l.index), undefined);
    const tags = await runCli('repo', 'tags', '--oci-layout', l.dir, '--format', 'text');
    assert.deepEqual([tags.stdout, tags.stderr, tags.code], ['a\nb\nc\n', '', 0]);
  });

  it('manifest delete removes the damaged entry by its tag with --force, and no blob', async () => {
    const refused = await runCli('manifest', 'delete', '--oci-layout', `${l.dir}:bad`);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.split('\n')[0], `Error: deleting ${l.dir}:bad removes its damaged entry (${problem}); no blob is deleted; pass --force to confirm`);
    assert.deepEqual(badEntry(l.index)?.digest, BAD, 'still there without --force');
    const r = await runCli('manifest', 'delete', '--oci-layout', `${l.dir}:bad`, '--force');
    assert.deepEqual([r.stdout, r.stderr, r.code], [`Removed damaged entry: ${problem}\nNo blob deleted: a damaged entry's descriptor is not trusted\n`, '', 0]);
    assert.equal(badEntry(l.index), undefined);
    const tags = await runCli('repo', 'tags', '--oci-layout', l.dir, '--format', 'text');
    assert.deepEqual([tags.stdout, tags.code], ['a\nb\nc\n', 0]);
  });

  it('the extension\'s diagnostics of index.json flag the damaged entry, at its digest, and still check the others\' sizes', async () => {
    // c listed one byte larger than its blob: the layout still opens, so the blob checks of the other entries run.
    const good = `"digest":"${l.c.digest}","size":${l.c.size},`;
    const text = readFileSync(l.index, 'utf8').replace(good, `"digest":"${l.c.digest}","size":${l.c.size + 1},`);
    assert.ok(readFileSync(l.index, 'utf8').includes(good));
    writeFileSync(l.index, text);
    const found = await diagnose(text, { layout: await OciLayoutStore.open(l.dir), layoutName: 'layout', layoutIndex: true, expect: 'index' });
    const errors = found.filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => `${f.path} ${f.code}`), ['manifests[2].digest invalid-digest', 'manifests[3].size size-mismatch']);
    assert.equal(text.slice(errors[0]!.offset!, errors[0]!.offset! + errors[0]!.length!), `"${BAD}"`);
    assert.equal(errors[1]!.message, `size ${l.c.size + 1} differs from the blob's ${l.c.size} bytes in the layout layout`);
  });

  it('tagging over the damaged tag is refused, naming the entry, and changes nothing; after untag it works', async () => {
    const before = readFileSync(l.index);
    const r = await runCli('tag', '--oci-layout', `${l.dir}:a`, 'bad');
    assert.deepEqual([r.stdout, r.stderr, r.code], [`Tagging [oci-layout] ${l.dir}@${l.a.digest}\n`, `Error: ${problem}; tagging would drop this entry: untag "bad" first to remove it, or choose another tag\n`, 1]);
    assert.deepEqual(readFileSync(l.index), before, 'index.json is unchanged, byte for byte');
    assert.equal((await runCli('untag', '--oci-layout', `${l.dir}:bad`)).code, 0);
    assert.equal((await runCli('tag', '--oci-layout', `${l.dir}:a`, 'bad')).code, 0);
    assert.equal(badEntry(l.index), undefined);
    assert.equal((await runCli('resolve', '--oci-layout', `${l.dir}:bad`)).stdout, `${l.a.digest}\n`);
  });

});

describe('a layout archive with a damaged index.json entry', () => {
  it('repo tags lists the good tags and names the entry inside the archive', async () => {
    const tar = join(tempDir(), 'layout.tar');
    const ref = (tag: string) => ({ 'org.opencontainers.image.ref.name': tag });
    const good = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2, annotations: ref('a') };
    const index = { schemaVersion: 2, manifests: [good, { ...good, digest: BAD, annotations: ref('bad') }] };
    writeTar(tar, [{ name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' }, { name: 'index.json', body: JSON.stringify(index) }]);
    const r = await runCli('repo', 'tags', '--oci-layout', tar, '--format', 'text');
    assert.deepEqual([r.stdout, r.stderr, r.code], ['a\n', `Error: index.json in ${tar}: manifests[1].digest (tag "bad"): ${BAD_DIGEST}\n`, 1]);
  });
});

describe('a layout with a missing and an altered manifest blob', () => {
  let dir: string;
  let a: Descriptor;
  let b: Descriptor;
  let c: Descriptor;
  const blob = (d: Descriptor) => join(dir, 'blobs', 'sha256', d.digest.slice(7));
  beforeEach(async () => {
    const store = await newLayout();
    dir = store.location;
    a = await makeImage(store, { arch: 'amd64' });
    b = await makeImage(store, { arch: 'arm64' });
    c = await makeImage(store, { arch: 's390x' });
    for (const [tag, d] of [['a', a], ['b', b], ['c', c]] as const) await store.tag(d, tag);
    rmSync(blob(b));
    const altered = readFileSync(blob(c), 'utf8').replace('"schemaVersion":2', '"schemaVersion":3');
    assert.notEqual(altered, readFileSync(blob(c), 'utf8'));
    writeFileSync(blob(c), altered);
  });

  it('repo tags prints every row, marks the broken ones and reports them on stderr, exit 1', async () => {
    const r = await runCli('repo', 'tags', '--oci-layout', dir);
    assert.deepEqual(rows(r.stdout), [
      ['TAG', 'DIGEST', 'TYPE', 'PLATFORM'],
      ['a', a.digest, 'image', 'linux/amd64'],
      ['b', b.digest, 'unknown', 'error: manifest blob missing'],
      ['c', c.digest, 'unknown', 'error: manifest blob altered'],
    ]);
    const stderr = r.stderr.split('\n');
    assert.equal(stderr[0], `Error: tag "b": manifest ${b.digest}: not found in ${dir}`);
    assert.match(stderr[1]!, new RegExp(`^Error: tag "c": manifest ${c.digest} in ${dir}: content has digest sha256:[0-9a-f]{64}$`));
    assert.equal(stderr.length, 3);
    assert.equal(r.code, 1);
  });

  it('repo tags --format json gives the broken rows an error field', async () => {
    const r = await runCli('repo', 'tags', '--oci-layout', dir, '--format', 'json');
    const tags = JSON.parse(r.stdout).tags;
    assert.deepEqual(tags[0], { name: 'a', digest: a.digest, mediaType: a.mediaType, size: a.size, type: 'image', platforms: ['linux/amd64'] });
    assert.deepEqual(tags[1], { name: 'b', digest: b.digest, mediaType: b.mediaType, size: b.size, error: `manifest ${b.digest}: not found in ${dir}` });
    assert.deepEqual(Object.keys(tags[2]), ['name', 'digest', 'mediaType', 'size', 'error']);
    assert.match(tags[2].error, /content has digest/);
    assert.equal(r.stderr.split('\n').length, 3);
    assert.equal(r.code, 1);
  });

  it('repo tags --format text lists the names, which need no manifest', async () => {
    const r = await runCli('repo', 'tags', '--oci-layout', dir, '--format', 'text');
    assert.deepEqual([r.stdout, r.stderr, r.code], ['a\nb\nc\n', '', 0]);
  });
});
