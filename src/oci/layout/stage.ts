import { randomBytes } from '../nodeCrypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { OpOptions, StagedBlob } from '../target';
import { openInFolder, refreshStored, removeIfEmpty } from './atomicFiles';
import { writeHashed } from './hashedWrite';

/**
 * Writes a stream into a temp file in `tmpDir`, hashing each chunk as it is written, then syncs it. `commit`
 * renames it to where `finalPath(digest)` says (dropping it when that exists: the same content); until then no
 * blob name holds it. A stream error or `abort` removes the temp file.
 */
export async function stageIntoLayout(tmpDir: string, finalPath: (digest: string) => string, content: Readable, options: OpOptions = {}): Promise<StagedBlob> {
  const tmp = join(tmpDir, `stage-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fh = await openInFolder(tmp);
  let written: { hex: string; size: number };
  try {
    // Written and hashed in one pass, synced in the background as it goes (writeHashed), as a blob of known digest is.
    written = await writeHashed(fh, content, 'sha256', { signal: options.signal });
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  const { size } = written;
  const digest = `sha256:${written.hex}`;
  let done = false;
  return {
    digest,
    size,
    async commit() {
      if (done) return;
      done = true;
      const target = finalPath(digest);
      try {
        // Already stored: the same content, made young for a concurrent prune (see refreshStored).
        if (await refreshStored(target, size)) {
          await fs.rm(tmp, { force: true });
          return;
        }
        // Inside the try: a blobs folder that cannot be made (a file in its place) must not leave the temp file.
        await fs.mkdir(dirname(target), { recursive: true });
        await fs.rename(tmp, target);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      } finally {
        removeIfEmpty(tmpDir);
      }
    },
    async abort() {
      if (done) return;
      done = true;
      await fs.rm(tmp, { force: true });
      removeIfEmpty(tmpDir);
    },
  };
}
