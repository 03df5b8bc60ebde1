// One 1 GiB ingest in its own process, so its peak memory is its own: `store` pushes through the layout
// store (hash, verify, write, rename); `floor` reads, hashes and writes the same file in one pass.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { OciLayoutStore } from '../src/oci/layout';

async function main(): Promise<void> {
  const [mode, file, out, digest, size] = process.argv.slice(2) as [string, string, string, string, string];
  const start = process.hrtime.bigint();
  if (mode === 'floor') {
    const hash = createHash('sha256');
    await pipeline(createReadStream(file, { highWaterMark: 4 << 20 }), new Transform({ transform(c, _e, cb) { hash.update(c); cb(null, c); } }), createWriteStream(out));
    hash.digest('hex');
  } else {
    const store = await OciLayoutStore.open(out, { create: true });
    await store.push({ mediaType: 'application/octet-stream', digest, size: Number(size) }, createReadStream(file, { highWaterMark: 4 << 20 }));
  }
  process.stdout.write(`${Number(process.hrtime.bigint() - start) / 1e6}\n`);
}
main().catch((e) => {
  process.stderr.write(String(e));
  process.exitCode = 1;
});
