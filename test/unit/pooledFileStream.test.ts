import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pooledFileStream } from '../../src/oci/pooledRead';

/** The file descriptors this process holds open on `path` (Linux: /proc). */
function openOn(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

describe('pooledFileStream', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pooled-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the whole file', async () => {
    const path = join(dir, 'f');
    const bytes = Buffer.alloc(3 * (1 << 20) + 5, 7);
    writeFileSync(path, bytes);
    const chunks: Buffer[] = [];
    for await (const c of await pooledFileStream(path)) chunks.push(Buffer.from(c as Buffer));
    assert.deepEqual(Buffer.concat(chunks), bytes);
  });

  it('stopped while the file opens: rejects, leaves no stream to fail unheard and no file open', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'content');
    const unheard: unknown[] = [];
    const onUncaught = (err: unknown) => unheard.push(err);
    // Mocha's own handler would fail whichever test runs when the error surfaces: take it here.
    const mochaHandlers = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onUncaught);
    try {
      const ac = new AbortController();
      const opening = pooledFileStream(path, ac.signal);
      ac.abort(); // the open is on the thread pool: the stop comes before it ends
      await assert.rejects(opening, (err: Error) => err.name === 'AbortError');
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.removeListener('uncaughtException', onUncaught);
      for (const h of mochaHandlers) process.on('uncaughtException', h);
    }
    assert.deepEqual(unheard, []);
    assert.equal(openOn(path), 0);
  });
});
