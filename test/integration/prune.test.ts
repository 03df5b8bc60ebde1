import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoLayout } from '../../scripts/demoLayout';
import { digestOf } from '../../src/oci/digest';
import { encodeManifest } from '../../src/oci/encoding/goJson';
import { MediaType } from '../../src/oci/mediaType';
import { tempDir } from '../helpers/peerLayouts';
import { runCli } from '../helpers/runCli';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function raw(dir: string, bytes: Buffer): string {
  const digest = digestOf(bytes);
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return digest;
}

describe('prune, read by peers before and after', function () {
  this.timeout(300_000);
  let tmp: { dir: string; cleanup(): void };
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());

  it('skopeo and umoci, repo tags and discover give the same answers; skopeo copies every tag after', async () => {
    const layout = join(tmp.dir, 'layout');
    const { index } = await generateDemoLayout(layout);
    // A regclient-style fallback tag listing a second referrer of v1, then unreachable garbage: an abandoned image.
    const eolLayer = raw(layout, Buffer.from('end of life: 2027-01-01\n'));
    const eol = Buffer.from(encodeManifest({
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      artifactType: 'application/vnd.eol+json',
      config: { mediaType: MediaType.Empty, digest: digestOf(Buffer.from('{}')), size: 2 },
      layers: [{ mediaType: 'application/vnd.eol+json', digest: eolLayer, size: 24 }],
      subject: { mediaType: index.mediaType, digest: index.digest, size: index.size },
    }));
    const eolDigest = raw(layout, eol);
    const fallback = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: [{ mediaType: MediaType.ImageManifest, digest: eolDigest, size: eol.length, artifactType: 'application/vnd.eol+json' }] }));
    const fallbackDigest = raw(layout, fallback);
    assert.equal((await runCli('tag', '--oci-layout', `${layout}@${fallbackDigest}`, `sha256-${index.digest.slice(7)}`)).code, 0);
    const garbageLayer = raw(layout, Buffer.from('abandoned layer\n'));
    const garbageBytes = Buffer.from(encodeManifest({
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      config: { mediaType: MediaType.Empty, digest: digestOf(Buffer.from('{}')), size: 2 },
      layers: [{ mediaType: MediaType.ImageLayer, digest: garbageLayer, size: 16 }],
    }));
    const garbage = raw(layout, garbageBytes);
    mkdirSync(join(layout, '.manifold-tmp'), { recursive: true });
    writeFileSync(join(layout, '.manifold-tmp', 'blob-1-000000000000'), 'half');
    const old = new Date(Date.now() - 3_600_000);
    for (const name of readdirSync(join(layout, 'blobs', 'sha256'))) utimesSync(join(layout, 'blobs', 'sha256', name), old, old);
    utimesSync(join(layout, '.manifold-tmp', 'blob-1-000000000000'), old, old);

    const tags = ['v1', 'linux-amd64', 'linux-arm64'];
    const answers = async () => ({
      skopeo: tags.map((t) => run('skopeo', ['inspect', '--raw', `oci:${layout}:${t}`])),
      skopeoConfig: tags.slice(1).map((t) => run('skopeo', ['inspect', '--config', '--raw', `oci:${layout}:${t}`])),
      umoci: run('umoci', ['ls', '--layout', layout]).trim().split('\n').sort(),
      repoTags: (await runCli('repo', 'tags', '--oci-layout', layout, '--all')).stdout,
      discover: (await runCli('discover', '--oci-layout', `${layout}:v1`, '--format', 'json')).stdout,
    });
    const before = await answers();
    assert.match(before.discover, new RegExp(eolDigest));

    const pruned = await runCli('prune', '--oci-layout', layout);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.equal(
      pruned.stdout,
      [...[garbage, garbageLayer].sort().map((d) => `Removed blob ${d} (${d === garbageLayer ? 16 : garbageBytes.length} bytes)`),
        'Removed temp file .manifold-tmp/blob-1-000000000000 (4 bytes)',
        `Freed ${16 + garbageBytes.length + 4} bytes: 2 blobs, 1 temp file, 0 lock leftovers`].join('\n') + '\n',
    );
    assert.deepEqual(await answers(), before);
    for (const t of [...tags, `sha256-${index.digest.slice(7)}`]) run('skopeo', ['copy', '--all', `oci:${layout}:${t}`, `dir:${join(tmp.dir, `copy-${t}`)}`]);
  });
});
