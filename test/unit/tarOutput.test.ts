import { strict as assert } from 'node:assert';
import { createHash, randomFillSync } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { tarEnd, tarHeaders, tarPadding } from '../../src/oci/encoding/tarHeader';
import { OciLayoutStore } from '../../src/oci/layout';
import { HashWorker } from '../../src/oci/layout/hashWorker';
import { writeLayoutTar } from '../../src/oci/layout/tarExport';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, tempDir } from './builders';

const MiB = 1 << 20;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The tar of a layout folder assembled the plain way, in one buffer: what the export's buffered writer must equal. */
function plainTar(root: string): Buffer {
  const parts: Buffer[] = [];
  const file = (path: string) => {
    const bytes = readFileSync(join(root, path));
    parts.push(...tarHeaders(path, '0', 0o644, bytes.length), bytes, tarPadding(bytes.length));
  };
  const dir = (path: string) => parts.push(...tarHeaders(`${path}/`, '5', 0o755, 0));
  dir('blobs');
  dir('blobs/sha256');
  for (const hex of readdirSync(join(root, 'blobs', 'sha256')).sort()) file(`blobs/sha256/${hex}`);
  file('index.json');
  file('oci-layout');
  parts.push(tarEnd());
  return Buffer.concat(parts);
}

describe('layout tar export: buffered writing and verification on another thread', function () {
  this.timeout(60_000);
  after(cleanupTemps);
  let layout: string;
  let big: Descriptor;

  before(async () => {
    const store = await OciLayoutStore.open(join(tempDir(), 'src'), { create: true });
    layout = store.location;
    // Sizes around the writer's 4 MiB buffers and 1 MiB hashing-thread threshold: a blob spans buffers, ends
    // one exactly, and small ones share one.
    const random = (n: number) => randomFillSync(Buffer.alloc(n));
    const image = await makeImage(store, { arch: 'amd64', layers: [random(9 * MiB + 7), random(4 * MiB - 1024 - 512), random(MiB), random(MiB - 1), 'x'] });
    await store.tag(image, 'v1');
    const layers = JSON.parse((await store.fetchBytes(image)).toString()).layers as Descriptor[];
    big = layers.find((l) => l.size > 9 * MiB)!;
  });

  it('writes the bytes of the plain assembly, and the digest of those bytes', async () => {
    const out = join(tempDir(), 'out.tar');
    const result = await writeLayoutTar(layout, out);
    const expected = plainTar(layout);
    const written = readFileSync(out);
    assert.ok(written.equals(expected), `the tar differs from the plain assembly (${written.length} bytes, expected ${expected.length})`);
    assert.equal(result.digest, `sha256:${sha256(expected)}`);
    assert.equal(result.size, expected.length);
  });

  it('cp to a .tar fails on a large blob damaged in place (same size), naming it, and leaves no tar or temp file', async () => {
    const out = tempDir();
    const bad = join(out, 'bad');
    cpSync(layout, bad, { recursive: true });
    const path = join(bad, 'blobs', 'sha256', big.digest.slice(7));
    const bytes = readFileSync(path);
    bytes[5 * MiB] ^= 1; // in the middle, past the first buffer: only a real hash of the whole sees it
    writeFileSync(path, bytes);
    const r = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${bad}:v1`, join(out, 'out.tar:v1'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error: blob ${big.digest} in ${bad}: content has digest sha256:${sha256(bytes)}`));
    assert.deepEqual(readdirSync(out), ['bad']);
  });

  it('HashWorker hashes ranges of shared buffers, several digests interleaved, as createHash does', async () => {
    const shared = [new SharedArrayBuffer(64 << 10), new SharedArrayBuffer(64 << 10)];
    const views = shared.map((s) => randomFillSync(Buffer.from(s)));
    const worker = new HashWorker(shared);
    try {
      const a = [worker.update(1, 'sha256', 0, 0, 1000), worker.update(2, 'sha512', 1, 5, 60_000), worker.update(1, 'sha256', 1, 100, 30_000)];
      await Promise.all(a);
      const [da, db, empty] = await Promise.all([worker.digest(1, 'sha256'), worker.digest(2, 'sha512'), worker.digest(3, 'sha256')]);
      assert.equal(da, createHash('sha256').update(views[0]!.subarray(0, 1000)).update(views[1]!.subarray(100, 30_100)).digest('hex'));
      assert.equal(db, createHash('sha512').update(views[1]!.subarray(5, 60_005)).digest('hex'));
      assert.equal(empty, sha256(Buffer.alloc(0)));
    } finally {
      await worker.close();
    }
  });
});
