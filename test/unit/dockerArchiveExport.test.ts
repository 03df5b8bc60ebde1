// layout export --docker: a docker save manifest.json beside the OCI layout in the tar (as Docker 25 writes it), so
// docker load of any version and docker-archive readers take the tar; skopeo reading it: test/integration/dockerArchive.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoLayout } from '../../scripts/demoLayout';
import { OciLayoutStore } from '../../src/oci/layout';
import { indexTar } from '../../src/oci/layout/tar';
import { collect } from '../helpers/assertions';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, tempDir } from './builders';

after(cleanupTemps);

/** A member of a tar, read whole. */
async function member(file: string, path: string): Promise<string> {
  const entry = (await indexTar(file)).files.get(path);
  assert.ok(entry, `${path} in ${file}`);
  return readFileSync(file).subarray(entry.offset, entry.offset + entry.size).toString('utf8');
}

describe('layout export --docker: a manifest.json for docker load beside the OCI layout', () => {
  let dir: string;
  let demo: Awaited<ReturnType<typeof generateDemoLayout>>;
  before(async () => {
    dir = join(tempDir(), 'layout');
    demo = await generateDemoLayout(dir);
  });

  it('each tag as REPOSITORY:TAG, an index by the platform picked, images with several tags listed once; deterministic', async () => {
    const out = join(tempDir(), 'app.tar');
    const r = await runCli('layout', 'export', dir, out, '--docker', 'example.com/app', '--platform', 'linux/amd64', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const store = await OciLayoutStore.open(dir);
    const config = async (d: { digest: string; size: number; mediaType: string }) => JSON.parse((await store.fetchBytes(d)).toString()) as { config: { digest: string }; layers: Array<{ digest: string }> };
    const [amd, arm] = [await config(demo.images[0]!), await config(demo.images[1]!)];
    const path = (d: string) => `blobs/sha256/${d.slice(7)}`;
    assert.equal(await member(out, 'manifest.json'), `[{"Config":"${path(amd.config.digest)}","RepoTags":["example.com/app:linux-amd64","example.com/app:v1"],"Layers":["${path(amd.layers[0]!.digest)}"]},` +
      `{"Config":"${path(arm.config.digest)}","RepoTags":["example.com/app:linux-arm64"],"Layers":["${path(arm.layers[0]!.digest)}"]}]\n`);
    const said = JSON.parse(r.stdout) as { docker: { images: Array<{ tags: string[]; digest: string }>; skipped: unknown[] } };
    assert.deepEqual(said.docker, { images: [{ tags: ['linux-amd64', 'v1'], digest: demo.images[0]!.digest }, { tags: ['linux-arm64'], digest: demo.images[1]!.digest }], skipped: [] });
    // Still the OCI layout it was (index.json first: Docker 25's rule), every tag there, the index whole.
    const tar = await OciLayoutStore.openTar(out);
    assert.deepEqual(await collect(tar.tags()), ['linux-amd64', 'linux-arm64', 'v1']);
    assert.equal((await tar.resolve('v1')).digest, demo.index.digest);
    const again = join(tempDir(), 'again.tar');
    assert.equal((await runCli('layout', 'export', dir, again, '--docker', 'example.com/app', '--platform', 'linux/amd64')).code, 0);
    assert.ok(readFileSync(again).equals(readFileSync(out)));
  });

  it('an index tag without --platform is refused naming its platforms, and nothing is written', async () => {
    const out = join(tempDir(), 'app.tar');
    const r = await runCli('layout', 'export', dir, out, '--docker', 'app');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tag v1 is an index \(linux\/amd64, linux\/arm64\/v8\); a docker save tar holds one image per tag: --platform picks it/);
    assert.ok(!existsSync(out));
  });

  it('an index without the platform picked is left out, said on stderr', async () => {
    const out = join(tempDir(), 'app.tar');
    const r = await runCli('layout', 'export', dir, out, '--docker', 'app', '--platform', 'linux/s390x');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Not in manifest\.json: v1, no manifest for platform linux\/s390x in the index sha256:[0-9a-f]{64}; it has linux\/amd64, linux\/arm64\/v8$/m);
    assert.doesNotMatch(await member(out, 'manifest.json'), /app:v1"/);
  });

  it('--platform without --docker, and a repository name docker cannot take, are refused', async () => {
    const out = join(tempDir(), 'app.tar');
    assert.match((await runCli('layout', 'export', dir, out, '--platform', 'linux/amd64')).stderr, /--platform picks the image of an index for --docker/);
    assert.match((await runCli('layout', 'export', dir, out, '--docker', 'Example/App')).stderr, /--docker "Example\/App": not a repository name/);
    assert.match((await runCli('layout', 'export', dir, out, '--docker', 'app:v1')).stderr, /--docker "app:v1": not a repository name/);
    assert.ok(!existsSync(out));
  });

  it('a tagged artifact is left out of manifest.json (said on stderr); a layer missing from the layout is refused', async () => {
    const layout = join(tempDir(), 'layout');
    const d = await generateDemoLayout(layout);
    const store = await OciLayoutStore.open(layout);
    const sbom = await makeArtifact(store, { subject: d.images[0]!, artifactType: 'application/example.sbom' });
    await store.tag(sbom, 'sbom');
    const out = join(tempDir(), 'app.tar');
    const r = await runCli('layout', 'export', layout, out, '--docker', 'app', '--platform', 'linux/arm64');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Not in manifest\.json: sbom, an artifact \(config application\/vnd\.oci\.empty\.v1\+json\), not an image docker load takes$/m);
    assert.doesNotMatch(await member(out, 'manifest.json'), /sbom/);

    const layer = (JSON.parse((await store.fetchBytes(d.images[1]!)).toString()) as { layers: Array<{ digest: string }> }).layers[0]!.digest;
    rmSync(join(layout, 'blobs', 'sha256', layer.slice(7)));
    const gone = await runCli('layout', 'export', layout, join(tempDir(), 'x.tar'), '--docker', 'app', '--platform', 'linux/arm64');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, new RegExp(`tag linux-arm64: layer ${layer} is not in the layout`));
  });
});
