import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { OpOptions, StagedBlob } from '../target';
import { giveBack } from '../lentBuffers';
import { openInFolder, refreshTime, removeIfEmpty } from './atomicFiles';

/**
 * Writes a stream into a temp file in `tmpDir`, hashing each chunk as it is written, then syncs it. `commit`
 * renames it to where `finalPath(digest)` says (dropping it when that exists: the same content); until then no
 * blob name holds it. A stream error or `abort` removes the temp file.
 */
export async function stageIntoLayout(tmpDir: string, finalPath: (digest: string) => string, content: Readable, options: OpOptions = {}): Promise<StagedBlob> {
  const tmp = join(tmpDir, `stage-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fh = await openInFolder(tmp);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const piece of content) {
      options.signal?.throwIfAborted();
      const chunk: Buffer = typeof piece === 'string' ? Buffer.from(piece) : piece;
      let offset = 0;
      while (offset < chunk.length) offset += (await fh.write(chunk, offset, chunk.length - offset)).bytesWritten;
      hash.update(chunk);
      size += chunk.length;
      // Written and hashed: its read buffer may be read into again (lentBuffers.ts).
      giveBack(chunk);
    }
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  const digest = `sha256:${hash.digest('hex')}`;
  let done = false;
  return {
    digest,
    size,
    async commit() {
      if (done) return;
      done = true;
      const target = finalPath(digest);
      // Already stored: the same content, made young for a concurrent prune (see refreshTime).
      if (await refreshTime(target)) {
        await fs.rm(tmp, { force: true });
        removeIfEmpty(tmpDir);
        return;
      }
      await fs.mkdir(dirname(target), { recursive: true });
      try {
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
