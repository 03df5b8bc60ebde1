import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf } from '../../src/oci/digest';
import { copyPeerLayout, describeWithPeerLayouts } from '../helpers/peerLayouts';
import { runCli } from '../helpers/runCli';

const AMD64 = 'sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1';
const ARM64 = 'sha256:4f93460061882467e6fb3b772dc6ab72130d9ac1906aed2fc7589a5cd145433c';
// What oras 1.3 writes for the same inputs (from the issue; checked against oras's own output).
const ORAS_AMD64 = 'sha256:c543059818cb70e6442597a33454ec1e3d3a2bdb526c17875578d33c2ddcf72e';
const ORAS_AMD64_ARM64 = 'sha256:cce9590b1193d8bcb70467e2381dc81e77869be4801c09abe9bc274b6a1d2001';
const ORAS_PLUS_ARMV7 = 'sha256:84887718c9e61daa0f1996aad3ae2eb10db15dcbdab394e4b2dfee7967c55f2c';

function blob(dir: string, digest: string): Buffer {
  return readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)));
}

function indexJson(dir: string): { manifests: Array<{ digest: string; annotations?: Record<string, string> }> } {
  return JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
}

function tagged(dir: string, tag: string): string | undefined {
  return indexJson(dir).manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)?.digest;
}

describeWithPeerLayouts('manifest index create and update (oras-images)', () => {
  let layout: { dir: string; cleanup(): void };
  beforeEach(() => (layout = copyPeerLayout('oras-images')));
  afterEach(() => layout.cleanup());

  it('writes the bytes oras writes for one source', async () => {
    const r = await runCli('manifest', 'index', 'create', '--oci-layout', `${layout.dir}:one`, 'linux-amd64');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Digest: ${ORAS_AMD64}\\n$`));
    assert.equal(tagged(layout.dir, 'one'), ORAS_AMD64);
    assert.equal(digestOf(blob(layout.dir, ORAS_AMD64)), ORAS_AMD64);
  });

  it('writes the bytes oras writes for a tag and a digest, with several tags, and prints oras\'s lines', async () => {
    const r = await runCli('manifest', 'index', 'create', '--oci-layout', `${layout.dir}:v1,v1.0`, 'linux-amd64', ARM64);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), [
      'Fetching  linux-amd64',
      `Fetched   ${AMD64} linux-amd64`,
      `Fetching  ${ARM64}`,
      `Fetched   ${ARM64}`,
      `Packed    ${ORAS_AMD64_ARM64.slice(7, 19)} application/vnd.oci.image.index.v1+json`,
      `Pushed    [oci-layout] ${layout.dir}:v1`,
      'Tagged v1.0',
      `Digest: ${ORAS_AMD64_ARM64}`,
      '',
    ]);
    assert.equal(tagged(layout.dir, 'v1'), ORAS_AMD64_ARM64);
    assert.equal(tagged(layout.dir, 'v1.0'), ORAS_AMD64_ARM64);
    const doc = JSON.parse(blob(layout.dir, ORAS_AMD64_ARM64).toString());
    assert.deepEqual(doc.manifests.map((m: { platform: unknown }) => m.platform), [
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux' },
    ]);
  });

  it('updates with --add as oras does, moving the tag and keeping the old index', async () => {
    await runCli('manifest', 'index', 'create', '--oci-layout', `${layout.dir}:v1`, 'linux-amd64', ARM64);
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${layout.dir}:v1`, '--add', 'linux-armv7');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Fetching  v1\nFetched   sha256:cce9590b\w+ v1\n/);
    assert.match(r.stdout, /Added     sha256:58efe73e\w+ linux-armv7\n/);
    assert.match(r.stdout, new RegExp(`Updated   ${ORAS_PLUS_ARMV7}\\n`));
    assert.equal(tagged(layout.dir, 'v1'), ORAS_PLUS_ARMV7);
    assert.equal(digestOf(blob(layout.dir, ORAS_AMD64_ARM64)), ORAS_AMD64_ARM64, 'the old index stays');
    const doc = JSON.parse(blob(layout.dir, ORAS_PLUS_ARMV7).toString());
    assert.deepEqual(doc.manifests[2].platform, { architecture: 'arm', os: 'linux', variant: 'v7' });
  });

  it('removes, merges, annotates and retags', async () => {
    await runCli('manifest', 'index', 'create', '--oci-layout', `${layout.dir}:v1`, 'linux-amd64', ARM64);
    let r = await runCli('manifest', 'index', 'update', '--oci-layout', `${layout.dir}:v1`, '--remove', AMD64, '--merge', 'multi', '-a', 'eol=2027-01-01', '--tag', 'v2');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Removed   ${AMD64}\\n`));
    assert.match(r.stdout, /Merged    sha256:e2bfc9cc\w+ multi\n/);
    assert.match(r.stdout, /Tagged v2\n/);
    const digest = tagged(layout.dir, 'v1')!;
    assert.equal(tagged(layout.dir, 'v2'), digest);
    const doc = JSON.parse(blob(layout.dir, digest).toString());
    assert.deepEqual(doc.manifests.map((m: { digest: string }) => m.digest), [ARM64, AMD64, ARM64, 'sha256:58efe73e78fe043ca31b89007a025c594ce12aa7e6da27d21c7b14b50112e255']);
    assert.deepEqual(doc.annotations, { eol: '2027-01-01' });
    r = await runCli('manifest', 'index', 'update', '--oci-layout', `${layout.dir}:v1`, '-a', 'eol-');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(blob(layout.dir, tagged(layout.dir, 'v1')!).toString()).annotations, undefined);
    // A key the index does not have (a typo): refused, naming it, and nothing written.
    const before = readFileSync(join(layout.dir, 'index.json'));
    r = await runCli('manifest', 'index', 'update', '--oci-layout', `${layout.dir}:v1`, '-a', 'eol-');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: annotation eol is not set on the index, so it cannot be removed\n');
    assert.deepEqual(readFileSync(join(layout.dir, 'index.json')), before);
  });

  it('writes to --output instead of storing, compact or pretty', async () => {
    const before = readFileSync(join(layout.dir, 'index.json'));
    const r = await runCli('manifest', 'index', 'create', '--oci-layout', layout.dir, 'linux-amd64', '--output', '-');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(digestOf(Buffer.from(r.stdout)), ORAS_AMD64);
    const pretty = await runCli('manifest', 'index', 'create', '--oci-layout', layout.dir, 'linux-amd64', '--output', '-', '--pretty');
    assert.deepEqual(JSON.parse(pretty.stdout), JSON.parse(r.stdout));
    assert.match(pretty.stdout, /^\{\n {2}"schemaVersion": 2,\n/);
    assert.deepEqual(readFileSync(join(layout.dir, 'index.json')), before, 'nothing stored');
  });

  const refusals: Array<[string, string[], RegExp]> = [
    ['an unknown source', ['create', ':x', 'nope'], /could not find the manifest nope/],
    ['a blob that is not a manifest', ['create', ':x', 'sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9'], /is not a manifest/],
    ['an invalid artifact type', ['create', ':x', 'linux-amd64', '--artifact-type', 'not a type'], /not a type: invalid media type/],
    ['an annotation without =', ['create', ':x', 'linux-amd64', '-a', 'novalue'], /annotation value doesn't match the required format/],
    ['a target that is not an index', ['update', ':linux-amd64', '--add', 'linux-arm64'], /linux-amd64 is not an index/],
    ['removing what the index lacks', ['update', ':multi', '--remove', ARM64.replace('4f9', '000')], /does not exist in the index multi/],
    ['removing by tag', ['update', ':multi', '--remove', 'linux-amd64'], /remove: linux-amd64 is not a digest/],
    ['merging a manifest', ['update', ':multi', '--merge', 'linux-amd64'], /linux-amd64 is not an index/],
    // No reader would list an index over the manifest limit: it must not be stored where nothing shows it.
    ['an index over 4 MiB', ['create', ':x', 'linux-amd64', '-a', `k=${'x'.repeat(5 << 20)}`], /^Error: image index would be 5,243,192 bytes, over the 4 MiB limit registries and readers accept for manifests\n$/],
    ['an update over 4 MiB', ['update', ':multi', '-a', `k=${'x'.repeat(5 << 20)}`], /^Error: image index would be 5,243,609 bytes, over the 4 MiB limit registries and readers accept for manifests\n$/],
  ];
  for (const [what, [verb, ref, ...rest], message] of refusals) {
    it(`refuses ${what} and changes nothing`, async () => {
      const before = readFileSync(join(layout.dir, 'index.json'));
      const blobsBefore = readdirSync(join(layout.dir, 'blobs', 'sha256')).sort();
      const r = await runCli('manifest', 'index', verb!, '--oci-layout', `${layout.dir}${ref}`, ...rest);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: /);
      assert.match(r.stderr, message);
      assert.deepEqual(readFileSync(join(layout.dir, 'index.json')), before);
      assert.deepEqual(readdirSync(join(layout.dir, 'blobs', 'sha256')).sort(), blobsBefore);
    });
  }

  it('names the JSON path of a malformed index it is asked to update, and changes nothing', async () => {
    const bad = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:../../x', size: 1 }] }));
    const digest = digestOf(bad);
    writeFileSync(join(layout.dir, 'blobs', 'sha256', digest.slice(7)), bad);
    const index = indexJson(layout.dir);
    index.manifests.push({ mediaType: 'application/vnd.oci.image.index.v1+json', size: bad.length, digest, annotations: { 'org.opencontainers.image.ref.name': 'broken' } } as never);
    writeFileSync(join(layout.dir, 'index.json'), JSON.stringify(index));
    const before = readFileSync(join(layout.dir, 'index.json'));
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${layout.dir}:broken`, '--add', 'linux-amd64');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error: broken \\(${digest}\\): manifests\\[0\\]\\.digest: `));
    assert.deepEqual(readFileSync(join(layout.dir, 'index.json')), before);
  });

  it('says so when no change is requested, and changes nothing', async () => {
    const before = readFileSync(join(layout.dir, 'index.json'));
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${layout.dir}:multi`);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Nothing to update as no change is requested\n');
    assert.deepEqual(readFileSync(join(layout.dir, 'index.json')), before);
  });
});
