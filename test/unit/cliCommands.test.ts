import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf } from '../../src/oci/digest';
import { copyPeerLayout, describeWithPeerLayouts } from '../helpers/peerLayouts';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout, tempDir } from './builders';

const MULTI = 'sha256:e2bfc9cc6a84ec2d7365b5a28c6bc5806b7fa581c9ad7883be955a64e3cc034f';
const AMD64 = 'sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1';
const ARM64 = 'sha256:4f93460061882467e6fb3b772dc6ab72130d9ac1906aed2fc7589a5cd145433c';
const FOO_LAYER = 'sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae';

describe('manifold command line', () => {
  after(cleanupTemps);
  it('lists its commands and gives help for each', async () => {
    const r = await runCli('--help');
    assert.equal(r.code, 0);
    for (const c of ['repo tags', 'manifest index create', 'manifest index update', 'manifest fetch', 'tag', 'resolve', 'blob fetch']) {
      assert.match(r.stdout, new RegExp(`\\n  ${c} `));
      const h = await runCli(...c.split(' '), '--help');
      assert.equal(h.code, 0);
      assert.match(h.stdout, new RegExp(`Usage:\\n  manifold ${c}`));
    }
  });
  it('names an unknown command and an unknown flag', async () => {
    let r = await runCli('frobnicate');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: unknown command "frobnicate"/);
    r = await runCli('repo', 'tags', '--oci-layout', 'x', '--bogus');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: Unknown option '--bogus'/);
  });
  it('--oci-layout reads a layout .tar as its help says, and a write to one names the folder it needs', async () => {
    const h = await runCli('tag', '--help');
    assert.match(h.stdout, /--oci-layout +the reference is an OCI image layout folder, DIR\[:tag\|@digest\], or a \.tar of one to read \(writes need the folder\)/);
    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const tar = join(tempDir(), 'layout.tar');
    assert.equal((await runCli('cp', '--from-oci-layout', `${store.location}:v1`, '--to-oci-layout', `${tar}:v1`)).code, 0);
    const tags = await runCli('repo', 'tags', '--oci-layout', tar);
    assert.equal(tags.code, 0);
    assert.match(tags.stdout, new RegExp(`\\nv1 +${image.digest} `));
    const fetched = await runCli('manifest', 'fetch', '--oci-layout', `${tar}:v1`);
    assert.equal(digestOf(new TextEncoder().encode(fetched.stdout)), image.digest);
    const before = readFileSync(tar);
    const write = await runCli('tag', '--oci-layout', `${tar}:v1`, 'v2');
    assert.equal(write.code, 1);
    assert.match(write.stderr, /^Error: tag: .*layout\.tar is a read-only layout archive$/m);
    assert.deepEqual(readFileSync(tar), before);
  });
  it('says when a folder is not a layout', async () => {
    const r = await runCli('repo', 'tags', '--oci-layout', join(__dirname, 'no-such-layout'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: .*no-such-layout/);
  });
});

describeWithPeerLayouts('manifold repo tags on regclient-testrepo', () => {
  it('shows "-" for an image whose config names no platform, and the platforms of an index', async () => {
    const layout = copyPeerLayout('regclient-testrepo');
    try {
      const r = await runCli('repo', 'tags', '--oci-layout', layout.dir);
      assert.equal(r.code, 0, r.stderr);
      const byTag = Object.fromEntries(r.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s{2,}/)).map(([t, , k, p]) => [t, [k, p]]));
      // a-docker's config is {}: no platform to show.
      assert.deepEqual(byTag['a-docker'], ['image', '-']);
      assert.deepEqual(byTag.v1, ['index', 'multi-arch (linux/amd64, linux/arm64)']);
    } finally {
      layout.cleanup();
    }
  });
});

describeWithPeerLayouts('manifold commands on oras-images', () => {
  let layout: { dir: string; cleanup(): void };
  beforeEach(() => (layout = copyPeerLayout('oras-images')));
  afterEach(() => layout.cleanup());

  it('lists tags with digest, type and platform', async () => {
    const r = await runCli('repo', 'tags', '--oci-layout', layout.dir);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows[0], ['TAG', 'DIGEST', 'TYPE', 'PLATFORM']);
    const byTag = Object.fromEntries(rows.slice(1).map(([t, d, k, p]) => [t, { d, k, p }]));
    assert.deepEqual(byTag.multi, { d: MULTI, k: 'index', p: 'multi-arch (linux/amd64, linux/arm64, linux/arm/v7)' });
    assert.deepEqual(byTag['linux-arm64'], { d: ARM64, k: 'image', p: 'linux/arm64' });
    assert.equal(byTag['nonjson-config']!.k, 'artifact');
    assert.deepEqual(Object.keys(byTag).sort(), ['empty_index', 'foobar', 'linux-amd64', 'linux-arm64', 'linux-armv7', 'multi', 'nonjson-config']);
    const json = JSON.parse((await runCli('repo', 'tags', '--oci-layout', layout.dir, '--format', 'json')).stdout);
    const multi = json.tags.find((t: { name: string }) => t.name === 'multi');
    assert.deepEqual(multi, { name: 'multi', digest: MULTI, mediaType: 'application/vnd.oci.image.index.v1+json', size: 706, type: 'index', platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] });
  });

  it('fetches a manifest raw, pretty, by platform and as a descriptor', async () => {
    const raw = await runCli('manifest', 'fetch', '--oci-layout', `${layout.dir}:multi`);
    assert.equal(digestOf(Buffer.from(raw.stdout)), MULTI);
    const pretty = await runCli('manifest', 'fetch', '--oci-layout', `${layout.dir}:multi`, '--pretty');
    assert.deepEqual(JSON.parse(pretty.stdout), JSON.parse(raw.stdout));
    const arm = await runCli('manifest', 'fetch', '--oci-layout', `${layout.dir}:multi`, '--platform', 'linux/arm64/v8', '--descriptor');
    assert.deepEqual(JSON.parse(arm.stdout), { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: ARM64, size: 458, platform: { architecture: 'arm64', os: 'linux' } });
    const missing = await runCli('manifest', 'fetch', '--oci-layout', `${layout.dir}:multi`, '--platform', 'linux/s390x');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no manifest for platform linux\/s390x .* it has linux\/amd64, linux\/arm64, linux\/arm\/v7/);
  });

  it('resolves, tags, untags and deletes', async () => {
    assert.equal((await runCli('resolve', '--oci-layout', `${layout.dir}:multi`)).stdout, `${MULTI}\n`);
    assert.equal((await runCli('resolve', '--oci-layout', `${layout.dir}:multi`, '--platform', 'linux/amd64', '-l')).stdout, `${layout.dir}@${AMD64}\n`);
    const t = await runCli('tag', '--oci-layout', `${layout.dir}:multi`, 'v1', 'latest');
    assert.equal(t.stdout, `Tagging [oci-layout] ${layout.dir}@${MULTI}\nTagged v1\nTagged latest\n`);
    assert.equal((await runCli('resolve', '--oci-layout', `${layout.dir}:latest`)).stdout, `${MULTI}\n`);
    const byDigest = await runCli('untag', '--oci-layout', `${layout.dir}@${MULTI}`);
    assert.deepEqual([byDigest.code, byDigest.stderr.split('\n')[0]], [1, `Error: ${layout.dir}@${MULTI}: untag takes a tag, not a digest (manifest delete removes a manifest)`]);
    // A misspelt tag among several refuses them all: nothing is untagged.
    const misspelt = await runCli('untag', '--oci-layout', `${layout.dir}:latest`, 'nosuch', 'v1');
    assert.deepEqual([misspelt.code, misspelt.stdout, misspelt.stderr], [1, '', `Error: "nosuch": not found in ${layout.dir}; nothing untagged\n`]);
    assert.equal((await runCli('resolve', '--oci-layout', `${layout.dir}:latest`)).stdout, `${MULTI}\n`);
    assert.equal((await runCli('untag', '--oci-layout', `${layout.dir}:latest`)).code, 0);
    const gone = await runCli('resolve', '--oci-layout', `${layout.dir}:latest`);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /latest: not found/);
    assert.equal((await runCli('resolve', '--oci-layout', `${layout.dir}:v1`)).stdout, `${MULTI}\n`);
    const refused = await runCli('manifest', 'delete', '--oci-layout', `${layout.dir}:foobar`);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /pass --force/);
    const del = await runCli('manifest', 'delete', '--oci-layout', `${layout.dir}:foobar`, '--force');
    assert.equal(del.code, 0, del.stderr);
    assert.equal((await runCli('resolve', '--oci-layout', `${layout.dir}:foobar`)).code, 1);
  });

  it('moves a tag as oras does, says so on stderr, and keeps what it named listed untagged', async () => {
    const entriesOf = (digest: string) =>
      (JSON.parse(readFileSync(join(layout.dir, 'index.json'), 'utf8')).manifests as { digest: string; annotations?: Record<string, string> }[])
        .filter((d) => d.digest === digest)
        .map((d) => d.annotations?.['org.opencontainers.image.ref.name'] ?? null);
    assert.deepEqual(entriesOf(AMD64), ['linux-amd64']);
    const t = await runCli('tag', '--oci-layout', `${layout.dir}:multi`, 'linux-amd64', 'fresh');
    assert.equal(t.code, 0, t.stderr);
    assert.equal(t.stdout, `Tagging [oci-layout] ${layout.dir}@${MULTI}\nTagged linux-amd64\nTagged fresh\n`, 'stdout stays what oras prints');
    assert.equal(t.stderr, `moved linux-amd64 from ${AMD64} to ${MULTI}\n`);
    assert.deepEqual(entriesOf(AMD64), [null], 'the image linux-amd64 named is still listed, untagged');
    // A pull (cp) over an existing tag: the same line; tagging what it already names says nothing.
    const cp = await runCli('cp', '--from-oci-layout', `${layout.dir}:linux-arm64`, '--to-oci-layout', `${layout.dir}:fresh`);
    assert.equal(cp.code, 0, cp.stderr);
    assert.equal(cp.stderr, `moved fresh from ${MULTI} to ${ARM64}\n`);
    assert.equal((await runCli('tag', '--oci-layout', `${layout.dir}:multi`, 'multi')).stderr, '');
  });

  it('fetches a blob verified, and refuses a corrupted one without leaving a file', async () => {
    const out = join(layout.dir, '..', 'foo.bin');
    const r = await runCli('blob', 'fetch', '--oci-layout', `${layout.dir}@${FOO_LAYER}`, '--output', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), 'foo');
    writeFileSync(join(layout.dir, 'blobs', 'sha256', FOO_LAYER.slice(7)), 'fox');
    const bad = join(layout.dir, '..', 'bad.bin');
    const c = await runCli('blob', 'fetch', '--oci-layout', `${layout.dir}@${FOO_LAYER}`, '--output', bad);
    assert.equal(c.code, 1);
    assert.match(c.stderr, new RegExp(`Error: blob ${FOO_LAYER}.*content has digest`));
    assert.equal(existsSync(bad), false);
  });

  it('pushes a manifest document from a file', async () => {
    const doc = (await runCli('manifest', 'index', 'create', '--oci-layout', layout.dir, 'linux-amd64', '--output', '-')).stdout;
    const file = join(layout.dir, '..', 'idx.json');
    writeFileSync(file, doc);
    const r = await runCli('manifest', 'push', '--oci-layout', `${layout.dir}:pushed`, file);
    assert.equal(r.code, 0, r.stderr);
    const digest = digestOf(Buffer.from(doc));
    assert.equal(r.stdout, `Pushed [oci-layout] ${layout.dir}:pushed\nDigest: ${digest}\n`);
    assert.equal((await runCli('resolve', '--oci-layout', `${layout.dir}:pushed`)).stdout, `${digest}\n`);
  });

  it('refuses to push a manifest over 4 MiB, writing nothing', async () => {
    const doc = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [], annotations: { big: 'x'.repeat(5 << 20) } });
    const file = join(layout.dir, '..', 'big.json');
    writeFileSync(file, doc);
    const before = readFileSync(join(layout.dir, 'index.json'));
    const blobs = readdirSync(join(layout.dir, 'blobs', 'sha256')).sort();
    const r = await runCli('manifest', 'push', '--oci-layout', `${layout.dir}:big`, file);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: manifest ${file} would be 5,242,993 bytes, over the 4 MiB limit registries and readers accept for manifests\n`);
    assert.deepEqual(readFileSync(join(layout.dir, 'index.json')), before);
    assert.deepEqual(readdirSync(join(layout.dir, 'blobs', 'sha256')).sort(), blobs);
  });
});
