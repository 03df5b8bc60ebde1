// A manifest listed as the other kind (an index under an image manifest type in index.json, an image manifest under
// an index type): the commands that act on it (a platform picked, its files pulled, its config, its referrers, an
// index updated) act on what its document declares, or refuse naming both types and the place.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageIndex } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, tempDir } from './builders';
import { tagRelisted } from './support/relisted';

after(cleanupTemps);

const I = MediaType.ImageIndex;
const M = MediaType.ImageManifest;

interface Made {
  dir: string;
  arm: Descriptor;
  amd: Descriptor;
  /** An index of arm and amd. */
  multi: Descriptor;
  /** An index of two artifacts with a titled file each: a.txt for linux/amd64, b.txt for linux/arm64. */
  files: Descriptor;
  /** The artifact of a.txt. */
  a: Descriptor;
}

/** A layout tagging `image` (arm), `multi`, `files` and `a`, each listed in index.json under the type `relist` gives it (else truly). */
async function layout(relist: Record<string, string>): Promise<Made> {
  const store = await newLayout();
  const arm = await makeImage(store, { os: 'linux', arch: 'arm64' });
  const amd = await makeImage(store, { os: 'linux', arch: 'amd64' });
  const multi = await makeIndex(store, [arm, amd]);
  const a = await makeArtifact(store, { artifactType: 'application/vnd.example.files', title: 'a.txt', content: 'A\n' });
  const b = await makeArtifact(store, { artifactType: 'application/vnd.example.files', title: 'b.txt', content: 'B\n' });
  const files = await makeIndex(store, [
    { ...a, platform: { os: 'linux', architecture: 'amd64' } },
    { ...b, platform: { os: 'linux', architecture: 'arm64' } },
  ]);
  await tagRelisted(store, { image: arm, multi, files, a }, relist);
  return { dir: store.location, arm, amd, multi, files, a };
}

const fetched = async (...argv: string[]): Promise<unknown> => {
  const r = await runCli('manifest', 'fetch', ...argv);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

describe('a manifest listed as the other kind is acted on as its document declares', () => {
  it('manifest fetch --platform picks from an index listed as an image (was: the whole index), and checks an image listed as an index', async () => {
    const { dir, amd, arm } = await layout({ multi: M, image: I });
    const child = await fetched('--oci-layout', `${dir}:multi`, '--platform', 'linux/amd64');
    const want = await fetched('--oci-layout', `${dir}@${amd.digest}`);
    assert.deepEqual(child, want);
    assert.equal((await runCli('manifest', 'fetch', '--oci-layout', `${dir}:multi`, '--platform', 'linux/amd64', '--descriptor')).stdout.includes(amd.digest), true);
    // Without --platform: the stored bytes as they are (as oras).
    assert.equal(((await fetched('--oci-layout', `${dir}:multi`)) as ImageIndex).mediaType, I);
    // An image listed as an index is the image: its own platform is taken, another is refused naming it.
    const image = await fetched('--oci-layout', `${dir}:image`, '--platform', 'linux/arm64');
    assert.deepEqual(image, await fetched('--oci-layout', `${dir}@${arm.digest}`));
  });

  it('pull --platform of an index listed as an image pulls that platform\'s files only (was: every file of the index)', async () => {
    const { dir } = await layout({ files: M });
    const out = join(tempDir(), 'out');
    const r = await runCli('pull', '--oci-layout', `${dir}:files`, '--platform', 'linux/arm64', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out), ['b.txt']);
    assert.equal(readFileSync(join(out, 'b.txt'), 'utf8'), 'B\n');
    assert.equal(r.stderr, `Warning: ${dir}:files is listed as ${M}, but its document is an image index (it declares ${I}): a client reads it as the wrong kind of document\n`);
  });

  it('pull without --platform of an index listed as an image pulls its children\'s files (pinned); with --platform, an image listed as an index pulls its own (was: "no platforms")', async () => {
    const { dir } = await layout({ files: M, a: I });
    const out = join(tempDir(), 'out');
    const r = await runCli('pull', '--oci-layout', `${dir}:files`, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['a.txt', 'b.txt']);
    const one = join(tempDir(), 'one');
    const s = await runCli('pull', '--oci-layout', `${dir}:a`, '--platform', 'linux/amd64', '-o', one);
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual(readdirSync(one), ['a.txt']);
  });

  it('manifest fetch-config --platform picks the platform of an index listed as an image', async () => {
    const { dir } = await layout({ multi: M });
    const r = await runCli('manifest', 'fetch-config', '--oci-layout', `${dir}:multi`, '--platform', 'linux/amd64');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([JSON.parse(r.stdout).os, JSON.parse(r.stdout).architecture], ['linux', 'amd64']);
    // Said on stderr, as repo tags says it.
    assert.equal(r.stderr, `Warning: ${dir}:multi is listed as ${M}, but its document is an image index (it declares ${I}): a client reads it as the wrong kind of document\n`);
  });

  it('manifest fetch and resolve --platform say when the reference is listed as the other kind; nothing is said of one listed as it is', async () => {
    const { dir } = await layout({ multi: M });
    const warning = `Warning: ${dir}:multi is listed as ${M}, but its document is an image index (it declares ${I}): a client reads it as the wrong kind of document\n`;
    for (const argv of [['manifest', 'fetch'], ['resolve']]) {
      const r = await runCli(...argv, '--oci-layout', `${dir}:multi`, '--platform', 'linux/amd64');
      assert.deepEqual([r.code, r.stderr], [0, warning], argv.join(' '));
    }
    const { dir: plain } = await layout({});
    const r = await runCli('manifest', 'fetch', '--oci-layout', `${plain}:multi`, '--platform', 'linux/amd64');
    assert.deepEqual([r.code, r.stderr], [0, '']);
  });
  it('manifest fetch-config of an image listed as an index prints its config; of an index listed as an image refuses naming both types (was: "the manifest has no config")', async () => {
    const { dir } = await layout({ image: I, multi: M });
    const r = await runCli('manifest', 'fetch-config', '--oci-layout', `${dir}:image`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([JSON.parse(r.stdout).os, JSON.parse(r.stdout).architecture], ['linux', 'arm64']);
    const s = await runCli('manifest', 'fetch-config', '--oci-layout', `${dir}:multi`);
    assert.deepEqual(
      [s.code, s.stdout, s.stderr],
      [1, '', `Error: ${dir}:multi is listed as ${M}, but its document is an image index (it declares ${I}): an index has no config; choose a manifest with --platform\n`],
    );
  });
  it('manifest index update --merge of an index listed as an image takes its children (was: "multi is not an index")', async () => {
    const { dir, arm, amd, a } = await layout({ multi: M });
    assert.equal((await runCli('manifest', 'index', 'create', '--oci-layout', `${dir}:base`, 'a')).code, 0);
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${dir}:base`, '--merge', 'multi');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(((await fetched('--oci-layout', `${dir}:base`)) as ImageIndex).manifests.map((m) => m.digest), [a.digest, arm.digest, amd.digest]);
  });

  it('manifest index update of an index listed as an image updates it, and its tag then lists it as an index; of an image listed as an index refuses naming both types (was: "multi is not an index")', async () => {
    const { dir, arm, amd, a } = await layout({ multi: M, image: I });
    const r = await runCli('manifest', 'index', 'update', '--oci-layout', `${dir}:multi`, '--add', 'a');
    assert.equal(r.code, 0, r.stderr);
    const updated = (await fetched('--oci-layout', `${dir}:multi`)) as ImageIndex;
    assert.deepEqual(updated.manifests.map((m) => m.digest), [arm.digest, amd.digest, a.digest]);
    const entry = (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as ImageIndex).manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'multi');
    assert.equal(entry?.mediaType, I);

    const s = await runCli('manifest', 'index', 'update', '--oci-layout', `${dir}:image`, '--add', 'a');
    assert.deepEqual(
      [s.code, s.stderr.split('\n').filter((l) => l.startsWith('Error'))],
      [1, [`Error: image is not an index (it is listed as ${I}, but its document is an image manifest: it declares ${M})`]],
    );
  });
  it('coverage and discover -r of an index listed as an image walk its platforms, with a word (was: one manifest, no platforms)', async () => {
    const { dir, multi, arm, amd } = await layout({ multi: M });
    const word = `Warning: ${dir}:multi is listed as ${M}, but its document is an image index (it declares ${I}): a client reads it as the wrong kind of document\n`;
    const coverage = await runCli('coverage', '--oci-layout', `${dir}:multi`, '--format', 'json');
    assert.deepEqual([coverage.code, coverage.stderr], [0, word]);
    const rows = (JSON.parse(coverage.stdout) as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest);
    assert.deepEqual(rows, [multi.digest, arm.digest, amd.digest]);
    const discover = await runCli('discover', '-r', '--oci-layout', `${dir}:multi`);
    assert.deepEqual([discover.code, discover.stderr], [0, word]);
    assert.deepEqual(discover.stdout.split('\n').filter((l) => /^Image/.test(l)), ['Image index', 'Image manifest [1] linux/arm64', 'Image manifest [2] linux/amd64']);
    // --platform picks from it too.
    const one = await runCli('discover', '--oci-layout', `${dir}:multi`, '--platform', 'linux/amd64');
    assert.deepEqual([one.code, one.stdout.trim()], [0, `${dir}@${amd.digest}`]);
  });
  it('attach --platform with a wildcard picks from an index listed as an image (was: "not an index and is of no declared platform"), and reads an image listed as an index as the image', async () => {
    const { dir, arm, amd } = await layout({ multi: M, image: I });
    const r = await runCli('attach', '--oci-layout', `${dir}:multi`, '--artifact-type', 'application/vnd.example', '--platform', 'linux/*', '--annotation', 'a=b');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...r.stdout.matchAll(/Attached to \[oci-layout\] \S+@(\S+)/g)].map((m) => m[1]), [arm.digest, amd.digest]);
    const s = await runCli('attach', '--oci-layout', `${dir}:image`, '--artifact-type', 'application/vnd.example', '--platform', 'linux/amd*', '--annotation', 'a=b');
    assert.deepEqual([s.code, s.stderr], [1, `Error: ${arm.digest} is not an index and is linux/arm64, not linux/amd*\n`]);
  });

  it('attach --recursive of an index listed as an image attaches to the index and each platform (was: the index alone)', async () => {
    const { dir, arm, amd, multi } = await layout({ multi: M });
    const r = await runCli('attach', '--oci-layout', `${dir}:multi`, '--artifact-type', 'application/vnd.example', '--recursive', '--annotation', 'a=b');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...r.stdout.matchAll(/Attached to \[oci-layout\] \S+@(\S+)/g)].map((m) => m[1]), [multi.digest, arm.digest, amd.digest]);
  });

  it('cp --platform of one platform of an index listed as an image copies that platform\'s manifest (was: the whole index, refused)', async () => {
    const { dir, amd } = await layout({ multi: M });
    const to = join(tempDir(), 'to');
    const r = await runCli('cp', '--from-oci-layout', `${dir}:multi`, '--to-oci-layout', `${to}:v1`, '--platform', 'linux/amd64');
    assert.equal(r.code, 0, r.stderr);
    const listed = (JSON.parse(readFileSync(join(to, 'index.json'), 'utf8')) as ImageIndex).manifests;
    assert.deepEqual(listed.map((m) => [m.mediaType, m.digest]), [[M, amd.digest]]);
  });

  it('cp --platform of both platforms of an index listed as an image copies the index, as an index (was: refused, an image manifest required)', async () => {
    const { dir, amd, arm } = await layout({ multi: M });
    const to = join(tempDir(), 'to');
    const r = await runCli('cp', '--from-oci-layout', `${dir}:multi`, '--to-oci-layout', `${to}:v1`, '--platform', 'linux/amd64,linux/arm64');
    assert.equal(r.code, 0, r.stderr);
    const listed = (JSON.parse(readFileSync(join(to, 'index.json'), 'utf8')) as ImageIndex).manifests;
    assert.deepEqual(listed.map((m) => m.mediaType), [I]);
    const index = JSON.parse(readFileSync(join(to, 'blobs', 'sha256', listed[0]!.digest.slice(7)), 'utf8')) as ImageIndex;
    assert.deepEqual(index.manifests.map((m) => m.digest).sort(), [amd.digest, arm.digest].sort());
  });
});
