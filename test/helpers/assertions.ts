import { strict as assert } from 'node:assert';
import type { Readable } from 'node:stream';
import { isOciError, type OciErrorCode } from '../../src/oci/errors';

/** For `assert.throws`/`rejects`: the error is an OciError of this code, its message matching when given. */
export function code(c: OciErrorCode, message?: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(isOciError(e, c), `expected OciError ${c}, got ${String(e)}`);
    if (message) assert.match((e as Error).message, message);
    return true;
  };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function readStream(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
