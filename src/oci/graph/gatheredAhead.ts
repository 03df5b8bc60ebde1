/** An async iteration run ahead of its reader: what it yields is kept, and read back later in the same order. */
export interface GatheredAhead<T> extends AsyncIterable<T> {
  /** Settles (never rejects) when the iteration has ended or failed. */
  settled: Promise<void>;
}

/**
 * Runs `iterate` now (through `run`, e.g. a semaphore), calling `onItem` as each item comes. Reading the result
 * gives the items in order as they are there, then ends, or throws the iteration's error at the place it met it: a
 * reader sees what a `for await` over `iterate()` would have, items and error alike, only sooner.
 */
export function gatherAhead<T>(iterate: () => AsyncIterable<T>, run: (task: () => Promise<void>) => Promise<void>, onItem?: (item: T) => void): GatheredAhead<T> {
  const items: T[] = [];
  let end: { failed: false } | { failed: true; error: unknown } | undefined;
  let waiting: Array<() => void> = [];
  const wake = () => {
    const woken = waiting;
    waiting = [];
    for (const w of woken) w();
  };
  const settled = run(async () => {
    try {
      for await (const item of iterate()) {
        items.push(item);
        onItem?.(item);
        wake();
      }
      end = { failed: false };
    } catch (error) {
      end = { failed: true, error };
    }
  })
    .catch((error: unknown) => void (end ??= { failed: true, error }))
    .finally(wake);
  return {
    settled,
    async *[Symbol.asyncIterator]() {
      for (let i = 0; ; i++) {
        while (i >= items.length && !end) await new Promise<void>((resolve) => waiting.push(resolve));
        if (i < items.length) yield items[i]!;
        else if (end!.failed) throw end!.error;
        else return;
      }
    },
  };
}
