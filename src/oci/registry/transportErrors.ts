// How a failed exchange with a registry is named: the request a transport error belongs to, or the stall it is.
import type { Readable } from 'node:stream';
import { OciError } from '../errors';
import { redactUrl } from './registryError';

/** A connection (and its TLS handshake) gets at most 30 s: a host that drops the packets is known by then. */
export const connectTimeout = (timeoutMs: number): number => Math.min(30_000, timeoutMs);

/**
 * Names the request a transport error happened on (undici's messages name neither host nor path), and
 * says what to do when a plain-HTTP server was asked for TLS. The error keeps its type and code, which
 * the retry logic and callers test.
 */
const named = new WeakSet<Error>();

export function withPlace(err: unknown, method: string, url: string): unknown {
  if (!(err instanceof Error) || err instanceof OciError || named.has(err)) return err;
  named.add(err);
  const code = (err as { code?: unknown }).code;
  const reason = typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  const tlsToPlain = url.startsWith('https:') && /wrong version number|packet length too long/i.test(err.message);
  err.message = tlsToPlain
    ? `${method} ${redactUrl(url)}: ${typeof code === 'string' ? code : 'TLS handshake failed'}: the server does not answer TLS; if it is a plain-HTTP registry, use --plain-http`
    : `${method} ${redactUrl(url)}: ${reason.trim()}`;
  return err;
}

/** The error said as `message` (the proxy's, say), keeping its type and code; withPlace leaves it so. */
export function renamed(err: unknown, message: string): unknown {
  if (!(err instanceof Error)) return err;
  named.add(err);
  err.message = message;
  return err;
}

/**
 * A body cut short (undici's bare "other side closed", a body timeout) names its request as the other
 * transport errors do, whoever reads the body: a stream, a buffer, a pipeline. Prepended, so the
 * message is set before any reader sees the error; the error object stays the same.
 */
export function nameBodyErrors(body: Readable, method: string, url: string): void {
  body.prependListener('error', (err: Error) => {
    if (err.name !== 'AbortError') withPlace(err, method, url);
  });
}

/** How a host stalled: it did not complete the connection, took the request and did not answer, or stopped midway. */
export type StallKind = 'connect' | 'answer' | 'body';

export const CONNECT_TIMEOUT = 'UND_ERR_CONNECT_TIMEOUT';
export const BODY_TIMEOUT = 'UND_ERR_BODY_TIMEOUT';

/**
 * A host that stalls: it took the request and sent no answer within the headers timeout, or it did not complete the
 * connection (TCP, then TLS) within the connect timeout, as a host that drops packets does. Either mostly happens
 * again, and each try costs the whole timeout.
 */
export function stallOf(err: unknown): StallKind | undefined {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return code === 'UND_ERR_HEADERS_TIMEOUT' ? 'answer' : code === CONNECT_TIMEOUT ? 'connect' : undefined;
}

/**
 * The stall, said plainly, and (once `spent`) not to be retried again by a caller (copyGraph, pushBlob): its tries
 * are spent here, and each costs the whole timeout. The error keeps its type and code.
 */
export function stalled(err: unknown, message: string, spent = true): unknown {
  if (!(err instanceof Error)) return err;
  named.add(err);
  err.message = message;
  return spent ? Object.assign(err, { retryable: false }) : err;
}

