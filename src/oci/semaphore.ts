/** Runs at most `n` tasks at once, in the order they asked. */
export function semaphore(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    // A freed slot passes straight to the next waiter (active stays as it is), so a newcomer arriving between
    // the release and the waiter's wake-up cannot take it too.
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
