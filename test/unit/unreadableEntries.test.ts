import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, newLayout } from './builders';

const SBOM = 'application/spdx+json';
const blobFile = (dir: string, digest: string): string => join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

/**
 * An image (v1) with four referrers, three of them unreadable: one cut short (tagged "sig"), one overwritten with
 * other bytes, one whose entry names a stored blob that is not JSON. Returns the stderr lines discover must print.
 */
async function layoutWithUnreadableReferrers(): Promise<{ dir: string; image: Descriptor; good: Descriptor; problems: string[] }> {
  const store = await newLayout();
  const dir = store.location;
  const image = await makeImage(store, { arch: 'amd64' });
  await store.tag(image, 'v1');
  const good = await makeArtifact(store, { subject: image, artifactType: SBOM, content: 'the sbom\n' });
  const cut = await makeArtifact(store, { subject: image, artifactType: 'application/vnd.dev.cosign.simplesigning.v1+json', content: 'a signature\n' });
  await store.tag(cut, 'sig');
  const altered = await makeArtifact(store, { subject: image, artifactType: 'application/vnd.test.note', content: 'a note\n' });

  const cutBytes = readFileSync(blobFile(dir, cut.digest)).subarray(0, 100);
  writeFileSync(blobFile(dir, cut.digest), cutBytes);
  const alteredBytes = Buffer.from(readFileSync(blobFile(dir, altered.digest), 'utf8').replace('"schemaVersion":2', '"schemaVersion":3'));
  writeFileSync(blobFile(dir, altered.digest), alteredBytes);
  const garbage = Buffer.from('this is not a manifest\n');
  const garbageDigest = digestOf(garbage);
  writeFileSync(blobFile(dir, garbageDigest), garbage);
  const indexFile = join(dir, 'index.json');
  const index = JSON.parse(readFileSync(indexFile, 'utf8'));
  index.manifests.push({ mediaType: MediaType.ImageManifest, digest: garbageDigest, size: garbage.length });
  writeFileSync(indexFile, JSON.stringify(index));

  const at = (digest: string): number => index.manifests.findIndex((e: { digest: string }) => e.digest === digest);
  const problems = [
    [at(cut.digest), ' (tag "sig")', `manifest ${cut.digest} in ${dir}: content has digest ${digestOf(cutBytes)}`],
    [at(altered.digest), '', `manifest ${altered.digest} in ${dir}: content has digest ${digestOf(alteredBytes)}`],
    [at(garbageDigest), '', `manifest ${garbageDigest} in ${dir}: malformed JSON at line 1, column 1: value expected, unexpected character "t"`],
  ]
    .sort((a, b) => (a[0] as number) - (b[0] as number))
    .map(([i, tag, problem]) => `Error: ${indexFile}: manifests[${i}]${tag}: manifest unreadable: ${problem}\n`);
  return { dir, image, good, problems };
}

after(cleanupTemps);

describe('index.json entries whose manifest cannot be read', () => {
  let l: Awaited<ReturnType<typeof layoutWithUnreadableReferrers>>;
  beforeEach(async () => {
    l = await layoutWithUnreadableReferrers();
  });

  it('discover shows the referrers it can read and names each unreadable entry on stderr, exit 1', async () => {
    for (const format of ['tree', 'table', 'json']) {
      const r = await runCli('discover', '--oci-layout', `${l.dir}:v1`, '--format', format);
      assert.deepEqual([r.stderr, r.code], [l.problems.join(''), 1], format);
      assert.ok(r.stdout.includes(l.good.digest), format);
    }
    const json = await runCli('discover', '--oci-layout', `${l.dir}:v1`, '--format', 'json');
    assert.deepEqual(JSON.parse(json.stdout).referrers.map((r: { digest: string; artifactType: string }) => [r.digest, r.artifactType]), [[l.good.digest, SBOM]]);
  });

  it('coverage counts what it can read and names each unreadable entry on stderr, exit 1', async () => {
    const r = await runCli('coverage', '--oci-layout', `${l.dir}:v1`, '--format', 'json');
    assert.deepEqual([r.stderr, r.code], [l.problems.join(''), 1]);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.manifests.map((m: { digest: string; counts: Record<string, number> }) => [m.digest, m.counts.sbom]), [[l.image.digest, 1]]);
    // With --require, the missing kind is listed too, and the exit code stays 1: the kind may be in an unread entry.
    const required = await runCli('coverage', '--oci-layout', `${l.dir}:v1`, '--require', 'signature');
    assert.equal(required.code, 1);
    assert.equal(
      required.stderr,
      `missing signature: linux/amd64 ${l.dir}@${l.image.digest}\n` +
        'Error: 1 required referrer missing (signature required on every platform manifest)\n' +
        l.problems.join(''),
    );
  });
});
