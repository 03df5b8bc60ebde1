import { setMaxListeners } from 'node:events';

/**
 * A signal that follows `signal`, for `atOnce` tasks running at once: each request or file read in flight holds a
 * listener on it, and past ten Node warns on stderr of a leak that is none. The caller's own signal is left as it is.
 */
export function sharedSignal(signal: AbortSignal | undefined, atOnce: number): AbortSignal | undefined {
  if (!signal) return undefined;
  const shared = AbortSignal.any([signal]);
  setMaxListeners(Math.max(10, 2 * atOnce + 2), shared);
  return shared;
}
