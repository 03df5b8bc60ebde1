// Transient failures and waiting, for any operation that retries (the registry client, copyGraph): neither a
// registry nor a layout notion, so operations need not import the registry to retry.
import { OciError } from './errors';

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/**
 * Whether an error is transient: a dropped or stalled connection, or a server that is busy or failing. An error
 * that knows says so with a boolean `retryable` (RegistryError does); one that wraps another (OciError) is judged
 * by its cause.
 */
export function isRetryableError(err: unknown): boolean {
  const own = (err as { retryable?: unknown } | undefined)?.retryable;
  if (typeof own === 'boolean') return own;
  if (err instanceof OciError) return isRetryableError(err.cause);
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (e instanceof Error && /other side closed|socket hang up|premature close|terminated/i.test(e.message) && e.name !== 'AbortError') return true;
  }
  return false;
}

/** Waits, or rejects as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
