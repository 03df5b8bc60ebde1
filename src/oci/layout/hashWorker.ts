// Required when a worker is made: worker_threads (and the net and perf_hooks it loads) is not every command's start-up.
import type { Worker } from 'node:worker_threads';

// The worker's code, evaluated from a string: the CLI and the extension are single bundles, with no worker file
// beside them to load. It hashes ranges of the shared buffers it is given, in the order they are posted.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const views = workerData.buffers.map((b) => new Uint8Array(b));
const hashes = new Map();
parentPort.on('message', (m) => {
  let h = hashes.get(m.id);
  if (!h) hashes.set(m.id, (h = createHash(m.alg)));
  if (m.len !== undefined) {
    h.update(views[m.buf].subarray(m.off, m.off + m.len));
    parentPort.postMessage({ req: m.req });
  } else {
    hashes.delete(m.id);
    parentPort.postMessage({ req: m.req, hex: h.digest('hex') });
  }
});
`;

/**
 * Hashes on another thread, over ranges of shared buffers (no copy): a tar export verifies a blob there while
 * this thread hashes the tar itself and the thread pool reads and writes. Each `update` resolves once the range
 * is hashed (its buffer may then be reused); `digest` resolves to the hex digest of everything updated under `id`.
 */
export class HashWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(hex: string): void; reject(err: unknown): void }>();
  private next = 0;
  private failure: unknown;

  constructor(buffers: SharedArrayBuffer[]) {
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { buffers } });
    this.worker.on('message', (m: { req: number; hex?: string }) => {
      const p = this.pending.get(m.req);
      this.pending.delete(m.req);
      p?.resolve(m.hex ?? '');
    });
    const fail = (err: unknown) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the hashing thread stopped (exit code ${code})`)));
  }

  update(id: number, alg: string, buf: number, off: number, len: number): Promise<string> {
    return this.request({ id, alg, buf, off, len });
  }

  digest(id: number, alg: string): Promise<string> {
    return this.request({ id, alg });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private request(message: Record<string, unknown>): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const req = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      this.worker.postMessage({ ...message, req });
    });
  }
}
