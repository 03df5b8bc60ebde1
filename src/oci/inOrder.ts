import { setMaxListeners } from 'node:events';

export interface InOrderOptions<T, R> {
  /** Tasks running at once. */
  atOnce: number;
  signal?: AbortSignal;
  /** Called for each item in order, as its turn comes (before its result is awaited). */
  before?: (item: T, i: number) => void;
  /** Called with each result in the items' order. */
  after?: (result: R, item: T, i: number) => void;
  /** Abort listeners a task may hold on its signal at once (default 4: a file read, a request); more for a task that runs its own transfers. */
  listenersPerTask?: number;
}

/**
 * `task` for each item, up to `atOnce` at a time, the results in the items' order: a loop over a registry's round
 * trips, overlapped (push and attach read and store their files with it too). `before` and `after` see the items in
 * order, as a loop would. Once a task fails no other is started; the error is the first item's in order that fails,
 * and the tasks started after it are stopped through the signal they get, and settled, before it is thrown (so
 * what they staged is known, and discarded).
 */
export async function inOrder<T, R>(items: readonly T[], options: InOrderOptions<T, R>, task: (item: T, signal: AbortSignal) => Promise<R>): Promise<R[]> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  // Shared by every task running, each of which may hold a few abort listeners (a file read, a request) at once.
  setMaxListeners(Math.max(10, (options.listenersPerTask ?? 4) * (options.atOnce + 1)), signal);
  const started: Promise<R>[] = [];
  const results: R[] = [];
  // Set as a task fails, not when its turn comes: the window would otherwise go on starting tasks meanwhile.
  let failed = false;
  try {
    for (let i = 0; i < items.length; i++) {
      // The failed task is among those started, so its turn comes before they run out.
      while (!failed && started.length < Math.min(items.length, i + Math.max(1, options.atOnce))) {
        const running = task(items[started.length]!, signal);
        running.catch(() => void (failed = true)); // awaited in its turn; one after a failure is only stopped
        started.push(running);
      }
      options.before?.(items[i]!, i);
      const result = await started[i]!;
      options.after?.(result, items[i]!, i);
      results.push(result);
    }
  } catch (err) {
    stop.abort();
    await Promise.allSettled(started);
    throw err;
  }
  return results;
}
