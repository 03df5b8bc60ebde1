import { strict as assert } from 'node:assert';
import { inOrder } from '../../src/oci/inOrder';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inOrder', () => {
  it('runs at most atOnce tasks, and gives results, before and after in the items\' order', async () => {
    let running = 0;
    let peak = 0;
    const seen: string[] = [];
    const results = await inOrder(
      [50, 10, 30, 5, 20, 1],
      { atOnce: 3, before: (ms, i) => seen.push(`before ${i}`), after: (r, ms, i) => seen.push(`after ${i} ${r}`) },
      async (ms) => {
        peak = Math.max(peak, ++running);
        await later(ms);
        running--;
        return ms * 2;
      },
    );
    assert.deepEqual(results, [100, 20, 60, 10, 40, 2]);
    assert.equal(peak, 3);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5].flatMap((i) => [`before ${i}`, `after ${i} ${results[i]}`]));
  });

  it('throws the first failure in order, after stopping and settling the tasks started after it', async () => {
    const stopped: number[] = [];
    const settled: number[] = [];
    const after: number[] = [];
    await assert.rejects(
      inOrder([0, 1, 2, 3, 4], { atOnce: 5, after: (_, i) => after.push(i) }, async (i, signal) => {
        try {
          if (i === 3) throw new Error('three, failing first');
          if (i === 1) {
            await later(20);
            throw new Error('one');
          }
          if (i === 0) return i;
          // 2 and 4 would run long: they end when stopped.
          await new Promise((resolve, reject) => signal.addEventListener('abort', () => (stopped.push(i), reject(signal.reason))));
          return i;
        } finally {
          settled.push(i);
        }
      }),
      /^Error: one$/,
    );
    assert.deepEqual(after, [0]);
    assert.deepEqual(stopped.sort(), [2, 4]);
    assert.deepEqual(settled.sort(), [0, 1, 2, 3, 4]);
  });

  it('starts no task once one has failed, though an earlier one still runs', async () => {
    const started: number[] = [];
    await assert.rejects(
      inOrder([0, 1, 2, 3, 4, 5], { atOnce: 3 }, async (i) => {
        started.push(i);
        if (i === 1) throw new Error('one');
        if (i === 0) await later(30);
        return i;
      }),
      /^Error: one$/,
    );
    // 0 ends after 1 failed: its turn over, the window would have started 3.
    assert.deepEqual(started, [0, 1, 2]);
  });

  it('stops when the caller\'s signal is aborted', async () => {
    const caller = new AbortController();
    const run = inOrder([1, 2], { atOnce: 2, signal: caller.signal }, (_, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))));
    caller.abort();
    await assert.rejects(run, /aborted/);
  });
});
