/** How often and how patiently a request is retried after a dropped connection, a 429 or a 5xx. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` honoured; a registry asking for more gets this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };

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
