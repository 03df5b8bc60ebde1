import type { Descriptor } from '../descriptor';

/** One caller's change to a subject's `sha256-<hex>` fallback index: a referrer pushed (add) or to delete (remove). */
export interface FallbackChange {
  add?: Descriptor;
  remove?: Descriptor;
  signal?: AbortSignal;
}

/** A change as a rewrite gets it: `fail` settles its caller alone (with its own error), the others going on. */
export interface QueuedChange extends FallbackChange {
  fail(err: unknown): void;
  readonly failed: boolean;
}

/**
 * Changes to one subject's fallback index, applied by one read-modify-write for all those queued while the one before
 * runs (or arriving together): N referrers of one subject copied or deleted at once cost a handful of rewrites, not N
 * each pushing an index the next replaces. Subjects are independent; one subject's rewrites go one after another, as
 * a read-modify-write must. A caller is settled when its change's rewrite is done: with its own error (`fail`), with
 * the rewrite's error when that fails (each told), else done.
 */
export class FallbackQueue {
  private readonly waiting = new Map<string, Array<QueuedChange & { done(): void }>>();

  constructor(private readonly rewrite: (subject: string, changes: QueuedChange[], signal: AbortSignal | undefined) => Promise<void>) {}

  submit(subject: string, change: FallbackChange): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let failed = false;
      const queued = {
        ...change,
        get failed() {
          return failed;
        },
        fail(err: unknown) {
          failed = true;
          if (settled) return;
          settled = true;
          reject(err);
        },
        done() {
          if (settled) return;
          settled = true;
          resolve();
        },
      };
      const queue = this.waiting.get(subject);
      if (queue) {
        queue.push(queued);
        return;
      }
      const fresh = [queued];
      this.waiting.set(subject, fresh);
      void this.drain(subject, fresh);
    });
  }

  private async drain(subject: string, queue: Array<QueuedChange & { done(): void }>): Promise<void> {
    // One turn of the event loop: changes whose requests were answered together join the first rewrite.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length) {
      const batch = queue.splice(0);
      // A change whose caller gave up before its turn is not made (an add's referrer stays stored, unlisted, as
      // when a rewrite is cut off): the caller has its abort, not a rewrite it no longer waits for.
      for (const c of batch) if (c.signal?.aborted) c.fail(c.signal.reason);
      const live = batch.filter((c) => !c.failed);
      if (!live.length) continue;
      const { signal, release } = allAborted(live.map((c) => c.signal));
      try {
        await this.rewrite(subject, live, signal);
        for (const c of live) c.done();
      } catch (err) {
        for (const c of live) c.fail(err);
      } finally {
        release();
      }
    }
    this.waiting.delete(subject);
  }
}

/**
 * A signal that aborts once every caller's has (never when one has none): the requests a rewrite makes for all are
 * not cut off because one of them gave up.
 */
function allAborted(signals: Array<AbortSignal | undefined>): { signal: AbortSignal | undefined; release(): void } {
  if (signals.some((s) => s === undefined)) return { signal: undefined, release: () => undefined };
  const distinct = [...new Set(signals as AbortSignal[])];
  if (distinct.length === 1) return { signal: distinct[0], release: () => undefined };
  const controller = new AbortController();
  const check = () => {
    if (distinct.every((s) => s.aborted)) controller.abort(distinct[0]!.reason);
  };
  for (const s of distinct) s.addEventListener('abort', check, { once: true });
  check();
  return { signal: controller.signal, release: () => distinct.forEach((s) => s.removeEventListener('abort', check)) };
}
