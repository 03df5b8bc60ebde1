import type { Readable } from 'node:stream';

/**
 * Reads a whole stream into memory, at most `limit` bytes: manifests, configs and small registry answers, never
 * layers. Past the limit it stops the source (`stop`, by default destroying it) and throws what `tooMuch` makes
 * of the count read so far, so each caller keeps its own words for the refusal.
 */
export async function readCapped(
  source: Readable,
  limit: number,
  tooMuch: (total: number) => Error,
  stop: () => void = () => source.destroy(),
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const piece of source) {
    const chunk: Buffer = typeof piece === 'string' ? Buffer.from(piece) : (piece as Buffer);
    total += chunk.length;
    if (total > limit) {
      stop();
      throw tooMuch(total);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
