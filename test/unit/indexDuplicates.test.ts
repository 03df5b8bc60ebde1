import { strict as assert } from 'node:assert';
import type { Descriptor, ImageIndex } from '../../src/oci/descriptor';
import { applyIntent, diagnose, duplicateEntries, listedAgain } from '../../src/oci/indexDocument';
import { MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, newLayout } from './builders';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const entry = (c: string, os: string, architecture: string, extra: Partial<Descriptor> = {}): Descriptor => ({
  mediaType: MediaType.ImageManifest,
  digest: D(c),
  size: 500,
  platform: { architecture, os },
  ...extra,
});
const index = (manifests: Descriptor[]): ImageIndex => ({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests });

describe('duplicate entries of an index', () => {
  it('finds a digest listed again (as a merge of overlapping indexes writes it) and names the first entry', () => {
    const dups = duplicateEntries(index([entry('a', 'linux', 'amd64'), entry('b', 'linux', 'arm64'), entry('a', 'linux', 'amd64')]).manifests);
    assert.deepEqual(dups, [{ code: 'duplicate-digest', row: 2, first: 0, digest: D('a') }]);
  });

  it('finds a second image for a platform, normalized as containerd matches (aarch64 is arm64)', () => {
    const dups = duplicateEntries([entry('a', 'linux', 'arm64'), entry('b', 'linux', 'aarch64'), entry('c', 'linux', 'amd64')]);
    assert.deepEqual(dups, [{ code: 'duplicate-platform', row: 1, first: 0, digest: D('b'), platform: 'linux/arm64' }]);
  });

  it('tells platforms apart by variant, os.version and features; ignores entries without one and BuildKit attestations', () => {
    const attestation = (c: string, of: string) =>
      entry(c, 'unknown', 'unknown', { annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': D(of) } });
    const dups = duplicateEntries([
      entry('a', 'linux', 'arm', { platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }),
      entry('b', 'linux', 'arm', { platform: { os: 'linux', architecture: 'arm', variant: 'v6' } }),
      entry('c', 'windows', 'amd64', { platform: { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' } }),
      entry('d', 'windows', 'amd64', { platform: { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.1' } }),
      attestation('e', 'a'),
      attestation('f', 'b'),
      { mediaType: MediaType.ImageManifest, digest: D('1'), size: 3 },
      { mediaType: MediaType.ImageManifest, digest: D('2'), size: 3 },
      'not a descriptor',
      // Entries named by tags (an index laid out as index.json): the same image under two tags is what tags are for.
      entry('9', 'linux', 'amd64', { annotations: { 'org.opencontainers.image.ref.name': 'v1' } }),
      entry('9', 'linux', 'amd64', { annotations: { 'org.opencontainers.image.ref.name': 'latest' } }),
    ]);
    assert.deepEqual(dups, []);
  });

  it('diagnose warns on each, at the later entry, with a fix that removes it; not in a layout\'s index.json', async () => {
    const doc = index([entry('a', 'linux', 'amd64'), entry('b', 'linux', 'amd64'), entry('a', 'linux', 'amd64')]);
    const text = JSON.stringify(doc, null, 2);
    const findings = (await diagnose(text, { expect: 'index' })).filter((f) => f.code.startsWith('duplicate-'));
    assert.deepEqual(
      findings.map((f) => ({ code: f.code, path: f.path, severity: f.severity, at: text.slice(f.offset, f.offset! + f.length!) })),
      [
        { code: 'duplicate-platform', path: 'manifests[1].platform', severity: 'warning', at: '"platform"' },
        { code: 'duplicate-digest', path: 'manifests[2].digest', severity: 'warning', at: `"${D('a')}"` },
      ],
    );
    assert.match(findings[1]!.message, /manifests\[2\] lists sha256:aaaaaaaaaaaa again \(as manifests\[0\] does\)/);
    const fixed = JSON.parse(applyIntent(text, findings[1]!.fix!.intent)) as ImageIndex;
    assert.deepEqual(fixed.manifests.map((m) => m.digest), [D('a'), D('b')]);
    assert.equal(findings[1]!.fix!.title, 'Remove the duplicate entry manifests[2]');

    const asLayoutIndex = await diagnose(text, { expect: 'index', layoutIndex: true });
    assert.deepEqual(asLayoutIndex.filter((f) => f.code.startsWith('duplicate-')), []);
  });

  it('diagnose reports features that are not a list of strings, and still finds the duplicates (it threw a TypeError)', async () => {
    const odd = (c: string, features: unknown) => ({ ...entry(c, 'linux', 'amd64'), platform: { os: 'linux', architecture: 'amd64', 'os.features': features } });
    const text = JSON.stringify({ ...index([]), manifests: [odd('a', {}), odd('b', 'sse4'), entry('c', 'linux', 'amd64')] }, null, 2);
    const findings = await diagnose(text, { expect: 'index' });
    assert.deepEqual(
      findings.filter((f) => f.code === 'invalid-platform' || f.code.startsWith('duplicate-')).map((f) => `${f.code} ${f.path}`),
      ['invalid-platform manifests[0].platform["os.features"]', 'invalid-platform manifests[1].platform["os.features"]', 'duplicate-platform manifests[1].platform', 'duplicate-platform manifests[2].platform'],
    );
  });

  it('listedAgain: what a merge would add a second time (already in the index, or twice in what is merged)', () => {
    const current = [entry('a', 'linux', 'amd64'), entry('b', 'linux', 'arm64')];
    const merged = [entry('c', 'linux', 's390x'), entry('a', 'linux', 'amd64'), entry('c', 'linux', 's390x')];
    assert.deepEqual(listedAgain(current, merged).map((d) => d.digest), [D('a'), D('c')]);
    assert.deepEqual(listedAgain(current, [entry('d', 'linux', 'ppc64le')]), []);
  });
});

describe('manifest index create and update note the entries they list twice', () => {
  after(cleanupTemps);

  it('create: the same source twice and a second image of a platform, on stderr; the bytes stay oras\'s', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const amd2 = await makeImage(store, { arch: 'amd64', seed: 'rebuilt' });
    const r = await runCli('manifest', 'index', 'create', '--oci-layout', `${store.location}:v1`, amd.digest, amd.digest, amd2.digest);
    assert.equal(r.code, 0, r.stderr);
    const short = (d: Descriptor) => d.digest.slice(7, 19);
    assert.equal(
      r.stderr,
      `note: manifests[1] lists ${short(amd)} again (as manifests[0]): clients use the first entry, so this one only adds weight\n` +
        `note: manifests[2] is a second linux/amd64 manifest (${short(amd2)}): clients pull the first, manifests[0], so this one is never used\n`,
    );
    const stored = JSON.parse((await store.fetchBytes(await store.resolve('v1'))).toString('utf8')) as ImageIndex;
    assert.deepEqual(stored.manifests.map((m) => m.digest), [amd.digest, amd.digest, amd2.digest]);
  });

  it('update: a merge that lists an image again says so; an index without repeats says nothing', async () => {
    const store = await newLayout();
    const amd = await makeImage(store, { arch: 'amd64' });
    const arm = await makeImage(store, { arch: 'arm64' });
    await store.tag(await makeIndex(store, [amd]), 'v1');
    await store.tag(await makeIndex(store, [amd, arm]), 'both');
    let r = await runCli('manifest', 'index', 'update', '--oci-layout', `${store.location}:v1`, '--add', arm.digest);
    assert.deepEqual([r.code, r.stderr.includes('note:')], [0, false], r.stderr);
    r = await runCli('manifest', 'index', 'update', '--oci-layout', `${store.location}:v1`, '--merge', 'both');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`note: manifests[2] lists ${amd.digest.slice(7, 19)} again (as manifests[0])`), r.stderr);
    assert.ok(r.stderr.includes(`note: manifests[3] lists ${arm.digest.slice(7, 19)} again (as manifests[1])`), r.stderr);
  });
});
