/** How often and how patiently a request is retried after a dropped connection, a 429 or a 5xx. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /**
   * Attempts in all (at most `attempts`) for a request the registry took but did not answer within the timeout.
   * A registry that stalls once mostly stalls again, and each try costs the whole timeout: a 503 answers at once.
   */
  stallAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` honoured; a registry asking for more gets this. */
  maxRetryAfterMs: number;
}

/** One retry about to happen: `attempt` failed (1-based) of `attempts` in all, for `reason` (a code, or `status 503`). */
export interface RetryInfo {
  registry: string;
  method: string;
  url: string;
  attempt: number;
  attempts: number;
  delayMs: number;
  reason: string;
  /** The wait for a response that timed out, when `reason` is a timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, stallAttempts: 2, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };

/** Exponential backoff with jitter; a `Retry-After` (seconds or an HTTP date) takes precedence, bounded. */
export function retryDelay(attempt: number, retryAfter: string | undefined, options: RetryOptions, now = Date.now()): number {
  const after = parseRetryAfter(retryAfter, now);
  if (after !== undefined) return Math.min(after, options.maxRetryAfterMs);
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(exp / 2 + (Math.random() * exp) / 2);
}

export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const when = Date.parse(v);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}
